// 2-D convolution on the CPU, lowered to GEMM: im2col turns each (sample, group) into one
// matrix product; backward runs the transposed products and folds columns back with col2im.
#include "kernels/conv.h"

#include "kernels/cpu/conv_lowering.h"

namespace striate::kernels::cpu {
namespace {

using lowering::valid_range;

// A 1x1 kernel with unit stride and no padding needs no unfolding: the input is its own column matrix.
bool is_pointwise(const Conv2dGeometry& g) {
  return g.R == 1 && g.S == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
         g.P == g.H && g.Q == g.W;
}

lowering::LoweredConv lowered(const Conv2dGeometry& g) {
  return {g.N, g.C, g.K, g.groups, g.H * g.W, g.P * g.Q, g.R * g.S, is_pointwise(g)};
}

}  // namespace

template <typename T>
void im2col(T* col, const T* input, const Conv2dGeometry& g, int64_t channels) {
  const int64_t PQ = g.P * g.Q;
  for (int64_t c = 0; c < channels; ++c) {
    const T* plane = input + c * g.H * g.W;
    for (int64_t r = 0; r < g.R; ++r) {
      const int64_t row_offset = r * g.dilation_h - g.pad_top;
      int64_t p_begin, p_end;
      valid_range(row_offset, g.stride_h, g.H, g.P, p_begin, p_end);
      for (int64_t s = 0; s < g.S; ++s) {
        T* row = col + ((c * g.R + r) * g.S + s) * PQ;
        const int64_t column_offset = s * g.dilation_w - g.pad_left;
        int64_t q_begin, q_end;
        valid_range(column_offset, g.stride_w, g.W, g.Q, q_begin, q_end);
        // Rows are short (often 8 to 32): plain loops, which the compiler vectorizes, beat
        // memset / memcpy calls here.
        if (p_begin > 0 || p_end < g.P || q_begin > 0 || q_end < g.Q)
          for (int64_t i = 0; i < PQ; ++i) row[i] = T(0);
        for (int64_t p = p_begin; p < p_end; ++p) {
          const T* in = plane + (p * g.stride_h + row_offset) * g.W;
          T* out = row + p * g.Q;
          for (int64_t q = q_begin; q < q_end; ++q) out[q] = in[q * g.stride_w + column_offset];
        }
      }
    }
  }
}

template <typename T>
void col2im(T* dinput, const T* dcol, const Conv2dGeometry& g, int64_t channels) {
  const int64_t PQ = g.P * g.Q;
  for (int64_t c = 0; c < channels; ++c) {
    T* plane = dinput + c * g.H * g.W;
    for (int64_t r = 0; r < g.R; ++r) {
      const int64_t row_offset = r * g.dilation_h - g.pad_top;
      int64_t p_begin, p_end;
      valid_range(row_offset, g.stride_h, g.H, g.P, p_begin, p_end);
      for (int64_t s = 0; s < g.S; ++s) {
        const T* row = dcol + ((c * g.R + r) * g.S + s) * PQ;
        const int64_t column_offset = s * g.dilation_w - g.pad_left;
        int64_t q_begin, q_end;
        valid_range(column_offset, g.stride_w, g.W, g.Q, q_begin, q_end);
        for (int64_t p = p_begin; p < p_end; ++p) {
          T* out = plane + (p * g.stride_h + row_offset) * g.W;
          const T* in = row + p * g.Q;
          for (int64_t q = q_begin; q < q_end; ++q) out[q * g.stride_w + column_offset] += in[q];
        }
      }
    }
  }
}

template <typename T>
void conv2d_forward(T* output, const T* input, const T* weight, const T* bias, const Conv2dGeometry& g) {
  lowering::forward(output, input, weight, bias, lowered(g),
                    [&](T* col, const T* in, int64_t channels) { im2col(col, in, g, channels); });
}

template <typename T>
void conv2d_backward_input(T* dinput, const T* doutput, const T* weight, const Conv2dGeometry& g) {
  lowering::backward_input(dinput, doutput, weight, lowered(g),
                           [&](T* din, const T* dcol, int64_t channels) { col2im(din, dcol, g, channels); });
}

template <typename T>
void conv2d_backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const Conv2dGeometry& g) {
  lowering::backward_weight(dweight, dbias, doutput, input, lowered(g),
                            [&](T* col, const T* in, int64_t channels) { im2col(col, in, g, channels); });
}

#define STRIATE_IMPLEMENT_CONV(T)                                        \
  template void im2col<T>(T*, const T*, const Conv2dGeometry&, int64_t); \
  template void col2im<T>(T*, const T*, const Conv2dGeometry&, int64_t); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_forward<T>);          \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_backward_input<T>);   \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_backward_weight<T>);
STRIATE_IMPLEMENT_CONV(float)
STRIATE_IMPLEMENT_CONV(double)
#undef STRIATE_IMPLEMENT_CONV

}  // namespace striate::kernels::cpu
