// 3-D convolution on the CPU (vol2col / col2vol feeding the shared GEMM lowering) and the
// locally connected 2-D layer, whose unshared weights make it one small product per position.
#include <algorithm>
#include <vector>

#include "kernels/conv.h"
#include "kernels/cpu/conv_lowering.h"

namespace striate::kernels::cpu {
namespace {

using lowering::valid_range;

lowering::LoweredConv lowered(const Conv3dGeometry& g) {
  const bool pointwise = g.U == 1 && g.R == 1 && g.S == 1 && g.stride_d == 1 && g.stride_h == 1 && g.stride_w == 1 &&
                         g.pad_front == 0 && g.pad_top == 0 && g.pad_left == 0 && g.O == g.D && g.P == g.H &&
                         g.Q == g.W;
  return {g.N, g.C, g.K, g.groups, g.D * g.H * g.W, g.O * g.P * g.Q, g.U * g.R * g.S, pointwise};
}

// The ranges of output (o, p, q) whose input position for kernel tap (u, r, s) is inside the volume.
struct TapRange {
  int64_t depth_offset, row_offset, column_offset;
  int64_t o_begin, o_end, p_begin, p_end, q_begin, q_end;
};

TapRange tap_range(const Conv3dGeometry& g, int64_t u, int64_t r, int64_t s) {
  TapRange t;
  t.depth_offset = u * g.dilation_d - g.pad_front;
  t.row_offset = r * g.dilation_h - g.pad_top;
  t.column_offset = s * g.dilation_w - g.pad_left;
  valid_range(t.depth_offset, g.stride_d, g.D, g.O, t.o_begin, t.o_end);
  valid_range(t.row_offset, g.stride_h, g.H, g.P, t.p_begin, t.p_end);
  valid_range(t.column_offset, g.stride_w, g.W, g.Q, t.q_begin, t.q_end);
  return t;
}

}  // namespace

template <typename T>
void vol2col(T* col, const T* input, const Conv3dGeometry& g, int64_t channels, int64_t ld) {
  const int64_t OPQ = g.O * g.P * g.Q;
  int64_t row_index = 0;
  for (int64_t c = 0; c < channels; ++c) {
    const T* volume = input + c * g.D * g.H * g.W;
    for (int64_t u = 0; u < g.U; ++u) {
      for (int64_t r = 0; r < g.R; ++r) {
        for (int64_t s = 0; s < g.S; ++s, ++row_index) {
          T* row = col + row_index * ld;
          const TapRange t = tap_range(g, u, r, s);
          if (t.o_begin > 0 || t.o_end < g.O || t.p_begin > 0 || t.p_end < g.P || t.q_begin > 0 || t.q_end < g.Q)
            std::fill(row, row + OPQ, T(0));
          for (int64_t o = t.o_begin; o < t.o_end; ++o) {
            const T* slice = volume + (o * g.stride_d + t.depth_offset) * g.H * g.W;
            for (int64_t p = t.p_begin; p < t.p_end; ++p) {
              const T* in = slice + (p * g.stride_h + t.row_offset) * g.W;
              T* out = row + (o * g.P + p) * g.Q;
              for (int64_t q = t.q_begin; q < t.q_end; ++q) out[q] = in[q * g.stride_w + t.column_offset];
            }
          }
        }
      }
    }
  }
}

template <typename T>
void col2vol(T* dinput, const T* dcol, const Conv3dGeometry& g, int64_t channels, int64_t ld) {
  int64_t row_index = 0;
  for (int64_t c = 0; c < channels; ++c) {
    T* volume = dinput + c * g.D * g.H * g.W;
    for (int64_t u = 0; u < g.U; ++u) {
      for (int64_t r = 0; r < g.R; ++r) {
        for (int64_t s = 0; s < g.S; ++s, ++row_index) {
          const T* row = dcol + row_index * ld;
          const TapRange t = tap_range(g, u, r, s);
          for (int64_t o = t.o_begin; o < t.o_end; ++o) {
            T* slice = volume + (o * g.stride_d + t.depth_offset) * g.H * g.W;
            for (int64_t p = t.p_begin; p < t.p_end; ++p) {
              T* out = slice + (p * g.stride_h + t.row_offset) * g.W;
              const T* in = row + (o * g.P + p) * g.Q;
              for (int64_t q = t.q_begin; q < t.q_end; ++q) out[q * g.stride_w + t.column_offset] += in[q];
            }
          }
        }
      }
    }
  }
}

template <typename T>
void conv3d_forward(T* output, const T* input, const T* weight, const T* bias, const Conv3dGeometry& g) {
  lowering::forward(output, input, weight, bias, lowered(g),
                    [&](T* col, int64_t ld, const T* in, int64_t channels) { vol2col(col, in, g, channels, ld); });
}

template <typename T>
void conv3d_backward_input(T* dinput, const T* doutput, const T* weight, const Conv3dGeometry& g) {
  lowering::backward_input(
      dinput, doutput, weight, lowered(g),
      [&](T* din, const T* dcol, int64_t ld, int64_t channels) { col2vol(din, dcol, g, channels, ld); });
}

template <typename T>
void conv3d_backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const Conv3dGeometry& g) {
  lowering::backward_weight(
      dweight, dbias, doutput, input, lowered(g),
      [&](T* col, int64_t ld, const T* in, int64_t channels) { vol2col(col, in, g, channels, ld); });
}

// ---- locally connected ------------------------------------------------------------------------

template <typename T>
void locally_connected2d_forward(T* output, const T* input, const T* weight, const T* bias, const Conv2dGeometry& g) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
  parallel_for(0, g.N, 1, [&](int64_t first, int64_t last) {
    std::vector<T> col(CRS * PQ);
    for (int64_t n = first; n < last; ++n) {
      im2col(col.data(), input + n * g.C * g.H * g.W, g, g.C, PQ);
      T* out = output + n * g.K * PQ;
      for (int64_t pq = 0; pq < PQ; ++pq) {
        for (int64_t k = 0; k < g.K; ++k) {
          const T* filter = weight + (pq * g.K + k) * CRS;
          T total = bias ? bias[k * PQ + pq] : T(0);
          for (int64_t i = 0; i < CRS; ++i) total += filter[i] * col[i * PQ + pq];
          out[k * PQ + pq] = total;
        }
      }
    }
  });
}

template <typename T>
void locally_connected2d_backward_input(T* dinput, const T* doutput, const T* weight, const Conv2dGeometry& g) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
  parallel_for(0, g.N, 1, [&](int64_t first, int64_t last) {
    std::vector<T> dcol(CRS * PQ);
    for (int64_t n = first; n < last; ++n) {
      const T* dout = doutput + n * g.K * PQ;
      std::fill(dcol.begin(), dcol.end(), T(0));
      for (int64_t pq = 0; pq < PQ; ++pq) {
        for (int64_t k = 0; k < g.K; ++k) {
          const T* filter = weight + (pq * g.K + k) * CRS;
          const T grad = dout[k * PQ + pq];
          for (int64_t i = 0; i < CRS; ++i) dcol[i * PQ + pq] += filter[i] * grad;
        }
      }
      T* din = dinput + n * g.C * g.H * g.W;
      std::fill(din, din + g.C * g.H * g.W, T(0));
      col2im(din, dcol.data(), g, g.C, PQ);
    }
  });
}

template <typename T>
void locally_connected2d_backward_weight(T* dweight, T* dbias, const T* doutput, const T* input,
                                         const Conv2dGeometry& g) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
  // Every sample's columns at once, so that positions (not samples) can be split over threads
  // and each thread owns its slice of dweight.
  std::vector<T> cols(g.N * CRS * PQ);
  parallel_for(0, g.N, 1, [&](int64_t first, int64_t last) {
    for (int64_t n = first; n < last; ++n) im2col(cols.data() + n * CRS * PQ, input + n * g.C * g.H * g.W, g, g.C, PQ);
  });
  parallel_for(0, PQ, 1, [&](int64_t first, int64_t last) {
    for (int64_t pq = first; pq < last; ++pq) {
      for (int64_t k = 0; k < g.K; ++k) {
        T* dfilter = dweight + (pq * g.K + k) * CRS;
        std::fill(dfilter, dfilter + CRS, T(0));
        T bias_total = T(0);
        for (int64_t n = 0; n < g.N; ++n) {
          const T grad = doutput[(n * g.K + k) * PQ + pq];
          const T* col = cols.data() + n * CRS * PQ;
          for (int64_t i = 0; i < CRS; ++i) dfilter[i] += grad * col[i * PQ + pq];
          bias_total += grad;
        }
        if (dbias) dbias[k * PQ + pq] = bias_total;
      }
    }
  });
}

#define STRIATE_IMPLEMENT_CONV3D(T)                                                 \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv3d_forward<T>);                     \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv3d_backward_input<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv3d_backward_weight<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, locally_connected2d_forward<T>);        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, locally_connected2d_backward_input<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, locally_connected2d_backward_weight<T>);
STRIATE_IMPLEMENT_CONV3D(float)
STRIATE_IMPLEMENT_CONV3D(double)
#undef STRIATE_IMPLEMENT_CONV3D

}  // namespace striate::kernels::cpu
