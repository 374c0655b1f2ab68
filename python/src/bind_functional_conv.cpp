// striate._C._functional: matmul, linear, conv2d and 2-D pooling (wrapped with PyTorch's
// signatures by striate.nn._functional_conv), and Tensor.__matmul__.
#include <string>
#include <variant>

#include "bindings.h"
#include "striate/ops/conv.h"
#include "striate/ops/linalg.h"
#include "striate/ops/pool.h"

namespace striate::python {
namespace {

using release_gil = py::call_guard<py::gil_scoped_release>;
using Pair = std::array<int64_t, 2>;

std::optional<Tensor> optional_tensor(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }

Pool2dOptions pool_options(Pair kernel_size, Pair stride, Pair padding, Pair dilation, bool ceil_mode) {
  Pool2dOptions options(kernel_size);
  options.stride(stride).padding(padding).dilation(dilation).ceil_mode(ceil_mode);
  return options;
}

}  // namespace

void init_functional_conv(py::module_& m) {
  py::module_ functional = py::hasattr(m, "_functional") ? py::module_(m.attr("_functional"))
                                                          : m.def_submodule("_functional");

  functional.def("matmul", &matmul, py::arg("input"), py::arg("other"), release_gil());
  functional.def(
      "linear",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias) {
        return linear(input, weight, optional_tensor(bias));
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(), release_gil());

  functional.def(
      "conv2d",
      [](const Tensor& input, const Tensor& weight, const Tensor& bias, Pair stride,
         const std::variant<Pair, std::string>& padding, Pair dilation, int64_t groups) {
        Conv2dOptions options;
        options.stride(stride).dilation(dilation).groups(groups);
        if (const auto* mode = std::get_if<std::string>(&padding))
          options.padding(*mode);
        else
          options.padding(std::get<Pair>(padding));
        return conv2d(input, weight, optional_tensor(bias), options);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias"), py::arg("stride"), py::arg("padding"),
      py::arg("dilation"), py::arg("groups"), release_gil());

  functional.def(
      "max_pool2d",
      [](const Tensor& input, Pair kernel_size, Pair stride, Pair padding, Pair dilation, bool ceil_mode) {
        return max_pool2d(input, pool_options(kernel_size, stride, padding, dilation, ceil_mode));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("ceil_mode"), release_gil());
  functional.def(
      "max_pool2d_with_indices",
      [](const Tensor& input, Pair kernel_size, Pair stride, Pair padding, Pair dilation, bool ceil_mode) {
        return max_pool2d_with_indices(input, pool_options(kernel_size, stride, padding, dilation, ceil_mode));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("ceil_mode"), release_gil());
  functional.def(
      "avg_pool2d",
      [](const Tensor& input, Pair kernel_size, Pair stride, Pair padding, bool ceil_mode, bool count_include_pad,
         std::optional<int64_t> divisor_override) {
        Pool2dOptions options = pool_options(kernel_size, stride, padding, {1, 1}, ceil_mode);
        options.count_include_pad(count_include_pad).divisor_override(divisor_override);
        return avg_pool2d(input, options);
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("ceil_mode"),
      py::arg("count_include_pad"), py::arg("divisor_override"), release_gil());

  TensorClass cls = tensor_class(m);
  cls.def("matmul", &matmul, py::arg("other"), release_gil());
  cls.def("__matmul__", &matmul, py::is_operator(), release_gil());
  cls.def(
      "__rmatmul__", [](const Tensor& self, const Tensor& other) { return matmul(other, self); }, py::is_operator(),
      release_gil());
}

}  // namespace striate::python
