// The CUDA entry points of a build without the CUDA backend: each raises a clear error.
#include "backend/cuda_runtime.h"
#include "striate/core/error.h"

namespace striate::backend {
namespace {
[[noreturn]] void not_built() {
  throw NotImplementedError("striate was built without the CUDA backend (configure with STRIATE_CUDA=ON and nvcc)");
}
}  // namespace

bool cuda_built() { return false; }
int cuda_device_count() { return 0; }
std::string cuda_version() { return ""; }
void* cuda_malloc(size_t, int) { not_built(); }
void cuda_free(void*) {}
void* cuda_host_alloc(size_t) { not_built(); }
void cuda_host_free(void*) {}
void cuda_memcpy_host_to_device(void*, const void*, size_t, int) { not_built(); }
void cuda_memcpy_device_to_host(void*, const void*, size_t, int) { not_built(); }
void cuda_memcpy_device_to_device(void*, const void*, size_t, int) { not_built(); }
void cuda_add_f32(float*, const float*, const float*, float, size_t, int) { not_built(); }

}  // namespace striate::backend
