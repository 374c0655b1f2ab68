// Random draws on the CPU: element after element from the generator's mt19937_64, in memory order,
// exactly as the random ops drew before the seam existed (same draws, same rounding).
#include "kernels/random.h"

namespace striate::kernels::cpu {
namespace {

void random_draw(const Tensor& dst, const RandomDraw& draw, Generator& generator) {
  STRIATE_DISPATCH_FLOATING(dst.dtype(), "random_draw", [&] {
    scalar_t* values = dst.data<scalar_t>();
    const int64_t n = dst.numel();
    switch (draw.distribution) {
      case RandomDistribution::Uniform:
        for (int64_t i = 0; i < n; ++i) values[i] = static_cast<scalar_t>(generator.uniform());
        break;
      case RandomDistribution::Normal:
        for (int64_t i = 0; i < n; ++i) values[i] = static_cast<scalar_t>(generator.normal());
        break;
      case RandomDistribution::Bernoulli: {
        const scalar_t keep = static_cast<scalar_t>(draw.keep_value);
        for (int64_t i = 0; i < n; ++i) values[i] = generator.uniform() >= draw.p ? keep : scalar_t(0);
        break;
      }
    }
  });
}

}  // namespace

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, random_draw);

}  // namespace striate::kernels::cpu
