// Activations in striate._C: relu, sigmoid, tanh, the parameterized activations, softmax,
// log_softmax and softmin in _C._functional (wrapped with PyTorch's signatures by striate.nn), the
// matching Tensor methods, and the activation layers of nn/activation.h in _C._nn.
#include <optional>
#include <string>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_activation.h"
#include "docstrings/tensor.h"
#include "striate/nn/activation.h"
#include "striate/ops/activation.h"

namespace striate::python {
namespace {

std::optional<DType> optional_dtype(const py::handle& dtype, const char* op) {
  if (dtype.is_none()) return std::nullopt;
  return dtype_from_py(dtype, op);
}

void bind_activations(py::module_& functional) {
  functional.def("relu", [](const Tensor& x) { return relu(x); }, py::arg("input"), release_gil());
  functional.def("relu_", [](Tensor& x) { return relu_(x); }, py::arg("input"), release_gil());
  functional.def("sigmoid", [](const Tensor& x) { return sigmoid(x); }, py::arg("input"), release_gil());
  functional.def("tanh", [](const Tensor& x) { return tanh(x); }, py::arg("input"), release_gil());
  functional.def(
      "softmax",
      [](const Tensor& x, int64_t dim, const py::object& dtype) {
        std::optional<DType> cast_to = optional_dtype(dtype, "softmax");
        py::gil_scoped_release release;
        return softmax(x, dim, cast_to);
      },
      py::arg("input"), py::arg("dim"), py::arg("dtype") = py::none());
  functional.def(
      "log_softmax",
      [](const Tensor& x, int64_t dim, const py::object& dtype) {
        std::optional<DType> cast_to = optional_dtype(dtype, "log_softmax");
        py::gil_scoped_release release;
        return log_softmax(x, dim, cast_to);
      },
      py::arg("input"), py::arg("dim"), py::arg("dtype") = py::none());
  functional.def(
      "hardtanh", [](const Tensor& x, double lo, double hi) { return hardtanh(x, lo, hi); }, py::arg("input"),
      py::arg("min_val") = -1.0, py::arg("max_val") = 1.0, release_gil());
  functional.def(
      "hardtanh_", [](Tensor& x, double lo, double hi) { return hardtanh_(x, lo, hi); }, py::arg("input"),
      py::arg("min_val") = -1.0, py::arg("max_val") = 1.0, release_gil());
  functional.def("relu6", [](const Tensor& x) { return relu6(x); }, py::arg("input"), release_gil());
  functional.def("relu6_", [](Tensor& x) { return relu6_(x); }, py::arg("input"), release_gil());
  functional.def(
      "leaky_relu", [](const Tensor& x, double slope) { return leaky_relu(x, slope); }, py::arg("input"),
      py::arg("negative_slope") = 0.01, release_gil());
  functional.def(
      "leaky_relu_", [](Tensor& x, double slope) { return leaky_relu_(x, slope); }, py::arg("input"),
      py::arg("negative_slope") = 0.01, release_gil());
  functional.def(
      "prelu", [](const Tensor& x, const Tensor& w) { return prelu(x, w); }, py::arg("input"), py::arg("weight"),
      release_gil());
  functional.def(
      "elu", [](const Tensor& x, double alpha) { return elu(x, alpha); }, py::arg("input"), py::arg("alpha") = 1.0,
      release_gil());
  functional.def(
      "elu_", [](Tensor& x, double alpha) { return elu_(x, alpha); }, py::arg("input"), py::arg("alpha") = 1.0,
      release_gil());
  functional.def("selu", [](const Tensor& x) { return selu(x); }, py::arg("input"), release_gil());
  functional.def("selu_", [](Tensor& x) { return selu_(x); }, py::arg("input"), release_gil());
  functional.def(
      "gelu", [](const Tensor& x, const std::string& approximate) { return gelu(x, approximate); }, py::arg("input"),
      py::arg("approximate") = "none", release_gil());
  functional.def("silu", [](const Tensor& x) { return silu(x); }, py::arg("input"), release_gil());
  functional.def("silu_", [](Tensor& x) { return silu_(x); }, py::arg("input"), release_gil());
  functional.def("hardswish", [](const Tensor& x) { return hardswish(x); }, py::arg("input"), release_gil());
  functional.def("hardswish_", [](Tensor& x) { return hardswish_(x); }, py::arg("input"), release_gil());
  functional.def(
      "softplus", [](const Tensor& x, double beta, double threshold) { return softplus(x, beta, threshold); },
      py::arg("input"), py::arg("beta") = 1.0, py::arg("threshold") = 20.0, release_gil());
  functional.def("abs_tanh", [](const Tensor& x) { return abs_tanh(x); }, py::arg("input"), release_gil());
  functional.def(
      "softmin",
      [](const Tensor& x, int64_t dim, const py::object& dtype) {
        std::optional<DType> cast_to;
        if (!dtype.is_none()) cast_to = dtype_from_py(dtype, "softmin");
        py::gil_scoped_release release;
        return softmin(x, dim, cast_to);
      },
      py::arg("input"), py::arg("dim"), py::arg("dtype") = py::none());
}

void bind_tensor_methods(TensorClass cls) {
  cls.def("relu", [](const Tensor& x) { return relu(x); }, release_gil(), docstrings::kTensorRelu);
  cls.def("relu_", [](Tensor& x) { return relu_(x); }, release_gil(), docstrings::kTensorReluInplace);
  cls.def("sigmoid", [](const Tensor& x) { return sigmoid(x); }, release_gil(), docstrings::kTensorSigmoid);
  cls.def("tanh", [](const Tensor& x) { return tanh(x); }, release_gil(), docstrings::kTensorTanh);
  cls.def(
      "softmax",
      [](const Tensor& x, int64_t dim, const py::object& dtype) {
        std::optional<DType> cast_to = optional_dtype(dtype, "softmax");
        py::gil_scoped_release release;
        return softmax(x, dim, cast_to);
      },
      py::arg("dim"), py::arg("dtype") = py::none(), docstrings::kTensorSoftmax);
  cls.def(
      "log_softmax",
      [](const Tensor& x, int64_t dim, const py::object& dtype) {
        std::optional<DType> cast_to = optional_dtype(dtype, "log_softmax");
        py::gil_scoped_release release;
        return log_softmax(x, dim, cast_to);
      },
      py::arg("dim"), py::arg("dtype") = py::none(), docstrings::kTensorLogSoftmax);
}

void bind_layers(py::module_& nn_module) {
  using namespace nn;
  LayerClass<ReLUImpl>(nn_module, "ReLU", docstrings::kReLU, py::dynamic_attr())
      .def(direct_init<ReLUImpl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &ReLUImpl::inplace);
  LayerClass<SigmoidImpl>(nn_module, "Sigmoid", docstrings::kSigmoid, py::dynamic_attr())
      .def(direct_init<SigmoidImpl>());
  LayerClass<TanhImpl>(nn_module, "Tanh", docstrings::kTanh, py::dynamic_attr()).def(direct_init<TanhImpl>());
  LayerClass<HardtanhImpl>(nn_module, "Hardtanh", docstrings::kHardtanh, py::dynamic_attr())
      .def(direct_init<HardtanhImpl, double, double, bool>(), py::arg("min_val") = -1.0, py::arg("max_val") = 1.0,
           py::arg("inplace") = false)
      .def_readonly("min_val", &HardtanhImpl::min_val)
      .def_readonly("max_val", &HardtanhImpl::max_val)
      .def_readonly("inplace", &HardtanhImpl::inplace);
  LayerClass<ReLU6Impl>(nn_module, "ReLU6", docstrings::kReLU6, py::dynamic_attr())
      .def(direct_init<ReLU6Impl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &ReLU6Impl::inplace);
  LayerClass<LeakyReLUImpl>(nn_module, "LeakyReLU", docstrings::kLeakyReLU, py::dynamic_attr())
      .def(direct_init<LeakyReLUImpl, double, bool>(), py::arg("negative_slope") = 0.01, py::arg("inplace") = false)
      .def_readonly("negative_slope", &LeakyReLUImpl::negative_slope)
      .def_readonly("inplace", &LeakyReLUImpl::inplace);
  LayerClass<PReLUImpl>(nn_module, "PReLU", docstrings::kPReLU, py::dynamic_attr())
      .def(direct_init<PReLUImpl, int64_t, double>(), py::arg("num_parameters") = 1, py::arg("init") = 0.25)
      .def_readonly("num_parameters", &PReLUImpl::num_parameters)
      .def_readonly("init", &PReLUImpl::init)
      .def_property(
          "weight", [](const PReLUImpl& self) { return self.weight; },
          [](PReLUImpl& self, const Tensor& value) {
            STRIATE_CHECK_TYPE(value.defined() && value.is_parameter(),
                               "PReLU: cannot assign a plain Tensor or None to 'weight' (wrap it in ",
                               "striate.nn.Parameter)");
            self.weight = self.register_parameter("weight", value, value.requires_grad());
          })
      .def("reset_parameters", &PReLUImpl::reset_parameters, docstrings::kResetParameters);
  LayerClass<ELUImpl>(nn_module, "ELU", docstrings::kELU, py::dynamic_attr())
      .def(direct_init<ELUImpl, double, bool>(), py::arg("alpha") = 1.0, py::arg("inplace") = false)
      .def_readonly("alpha", &ELUImpl::alpha)
      .def_readonly("inplace", &ELUImpl::inplace);
  LayerClass<SELUImpl>(nn_module, "SELU", docstrings::kSELU, py::dynamic_attr())
      .def(direct_init<SELUImpl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &SELUImpl::inplace);
  LayerClass<GELUImpl>(nn_module, "GELU", docstrings::kGELU, py::dynamic_attr())
      .def(direct_init<GELUImpl, std::string>(), py::arg("approximate") = "none")
      .def_readonly("approximate", &GELUImpl::approximate);
  LayerClass<SiLUImpl>(nn_module, "SiLU", docstrings::kSiLU, py::dynamic_attr())
      .def(direct_init<SiLUImpl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &SiLUImpl::inplace);
  LayerClass<HardswishImpl>(nn_module, "Hardswish", docstrings::kHardswish, py::dynamic_attr())
      .def(direct_init<HardswishImpl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &HardswishImpl::inplace);
  LayerClass<SoftplusImpl>(nn_module, "Softplus", docstrings::kSoftplus, py::dynamic_attr())
      .def(direct_init<SoftplusImpl, double, double>(), py::arg("beta") = 1.0, py::arg("threshold") = 20.0)
      .def_readonly("beta", &SoftplusImpl::beta)
      .def_readonly("threshold", &SoftplusImpl::threshold);
  LayerClass<AbsTanhImpl>(nn_module, "AbsTanh", docstrings::kAbsTanh, py::dynamic_attr())
      .def(direct_init<AbsTanhImpl>());
  LayerClass<SoftmaxImpl>(nn_module, "Softmax", docstrings::kSoftmax, py::dynamic_attr())
      .def(direct_init<SoftmaxImpl, std::optional<int64_t>>(), py::arg("dim") = py::none())
      .def_readonly("dim", &SoftmaxImpl::dim);
  LayerClass<LogSoftmaxImpl>(nn_module, "LogSoftmax", docstrings::kLogSoftmax, py::dynamic_attr())
      .def(direct_init<LogSoftmaxImpl, std::optional<int64_t>>(), py::arg("dim") = py::none())
      .def_readonly("dim", &LogSoftmaxImpl::dim);
  LayerClass<SoftminImpl>(nn_module, "Softmin", docstrings::kSoftmin, py::dynamic_attr())
      .def(direct_init<SoftminImpl, std::optional<int64_t>>(), py::arg("dim") = py::none())
      .def_readonly("dim", &SoftminImpl::dim);
}

}  // namespace

void init_activation(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  bind_activations(functional);
  bind_tensor_methods(tensor_class(m));
  py::module_ nn_module = m.attr("_nn");
  bind_layers(nn_module);
}

}  // namespace striate::python
