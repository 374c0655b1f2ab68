// Convolution in striate._C: conv1d, conv2d_sides (per-side / 'full' padding), conv3d,
// conv_transpose2d and locally_connected2d in _C._functional (normalized arguments; the
// PyTorch-signature wrappers live in striate.nn), and the Conv1d, Conv2d, Conv3d, ConvTranspose2d and
// LocallyConnected2d layers of nn/conv.h in _C._nn with PyTorch's constructor signatures.
#include <string>
#include <variant>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/nn/conv.h"
#include "striate/ops/conv.h"

namespace striate::python {
namespace {

py::tuple pair_tuple(const IntPair& pair) { return py::make_tuple(pair[0], pair[1]); }

// None -> undefined; a Tensor as is; anything else (a numpy array, nested lists) through striate.tensor.
Tensor as_tensor(const py::object& value) {
  if (value.is_none()) return Tensor();
  if (py::isinstance<TensorImpl>(value)) return value.cast<Tensor>();
  return py::module_::import("striate").attr("tensor")(value).cast<Tensor>();
}

void check_padding_mode(const std::string& padding_mode, const char* layer) {
  if (padding_mode == "reflect" || padding_mode == "replicate" || padding_mode == "circular")
    STRIATE_NOT_IMPLEMENTED(layer, ": padding_mode='", padding_mode, "' is not supported yet (only 'zeros')");
  STRIATE_CHECK(padding_mode == "zeros", layer, ": expected padding_mode to be 'zeros', 'reflect', 'replicate' or ",
                "'circular', got '", padding_mode, "'");
}

template <size_t Size>
py::tuple to_tuple(const std::array<int64_t, Size>& values) {
  py::tuple result(Size);
  for (size_t i = 0; i < Size; ++i) result[i] = py::int_(values[i]);
  return result;
}

py::object padding_mode_object(PaddingMode mode) {
  switch (mode) {
    case PaddingMode::Same: return py::str("same");
    case PaddingMode::Valid: return py::str("valid");
    case PaddingMode::Full: return py::str("full");
    default: return py::none();
  }
}

// Adds the weight and bias properties every conv layer has.
template <typename Impl>
void parameter_properties(LayerClass<Impl>& cls) {
  cls.def_property(
         "weight", [](const Impl& self) { return self.weight; },
         [](Impl& self, const Tensor& value) { assign_parameter(self, self.weight, "weight", value); })
      .def_property(
          "bias", [](const Impl& self) { return self.bias; },
          [](Impl& self, const Tensor& value) { assign_parameter(self, self.bias, "bias", value); })
      .def("reset_parameters", &Impl::reset_parameters)
      .def_property_readonly("in_channels", [](const Impl& self) { return self.options.in_channels(); })
      .def_property_readonly("out_channels", [](const Impl& self) { return self.options.out_channels(); });
}

// ---- functional ---------------------------------------------------------------------------------

void bind_functional(py::module_& functional) {
  // padding: the string mode, or explicit sides outermost dimension first, (before, after) each.
  functional.def(
      "conv1d",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t stride,
         const std::variant<IntPair, std::string>& padding, int64_t dilation, int64_t groups) {
        Conv1dOptions options;
        options.stride(stride).dilation(dilation).groups(groups);
        if (const auto* mode = std::get_if<std::string>(&padding))
          options.padding(*mode);
        else
          options.padding_sides(std::get<IntPair>(padding));
        return conv1d(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("groups"), release_gil());
  functional.def(
      "conv2d_sides",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias, IntPair stride,
         const std::variant<IntQuad, std::string>& padding, IntPair dilation, int64_t groups) {
        Conv2dOptions options;
        options.stride(stride).dilation(dilation).groups(groups);
        if (const auto* mode = std::get_if<std::string>(&padding))
          options.padding(*mode);
        else
          options.padding_sides(std::get<IntQuad>(padding));
        return conv2d(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("groups"), release_gil());
  functional.def(
      "conv3d",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias, IntTriple stride,
         const std::variant<IntSextet, std::string>& padding, IntTriple dilation, int64_t groups) {
        Conv3dOptions options;
        options.stride(stride).dilation(dilation).groups(groups);
        if (const auto* mode = std::get_if<std::string>(&padding))
          options.padding(*mode);
        else
          options.padding_sides(std::get<IntSextet>(padding));
        return conv3d(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("groups"), release_gil());
  functional.def(
      "conv_transpose2d",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias, IntPair stride, IntPair padding,
         IntPair output_padding, int64_t groups, IntPair dilation) {
        ConvTranspose2dOptions options;
        options.stride(stride).padding(padding).output_padding(output_padding).groups(groups).dilation(dilation);
        return conv_transpose2d(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"),
      py::arg("output_padding"), py::arg("groups"), py::arg("dilation"), release_gil());
  functional.def(
      "locally_connected2d",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias, IntPair stride, IntPair padding) {
        LocallyConnected2dOptions options;
        options.stride(stride).padding(padding);
        return locally_connected2d(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"), release_gil());
}

// ---- Conv2d ---------------------------------------------------------------------------

nn::Conv2dOptions conv2d_options(int64_t in_channels, int64_t out_channels, const py::object& kernel_size,
                                 const py::object& stride, const py::object& padding, const py::object& dilation,
                                 int64_t groups, bool bias, const std::string& padding_mode,
                                 const py::object& connection_table) {
  if (padding_mode == "reflect" || padding_mode == "replicate" || padding_mode == "circular") {
    STRIATE_NOT_IMPLEMENTED("Conv2d: padding_mode='", padding_mode, "' is not supported yet (only 'zeros')");
  }
  STRIATE_CHECK(padding_mode == "zeros", "Conv2d: expected padding_mode to be 'zeros', 'reflect', 'replicate' or ",
                "'circular', got '", padding_mode, "'");
  nn::Conv2dOptions options(in_channels, out_channels, int_pair(kernel_size, "Conv2d", "kernel_size"));
  options.stride(int_pair(stride, "Conv2d", "stride"))
      .dilation(int_pair(dilation, "Conv2d", "dilation"))
      .groups(groups)
      .bias(bias)
      .connection_table(as_tensor(connection_table));
  if (py::isinstance<py::str>(padding)) {
    options.padding(padding.cast<std::string>());
  } else if ((py::isinstance<py::tuple>(padding) || py::isinstance<py::list>(padding)) && py::len(padding) == 4) {
    // Per side in F.pad's order (left, right, top, bottom).
    auto sides = padding.cast<std::vector<int64_t>>();
    options.padding_sides(IntQuad{sides[2], sides[3], sides[0], sides[1]});
  } else {
    options.padding(int_pair(padding, "Conv2d", "padding"));
  }
  return options;
}

void bind_conv2d(py::module_& nn_module) {
  using nn::Conv2dImpl;
  LayerClass<Conv2dImpl>(nn_module, "Conv2d", py::dynamic_attr())
      .def(layer_init<Conv2dImpl>(&conv2d_options), py::arg("in_channels"), py::arg("out_channels"),
           py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0, py::arg("dilation") = 1,
           py::arg("groups") = 1, py::arg("bias") = true, py::arg("padding_mode") = "zeros", py::kw_only(),
           py::arg("connection_table") = py::none())
      .def_property_readonly("in_channels", [](const Conv2dImpl& self) { return self.options.in_channels(); })
      .def_property_readonly("out_channels", [](const Conv2dImpl& self) { return self.options.out_channels(); })
      .def_property_readonly("kernel_size",
                             [](const Conv2dImpl& self) { return pair_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const Conv2dImpl& self) { return pair_tuple(self.options.stride()); })
      .def_property_readonly("padding",
                             [](const Conv2dImpl& self) -> py::object {
                               switch (self.options.padding_mode()) {
                                 case PaddingMode::Same: return py::str("same");
                                 case PaddingMode::Valid: return py::str("valid");
                                 case PaddingMode::Full: return py::str("full");
                                 default: break;
                               }
                               if (const auto& sides = self.options.padding_sides()) {
                                 const IntQuad& p = *sides;
                                 return py::make_tuple(p[2], p[3], p[0], p[1]);  // F.pad's order
                               }
                               return pair_tuple(self.options.padding());
                             })
      .def_property_readonly("dilation", [](const Conv2dImpl& self) { return pair_tuple(self.options.dilation()); })
      .def_property_readonly("groups", [](const Conv2dImpl& self) { return self.options.groups(); })
      .def_property_readonly("padding_mode", [](const Conv2dImpl&) { return "zeros"; })
      .def_property_readonly("connection_table", [](const Conv2dImpl& self) { return self.options.connection_table(); })
      .def_property(
          "weight", [](const Conv2dImpl& self) { return self.weight; },
          [](Conv2dImpl& self, const Tensor& value) { assign_parameter(self, self.weight, "weight", value); })
      .def_property(
          "bias", [](const Conv2dImpl& self) { return self.bias; },
          [](Conv2dImpl& self, const Tensor& value) { assign_parameter(self, self.bias, "bias", value); })
      .def("reset_parameters", &Conv2dImpl::reset_parameters);
}

// ---- Conv1d, Conv3d, ConvTranspose2d and LocallyConnected2d ---------------------------------------

nn::Conv1dOptions conv1d_options(int64_t in_channels, int64_t out_channels, const py::object& kernel_size,
                                 const py::object& stride, const py::object& padding, const py::object& dilation,
                                 int64_t groups, bool bias, const std::string& padding_mode) {
  check_padding_mode(padding_mode, "Conv1d");
  nn::Conv1dOptions options(in_channels, out_channels, int_tuple<1>(kernel_size, "Conv1d", "kernel_size")[0]);
  options.stride(int_tuple<1>(stride, "Conv1d", "stride")[0])
      .dilation(int_tuple<1>(dilation, "Conv1d", "dilation")[0])
      .groups(groups)
      .bias(bias);
  if (py::isinstance<py::str>(padding))
    options.padding(padding.cast<std::string>());
  else  // an int, (p,) or per side (left, right)
    options.padding_sides(int_tuple<2>(padding, "Conv1d", "padding"));
  return options;
}

nn::Conv3dOptions conv3d_options(int64_t in_channels, int64_t out_channels, const py::object& kernel_size,
                                 const py::object& stride, const py::object& padding, const py::object& dilation,
                                 int64_t groups, bool bias, const std::string& padding_mode) {
  check_padding_mode(padding_mode, "Conv3d");
  nn::Conv3dOptions options(in_channels, out_channels, int_tuple<3>(kernel_size, "Conv3d", "kernel_size"));
  options.stride(int_tuple<3>(stride, "Conv3d", "stride"))
      .dilation(int_tuple<3>(dilation, "Conv3d", "dilation"))
      .groups(groups)
      .bias(bias);
  if (py::isinstance<py::str>(padding)) {
    options.padding(padding.cast<std::string>());
  } else if ((py::isinstance<py::tuple>(padding) || py::isinstance<py::list>(padding)) && py::len(padding) == 6) {
    // F.pad's order (left, right, top, bottom, front, back) -> outermost dimension first.
    auto p = int_tuple<6>(padding, "Conv3d", "padding");
    options.padding_sides({p[4], p[5], p[2], p[3], p[0], p[1]});
  } else {
    options.padding(int_tuple<3>(padding, "Conv3d", "padding"));
  }
  return options;
}

nn::ConvTranspose2dOptions conv_transpose2d_options(int64_t in_channels, int64_t out_channels,
                                                    const py::object& kernel_size, const py::object& stride,
                                                    const py::object& padding, const py::object& output_padding,
                                                    int64_t groups, bool bias, const py::object& dilation,
                                                    const std::string& padding_mode) {
  check_padding_mode(padding_mode, "ConvTranspose2d");
  const char* layer = "ConvTranspose2d";
  nn::ConvTranspose2dOptions options(in_channels, out_channels, int_tuple<2>(kernel_size, layer, "kernel_size"));
  options.stride(int_tuple<2>(stride, layer, "stride"))
      .padding(int_tuple<2>(padding, layer, "padding"))
      .output_padding(int_tuple<2>(output_padding, layer, "output_padding"))
      .dilation(int_tuple<2>(dilation, layer, "dilation"))
      .groups(groups)
      .bias(bias);
  return options;
}

nn::LocallyConnected2dOptions locally_connected2d_options(int64_t in_channels, int64_t out_channels,
                                                          const py::object& in_size, const py::object& kernel_size,
                                                          const py::object& stride, const py::object& padding,
                                                          bool bias) {
  const char* layer = "LocallyConnected2d";
  nn::LocallyConnected2dOptions options(in_channels, out_channels, int_tuple<2>(in_size, layer, "in_size"),
                                        int_tuple<2>(kernel_size, layer, "kernel_size"));
  options.stride(int_tuple<2>(stride, layer, "stride")).padding(int_tuple<2>(padding, layer, "padding")).bias(bias);
  return options;
}

// The Python `padding` attribute: the mode string, or the sides in F.pad's order (last
// dimension first), collapsed to one value per dimension when symmetric, as PyTorch prints it.
template <size_t Dims>
py::object padding_object(PaddingMode mode, const std::array<int64_t, 2 * Dims>& sides) {
  if (mode != PaddingMode::Explicit) return padding_mode_object(mode);
  bool symmetric = true;
  for (size_t d = 0; d < Dims; ++d) symmetric = symmetric && sides[2 * d] == sides[2 * d + 1];
  py::list values;
  if (symmetric) {
    for (size_t d = 0; d < Dims; ++d) values.append(sides[2 * d]);
  } else {
    for (size_t d = Dims; d-- > 0;) {
      values.append(sides[2 * d]);
      values.append(sides[2 * d + 1]);
    }
  }
  return py::tuple(values);
}

void bind_conv1d(py::module_& nn_module) {
  using nn::Conv1dImpl;
  LayerClass<Conv1dImpl> cls(nn_module, "Conv1d", py::dynamic_attr());
  cls.def(layer_init<Conv1dImpl>(&conv1d_options), py::arg("in_channels"), py::arg("out_channels"),
          py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0, py::arg("dilation") = 1,
          py::arg("groups") = 1, py::arg("bias") = true, py::arg("padding_mode") = "zeros")
      .def_property_readonly("kernel_size",
                             [](const Conv1dImpl& self) { return py::make_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride",
                             [](const Conv1dImpl& self) { return py::make_tuple(self.options.functional().stride()); })
      .def_property_readonly("padding",
                             [](const Conv1dImpl& self) {
                               const auto& f = self.options.functional();
                               return padding_object<1>(f.padding_mode(), f.padding2());
                             })
      .def_property_readonly(
          "dilation", [](const Conv1dImpl& self) { return py::make_tuple(self.options.functional().dilation()); })
      .def_property_readonly("groups", [](const Conv1dImpl& self) { return self.options.functional().groups(); })
      .def_property_readonly("padding_mode", [](const Conv1dImpl&) { return "zeros"; });
  parameter_properties(cls);
}

void bind_conv3d(py::module_& nn_module) {
  using nn::Conv3dImpl;
  LayerClass<Conv3dImpl> cls(nn_module, "Conv3d", py::dynamic_attr());
  cls.def(layer_init<Conv3dImpl>(&conv3d_options), py::arg("in_channels"), py::arg("out_channels"),
          py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0, py::arg("dilation") = 1,
          py::arg("groups") = 1, py::arg("bias") = true, py::arg("padding_mode") = "zeros")
      .def_property_readonly("kernel_size", [](const Conv3dImpl& self) { return to_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride",
                             [](const Conv3dImpl& self) { return to_tuple(self.options.functional().stride()); })
      .def_property_readonly("padding",
                             [](const Conv3dImpl& self) {
                               const auto& f = self.options.functional();
                               return padding_object<3>(f.padding_mode(), f.padding6());
                             })
      .def_property_readonly("dilation",
                             [](const Conv3dImpl& self) { return to_tuple(self.options.functional().dilation()); })
      .def_property_readonly("groups", [](const Conv3dImpl& self) { return self.options.functional().groups(); })
      .def_property_readonly("padding_mode", [](const Conv3dImpl&) { return "zeros"; });
  parameter_properties(cls);
}

void bind_conv_transpose2d(py::module_& nn_module) {
  using Impl = nn::ConvTranspose2dImpl;
  LayerClass<Impl> cls(nn_module, "ConvTranspose2d", py::dynamic_attr());
  cls.def(layer_init<Impl>(&conv_transpose2d_options), py::arg("in_channels"), py::arg("out_channels"),
          py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0, py::arg("output_padding") = 0,
          py::arg("groups") = 1, py::arg("bias") = true, py::arg("dilation") = 1, py::arg("padding_mode") = "zeros")
      .def_property_readonly("kernel_size", [](const Impl& self) { return to_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const Impl& self) { return to_tuple(self.options.functional().stride()); })
      .def_property_readonly("padding", [](const Impl& self) { return to_tuple(self.options.functional().padding()); })
      .def_property_readonly("output_padding",
                             [](const Impl& self) { return to_tuple(self.options.functional().output_padding()); })
      .def_property_readonly("dilation",
                             [](const Impl& self) { return to_tuple(self.options.functional().dilation()); })
      .def_property_readonly("groups", [](const Impl& self) { return self.options.functional().groups(); })
      .def_property_readonly("padding_mode", [](const Impl&) { return "zeros"; });
  parameter_properties(cls);
}

void bind_locally_connected2d(py::module_& nn_module) {
  using Impl = nn::LocallyConnected2dImpl;
  LayerClass<Impl> cls(nn_module, "LocallyConnected2d", py::dynamic_attr());
  cls.def(layer_init<Impl>(&locally_connected2d_options), py::arg("in_channels"), py::arg("out_channels"),
          py::arg("in_size"), py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0,
          py::arg("bias") = true)
      .def_property_readonly("in_size", [](const Impl& self) { return to_tuple(self.options.in_size()); })
      .def_property_readonly("output_size", [](const Impl& self) { return to_tuple(self.output_size); })
      .def_property_readonly("kernel_size", [](const Impl& self) { return to_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const Impl& self) { return to_tuple(self.options.functional().stride()); })
      .def_property_readonly("padding", [](const Impl& self) { return to_tuple(self.options.functional().padding()); });
  parameter_properties(cls);
}

}  // namespace

void init_conv(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  bind_functional(functional);
  py::module_ nn_module = m.attr("_nn");
  bind_conv2d(nn_module);
  bind_conv1d(nn_module);
  bind_conv3d(nn_module);
  bind_conv_transpose2d(nn_module);
  bind_locally_connected2d(nn_module);
}

}  // namespace striate::python
