// GradScaler's fused check-and-unscale on the CPU (kernels/amp.h): one pass reads each element
// once, multiplies it and notes whether it was finite.
#include "kernels/amp.h"

#include <cmath>

#include "striate/core/parallel.h"
#include "striate/core/tensor.h"

namespace striate::kernels::cpu {
namespace {

void non_finite_check_and_unscale(const Tensor& grad, const Tensor& found_inf, const Tensor& inv_scale) {
  const float scale = inv_scale.data<float>()[0];
  STRIATE_DISPATCH_FLOATING(grad.dtype(), "non_finite_check_and_unscale", [&] {
    scalar_t* g = grad.data<scalar_t>();
    const auto factor = static_cast<scalar_t>(scale);
    bool non_finite = false;
    const int64_t n = grad.numel();
    for (int64_t i = 0; i < n; ++i) {
      non_finite |= !std::isfinite(g[i]);
      g[i] *= factor;
    }
    if (non_finite) found_inf.data<float>()[0] = 1.0f;
  });
}

}  // namespace

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, non_finite_check_and_unscale);

}  // namespace striate::kernels::cpu
