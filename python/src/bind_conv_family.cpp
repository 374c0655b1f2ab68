// Bindings of the issue-3 conv family: conv1d, conv2d with per-side / 'full' padding, conv3d,
// conv_transpose2d and locally_connected2d into _C._functional (normalized arguments; the
// PyTorch-signature wrappers live in striate.nn._functional_conv_family), and the Conv1d, Conv3d,
// ConvTranspose2d and LocallyConnected2d layers into _C._nn with PyTorch's constructor signatures.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <variant>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/nn/conv_layers.h"
#include "striate/ops/conv.h"

namespace striate::python {
namespace {

using release_gil = py::call_guard<py::gil_scoped_release>;
using nn::Module;
template <typename Impl>
using LayerClass = py::class_<Impl, Module, PyModule<Impl>, py::smart_holder>;

std::optional<Tensor> optional_tensor(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }

bool is_int(const py::handle& v) { return py::isinstance<py::int_>(v) && !py::isinstance<py::bool_>(v); }

// An int (repeated) or a tuple/list of exactly Size ints (or of one int, repeated), as PyTorch's _ntuple.
template <size_t Size>
std::array<int64_t, Size> int_tuple(const py::handle& value, const char* layer, const char* argument) {
  std::array<int64_t, Size> result{};
  if (is_int(value)) {
    result.fill(value.cast<int64_t>());
    return result;
  }
  if (py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value)) {
    auto items = value.cast<py::sequence>();
    bool all_int = true;
    for (auto item : items) all_int = all_int && is_int(item);
    if (all_int && items.size() == 1) {
      result.fill(items[0].cast<int64_t>());
      return result;
    }
    if (all_int && items.size() == Size) {
      for (size_t i = 0; i < Size; ++i) result[i] = items[i].cast<int64_t>();
      return result;
    }
  }
  throw TypeError(detail::str(layer, ": expected ", argument, " to be an int or a tuple of ", Size, " ints, got ",
                              std::string(py::repr(value))));
}

// Setting layer.weight / layer.bias from Python: a Parameter, or None to drop an optional one.
void assign_parameter(Module& layer, Tensor& slot, const char* name, const Tensor& value) {
  STRIATE_CHECK_TYPE(!value.defined() || value.is_parameter(), layer.name(), ": cannot assign a plain Tensor to '",
                     name, "' (wrap it in striate.nn.Parameter, or assign None)");
  slot = layer.register_parameter(name, value, value.defined() && value.requires_grad());
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
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"),
      py::arg("dilation"), py::arg("groups"), release_gil());
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
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"),
      py::arg("dilation"), py::arg("groups"), release_gil());
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
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"),
      py::arg("dilation"), py::arg("groups"), release_gil());
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

// ---- layers -------------------------------------------------------------------------------------

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

void init_conv_family(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  bind_functional(functional);
  py::module_ nn_module = m.attr("_nn");
  bind_conv1d(nn_module);
  bind_conv3d(nn_module);
  bind_conv_transpose2d(nn_module);
  bind_locally_connected2d(nn_module);
}

}  // namespace striate::python
