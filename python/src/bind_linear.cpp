// The fully connected layer in striate._C: matmul and linear in _C._functional (wrapped with
// PyTorch's signatures by striate.nn.functional), Tensor.matmul / @, and nn::Linear as _C._nn.Linear.
#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_linear.h"
#include "docstrings/tensor.h"
#include "striate/nn/linear.h"
#include "striate/ops/linalg.h"

namespace striate::python {
namespace {

nn::LinearOptions linear_options(int64_t in_features, int64_t out_features, bool bias) {
  return nn::LinearOptions(in_features, out_features).bias(bias);
}

void bind_linear(py::module_& nn_module) {
  using nn::LinearImpl;
  LayerClass<LinearImpl>(nn_module, "Linear", docstrings::kLinear, py::dynamic_attr())
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
      .def("reset_parameters", &LinearImpl::reset_parameters, docstrings::kResetParameters);
}

}  // namespace

void init_linear(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  functional.def("matmul", &matmul, py::arg("input"), py::arg("other"), release_gil(), docstrings::kMatmul);
  functional.def(
      "linear",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias) {
        return linear(input, weight, optional_tensor(bias));
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(), release_gil());

  TensorClass cls = tensor_class(m);
  cls.def("matmul", &matmul, py::arg("other"), release_gil(), docstrings::kTensorMatmul);
  cls.def("__matmul__", &matmul, py::is_operator(), release_gil());
  cls.def(
      "__rmatmul__", [](const Tensor& self, const Tensor& other) { return matmul(other, self); }, py::is_operator(),
      release_gil());

  py::module_ nn_module = m.attr("_nn");
  bind_linear(nn_module);
}

}  // namespace striate::python
