// Losses with PyTorch's semantics, numerically stable for logits of any magnitude:
// classification (cross_entropy with class indices or class probabilities, nll_loss,
// multi_margin_loss, cosine_embedding_loss), binary (binary_cross_entropy, binary_cross_entropy_with_logits),
// regression (mse_loss, l1_loss, smooth_l1_loss, huber_loss), kl_div, and the weight penalties
// l1_penalty, l2_penalty, elastic_net_penalty.
//   auto loss = striate::cross_entropy(logits, labels);   // mean over the batch
//   auto loss = striate::cross_entropy(logits, labels, Reduction::Mean, class_weights, -100, 0.1);
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "striate/core/tensor.h"

namespace striate {

/// How a loss reduces its per-element losses: none, their mean, or their sum.
enum class Reduction { None, Mean, Sum };
/// Parses "none" | "mean" | "sum", naming `op` in the error.
/// @param name the reduction's name.
/// @param op the op named in the error.
/// @return the reduction.
/// @throws ValueError for another name.
Reduction parse_reduction(const std::string& name, const char* op);
/// losses as they are, their sum, or their mean.
/// Reduces per-element losses:
/// @param losses the per-element losses.
/// @param reduction the reduction.
/// @return losses, or a scalar.
Tensor apply_reduction(const Tensor& losses, Reduction reduction);

/// input (N, C) or (N, C, d1, ...) logits, or unbatched (C). target: int64 class indices (N) or
/// (N, d1, ...) (a 0-d tensor when unbatched), or float class probabilities of input's shape.
/// weight (C) rescales each class (undefined: all ones). Targets equal to ignore_index add
/// nothing, and 'mean' divides by the summed weight of the targets kept (class indices), or by
/// the number of samples (probabilities). label_smoothing in [0, 1] mixes the uniform
/// distribution into the target as PyTorch does.
/// Softmax cross-entropy: loss_n = -w[y_n] * log(softmax(x_n)[y_n]).
/// @param input logits.
/// @param target class indices or probabilities.
/// @param reduction None, Mean (default) or Sum.
/// @param weight (C) class weights, or undefined (default).
/// @param ignore_index the ignored class index (default -100).
/// @param label_smoothing in [0, 1] (default 0).
/// @return a scalar, or the per-sample losses with Reduction::None.
/// @throws ShapeError when the shapes do not match.
/// @throws IndexError when a class index is out of range.
/// @throws ValueError when label_smoothing is outside [0, 1].
Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                     const Tensor& weight = Tensor(), int64_t ignore_index = -100, double label_smoothing = 0.0);
/// log_probs as cross_entropy's input; class-index targets only.
/// Negative log-likelihood: loss_n = -w[y_n] * log_probs[n, y_n].
/// @param log_probs (N, C) or (N, C, d1, ...) log-probabilities.
/// @param target class indices (N) or (N, d1, ...), int64.
/// @param reduction None, Mean (default) or Sum.
/// @param weight (C) class weights, or undefined (default).
/// @param ignore_index the ignored class index (default -100).
/// @return a scalar, or the per-sample losses with Reduction::None.
/// @throws ShapeError when the shapes do not match.
/// @throws IndexError when a class index is out of range.
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction = Reduction::Mean,
                const Tensor& weight = Tensor(), int64_t ignore_index = -100);
/// The multiclass SVM hinge over input (N, C) or (C): per sample
/// sum_{c != y} weight[y] * max(0, margin - x[y] + x[c])^p / C, p = 1 or 2.
/// @param input scores (N, C) or (C).
/// @param target class indices (N) or a scalar.
/// @param p 1 (default) or 2.
/// @param margin the margin (default 1).
/// @param weight (C) class weights, or undefined (default).
/// @param reduction None, Mean (default) or Sum.
/// @return a scalar, or (N) with Reduction::None.
/// @throws ValueError for p other than 1 and 2.
/// @throws ShapeError when the shapes do not match.
/// @throws IndexError when a class index is out of range.
Tensor multi_margin_loss(const Tensor& input, const Tensor& target, int64_t p = 1, double margin = 1.0,
                         const Tensor& weight = Tensor(), Reduction reduction = Reduction::Mean);

/// input1, input2 (N, D) or (D); target (N) or () of 1 (pull together: 1 - cos) or -1 (push
/// apart: max(0, cos - margin)); other target values add 0, as in PyTorch.
/// @param input1 (N, D) or (D).
/// @param input2 input1's shape.
/// @param target (N) or () of 1 or -1.
/// @param margin the margin (default 0).
/// @param reduction None, Mean (default) or Sum.
/// @return a scalar, or (N) with Reduction::None.
/// @throws ShapeError when the shapes do not match.
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin = 0.0,
                             Reduction reduction = Reduction::Mean);

/// The squared error (x - y)^2, reduced.
/// @param input any shape.
/// @param target broadcastable to input.
/// @param reduction None, Mean (default) or Sum.
/// @return a scalar, or the broadcast shape with Reduction::None.
/// @throws ShapeError when the shapes do not broadcast.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
/// The absolute error |x - y|, reduced.
/// @param input any shape.
/// @param target broadcastable to input.
/// @param reduction None, Mean (default) or Sum.
/// @return a scalar, or the broadcast shape with Reduction::None.
/// @throws ShapeError when the shapes do not broadcast.
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
/// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta = 0 is l1_loss).
/// @param input any shape.
/// @param target broadcastable to input.
/// @param reduction None, Mean (default) or Sum.
/// @param beta the switch point, >= 0 (default 1).
/// @return a scalar, or the broadcast shape with Reduction::None.
/// @throws ShapeError when the shapes do not broadcast.
/// @throws ValueError when beta < 0.
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                      double beta = 1.0);
/// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).
/// @param input any shape.
/// @param target broadcastable to input.
/// @param reduction None, Mean (default) or Sum.
/// @param delta the switch point, > 0 (default 1).
/// @return a scalar, or the broadcast shape with Reduction::None.
/// @throws ShapeError when the shapes do not broadcast.
/// @throws ValueError when delta <= 0.
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean, double delta = 1.0);

/// input holds probabilities in [0, 1]; logs are clamped at -100. weight broadcasts to input.
/// Binary cross-entropy -w (t log x + (1 - t) log(1 - x)).
/// @param input probabilities in [0, 1].
/// @param target input's shape, in [0, 1].
/// @param weight broadcastable to input, or undefined (default).
/// @param reduction None, Mean (default) or Sum.
/// @return a scalar, or input's shape with Reduction::None.
/// @throws ShapeError when the shapes differ.
/// @throws ValueError when an input is outside [0, 1].
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                            Reduction reduction = Reduction::Mean);
/// Stable in the logits: (1 - t) x + (1 + (pos_weight - 1) t) softplus(-x); pos_weight
/// broadcasts against input (one value per class along the last dim).
/// Binary cross-entropy of logits.
/// @param input logits, any shape.
/// @param target input's shape, in [0, 1].
/// @param weight broadcastable to input, or undefined (default).
/// @param reduction None, Mean (default) or Sum.
/// @param pos_weight the positive-class weights, or undefined (default).
/// @return a scalar, or input's shape with Reduction::None.
/// @throws ShapeError when the shapes do not match.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                                        Reduction reduction = Reduction::Mean, const Tensor& pos_weight = Tensor());
/// KL(target || exp(input)) terms, input holding log-probabilities; reduction "none" | "mean" |
/// "batchmean" (sum / batch size, the true KL divergence) | "sum".
/// @param input log-probabilities.
/// @param target probabilities (log-probabilities with log_target), input's shape.
/// @param reduction the reduction's name (default "mean").
/// @param log_target whether target holds log-probabilities (default false).
/// @return a scalar, or input's shape with "none".
/// @throws ShapeError when the shapes differ.
/// @throws ValueError for an unknown reduction.
Tensor kl_div(const Tensor& input, const Tensor& target, const std::string& reduction = "mean",
              bool log_target = false);

/// Weight penalties over a list of parameters, as scalars to add to a loss:
/// l1 = sum |p|, l2 = sum p^2 (no 1/2), elastic net = alpha * (l1_ratio * l1 + (1 - l1_ratio) / 2 * l2)
/// (scikit-learn's convention).
/// @param params the parameters.
/// @return sum |p| over every element, a scalar.
Tensor l1_penalty(const std::vector<Tensor>& params);
/// The L2 penalty.
/// @param params the parameters.
/// @return sum p^2 over every element, a scalar.
Tensor l2_penalty(const std::vector<Tensor>& params);
/// The elastic-net penalty.
/// @param params the parameters.
/// @param alpha the overall weight (default 1).
/// @param l1_ratio the L1 share, in [0, 1] (default 0.5).
/// @return a scalar.
/// @throws ValueError when l1_ratio is outside [0, 1].
Tensor elastic_net_penalty(const std::vector<Tensor>& params, double alpha = 1.0, double l1_ratio = 0.5);

}  // namespace striate
