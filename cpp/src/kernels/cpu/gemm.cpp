// The GEMM entry point: picks the SIMD variant named by striate::cpu_isa() at each call (so
// tests can switch paths at run time) and splits C into blocks over parallel_for.
#include "kernels/cpu/gemm.h"

#include "kernels/gemm.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/thread_scratch.h"
#include "kernels/cpu/gemm_isa.h"
#include "striate/core/cpu_isa.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

// Builds each variant's description only once the CPU is known to run it.
template <typename T>
const detail::GemmVariant<T>& selected_variant() {
  switch (cpu_isa()) {
    case CpuIsa::AVX512: {
      static const detail::GemmVariant<T> variant = detail::gemm_variant_avx512<T>();
      return variant;
    }
    case CpuIsa::AVX2: {
      static const detail::GemmVariant<T> variant = detail::gemm_variant_avx2<T>();
      return variant;
    }
    case CpuIsa::Generic: break;
  }
  static const detail::GemmVariant<T> variant = detail::gemm_variant_generic<T>();
  return variant;
}

// Packing buffers live per thread and grow once, so steady-state calls do not allocate. The
// returned pointer is 64-byte aligned: the micro-kernel's whole-vector loads of packed B then
// never straddle two cache lines.
template <typename T>
T* thread_workspace(int64_t size) {
  thread_local striate::detail::GrowingBuffer<T> buffer;
  return buffer.get(size, "gemm");
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The start of part `part` of `parts` when `size` is cut into runs of whole `tile`s (the last
// tile may be short) whose tile counts differ by at most one.
int64_t tile_split(int64_t size, int64_t tile, int64_t parts, int64_t part) {
  const int64_t tiles = ceil_div(size, tile);
  const int64_t start = tiles / parts * part + std::min(part, tiles % parts);
  return std::min(size, start * tile);
}

// How the threads cut C: `rows` x `cols` rectangles, one per thread.
struct ThreadGrid {
  int rows, cols;
};

// Every factorization threads = rows x cols, scored by the busiest thread's time in units of
// one multiply-add lane: its share of the products (whole tiles, so a cut that leaves a thread
// short does not hide) plus what it packs, which a cut duplicates: each thread packs the A rows
// of its rectangle once per column block of it, and the B columns of its rectangle once.
template <typename T>
ThreadGrid choose_thread_grid(int64_t M, int64_t N, int64_t K, int threads, const detail::GemmVariant<T>& variant) {
  // A packed element costs about as much as this many multiply-adds of a full tile.
  constexpr double kPackCost = 16.0;
  ThreadGrid best{1, threads};
  double best_cost = -1;
  for (int rows = 1; rows <= threads; ++rows) {
    if (threads % rows != 0) continue;
    const int cols = threads / rows;
    const int64_t tile_rows = ceil_div(ceil_div(M, variant.register_rows), rows) * variant.register_rows;
    const int64_t tile_cols = ceil_div(ceil_div(N, variant.register_cols), cols) * variant.register_cols;
    const double part_rows = static_cast<double>(std::min(M, tile_rows));
    const double part_cols = static_cast<double>(std::min(N, tile_cols));
    const double products = static_cast<double>(tile_rows) * static_cast<double>(tile_cols) * static_cast<double>(K);
    const double packed =
        (part_rows * static_cast<double>(ceil_div(static_cast<int64_t>(part_cols), variant.block_cols)) + part_cols) *
        static_cast<double>(K);
    const double cost = products + kPackCost * packed;
    if (best_cost < 0 || cost < best_cost) {
      best_cost = cost;
      best = {rows, cols};
    }
  }
  return best;
}

template <typename T>
void scale_rows(T* C, int64_t ldc, int64_t M, int64_t N, T beta) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == T(0) ? T(0) : beta * C[i * ldc + j];
}

// Below this many multiply-adds a second thread costs more than it saves.
constexpr int64_t kParallelWorkThreshold = 1 << 17;

// A product with one output row or column whose operand runs across the matrix rows (the
// backward of a batch-1 linear layer): the output is the sum of the matrix rows scaled by the
// vector's entries. Threads split the outputs, so the order of every sum is fixed.
template <typename T>
void gemv_columns(int64_t outputs, int64_t K, T alpha, const T* matrix, int64_t ld, const T* vector, T beta, T* out,
                  int64_t out_stride) {
  auto finish = [&](int64_t i, T value) {
    T* target = out + i * out_stride;
    *target = beta == T(0) ? alpha * value : alpha * value + beta * *target;
  };
  const int64_t grain = std::max<int64_t>(1, kParallelWorkThreshold / std::max<int64_t>(1, K));
  constexpr int64_t kBlock = 256;
  parallel_for(0, (outputs + kBlock - 1) / kBlock, std::max<int64_t>(1, grain / kBlock), [&](int64_t b0, int64_t b1) {
    T sums[kBlock];
    for (int64_t block = b0; block < b1; ++block) {
      const int64_t j0 = block * kBlock, width = std::min(kBlock, outputs - j0);
      std::fill(sums, sums + width, T(0));
      for (int64_t k = 0; k < K; ++k) {
        const T scale = vector[k];
        const T* row = matrix + k * ld + j0;
        for (int64_t j = 0; j < width; ++j) sums[j] += scale * row[j];
      }
      for (int64_t j = 0; j < width; ++j) finish(j0 + j, sums[j]);
    }
  });
}

// Products with a small side (at most kSmallSide rows or columns: batch-1 and small-batch linear
// layers, convolutions of 2x2 or 4x4 maps at batch 1), where packing would copy the big operand
// (a weight) on every call and the register tile would sit mostly idle: every output is the dot
// product of a row of `big` with a row of `small`, both along K; variant.dot_products streams
// `big` once. out[i * out_big + j * out_small] = alpha * dot(big_i, small_j) + beta * out[...].
// Threads split the rows of `big`, so every sum's order is fixed.
constexpr int64_t kSmallSide = 16;

template <typename T>
void small_side_product(int64_t big_rows, int64_t small_rows, int64_t K, T alpha, const T* big, int64_t ld_big,
                        const T* small, int64_t ld_small, T beta, T* out, int64_t out_big, int64_t out_small) {
  const detail::GemmVariant<T>& variant = selected_variant<T>();
  const int64_t grain = std::max<int64_t>(4, kParallelWorkThreshold / std::max<int64_t>(1, K * small_rows));
  parallel_for(0, big_rows, grain, [&](int64_t first, int64_t last) {
    constexpr int64_t kChunk = 64;
    T sums[kChunk * kSmallSide];
    for (int64_t i0 = first; i0 < last; i0 += kChunk) {
      const int64_t rows = std::min(kChunk, last - i0);
      variant.dot_products(rows, small_rows, K, big + i0 * ld_big, ld_big, small, ld_small, sums, small_rows, 1);
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < small_rows; ++j) {
          T* target = out + (i0 + i) * out_big + j * out_small;
          const T value = alpha * sums[i * small_rows + j];
          *target = beta == T(0) ? value : value + beta * *target;
        }
    }
  });
}

// op(X) rows along K as a (rows x K) matrix with unit stride: X itself when `along_k`, else a
// transposed copy (the small operand: at most kSmallSide x K).
template <typename T>
const T* rows_along_k(const T* X, int64_t ld, bool along_k, int64_t rows, int64_t K, int64_t& ld_out,
                      std::vector<T>& copy) {
  if (along_k) {
    ld_out = ld;
    return X;
  }
  copy.resize(static_cast<size_t>(rows * K));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t r = 0; r < rows; ++r) copy[r * K + k] = X[k * ld + r];
  ld_out = K;
  return copy.data();
}

// op(A) (1 x K) or op(B) (K x 1) as a contiguous vector: a view when it already is one.
template <typename T>
const T* contiguous_vector(const T* data, int64_t stride, int64_t K, std::vector<T>& copy) {
  if (stride == 1) return data;
  copy.resize(static_cast<size_t>(K));
  for (int64_t k = 0; k < K; ++k) copy[k] = data[k * stride];
  return copy.data();
}

}  // namespace

template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == T(0)) {
    scale_rows(C, ldc, M, N, beta);
    return;
  }
  // The unpacked path for a small side: below a depth of kMinDotDepth the packed tiles win,
  // except for a single row or column.
  constexpr int64_t kMinDotDepth = 64;
  const bool deep = K >= kMinDotDepth;
  if (N <= kSmallSide && !trans_a && (deep || N == 1)) {
    // C (M x N): rows of A against the N columns of op(B).
    std::vector<T> copy;
    int64_t ld_small = 0;
    const T* small = rows_along_k(B, ldb, trans_b, N, K, ld_small, copy);
    small_side_product(M, N, K, alpha, A, lda, small, ld_small, beta, C, ldc, int64_t{1});
    return;
  }
  if (M <= kSmallSide && trans_b && (deep || M == 1)) {
    // C (M x N): the rows of B (op(B)'s columns) against the M rows of op(A).
    std::vector<T> copy;
    int64_t ld_small = 0;
    const T* small = rows_along_k(A, lda, !trans_a, M, K, ld_small, copy);
    small_side_product(N, M, K, alpha, B, ldb, small, ld_small, beta, C, int64_t{1}, ldc);
    return;
  }
  if (M == 1 || N == 1) {
    std::vector<T> copy;
    if (M == 1) {
      // c (1 x N) = a (1 x K) * B (K x N): a's entries are lda apart when A is transposed.
      const T* a = contiguous_vector(A, trans_a ? lda : 1, K, copy);
      gemv_columns(N, K, alpha, B, ldb, a, beta, C, 1);
    } else {
      // c (M x 1) = A^T (A: K x M) * b (K x 1): b's entries are ldb apart unless B is transposed.
      const T* b = contiguous_vector(B, trans_b ? 1 : ldb, K, copy);
      gemv_columns(M, K, alpha, A, lda, b, beta, C, ldc);
    }
    return;
  }
  const detail::GemmVariant<T>& variant = selected_variant<T>();
  const detail::GemmProblem<T> problem{trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc};

  const int threads = get_num_threads();
  if (threads == 1 || in_parallel_region() || M * N * K < kParallelWorkThreshold) {
    variant.compute_block(problem, 0, M, 0, N, thread_workspace<T>(variant.workspace_size));
    return;
  }
  const ThreadGrid grid = choose_thread_grid(M, N, K, threads, variant);
  // Each thread computes one rectangle of C with its own packed panels: whole tiles, widths
  // balanced to within one tile.
  parallel_for(0, int64_t{grid.rows} * grid.cols, 1, [&](int64_t first, int64_t last) {
    T* workspace = thread_workspace<T>(variant.workspace_size);
    for (int64_t part = first; part < last; ++part) {
      const int64_t row_part = part / grid.cols, col_part = part % grid.cols;
      const int64_t m0 = tile_split(M, variant.register_rows, grid.rows, row_part);
      const int64_t m1 = tile_split(M, variant.register_rows, grid.rows, row_part + 1);
      const int64_t n0 = tile_split(N, variant.register_cols, grid.cols, col_part);
      const int64_t n1 = tile_split(N, variant.register_cols, grid.cols, col_part + 1);
      if (m0 < m1 && n0 < n1) variant.compute_block(problem, m0, m1, n0, n1, workspace);
    }
  });
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, gemm<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, gemm<double>);

}  // namespace striate::kernels::cpu
