// The arguments of the fused optimizer updates (kernels/optimizer.h), apart so that the SIMD files
// can name them without the kernel objects' headers.
// float16 / bfloat16 parameters keep their values and state in their own dtype, and the kernels
// compute each element's update in float32 (opmath_t) and round once when storing, as PyTorch's
// fused optimizers (fused=True) do; the scalars are float32 for them.
#pragma once
#include <cstdint>

#include "striate/core/half.h"

namespace striate::kernels {

// The type an optimizer kernel computes in for elements of type T.
template <typename T>
struct OptimizerMath {
  using type = T;
};
template <>
struct OptimizerMath<Half> {
  using type = float;
};
template <>
struct OptimizerMath<BFloat16> {
  using type = float;
};
template <typename T>
using opmath_t = typename OptimizerMath<T>::type;

// torch.optim.SGD's rule (torch momentum form).
template <typename T>
struct SgdScalars {
  T weight_decay, momentum, dampening_complement /* 1 - dampening */, negative_lr;
  bool has_weight_decay, has_momentum, nesterov, maximize;
};

// One parameter: n contiguous values of param, grad and (with momentum) the momentum buffer;
// first: the buffer is new and takes the update as it is.
template <typename T>
struct SgdTensor {
  T* param;
  const T* grad;
  T* momentum_buffer;  // null without momentum
  int64_t n;
  bool first;
};

// Adam / AdamW (torch.optim.Adam's rule); the step-dependent scalars are per tensor.
template <typename T>
struct AdamScalars {
  T decay_factor;  // 1 - lr * weight_decay (decoupled weight decay)
  T weight_decay;  // L2 penalty in the gradient (coupled weight decay)
  T one_minus_beta1, beta2, one_minus_beta2;
  T bias_correction2_sqrt;  // sqrt(1 - beta2^t)
  T eps, negative_step_size;
  bool decoupled, has_weight_decay, amsgrad, bias_correction, maximize;
};

template <typename T>
struct AdamTensor {
  T* param;
  const T* grad;
  T* exp_avg;
  T* exp_avg_sq;
  T* max_exp_avg_sq;  // null without amsgrad
  int64_t n;
  AdamScalars<opmath_t<T>> scalars;
};

}  // namespace striate::kernels
