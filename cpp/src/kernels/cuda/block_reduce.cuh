// What the CUDA reduction-shaped kernels share (reduce, loss, index, normalization): the stream
// of the device the kernel object made current, the combine steps of the reductions as plain
// __host__ __device__ functions (unit-tested on the host by tests/cpp/test_cuda_block_reduce.cpp),
// a block-wide reduction through shared memory, and scratch device memory.
//
// Determinism: a block reduction combines each thread's serial partial (strided over the reduced
// range by blockDim.x) in a fixed tree, so with the fixed launch shape (kThreads) the same input
// gives the same bits on every run. No forward reduction uses atomics.
#pragma once
#include <cstdint>
#include <memory>

#ifdef __CUDACC__
#include "kernels/cuda/launch.cuh"
#include "striate/core/storage.h"
#define STRIATE_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define STRIATE_HOST_DEVICE inline
#endif

namespace striate::kernels::cuda {

// ---- combine steps (host-testable) --------------------------------------------------------

template <typename T>
STRIATE_HOST_DEVICE bool is_nan_value(T v) {
  return v != v;  // false for integers and bool
}

// A candidate of an extreme (max / min) reduction: its value and its index along R; index < 0
// marks an empty slot (a thread that saw no element).
template <typename T>
struct Extreme {
  T value;
  int64_t index;
};

// Whether a beats b: NaN beats every number (the first NaN wins, as PyTorch), then the larger
// (is_max) or smaller value, and on a tie the lower index. This is a total order on
// (value, index), so combining partials in any tree gives the serial scan's answer.
template <typename T>
STRIATE_HOST_DEVICE bool extreme_beats(const Extreme<T>& a, const Extreme<T>& b, bool is_max) {
  if (a.index < 0) return false;
  if (b.index < 0) return true;
  const bool a_nan = is_nan_value(a.value), b_nan = is_nan_value(b.value);
  if (a_nan != b_nan) return a_nan;
  if (!a_nan && a.value != b.value) return is_max ? b.value < a.value : a.value < b.value;
  return a.index < b.index;
}

template <typename T>
STRIATE_HOST_DEVICE Extreme<T> extreme_combine(const Extreme<T>& a, const Extreme<T>& b, bool is_max) {
  return extreme_beats(a, b, is_max) ? a : b;
}

// Wraps a validated index in [-size, size) into [0, size).
STRIATE_HOST_DEVICE int64_t wrap_index(int64_t i, int64_t size) { return i < 0 ? i + size : i; }

// Offset (in elements) of the element at linear position `linear` of a contiguous tensor of
// `sizes` in a tensor of the same sizes with `strides`, with the coordinate along `dim` replaced
// by `dim_coordinate` (when dim >= 0).
STRIATE_HOST_DEVICE int64_t strided_offset(int64_t linear, int ndim, const int64_t* sizes,
                                                           const int64_t* strides, int dim, int64_t dim_coordinate) {
  int64_t offset = 0;
  for (int d = ndim - 1; d >= 0; --d) {
    const int64_t coordinate = linear % sizes[d];
    linear /= sizes[d];
    offset += (d == dim ? dim_coordinate : coordinate) * strides[d];
  }
  return offset;
}

#ifdef __CUDACC__

// ---- device helpers ---------------------------------------------------------------------

// The current device (the kernel object made the tensors' device current before the call) and
// its current stream.
inline int current_device() {
  int device = 0;
  cudaGetDevice(&device);
  return device;
}
inline cudaStream_t current_stream() { return stream(current_device()); }

// Scratch device memory from the device's allocator, freed (stream-ordered by the allocator)
// when the handle goes.
inline std::shared_ptr<Storage> scratch(size_t nbytes) {
  return Storage::allocate(nbytes, Device(DeviceType::CUDA, current_device()));
}

// Reduces one value per thread of the block with combine, in a fixed tree; every thread gets
// the result. Launch with blockDim.x = kThreads (a power of two). `shared` holds kThreads values.
template <typename T, typename Combine>
__device__ T block_reduce(T value, T* shared, const Combine& combine) {
  const int tid = threadIdx.x;
  __syncthreads();  // the previous use of `shared` is over
  shared[tid] = value;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (tid < half) shared[tid] = combine(shared[tid], shared[tid + half]);
    __syncthreads();
  }
  const T result = shared[0];
  __syncthreads();
  return result;
}

template <typename T>
struct Plus {
  __device__ T operator()(T a, T b) const { return a + b; }
};

// Sum over the block (Acc: double for floating data, int64 for integers, as the CPU).
template <typename Acc>
__device__ Acc block_sum(Acc value) {
  __shared__ Acc shared[kThreads];
  return block_reduce(value, shared, Plus<Acc>());
}

// Math in the tensor's type (float math in float, as the CPU's).
__device__ __forceinline__ float dev_exp(float v) { return expf(v); }
__device__ __forceinline__ double dev_exp(double v) { return exp(v); }
__device__ __forceinline__ float dev_log(float v) { return logf(v); }
__device__ __forceinline__ double dev_log(double v) { return log(v); }
__device__ __forceinline__ float dev_log1p(float v) { return log1pf(v); }
__device__ __forceinline__ double dev_log1p(double v) { return log1p(v); }

#endif  // __CUDACC__

}  // namespace striate::kernels::cuda
