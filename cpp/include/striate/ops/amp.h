// Mixed-precision training ops: GradScaler's fused unscale with its inf/NaN check.
//   Tensor found_inf = zeros({1}), inv_scale = full({1}, 1.0 / 65536.0);
//   striate::amp_non_finite_check_and_unscale_(grads, found_inf, inv_scale);  // grads /= 65536
#pragma once
#include <vector>

#include "striate/core/tensor.h"

namespace striate {

/// Multiplies every gradient by inv_scale in place and sets found_inf to 1 when any of them holds
/// an inf or NaN (torch._amp_foreach_non_finite_check_and_unscale_). Gradients are float32 or
/// float64 tensors on found_inf's device; found_inf and inv_scale are one-element float32 tensors.
/// Undefined gradients are skipped.
/// @param grads the gradients (undefined ones skipped).
/// @param found_inf one-element float32, set to 1 on inf or NaN.
/// @param inv_scale one-element float32, the multiplier.
/// @throws TypeError when a dtype is not as required.
/// @throws ValueError when a tensor is on another device or found_inf / inv_scale are not one-element.
void amp_non_finite_check_and_unscale_(const std::vector<Tensor>& grads, const Tensor& found_inf,
                                       const Tensor& inv_scale);

}  // namespace striate
