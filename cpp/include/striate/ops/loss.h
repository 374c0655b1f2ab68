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

enum class Reduction { None, Mean, Sum };
// Parses "none" | "mean" | "sum", naming `op` in the error.
Reduction parse_reduction(const std::string& name, const char* op);
// losses as they are, their sum, or their mean.
Tensor apply_reduction(const Tensor& losses, Reduction reduction);

// input (N, C) or (N, C, d1, ...) logits, or unbatched (C). target: int64 class indices (N) or
// (N, d1, ...) (a 0-d tensor when unbatched), or float class probabilities of input's shape.
// weight (C) rescales each class (undefined: all ones). Targets equal to ignore_index add
// nothing, and 'mean' divides by the summed weight of the targets kept (class indices), or by
// the number of samples (probabilities). label_smoothing in [0, 1] mixes the uniform
// distribution into the target as PyTorch does.
Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                     const Tensor& weight = Tensor(), int64_t ignore_index = -100, double label_smoothing = 0.0);
// log_probs as cross_entropy's input; class-index targets only.
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction = Reduction::Mean,
                const Tensor& weight = Tensor(), int64_t ignore_index = -100);
// The multiclass SVM hinge over input (N, C) or (C): per sample
// sum_{c != y} weight[y] * max(0, margin - x[y] + x[c])^p / C, p = 1 or 2.
Tensor multi_margin_loss(const Tensor& input, const Tensor& target, int64_t p = 1, double margin = 1.0,
                         const Tensor& weight = Tensor(), Reduction reduction = Reduction::Mean);

// input1, input2 (N, D) or (D); target (N) or () of 1 (pull together: 1 - cos) or -1 (push
// apart: max(0, cos - margin)); other target values add 0, as in PyTorch.
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin = 0.0,
                             Reduction reduction = Reduction::Mean);

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta = 0 is l1_loss).
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                      double beta = 1.0);
// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                  double delta = 1.0);

// input holds probabilities in [0, 1]; logs are clamped at -100. weight broadcasts to input.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                            Reduction reduction = Reduction::Mean);
// Stable in the logits: (1 - t) x + (1 + (pos_weight - 1) t) softplus(-x); pos_weight
// broadcasts against input (one value per class along the last dim).
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                                        Reduction reduction = Reduction::Mean, const Tensor& pos_weight = Tensor());
// KL(target || exp(input)) terms, input holding log-probabilities; reduction "none" | "mean" |
// "batchmean" (sum / batch size, the true KL divergence) | "sum".
Tensor kl_div(const Tensor& input, const Tensor& target, const std::string& reduction = "mean",
              bool log_target = false);

// Weight penalties over a list of parameters, as scalars to add to a loss:
// l1 = sum |p|, l2 = sum p^2 (no 1/2), elastic net = alpha * (l1_ratio * l1 + (1 - l1_ratio) / 2 * l2)
// (scikit-learn's convention).
Tensor l1_penalty(const std::vector<Tensor>& params);
Tensor l2_penalty(const std::vector<Tensor>& params);
Tensor elastic_net_penalty(const std::vector<Tensor>& params, double alpha = 1.0, double l1_ratio = 0.5);

}  // namespace striate
