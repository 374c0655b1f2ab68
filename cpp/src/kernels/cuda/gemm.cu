// GEMM on CUDA: cuBLAS (loaded at run time, core/cuda_libraries.h) with our row-major layout
// mapped onto its column-major one, and our own shared-memory tiled kernel where cuBLAS is absent,
// not preferred, or cannot take the operands (a leading dimension below its minimum, a size past
// 2^31). Accumulation is in T, as on the CPU; TF32 only when matmul.allow_tf32 is set.
#include <cuda_runtime.h>

#include <type_traits>
#include <unordered_map>

#include "core/cuda_libraries.h"
#include "kernels/cuda/gemm.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/gemm.h"
#include "striate/core/error.h"

namespace striate::kernels::cuda {
namespace {

constexpr int kTile = 16;

template <typename T>
__device__ inline T load(const T* X, int64_t ld, bool trans, int64_t row, int64_t col, int64_t rows, int64_t cols) {
  if (row >= rows || col >= cols) return T(0);
  return trans ? X[col * ld + row] : X[row * ld + col];
}

// One thread per element of C, one kTile x kTile block of C per block; the K dimension is walked
// in tiles staged through shared memory. Rows of tiles past gridDim.y are covered by a block
// loop (gridDim.y is capped at 65535).
template <typename T>
__global__ void gemm_tiled_kernel(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                                  int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  __shared__ T a_tile[kTile][kTile];
  __shared__ T b_tile[kTile][kTile + 1];
  const int64_t col = static_cast<int64_t>(blockIdx.x) * kTile + threadIdx.x;
  for (int64_t row_block = blockIdx.y; row_block * kTile < M; row_block += gridDim.y) {
    const int64_t row = row_block * kTile + threadIdx.y;
    T sum = T(0);
    for (int64_t k0 = 0; k0 < K; k0 += kTile) {
      // a_tile[y][x] = op(A)(row, k0 + x); b_tile[y][x] = op(B)(k0 + y, col)
      a_tile[threadIdx.y][threadIdx.x] = load(A, lda, trans_a, row, k0 + threadIdx.x, M, K);
      b_tile[threadIdx.y][threadIdx.x] = load(B, ldb, trans_b, k0 + threadIdx.y, col, K, N);
      __syncthreads();
      for (int k = 0; k < kTile; ++k) sum += a_tile[threadIdx.y][k] * b_tile[k][threadIdx.x];
      __syncthreads();
    }
    if (row < M && col < N) {
      T* out = C + row * ldc + col;
      *out = beta == T(0) ? alpha * sum : alpha * sum + beta * *out;
    }
  }
}

// One cuBLAS handle per (thread, device): a handle is not safe to share between threads that
// set different streams on it. Handles live as long as the process (destroying them at exit
// would race the driver's own teardown).
backend::cublas::Handle cublas_handle(const backend::cublas::Api& api, int device) {
  thread_local std::unordered_map<int, backend::cublas::Handle> handles;
  auto found = handles.find(device);
  if (found != handles.end()) return found->second;
  backend::cublas::Handle handle = nullptr;
  const backend::cublas::Status status = api.create(&handle);
  if (status != backend::cublas::kSuccess)
    throw RuntimeError(detail::str("gemm: cublasCreate failed with status ", status, " on cuda:", device));
  handles.emplace(device, handle);
  return handle;
}

bool fits_int(int64_t value) { return value >= 0 && value <= 0x7fffffff; }

void cublas_check(backend::cublas::Status status, const char* what) {
  if (status != backend::cublas::kSuccess)
    throw RuntimeError(detail::str("gemm: ", what, " failed with status ", status));
}

template <typename T>
bool gemm_cublas(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                 const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  const backend::cublas::Api* api = backend::cuda_use_cublas() ? backend::cublas::api() : nullptr;
  if (!api || !cublas_accepts(trans_a, trans_b, M, N, K, lda, ldb, ldc)) return false;
  const int device = current_device();
  backend::cublas::Handle handle = cublas_handle(*api, device);
  cublas_check(api->set_stream(handle, stream(device)), "cublasSetStream");
  const bool tf32 = std::is_same_v<T, float> && backend::cuda_matmul_allow_tf32();
  cublas_check(api->set_math_mode(handle, tf32 ? backend::cublas::kTf32TensorMath : backend::cublas::kDefaultMath),
               "cublasSetMathMode");
  as_column_major<T>(
      [&](int op_first, int op_second, int m, int n, int k, const T* first, int ld_first, const T* second,
          int ld_second, T* out, int ld_out) {
        if constexpr (std::is_same_v<T, float>)
          cublas_check(api->sgemm(handle, op_first, op_second, m, n, k, &alpha, first, ld_first, second, ld_second,
                                  &beta, out, ld_out),
                       "cublasSgemm");
        else
          cublas_check(api->dgemm(handle, op_first, op_second, m, n, k, &alpha, first, ld_first, second, ld_second,
                                  &beta, out, ld_out),
                       "cublasDgemm");
      },
      trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc);
  return true;
}

template <typename T>
bool gemm_cublas_strided_batched(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                                 int64_t lda, int64_t stride_a, const T* B, int64_t ldb, int64_t stride_b, T beta, T* C,
                                 int64_t ldc, int64_t stride_c, int64_t batch) {
  const backend::cublas::Api* api = backend::cuda_use_cublas() ? backend::cublas::api() : nullptr;
  if (!api || !fits_int(batch) || !cublas_accepts(trans_a, trans_b, M, N, K, lda, ldb, ldc)) return false;
  const int device = current_device();
  backend::cublas::Handle handle = cublas_handle(*api, device);
  cublas_check(api->set_stream(handle, stream(device)), "cublasSetStream");
  const bool tf32 = std::is_same_v<T, float> && backend::cuda_matmul_allow_tf32();
  cublas_check(api->set_math_mode(handle, tf32 ? backend::cublas::kTf32TensorMath : backend::cublas::kDefaultMath),
               "cublasSetMathMode");
  const int op_a = trans_a ? backend::cublas::kOpT : backend::cublas::kOpN;
  const int op_b = trans_b ? backend::cublas::kOpT : backend::cublas::kOpN;
  const auto m = static_cast<int>(N), n = static_cast<int>(M), k = static_cast<int>(K);
  const auto ld_b = static_cast<int>(ldb), ld_a = static_cast<int>(lda), ld_c = static_cast<int>(ldc);
  const auto count = static_cast<int>(batch);
  if constexpr (std::is_same_v<T, float>)
    cublas_check(api->sgemm_strided_batched(handle, op_b, op_a, m, n, k, &alpha, B, ld_b, stride_b, A, ld_a, stride_a,
                                            &beta, C, ld_c, stride_c, count),
                 "cublasSgemmStridedBatched");
  else
    cublas_check(api->dgemm_strided_batched(handle, op_b, op_a, m, n, k, &alpha, B, ld_b, stride_b, A, ld_a, stride_a,
                                            &beta, C, ld_c, stride_c, count),
                 "cublasDgemmStridedBatched");
  return true;
}

}  // namespace

int current_device() {
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) {
    cudaGetLastError();
    throw RuntimeError("gemm: no current CUDA device");
  }
  return device;
}

template <typename T>
void gemm_tiled(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  const int64_t column_blocks = (N + kTile - 1) / kTile, row_blocks = (M + kTile - 1) / kTile;
  STRIATE_CHECK(column_blocks <= 0x7fffffff, "gemm: N = ", N, " is past the CUDA grid's reach");
  const dim3 grid(static_cast<unsigned>(column_blocks), static_cast<unsigned>(row_blocks < 65535 ? row_blocks : 65535));
  const dim3 block(kTile, kTile);
  gemm_tiled_kernel<T>
      <<<grid, block, 0, stream(current_device())>>>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  backend::cuda_check_launch("gemm");
}

template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (gemm_cublas(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)) return;
  gemm_tiled(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

template <typename T>
void gemm_strided_batched(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                          int64_t stride_a, const T* B, int64_t ldb, int64_t stride_b, T beta, T* C, int64_t ldc,
                          int64_t stride_c, int64_t batch) {
  if (M == 0 || N == 0 || batch == 0) return;
  if (batch > 1 && gemm_cublas_strided_batched(trans_a, trans_b, M, N, K, alpha, A, lda, stride_a, B, ldb, stride_b,
                                               beta, C, ldc, stride_c, batch))
    return;
  for (int64_t i = 0; i < batch; ++i)
    gemm(trans_a, trans_b, M, N, K, alpha, A + i * stride_a, lda, B + i * stride_b, ldb, beta, C + i * stride_c, ldc);
}

#define STRIATE_IMPLEMENT_CUDA_GEMM(T)                                                                               \
  template void gemm<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T, T*,       \
                        int64_t);                                                                                    \
  template void gemm_tiled<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T, T*, \
                              int64_t);                                                                              \
  template void gemm_strided_batched<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, int64_t,        \
                                        const T*, int64_t, int64_t, T, T*, int64_t, int64_t, int64_t);               \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, gemm<T>);
STRIATE_IMPLEMENT_CUDA_GEMM(float)
STRIATE_IMPLEMENT_CUDA_GEMM(double)
#undef STRIATE_IMPLEMENT_CUDA_GEMM

}  // namespace striate::kernels::cuda
