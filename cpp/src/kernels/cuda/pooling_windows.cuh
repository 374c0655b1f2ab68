// The window arithmetic of the CUDA pooling kernels: which taps a max window visits, the clipped
// extent and divisor of an average window (the CPU's rules, kernels/cpu/pooling.cpp), and which
// outputs' windows cover an input position (the averages' gather backward). Plain C++ with
// __host__ __device__ markers: tests/cpp/test_cuda_host.cpp checks `covering` against a brute force.
#pragma once
#include <cstdint>

#include "kernels/cuda/strided.cuh"  // STRIATE_HOST_DEVICE

namespace striate::kernels::cuda {

STRIATE_HOST_DEVICE inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
STRIATE_HOST_DEVICE inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

// The dilated taps of one axis clipped to [0, size): first in-bounds tap, end, step.
struct Taps {
  int64_t begin, end, step;
};
STRIATE_HOST_DEVICE inline Taps dilated_taps(int64_t start, int64_t kernel, int64_t dilation, int64_t size) {
  const int64_t end = min64(start + (kernel - 1) * dilation + 1, size);
  const int64_t begin = start < 0 ? start + ((-start + dilation - 1) / dilation) * dilation : start;
  return {begin, end, dilation};
}

// One axis of an average window clipped to the input; `padded` its length before clipping
// (padding counts, a ceil_mode overhang past the padding does not).
struct AvgAxis {
  int64_t begin, end, padded;
};
STRIATE_HOST_DEVICE inline AvgAxis avg_axis(int64_t start, int64_t kernel, int64_t pad, int64_t size) {
  int64_t end = min64(start + kernel, size + pad);
  const int64_t padded = end - start;
  return {max64(start, 0), min64(end, size), padded};
}

STRIATE_HOST_DEVICE inline int64_t avg_divisor(int64_t override_divisor, bool count_include_pad, int64_t padded_volume,
                                               int64_t volume) {
  if (override_divisor != 0) return override_divisor;
  return count_include_pad ? padded_volume : volume;
}

// The outputs o in [first, last] whose windows [o * stride - pad, + kernel) contain position x.
struct OutputRange {
  int64_t first, last;
};
STRIATE_HOST_DEVICE inline OutputRange covering(int64_t x, int64_t kernel, int64_t stride, int64_t pad,
                                                int64_t outputs) {
  const int64_t shifted = x + pad;
  const int64_t first = shifted < kernel ? 0 : (shifted - kernel) / stride + 1;
  return {first, min64(outputs - 1, shifted / stride)};
}

}  // namespace striate::kernels::cuda
