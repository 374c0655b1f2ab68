// What every CUDA kernel file shares: the launch shape of a grid-stride loop, the stream a kernel
// is queued on, and the launch check. Kernels launch on the current stream of their device
// (backend::cuda_current_stream), never on the legacy default stream, so that user streams and
// the DataLoader's copies overlap with compute. Index arithmetic is 64-bit (int64_t) throughout:
// tensors past 2^31 elements are legal.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "core/cuda_runtime.h"

namespace striate::kernels::cuda {

constexpr int kThreads = 256;
// Enough blocks to cover n elements with kThreads each, capped: grid-stride loops cover the rest.
inline unsigned blocks_for(int64_t n) {
  const int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 65535 * 8 ? 65535 * 8 : blocks));
}

// The stream kernels on `device` are queued on.
inline cudaStream_t stream(int device) { return static_cast<cudaStream_t>(backend::cuda_current_stream(device)); }

// The first index of this thread and the step of a grid-stride loop over n elements.
__device__ inline int64_t grid_index() { return blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; }
__device__ inline int64_t grid_step() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

}  // namespace striate::kernels::cuda
