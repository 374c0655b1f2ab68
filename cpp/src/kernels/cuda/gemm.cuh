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

}  // namespace striate::kernels::cuda
