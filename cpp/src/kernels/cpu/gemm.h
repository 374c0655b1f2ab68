// The general matrix product of the CPU kernels (one declaration; a CUDA twin wraps cuBLAS):
// C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T.
#pragma once
#include <cstdint>

namespace striate::kernels::cpu {

// C: (M, N) with row stride ldc. A: (M, K) with row stride lda, or (K, M) when trans_a.
// B: (K, N) with row stride ldb, or (N, K) when trans_b. Columns have unit stride.
// beta == 0 overwrites C without reading it (C may hold garbage). Runs on the SIMD path chosen
// by striate::cpu_isa() and splits C over parallel_for unless already in a parallel region.
template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc);

}  // namespace striate::kernels::cpu
