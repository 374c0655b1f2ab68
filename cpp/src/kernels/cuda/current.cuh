// The stream of the current device, for pointer-level kernels: they receive no Tensor to read a
// device from, but Kernel<...>::operator() made their device current before the call (kernel.h).
#pragma once
#include <cuda_runtime.h>

#include "kernels/cuda/launch.cuh"

namespace striate::kernels::cuda {

inline int current_device() {
  int device = 0;
  cudaGetDevice(&device);
  return device;
}

inline cudaStream_t current_stream() { return stream(current_device()); }

}  // namespace striate::kernels::cuda
