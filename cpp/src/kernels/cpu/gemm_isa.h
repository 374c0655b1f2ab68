// The contract between the GEMM dispatcher (gemm.cpp) and its SIMD variants (gemm_<isa>.cpp):
// each variant computes one block of C serially; the dispatcher splits C and picks the variant.
#pragma once
#include <cstdint>

namespace striate::kernels::cpu::detail {

template <typename T>
struct GemmProblem {
  bool trans_a, trans_b;
  int64_t M, N, K;
  T alpha;
  const T* A;  // (M, K), or (K, M) when trans_a; row stride lda
  int64_t lda;
  const T* B;  // (K, N), or (N, K) when trans_b; row stride ldb
  int64_t ldb;
  T beta;
  T* C;  // (M, N); row stride ldc
  int64_t ldc;
};

// One compiled variant of the packed GEMM (plain data: safe to pass between ISA files).
template <typename T>
struct GemmVariant {
  // Computes C[m_begin:m_end, n_begin:n_end] for problem.K > 0 on the calling thread, using
  // `workspace` (workspace_size elements, 64-byte aligned) for the packed panels.
  void (*compute_block)(const GemmProblem<T>& problem, int64_t m_begin, int64_t m_end, int64_t n_begin, int64_t n_end,
                        T* workspace);
  // out[i * out_rows + j * out_cols] = dot(a row i, x row j) over K unit-stride terms, for
  // i < rows, j < cols (few): unpacked products for one small side. Each product's rounding
  // does not depend on rows or cols.
  void (*dot_products)(int64_t rows, int64_t cols, int64_t K, const T* a, int64_t lda, const T* x, int64_t ldx, T* out,
                       int64_t out_rows, int64_t out_cols);
  int64_t register_rows, register_cols;  // the micro-kernel's tile of C (MR x NR)
  int64_t block_rows, block_cols;        // the cache blocks along M and N (MC, NC)
  int64_t block_depth;                   // the cache block along K (KC)
  int64_t workspace_size;
};

// Defined as explicit specializations for float and double in the matching gemm_<isa>.cpp.
// Call a variant's function only when striate::cpu_isa_supported() allows it: even building
// the struct runs code compiled for that ISA.
template <typename T>
GemmVariant<T> gemm_variant_generic();
template <typename T>
GemmVariant<T> gemm_variant_avx2();
template <typename T>
GemmVariant<T> gemm_variant_avx512();

}  // namespace striate::kernels::cpu::detail
