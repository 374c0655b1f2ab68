// The CUDA GEMM as the convolutions call it (kernels::gemm's signature and row-major layout, on the
// current device and its current stream): cuBLAS when it is loaded and preferred, else our own
// tiled kernel, which is also what tests compare cuBLAS with.
#pragma once
#include <cstdint>

namespace striate::kernels::cuda {

// C (M, N) = alpha * op(A) @ op(B) + beta * C, row-major; C is not read when beta is 0.
template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc);

// `batch` products at once, the operands of product i at A + i * stride_a, B + i * stride_b and
// C + i * stride_c (the groups of a convolution): one cuBLAS call, or one tiled launch each.
template <typename T>
void gemm_strided_batched(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                          int64_t lda, int64_t stride_a, const T* B, int64_t ldb, int64_t stride_b, T beta, T* C,
                          int64_t ldc, int64_t stride_c, int64_t batch);

// The same product on our own kernel only (never cuBLAS).
template <typename T>
void gemm_tiled(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                const T* B, int64_t ldb, T beta, T* C, int64_t ldc);

// The device kernels run on (made current by the kernel object before the call).
int current_device();

// Our row-major C (M, N) = op(A) @ op(B) asked of a column-major BLAS (cuBLAS): the same memory
// read column-major is C^T (N, M) = op(B)^T @ op(A)^T, so the operands swap and the transpose
// flags carry over. `blas(op_first, op_second, m, n, k, first, ld_first, second, ld_second, C,
// ldc)` receives a BLAS call's arguments (op: 0 = N, 1 = T, as CUBLAS_OP_N / CUBLAS_OP_T); the
// sizes must fit int (cublas_accepts). tests/cpp/test_cuda_host_math.cu checks this mapping on the
// host against a column-major reference.
template <typename T, typename Blas>
void as_column_major(Blas&& blas, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const T* A,
                     int64_t lda, const T* B, int64_t ldb, T* C, int64_t ldc) {
  blas(trans_b ? 1 : 0, trans_a ? 1 : 0, static_cast<int>(N), static_cast<int>(M), static_cast<int>(K), B,
       static_cast<int>(ldb), A, static_cast<int>(lda), C, static_cast<int>(ldc));
}

// Whether cuBLAS takes these operands: sizes that fit int, and each leading dimension at least
// its column-major matrix's row count (the BLAS rule; our kernel takes any).
inline bool cublas_accepts(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb,
                           int64_t ldc) {
  auto fits = [](int64_t v) { return v >= 0 && v <= 0x7fffffff; };
  if (!fits(M) || !fits(N) || !fits(K) || !fits(lda) || !fits(ldb) || !fits(ldc)) return false;
  auto at_least = [](int64_t ld, int64_t rows) { return ld >= (rows > 1 ? rows : 1); };
  // op(B)^T is the first operand: stored column-major with N rows (not transposed) or K rows.
  return at_least(ldb, trans_b ? K : N) && at_least(lda, trans_a ? M : K) && at_least(ldc, N);
}

}  // namespace striate::kernels::cuda
