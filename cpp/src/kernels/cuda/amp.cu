// GradScaler's fused check-and-unscale on CUDA (kernels/amp.h): a grid-stride loop multiplies each
// element by the scale read from device memory (no host round trip) and, on an inf or NaN, stores
// 1 into found_inf; every writer stores the same value, so the race is benign.
#include "kernels/amp.h"
#include "kernels/cuda/launch.cuh"
#include "striate/core/tensor.h"

namespace striate::kernels::cuda {
namespace {

template <typename T>
__global__ void non_finite_check_and_unscale_kernel(T* grad, float* found_inf, const float* inv_scale, int64_t n) {
  const T factor = static_cast<T>(*inv_scale);
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    const T g = grad[i];
    if (!isfinite(g)) *found_inf = 1.0f;
    grad[i] = g * factor;
  }
}

void non_finite_check_and_unscale(const Tensor& grad, const Tensor& found_inf, const Tensor& inv_scale) {
  const int64_t n = grad.numel();
  if (n == 0) return;
  STRIATE_DISPATCH_FLOATING(grad.dtype(), "non_finite_check_and_unscale", [&] {
    non_finite_check_and_unscale_kernel<scalar_t><<<blocks_for(n), kThreads, 0, stream(grad.device().index)>>>(
        grad.data<scalar_t>(), found_inf.data<float>(), inv_scale.data<float>(), n);
  });
  backend::cuda_check_launch("non_finite_check_and_unscale");
}

}  // namespace

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, non_finite_check_and_unscale);

}  // namespace striate::kernels::cuda
