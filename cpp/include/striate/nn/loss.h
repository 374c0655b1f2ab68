// Loss modules with torch.nn's names, options and buffers: CrossEntropyLoss, NLLLoss, BCELoss,
// BCEWithLogitsLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, MultiMarginLoss, KLDivLoss and
// CosineEmbeddingLoss, each over its op in ops/loss.h. As libtorch's loss modules, forward takes
// (input, target) (CosineEmbeddingLoss: (input1, input2, target)). Class weights and pos_weight are
// buffers, so they follow the module into its state dict; forward reads them from the registry,
// so replacing one (`register_buffer("weight", w)`, Python `loss.weight = w`) takes effect.
//   striate::nn::CrossEntropyLoss criterion(striate::nn::CrossEntropyLossOptions().label_smoothing(0.1));
//   auto loss = criterion(model->forward(x), labels);
#pragma once
#include <string>

#include "striate/nn/module.h"
#include "striate/ops/options.h"

namespace striate::nn {

// What every loss module shares: its reduction is checked at construction ("none", "mean", "sum";
// KLDivLoss also "batchmean"), and forward(input) alone raises TypeError naming the arguments the
// loss expects. Assigning another reduction later is checked by the op at the next forward.
class LossModule : public Module {
 public:
  Tensor forward(const Tensor& input) override;

 protected:
  LossModule(std::string type_name, const std::string& reduction, std::string forward_arguments = "input, target",
             bool allow_batchmean = false);
  // The buffer `name`, or an undefined tensor when it is absent or set to None.
  Tensor local_buffer(const std::string& name) const;
  // torch's extra_repr of a loss: "reduction='sum'", or nothing for the default 'mean'.
  static std::string reduction_repr(const std::string& reduction);

 private:
  std::string forward_arguments_;
};

// ---- classification ------------------------------------------------------------------------

struct CrossEntropyLossOptions {
  // One weight per class (undefined: all ones); registered as the buffer "weight".
  STRIATE_ARG(Tensor, weight);
  STRIATE_ARG(int64_t, ignore_index) = -100;
  STRIATE_ARG(std::string, reduction) = "mean";
  STRIATE_ARG(double, label_smoothing) = 0.0;
};

// Log-softmax + negative log-likelihood of logits (N, C, ...) against class indices or class
// probabilities (striate::cross_entropy).
class CrossEntropyLossImpl : public LossModule {
 public:
  explicit CrossEntropyLossImpl(const CrossEntropyLossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  Tensor weight() const { return local_buffer("weight"); }

  CrossEntropyLossOptions options;  // options.weight() is the initial value; the buffer is the live one
};
STRIATE_MODULE(CrossEntropyLoss);

struct NLLLossOptions {
  STRIATE_ARG(Tensor, weight);
  STRIATE_ARG(int64_t, ignore_index) = -100;
  STRIATE_ARG(std::string, reduction) = "mean";
};

// Negative log-likelihood of log-probabilities (N, C, ...) at class indices (striate::nll_loss).
class NLLLossImpl : public LossModule {
 public:
  explicit NLLLossImpl(const NLLLossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  Tensor weight() const { return local_buffer("weight"); }

  NLLLossOptions options;
};
STRIATE_MODULE(NLLLoss);

struct MultiMarginLossOptions {
  STRIATE_ARG(int64_t, p) = 1;  // 1 or 2
  STRIATE_ARG(double, margin) = 1.0;
  STRIATE_ARG(Tensor, weight);
  STRIATE_ARG(std::string, reduction) = "mean";
};

// The multiclass SVM hinge (striate::multi_margin_loss).
class MultiMarginLossImpl : public LossModule {
 public:
  explicit MultiMarginLossImpl(const MultiMarginLossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  Tensor weight() const { return local_buffer("weight"); }

  MultiMarginLossOptions options;
};
STRIATE_MODULE(MultiMarginLoss);

struct CosineEmbeddingLossOptions {
  STRIATE_ARG(double, margin) = 0.0;
  STRIATE_ARG(std::string, reduction) = "mean";
};

// 1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1.
class CosineEmbeddingLossImpl : public LossModule {
 public:
  explicit CosineEmbeddingLossImpl(const CosineEmbeddingLossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input1, const Tensor& input2, const Tensor& target);
  std::string extra_repr() const override;

  CosineEmbeddingLossOptions options;
};
STRIATE_MODULE(CosineEmbeddingLoss);

// ---- binary --------------------------------------------------------------------------------

struct BCELossOptions {
  // Broadcasts to the input; registered as the buffer "weight".
  STRIATE_ARG(Tensor, weight);
  STRIATE_ARG(std::string, reduction) = "mean";
};

// Binary cross-entropy of probabilities in [0, 1] (striate::binary_cross_entropy).
class BCELossImpl : public LossModule {
 public:
  explicit BCELossImpl(const BCELossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  Tensor weight() const { return local_buffer("weight"); }

  BCELossOptions options;
};
STRIATE_MODULE(BCELoss);

struct BCEWithLogitsLossOptions {
  STRIATE_ARG(Tensor, weight);
  STRIATE_ARG(std::string, reduction) = "mean";
  // One weight per class along the last dim; registered as the buffer "pos_weight".
  STRIATE_ARG(Tensor, pos_weight);
};

// Binary cross-entropy of logits, stable for any magnitude (striate::binary_cross_entropy_with_logits).
class BCEWithLogitsLossImpl : public LossModule {
 public:
  explicit BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  Tensor weight() const { return local_buffer("weight"); }
  Tensor pos_weight() const { return local_buffer("pos_weight"); }

  BCEWithLogitsLossOptions options;
};
STRIATE_MODULE(BCEWithLogitsLoss);

// ---- regression ----------------------------------------------------------------------------

struct MSELossOptions {
  STRIATE_ARG(std::string, reduction) = "mean";
};

class MSELossImpl : public LossModule {
 public:
  explicit MSELossImpl(const MSELossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  MSELossOptions options;
};
STRIATE_MODULE(MSELoss);

struct L1LossOptions {
  STRIATE_ARG(std::string, reduction) = "mean";
};

class L1LossImpl : public LossModule {
 public:
  explicit L1LossImpl(const L1LossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  L1LossOptions options;
};
STRIATE_MODULE(L1Loss);

struct SmoothL1LossOptions {
  STRIATE_ARG(std::string, reduction) = "mean";
  STRIATE_ARG(double, beta) = 1.0;
};

class SmoothL1LossImpl : public LossModule {
 public:
  explicit SmoothL1LossImpl(const SmoothL1LossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  SmoothL1LossOptions options;
};
STRIATE_MODULE(SmoothL1Loss);

struct HuberLossOptions {
  STRIATE_ARG(std::string, reduction) = "mean";
  STRIATE_ARG(double, delta) = 1.0;
};

class HuberLossImpl : public LossModule {
 public:
  explicit HuberLossImpl(const HuberLossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  HuberLossOptions options;
};
STRIATE_MODULE(HuberLoss);

// ---- divergence ----------------------------------------------------------------------------

struct KLDivLossOptions {
  // "none" | "mean" | "batchmean" (the true KL divergence) | "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
  STRIATE_ARG(bool, log_target) = false;
};

// KL(target || exp(input)) for log-probabilities input (striate::kl_div).
class KLDivLossImpl : public LossModule {
 public:
  explicit KLDivLossImpl(const KLDivLossOptions& options = {});
  using LossModule::forward;
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  KLDivLossOptions options;
};
STRIATE_MODULE(KLDivLoss);

}  // namespace striate::nn
