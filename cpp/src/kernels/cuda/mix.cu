// Mixup's and CutMix's batch kernels on CUDA (kernels/mix.h): one thread per output element in a
// grid-stride loop. mix_images repeats the CPU's double arithmetic with each product and sum
// rounded on its own (the _rn intrinsics: nvcc would otherwise contract a * b + c into an fma,
// which the baseline x86-64 build does not), then the same conversion to T, so both devices give
// the same bits from the same draws. paste_box only moves values.
#include "kernels/cuda/current.cuh"
#include "kernels/mix.h"

namespace striate::kernels::cuda {
namespace {

template <typename T>
__global__ void mix_images_kernel(T* out, const T* images, const int64_t* partner, double lambda, int64_t N,
                                  int64_t CHW) {
  const double complement = __dsub_rn(1.0, lambda);
  for (int64_t e = grid_index(); e < N * CHW; e += grid_step()) {
    const int64_t n = e / CHW, i = e % CHW;
    const double first = static_cast<double>(images[e]);
    const double second = static_cast<double>(images[partner[n] * CHW + i]);
    out[e] = static_cast<T>(__dadd_rn(__dmul_rn(lambda, first), __dmul_rn(complement, second)));
  }
}

template <typename T>
__global__ void paste_box_kernel(T* out, const T* images, const int64_t* partner, int64_t N, int64_t C, int64_t H,
                                 int64_t W, int64_t top, int64_t left, int64_t h, int64_t w) {
  const int64_t plane = H * W;
  for (int64_t e = grid_index(); e < N * C * plane; e += grid_step()) {
    const int64_t n = e / (C * plane);
    const int64_t within = e % plane;
    const int64_t y = within / W, x = within % W;
    const bool boxed = y >= top && y < top + h && x >= left && x < left + w;
    out[e] = boxed ? images[e + (partner[n] - n) * C * plane] : images[e];
  }
}

}  // namespace

template <typename T>
void mix_images(T* out, const T* images, const int64_t* partner, double lambda, int64_t N, int64_t CHW) {
  if (N * CHW == 0) return;
  mix_images_kernel<T><<<blocks_for(N * CHW), kThreads, 0, current_stream()>>>(out, images, partner, lambda, N, CHW);
  backend::cuda_check_launch("mix_images");
}

template <typename T>
void paste_box(T* out, const T* images, const int64_t* partner, int64_t N, int64_t C, int64_t H, int64_t W, int64_t top,
               int64_t left, int64_t h, int64_t w) {
  const int64_t total = N * C * H * W;
  if (total == 0) return;
  paste_box_kernel<T>
      <<<blocks_for(total), kThreads, 0, current_stream()>>>(out, images, partner, N, C, H, W, top, left, h, w);
  backend::cuda_check_launch("paste_box");
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, mix_images<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, mix_images<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, paste_box<uint8_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, paste_box<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, paste_box<double>);

}  // namespace striate::kernels::cuda
