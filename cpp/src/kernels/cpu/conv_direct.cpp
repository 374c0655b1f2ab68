// Direct convolution, the driver: stages the input (conv_direct_staging.h), packs the weights into
// blocks of channels, converts the output gradient to a channel-blocked layout (N, K / width, P, Q,
// width) where the weight gradient wants it, spreads the work over parallel_for, and converts every
// result back to NCHW. The register-blocked loops live in conv_direct_impl.h.
//
// Input gradient: the transposed convolution, gathered. Input row h takes output row
// p = (h + pad_top - r * dh) / sh from the taps r where that divides; rows with the same
// (h + pad_top) % sh ("phase") use the same taps, and consecutive rows of a phase read consecutive
// output rows. So each phase class (of rows and columns) is a stride-1 gather over the output
// gradient, zero-padded by margins that keep every read in bounds.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/interrupt.h"
#include "kernels/conv_weight_cache.h"
#include "kernels/cpu/conv_direct.h"
#include "kernels/cpu/conv_direct_isa.h"
#include "kernels/cpu/conv_direct_staging.h"
#include "striate/core/checked_math.h"
#include "striate/core/cpu_isa.h"
#include "striate/core/error.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu::direct {
namespace detail {

const Variant& selected_variant() {
  switch (cpu_isa()) {
    case CpuIsa::AVX512: {
      static const Variant variant = variant_avx512();
      return variant;
    }
    case CpuIsa::AVX2: {
      static const Variant variant = variant_avx2();
      return variant;
    }
    default: break;
  }
  static const Variant variant = variant_generic();
  return variant;
}

}  // namespace detail

namespace {

using detail::Variant;

// The channel block: one vector, two, or (AVX-512, at most 8 channels) a half vector; two only
// where that wastes no more lanes than one.
int block_width(const Variant& v, int64_t channels) {
  if (v.lanes == 16 && channels <= 8) return 8;
  if (channels <= v.lanes) return v.lanes;
  const int64_t one = ceil_div(channels, v.lanes) * v.lanes, two = ceil_div(channels, 2 * v.lanes) * 2 * v.lanes;
  return two <= one ? 2 * v.lanes : v.lanes;
}

int64_t size_of(std::initializer_list<int64_t> extents) {
  int64_t n = 1;
  for (int64_t e : extents) n = checked_mul(n, e, "conv2d (direct)", "workspace");
  return n;
}

// The whole batch, staged.
std::vector<float> stage_batch(const float* input, const Conv2dGeometry& g, const Staging& st) {
  std::vector<float> staged(size_of({g.N, g.C, st.plane}));
  parallel_for(0, g.N * g.C, 1, [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; ++i) stage_plane(staged.data() + i * st.plane, input + i * g.H * g.W, g, st);
  });
  return staged;
}

// packed[block][c][tap][lane] = weight[block * width + lane][c][tap], zero past K.
void pack_weights(float* packed, const float* weight, const Conv2dGeometry& g, int width) {
  const int64_t blocks = ceil_div(g.K, width), taps = g.R * g.S;
  std::fill(packed, packed + blocks * g.C * taps * width, 0.0f);
  for (int64_t k = 0; k < g.K; ++k)
    for (int64_t c = 0; c < g.C; ++c)
      for (int64_t t = 0; t < taps; ++t)
        packed[((k / width * g.C + c) * taps + t) * width + k % width] = weight[(k * g.C + c) * taps + t];
}

// Where tap (r, s) starts relative to the staged position of its output.
std::vector<int64_t> tap_offsets(const Conv2dGeometry& g, const Staging& st) {
  std::vector<int64_t> offsets(g.R * g.S);
  for (int64_t r = 0; r < g.R; ++r)
    for (int64_t s = 0; s < g.S; ++s) offsets[r * g.S + s] = r * g.dilation_h * st.row + column_offset(g, st, s);
  return offsets;
}

// Where tap t = (c, r, s) reads, in dweight's (C, R, S) order, in a sample's C staged planes.
std::vector<int64_t> channel_tap_offsets(const Conv2dGeometry& g, const Staging& st) {
  const int64_t RS = g.R * g.S;
  const std::vector<int64_t> within = tap_offsets(g, st);
  std::vector<int64_t> offsets(size_of({g.C, RS}));
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t t = 0; t < RS; ++t) offsets[c * RS + t] = c * st.plane + within[t];
  return offsets;
}

}  // namespace

bool supports(const Conv2dGeometry& g) { return g.groups == 1 && g.N > 0 && g.C > 0 && g.K > 0 && g.P > 0 && g.Q > 0; }

bool weight_by_columns(const Conv2dGeometry& g) { return supports(g) && g.C <= 4 && g.stride_w == 1; }

void forward(float* output, const float* input, const float* weight, const float* bias, const Conv2dGeometry& g) {
  const Variant& v = detail::selected_variant();
  const Staging st = staging_of(g);
  const int width = block_width(v, g.K);
  const int64_t blocks = ceil_div(g.K, width), taps = g.R * g.S;
  const int64_t packed_floats = size_of({blocks, g.C, taps, width});
  std::vector<float> packed_here;
  std::shared_ptr<const CachedFloats> kept;
  const float* packed = nullptr;
  if (g.weight_cache && ConvWeightCache::keeps(packed_floats)) {
    // A weight that does not change (a folded inference weight) is packed once.
    const ConvWeightCache::Key key = {static_cast<int64_t>(ConvAlgorithm::Direct), width, g.C, g.K, taps, 0};
    kept = g.weight_cache->get(key, weight, [&] {
      auto made = std::make_shared<CachedFloats>(packed_floats, "conv2d direct (kept packed weights)");
      pack_weights(made->data(), weight, g, width);
      return std::shared_ptr<const CachedFloats>(std::move(made));
    });
    packed = kept->data();
  } else {
    packed_here.resize(packed_floats);
    pack_weights(packed_here.data(), weight, g, width);
    packed = packed_here.data();
  }
  const std::vector<int64_t> offsets = tap_offsets(g, st);
  const std::vector<float> staged = stage_batch(input, g, st);
  const int64_t rows = g.N * blocks * g.P;
  parallel_for(0, rows, 1, [&](int64_t first, int64_t last) {
    std::vector<float> tile(g.Q * width);
    for (int64_t i = first; i < last; ++i) {
      check_interrupt_in_kernel();  // one output row of a channel block
      const int64_t n = i / (blocks * g.P), block = i / g.P % blocks, p = i % g.P;
      v.gather(tile.data(), staged.data() + n * g.C * st.plane + p * g.stride_h * st.row, st.plane, offsets.data(),
               taps, g.C, packed + block * g.C * taps * width, g.Q, width);
      const int64_t k_end = std::min<int64_t>(width, g.K - block * width);
      for (int64_t lane = 0; lane < k_end; ++lane) {
        const int64_t k = block * width + lane;
        const float b = bias ? bias[k] : 0.0f;
        float* out = output + ((n * g.K + k) * g.P + p) * g.Q;
        if (g.residual) {
          // (conv + bias) + residual, then the ReLU: the rounding of the separate ops.
          const float* skip = static_cast<const float*>(g.residual) + ((n * g.K + k) * g.P + p) * g.Q;
          for (int64_t q = 0; q < g.Q; ++q) {
            const float y = (tile[q * width + lane] + b) + skip[q];
            out[q] = g.relu && y <= 0.0f ? 0.0f : y;  // NaN kept
          }
        } else if (g.relu) {
          for (int64_t q = 0; q < g.Q; ++q) {
            const float y = tile[q * width + lane] + b;
            out[q] = y <= 0.0f ? 0.0f : y;  // NaN kept
          }
        } else {
          for (int64_t q = 0; q < g.Q; ++q) out[q] = tile[q * width + lane] + b;
        }
      }
    }
  });
}

void backward_input(float* dinput, const float* doutput, const float* weight, const Conv2dGeometry& g) {
  const Variant& v = detail::selected_variant();
  const int width = block_width(v, g.C);
  const int64_t blocks = ceil_div(g.C, width), sh = g.stride_h, sw = g.stride_w;
  // The output gradient, zero-padded: mt rows above (taps reach up to (R - 1) * dh / sh rows
  // back), down to the last row any input row reads; likewise columns.
  const int64_t mt = ceil_div((g.R - 1) * g.dilation_h, sh), ml = ceil_div((g.S - 1) * g.dilation_w, sw);
  const int64_t Pp = mt + std::max(g.P, (g.H - 1 + g.pad_top) / sh + 1);
  const int64_t Qp = ml + std::max(g.Q, (g.W - 1 + g.pad_left) / sw + 1);
  const int64_t plane = Pp * Qp;
  std::vector<float> padded(size_of({g.N, g.K, plane}), 0.0f);
  parallel_for(0, g.N * g.K, 1, [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; ++i)
      for (int64_t p = 0; p < g.P; ++p)
        std::copy(doutput + (i * g.P + p) * g.Q, doutput + (i * g.P + p + 1) * g.Q,
                  padded.data() + i * plane + (p + mt) * Qp + ml);
  });
  // Per phase class (row phase, column phase): its taps, their offsets, and the weights packed
  // as [block][k][tap][lane] = weight[k][block * width + lane][tap].
  struct Phase {
    std::vector<int64_t> offsets;
    std::vector<int64_t> taps;  // r * S + s
    std::vector<float> packed;
  };
  std::vector<Phase> phases(sh * sw);
  for (int64_t ph = 0; ph < sh; ++ph)
    for (int64_t pw = 0; pw < sw; ++pw) {
      Phase& phase = phases[ph * sw + pw];
      for (int64_t r = 0; r < g.R; ++r) {
        if ((r * g.dilation_h - ph) % sh != 0) continue;
        const int64_t mr = (r * g.dilation_h - ph) / sh;
        for (int64_t s = 0; s < g.S; ++s) {
          if ((s * g.dilation_w - pw) % sw != 0) continue;
          const int64_t ms = (s * g.dilation_w - pw) / sw;
          phase.offsets.push_back(-mr * Qp - ms);
          phase.taps.push_back(r * g.S + s);
        }
      }
      const int64_t taps = static_cast<int64_t>(phase.taps.size());
      phase.packed.assign(size_of({blocks, g.K, std::max<int64_t>(taps, 1), width}), 0.0f);
      for (int64_t c = 0; c < g.C; ++c)
        for (int64_t k = 0; k < g.K; ++k)
          for (int64_t t = 0; t < taps; ++t)
            phase.packed[((c / width * g.K + k) * taps + t) * width + c % width] =
                weight[(k * g.C + c) * g.R * g.S + phase.taps[t]];
    }
  parallel_for(0, g.N * blocks * g.H, 1, [&](int64_t first, int64_t last) {
    std::vector<float> tile((g.W / sw + 1) * width);
    for (int64_t i = first; i < last; ++i) {
      check_interrupt_in_kernel();  // one input row of a channel block
      const int64_t n = i / (blocks * g.H), block = i / g.H % blocks, h = i % g.H;
      const int64_t ph = (h + g.pad_top) % sh, a = (h + g.pad_top) / sh;
      for (int64_t pw = 0; pw < sw; ++pw) {
        const Phase& phase = phases[ph * sw + pw];
        // Input columns w = b * sw + pw - pad_left in [0, W).
        const int64_t b_begin = std::max<int64_t>(0, ceil_div(g.pad_left - pw, sw));
        const int64_t b_end = floor_div(g.W - 1 + g.pad_left - pw, sw) + 1;
        if (b_end <= b_begin) continue;
        const int64_t count = b_end - b_begin;
        v.gather(tile.data(), padded.data() + n * g.K * plane + (a + mt) * Qp + b_begin + ml, plane,
                 phase.offsets.data(), static_cast<int64_t>(phase.taps.size()), g.K,
                 phase.packed.data() + block * g.K * static_cast<int64_t>(phase.taps.size()) * width, count, width);
        const int64_t c_end = std::min<int64_t>(width, g.C - block * width);
        for (int64_t lane = 0; lane < c_end; ++lane) {
          float* row = dinput + ((n * g.C + block * width + lane) * g.H + h) * g.W + b_begin * sw + pw - g.pad_left;
          for (int64_t j = 0; j < count; ++j) row[j * sw] = tile[j * width + lane];
        }
      }
    }
  });
}

namespace {

// The bias gradient, a channel per task.
void bias_gradient(float* dbias, const float* doutput, const Conv2dGeometry& g) {
  const int64_t PQ = g.P * g.Q;
  parallel_for(0, g.K, 1, [&](int64_t first, int64_t last) {
    for (int64_t k = first; k < last; ++k) {
      // Eight running sums (one dependent chain of double adds was ~1.3 ms for LeNet-5's first
      // layer at batch 256), added in a fixed order: the same bits at any thread count.
      double sums[8] = {};
      for (int64_t n = 0; n < g.N; ++n) {
        const float* d = doutput + (n * g.K + k) * PQ;
        int64_t j = 0;
        for (; j + 8 <= PQ; j += 8)
          for (int u = 0; u < 8; ++u) sums[u] += d[j + u];
        for (; j < PQ; ++j) sums[j - (PQ & ~int64_t{7})] += d[j];
      }
      dbias[k] =
          static_cast<float>(((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7])));
    }
  });
}

// Few input channels, stride 1 along the rows (LeNet-5's first layer: 1 -> 6 channels, 25 taps):
// the channel-blocked accumulation would fill 6 of 8 lanes and broadcast an input value per
// multiply-add, im2col copies the input R x S times; vectorized over output columns instead, each
// output-gradient row is read as it lies (no blocked copy) and a register block of channels x
// taps reuses every load.
void backward_weight_by_columns(const Variant& v, float* dweight, const float* doutput, const float* input,
                                const Conv2dGeometry& g) {
  const Staging st = staging_of(g);
  const int64_t taps = g.C * g.R * g.S, PQ = g.P * g.Q;
  const std::vector<float> staged = stage_batch(input, g, st);
  const std::vector<int64_t> offsets = channel_tap_offsets(g, st);
  // Tasks: runs of channels in the variant's register block (split evenly: LeNet-5's 6 as
  // 3 + 3, not 4 + 2), each over every sample in order and, per sample, every tap while the
  // sample's output gradient for those channels sits in L1 (a task per run of taps re-read it
  // from memory once per run: VGG's 3->64 stem read 6 times its 16 MB). Where the channel runs
  // are fewer than the threads, runs of taps split them further. Either way no two tasks write
  // one sum, and each sum adds the same per-sample vectors in the same order: the bits do not
  // depend on the split. Each (channel, tap) keeps a vector of partial sums, whose lanes are
  // added once at the end.
  const int64_t L = v.column_lanes;
  const int64_t threads = in_parallel_region() ? 1 : get_num_threads();
  const int64_t channel_runs = ceil_div(g.K, v.column_channels), run_channels = ceil_div(g.K, channel_runs);
  const int64_t run_taps = channel_runs >= threads ? taps : v.column_taps, tap_runs = ceil_div(taps, run_taps);
  std::vector<float> acc(size_of({g.K, taps, L}), 0.0f);
  parallel_for(0, tap_runs * channel_runs, 1, [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; ++i) {
      const int64_t t0 = i / channel_runs * run_taps, k0 = i % channel_runs * run_channels;
      const int64_t tn = std::min(run_taps, taps - t0), kn = std::min(run_channels, g.K - k0);
      if (kn <= 0) continue;
      for (int64_t n = 0; n < g.N; ++n) {
        check_interrupt_in_kernel();  // one sample of a (taps, channels) task
        v.accumulate_columns(acc.data() + (k0 * taps + t0) * L, taps, staged.data() + n * g.C * st.plane,
                             offsets.data() + t0, tn, g.P, g.Q, g.stride_h * st.row, doutput + (n * g.K + k0) * PQ, PQ,
                             kn);
      }
    }
  });
  for (int64_t i = 0; i < g.K * taps; ++i) {
    float total = 0.0f;
    for (int64_t lane = 0; lane < L; ++lane) total += acc[i * L + lane];
    dweight[i] = total;
  }
}

}  // namespace

void backward_weight(float* dweight, float* dbias, const float* doutput, const float* input, const Conv2dGeometry& g) {
  const Variant& v = detail::selected_variant();
  if (weight_by_columns(g)) {
    backward_weight_by_columns(v, dweight, doutput, input, g);
    if (dbias) bias_gradient(dbias, doutput, g);
    return;
  }
  const Staging st = staging_of(g);
  const int width = block_width(v, g.K);
  const int64_t blocks = ceil_div(g.K, width), RS = g.R * g.S, taps = g.C * RS, PQ = g.P * g.Q;
  // One parallel region per sample's preparation: its input staged, and its output gradient
  // channel-blocked, (N, blocks, P, Q, width), zero past K. (Fewer regions: each costs a
  // barrier, which a loaded machine stretches.) Both buffers are written whole there, so they
  // start uninitialized: zero-filling them first was a serial pass over megabytes (6.4 MB for
  // LeNet-5's first layer at batch 256) on the caller while the other threads waited.
  std::unique_ptr<float[]> staged(new float[size_of({g.N, g.C, st.plane})]);
  std::unique_ptr<float[]> blocked(new float[size_of({g.N, blocks, PQ, width})]);
  parallel_for(0, g.N, 1, [&](int64_t first, int64_t last) {
    for (int64_t n = first; n < last; ++n) {
      for (int64_t c = 0; c < g.C; ++c)
        stage_plane(staged.get() + (n * g.C + c) * st.plane, input + (n * g.C + c) * g.H * g.W, g, st);
      for (int64_t block = 0; block < blocks; ++block) {
        float* dst = blocked.get() + (n * blocks + block) * PQ * width;
        const int64_t k_end = std::min<int64_t>(width, g.K - block * width);
        for (int64_t lane = 0; lane < k_end; ++lane) {
          const float* src = doutput + (n * g.K + block * width + lane) * PQ;
          for (int64_t j = 0; j < PQ; ++j) dst[j * width + lane] = src[j];
        }
        for (int64_t j = 0; j < PQ && k_end < width; ++j)
          std::fill(dst + j * width + k_end, dst + (j + 1) * width, 0.0f);
      }
    }
  });
  const std::vector<int64_t> offsets = channel_tap_offsets(g, st);
  // Tasks: (block, run of taps), each over every sample, so no two tasks write one sum. A tap's
  // sum does not depend on the runs (each tap keeps its own accumulator over the samples in
  // order), so the runs are chosen for balance alone: taps split evenly, and, where the tasks
  // are few, as many as a multiple of the threads (LeNet-5's first layer, 1 block x 25 taps,
  // made 3 runs of 9, 9 and 7 taps: 18 taps on one thread of 2, 7 on the other).
  const int64_t threads = in_parallel_region() ? 1 : get_num_threads();
  int64_t runs = std::max<int64_t>(1, std::min(ceil_div(4 * threads, blocks), ceil_div(taps, 12)));
  if (blocks * runs < 4 * threads && (blocks * runs) % threads != 0) {
    const int64_t balanced = ceil_div(ceil_div(blocks * runs, threads) * threads, blocks);
    if (balanced <= taps && (blocks * balanced) % threads == 0) runs = balanced;
  }
  std::vector<float> sums(size_of({blocks, taps, width}), 0.0f);
  parallel_for(0, blocks * runs, 1, [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; ++i) {
      const int64_t block = i / runs, t_begin = i % runs * taps / runs, t_end = (i % runs + 1) * taps / runs;
      if (t_end <= t_begin) continue;
      for (int64_t n = 0; n < g.N; ++n) {
        check_interrupt_in_kernel();  // one sample of a (block, run of taps) task
        v.accumulate(sums.data() + (block * taps + t_begin) * width, staged.get() + n * g.C * st.plane,
                     offsets.data() + t_begin, t_end - t_begin, g.P, g.Q, g.stride_h * st.row,
                     blocked.get() + (n * blocks + block) * PQ * width, width);
      }
    }
  });
  // The bias gradient, a channel per task (it was the first tap run's, which made that task the
  // longest by a pass over the output gradient).
  if (dbias) bias_gradient(dbias, doutput, g);
  for (int64_t k = 0; k < g.K; ++k)
    for (int64_t t = 0; t < taps; ++t) dweight[k * taps + t] = sums[(k / width * taps + t) * width + k % width];
}

}  // namespace striate::kernels::cpu::direct
