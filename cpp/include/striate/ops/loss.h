// Losses: cross_entropy with integer class labels (log-sum-exp stable), mse_loss.
//   auto loss = striate::cross_entropy(logits, labels);   // mean over the batch
#pragma once
#include <optional>
#include <string>

#include "striate/core/tensor.h"

namespace striate {

enum class Reduction { None, Mean, Sum };
// Parses "none" | "mean" | "sum", naming `op` in the error.
Reduction parse_reduction(const std::string& name, const char* op);

// input (N, C) or (N, C, d1, ...) logits; target int64 (N) or (N, d1, ...) class indices in [0, C).
Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);

}  // namespace striate
