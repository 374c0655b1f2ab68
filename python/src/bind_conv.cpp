// Convolution in striate._C: conv1d, conv2d, conv3d, conv_transpose2d and locally_connected2d in
// _C._functional with PyTorch's signatures (raw arguments, normalized by bind_args.h), and the
// Conv1d, Conv2d, Conv3d, ConvTranspose2d and LocallyConnected2d layers of nn/conv.h in _C._nn with
// PyTorch's constructor signatures.
#include <string>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_conv.h"
#include "striate/nn/conv.h"
#include "striate/ops/conv.h"

namespace striate::python {
namespace {

py::tuple pair_tuple(const IntPair& pair) { return py::make_tuple(pair[0], pair[1]); }

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
      .def("reset_parameters", &Impl::reset_parameters, docstrings::kResetParameters)
      .def_property_readonly("in_channels", [](const Impl& self) { return self.options.in_channels(); })
      .def_property_readonly("out_channels", [](const Impl& self) { return self.options.out_channels(); });
}

// ---- functional ---------------------------------------------------------------------------------

// The conv ops with PyTorch's signatures; the raw Python arguments are normalized here (GIL held),
// then the op runs without the GIL.
template <typename Options, size_t Dims>
Options conv_options(const char* op, const py::object& stride, const py::object& padding, const py::object& dilation,
                     const py::object& groups) {
  Options options;
  if constexpr (Dims == 1)
    options.stride(int_tuple<1>(stride, op, "stride")[0]).dilation(int_tuple<1>(dilation, op, "dilation")[0]);
  else
    options.stride(int_tuple<Dims>(stride, op, "stride")).dilation(int_tuple<Dims>(dilation, op, "dilation"));
  options.groups(to_int(groups, op, "groups"));
  conv_padding<Dims>(padding, op).apply(options);
  return options;
}

template <typename Options, size_t Dims, auto Op>
void def_conv(py::module_& functional, const char* name) {
  functional.def(
      name,
      [name](const Tensor& input, const Tensor& weight, const Tensor& bias, const py::object& stride,
             const py::object& padding, const py::object& dilation, const py::object& groups) {
        Options options = conv_options<Options, Dims>(name, stride, padding, dilation, groups);
        py::gil_scoped_release release;
        return Op(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(), py::arg("stride") = 1, py::arg("padding") = 0,
      py::arg("dilation") = 1, py::arg("groups") = 1);
}

void bind_functional(py::module_& functional) {
  def_conv<Conv1dOptions, 1, &conv1d>(functional, "conv1d");
  def_conv<Conv2dOptions, 2, &conv2d>(functional, "conv2d");
  def_conv<Conv3dOptions, 3, &conv3d>(functional, "conv3d");
  functional.def(
      "conv_transpose2d",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias, const py::object& stride,
         const py::object& padding, const py::object& output_padding, const py::object& groups,
         const py::object& dilation) {
        const char* op = "conv_transpose2d";
        ConvTranspose2dOptions options;
        options.stride(int_tuple<2>(stride, op, "stride"))
            .padding(transpose_padding(padding, op))
            .output_padding(int_tuple<2>(output_padding, op, "output_padding"))
            .groups(to_int(groups, op, "groups"))
            .dilation(int_tuple<2>(dilation, op, "dilation"));
        py::gil_scoped_release release;
        return conv_transpose2d(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(), py::arg("stride") = 1, py::arg("padding") = 0,
      py::arg("output_padding") = 0, py::arg("groups") = 1, py::arg("dilation") = 1);
  functional.def(
      "locally_connected2d",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias, const py::object& stride,
         const py::object& padding) {
        const char* op = "locally_connected2d";
        LocallyConnected2dOptions options;
        options.stride(int_tuple<2>(stride, op, "stride")).padding(int_tuple<2>(padding, op, "padding"));
        py::gil_scoped_release release;
        return locally_connected2d(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(), py::arg("stride") = 1, py::arg("padding") = 0);
}

// ---- Conv2d ---------------------------------------------------------------------------

nn::Conv2dOptions conv2d_options(int64_t in_channels, int64_t out_channels, const py::object& kernel_size,
                                 const py::object& stride, const py::object& padding, const py::object& dilation,
                                 int64_t groups, bool bias, const std::string& padding_mode,
                                 const py::object& connection_table) {
  check_padding_mode(padding_mode, "Conv2d");
  nn::Conv2dOptions options(in_channels, out_channels, int_tuple<2>(kernel_size, "Conv2d", "kernel_size"));
  options.stride(int_tuple<2>(stride, "Conv2d", "stride"))
      .dilation(int_tuple<2>(dilation, "Conv2d", "dilation"))
      .groups(groups)
      .bias(bias)
      .connection_table(as_tensor(connection_table));
  auto sides = conv_padding<2>(padding, "Conv2d");
  if (sides.mode)
    options.padding(*sides.mode);
  else if (sides.per_side)
    options.padding_sides(sides.sides);
  else
    options.padding(sides.symmetric());
  return options;
}

void bind_conv2d(py::module_& nn_module) {
  using nn::Conv2dImpl;
  LayerClass<Conv2dImpl>(nn_module, "Conv2d", docstrings::kConv2d, py::dynamic_attr())
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
      .def("reset_parameters", &Conv2dImpl::reset_parameters, docstrings::kResetParameters);
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
  conv_padding<1>(padding, "Conv1d").apply(options);
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
  conv_padding<3>(padding, "Conv3d").apply(options);
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
      .padding(transpose_padding(padding, layer))
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
  LayerClass<Conv1dImpl> cls(nn_module, "Conv1d", docstrings::kConv1d, py::dynamic_attr());
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
  LayerClass<Conv3dImpl> cls(nn_module, "Conv3d", docstrings::kConv3d, py::dynamic_attr());
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
  LayerClass<Impl> cls(nn_module, "ConvTranspose2d", docstrings::kConvTranspose2d, py::dynamic_attr());
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
  LayerClass<Impl> cls(nn_module, "LocallyConnected2d", docstrings::kLocallyConnected2d, py::dynamic_attr());
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

// striate.backends.cpu.conv_algorithm / set_conv_algorithm wrap these.
void bind_conv_algorithms(py::module_& m) {
  m.def(
      "_conv2d_algorithms",
      [](const std::vector<int64_t>& input, const std::vector<int64_t>& weight, const py::object& stride,
         const py::object& padding, const py::object& dilation, const py::object& groups, DType dtype,
         const std::string& device) {
        const char* op = "conv_algorithm";
        Conv2dOptions options = conv_options<Conv2dOptions, 2>(op, stride, padding, dilation, groups);
        conv2d_output_shape(Shape(input), Shape(weight), options, op);  // errors name the Python function
        const Conv2dAlgorithms chosen = conv2d_algorithms(Shape(input), Shape(weight), options, dtype, Device(device));
        py::dict result;
        result["forward"] = conv_algorithm_name(chosen.forward);
        result["backward_input"] = conv_algorithm_name(chosen.backward_input);
        result["backward_weight"] = conv_algorithm_name(chosen.backward_weight);
        return result;
      },
      py::arg("input_shape"), py::arg("weight_shape"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("groups"), py::arg("dtype"), py::arg("device"));
  m.def(
      "_set_conv_algorithm", [](const std::string& name) { set_conv_algorithm(conv_algorithm_from_name(name)); },
      py::arg("name"));
  m.def("_get_conv_algorithm", [] { return std::string(conv_algorithm_name(conv_algorithm())); });
}

void init_conv(py::module_& m) {
  bind_conv_algorithms(m);
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
