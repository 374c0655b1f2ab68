// Random draws on CUDA: one thread per element, element i from Philox block offset + i (philox.cuh),
// so a draw depends on the seed, the generator's offset and the index only, not on the launch
// shape. The default generator's draws use the device's Philox state (core/random.h: seeded by
// manual_seed / cuda.manual_seed_all, advanced by every draw); a draw given another generator uses
// a stream keyed by a 64-bit word taken from that generator, so it stays reproducible from it.
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/philox.cuh"
#include "kernels/random.h"

namespace striate::kernels::cuda {
namespace {

template <typename T>
__global__ void random_draw_kernel(T* values, int64_t n, RandomDistribution distribution, double p, T keep,
                                   uint64_t seed, uint64_t offset) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    const uint64_t index = static_cast<uint64_t>(i);
    switch (distribution) {
      case RandomDistribution::Uniform: values[i] = philox_uniform<T>(seed, offset, index); break;
      case RandomDistribution::Normal: values[i] = philox_normal<T>(seed, offset, index); break;
      case RandomDistribution::Bernoulli:
        values[i] = philox_uniform<double>(seed, offset, index) >= p ? keep : T(0);
        break;
    }
  }
}

void random_draw(const Tensor& dst, const RandomDraw& draw, Generator& generator) {
  const int64_t n = dst.numel();
  if (n == 0) return;
  const int device = dst.device().index;
  const PhiloxState state = &generator == &default_generator() ? reserve_device_philox(device, static_cast<uint64_t>(n))
                                                               : PhiloxState{generator.engine()(), 0};
  STRIATE_DISPATCH_FLOATING(dst.dtype(), "random_draw", [&] {
    random_draw_kernel<scalar_t><<<blocks_for(n), kThreads, 0, stream(device)>>>(
        dst.data<scalar_t>(), n, draw.distribution, draw.p, static_cast<scalar_t>(draw.keep_value), state.seed,
        state.offset);
  });
  backend::cuda_check_launch("random_draw");
}

}  // namespace

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, random_draw);

}  // namespace striate::kernels::cuda
