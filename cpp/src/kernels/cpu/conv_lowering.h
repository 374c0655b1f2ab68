// Convolution lowered to GEMM, independent of the number of spatial dimensions: conv2d (im2col)
// and conv3d (vol2col) pass their unfold / fold functions and share these three passes.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/thread_scratch.h"
#include "kernels/conv.h"
#include "kernels/cpu/gemm.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {

// Unfolds `channels` planes of one image into columns: row (c, r, s), column (p, q) holds
// input[c, p * stride_h - pad_top + r * dilation_h, q * stride_w - pad_left + s * dilation_w]
// or 0 in the padding. Rows are `ld` apart (ld >= P * Q: several images side by side feed one
// GEMM). Defined in conv.cpp; the locally connected passes share it.
template <typename T>
void im2col(T* col,          // (channels * R * S, P * Q), rows ld apart
            const T* input,  // (channels, H, W)
            const Conv2dGeometry& g, int64_t channels, int64_t ld);
// The adjoint of im2col: adds every column entry back onto the input position it came from.
template <typename T>
void col2im(T* dinput,      // (channels, H, W), accumulated into
            const T* dcol,  // (channels * R * S, P * Q), rows ld apart
            const Conv2dGeometry& g, int64_t channels, int64_t ld);

}  // namespace striate::kernels::cpu

namespace striate::kernels::cpu::lowering {

// The sizes the GEMMs see once the spatial dimensions are flattened.
struct LoweredConv {
  int64_t N, C, K, groups;
  int64_t input_size;   // spatial elements of one input plane (H * W, or D * H * W)
  int64_t output_size;  // spatial elements of one output plane (P * Q, or O * P * Q)
  int64_t kernel_size;  // spatial elements of one filter (R * S, or U * R * S)
  bool pointwise;       // 1x1 kernel, unit stride, no padding: the input is its own column matrix
  bool relu = false;    // forward: max(0, .) applied as the output is written
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

// How many samples one GEMM covers. A small image (8 x 8 outputs) alone gives the GEMM too few
// columns to fill its register tiles and column blocks, so the columns of several samples are
// laid side by side until a product has about kTargetColumns of them.
inline int64_t samples_per_gemm(int64_t output_size, int64_t samples_available) {
  constexpr int64_t kTargetColumns = 512;
  const int64_t wanted = std::max<int64_t>(1, kTargetColumns / std::max<int64_t>(1, output_size));
  return std::max<int64_t>(1, std::min(wanted, samples_available));
}

// Scratch memory of one thread, kept between calls (slot 0: columns, slot 1: gathered output
// gradients or products) so that training in steady state allocates nothing.
struct LoweringScratchTag;
template <typename T, int Slot>
using Scratch = striate::detail::ThreadScratch<T, LoweringScratchTag, Slot>;

// Copies rows [row0, row0 + rows) of the (rows_total, size) planes of `count` consecutive samples
// (sample stride `sample_stride`) side by side into a (rows, count * size) matrix.
template <typename T>
void gather_samples(T* matrix, const T* first_sample, int64_t sample_stride, int64_t count, int64_t rows,
                    int64_t size) {
  const int64_t width = count * size;
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t j = 0; j < count; ++j)
      std::copy_n(first_sample + j * sample_stride + row * size, size, matrix + row * width + j * size);
}

// The columns of `count` consecutive samples side by side: sample j's (Cg * kernel_size,
// output_size) block starts at column j * output_size of rows `count * output_size` long.
template <typename T, typename Unfold>
void unfold_samples(T* col, const T* first_sample, int64_t count, int64_t Cg, const LoweredConv& c, Unfold unfold) {
  const int64_t width = count * c.output_size;
  for (int64_t j = 0; j < count; ++j) unfold(col + j * c.output_size, width, first_sample + j * c.C * c.input_size, Cg);
}

// unfold(col, ld, input_planes, channels) writes the (channels * kernel_size, output_size)
// columns of one sample with rows ld apart.
template <typename T, typename Unfold>
void forward(T* output, const T* input, const T* weight, const T* bias, const LoweredConv& c, Unfold unfold) {
  const int64_t Cg = c.C / c.groups, Kg = c.K / c.groups;
  const int64_t CRS = Cg * c.kernel_size, PQ = c.output_size;
  // Samples are split over threads; inside a chunk the GEMM runs single-threaded, and a lone
  // sample lets the GEMM use every thread instead.
  parallel_for(0, c.N, 1, [&](int64_t first, int64_t last) {
    const int64_t batch = samples_per_gemm(PQ, last - first);
    const bool direct = c.pointwise && batch == 1;  // the input is the column matrix itself
    Scratch<T, 0> col(direct ? 0 : CRS * batch * PQ);
    Scratch<T, 1> product(batch > 1 ? Kg * batch * PQ : 0);
    for (int64_t n0 = first; n0 < last; n0 += batch) {
      const int64_t count = std::min(batch, last - n0), width = count * PQ;
      for (int64_t group = 0; group < c.groups; ++group) {
        const T* in = input + (n0 * c.C + group * Cg) * c.input_size;
        T* out = output + (n0 * c.K + group * Kg) * PQ;
        const T* w = weight + group * Kg * CRS;
        const T* b = bias ? bias + group * Kg : nullptr;
        if (!direct) unfold_samples(col.data(), in, count, Cg, c, unfold);
        const T* columns = direct ? in : col.data();
        if (count == 1) {
          T beta = T(0);
          if (b) {
            for (int64_t k = 0; k < Kg; ++k) std::fill(out + k * PQ, out + (k + 1) * PQ, b[k]);
            beta = T(1);
          }
          gemm<T>(false, false, Kg, PQ, CRS, T(1), w, CRS, columns, PQ, beta, out, PQ);
          if (c.relu)
            for (int64_t i = 0; i < Kg * PQ; ++i) out[i] = out[i] <= T(0) ? T(0) : out[i];  // NaN kept
          continue;
        }
        // (Kg, count * PQ) product, then scattered to the samples' planes with the bias added.
        gemm<T>(false, false, Kg, width, CRS, T(1), w, CRS, columns, width, T(0), product.data(), width);
        for (int64_t j = 0; j < count; ++j) {
          for (int64_t k = 0; k < Kg; ++k) {
            const T* from = product.data() + k * width + j * PQ;
            T* to = out + j * c.K * PQ + k * PQ;
            const T add = b ? b[k] : T(0);
            if (c.relu) {
              for (int64_t i = 0; i < PQ; ++i) {
                const T value = from[i] + add;
                to[i] = value <= T(0) ? T(0) : value;  // NaN kept
              }
            } else {
              for (int64_t i = 0; i < PQ; ++i) to[i] = from[i] + add;
            }
          }
        }
      }
    }
  });
}

// fold(dinput_planes, dcol, ld, channels) adds one sample's columns (rows ld apart) back onto
// its (already zeroed) input planes.
template <typename T, typename Fold>
void backward_input(T* dinput, const T* doutput, const T* weight, const LoweredConv& c, Fold fold) {
  const int64_t Cg = c.C / c.groups, Kg = c.K / c.groups;
  const int64_t CRS = Cg * c.kernel_size, PQ = c.output_size;
  parallel_for(0, c.N, 1, [&](int64_t first, int64_t last) {
    const int64_t batch = samples_per_gemm(PQ, last - first);
    const bool direct = c.pointwise && batch == 1;  // the product is the input gradient itself
    Scratch<T, 0> dcol(direct ? 0 : CRS * batch * PQ);
    Scratch<T, 1> gathered(batch > 1 ? Kg * batch * PQ : 0);
    for (int64_t n0 = first; n0 < last; n0 += batch) {
      const int64_t count = std::min(batch, last - n0), width = count * PQ;
      for (int64_t group = 0; group < c.groups; ++group) {
        T* din = dinput + (n0 * c.C + group * Cg) * c.input_size;
        const T* dout = doutput + (n0 * c.K + group * Kg) * PQ;
        if (count > 1) gather_samples(gathered.data(), dout, c.K * PQ, count, Kg, PQ);
        // dcol (CRS, width) = W_g^T (CRS, Kg) * dout_g (Kg, width)
        gemm<T>(true, false, CRS, width, Kg, T(1), weight + group * Kg * CRS, CRS, count > 1 ? gathered.data() : dout,
                width, T(0), direct ? din : dcol.data(), width);
        if (direct) continue;
        for (int64_t j = 0; j < count; ++j) {
          T* plane = din + j * c.C * c.input_size;
          std::fill(plane, plane + Cg * c.input_size, T(0));
          fold(plane, dcol.data() + j * PQ, width, Cg);
        }
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
    for (int64_t chunk = first_chunk; chunk < last_chunk; ++chunk) {
      T* target = chunk == 0 ? dweight : partials.data() + (chunk - 1) * weight_size;
      const int64_t first = chunk * c.N / chunks, last = (chunk + 1) * c.N / chunks;
      const int64_t batch = samples_per_gemm(PQ, last - first);
      const bool direct = c.pointwise && batch == 1;
      Scratch<T, 0> col(direct ? 0 : CRS * batch * PQ);
      Scratch<T, 1> gathered(batch > 1 ? Kg * batch * PQ : 0);
      for (int64_t n0 = first; n0 < last; n0 += batch) {
        const int64_t count = std::min(batch, last - n0), width = count * PQ;
        for (int64_t group = 0; group < c.groups; ++group) {
          const T* in = input + (n0 * c.C + group * Cg) * c.input_size;
          const T* dout = doutput + (n0 * c.K + group * Kg) * PQ;
          if (!direct) unfold_samples(col.data(), in, count, Cg, c, unfold);
          if (count > 1) gather_samples(gathered.data(), dout, c.K * PQ, count, Kg, PQ);
          // dW_g (Kg, CRS) += dout_g (Kg, width) * col^T (width, CRS)
          gemm<T>(false, true, Kg, CRS, width, T(1), count > 1 ? gathered.data() : dout, width,
                  direct ? in : col.data(), width, T(1), target + group * Kg * CRS, CRS);
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
