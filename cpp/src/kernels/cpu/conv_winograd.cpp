// Winograd convolution, the driver: picks the tile and the SIMD variant (striate::cpu_isa() at
// each call), cuts the tile rows into blocks sized for L2, spreads them over parallel_for and owns
// the per-thread workspaces. Each block's transforms and GEMMs live in conv_winograd_impl.h.
#include "kernels/cpu/conv_winograd.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "core/interrupt.h"
#include "core/thread_scratch.h"
#include "kernels/conv_weight_cache.h"
#include "kernels/cpu/conv_winograd_isa.h"
#include "striate/core/cpu_isa.h"
#include "striate/core/error.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu::winograd {
namespace {

// Builds each variant's table only once the CPU is known to run it.
const detail::Variant& selected_variant() {
  switch (cpu_isa()) {
    case CpuIsa::AVX512: {
      static const detail::Variant variant = detail::variant_avx512();
      return variant;
    }
    case CpuIsa::AVX2: {
      static const detail::Variant variant = detail::variant_avx2();
      return variant;
    }
    case CpuIsa::Generic: break;
  }
  static const detail::Variant variant = detail::variant_generic();
  return variant;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t multiple) { return ceil_div(a, multiple) * multiple; }

// Scratch buffers of the calling thread (core/thread_scratch.h): block tiles, transform input
// and products; the transformed weights; the weight-gradient sums.
struct WinogradScratchTag;
enum class Buffer { Block = 0, Weights = 1, Accumulators = 2 };
template <Buffer Which>
class ScratchBuffer : public striate::detail::ThreadScratch<float, WinogradScratchTag, static_cast<int>(Which)> {
 public:
  explicit ScratchBuffer(int64_t floats)
      : striate::detail::ThreadScratch<float, WinogradScratchTag, static_cast<int>(Which)>(floats,
                                                                                           "winograd convolution") {}
};

std::atomic<int> forced_tile{0};

// The tile edge for a pass writing P x Q outputs: F(4x4) unless F(2x2) covers the image with
// clearly less transform-domain work (outputs of 2 x 2, 6 x 6, ... waste most of a 4 x 4 tile).
int choose_tile(int64_t P, int64_t Q) {
  int forced = forced_tile.load(std::memory_order_relaxed);
  if (forced == 2 || forced == 4) return forced;
  const int64_t work4 = ceil_div(P, 4) * ceil_div(Q, 4) * 36;
  const int64_t work2 = ceil_div(P, 2) * ceil_div(Q, 2) * 16;
  return work2 * 4 < work4 * 3 ? 2 : 4;
}

// A block's transformed tiles and products (alpha^2 x tiles x (ldv + K_padded) floats) and what
// every block reads again (the transformed weights; the weight gradient's accumulator) should
// stay in this core's L2 (1 MiB on the machines we tune on) next to the staged rows.
constexpr int64_t kCacheBytes = 768 << 10;
constexpr int64_t kMinBlockBytes = 96 << 10, kMaxBlockBytes = 256 << 10;

// Tile rows per block: as many as fit beside `resident_bytes` (what every block reads again), but
// enough blocks for every thread, and a tile count the GEMM's 6-row register tiles cover without
// padding when possible. When the resident data spills out of L2, every block streams it from
// further away, so blocks then get enough tiles to amortize that pass (V[xi] alone still fits).
int64_t choose_block_rows(const detail::Plan& plan, int64_t ldv, int64_t resident_bytes) {
  const int64_t bytes_per_tile = int64_t(plan.alpha) * plan.alpha * (ldv + plan.K_padded) * 4;
  const int64_t budget = std::clamp(kCacheBytes - resident_bytes, kMinBlockBytes, kMaxBlockBytes);
  int64_t most = std::max<int64_t>(1, budget / (bytes_per_tile * plan.tiles_w));
  const int64_t least_tiles = resident_bytes <= kCacheBytes ? 1 : (resident_bytes <= (8 << 20) ? 24 : 48);
  most = std::max(most, ceil_div(least_tiles, plan.tiles_w));
  const int64_t threads = in_parallel_region() ? 1 : get_num_threads();
  most = std::min(most, std::max<int64_t>(1, ceil_div(plan.N * plan.tiles_h, threads)));
  auto waste = [&](int64_t rows) {
    const int64_t tiles = rows * plan.tiles_w;
    return double(round_up(tiles, 6) - tiles) / tiles;
  };
  int64_t best = most;
  for (int64_t rows = most - 1; rows >= std::max<int64_t>(1, most / 2); --rows)
    if (waste(rows) < waste(best) - 0.01) best = rows;
  return best;
}

detail::Plan make_plan(const detail::Variant& variant, int m, int64_t N, int64_t C, int64_t H, int64_t W, int64_t K,
                       int64_t P, int64_t Q, int64_t pad_top, int64_t pad_left, bool transposed_weight, bool gradient) {
  detail::Plan plan;
  plan.m = m;
  plan.alpha = m + 2;
  plan.lanes = variant.lanes;
  plan.N = N, plan.C = C, plan.H = H, plan.W = W;
  plan.K = K, plan.P = P, plan.Q = Q;
  plan.pad_top = pad_top, plan.pad_left = pad_left;
  plan.tiles_h = ceil_div(P, m);
  plan.tiles_w = ceil_div(Q, m);
  plan.C_padded = round_up(C, variant.lanes);
  plan.K_padded = round_up(K, variant.lanes);
  plan.transposed_weight = transposed_weight;
  const int64_t xis = int64_t(plan.alpha) * plan.alpha;
  if (gradient) {
    const int64_t accumulator_bytes = variant.weight_grad_accumulator(plan) * 4;
    plan.block_rows = choose_block_rows(plan, plan.C_padded, accumulator_bytes);
  } else {
    plan.block_rows = choose_block_rows(plan, C, xis * C * plan.K_padded * 4);
  }
  plan.tile_capacity = round_up(plan.block_rows * plan.tiles_w, 6);
  return plan;
}

int64_t total_rows(const detail::Plan& plan) { return plan.N * plan.tiles_h; }

// U = the transformed weights (alpha^2, C, K_padded) of `weight` for this plan.
void transform_all_weights(float* U, const float* weight, const detail::Plan& plan, const detail::Variant& variant) {
  // About 200 flops per (c, k) pair: a few thousand pairs before a second thread pays.
  const int64_t grain = std::max<int64_t>(1, 2048 / plan.K_padded);
  parallel_for(0, plan.C, grain,
               [&](int64_t first, int64_t last) { variant.transform_weights(U, weight, plan, first, last); });
}

// `cache` (may be null) keeps the transformed weights of a weight that does not change (a folded
// inference weight): transforming them costs ~200 flops per (c, k) pair on every call, which only
// few tiles do not amortize; at batch 1 it was 30% of ResNet-20's whole forward (perf samples).
void run_forward(float* output, const float* input, const float* weight, const float* bias, const detail::Plan& plan,
                 const detail::Variant& variant, ConvWeightCache* cache = nullptr) {
  const int64_t xis = int64_t(plan.alpha) * plan.alpha;
  const int64_t transformed_floats = xis * plan.C * plan.K_padded;
  std::shared_ptr<const CachedFloats> kept;
  std::unique_ptr<ScratchBuffer<Buffer::Weights>> scratch;
  const float* U = nullptr;
  if (cache && !plan.transposed_weight && ConvWeightCache::keeps(transformed_floats)) {
    const ConvWeightCache::Key key = {
        static_cast<int64_t>(ConvAlgorithm::Winograd), plan.lanes, plan.m, plan.C, plan.K, plan.K_padded};
    kept = cache->get(key, weight, [&] {
      auto made = std::make_shared<CachedFloats>(transformed_floats, "winograd convolution (kept transformed weights)");
      transform_all_weights(made->data(), weight, plan, variant);
      return std::shared_ptr<const CachedFloats>(std::move(made));
    });
    U = kept->data();
  } else {
    scratch = std::make_unique<ScratchBuffer<Buffer::Weights>>(transformed_floats);
    transform_all_weights(scratch->data(), weight, plan, variant);
    U = scratch->data();
  }

  const int64_t rows = total_rows(plan);
  const int64_t blocks = ceil_div(rows, plan.block_rows);
  const int64_t workspace = variant.forward_workspace(plan);
  parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
    ScratchBuffer<Buffer::Block> block_buffer(workspace);
    float* buffer = block_buffer.data();
    for (int64_t block = first; block < last; ++block) {
      check_interrupt_in_kernel();  // a block of tile rows: well under a millisecond
      const int64_t begin = block * plan.block_rows;
      variant.forward_block(output, input, U, bias, plan, begin, std::min(rows, begin + plan.block_rows), buffer);
    }
  });
}

}  // namespace

bool supports(const Conv2dGeometry& g) {
  return g.R == 3 && g.S == 3 && g.stride_h == 1 && g.stride_w == 1 && g.dilation_h == 1 && g.dilation_w == 1 &&
         g.groups == 1 && g.N >= 1 && g.C >= 1 && g.K >= 1 && g.H >= 1 && g.W >= 1 && g.P >= 1 && g.Q >= 1;
}

bool supports_backward_weight(const Conv2dGeometry& g) { return supports(g); }

int tile_size(const Conv2dGeometry& g) { return choose_tile(g.P, g.Q); }

void force_tile(int m) { forced_tile.store(m == 2 || m == 4 ? m : 0, std::memory_order_relaxed); }

void forward(float* output, const float* input, const float* weight, const float* bias, const Conv2dGeometry& g) {
  const detail::Variant& variant = selected_variant();
  detail::Plan plan =
      make_plan(variant, choose_tile(g.P, g.Q), g.N, g.C, g.H, g.W, g.K, g.P, g.Q, g.pad_top, g.pad_left, false, false);
  plan.residual = static_cast<const float*>(g.residual);
  plan.relu = g.relu;
  run_forward(output, input, weight, bias, plan, variant, g.weight_cache);
}

// dinput is the 3x3 convolution of doutput with the weights rotated by 180 degrees and K, C
// swapped, padded by 2 - pad (negative: rows of doutput that reach no input are skipped).
void backward_input(float* dinput, const float* doutput, const float* weight, const Conv2dGeometry& g) {
  const detail::Variant& variant = selected_variant();
  const detail::Plan plan = make_plan(variant, choose_tile(g.H, g.W), g.N, g.K, g.P, g.Q, g.C, g.H, g.W, 2 - g.pad_top,
                                      2 - g.pad_left, true, false);
  run_forward(dinput, doutput, weight, nullptr, plan, variant);
}

void backward_weight(float* dweight, float* dbias, const float* doutput, const float* input, const Conv2dGeometry& g) {
  const detail::Variant& variant = selected_variant();
  const detail::Plan plan =
      make_plan(variant, choose_tile(g.P, g.Q), g.N, g.C, g.H, g.W, g.K, g.P, g.Q, g.pad_top, g.pad_left, false, true);
  // Each chunk of blocks sums into its own accumulator; they are added in a fixed order, so the
  // result depends on the thread count but never on thread timing.
  const int64_t rows = total_rows(plan);
  const int64_t blocks = ceil_div(rows, plan.block_rows);
  const int64_t chunks = in_parallel_region() ? 1 : std::min<int64_t>(get_num_threads(), blocks);
  const int64_t accumulator_size = variant.weight_grad_accumulator(plan);
  ScratchBuffer<Buffer::Accumulators> accumulator_buffer(chunks * accumulator_size);
  float* accumulators = accumulator_buffer.data();
  thread_local std::vector<double> bias_buffer;
  if (dbias && static_cast<int64_t>(bias_buffer.size()) < chunks * g.K) bias_buffer.resize(chunks * g.K);
  double* bias_sums = dbias ? bias_buffer.data() : nullptr;
  const int64_t workspace = variant.weight_grad_workspace(plan);
  parallel_for(0, chunks, 1, [&](int64_t first, int64_t last) {
    ScratchBuffer<Buffer::Block> block_buffer(workspace);
    float* buffer = block_buffer.data();
    for (int64_t chunk = first; chunk < last; ++chunk) {
      float* accumulator = accumulators + chunk * accumulator_size;
      std::fill(accumulator, accumulator + accumulator_size, 0.0f);
      double* chunk_bias = bias_sums ? bias_sums + chunk * g.K : nullptr;
      if (chunk_bias) std::fill(chunk_bias, chunk_bias + g.K, 0.0);
      for (int64_t block = chunk * blocks / chunks; block < (chunk + 1) * blocks / chunks; ++block) {
        check_interrupt_in_kernel();
        const int64_t begin = block * plan.block_rows;
        variant.weight_grad_block(accumulator, chunk_bias, doutput, input, plan, begin,
                                  std::min(rows, begin + plan.block_rows), buffer);
      }
    }
  });
  if (chunks > 1)
    parallel_for(0, accumulator_size, 1 << 14, [&](int64_t first, int64_t last) {
      for (int64_t chunk = 1; chunk < chunks; ++chunk) {
        const float* partial = accumulators + chunk * accumulator_size;
        for (int64_t i = first; i < last; ++i) accumulators[i] += partial[i];
      }
    });
  parallel_for(0, g.K, 16, [&](int64_t first, int64_t last) {
    variant.weight_grad_finish(dweight, accumulators, plan, first, last);
  });
  if (!dbias) return;
  for (int64_t k = 0; k < g.K; ++k) {
    double total = 0.0;
    for (int64_t chunk = 0; chunk < chunks; ++chunk) total += bias_sums[chunk * g.K + k];
    dbias[k] = static_cast<float>(total);
  }
}

}  // namespace striate::kernels::cpu::winograd
