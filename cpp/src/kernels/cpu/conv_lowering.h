// Convolution lowered to GEMM, independent of the number of spatial dimensions: conv2d (im2col)
// and conv3d (vol2col) pass their unfold / fold functions and share these three passes.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/conv.h"
#include "kernels/cpu/gemm.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {

// Unfolds `channels` planes of one image into columns: row (c, r, s), column (p, q) holds
// input[c, p * stride_h - pad_top + r * dilation_h, q * stride_w - pad_left + s * dilation_w]
// or 0 in the padding. Defined in conv.cpp; the locally connected passes share it.
template <typename T>
void im2col(T* col,          // (channels * R * S, P * Q)
            const T* input,  // (channels, H, W)
            const Conv2dGeometry& g, int64_t channels);
// The adjoint of im2col: adds every column entry back onto the input position it came from.
template <typename T>
void col2im(T* dinput,      // (channels, H, W), accumulated into
            const T* dcol,  // (channels * R * S, P * Q)
            const Conv2dGeometry& g, int64_t channels);

}  // namespace striate::kernels::cpu

namespace striate::kernels::cpu::lowering {

// The sizes the GEMMs see once the spatial dimensions are flattened.
struct LoweredConv {
  int64_t N, C, K, groups;
  int64_t input_size;   // spatial elements of one input plane (H * W, or D * H * W)
  int64_t output_size;  // spatial elements of one output plane (P * Q, or O * P * Q)
  int64_t kernel_size;  // spatial elements of one filter (R * S, or U * R * S)
  bool pointwise;       // 1x1 kernel, unit stride, no padding: the input is its own column matrix
};

// The outputs i in [begin, end) whose input position i * stride + offset lies inside [0, size).
inline void valid_range(int64_t offset, int64_t stride, int64_t size, int64_t count, int64_t& begin, int64_t& end) {
  auto ceil_div = [](int64_t a, int64_t b) { return a <= 0 ? -((-a) / b) : (a + b - 1) / b; };
  begin = std::clamp<int64_t>(ceil_div(-offset, stride), 0, count);
  end = std::clamp<int64_t>(ceil_div(size - offset, stride), begin, count);
}

// Splits N samples over at most get_num_threads() chunks; 1 inside a parallel region.
inline int64_t sample_chunks(int64_t N) {
  if (N <= 1 || in_parallel_region()) return 1;
  return std::min<int64_t>(N, get_num_threads());
}

// unfold(col, input_planes, channels) writes the (channels * kernel_size, output_size) columns.
template <typename T, typename Unfold>
void forward(T* output, const T* input, const T* weight, const T* bias, const LoweredConv& c, Unfold unfold) {
  const int64_t Cg = c.C / c.groups, Kg = c.K / c.groups;
  const int64_t CRS = Cg * c.kernel_size, PQ = c.output_size;
  // One sample per task: inside it the GEMM runs single-threaded, and a lone sample lets the
  // GEMM use every thread instead.
  parallel_for(0, c.N, 1, [&](int64_t first, int64_t last) {
    std::vector<T> col(c.pointwise ? 0 : CRS * PQ);
    for (int64_t n = first; n < last; ++n) {
      for (int64_t group = 0; group < c.groups; ++group) {
        const T* in = input + (n * c.C + group * Cg) * c.input_size;
        T* out = output + (n * c.K + group * Kg) * PQ;
        if (!c.pointwise) unfold(col.data(), in, Cg);
        T beta = T(0);
        if (bias) {
          for (int64_t k = 0; k < Kg; ++k) std::fill(out + k * PQ, out + (k + 1) * PQ, bias[group * Kg + k]);
          beta = T(1);
        }
        gemm<T>(false, false, Kg, PQ, CRS, T(1), weight + group * Kg * CRS, CRS, c.pointwise ? in : col.data(), PQ,
                beta, out, PQ);
      }
    }
  });
}

// fold(dinput_planes, dcol, channels) adds the columns back onto (already zeroed) input planes.
template <typename T, typename Fold>
void backward_input(T* dinput, const T* doutput, const T* weight, const LoweredConv& c, Fold fold) {
  const int64_t Cg = c.C / c.groups, Kg = c.K / c.groups;
  const int64_t CRS = Cg * c.kernel_size, PQ = c.output_size;
  parallel_for(0, c.N, 1, [&](int64_t first, int64_t last) {
    std::vector<T> dcol(c.pointwise ? 0 : CRS * PQ);
    for (int64_t n = first; n < last; ++n) {
      for (int64_t group = 0; group < c.groups; ++group) {
        T* din = dinput + (n * c.C + group * Cg) * c.input_size;
        const T* dout = doutput + (n * c.K + group * Kg) * PQ;
        // dcol (CRS, PQ) = W_g^T (CRS, Kg) * dout_g (Kg, PQ)
        gemm<T>(true, false, CRS, PQ, Kg, T(1), weight + group * Kg * CRS, CRS, dout, PQ, T(0),
                c.pointwise ? din : dcol.data(), PQ);
        if (c.pointwise) continue;
        std::fill(din, din + Cg * c.input_size, T(0));
        fold(din, dcol.data(), Cg);
      }
    }
  });
}

template <typename T, typename Unfold>
void backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const LoweredConv& c, Unfold unfold) {
  const int64_t Cg = c.C / c.groups, Kg = c.K / c.groups;
  const int64_t CRS = Cg * c.kernel_size, PQ = c.output_size;
  const int64_t weight_size = c.K * CRS;
  // Each chunk of samples sums into its own buffer (chunk 0 into dweight); the buffers are
  // added in a fixed order afterwards, so the result does not depend on thread timing.
  const int64_t chunks = sample_chunks(c.N);
  std::vector<T> partials((chunks - 1) * weight_size);
  std::fill(dweight, dweight + weight_size, T(0));
  parallel_for(0, chunks, 1, [&](int64_t first_chunk, int64_t last_chunk) {
    std::vector<T> col(c.pointwise ? 0 : CRS * PQ);
    for (int64_t chunk = first_chunk; chunk < last_chunk; ++chunk) {
      T* target = chunk == 0 ? dweight : partials.data() + (chunk - 1) * weight_size;
      for (int64_t n = chunk * c.N / chunks; n < (chunk + 1) * c.N / chunks; ++n) {
        for (int64_t group = 0; group < c.groups; ++group) {
          const T* in = input + (n * c.C + group * Cg) * c.input_size;
          const T* dout = doutput + (n * c.K + group * Kg) * PQ;
          if (!c.pointwise) unfold(col.data(), in, Cg);
          // dW_g (Kg, CRS) += dout_g (Kg, PQ) * col^T (PQ, CRS)
          gemm<T>(false, true, Kg, CRS, PQ, T(1), dout, PQ, c.pointwise ? in : col.data(), PQ, T(1),
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
  parallel_for(0, c.K, 16, [&](int64_t first, int64_t last) {
    for (int64_t k = first; k < last; ++k) {
      double total = 0.0;  // N * P * Q terms: a float running sum would drift
      for (int64_t n = 0; n < c.N; ++n) {
        const T* dout = doutput + (n * c.K + k) * PQ;
        for (int64_t i = 0; i < PQ; ++i) total += dout[i];
      }
      dbias[k] = static_cast<T>(total);
    }
  });
}

}  // namespace striate::kernels::cpu::lowering
