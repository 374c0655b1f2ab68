// The few CUDA runtime entry points the core needs (memory, copies, device count). Implemented in
// cuda/runtime.cu when the CUDA backend is built, and by cpp/src/backend/no_cuda.cpp otherwise,
// where each throws a clear "built without CUDA" error.
#pragma once
#include <cstddef>
#include <string>

namespace striate::backend {

bool cuda_built();
int cuda_device_count();
std::string cuda_version();
void* cuda_malloc(size_t nbytes, int device);
void cuda_free(void* p);
// Page-locked host memory (fast, asynchronous host-to-device copies); freed with cuda_host_free.
void* cuda_host_alloc(size_t nbytes);
void cuda_host_free(void* p);
void cuda_memcpy_host_to_device(void* dst, const void* src, size_t nbytes, int device);
void cuda_memcpy_device_to_host(void* dst, const void* src, size_t nbytes, int device);
void cuda_memcpy_device_to_device(void* dst, const void* src, size_t nbytes, int device);
// dst[i] = a[i] + alpha * b[i] on float32 device memory (the first kernel of the backend).
void cuda_add_f32(float* dst, const float* a, const float* b, float alpha, size_t n, int device);

}  // namespace striate::backend
