// The CUDA device runtime (floor 1): device queries, device and page-locked memory, copies.
// Kernels are not here: each family's CUDA kernels live in kernels/cuda/.
#include <cuda_runtime.h>

#include <string>

#include "core/cuda_runtime.h"
#include "striate/core/error.h"

namespace striate::backend {
namespace {

void check(cudaError_t status, const char* what) {
  if (status == cudaErrorMemoryAllocation)
    throw OutOfMemory(detail::str("CUDA out of memory in ", what, ": ", cudaGetErrorString(status)));
  if (status != cudaSuccess) throw RuntimeError(detail::str("CUDA error in ", what, ": ", cudaGetErrorString(status)));
}

}  // namespace

bool cuda_built() { return true; }

int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // no driver or no device: report zero, clear the sticky error
    return 0;
  }
  return n;
}

std::string cuda_version() {
  int v = CUDART_VERSION;
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

void cuda_set_device(int device) {
  STRIATE_CHECK(device >= 0 && device < cuda_device_count(), "cuda: device index ", device, " is not available (",
                cuda_device_count(), " CUDA device(s) found)");
  check(cudaSetDevice(device), "cudaSetDevice");
}

void* cuda_malloc(size_t nbytes, int device) {
  cuda_set_device(device);
  void* p = nullptr;
  check(cudaMalloc(&p, nbytes), "cudaMalloc");
  return p;
}

void cuda_free(void* p) {
  if (p) cudaFree(p);
}

void* cuda_host_alloc(size_t nbytes) {
  STRIATE_CHECK(cuda_device_count() > 0, "pin_memory: page-locked memory needs a CUDA device, and none was found");
  void* p = nullptr;
  check(cudaHostAlloc(&p, nbytes, cudaHostAllocDefault), "cudaHostAlloc");
  return p;
}

void cuda_host_free(void* p) {
  if (p) cudaFreeHost(p);
}

void cuda_memcpy_host_to_device(void* dst, const void* src, size_t nbytes, int device) {
  check(cudaSetDevice(device), "cudaSetDevice");
  check(cudaMemcpy(dst, src, nbytes, cudaMemcpyHostToDevice), "cudaMemcpy host to device");
}

void cuda_memcpy_device_to_host(void* dst, const void* src, size_t nbytes, int device) {
  check(cudaSetDevice(device), "cudaSetDevice");
  check(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToHost), "cudaMemcpy device to host");
}

void cuda_memcpy_device_to_device(void* dst, const void* src, size_t nbytes, int device) {
  check(cudaSetDevice(device), "cudaSetDevice");
  check(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToDevice), "cudaMemcpy device to device");
}

void* cuda_current_stream(int) { return nullptr; }

void cuda_synchronize(int device) {
  cuda_set_device(device);
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

void cuda_check_launch(const char* what) { check(cudaGetLastError(), what); }

}  // namespace striate::backend
