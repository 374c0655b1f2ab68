// striate._C._functional: relu, sigmoid, tanh, softmax, log_softmax and the losses (wrapped with
// PyTorch's signatures by striate.nn._functional_activation), and the matching Tensor methods.
#include <string>

#include "bindings.h"
#include "striate/ops/activation.h"
#include "striate/ops/loss.h"

namespace striate::python {
namespace {

using release_gil = py::call_guard<py::gil_scoped_release>;

std::optional<DType> optional_dtype(const py::handle& dtype, const char* op) {
  if (dtype.is_none()) return std::nullopt;
  return dtype_from_py(dtype, op);
}

}  // namespace

void init_functional_activation(py::module_& m) {
  py::module_ functional = py::hasattr(m, "_functional") ? py::module_(m.attr("_functional"))
                                                          : m.def_submodule("_functional");

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
      "cross_entropy",
      [](const Tensor& input, const Tensor& target, const Tensor& weight, int64_t ignore_index,
         const std::string& reduction, double label_smoothing) {
        return cross_entropy(input, target, parse_reduction(reduction, "cross_entropy"), weight, ignore_index,
                             label_smoothing);
      },
      py::arg("input"), py::arg("target"), py::arg("weight") = py::none(), py::arg("ignore_index") = -100,
      py::arg("reduction") = "mean", py::arg("label_smoothing") = 0.0, release_gil());
  functional.def(
      "nll_loss",
      [](const Tensor& input, const Tensor& target, const Tensor& weight, int64_t ignore_index,
         const std::string& reduction) {
        return nll_loss(input, target, parse_reduction(reduction, "nll_loss"), weight, ignore_index);
      },
      py::arg("input"), py::arg("target"), py::arg("weight") = py::none(), py::arg("ignore_index") = -100,
      py::arg("reduction") = "mean", release_gil());
  functional.def(
      "mse_loss",
      [](const Tensor& input, const Tensor& target, const std::string& reduction) {
        return mse_loss(input, target, parse_reduction(reduction, "mse_loss"));
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", release_gil());

  TensorClass cls = tensor_class(m);
  cls.def("relu", [](const Tensor& x) { return relu(x); }, release_gil());
  cls.def("relu_", [](Tensor& x) { return relu_(x); }, release_gil());
  cls.def("sigmoid", [](const Tensor& x) { return sigmoid(x); }, release_gil());
  cls.def("tanh", [](const Tensor& x) { return tanh(x); }, release_gil());
  cls.def(
      "softmax",
      [](const Tensor& x, int64_t dim, const py::object& dtype) {
        std::optional<DType> cast_to = optional_dtype(dtype, "softmax");
        py::gil_scoped_release release;
        return softmax(x, dim, cast_to);
      },
      py::arg("dim"), py::arg("dtype") = py::none());
  cls.def(
      "log_softmax",
      [](const Tensor& x, int64_t dim, const py::object& dtype) {
        std::optional<DType> cast_to = optional_dtype(dtype, "log_softmax");
        py::gil_scoped_release release;
        return log_softmax(x, dim, cast_to);
      },
      py::arg("dim"), py::arg("dtype") = py::none());
}

}  // namespace striate::python
