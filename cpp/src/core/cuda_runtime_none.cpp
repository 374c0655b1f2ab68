// The device runtime of a build without the CUDA backend: no devices, and a clear error for every
// call that needs one.
#include "core/cuda_runtime.h"
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
void cuda_set_device(int) { not_built(); }
void* cuda_malloc(size_t, int) { not_built(); }
void cuda_free(void*) {}
void* cuda_host_alloc(size_t) { not_built(); }
void cuda_host_free(void*) {}
void cuda_memcpy_host_to_device(void*, const void*, size_t, int) { not_built(); }
void cuda_memcpy_device_to_host(void*, const void*, size_t, int) { not_built(); }
void cuda_memcpy_device_to_device(void*, const void*, size_t, int) { not_built(); }
void* cuda_current_stream(int) { return nullptr; }
void cuda_synchronize(int) { not_built(); }
void cuda_check_launch(const char*) { not_built(); }

}  // namespace striate::backend
