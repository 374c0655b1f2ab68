// Gradient clipping with torch.nn.utils' rules, between backward() and the optimizer's step():
//   loss.backward();
//   Tensor total = striate::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
//   opt.step();
// (In striate::nn::utils as in libtorch; Python: striate.nn.utils.)
#pragma once
#include <limits>
#include <vector>

#include "striate/core/tensor.h"

namespace striate::nn::utils {

/// Scales every gradient by min(1, max_norm / (total + 1e-6)), total being the norm_type norm of
/// all gradients taken together (inf: the largest absolute value; 0: the count of non-zeros).
/// Returns total as a scalar tensor of the first gradient's dtype (0.0 without gradients).
/// error_if_nonfinite raises when total is nan or inf instead of scaling by it.
/// @param parameters the parameters whose .grad is clipped (those without a gradient are skipped).
/// @param max_norm the largest allowed total norm.
/// @param norm_type the norm's order (default 2.0; inf and 0 allowed).
/// @param error_if_nonfinite raise on a non-finite total (default false).
/// @return the total norm before clipping.
/// @throws RuntimeError when error_if_nonfinite and the total is nan or inf.
Tensor clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

/// Clamps every gradient element into [-clip_value, clip_value] in place.
/// @param parameters the parameters whose .grad is clamped.
/// @param clip_value the bound (>= 0).
/// @throws ValueError when clip_value < 0.
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

}  // namespace striate::nn::utils
