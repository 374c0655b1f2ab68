// Unfolding for the lowered convolutions on CUDA: im2col copies every kernel tap's view of the
// input into one row of a column matrix, col2im folds such a matrix back (the adjoint), for 2-D
// and 3-D alike (a 2-D convolution is a 3-D one of depth 1). The index math is __host__
// __device__ so that tests/cpp/test_cuda_host_math.cu can check it on the host.
#pragma once
#include <cstdint>

#include "kernels/conv.h"

namespace striate::kernels::cuda {

// One sample's sliding window: input (C, D, H, W), kernel taps (U, R, S), output (O, P, Q).
struct ColumnGeometry {
  int64_t C, D, H, W;
  int64_t U, R, S;
  int64_t O, P, Q;
  int64_t stride_d, stride_h, stride_w;
  int64_t pad_front, pad_top, pad_left;
  int64_t dilation_d, dilation_h, dilation_w;
};

ColumnGeometry column_geometry(const Conv2dGeometry& g);
ColumnGeometry column_geometry(const Conv3dGeometry& g);

// The input position that output (o, p, q) reads through tap (u, r, s) along one axis, or -1 when
// it falls in the padding.
__host__ __device__ inline int64_t tap_source(int64_t out, int64_t tap, int64_t stride, int64_t pad,
                                              int64_t dilation, int64_t extent) {
  const int64_t in = out * stride + tap * dilation - pad;
  return in >= 0 && in < extent ? in : -1;
}

// The output position whose tap reads input `in` along one axis, or -1 when none does (the
// stride skips it or the window would start outside the output).
__host__ __device__ inline int64_t tap_target(int64_t in, int64_t tap, int64_t stride, int64_t pad, int64_t dilation,
                                              int64_t out_extent) {
  const int64_t shifted = in + pad - tap * dilation;
  if (shifted < 0 || shifted % stride != 0) return -1;
  const int64_t out = shifted / stride;
  return out < out_extent ? out : -1;
}

// Element i of the column matrix (C * U * R * S, O * P * Q): row ((c * U + u) * R + r) * S + s,
// column (o * P + p) * Q + q, which is input (c, z, y, x) through tap (u, r, s), or 0 in padding.
template <typename T>
__host__ __device__ inline T im2col_element(const T* input, const ColumnGeometry& g, int64_t i) {
  const int64_t OPQ = g.O * g.P * g.Q;
  const int64_t position = i % OPQ;
  int64_t row = i / OPQ;
  const int64_t q = position % g.Q, p = position / g.Q % g.P, o = position / (g.Q * g.P);
  const int64_t s = row % g.S;
  row /= g.S;
  const int64_t r = row % g.R;
  row /= g.R;
  const int64_t u = row % g.U;
  const int64_t c = row / g.U;
  const int64_t z = tap_source(o, u, g.stride_d, g.pad_front, g.dilation_d, g.D);
  const int64_t y = tap_source(p, r, g.stride_h, g.pad_top, g.dilation_h, g.H);
  const int64_t x = tap_source(q, s, g.stride_w, g.pad_left, g.dilation_w, g.W);
  return z >= 0 && y >= 0 && x >= 0 ? input[((c * g.D + z) * g.H + y) * g.W + x] : T(0);
}

// Element i = ((c * D + z) * H + y) * W + x of the folded gradient: the sum of every column entry
// that im2col_element copied from input (c, z, y, x).
template <typename T>
__host__ __device__ inline T col2im_element(const T* dcol, const ColumnGeometry& g, int64_t i) {
  const int64_t OPQ = g.O * g.P * g.Q;
  const int64_t x = i % g.W, y = i / g.W % g.H, z = i / (g.W * g.H) % g.D, c = i / (g.W * g.H * g.D);
  T sum = T(0);
  for (int64_t u = 0; u < g.U; ++u) {
    const int64_t o = tap_target(z, u, g.stride_d, g.pad_front, g.dilation_d, g.O);
    if (o < 0) continue;
    for (int64_t r = 0; r < g.R; ++r) {
      const int64_t p = tap_target(y, r, g.stride_h, g.pad_top, g.dilation_h, g.P);
      if (p < 0) continue;
      for (int64_t s = 0; s < g.S; ++s) {
        const int64_t q = tap_target(x, s, g.stride_w, g.pad_left, g.dilation_w, g.Q);
        if (q < 0) continue;
        sum += dcol[(((c * g.U + u) * g.R + r) * g.S + s) * OPQ + (o * g.P + p) * g.Q + q];
      }
    }
  }
  return sum;
}

// col (C * U * R * S, O * P * Q) from input (C, D, H, W); zeros where a tap reads padding.
template <typename T>
void im2col(T* col, const T* input, const ColumnGeometry& g);

// dinput (C, D, H, W), overwritten, = the sum over taps of dcol (C * U * R * S, O * P * Q)
// (a gather per input element: deterministic, no atomics).
template <typename T>
void col2im(T* dinput, const T* dcol, const ColumnGeometry& g);

}  // namespace striate::kernels::cuda
