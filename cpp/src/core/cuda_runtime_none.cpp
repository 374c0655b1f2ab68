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
std::string cuda_unavailable_reason() { return "striate was built without the CUDA backend"; }
void cuda_set_device(int) { not_built(); }
int cuda_current_device() { not_built(); }
CudaDeviceProperties cuda_device_properties(int) { not_built(); }
void* cuda_malloc(size_t, int) { not_built(); }
void cuda_free(void*) {}
void* cuda_cached_alloc(size_t, int) { not_built(); }
void cuda_cached_free(void*, int) {}
void cuda_record_stream(void*, int, void*) { not_built(); }
AllocatorStats cuda_memory_stats(int) { not_built(); }
void cuda_reset_peak_memory_stats(int) { not_built(); }
void cuda_empty_cache() {}
std::vector<std::pair<size_t, size_t>> cuda_memory_segments(int) { not_built(); }
std::pair<size_t, size_t> cuda_mem_get_info(int) { not_built(); }
void* cuda_host_alloc(size_t) { not_built(); }
void cuda_host_free(void*) {}
void cuda_memcpy_host_to_device(void*, const void*, size_t, int, bool) { not_built(); }
void cuda_memcpy_device_to_host(void*, const void*, size_t, int, bool) { not_built(); }
void cuda_memcpy_device_to_device(void*, const void*, size_t, int) { not_built(); }
void cuda_memset(void*, int, size_t, int) { not_built(); }
void* cuda_current_stream(int) { return nullptr; }
void cuda_set_current_stream(int, void*) { not_built(); }
void* cuda_stream_create(int, int) { not_built(); }
void cuda_stream_destroy(void*) {}
bool cuda_stream_query(void*) { not_built(); }
void cuda_stream_synchronize(void*) { not_built(); }
void* cuda_event_create(int, bool, bool) { not_built(); }
void cuda_event_destroy(void*) {}
void cuda_event_record(void*, void*) { not_built(); }
bool cuda_event_query(void*) { not_built(); }
void cuda_event_synchronize(void*) { not_built(); }
float cuda_event_elapsed_ms(void*, void*) { not_built(); }
void cuda_stream_wait_event(void*, void*) { not_built(); }
void cuda_synchronize(int) { not_built(); }
void cuda_check_launch(const char*) { not_built(); }
void cuda_graph_capture_begin(void*) { not_built(); }
void* cuda_graph_capture_end(void*) { not_built(); }
void cuda_graph_launch(void*, void*) { not_built(); }
void cuda_graph_destroy(void*) {}
bool cuda_stream_is_capturing(void*) { return false; }

}  // namespace striate::backend
