// Matrix multiply, the kernel under linear, matmul and the lowered convolutions:
// C = alpha * op(A) @ op(B) + beta * C, row-major, op = transpose when trans_* is set.
#pragma once
#include <cstdint>

#include "kernels/kernel.h"

namespace striate::kernels {

template <typename T>
inline Kernel<void(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                   const T* B, int64_t ldb, T beta, T* C, int64_t ldc)>
    gemm{"gemm", dtype_of<T>::value};

}  // namespace striate::kernels
