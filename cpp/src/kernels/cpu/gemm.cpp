// The GEMM entry point: picks the SIMD variant named by striate::cpu_isa() at each call (so
// tests can switch paths at run time) and splits C into blocks over parallel_for.
#include "kernels/cpu/gemm.h"

#include "kernels/gemm.h"

#include <algorithm>
#include <vector>

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

// Packing buffers live per thread and grow once, so steady-state calls do not allocate.
template <typename T>
T* thread_workspace(int64_t size) {
  thread_local std::vector<T> buffer;
  if (static_cast<int64_t>(buffer.size()) < size) buffer.resize(size);
  return buffer.data();
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t multiple) { return ceil_div(a, multiple) * multiple; }

template <typename T>
void scale_rows(T* C, int64_t ldc, int64_t M, int64_t N, T beta) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == T(0) ? T(0) : beta * C[i * ldc + j];
}

// Below this many multiply-adds a second thread costs more than it saves.
constexpr int64_t kParallelWorkThreshold = 1 << 17;

}  // namespace

template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == T(0)) {
    scale_rows(C, ldc, M, N, beta);
    return;
  }
  const detail::GemmVariant<T>& variant = selected_variant<T>();
  const detail::GemmProblem<T> problem{trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc};

  int threads = get_num_threads();
  if (threads == 1 || in_parallel_region() || M * N * K < kParallelWorkThreshold) {
    variant.compute_block(problem, 0, M, 0, N, thread_workspace<T>(variant.workspace_size));
    return;
  }
  // Blocks of C are independent; shrink them until every thread has at least one.
  int64_t block_m = std::min(variant.block_rows, round_up(M, variant.register_rows));
  int64_t block_n = std::min(variant.block_cols, round_up(N, variant.register_cols));
  auto block_count = [&] { return ceil_div(M, block_m) * ceil_div(N, block_n); };
  while (block_count() < threads) {
    bool can_split_n = block_n > variant.register_cols;
    bool can_split_m = block_m > variant.register_rows;
    if (can_split_n && (block_n >= block_m || !can_split_m))
      block_n = round_up(ceil_div(block_n, 2), variant.register_cols);
    else if (can_split_m)
      block_m = round_up(ceil_div(block_m, 2), variant.register_rows);
    else
      break;
  }
  int64_t blocks_n = ceil_div(N, block_n);
  parallel_for(0, block_count(), 1, [&](int64_t first, int64_t last) {
    T* workspace = thread_workspace<T>(variant.workspace_size);
    for (int64_t block = first; block < last; ++block) {
      int64_t m0 = (block / blocks_n) * block_m;
      int64_t n0 = (block % blocks_n) * block_n;
      variant.compute_block(problem, m0, std::min(M, m0 + block_m), n0, std::min(N, n0 + block_n), workspace);
    }
  });
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, gemm<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, gemm<double>);

}  // namespace striate::kernels::cpu
