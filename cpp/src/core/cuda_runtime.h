// The device runtime the core needs from CUDA: device queries, device memory, page-locked host
// memory and copies. Implemented in core/cuda_runtime.cu when the CUDA backend is built, and by
// core/cuda_runtime_none.cpp otherwise, where each call that needs a device raises a clear
// "built without the CUDA backend" error. Kernels live with their families in kernels/cuda/.
#pragma once
#include <cstddef>
#include <string>

namespace striate::backend {

bool cuda_built();
int cuda_device_count();
std::string cuda_version();
// Makes `device` current for the calling thread (kernel launches and allocations go there).
void cuda_set_device(int device);
void* cuda_malloc(size_t nbytes, int device);
void cuda_free(void* p);
// Page-locked host memory (fast, asynchronous host-to-device copies); freed with cuda_host_free.
void* cuda_host_alloc(size_t nbytes);
void cuda_host_free(void* p);
void cuda_memcpy_host_to_device(void* dst, const void* src, size_t nbytes, int device);
void cuda_memcpy_device_to_host(void* dst, const void* src, size_t nbytes, int device);
void cuda_memcpy_device_to_device(void* dst, const void* src, size_t nbytes, int device);
// The stream (a cudaStream_t) that kernels and copies on `device` are queued on by the calling
// thread. kernels/cuda/launch.cuh casts it back; nullptr is CUDA's default stream.
void* cuda_current_stream(int device);
// Waits until every kernel and copy queued on `device` has finished.
void cuda_synchronize(int device);
// Raises RuntimeError naming `what` when the last kernel launch on this thread failed.
void cuda_check_launch(const char* what);

}  // namespace striate::backend
