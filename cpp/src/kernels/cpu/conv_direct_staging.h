// The staged input of the direct and depthwise drivers (never included by the ISA files): every
// channel plane zero-padded to the rows and columns the output reads, and each row split into
// stride phases, so staged[h'][phase][w'] holds input[h' - pad_top][w' * stride_w + phase - pad_left]
// (zero outside the image). Output column q of kernel tap s then reads position q + (s * dw) / sw
// of phase (s * dw) % sw: consecutive outputs read consecutive staged values.
#pragma once
#include <cstdint>

#include "kernels/conv.h"

namespace striate::kernels::cpu::direct {

inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
inline int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

struct Staging {
  int64_t rows;       // Hp: (P - 1) * stride_h + (R - 1) * dilation_h + 1
  int64_t positions;  // Wq: positions per phase
  int64_t row;        // stride_w * Wq: elements per staged row
  int64_t plane;      // rows * row
};

inline Staging staging_of(const Conv2dGeometry& g) {
  Staging s;
  s.rows = (g.P - 1) * g.stride_h + (g.R - 1) * g.dilation_h + 1;
  const int64_t width = (g.Q - 1) * g.stride_w + (g.S - 1) * g.dilation_w + 1;
  s.positions = ceil_div(width, g.stride_w);
  s.row = g.stride_w * s.positions;
  s.plane = s.rows * s.row;
  return s;
}

// Where tap column s starts in a staged row.
inline int64_t column_offset(const Conv2dGeometry& g, const Staging& st, int64_t s) {
  const int64_t w = s * g.dilation_w;
  return (w % g.stride_w) * st.positions + w / g.stride_w;
}

// Stages one (H, W) plane.
template <typename T>
void stage_plane(T* staged, const T* plane, const Conv2dGeometry& g, const Staging& st) {
  for (int64_t hs = 0; hs < st.rows; ++hs) {
    T* dst = staged + hs * st.row;
    const int64_t h = hs - g.pad_top;
    if (h < 0 || h >= g.H) {
      for (int64_t i = 0; i < st.row; ++i) dst[i] = T(0);
      continue;
    }
    const T* src = plane + h * g.W;
    for (int64_t phase = 0; phase < g.stride_w; ++phase) {
      T* d = dst + phase * st.positions;
      for (int64_t ws = 0; ws < st.positions; ++ws) {
        const int64_t w = ws * g.stride_w + phase - g.pad_left;
        d[ws] = w >= 0 && w < g.W ? src[w] : T(0);
      }
    }
  }
}

// The inverse for gradients: plane (H, W) = the staged values it owns (zero where no output read it).
template <typename T>
void unstage_plane(T* plane, const T* staged, const Conv2dGeometry& g, const Staging& st) {
  for (int64_t h = 0; h < g.H; ++h) {
    T* dst = plane + h * g.W;
    const int64_t hs = h + g.pad_top;
    if (hs >= st.rows) {
      for (int64_t w = 0; w < g.W; ++w) dst[w] = T(0);
      continue;
    }
    const T* src = staged + hs * st.row;
    // Columns past the staged row (never read by an output) are zero.
    if (st.row < g.W + g.pad_left)
      for (int64_t w = 0; w < g.W; ++w) dst[w] = T(0);
    for (int64_t phase = 0; phase < g.stride_w; ++phase) {
      const T* s = src + phase * st.positions;
      // Positions whose column w = position * stride_w + phase - pad_left lies in [0, W).
      const int64_t begin = ceil_div(g.pad_left - phase, g.stride_w) > 0 ? ceil_div(g.pad_left - phase, g.stride_w) : 0;
      const int64_t end_w = ceil_div(g.W + g.pad_left - phase, g.stride_w);
      const int64_t end = end_w < st.positions ? end_w : st.positions;
      for (int64_t position = begin; position < end; ++position)
        dst[position * g.stride_w + phase - g.pad_left] = s[position];
    }
  }
}

}  // namespace striate::kernels::cpu::direct
