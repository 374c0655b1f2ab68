// Mixed-precision kernels: GradScaler's fused check-and-unscale of one gradient.
#pragma once
#include "kernels/kernel.h"

namespace striate::kernels {

// grad *= inv_scale[0] in place (grad contiguous, float32 or float64); found_inf[0] (float32) is set
// to 1 when any element of grad is inf or NaN, and left as it is otherwise. inv_scale and
// found_inf are one-element float32 tensors on grad's device.
inline Kernel<void(const Tensor& grad, const Tensor& found_inf, const Tensor& inv_scale)> non_finite_check_and_unscale{
    "non_finite_check_and_unscale"};

}  // namespace striate::kernels
