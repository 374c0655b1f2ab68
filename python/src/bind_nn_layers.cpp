// Bindings of the built-in layers under PyTorch's names and constructor signatures (argument
// conversion only: int-or-pair sizes, string or per-side padding, None strides); the layers are the
// C++ classes of cpp/include/striate/nn/layers.h.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/nn/layers.h"

namespace striate::python {

namespace {

using nn::Module;

std::string type_name(const py::handle& value) {
  return py::str(py::type::handle_of(value).attr("__name__"));
}

// An int, or a tuple/list of two ints (PyTorch's _pair).
IntPair int_pair(const py::handle& value, const char* layer, const char* argument) {
  auto is_int = [](const py::handle& v) { return py::isinstance<py::int_>(v) && !py::isinstance<py::bool_>(v); };
  if (is_int(value)) {
    auto v = value.cast<int64_t>();
    return {v, v};
  }
  if (py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value)) {
    auto items = value.cast<py::sequence>();
    if (items.size() == 2 && is_int(items[0]) && is_int(items[1])) {
      return {items[0].cast<int64_t>(), items[1].cast<int64_t>()};
    }
  }
  throw TypeError(detail::str(layer, ": expected ", argument, " to be an int or a pair of ints, got ",
                              std::string(py::repr(value))));
}

py::tuple pair_tuple(const IntPair& pair) { return py::make_tuple(pair[0], pair[1]); }

// Pooling sizes come back as one int when square, as users usually write them.
py::object int_or_pair(const IntPair& pair) {
  if (pair[0] == pair[1]) return py::int_(pair[0]);
  return pair_tuple(pair);
}

// None -> undefined; a Tensor as is; anything else (a numpy array, nested lists) through striate.tensor.
Tensor as_tensor(const py::object& value) {
  if (value.is_none()) return Tensor();
  if (py::isinstance<TensorImpl>(value)) return value.cast<Tensor>();
  return py::module_::import("striate").attr("tensor")(value).cast<Tensor>();
}

// Setting layer.weight / layer.bias from Python: a Parameter, or None to drop an optional one.
void assign_parameter(Module& layer, Tensor& slot, const char* name, const Tensor& value) {
  STRIATE_CHECK_TYPE(!value.defined() || value.is_parameter(), layer.name(), ": cannot assign a plain Tensor to '",
                     name, "' (wrap it in striate.nn.Parameter, or assign None)");
  slot = layer.register_parameter(name, value, value.defined() && value.requires_grad());
}

// For layers whose Python arguments are the C++ constructor's.
template <typename Impl, typename... Args>
auto direct_init() {
  return py::init([](Args... args) { return std::make_unique<Impl>(args...); },
                  [](Args... args) { return std::make_unique<PyModule<Impl>>(args...); });
}

template <typename Impl>
using LayerClass = py::class_<Impl, Module, PyModule<Impl>, py::smart_holder>;

// ---- Linear ---------------------------------------------------------------------------

nn::LinearOptions linear_options(int64_t in_features, int64_t out_features, bool bias) {
  return nn::LinearOptions(in_features, out_features).bias(bias);
}

void bind_linear(py::module_& nn_module) {
  using nn::LinearImpl;
  LayerClass<LinearImpl>(nn_module, "Linear", py::dynamic_attr())
      .def(layer_init<LinearImpl>(&linear_options), py::arg("in_features"), py::arg("out_features"),
           py::arg("bias") = true)
      .def_property_readonly("in_features", [](const LinearImpl& self) { return self.options.in_features(); })
      .def_property_readonly("out_features", [](const LinearImpl& self) { return self.options.out_features(); })
      .def_property(
          "weight", [](const LinearImpl& self) { return self.weight; },
          [](LinearImpl& self, const Tensor& value) { assign_parameter(self, self.weight, "weight", value); })
      .def_property(
          "bias", [](const LinearImpl& self) { return self.bias; },
          [](LinearImpl& self, const Tensor& value) { assign_parameter(self, self.bias, "bias", value); })
      .def("reset_parameters", &LinearImpl::reset_parameters);
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
           py::arg("groups") = 1, py::arg("bias") = true, py::arg("padding_mode") = "zeros",
           py::kw_only(), py::arg("connection_table") = py::none())
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
      .def_property_readonly("connection_table",
                             [](const Conv2dImpl& self) { return self.options.connection_table(); })
      .def_property(
          "weight", [](const Conv2dImpl& self) { return self.weight; },
          [](Conv2dImpl& self, const Tensor& value) { assign_parameter(self, self.weight, "weight", value); })
      .def_property(
          "bias", [](const Conv2dImpl& self) { return self.bias; },
          [](Conv2dImpl& self, const Tensor& value) { assign_parameter(self, self.bias, "bias", value); })
      .def("reset_parameters", &Conv2dImpl::reset_parameters);
}

// ---- pooling -------------------------------------------------------------------------------

Pool2dOptions max_pool2d_options(const py::object& kernel_size, const py::object& stride, const py::object& padding,
                                 const py::object& dilation, bool ceil_mode) {
  Pool2dOptions options(int_pair(kernel_size, "MaxPool2d", "kernel_size"));
  if (!stride.is_none()) options.stride(int_pair(stride, "MaxPool2d", "stride"));
  options.padding(int_pair(padding, "MaxPool2d", "padding"))
      .dilation(int_pair(dilation, "MaxPool2d", "dilation"))
      .ceil_mode(ceil_mode);
  return options;
}

Pool2dOptions avg_pool2d_options(const py::object& kernel_size, const py::object& stride, const py::object& padding,
                                 bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override) {
  Pool2dOptions options(int_pair(kernel_size, "AvgPool2d", "kernel_size"));
  if (!stride.is_none()) options.stride(int_pair(stride, "AvgPool2d", "stride"));
  options.padding(int_pair(padding, "AvgPool2d", "padding"))
      .ceil_mode(ceil_mode)
      .count_include_pad(count_include_pad)
      .divisor_override(divisor_override);
  return options;
}

void bind_pooling(py::module_& nn_module) {
  using nn::AvgPool2dImpl;
  using nn::MaxPool2dImpl;
  LayerClass<MaxPool2dImpl>(nn_module, "MaxPool2d", py::dynamic_attr())
      .def(py::init(
               [](const py::object& kernel_size, const py::object& stride, const py::object& padding,
                  const py::object& dilation, bool return_indices, bool ceil_mode) {
                 return std::make_unique<MaxPool2dImpl>(
                     max_pool2d_options(kernel_size, stride, padding, dilation, ceil_mode), return_indices);
               },
               [](const py::object& kernel_size, const py::object& stride, const py::object& padding,
                  const py::object& dilation, bool return_indices, bool ceil_mode) {
                 return std::make_unique<PyModule<MaxPool2dImpl>>(
                     max_pool2d_options(kernel_size, stride, padding, dilation, ceil_mode), return_indices);
               }),
           py::arg("kernel_size"), py::arg("stride") = py::none(), py::arg("padding") = 0, py::arg("dilation") = 1,
           py::arg("return_indices") = false, py::arg("ceil_mode") = false)
      // With return_indices the Python forward returns (output, indices), as PyTorch's.
      .def(
          "forward",
          [](MaxPool2dImpl& self, const Tensor& input) -> py::object {
            if (!self.return_indices) {
              Tensor output;
              {
                py::gil_scoped_release release;
                output = self.forward(input);
              }
              return py::cast(output);
            }
            std::tuple<Tensor, Tensor> result;
            {
              py::gil_scoped_release release;
              result = self.forward_with_indices(input);
            }
            return py::make_tuple(std::get<0>(result), std::get<1>(result));
          },
          py::arg("input"))
      .def_property_readonly("kernel_size",
                             [](const MaxPool2dImpl& self) { return int_or_pair(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.stride()); })
      .def_property_readonly("padding", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.padding()); })
      .def_property_readonly("dilation", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.dilation()); })
      .def_property_readonly("ceil_mode", [](const MaxPool2dImpl& self) { return self.options.ceil_mode(); })
      .def_readonly("return_indices", &MaxPool2dImpl::return_indices);

  LayerClass<AvgPool2dImpl>(nn_module, "AvgPool2d", py::dynamic_attr())
      .def(layer_init<AvgPool2dImpl>(&avg_pool2d_options), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("ceil_mode") = false, py::arg("count_include_pad") = true,
           py::arg("divisor_override") = py::none())
      .def_property_readonly("kernel_size",
                             [](const AvgPool2dImpl& self) { return int_or_pair(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const AvgPool2dImpl& self) { return int_or_pair(self.options.stride()); })
      .def_property_readonly("padding", [](const AvgPool2dImpl& self) { return int_or_pair(self.options.padding()); })
      .def_property_readonly("ceil_mode", [](const AvgPool2dImpl& self) { return self.options.ceil_mode(); })
      .def_property_readonly("count_include_pad",
                             [](const AvgPool2dImpl& self) { return self.options.count_include_pad(); })
      .def_property_readonly("divisor_override",
                             [](const AvgPool2dImpl& self) { return self.options.divisor_override(); });
}

// ---- activations and reshaping --------------------------------------------------------------

void bind_simple_layers(py::module_& nn_module) {
  using nn::FlattenImpl;
  using nn::IdentityImpl;
  using nn::ReLUImpl;
  LayerClass<ReLUImpl>(nn_module, "ReLU", py::dynamic_attr())
      .def(direct_init<ReLUImpl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &ReLUImpl::inplace);
  LayerClass<nn::SigmoidImpl>(nn_module, "Sigmoid", py::dynamic_attr()).def(direct_init<nn::SigmoidImpl>());
  LayerClass<nn::TanhImpl>(nn_module, "Tanh", py::dynamic_attr()).def(direct_init<nn::TanhImpl>());
  LayerClass<FlattenImpl>(nn_module, "Flatten", py::dynamic_attr())
      .def(direct_init<FlattenImpl, int64_t, int64_t>(), py::arg("start_dim") = 1, py::arg("end_dim") = -1)
      .def_readonly("start_dim", &FlattenImpl::start_dim)
      .def_readonly("end_dim", &FlattenImpl::end_dim);
  // Identity ignores its arguments, as torch.nn.Identity does.
  LayerClass<IdentityImpl>(nn_module, "Identity", py::dynamic_attr())
      .def(py::init([](const py::args&, const py::kwargs&) { return std::make_unique<IdentityImpl>(); },
                    [](const py::args&, const py::kwargs&) { return std::make_unique<PyModule<IdentityImpl>>(); }));
}

}  // namespace

void init_nn_layers(py::module_& nn_module) {
  bind_linear(nn_module);
  bind_conv2d(nn_module);
  bind_pooling(nn_module);
  bind_simple_layers(nn_module);
}

}  // namespace striate::python
