// Losses in striate._C: cross_entropy, nll_loss, the regression, binary, margin and divergence
// losses, and the weight penalties (l1, l2, elastic net) in _C._functional, wrapped with PyTorch's
// signatures by striate.nn.
#include <string>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/ops/loss.h"

namespace striate::python {
namespace {

void bind_losses(py::module_& functional) {
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
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", py::arg("log_target") = false, release_gil());
  functional.def(
      "cosine_embedding_loss",
      [](const Tensor& input1, const Tensor& input2, const Tensor& target, double margin,
         const std::string& reduction) {
        return cosine_embedding_loss(input1, input2, target, margin,
                                     parse_reduction(reduction, "cosine_embedding_loss"));
      },
      py::arg("input1"), py::arg("input2"), py::arg("target"), py::arg("margin") = 0.0, py::arg("reduction") = "mean",
      release_gil());
  functional.def(
      "l1_penalty", [](const std::vector<Tensor>& params) { return l1_penalty(params); }, py::arg("params"),
      release_gil());
  functional.def(
      "l2_penalty", [](const std::vector<Tensor>& params) { return l2_penalty(params); }, py::arg("params"),
      release_gil());
  functional.def(
      "elastic_net_penalty",
      [](const std::vector<Tensor>& params, double alpha, double l1_ratio) {
        return elastic_net_penalty(params, alpha, l1_ratio);
      },
      py::arg("params"), py::arg("alpha") = 1.0, py::arg("l1_ratio") = 0.5, release_gil());
}

}  // namespace

void init_loss(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  bind_losses(functional);
}

}  // namespace striate::python
