// The index math of the strided elementwise kernels: N operands of one shape (up to 8 dims, any
// strides, 0 for a broadcast dimension), passed to a kernel by value; each thread turns the output's
// linear (row-major) index into every operand's element offset. Plain C++ with __host__ __device__
// markers, so tests/cpp/test_cuda_host.cpp checks it on the host without a GPU.
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define STRIATE_HOST_DEVICE __host__ __device__
#else
#define STRIATE_HOST_DEVICE
#endif

namespace striate::kernels::cuda {

constexpr int kMaxStridedDims = 8;  // Shape's capacity

template <int N>
struct StridedLayout {
  int dims = 0;                                 // 0: a single element
  int64_t sizes[kMaxStridedDims] = {};          // innermost last
  int64_t strides[N][kMaxStridedDims] = {};     // in elements of each operand
  bool contiguous = true;                       // every operand dense row-major: offset == index

  // Every operand's element offset of the element at row-major `index`.
  STRIATE_HOST_DEVICE void offsets(int64_t index, int64_t (&out)[N]) const {
    if (contiguous) {
      for (int k = 0; k < N; ++k) out[k] = index;
      return;
    }
    for (int k = 0; k < N; ++k) out[k] = 0;
    for (int d = dims - 1; d >= 0; --d) {
      const int64_t size = sizes[d];
      const int64_t i = index % size;
      index /= size;
      for (int k = 0; k < N; ++k) out[k] += i * strides[k][d];
    }
  }
};

// The layout of N operands sharing `sizes` (dims entries), their strides in elements. Dimensions of
// size 1 are dropped and neighbours that every operand steps through as one run are merged, so a
// dense tensor and most views reduce to one or two dimensions.
template <int N>
StridedLayout<N> make_strided_layout(int dims, const int64_t* sizes, const int64_t* const (&strides)[N]) {
  StridedLayout<N> layout;
  int out = 0;
  for (int d = 0; d < dims; ++d) {
    if (sizes[d] == 1) continue;
    bool merge = out > 0;
    for (int k = 0; merge && k < N; ++k)
      merge = layout.strides[k][out - 1] == strides[k][d] * sizes[d];
    if (merge) {
      layout.sizes[out - 1] *= sizes[d];
      for (int k = 0; k < N; ++k) layout.strides[k][out - 1] = strides[k][d];
      continue;
    }
    layout.sizes[out] = sizes[d];
    for (int k = 0; k < N; ++k) layout.strides[k][out] = strides[k][d];
    ++out;
  }
  layout.dims = out;
  layout.contiguous = true;
  for (int k = 0; k < N; ++k)
    if (out > 1 || (out == 1 && layout.strides[k][0] != 1)) layout.contiguous = false;
  return layout;
}

}  // namespace striate::kernels::cuda
