// The NVIDIA libraries the CUDA backend uses when they are present, loaded at run time (dlopen):
// cuBLAS for GEMM, cuDNN for convolutions. A wheel built with CUDA therefore imports and runs on a
// machine without them, on our own kernels, and show_config() says which were loaded and from
// where.
//
// The function types below are our own declaration of the few C entry points we call, written
// from NVIDIA's documented C API (the enum values are part of that ABI): no NVIDIA header is
// needed at build time, so the cuBLAS path is compiled wherever nvcc is, CI included.
//   if (const backend::cublas::Api* blas = backend::cublas::api()) blas->sgemm(...);
#pragma once
#include <string>
#include <vector>

namespace striate::backend {

// What happened when a library was looked for: loaded (and from which file, which version), or
// why not.
struct CudaLibraryStatus {
  bool loaded = false;
  std::string path;     // the file dlopen accepted
  std::string version;  // e.g. "13.0.2" (cuBLAS) or "9.10.0" (cuDNN)
  std::string reason;   // why it is not loaded (empty when loaded)
};

// The status of cuBLAS / cuDNN / NCCL; the first call looks for the library (thread-safe, once).
CudaLibraryStatus cublas_status();
CudaLibraryStatus cudnn_status();
CudaLibraryStatus nccl_status();
// Folders searched after the loader's own path (LD_LIBRARY_PATH, the system's): Python adds the
// pip wheels' site-packages/nvidia/*/lib here before the first look. Folders added after a library
// was looked for are not searched for it again.
void add_cuda_library_directory(const std::string& directory);
std::vector<std::string> cuda_library_directories();

// striate.backends.cuda.matmul.allow_tf32: float32 GEMMs may round their inputs to TF32 (off by
// default, as in PyTorch since 1.12).
bool cuda_matmul_allow_tf32();
void set_cuda_matmul_allow_tf32(bool allow);
// striate.backends.cuda.preferred_blas_library: "cublas" (when loaded) or "striate" (our own GEMM
// kernel, always present; the reference the tests compare cuBLAS with).
bool cuda_use_cublas();
void set_cuda_use_cublas(bool use);

namespace cublas {

using Handle = void*;  // cublasHandle_t (a pointer to an opaque context)
using Status = int;    // cublasStatus_t; 0 is CUBLAS_STATUS_SUCCESS
constexpr Status kSuccess = 0;
constexpr int kOpN = 0;             // CUBLAS_OP_N
constexpr int kOpT = 1;             // CUBLAS_OP_T
constexpr int kDefaultMath = 0;     // CUBLAS_DEFAULT_MATH: never below the requested precision
constexpr int kTf32TensorMath = 3;  // CUBLAS_TF32_TENSOR_OP_MATH

// Column-major BLAS, as cuBLAS defines it; scalars by host pointer (the default pointer mode).
struct Api {
  Status (*create)(Handle* handle);
  Status (*set_stream)(Handle handle, void* stream);
  Status (*set_math_mode)(Handle handle, int mode);
  Status (*sgemm)(Handle handle, int trans_a, int trans_b, int m, int n, int k, const float* alpha, const float* A,
                  int lda, const float* B, int ldb, const float* beta, float* C, int ldc);
  Status (*dgemm)(Handle handle, int trans_a, int trans_b, int m, int n, int k, const double* alpha, const double* A,
                  int lda, const double* B, int ldb, const double* beta, double* C, int ldc);
  Status (*sgemm_strided_batched)(Handle handle, int trans_a, int trans_b, int m, int n, int k, const float* alpha,
                                  const float* A, int lda, long long stride_a, const float* B, int ldb,
                                  long long stride_b, const float* beta, float* C, int ldc, long long stride_c,
                                  int batch);
  Status (*dgemm_strided_batched)(Handle handle, int trans_a, int trans_b, int m, int n, int k, const double* alpha,
                                  const double* A, int lda, long long stride_a, const double* B, int ldb,
                                  long long stride_b, const double* beta, double* C, int ldc, long long stride_c,
                                  int batch);
};

// The loaded entry points, or nullptr when cuBLAS is absent (or the backend is not built).
const Api* api();

}  // namespace cublas

// striate.backends.cudnn: enabled (use cuDNN for convolutions when loaded), benchmark (time the
// algorithms once per shape and keep the fastest), deterministic (only algorithms that give the
// same bits every run), allow_tf32 (float32 convolutions may use TF32; off by default here, unlike
// PyTorch, so that float32 results match the CPU's to 1e-5).
struct CudnnSettings {
  bool enabled = true;
  bool benchmark = false;
  bool deterministic = false;
  bool allow_tf32 = false;
};
CudnnSettings cudnn_settings();
void set_cudnn_settings(const CudnnSettings& settings);

namespace cudnn {

using Handle = void*;      // cudnnHandle_t
using Descriptor = void*;  // cudnnTensorDescriptor_t, cudnnFilterDescriptor_t, cudnnConvolutionDescriptor_t
using Status = int;        // cudnnStatus_t; 0 is CUDNN_STATUS_SUCCESS
constexpr Status kSuccess = 0;
constexpr int kFloat = 0;             // cudnnDataType_t CUDNN_DATA_FLOAT
constexpr int kDouble = 1;            // CUDNN_DATA_DOUBLE
constexpr int kNchw = 0;              // cudnnTensorFormat_t CUDNN_TENSOR_NCHW
constexpr int kCrossCorrelation = 1;  // cudnnConvolutionMode_t CUDNN_CROSS_CORRELATION
constexpr int kDefaultMath = 0;       // cudnnMathType_t CUDNN_DEFAULT_MATH (float32: may use TF32)
constexpr int kFmaMath = 3;           // CUDNN_FMA_MATH (float32: never TF32)
constexpr int kDeterministic = 1;     // cudnnDeterminism_t CUDNN_DETERMINISTIC

// cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t (one layout for the three).
struct AlgoPerf {
  int algo;
  Status status;
  float time;
  size_t memory;
  int determinism;
  int math_type;
  int reserved[3];
};

// The legacy convolution API (cudnn_cnn.h, still in cuDNN 9), chosen over the graph API because
// its dozen entry points take plain descriptors: a small surface to declare and get right.
struct Api {
  Status (*create)(Handle* handle);
  Status (*set_stream)(Handle handle, void* stream);
  Status (*create_tensor)(Descriptor* descriptor);
  Status (*set_tensor_nd)(Descriptor descriptor, int data_type, int dims, const int* sizes, const int* strides);
  Status (*destroy_tensor)(Descriptor descriptor);
  Status (*create_filter)(Descriptor* descriptor);
  Status (*set_filter_nd)(Descriptor descriptor, int data_type, int format, int dims, const int* sizes);
  Status (*destroy_filter)(Descriptor descriptor);
  Status (*create_convolution)(Descriptor* descriptor);
  Status (*set_convolution_nd)(Descriptor descriptor, int spatial_dims, const int* padding, const int* stride,
                               const int* dilation, int mode, int compute_type);
  Status (*set_convolution_group_count)(Descriptor descriptor, int groups);
  Status (*set_convolution_math_type)(Descriptor descriptor, int math_type);
  Status (*destroy_convolution)(Descriptor descriptor);
  // Heuristics (_v7) and benchmarks (Find) per pass; descriptor order as in cuDNN's signatures:
  // forward (x, w, conv, y), backward data (w, dy, conv, dx), backward filter (x, dy, conv, dw).
  Status (*forward_heuristics)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int requested, int* returned,
                               AlgoPerf* results);
  Status (*backward_data_heuristics)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int requested,
                                     int* returned, AlgoPerf* results);
  Status (*backward_filter_heuristics)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int requested,
                                       int* returned, AlgoPerf* results);
  Status (*forward_find)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int requested, int* returned,
                         AlgoPerf* results);
  Status (*backward_data_find)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int requested, int* returned,
                               AlgoPerf* results);
  Status (*backward_filter_find)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int requested, int* returned,
                                 AlgoPerf* results);
  Status (*forward_workspace)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int algo, size_t* bytes);
  Status (*backward_data_workspace)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int algo, size_t* bytes);
  Status (*backward_filter_workspace)(Handle, Descriptor, Descriptor, Descriptor, Descriptor, int algo, size_t* bytes);
  // y = alpha * conv(x, w) + beta * y; alpha and beta point to float (float data) or double.
  Status (*forward)(Handle, const void* alpha, Descriptor x_desc, const void* x, Descriptor w_desc, const void* w,
                    Descriptor conv_desc, int algo, void* workspace, size_t workspace_bytes, const void* beta,
                    Descriptor y_desc, void* y);
  Status (*backward_data)(Handle, const void* alpha, Descriptor w_desc, const void* w, Descriptor dy_desc,
                          const void* dy, Descriptor conv_desc, int algo, void* workspace, size_t workspace_bytes,
                          const void* beta, Descriptor dx_desc, void* dx);
  Status (*backward_filter)(Handle, const void* alpha, Descriptor x_desc, const void* x, Descriptor dy_desc,
                            const void* dy, Descriptor conv_desc, int algo, void* workspace, size_t workspace_bytes,
                            const void* beta, Descriptor dw_desc, void* dw);
};

// The loaded entry points, or nullptr when cuDNN is absent.
const Api* api();

}  // namespace cudnn

namespace nccl {

// NCCL's C API (nccl.h), for striate.distributed's "nccl" backend: collectives between the GPUs of
// several processes, queued on a CUDA stream. The library comes from the nvidia-nccl-cu13 wheel or
// the system.
using Comm = void*;  // ncclComm_t
using Result = int;  // ncclResult_t; 0 is ncclSuccess
constexpr Result kSuccess = 0;
constexpr Result kInProgress = 7;  // ncclInProgress (non-blocking communicators)
constexpr int kUniqueIdBytes = 128;
struct UniqueId {
  char internal[kUniqueIdBytes];
};
// ncclDataType_t
constexpr int kUint8 = 1, kInt64 = 4, kFloat16 = 6, kFloat32 = 7, kFloat64 = 8, kBfloat16 = 9;
// ncclRedOp_t
constexpr int kSum = 0, kProd = 1, kMax = 2, kMin = 3, kAvg = 4;

struct Api {
  Result (*get_version)(int* version);
  Result (*get_unique_id)(UniqueId* id);
  Result (*comm_init_rank)(Comm* comm, int nranks, UniqueId id, int rank);
  Result (*comm_destroy)(Comm comm);
  Result (*comm_abort)(Comm comm);
  Result (*comm_get_async_error)(Comm comm, Result* error);
  const char* (*get_error_string)(Result result);
  Result (*all_reduce)(const void* send, void* recv, size_t count, int dtype, int op, Comm comm, void* stream);
  Result (*broadcast)(const void* send, void* recv, size_t count, int dtype, int root, Comm comm, void* stream);
  Result (*all_gather)(const void* send, void* recv, size_t send_count, int dtype, Comm comm, void* stream);
  Result (*reduce_scatter)(const void* send, void* recv, size_t recv_count, int dtype, int op, Comm comm, void* stream);
};

// The loaded entry points, or nullptr when NCCL is absent (or the CUDA backend is not built).
const Api* api();

}  // namespace nccl

}  // namespace striate::backend
