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

/// What every loss module shares: its reduction is checked at construction ("none", "mean", "sum";
/// KLDivLoss also "batchmean"), and forward(input) alone raises TypeError naming the arguments the
/// loss expects. Assigning another reduction later is checked by the op at the next forward.
class LossModule : public Module {
 public:
  /// A loss needs a target: this overload always raises.
  /// @param input the input alone.
  /// @return never returns.
  /// @throws TypeError naming the arguments the loss expects.
  Tensor forward(const Tensor& input) override;

 protected:
  /// @param type_name the loss's name ("MSELoss").
  /// @param reduction "none", "mean" or "sum" (and "batchmean" when allowed).
  /// @param forward_arguments the forward's arguments, for messages (default "input, target").
  /// @param allow_batchmean whether "batchmean" is a valid reduction (default false).
  /// @throws ValueError for an unknown reduction.
  LossModule(std::string type_name, const std::string& reduction, std::string forward_arguments = "input, target",
             bool allow_batchmean = false);
  /// The buffer `name`, or an undefined tensor when it is absent or set to None.
  /// @param name the buffer's name.
  /// @return the buffer, or an undefined tensor.
  Tensor local_buffer(const std::string& name) const;
  /// torch's extra_repr of a loss: "reduction='sum'", or nothing for the default 'mean'.
  /// @param reduction the loss's reduction.
  /// @return the extra_repr text.
  static std::string reduction_repr(const std::string& reduction);

 private:
  std::string forward_arguments_;
};

// ---- classification ------------------------------------------------------------------------

/// The options of CrossEntropyLoss (torch's arguments; setters chain).
struct CrossEntropyLossOptions {
  /// One weight per class (undefined: all ones); registered as the buffer "weight".
  STRIATE_ARG(Tensor, weight);
  /// Targets equal to it are skipped and excluded from the mean (default -100).
  STRIATE_ARG(int64_t, ignore_index) = -100;
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
  /// eps in [0, 1]: the target becomes (1 - eps) * one_hot + eps / C (default 0.0).
  STRIATE_ARG(double, label_smoothing) = 0.0;
};

/// Log-softmax + negative log-likelihood of logits (N, C, ...) against class indices or class
/// probabilities (striate::cross_entropy).
/// loss_n = -w[y_n] * log(softmax(x_n)[y_n]); the mean divides by the sum of the weights.
class CrossEntropyLossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction or label_smoothing outside [0, 1].
  explicit CrossEntropyLossImpl(const CrossEntropyLossOptions& options = {});
  using LossModule::forward;
  /// @param input logits (N, C) or (N, C, d1, ...), or (C) for one sample.
  /// @param target class indices (N) / (N, d1, ...) of int64 in [0, C), or probabilities shaped
  ///   like input.
  /// @return the loss: a scalar, or (N, d1, ...) with reduction "none".
  /// @throws ShapeError when the shapes do not match.
  /// @throws IndexError when a class index is out of range (and not ignore_index).
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  /// The live class weights (the buffer "weight").
  /// @return (C), or an undefined tensor.
  Tensor weight() const { return local_buffer("weight"); }

  /// The options the loss was built with (the buffer holds the live weight).
  CrossEntropyLossOptions options;  // options.weight() is the initial value; the buffer is the live one
};
/// The holder of CrossEntropyLossImpl.
STRIATE_MODULE(CrossEntropyLoss);

/// The options of NLLLoss (torch's arguments; setters chain).
struct NLLLossOptions {
  /// One weight per class (undefined: all ones); registered as the buffer "weight".
  STRIATE_ARG(Tensor, weight);
  /// Targets equal to it are skipped and excluded from the mean (default -100).
  STRIATE_ARG(int64_t, ignore_index) = -100;
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
};

/// Negative log-likelihood of log-probabilities (N, C, ...) at class indices (striate::nll_loss).
/// loss_n = -w[y_n] * input[n, y_n]; the mean divides by the sum of the weights.
class NLLLossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction.
  explicit NLLLossImpl(const NLLLossOptions& options = {});
  using LossModule::forward;
  /// @param input log-probabilities (N, C) or (N, C, d1, ...).
  /// @param target class indices (N) or (N, d1, ...), int64.
  /// @return the loss: a scalar, or (N, d1, ...) with reduction "none".
  /// @throws ShapeError when the shapes do not match.
  /// @throws IndexError when a class index is out of range (and not ignore_index).
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  /// The live class weights (the buffer "weight").
  /// @return (C), or an undefined tensor.
  Tensor weight() const { return local_buffer("weight"); }

  /// The options the loss was built with.
  NLLLossOptions options;
};
/// The holder of NLLLossImpl.
STRIATE_MODULE(NLLLoss);

/// The options of MultiMarginLoss (torch's arguments; setters chain).
struct MultiMarginLossOptions {
  /// The hinge's power: 1 (default) or 2.
  STRIATE_ARG(int64_t, p) = 1;  // 1 or 2
  /// The margin (default 1.0).
  STRIATE_ARG(double, margin) = 1.0;
  /// One weight per class (undefined: all ones); registered as the buffer "weight".
  STRIATE_ARG(Tensor, weight);
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
};

/// The multiclass SVM hinge (striate::multi_margin_loss).
/// loss_n = sum_{i != y} w[y] * max(0, margin - x[y] + x[i])^p / C.
class MultiMarginLossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction or p other than 1 and 2.
  explicit MultiMarginLossImpl(const MultiMarginLossOptions& options = {});
  using LossModule::forward;
  /// @param input scores (N, C) or (C).
  /// @param target class indices (N) or a scalar, int64.
  /// @return the loss: a scalar, or (N) with reduction "none".
  /// @throws ShapeError when the shapes do not match.
  /// @throws IndexError when a class index is out of range.
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  /// The live class weights (the buffer "weight").
  /// @return (C), or an undefined tensor.
  Tensor weight() const { return local_buffer("weight"); }

  /// The options the loss was built with.
  MultiMarginLossOptions options;
};
/// The holder of MultiMarginLossImpl.
STRIATE_MODULE(MultiMarginLoss);

/// The options of CosineEmbeddingLoss (torch's arguments; setters chain).
struct CosineEmbeddingLossOptions {
  /// The margin for dissimilar pairs, in [-1, 1] (default 0.0).
  STRIATE_ARG(double, margin) = 0.0;
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
};

/// 1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1.
class CosineEmbeddingLossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction.
  explicit CosineEmbeddingLossImpl(const CosineEmbeddingLossOptions& options = {});
  using LossModule::forward;
  /// @param input1 embeddings (N, D) or (D).
  /// @param input2 embeddings shaped like input1.
  /// @param target 1 (similar) or -1 (dissimilar) per pair, (N) or a scalar.
  /// @return the loss: a scalar, or (N) with reduction "none".
  /// @throws ShapeError when the shapes do not match.
  Tensor forward(const Tensor& input1, const Tensor& input2, const Tensor& target);
  std::string extra_repr() const override;

  /// The options the loss was built with.
  CosineEmbeddingLossOptions options;
};
/// The holder of CosineEmbeddingLossImpl.
STRIATE_MODULE(CosineEmbeddingLoss);

// ---- binary --------------------------------------------------------------------------------

/// The options of BCELoss (torch's arguments; setters chain).
struct BCELossOptions {
  /// Broadcasts to the input; registered as the buffer "weight".
  STRIATE_ARG(Tensor, weight);
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
};

/// Binary cross-entropy of probabilities in [0, 1] (striate::binary_cross_entropy).
/// loss = -w * (y * log(x) + (1 - y) * log(1 - x)), the logs clamped at -100 as torch's.
class BCELossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction.
  explicit BCELossImpl(const BCELossOptions& options = {});
  using LossModule::forward;
  /// @param input probabilities in [0, 1], any shape.
  /// @param target the same shape, values in [0, 1].
  /// @return the loss: a scalar, or input's shape with reduction "none".
  /// @throws ShapeError when the shapes differ.
  /// @throws ValueError when an input is outside [0, 1].
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  /// The live weight (the buffer "weight").
  /// @return the weight, or an undefined tensor.
  Tensor weight() const { return local_buffer("weight"); }

  /// The options the loss was built with.
  BCELossOptions options;
};
/// The holder of BCELossImpl.
STRIATE_MODULE(BCELoss);

/// The options of BCEWithLogitsLoss (torch's arguments; setters chain).
struct BCEWithLogitsLossOptions {
  /// Broadcasts to the input (undefined: ones); registered as the buffer "weight".
  STRIATE_ARG(Tensor, weight);
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
  /// One weight per class along the last dim; registered as the buffer "pos_weight".
  STRIATE_ARG(Tensor, pos_weight);
};

/// Binary cross-entropy of logits, stable for any magnitude (striate::binary_cross_entropy_with_logits).
/// loss = -w * (p * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x))), p the pos_weight.
class BCEWithLogitsLossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction.
  explicit BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options = {});
  using LossModule::forward;
  /// @param input logits, any shape.
  /// @param target the same shape, values in [0, 1].
  /// @return the loss: a scalar, or input's shape with reduction "none".
  /// @throws ShapeError when the shapes differ or pos_weight does not broadcast.
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;
  /// The live weight (the buffer "weight").
  /// @return the weight, or an undefined tensor.
  Tensor weight() const { return local_buffer("weight"); }
  /// The live positive-class weight (the buffer "pos_weight").
  /// @return the weight, or an undefined tensor.
  Tensor pos_weight() const { return local_buffer("pos_weight"); }

  /// The options the loss was built with.
  BCEWithLogitsLossOptions options;
};
/// The holder of BCEWithLogitsLossImpl.
STRIATE_MODULE(BCEWithLogitsLoss);

// ---- regression ----------------------------------------------------------------------------

/// The options of MSELoss.
struct MSELossOptions {
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
};

/// The mean squared error: loss = (x - y)^2, reduced.
class MSELossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: reduction "mean").
  /// @throws ValueError for an unknown reduction.
  explicit MSELossImpl(const MSELossOptions& options = {});
  using LossModule::forward;
  /// @param input any shape.
  /// @param target broadcastable to input's shape.
  /// @return the loss: a scalar, or the broadcast shape with reduction "none".
  /// @throws ShapeError when the shapes do not broadcast.
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  /// The options the loss was built with.
  MSELossOptions options;
};
/// The holder of MSELossImpl.
STRIATE_MODULE(MSELoss);

/// The options of L1Loss.
struct L1LossOptions {
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
};

/// The mean absolute error: loss = |x - y|, reduced.
class L1LossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: reduction "mean").
  /// @throws ValueError for an unknown reduction.
  explicit L1LossImpl(const L1LossOptions& options = {});
  using LossModule::forward;
  /// @param input any shape.
  /// @param target broadcastable to input's shape.
  /// @return the loss: a scalar, or the broadcast shape with reduction "none".
  /// @throws ShapeError when the shapes do not broadcast.
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  /// The options the loss was built with.
  L1LossOptions options;
};
/// The holder of L1LossImpl.
STRIATE_MODULE(L1Loss);

/// The options of SmoothL1Loss.
struct SmoothL1LossOptions {
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
  /// Where the loss turns from quadratic to linear, >= 0 (default 1.0).
  STRIATE_ARG(double, beta) = 1.0;
};

/// loss = 0.5 * d^2 / beta where |d| < beta, |d| - 0.5 * beta elsewhere (d = x - y).
class SmoothL1LossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction or beta < 0.
  explicit SmoothL1LossImpl(const SmoothL1LossOptions& options = {});
  using LossModule::forward;
  /// @param input any shape.
  /// @param target broadcastable to input's shape.
  /// @return the loss: a scalar, or the broadcast shape with reduction "none".
  /// @throws ShapeError when the shapes do not broadcast.
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  /// The options the loss was built with.
  SmoothL1LossOptions options;
};
/// The holder of SmoothL1LossImpl.
STRIATE_MODULE(SmoothL1Loss);

/// The options of HuberLoss.
struct HuberLossOptions {
  /// "none", "mean" (default) or "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
  /// Where the loss turns from quadratic to linear, > 0 (default 1.0).
  STRIATE_ARG(double, delta) = 1.0;
};

/// loss = 0.5 * d^2 where |d| < delta, delta * (|d| - 0.5 * delta) elsewhere (d = x - y).
class HuberLossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction or delta <= 0.
  explicit HuberLossImpl(const HuberLossOptions& options = {});
  using LossModule::forward;
  /// @param input any shape.
  /// @param target broadcastable to input's shape.
  /// @return the loss: a scalar, or the broadcast shape with reduction "none".
  /// @throws ShapeError when the shapes do not broadcast.
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  /// The options the loss was built with.
  HuberLossOptions options;
};
/// The holder of HuberLossImpl.
STRIATE_MODULE(HuberLoss);

// ---- divergence ----------------------------------------------------------------------------

/// The options of KLDivLoss.
struct KLDivLossOptions {
  /// "none" | "mean" | "batchmean" (the true KL divergence) | "sum".
  STRIATE_ARG(std::string, reduction) = "mean";
  /// Whether the target is given as log-probabilities (default false).
  STRIATE_ARG(bool, log_target) = false;
};

/// KL(target || exp(input)) for log-probabilities input (striate::kl_div).
/// loss = target * (log(target) - input), reduced.
class KLDivLossImpl : public LossModule {
 public:
  /// @param options the loss's options (default: torch's defaults).
  /// @throws ValueError for an unknown reduction.
  explicit KLDivLossImpl(const KLDivLossOptions& options = {});
  using LossModule::forward;
  /// @param input log-probabilities, any shape.
  /// @param target probabilities (or log-probabilities with log_target), the same shape.
  /// @return the loss: a scalar, or input's shape with reduction "none".
  /// @throws ShapeError when the shapes differ.
  Tensor forward(const Tensor& input, const Tensor& target);
  std::string extra_repr() const override;

  /// The options the loss was built with.
  KLDivLossOptions options;
};
/// The holder of KLDivLossImpl.
STRIATE_MODULE(KLDivLoss);

}  // namespace striate::nn
