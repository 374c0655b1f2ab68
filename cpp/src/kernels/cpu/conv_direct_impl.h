// The register-blocked loops of direct and depthwise convolution, written once and compiled once
// per SIMD variant: each conv_direct_<isa>.cpp includes this header under its own compiler flags.
//
// gather: an accumulator block of MR consecutive outputs x V vectors of channels stays in
// registers over every (input channel, tap); each step loads V weight vectors and broadcasts MR
// staged inputs (MR * V FMAs for MR + V loads). accumulate: the weight gradient's block of NT taps
// x V vectors of output channels stays in registers over every output pixel of a sample.
// The depthwise planes are plain loops over contiguous rows, which the compiler vectorizes with
// this file's flags.
#pragma once
#include <cstdint>
#include <cstring>

#include "kernels/cpu/conv_direct_isa.h"
#include "kernels/cpu/conv_winograd_impl.h"  // the SIMD vocabulary (winograd::Simd)

// The depthwise rows use 64-byte vectors in every variant (split into what the ISA has); they
// never cross a function boundary that is not inlined in this file, so the ABI note is moot.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace striate::kernels::cpu::direct {
// Internal linkage on purpose (as conv_winograd_impl.h): every ISA file compiles these with its
// own flags.
namespace {

using detail::DepthwisePlane;
using detail::Variant;
using winograd::Simd;

template <class S, int V, int MR>
void gather_block(float* tile, const float* src, int64_t channel_stride, const int64_t* offsets, int64_t taps,
                  int64_t channels, const float* packed) {
  using Vec = typename S::Vec;
  constexpr int L = S::kLanes;
  Vec acc[MR][V];
#pragma GCC unroll 32
  for (int j = 0; j < MR; ++j)
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) acc[j][v] = S::zero();
  for (int64_t ci = 0; ci < channels; ++ci) {
    const float* plane = src + ci * channel_stride;
    for (int64_t t = 0; t < taps; ++t) {
      const float* x = plane + offsets[t];
      Vec w[V];
#pragma GCC unroll 2
      for (int v = 0; v < V; ++v) w[v] = S::load(packed + v * L);
      packed += V * L;
#pragma GCC unroll 32
      for (int j = 0; j < MR; ++j) {
        const Vec b = S::set1(x[j]);
#pragma GCC unroll 2
        for (int v = 0; v < V; ++v) acc[j][v] = S::fma(b, w[v], acc[j][v]);
      }
    }
  }
#pragma GCC unroll 32
  for (int j = 0; j < MR; ++j)
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) S::store(tile + (j * V + v) * L, acc[j][v]);
}

// Runs gather_block<S, V, mr> for a run-time mr in [1, MR].
template <class S, int V, int MR>
struct GatherBlocks {
  static void run(int mr, float* tile, const float* src, int64_t channel_stride, const int64_t* offsets, int64_t taps,
                  int64_t channels, const float* packed) {
    if (mr == MR) return gather_block<S, V, MR>(tile, src, channel_stride, offsets, taps, channels, packed);
    GatherBlocks<S, V, MR - 1>::run(mr, tile, src, channel_stride, offsets, taps, channels, packed);
  }
};
template <class S, int V>
struct GatherBlocks<S, V, 0> {
  static void run(int, float*, const float*, int64_t, const int64_t*, int64_t, int64_t, const float*) {}
};

// A run of `count` outputs cut into nearly equal blocks of at most MR.
template <class S, int V, int MR>
void gather_run(float* tile, const float* src, int64_t channel_stride, const int64_t* offsets, int64_t taps,
                int64_t channels, const float* packed, int64_t count) {
  constexpr int width = V * S::kLanes;
  const int64_t blocks = (count + MR - 1) / MR;
  int64_t j = 0;
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t mr = (count - j + (blocks - b) - 1) / (blocks - b);
    GatherBlocks<S, V, MR>::run(static_cast<int>(mr), tile + j * width, src + j, channel_stride, offsets, taps,
                                channels, packed);
    j += mr;
  }
}

template <class S, int V, int NT>
void accumulate_block(float* acc, const float* src, const int64_t* offsets, int64_t rows, int64_t cols,
                      int64_t row_stride, const float* blocked) {
  using Vec = typename S::Vec;
  constexpr int L = S::kLanes;
  Vec a[NT][V];
  const float* x[NT];
#pragma GCC unroll 32
  for (int t = 0; t < NT; ++t) {
    x[t] = src + offsets[t];
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) a[t][v] = S::load(acc + (t * V + v) * L);
  }
  for (int64_t p = 0; p < rows; ++p) {
    const float* d = blocked + p * cols * V * L;
    for (int64_t q = 0; q < cols; ++q) {
      Vec dv[V];
#pragma GCC unroll 2
      for (int v = 0; v < V; ++v) dv[v] = S::load(d + (q * V + v) * L);
#pragma GCC unroll 32
      for (int t = 0; t < NT; ++t) {
        const Vec b = S::set1(x[t][q]);
#pragma GCC unroll 2
        for (int v = 0; v < V; ++v) a[t][v] = S::fma(b, dv[v], a[t][v]);
      }
    }
#pragma GCC unroll 32
    for (int t = 0; t < NT; ++t) x[t] += row_stride;
  }
#pragma GCC unroll 32
  for (int t = 0; t < NT; ++t)
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) S::store(acc + (t * V + v) * L, a[t][v]);
}

template <class S, int V, int NT>
struct AccumulateBlocks {
  static void run(int nt, float* acc, const float* src, const int64_t* offsets, int64_t rows, int64_t cols,
                  int64_t row_stride, const float* blocked) {
    if (nt == NT) return accumulate_block<S, V, NT>(acc, src, offsets, rows, cols, row_stride, blocked);
    AccumulateBlocks<S, V, NT - 1>::run(nt, acc, src, offsets, rows, cols, row_stride, blocked);
  }
};
template <class S, int V>
struct AccumulateBlocks<S, V, 0> {
  static void run(int, float*, const float*, const int64_t*, int64_t, int64_t, int64_t, const float*) {}
};

template <class S, int V, int NT>
void accumulate_taps(float* acc, const float* src, const int64_t* offsets, int64_t taps, int64_t rows, int64_t cols,
                     int64_t row_stride, const float* blocked) {
  constexpr int width = V * S::kLanes;
  for (int64_t t = 0; t < taps; t += NT) {
    const int64_t nt = taps - t < NT ? taps - t : NT;
    AccumulateBlocks<S, V, NT>::run(static_cast<int>(nt), acc + t * width, src, offsets + t, rows, cols, row_stride,
                                    blocked);
  }
}

// KB channels x TB taps of Variant::accumulate_columns, their partial sums in registers over all
// rows (tb <= TB taps are real; the others repeat the first and are not stored).
template <class S, int KB, int TB>
void accumulate_columns_block(float* acc, int64_t acc_row, const float* src, const int64_t* offsets, int tb,
                              int64_t rows, int64_t cols, int64_t row_stride, const float* dout, int64_t dout_channel) {
  using Vec = typename S::Vec;
  constexpr int L = S::kLanes;
  const float* x[TB];
  for (int t = 0; t < TB; ++t) x[t] = src + offsets[t < tb ? t : 0];
  Vec sum[KB][TB];
#pragma GCC unroll 8
  for (int k = 0; k < KB; ++k)
#pragma GCC unroll 8
    for (int t = 0; t < TB; ++t) sum[k][t] = t < tb ? S::load(acc + (k * acc_row + t) * L) : S::zero();
  const int64_t full = cols / L * L;
  const int rest = static_cast<int>(cols - full);
  for (int64_t p = 0; p < rows; ++p) {
    const int64_t x_row = p * row_stride;
    const float* d = dout + p * cols;
    for (int64_t q = 0; q < full; q += L) {
      Vec xv[TB];
#pragma GCC unroll 8
      for (int t = 0; t < TB; ++t) xv[t] = S::load(x[t] + x_row + q);
#pragma GCC unroll 8
      for (int k = 0; k < KB; ++k) {
        const Vec dv = S::load(d + k * dout_channel + q);
#pragma GCC unroll 8
        for (int t = 0; t < TB; ++t) sum[k][t] = S::fma(dv, xv[t], sum[k][t]);
      }
    }
    if (rest) {  // the last columns: lanes past them load zeros
      Vec xv[TB];
#pragma GCC unroll 8
      for (int t = 0; t < TB; ++t) xv[t] = S::load_part(x[t] + x_row + full, 0, rest);
#pragma GCC unroll 8
      for (int k = 0; k < KB; ++k) {
        const Vec dv = S::load_part(d + k * dout_channel + full, 0, rest);
#pragma GCC unroll 8
        for (int t = 0; t < TB; ++t) sum[k][t] = S::fma(dv, xv[t], sum[k][t]);
      }
    }
  }
#pragma GCC unroll 8
  for (int k = 0; k < KB; ++k)
#pragma GCC unroll 8
    for (int t = 0; t < TB; ++t)
      if (t < tb) S::store(acc + (k * acc_row + t) * L, sum[k][t]);
}

template <class S, int KB, int TB>
void accumulate_columns(float* acc, int64_t acc_row, const float* src, const int64_t* offsets, int64_t taps,
                        int64_t rows, int64_t cols, int64_t row_stride, const float* dout, int64_t dout_channel,
                        int64_t channels) {
  static_assert(KB == 2 || KB == 4, "register blocks of 2 or 4 channels");
  for (int64_t k = 0; k < channels; k += KB) {
    const int64_t kb = channels - k < KB ? channels - k : KB;
    for (int64_t t = 0; t < taps; t += TB) {
      const int tb = static_cast<int>(taps - t < TB ? taps - t : TB);
      float* a = acc + (k * acc_row + t) * S::kLanes;
      const float* d = dout + k * dout_channel;
      // A block of exactly kb channels: a partial one would spend registers and multiplies.
      if (kb >= KB)
        accumulate_columns_block<S, KB, TB>(a, acc_row, src, offsets + t, tb, rows, cols, row_stride, d, dout_channel);
      else if (kb == 3)
        accumulate_columns_block<S, 3, TB>(a, acc_row, src, offsets + t, tb, rows, cols, row_stride, d, dout_channel);
      else if (kb == 2)
        accumulate_columns_block<S, 2, TB>(a, acc_row, src, offsets + t, tb, rows, cols, row_stride, d, dout_channel);
      else
        accumulate_columns_block<S, 1, TB>(a, acc_row, src, offsets + t, tb, rows, cols, row_stride, d, dout_channel);
    }
  }
}

// Depthwise rows in chunks of U vectors of Bytes (GCC's vector extension: the accumulators stay
// in registers over all taps; each output is loaded and stored once).
template <typename T, int Bytes>
struct Row {
  typedef T Vec __attribute__((vector_size(Bytes)));
  static constexpr int kLanes = Bytes / static_cast<int>(sizeof(T));
  static Vec load(const T* p) {
    Vec v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  static void store(T* p, Vec v) { std::memcpy(p, &v, sizeof(v)); }
};

// A scalar "vector" for the tails.
template <typename T>
struct Row<T, 0> {
  typedef T Vec;
  static constexpr int kLanes = 1;
  static Vec load(const T* p) { return *p; }
  static void store(T* p, Vec v) { *p = v; }
};

// Calls chunk.template run<Bytes, U>(q) over [0, n) in chunks of 2 and 1 vectors of 64 bytes,
// then 32 and 16, then scalars (Bytes == 0).
template <typename T, class Chunk>
void for_chunks(int64_t n, const Chunk& chunk) {
  int64_t q = 0;
  constexpr int64_t L64 = 64 / sizeof(T), L32 = 32 / sizeof(T), L16 = 16 / sizeof(T);
  for (; q + 2 * L64 <= n; q += 2 * L64) chunk.template run<64, 2>(q);
  for (; q + L64 <= n; q += L64) chunk.template run<64, 1>(q);
  for (; q + L32 <= n; q += L32) chunk.template run<32, 1>(q);
  for (; q + L16 <= n; q += L16) chunk.template run<16, 1>(q);
  for (; q < n; ++q) chunk.template run<0, 1>(q);
}

template <typename T>
struct DepthwiseForwardChunk {
  T* out;
  const T* base;
  const T* weight;
  T bias;
  const DepthwisePlane& d;
  template <int Bytes, int U>
  void run(int64_t q) const {
    using R = Row<T, Bytes>;
    typename R::Vec acc[U];
    for (int u = 0; u < U; ++u) acc[u] = typename R::Vec{} + bias;
    for (int64_t r = 0; r < d.R; ++r) {
      const T* x = base + r * d.tap_row + q;
      for (int64_t s = 0; s < d.S; ++s) {
        const T w = weight[r * d.S + s];
        const T* xs = x + d.col_offsets[s];
        for (int u = 0; u < U; ++u) acc[u] += w * R::load(xs + u * R::kLanes);
      }
    }
    for (int u = 0; u < U; ++u) R::store(out + q + u * R::kLanes, acc[u]);
  }
};

template <typename T>
void depthwise_forward(T* out, const T* staged, const T* weight, T bias, bool relu, const DepthwisePlane& d) {
  for (int64_t p = 0; p < d.P; ++p) {
    T* o = out + p * d.Q;
    for_chunks<T>(d.Q, DepthwiseForwardChunk<T>{o, staged + p * d.row_step, weight, bias, d});
    if (relu)
      for (int64_t q = 0; q < d.Q; ++q) o[q] = o[q] <= T(0) ? T(0) : o[q];  // NaN kept
  }
}

// Staged positions [x, x + chunk) of one row phase: the sum over its taps i of
// weights[i] * rows[i][x..] (each tap's output-gradient row, already shifted by its position).
template <typename T>
struct DepthwiseBackwardInputChunk {
  T* dst;
  const T* const* rows;
  const T* weights;
  int64_t taps;
  template <int Bytes, int U>
  void run(int64_t x) const {
    using R = Row<T, Bytes>;
    typename R::Vec acc[U];
    for (int u = 0; u < U; ++u) acc[u] = typename R::Vec{};
    for (int64_t i = 0; i < taps; ++i) {
      const T w = weights[i];
      const T* g = rows[i] + x;
      for (int u = 0; u < U; ++u) acc[u] += w * R::load(g + u * R::kLanes);
    }
    for (int u = 0; u < U; ++u) R::store(dst + x + u * R::kLanes, acc[u]);
  }
};

// Staged row hs, phase f: the taps (r, s) that land there read output-gradient row
// p = (hs - r * dh) / sh (where that divides) at column x - position(s), margin-shifted.
template <typename T>
void depthwise_backward_input(T* staged, const T* padded, const T* weight, int64_t multiplier,
                              const DepthwisePlane& d) {
  const int64_t row = d.phases * d.positions;
  constexpr int64_t kMaxTaps = 64;
  const T* rows[kMaxTaps];
  T weights[kMaxTaps];
  for (int64_t hs = 0; hs < d.rows; ++hs)
    for (int64_t phase = 0; phase < d.phases; ++phase) {
      T* dst = staged + hs * row + phase * d.positions;
      int64_t taps = 0;
      for (int64_t m = 0; m < multiplier; ++m)
        for (int64_t r = 0; r < d.R; ++r) {
          const int64_t top = hs - r * d.dilation_h;
          if (top < 0 || top % d.stride_h != 0 || top / d.stride_h >= d.P) continue;
          const T* g = padded + (m * d.P + top / d.stride_h) * d.padded_row + d.margin;
          for (int64_t s = 0; s < d.S; ++s) {
            if (d.col_offsets[s] / d.positions != phase) continue;
            rows[taps] = g - d.col_offsets[s] % d.positions;
            weights[taps] = weight[(m * d.R + r) * d.S + s];
            if (++taps == kMaxTaps) {
              // A full list: sum it into dst, which becomes the first tap (weight 1) of the next.
              for_chunks<T>(d.positions, DepthwiseBackwardInputChunk<T>{dst, rows, weights, taps});
              rows[0] = dst;
              weights[0] = T(1);
              taps = 1;
            }
          }
        }
      for_chunks<T>(d.positions, DepthwiseBackwardInputChunk<T>{dst, rows, weights, taps});
    }
}

// sums[t][q, q + chunk) += sum over p of dout[p][q..] * staged(p, t)[q..], accumulated in registers.
template <typename T>
struct DepthwiseWeightChunk {
  T* sums;
  const T* dout;
  const T* x;
  const DepthwisePlane& d;
  template <int Bytes, int U>
  void run(int64_t q) const {
    using R = Row<T, Bytes>;
    typename R::Vec acc[U];
    for (int u = 0; u < U; ++u) acc[u] = R::load(sums + q + u * R::kLanes);
    for (int64_t p = 0; p < d.P; ++p) {
      const T* g = dout + p * d.Q + q;
      const T* xs = x + p * d.row_step + q;
      for (int u = 0; u < U; ++u) acc[u] += R::load(g + u * R::kLanes) * R::load(xs + u * R::kLanes);
    }
    for (int u = 0; u < U; ++u) R::store(sums + q + u * R::kLanes, acc[u]);
  }
};

template <typename T>
void depthwise_weight(T* sums, const T* dout, const T* staged, const DepthwisePlane& d) {
  for (int64_t r = 0; r < d.R; ++r)
    for (int64_t s = 0; s < d.S; ++s)
      for_chunks<T>(
          d.Q, DepthwiseWeightChunk<T>{sums + (r * d.S + s) * d.Q, dout, staged + r * d.tap_row + d.col_offsets[s], d});
}

// The variant with vectors of S (and, where given, half vectors of H for narrow channel blocks).
// MR / NT: the register blocks for one and two vectors of channels.
template <class S, class H, int MR1, int MR2, int NT1, int NT2>
Variant make_variant() {
  Variant v;
  v.lanes = S::kLanes;
  v.gather = [](float* tile, const float* src, int64_t channel_stride, const int64_t* offsets, int64_t taps,
                int64_t channels, const float* packed, int64_t count, int width) {
    if (width == S::kLanes)
      gather_run<S, 1, MR1>(tile, src, channel_stride, offsets, taps, channels, packed, count);
    else if (width == 2 * S::kLanes)
      gather_run<S, 2, MR2>(tile, src, channel_stride, offsets, taps, channels, packed, count);
    else if (width == H::kLanes)
      gather_run<H, 1, MR1>(tile, src, channel_stride, offsets, taps, channels, packed, count);
  };
  v.accumulate = [](float* acc, const float* src, const int64_t* offsets, int64_t taps, int64_t rows, int64_t cols,
                    int64_t row_stride, const float* blocked, int width) {
    if (width == S::kLanes)
      accumulate_taps<S, 1, NT1>(acc, src, offsets, taps, rows, cols, row_stride, blocked);
    else if (width == 2 * S::kLanes)
      accumulate_taps<S, 2, NT2>(acc, src, offsets, taps, rows, cols, row_stride, blocked);
    else if (width == H::kLanes)
      accumulate_taps<H, 1, NT1>(acc, src, offsets, taps, rows, cols, row_stride, blocked);
  };
  // Channels x taps in registers: 4 x 5 of 32 vector registers (AVX-512), 2 x 4 of 16.
  constexpr int kColumnChannels = S::kRegisters >= 32 ? 4 : 2, kColumnTaps = S::kRegisters >= 32 ? 5 : 4;
  v.accumulate_columns = accumulate_columns<S, kColumnChannels, kColumnTaps>;
  v.column_lanes = S::kLanes;
  v.column_channels = kColumnChannels;
  v.column_taps = kColumnTaps;
  v.depthwise_forward_f32 = depthwise_forward<float>;
  v.depthwise_forward_f64 = depthwise_forward<double>;
  v.depthwise_backward_input_f32 = depthwise_backward_input<float>;
  v.depthwise_backward_input_f64 = depthwise_backward_input<double>;
  v.depthwise_weight_f32 = depthwise_weight<float>;
  v.depthwise_weight_f64 = depthwise_weight<double>;
  return v;
}

}  // namespace
}  // namespace striate::kernels::cpu::direct
