// The device runtime the core needs from CUDA: device queries, device memory, page-locked host
// memory and copies. Implemented in core/cuda_runtime.cu when the CUDA backend is built, and by
// core/cuda_runtime_none.cpp otherwise, where each call that needs a device raises a clear
// "built without the CUDA backend" error. Kernels live with their families in kernels/cuda/.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/cuda_allocator.h"

namespace striate::backend {

bool cuda_built();
int cuda_device_count();
std::string cuda_version();
// Why no CUDA device can be used ("" when one can): not built / no driver / driver too old /
// no device, with the runtime's own words.
std::string cuda_unavailable_reason();
// Makes `device` current for the calling thread (kernel launches and allocations go there).
void cuda_set_device(int device);
// The calling thread's current device (cuda_set_device; 0 until set).
int cuda_current_device();

struct CudaDeviceProperties {
  std::string name;
  size_t total_memory = 0;
  int major = 0;
  int minor = 0;
  int multi_processor_count = 0;
  int warp_size = 0;
  size_t shared_memory_per_block = 0;
};
CudaDeviceProperties cuda_device_properties(int device);

// Raw device memory (cudaMalloc / cudaFree): synchronizing; tensors use the caching allocator.
void* cuda_malloc(size_t nbytes, int device);
void cuda_free(void* p);
// The caching allocator of `device` (core/cuda_allocator.h): memory for work queued on the
// calling thread's current stream; freeing returns it to the cache. Raises OutOfMemory (after
// one retry that empties the cache) naming the requested and the free/total bytes.
void* cuda_cached_alloc(size_t nbytes, int device);
void cuda_cached_free(void* p, int device);
// Marks a block as used on `stream` as well (Tensor.record_stream).
void cuda_record_stream(void* p, int device, void* stream);
AllocatorStats cuda_memory_stats(int device);
void cuda_reset_peak_memory_stats(int device);
// Releases the cached segments of every device that are wholly free.
void cuda_empty_cache();
// (segment bytes, bytes in use) per segment held on `device`, largest first.
std::vector<std::pair<size_t, size_t>> cuda_memory_segments(int device);
// The device's free and total bytes (cudaMemGetInfo).
std::pair<size_t, size_t> cuda_mem_get_info(int device);
// Page-locked host memory (fast, asynchronous host-to-device copies); freed with cuda_host_free.
void* cuda_host_alloc(size_t nbytes);
void cuda_host_free(void* p);
// Copies queued on the current stream of `device`. Host-to-device returns once the source may be
// reused (at once for pageable memory, which CUDA stages); with non_blocking and a page-locked
// source it returns at once and the copy overlaps what follows. Device-to-host waits for the
// copy unless non_blocking (the destination must then be page-locked, and the caller
// synchronizes before reading it). Device-to-device is stream-ordered and never waits.
void cuda_memcpy_host_to_device(void* dst, const void* src, size_t nbytes, int device, bool non_blocking = false);
void cuda_memcpy_device_to_host(void* dst, const void* src, size_t nbytes, int device, bool non_blocking = false);
void cuda_memcpy_device_to_device(void* dst, const void* src, size_t nbytes, int device);
// Fills nbytes at dst with `byte`, on the current stream.
void cuda_memset(void* dst, int byte, size_t nbytes, int device);

// Streams and events (opaque cudaStream_t / cudaEvent_t). The current stream is per thread and
// per device; it starts as the device's default stream (nullptr, CUDA's legacy stream, which
// orders itself with every other blocking stream).
// The stream (a cudaStream_t) that kernels and copies on `device` are queued on by the calling
// thread. kernels/cuda/launch.cuh casts it back; nullptr is CUDA's default stream.
void* cuda_current_stream(int device);
void cuda_set_current_stream(int device, void* stream);
// A new stream on `device` (priority: lower is more urgent, 0 the default).
void* cuda_stream_create(int device, int priority);
void cuda_stream_destroy(void* stream);
bool cuda_stream_query(void* stream);  // true when everything queued on it has finished
void cuda_stream_synchronize(void* stream);
void* cuda_event_create(int device, bool enable_timing, bool blocking);
void cuda_event_destroy(void* event);
void cuda_event_record(void* event, void* stream);
bool cuda_event_query(void* event);
void cuda_event_synchronize(void* event);
float cuda_event_elapsed_ms(void* start, void* end);
// Makes later work on `stream` wait for `event` (no host wait).
void cuda_stream_wait_event(void* stream, void* event);
// Waits until every kernel and copy queued on `device` has finished.
void cuda_synchronize(int device);

// CUDA Graphs: what is queued on `stream` between capture_begin and capture_end is recorded (not
// run) and comes back as an executable graph (a cudaGraphExec_t) that graph_launch replays with
// one launch. Capture is relaxed: allocations during capture may reach cudaMalloc. Nothing may
// wait on the host during capture (a blocking copy, item(), synchronize).
void cuda_graph_capture_begin(void* stream);
void* cuda_graph_capture_end(void* stream);
void cuda_graph_launch(void* graph, void* stream);
void cuda_graph_destroy(void* graph);
bool cuda_stream_is_capturing(void* stream);
// Raises RuntimeError naming `what` when the last kernel launch on this thread failed.
void cuda_check_launch(const char* what);

}  // namespace striate::backend
