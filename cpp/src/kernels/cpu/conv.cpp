// 2-D convolution on the CPU, lowered to GEMM: im2col turns each (sample, group) into one
// matrix product; backward runs the transposed products and folds columns back with col2im.
#include "kernels/conv.h"

#include <algorithm>
#include <vector>

#include "kernels/gemm.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return a <= 0 ? -((-a) / b) : (a + b - 1) / b; }

// The outputs i in [begin, end) whose input position i * stride + offset lies inside [0, size).
void valid_range(int64_t offset, int64_t stride, int64_t size, int64_t count, int64_t& begin, int64_t& end) {
  begin = std::clamp<int64_t>(ceil_div(-offset, stride), 0, count);
  end = std::clamp<int64_t>(ceil_div(size - offset, stride), begin, count);
}

// A 1x1 kernel with unit stride and no padding needs no unfolding: the input is its own column matrix.
bool is_pointwise(const Conv2dGeometry& g) {
  return g.R == 1 && g.S == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
         g.P == g.H && g.Q == g.W;
}

// Splits N samples over at most get_num_threads() chunks; 1 inside a parallel region.
int64_t sample_chunks(int64_t N) {
  if (N <= 1 || in_parallel_region()) return 1;
  return std::min<int64_t>(N, get_num_threads());
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
  const int64_t Cg = g.C / g.groups, Kg = g.K / g.groups;
  const int64_t CRS = Cg * g.R * g.S, PQ = g.P * g.Q;
  const bool pointwise = is_pointwise(g);
  // One sample per task: inside it the GEMM runs single-threaded, and a lone sample lets the
  // GEMM use every thread instead.
  parallel_for(0, g.N, 1, [&](int64_t first, int64_t last) {
    std::vector<T> col(pointwise ? 0 : CRS * PQ);
    for (int64_t n = first; n < last; ++n) {
      for (int64_t group = 0; group < g.groups; ++group) {
        const T* in = input + (n * g.C + group * Cg) * g.H * g.W;
        T* out = output + (n * g.K + group * Kg) * PQ;
        if (!pointwise) im2col(col.data(), in, g, Cg);
        T beta = T(0);
        if (bias) {
          for (int64_t k = 0; k < Kg; ++k) std::fill(out + k * PQ, out + (k + 1) * PQ, bias[group * Kg + k]);
          beta = T(1);
        }
        gemm<T>(false, false, Kg, PQ, CRS, T(1), weight + group * Kg * CRS, CRS, pointwise ? in : col.data(), PQ,
                beta, out, PQ);
      }
    }
  });
}

template <typename T>
void conv2d_backward_input(T* dinput, const T* doutput, const T* weight, const Conv2dGeometry& g) {
  const int64_t Cg = g.C / g.groups, Kg = g.K / g.groups;
  const int64_t CRS = Cg * g.R * g.S, PQ = g.P * g.Q;
  const bool pointwise = is_pointwise(g);
  parallel_for(0, g.N, 1, [&](int64_t first, int64_t last) {
    std::vector<T> dcol(pointwise ? 0 : CRS * PQ);
    for (int64_t n = first; n < last; ++n) {
      for (int64_t group = 0; group < g.groups; ++group) {
        T* din = dinput + (n * g.C + group * Cg) * g.H * g.W;
        const T* dout = doutput + (n * g.K + group * Kg) * PQ;
        // dcol (CRS, PQ) = W_g^T (CRS, Kg) * dout_g (Kg, PQ)
        gemm<T>(true, false, CRS, PQ, Kg, T(1), weight + group * Kg * CRS, CRS, dout, PQ, T(0),
                pointwise ? din : dcol.data(), PQ);
        if (pointwise) continue;
        std::fill(din, din + Cg * g.H * g.W, T(0));
        col2im(din, dcol.data(), g, Cg);
      }
    }
  });
}

template <typename T>
void conv2d_backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const Conv2dGeometry& g) {
  const int64_t Cg = g.C / g.groups, Kg = g.K / g.groups;
  const int64_t CRS = Cg * g.R * g.S, PQ = g.P * g.Q;
  const int64_t weight_size = g.K * CRS;
  const bool pointwise = is_pointwise(g);
  // Each chunk of samples sums into its own buffer (chunk 0 into dweight); the buffers are
  // added in a fixed order afterwards, so the result does not depend on thread timing.
  const int64_t chunks = sample_chunks(g.N);
  std::vector<T> partials((chunks - 1) * weight_size);
  std::fill(dweight, dweight + weight_size, T(0));
  parallel_for(0, chunks, 1, [&](int64_t first_chunk, int64_t last_chunk) {
    std::vector<T> col(pointwise ? 0 : CRS * PQ);
    for (int64_t chunk = first_chunk; chunk < last_chunk; ++chunk) {
      T* target = chunk == 0 ? dweight : partials.data() + (chunk - 1) * weight_size;
      for (int64_t n = chunk * g.N / chunks; n < (chunk + 1) * g.N / chunks; ++n) {
        for (int64_t group = 0; group < g.groups; ++group) {
          const T* in = input + (n * g.C + group * Cg) * g.H * g.W;
          const T* dout = doutput + (n * g.K + group * Kg) * PQ;
          if (!pointwise) im2col(col.data(), in, g, Cg);
          // dW_g (Kg, CRS) += dout_g (Kg, PQ) * col^T (PQ, CRS)
          gemm<T>(false, true, Kg, CRS, PQ, T(1), dout, PQ, pointwise ? in : col.data(), PQ, T(1),
                  target + group * Kg * CRS, CRS);
        }
      }
    }
  });
  for (int64_t chunk = 1; chunk < chunks; ++chunk) {
    const T* partial = partials.data() + (chunk - 1) * weight_size;
    for (int64_t i = 0; i < weight_size; ++i) dweight[i] += partial[i];
  }
  if (!dbias) return;
  parallel_for(0, g.K, 16, [&](int64_t first, int64_t last) {
    for (int64_t k = first; k < last; ++k) {
      double total = 0.0;  // N * P * Q terms: a float running sum would drift
      for (int64_t n = 0; n < g.N; ++n) {
        const T* dout = doutput + (n * g.K + k) * PQ;
        for (int64_t i = 0; i < PQ; ++i) total += dout[i];
      }
      dbias[k] = static_cast<T>(total);
    }
  });
}

#define STRIATE_INSTANTIATE_CONV(T)                                                                      \
  template void im2col<T>(T*, const T*, const Conv2dGeometry&, int64_t);                                  \
  template void col2im<T>(T*, const T*, const Conv2dGeometry&, int64_t);                                  \
  template void conv2d_forward<T>(T*, const T*, const T*, const T*, const Conv2dGeometry&);               \
  template void conv2d_backward_input<T>(T*, const T*, const T*, const Conv2dGeometry&);                  \
  template void conv2d_backward_weight<T>(T*, T*, const T*, const T*, const Conv2dGeometry&);
STRIATE_INSTANTIATE_CONV(float)
STRIATE_INSTANTIATE_CONV(double)
#undef STRIATE_INSTANTIATE_CONV

}  // namespace striate::kernels::cpu
