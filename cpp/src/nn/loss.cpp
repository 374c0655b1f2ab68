// The loss modules: construction (the reduction check and the weight buffers), forward through the
// ops of ops/loss.h with the module's options and live buffers, and the extra_repr text.
#include "striate/nn/loss.h"

#include <utility>

#include "striate/ops/loss.h"

namespace striate::nn {

// ---- shared by every loss ------------------------------------------------------------------

LossModule::LossModule(std::string type_name, const std::string& reduction, std::string forward_arguments,
                       bool allow_batchmean)
    : Module(std::move(type_name)), forward_arguments_(std::move(forward_arguments)) {
  // The op's own parser, so the message matches the functional form's, naming the module.
  if (!(allow_batchmean && reduction == "batchmean")) parse_reduction(reduction, name().c_str());
}

Tensor LossModule::forward(const Tensor&) {
  STRIATE_CHECK_TYPE(false, name(), ": expected forward(", forward_arguments_, "), got only input");
  return Tensor();
}

Tensor LossModule::local_buffer(const std::string& name) const {
  const Tensor* found = local_buffers().find(name);
  return found ? *found : Tensor();
}

std::string LossModule::reduction_repr(const std::string& reduction) {
  return reduction == "mean" ? "" : "reduction='" + reduction + "'";
}

// ---- classification ------------------------------------------------------------------------

CrossEntropyLossImpl::CrossEntropyLossImpl(const CrossEntropyLossOptions& options)
    : LossModule("CrossEntropyLoss", options.reduction()), options(options) {
  register_buffer("weight", options.weight());
}

Tensor CrossEntropyLossImpl::forward(const Tensor& input, const Tensor& target) {
  return cross_entropy(input, target, parse_reduction(options.reduction(), "cross_entropy"), weight(),
                       options.ignore_index(), options.label_smoothing());
}

std::string CrossEntropyLossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

NLLLossImpl::NLLLossImpl(const NLLLossOptions& options) : LossModule("NLLLoss", options.reduction()), options(options) {
  register_buffer("weight", options.weight());
}

Tensor NLLLossImpl::forward(const Tensor& input, const Tensor& target) {
  return nll_loss(input, target, parse_reduction(options.reduction(), "nll_loss"), weight(), options.ignore_index());
}

std::string NLLLossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

MultiMarginLossImpl::MultiMarginLossImpl(const MultiMarginLossOptions& options)
    : LossModule("MultiMarginLoss", options.reduction()), options(options) {
  STRIATE_CHECK(options.p() == 1 || options.p() == 2, "MultiMarginLoss: expected p to be 1 or 2, got ", options.p());
  register_buffer("weight", options.weight());
}

Tensor MultiMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return multi_margin_loss(input, target, options.p(), options.margin(), weight(),
                           parse_reduction(options.reduction(), "multi_margin_loss"));
}

std::string MultiMarginLossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

CosineEmbeddingLossImpl::CosineEmbeddingLossImpl(const CosineEmbeddingLossOptions& options)
    : LossModule("CosineEmbeddingLoss", options.reduction(), "input1, input2, target"), options(options) {}

Tensor CosineEmbeddingLossImpl::forward(const Tensor& input1, const Tensor& input2, const Tensor& target) {
  return cosine_embedding_loss(input1, input2, target, options.margin(),
                               parse_reduction(options.reduction(), "cosine_embedding_loss"));
}

std::string CosineEmbeddingLossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

// ---- binary --------------------------------------------------------------------------------

BCELossImpl::BCELossImpl(const BCELossOptions& options) : LossModule("BCELoss", options.reduction()), options(options) {
  register_buffer("weight", options.weight());
}

Tensor BCELossImpl::forward(const Tensor& input, const Tensor& target) {
  return binary_cross_entropy(input, target, weight(), parse_reduction(options.reduction(), "binary_cross_entropy"));
}

std::string BCELossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

BCEWithLogitsLossImpl::BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options)
    : LossModule("BCEWithLogitsLoss", options.reduction()), options(options) {
  register_buffer("weight", options.weight());
  register_buffer("pos_weight", options.pos_weight());
}

Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) {
  return binary_cross_entropy_with_logits(
      input, target, weight(), parse_reduction(options.reduction(), "binary_cross_entropy_with_logits"), pos_weight());
}

std::string BCEWithLogitsLossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

// ---- regression ----------------------------------------------------------------------------

MSELossImpl::MSELossImpl(const MSELossOptions& options)
    : LossModule("MSELoss", options.reduction()), options(options) {}

Tensor MSELossImpl::forward(const Tensor& input, const Tensor& target) {
  return mse_loss(input, target, parse_reduction(options.reduction(), "mse_loss"));
}

std::string MSELossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

L1LossImpl::L1LossImpl(const L1LossOptions& options) : LossModule("L1Loss", options.reduction()), options(options) {}

Tensor L1LossImpl::forward(const Tensor& input, const Tensor& target) {
  return l1_loss(input, target, parse_reduction(options.reduction(), "l1_loss"));
}

std::string L1LossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

SmoothL1LossImpl::SmoothL1LossImpl(const SmoothL1LossOptions& options)
    : LossModule("SmoothL1Loss", options.reduction()), options(options) {}

Tensor SmoothL1LossImpl::forward(const Tensor& input, const Tensor& target) {
  return smooth_l1_loss(input, target, parse_reduction(options.reduction(), "smooth_l1_loss"), options.beta());
}

std::string SmoothL1LossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

HuberLossImpl::HuberLossImpl(const HuberLossOptions& options)
    : LossModule("HuberLoss", options.reduction()), options(options) {}

Tensor HuberLossImpl::forward(const Tensor& input, const Tensor& target) {
  return huber_loss(input, target, parse_reduction(options.reduction(), "huber_loss"), options.delta());
}

std::string HuberLossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

// ---- divergence ----------------------------------------------------------------------------

KLDivLossImpl::KLDivLossImpl(const KLDivLossOptions& options)
    : LossModule("KLDivLoss", options.reduction(), "input, target", /*allow_batchmean=*/true), options(options) {}

Tensor KLDivLossImpl::forward(const Tensor& input, const Tensor& target) {
  return kl_div(input, target, options.reduction(), options.log_target());
}

std::string KLDivLossImpl::extra_repr() const { return reduction_repr(options.reduction()); }

}  // namespace striate::nn
