// Bindings of the issue-3 activation / loss family: the parameterized activations, softmin,
// prelu, the losses beyond cross_entropy / nll_loss / mse_loss and the weight penalties into
// _C._functional, and the activation layers of nn/activation_layers.h into _C._nn.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/nn/activation_layers.h"
#include "striate/ops/activation.h"
#include "striate/ops/loss.h"

namespace striate::python {
namespace {

using release_gil = py::call_guard<py::gil_scoped_release>;

template <typename Impl>
using LayerClass = py::class_<Impl, nn::Module, PyModule<Impl>, py::smart_holder>;

// For layers whose Python arguments are the C++ constructor's.
template <typename Impl, typename... Args>
auto direct_init() {
  return py::init([](Args... args) { return std::make_unique<Impl>(args...); },
                  [](Args... args) { return std::make_unique<PyModule<Impl>>(args...); });
}

void bind_activations(py::module_& functional) {
  functional.def("hardtanh", [](const Tensor& x, double lo, double hi) { return hardtanh(x, lo, hi); },
                 py::arg("input"), py::arg("min_val") = -1.0, py::arg("max_val") = 1.0, release_gil());
  functional.def("hardtanh_", [](Tensor& x, double lo, double hi) { return hardtanh_(x, lo, hi); }, py::arg("input"),
                 py::arg("min_val") = -1.0, py::arg("max_val") = 1.0, release_gil());
  functional.def("relu6", [](const Tensor& x) { return relu6(x); }, py::arg("input"), release_gil());
  functional.def("relu6_", [](Tensor& x) { return relu6_(x); }, py::arg("input"), release_gil());
  functional.def("leaky_relu", [](const Tensor& x, double slope) { return leaky_relu(x, slope); }, py::arg("input"),
                 py::arg("negative_slope") = 0.01, release_gil());
  functional.def("leaky_relu_", [](Tensor& x, double slope) { return leaky_relu_(x, slope); }, py::arg("input"),
                 py::arg("negative_slope") = 0.01, release_gil());
  functional.def("prelu", [](const Tensor& x, const Tensor& w) { return prelu(x, w); }, py::arg("input"),
                 py::arg("weight"), release_gil());
  functional.def("elu", [](const Tensor& x, double alpha) { return elu(x, alpha); }, py::arg("input"),
                 py::arg("alpha") = 1.0, release_gil());
  functional.def("elu_", [](Tensor& x, double alpha) { return elu_(x, alpha); }, py::arg("input"),
                 py::arg("alpha") = 1.0, release_gil());
  functional.def("selu", [](const Tensor& x) { return selu(x); }, py::arg("input"), release_gil());
  functional.def("selu_", [](Tensor& x) { return selu_(x); }, py::arg("input"), release_gil());
  functional.def("gelu", [](const Tensor& x, const std::string& approximate) { return gelu(x, approximate); },
                 py::arg("input"), py::arg("approximate") = "none", release_gil());
  functional.def("silu", [](const Tensor& x) { return silu(x); }, py::arg("input"), release_gil());
  functional.def("silu_", [](Tensor& x) { return silu_(x); }, py::arg("input"), release_gil());
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

void bind_losses(py::module_& functional) {
  functional.def(
      "l1_loss",
      [](const Tensor& input, const Tensor& target, const std::string& reduction) {
        return l1_loss(input, target, parse_reduction(reduction, "l1_loss"));
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", release_gil());
  functional.def(
      "smooth_l1_loss",
      [](const Tensor& input, const Tensor& target, const std::string& reduction, double beta) {
        return smooth_l1_loss(input, target, parse_reduction(reduction, "smooth_l1_loss"), beta);
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", py::arg("beta") = 1.0, release_gil());
  functional.def(
      "huber_loss",
      [](const Tensor& input, const Tensor& target, const std::string& reduction, double delta) {
        return huber_loss(input, target, parse_reduction(reduction, "huber_loss"), delta);
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", py::arg("delta") = 1.0, release_gil());
  functional.def(
      "binary_cross_entropy",
      [](const Tensor& input, const Tensor& target, const Tensor& weight, const std::string& reduction) {
        return binary_cross_entropy(input, target, weight, parse_reduction(reduction, "binary_cross_entropy"));
      },
      py::arg("input"), py::arg("target"), py::arg("weight") = py::none(), py::arg("reduction") = "mean",
      release_gil());
  functional.def(
      "binary_cross_entropy_with_logits",
      [](const Tensor& input, const Tensor& target, const Tensor& weight, const std::string& reduction,
         const Tensor& pos_weight) {
        return binary_cross_entropy_with_logits(
            input, target, weight, parse_reduction(reduction, "binary_cross_entropy_with_logits"), pos_weight);
      },
      py::arg("input"), py::arg("target"), py::arg("weight") = py::none(), py::arg("reduction") = "mean",
      py::arg("pos_weight") = py::none(), release_gil());
  functional.def(
      "multi_margin_loss",
      [](const Tensor& input, const Tensor& target, int64_t p, double margin, const Tensor& weight,
         const std::string& reduction) {
        return multi_margin_loss(input, target, p, margin, weight, parse_reduction(reduction, "multi_margin_loss"));
      },
      py::arg("input"), py::arg("target"), py::arg("p") = 1, py::arg("margin") = 1.0, py::arg("weight") = py::none(),
      py::arg("reduction") = "mean", release_gil());
  functional.def(
      "kl_div",
      [](const Tensor& input, const Tensor& target, const std::string& reduction, bool log_target) {
        return kl_div(input, target, reduction, log_target);
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", py::arg("log_target") = false,
      release_gil());
  functional.def(
      "cosine_embedding_loss",
      [](const Tensor& input1, const Tensor& input2, const Tensor& target, double margin,
         const std::string& reduction) {
        return cosine_embedding_loss(input1, input2, target, margin,
                                     parse_reduction(reduction, "cosine_embedding_loss"));
      },
      py::arg("input1"), py::arg("input2"), py::arg("target"), py::arg("margin") = 0.0,
      py::arg("reduction") = "mean", release_gil());
  functional.def("l1_penalty", [](const std::vector<Tensor>& params) { return l1_penalty(params); },
                 py::arg("params"), release_gil());
  functional.def("l2_penalty", [](const std::vector<Tensor>& params) { return l2_penalty(params); },
                 py::arg("params"), release_gil());
  functional.def(
      "elastic_net_penalty",
      [](const std::vector<Tensor>& params, double alpha, double l1_ratio) {
        return elastic_net_penalty(params, alpha, l1_ratio);
      },
      py::arg("params"), py::arg("alpha") = 1.0, py::arg("l1_ratio") = 0.5, release_gil());
}

void bind_layers(py::module_& nn_module) {
  using namespace nn;
  LayerClass<HardtanhImpl>(nn_module, "Hardtanh", py::dynamic_attr())
      .def(direct_init<HardtanhImpl, double, double, bool>(), py::arg("min_val") = -1.0, py::arg("max_val") = 1.0,
           py::arg("inplace") = false)
      .def_readonly("min_val", &HardtanhImpl::min_val)
      .def_readonly("max_val", &HardtanhImpl::max_val)
      .def_readonly("inplace", &HardtanhImpl::inplace);
  LayerClass<ReLU6Impl>(nn_module, "ReLU6", py::dynamic_attr())
      .def(direct_init<ReLU6Impl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &ReLU6Impl::inplace);
  LayerClass<LeakyReLUImpl>(nn_module, "LeakyReLU", py::dynamic_attr())
      .def(direct_init<LeakyReLUImpl, double, bool>(), py::arg("negative_slope") = 0.01, py::arg("inplace") = false)
      .def_readonly("negative_slope", &LeakyReLUImpl::negative_slope)
      .def_readonly("inplace", &LeakyReLUImpl::inplace);
  LayerClass<PReLUImpl>(nn_module, "PReLU", py::dynamic_attr())
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
      .def("reset_parameters", &PReLUImpl::reset_parameters);
  LayerClass<ELUImpl>(nn_module, "ELU", py::dynamic_attr())
      .def(direct_init<ELUImpl, double, bool>(), py::arg("alpha") = 1.0, py::arg("inplace") = false)
      .def_readonly("alpha", &ELUImpl::alpha)
      .def_readonly("inplace", &ELUImpl::inplace);
  LayerClass<SELUImpl>(nn_module, "SELU", py::dynamic_attr())
      .def(direct_init<SELUImpl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &SELUImpl::inplace);
  LayerClass<GELUImpl>(nn_module, "GELU", py::dynamic_attr())
      .def(direct_init<GELUImpl, std::string>(), py::arg("approximate") = "none")
      .def_readonly("approximate", &GELUImpl::approximate);
  LayerClass<SiLUImpl>(nn_module, "SiLU", py::dynamic_attr())
      .def(direct_init<SiLUImpl, bool>(), py::arg("inplace") = false)
      .def_readonly("inplace", &SiLUImpl::inplace);
  LayerClass<SoftplusImpl>(nn_module, "Softplus", py::dynamic_attr())
      .def(direct_init<SoftplusImpl, double, double>(), py::arg("beta") = 1.0, py::arg("threshold") = 20.0)
      .def_readonly("beta", &SoftplusImpl::beta)
      .def_readonly("threshold", &SoftplusImpl::threshold);
  LayerClass<AbsTanhImpl>(nn_module, "AbsTanh", py::dynamic_attr()).def(direct_init<AbsTanhImpl>());
  LayerClass<SoftmaxImpl>(nn_module, "Softmax", py::dynamic_attr())
      .def(direct_init<SoftmaxImpl, std::optional<int64_t>>(), py::arg("dim") = py::none())
      .def_readonly("dim", &SoftmaxImpl::dim);
  LayerClass<LogSoftmaxImpl>(nn_module, "LogSoftmax", py::dynamic_attr())
      .def(direct_init<LogSoftmaxImpl, std::optional<int64_t>>(), py::arg("dim") = py::none())
      .def_readonly("dim", &LogSoftmaxImpl::dim);
  LayerClass<SoftminImpl>(nn_module, "Softmin", py::dynamic_attr())
      .def(direct_init<SoftminImpl, std::optional<int64_t>>(), py::arg("dim") = py::none())
      .def_readonly("dim", &SoftminImpl::dim);
}

}  // namespace

void init_activation_loss_family(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  py::module_ nn_module = m.attr("_nn");
  bind_activations(functional);
  bind_losses(functional);
  bind_layers(nn_module);
}

}  // namespace striate::python
