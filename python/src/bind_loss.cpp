// Losses in striate._C: cross_entropy, nll_loss, the regression, binary, margin and divergence
// losses, and the weight penalties (l1, l2, elastic net) in _C._functional, wrapped with PyTorch's
// signatures by striate.nn.functional; the loss modules of nn/loss.h as _C._nn.CrossEntropyLoss, ...
// with torch.nn's constructor signatures. PyTorch's warnings (a regression loss broadcasting its
// target, kl_div's 'mean') are raised here, once for the functional form and the module.
#include <string>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_loss.h"
#include "striate/nn/loss.h"
#include "striate/ops/loss.h"

namespace striate::python {
namespace {

// Python's repr of a shape as a tuple: "(4,)", "(3, 4)".
std::string shape_tuple_text(const Tensor& tensor) {
  py::tuple shape(tensor.dim());
  for (int d = 0; d < tensor.dim(); ++d) shape[d] = py::int_(tensor.size(d));
  return py::repr(shape);
}

// Python frames between the warning and the user's line: the functional ops are called through
// their Python wrapper (one frame), a module's forward straight from module(...) (a C method) or
// from the user's own forward (none).
constexpr int kFunctionalStackLevel = 2;
constexpr int kModuleStackLevel = 1;

// A UserWarning pointing at the Python line that called the loss; a warning turned into an error
// by the filters raises it.
void warn(const std::string& message, int stack_level) {
  if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), stack_level) != 0) throw py::error_already_set();
}

// PyTorch's warning when a regression loss broadcasts target against input.
void warn_if_broadcasting(const char* op, const Tensor& input, const Tensor& target,
                          int stack_level = kFunctionalStackLevel) {
  if (!input.defined() || !target.defined() || input.shape() == target.shape()) return;
  warn(detail::str(op, ": using a target size (", shape_tuple_text(target), ") that is different to the input size (",
                   shape_tuple_text(input),
                   "). This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                   "the same size."),
       stack_level);
}

// PyTorch's warning for kl_div's reduction='mean' (not the KL divergence; 'batchmean' is).
void warn_if_kl_div_mean(const std::string& reduction, int stack_level = kFunctionalStackLevel) {
  if (reduction != "mean") return;
  warn(
      "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides "
      "only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same "
      "as 'batchmean' in the next major release.",
      stack_level);
}

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
        warn_if_broadcasting("mse_loss", input, target);
        py::gil_scoped_release release;
        return mse_loss(input, target, parse_reduction(reduction, "mse_loss"));
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean");
  functional.def(
      "l1_loss",
      [](const Tensor& input, const Tensor& target, const std::string& reduction) {
        warn_if_broadcasting("l1_loss", input, target);
        py::gil_scoped_release release;
        return l1_loss(input, target, parse_reduction(reduction, "l1_loss"));
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean");
  functional.def(
      "smooth_l1_loss",
      [](const Tensor& input, const Tensor& target, const std::string& reduction, double beta) {
        warn_if_broadcasting("smooth_l1_loss", input, target);
        py::gil_scoped_release release;
        return smooth_l1_loss(input, target, parse_reduction(reduction, "smooth_l1_loss"), beta);
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", py::arg("beta") = 1.0);
  functional.def(
      "huber_loss",
      [](const Tensor& input, const Tensor& target, const std::string& reduction, double delta) {
        warn_if_broadcasting("huber_loss", input, target);
        py::gil_scoped_release release;
        return huber_loss(input, target, parse_reduction(reduction, "huber_loss"), delta);
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", py::arg("delta") = 1.0);
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
        warn_if_kl_div_mean(reduction);
        py::gil_scoped_release release;
        return kl_div(input, target, reduction, log_target);
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", py::arg("log_target") = false);
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

// ---- loss modules --------------------------------------------------------------------------

// PyTorch's deprecated size_average / reduce are accepted only as None.
void reject_legacy_arguments(const char* loss, const py::object& size_average, const py::object& reduce) {
  if (!size_average.is_none() || !reduce.is_none()) {
    throw NotImplementedError(detail::str(loss, ": size_average and reduce are not supported (use reduction=)"));
  }
}

// A loss class with its reduction attribute (writable: the next forward uses it) and, where torch's
// constructor takes them, size_average and reduce reading back None (so a copy can be rebuilt from
// the constructor's arguments).
template <typename Impl>
LayerClass<Impl> loss_class(py::module_& nn_module, const char* name, const char* doc, bool legacy_arguments = true) {
  LayerClass<Impl> cls(nn_module, name, doc, py::dynamic_attr());
  cls.def_property(
      "reduction", [](const Impl& self) { return self.options.reduction(); },
      [](Impl& self, const std::string& reduction) { self.options.reduction(reduction); });
  if (legacy_arguments) {
    cls.def_property_readonly("size_average", [](const Impl&) { return py::none(); });
    cls.def_property_readonly("reduce", [](const Impl&) { return py::none(); });
  }
  return cls;
}

// forward(input, target) with the GIL released; `broadcast_op` names the op whose broadcasting
// warning the module gives (the regression losses).
template <typename Impl>
void def_forward(LayerClass<Impl>& cls, const char* broadcast_op = nullptr) {
  cls.def(
      "forward",
      [broadcast_op](Impl& self, const Tensor& input, const Tensor& target) {
        if (broadcast_op != nullptr) warn_if_broadcasting(broadcast_op, input, target, kModuleStackLevel);
        py::gil_scoped_release release;
        return self.forward(input, target);
      },
      py::arg("input"), py::arg("target"), docstrings::kLossForward);
}

nn::CrossEntropyLossOptions cross_entropy_loss_options(const Tensor& weight, const py::object& size_average,
                                                       int64_t ignore_index, const py::object& reduce,
                                                       const std::string& reduction, double label_smoothing) {
  reject_legacy_arguments("CrossEntropyLoss", size_average, reduce);
  return nn::CrossEntropyLossOptions()
      .weight(weight)
      .ignore_index(ignore_index)
      .reduction(reduction)
      .label_smoothing(label_smoothing);
}

nn::NLLLossOptions nll_loss_options(const Tensor& weight, const py::object& size_average, int64_t ignore_index,
                                    const py::object& reduce, const std::string& reduction) {
  reject_legacy_arguments("NLLLoss", size_average, reduce);
  return nn::NLLLossOptions().weight(weight).ignore_index(ignore_index).reduction(reduction);
}

nn::MultiMarginLossOptions multi_margin_loss_options(int64_t p, double margin, const Tensor& weight,
                                                     const py::object& size_average, const py::object& reduce,
                                                     const std::string& reduction) {
  reject_legacy_arguments("MultiMarginLoss", size_average, reduce);
  return nn::MultiMarginLossOptions().p(p).margin(margin).weight(weight).reduction(reduction);
}

nn::CosineEmbeddingLossOptions cosine_embedding_loss_options(double margin, const py::object& size_average,
                                                             const py::object& reduce, const std::string& reduction) {
  reject_legacy_arguments("CosineEmbeddingLoss", size_average, reduce);
  return nn::CosineEmbeddingLossOptions().margin(margin).reduction(reduction);
}

nn::BCELossOptions bce_loss_options(const Tensor& weight, const py::object& size_average, const py::object& reduce,
                                    const std::string& reduction) {
  reject_legacy_arguments("BCELoss", size_average, reduce);
  return nn::BCELossOptions().weight(weight).reduction(reduction);
}

nn::BCEWithLogitsLossOptions bce_with_logits_loss_options(const Tensor& weight, const py::object& size_average,
                                                          const py::object& reduce, const std::string& reduction,
                                                          const Tensor& pos_weight) {
  reject_legacy_arguments("BCEWithLogitsLoss", size_average, reduce);
  return nn::BCEWithLogitsLossOptions().weight(weight).reduction(reduction).pos_weight(pos_weight);
}

nn::MSELossOptions mse_loss_options(const py::object& size_average, const py::object& reduce,
                                    const std::string& reduction) {
  reject_legacy_arguments("MSELoss", size_average, reduce);
  return nn::MSELossOptions().reduction(reduction);
}

nn::L1LossOptions l1_loss_options(const py::object& size_average, const py::object& reduce,
                                  const std::string& reduction) {
  reject_legacy_arguments("L1Loss", size_average, reduce);
  return nn::L1LossOptions().reduction(reduction);
}

nn::SmoothL1LossOptions smooth_l1_loss_options(const py::object& size_average, const py::object& reduce,
                                               const std::string& reduction, double beta) {
  reject_legacy_arguments("SmoothL1Loss", size_average, reduce);
  return nn::SmoothL1LossOptions().reduction(reduction).beta(beta);
}

nn::HuberLossOptions huber_loss_options(const std::string& reduction, double delta) {
  return nn::HuberLossOptions().reduction(reduction).delta(delta);
}

nn::KLDivLossOptions kl_div_loss_options(const py::object& size_average, const py::object& reduce,
                                         const std::string& reduction, bool log_target) {
  reject_legacy_arguments("KLDivLoss", size_average, reduce);
  return nn::KLDivLossOptions().reduction(reduction).log_target(log_target);
}

void bind_loss_modules(py::module_& nn_module) {
  // weight and pos_weight are buffers: Module's attribute access reads and assigns them.
  using namespace nn;
  auto cross_entropy_class =
      loss_class<CrossEntropyLossImpl>(nn_module, "CrossEntropyLoss", docstrings::kCrossEntropyLoss);
  cross_entropy_class.def(layer_init<CrossEntropyLossImpl>(&cross_entropy_loss_options), py::arg("weight") = py::none(),
                          py::arg("size_average") = py::none(), py::arg("ignore_index") = -100,
                          py::arg("reduce") = py::none(), py::arg("reduction") = "mean",
                          py::arg("label_smoothing") = 0.0);
  def_forward(cross_entropy_class);
  cross_entropy_class.def_property(
      "ignore_index", [](const CrossEntropyLossImpl& self) { return self.options.ignore_index(); },
      [](CrossEntropyLossImpl& self, int64_t value) { self.options.ignore_index(value); });
  cross_entropy_class.def_property(
      "label_smoothing", [](const CrossEntropyLossImpl& self) { return self.options.label_smoothing(); },
      [](CrossEntropyLossImpl& self, double value) { self.options.label_smoothing(value); });

  auto nll_class = loss_class<NLLLossImpl>(nn_module, "NLLLoss", docstrings::kNLLLoss);
  nll_class.def(layer_init<NLLLossImpl>(&nll_loss_options), py::arg("weight") = py::none(),
                py::arg("size_average") = py::none(), py::arg("ignore_index") = -100, py::arg("reduce") = py::none(),
                py::arg("reduction") = "mean");
  def_forward(nll_class);
  nll_class.def_property(
      "ignore_index", [](const NLLLossImpl& self) { return self.options.ignore_index(); },
      [](NLLLossImpl& self, int64_t value) { self.options.ignore_index(value); });

  auto bce_class = loss_class<BCELossImpl>(nn_module, "BCELoss", docstrings::kBCELoss);
  bce_class.def(layer_init<BCELossImpl>(&bce_loss_options), py::arg("weight") = py::none(),
                py::arg("size_average") = py::none(), py::arg("reduce") = py::none(), py::arg("reduction") = "mean");
  def_forward(bce_class);

  auto bce_logits_class =
      loss_class<BCEWithLogitsLossImpl>(nn_module, "BCEWithLogitsLoss", docstrings::kBCEWithLogitsLoss);
  bce_logits_class.def(layer_init<BCEWithLogitsLossImpl>(&bce_with_logits_loss_options), py::arg("weight") = py::none(),
                       py::arg("size_average") = py::none(), py::arg("reduce") = py::none(),
                       py::arg("reduction") = "mean", py::arg("pos_weight") = py::none());
  def_forward(bce_logits_class);

  auto mse_class = loss_class<MSELossImpl>(nn_module, "MSELoss", docstrings::kMSELoss);
  mse_class.def(layer_init<MSELossImpl>(&mse_loss_options), py::arg("size_average") = py::none(),
                py::arg("reduce") = py::none(), py::arg("reduction") = "mean");
  def_forward(mse_class, "mse_loss");

  auto l1_class = loss_class<L1LossImpl>(nn_module, "L1Loss", docstrings::kL1Loss);
  l1_class.def(layer_init<L1LossImpl>(&l1_loss_options), py::arg("size_average") = py::none(),
               py::arg("reduce") = py::none(), py::arg("reduction") = "mean");
  def_forward(l1_class, "l1_loss");

  auto smooth_l1_class = loss_class<SmoothL1LossImpl>(nn_module, "SmoothL1Loss", docstrings::kSmoothL1Loss);
  smooth_l1_class.def(layer_init<SmoothL1LossImpl>(&smooth_l1_loss_options), py::arg("size_average") = py::none(),
                      py::arg("reduce") = py::none(), py::arg("reduction") = "mean", py::arg("beta") = 1.0);
  def_forward(smooth_l1_class, "smooth_l1_loss");
  smooth_l1_class.def_property(
      "beta", [](const SmoothL1LossImpl& self) { return self.options.beta(); },
      [](SmoothL1LossImpl& self, double value) { self.options.beta(value); });

  auto huber_class =
      loss_class<HuberLossImpl>(nn_module, "HuberLoss", docstrings::kHuberLoss, /*legacy_arguments=*/false);
  huber_class.def(layer_init<HuberLossImpl>(&huber_loss_options), py::arg("reduction") = "mean",
                  py::arg("delta") = 1.0);
  def_forward(huber_class, "huber_loss");
  huber_class.def_property(
      "delta", [](const HuberLossImpl& self) { return self.options.delta(); },
      [](HuberLossImpl& self, double value) { self.options.delta(value); });

  auto multi_margin_class = loss_class<MultiMarginLossImpl>(nn_module, "MultiMarginLoss", docstrings::kMultiMarginLoss);
  multi_margin_class.def(layer_init<MultiMarginLossImpl>(&multi_margin_loss_options), py::arg("p") = 1,
                         py::arg("margin") = 1.0, py::arg("weight") = py::none(), py::arg("size_average") = py::none(),
                         py::arg("reduce") = py::none(), py::arg("reduction") = "mean");
  def_forward(multi_margin_class);
  multi_margin_class.def_property(
      "p", [](const MultiMarginLossImpl& self) { return self.options.p(); },
      [](MultiMarginLossImpl& self, int64_t value) { self.options.p(value); });
  multi_margin_class.def_property(
      "margin", [](const MultiMarginLossImpl& self) { return self.options.margin(); },
      [](MultiMarginLossImpl& self, double value) { self.options.margin(value); });

  auto kl_div_class = loss_class<KLDivLossImpl>(nn_module, "KLDivLoss", docstrings::kKLDivLoss);
  kl_div_class.def(layer_init<KLDivLossImpl>(&kl_div_loss_options), py::arg("size_average") = py::none(),
                   py::arg("reduce") = py::none(), py::arg("reduction") = "mean", py::arg("log_target") = false);
  kl_div_class.def(
      "forward",
      [](KLDivLossImpl& self, const Tensor& input, const Tensor& target) {
        warn_if_kl_div_mean(self.options.reduction(), kModuleStackLevel);
        py::gil_scoped_release release;
        return self.forward(input, target);
      },
      py::arg("input"), py::arg("target"), docstrings::kLossForward);
  kl_div_class.def_property(
      "log_target", [](const KLDivLossImpl& self) { return self.options.log_target(); },
      [](KLDivLossImpl& self, bool value) { self.options.log_target(value); });

  auto cosine_class =
      loss_class<CosineEmbeddingLossImpl>(nn_module, "CosineEmbeddingLoss", docstrings::kCosineEmbeddingLoss);
  cosine_class.def(layer_init<CosineEmbeddingLossImpl>(&cosine_embedding_loss_options), py::arg("margin") = 0.0,
                   py::arg("size_average") = py::none(), py::arg("reduce") = py::none(), py::arg("reduction") = "mean");
  cosine_class.def(
      "forward",
      [](CosineEmbeddingLossImpl& self, const Tensor& input1, const Tensor& input2, const Tensor& target) {
        py::gil_scoped_release release;
        return self.forward(input1, input2, target);
      },
      py::arg("input1"), py::arg("input2"), py::arg("target"), docstrings::kCosineEmbeddingLossForward);
  cosine_class.def_property(
      "margin", [](const CosineEmbeddingLossImpl& self) { return self.options.margin(); },
      [](CosineEmbeddingLossImpl& self, double value) { self.options.margin(value); });
}

}  // namespace

void init_loss(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  bind_losses(functional);
  py::module_ nn_module = m.attr("_nn");
  bind_loss_modules(nn_module);
}

}  // namespace striate::python
