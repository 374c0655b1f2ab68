// The CUDA device runtime (floor 1): device queries, streams and events, the caching allocator's
// device backend and per-device instances, page-locked memory and copies. Kernels are not here:
// each family's CUDA kernels live in kernels/cuda/.
#include <cuda_runtime.h>

#include <array>
#include <memory>
#include <mutex>
#include <string>

#include "core/cuda_allocator.h"
#include "core/cuda_runtime.h"
#include "striate/core/error.h"

namespace striate::backend {
namespace {

constexpr int kMaxDevices = 64;

void check(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so the process stays usable
  if (status == cudaErrorMemoryAllocation)
    throw OutOfMemory(detail::str("CUDA out of memory in ", what, ": ", cudaGetErrorString(status)));
  throw RuntimeError(detail::str("CUDA error in ", what, ": ", cudaGetErrorString(status)));
}

void check_device(int device, const char* what) {
  const int n = cuda_device_count();
  STRIATE_CHECK(device >= 0 && device < n && device < kMaxDevices, what, ": device index ", device,
                " is not available (", n, " CUDA device(s) found",
                n == 0 ? std::string(": ") + cuda_unavailable_reason() : std::string(), ")");
}

// Makes `device` current for the scope and restores the thread's previous device after.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device) {
    check(cudaGetDevice(&previous_), "cudaGetDevice");
    if (previous_ != device) check(cudaSetDevice(device), "cudaSetDevice");
  }
  ~DeviceGuard() {
    int now = -1;
    if (cudaGetDevice(&now) == cudaSuccess && now != previous_) cudaSetDevice(previous_);
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
};

// The per-thread current stream of each device (nullptr: the default stream).
thread_local std::array<void*, kMaxDevices> current_streams{};

class CudaMemoryBackend : public DeviceMemoryBackend {
 public:
  explicit CudaMemoryBackend(int device) : device_(device) {}
  void* raw_alloc(size_t nbytes) override {
    DeviceGuard guard(device_);
    void* p = nullptr;
    cudaError_t status = cudaMalloc(&p, nbytes);
    if (status == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      return nullptr;
    }
    check(status, "cudaMalloc");
    return p;
  }
  void raw_free(void* p) override {
    DeviceGuard guard(device_);
    check(cudaFree(p), "cudaFree");
  }
  void memory_info(size_t* free_bytes, size_t* total_bytes) override {
    DeviceGuard guard(device_);
    if (cudaMemGetInfo(free_bytes, total_bytes) != cudaSuccess) {
      cudaGetLastError();
      *free_bytes = *total_bytes = 0;
    }
  }
  void* record_event(void* stream) override {
    DeviceGuard guard(device_);
    cudaEvent_t event = nullptr;
    check(cudaEventCreateWithFlags(&event, cudaEventDisableTiming), "cudaEventCreate");
    check(cudaEventRecord(event, static_cast<cudaStream_t>(stream)), "cudaEventRecord");
    return event;
  }
  bool event_done(void* event) override {
    cudaError_t status = cudaEventQuery(static_cast<cudaEvent_t>(event));
    if (status == cudaErrorNotReady) {
      cudaGetLastError();
      return false;
    }
    check(status, "cudaEventQuery");
    return true;
  }
  void wait_event(void* event) override {
    check(cudaEventSynchronize(static_cast<cudaEvent_t>(event)), "cudaEventSynchronize");
  }
  void destroy_event(void* event) override { cudaEventDestroy(static_cast<cudaEvent_t>(event)); }
  std::string name() const override { return "cuda:" + std::to_string(device_); }

 private:
  int device_;
};

std::mutex allocators_mutex;
std::array<CachingAllocator*, kMaxDevices> allocators{};

CachingAllocator& allocator_of(int device) {
  check_device(device, "cuda allocator");
  std::lock_guard<std::mutex> lock(allocators_mutex);
  // Leaked on purpose: tensors alive at interpreter exit may still free into it.
  if (!allocators[device]) allocators[device] = new CachingAllocator(std::make_unique<CudaMemoryBackend>(device));
  return *allocators[device];
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

std::string cuda_unavailable_reason() {
  int n = 0;
  cudaError_t status = cudaGetDeviceCount(&n);
  if (status == cudaSuccess) return n > 0 ? "" : "no CUDA device was found";
  cudaGetLastError();
  const std::string words = cudaGetErrorString(status);
  int driver = 0;
  cudaDriverGetVersion(&driver);
  cudaGetLastError();
  switch (status) {
    case cudaErrorInsufficientDriver:
      return detail::str(
          "the CUDA driver is too old for this build (built with CUDA ", cuda_version(),
          driver ? detail::str(", the driver supports CUDA ", driver / 1000, ".", (driver % 1000) / 10) : std::string(),
          "): ", words);
    case cudaErrorNoDevice: return "no CUDA device was found: " + words;
    default: return driver == 0 ? "no CUDA driver was found: " + words : "the CUDA driver failed to start: " + words;
  }
}

void cuda_set_device(int device) {
  check_device(device, "cuda.set_device");
  check(cudaSetDevice(device), "cudaSetDevice");
}

int cuda_current_device() {
  int device = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  return device;
}

CudaDeviceProperties cuda_device_properties(int device) {
  check_device(device, "cuda.get_device_properties");
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  CudaDeviceProperties out;
  out.name = prop.name;
  out.total_memory = prop.totalGlobalMem;
  out.major = prop.major;
  out.minor = prop.minor;
  out.multi_processor_count = prop.multiProcessorCount;
  out.warp_size = prop.warpSize;
  out.shared_memory_per_block = prop.sharedMemPerBlock;
  return out;
}

void* cuda_malloc(size_t nbytes, int device) {
  check_device(device, "cuda_malloc");
  DeviceGuard guard(device);
  void* p = nullptr;
  check(cudaMalloc(&p, nbytes), "cudaMalloc");
  return p;
}

void cuda_free(void* p) {
  if (p) cudaFree(p);
}

void* cuda_cached_alloc(size_t nbytes, int device) {
  return allocator_of(device).allocate(nbytes, cuda_current_stream(device));
}

// Called from Storage's destructor, also at interpreter exit when the driver may be gone: no
// device checks here, and nothing may throw.
void cuda_cached_free(void* p, int device) {
  if (!p || device < 0 || device >= kMaxDevices) return;
  CachingAllocator* allocator = nullptr;
  {
    std::lock_guard<std::mutex> lock(allocators_mutex);
    allocator = allocators[device];
  }
  if (!allocator) return;
  try {
    allocator->free(p);
  } catch (...) {
    // A failed event record at shutdown: the block is simply not cached again.
  }
}

void cuda_record_stream(void* p, int device, void* stream) { allocator_of(device).record_stream(p, stream); }

AllocatorStats cuda_memory_stats(int device) { return allocator_of(device).stats(); }

void cuda_reset_peak_memory_stats(int device) { allocator_of(device).reset_peak_stats(); }

void cuda_empty_cache() {
  const int n = cuda_device_count();
  for (int d = 0; d < n && d < kMaxDevices; ++d) {
    CachingAllocator* a = nullptr;
    {
      std::lock_guard<std::mutex> lock(allocators_mutex);
      a = allocators[d];
    }
    if (a) a->empty_cache();
  }
}

std::vector<std::pair<size_t, size_t>> cuda_memory_segments(int device) { return allocator_of(device).segments(); }

std::pair<size_t, size_t> cuda_mem_get_info(int device) {
  check_device(device, "cuda.mem_get_info");
  DeviceGuard guard(device);
  size_t free_bytes = 0, total_bytes = 0;
  check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  return {free_bytes, total_bytes};
}

void* cuda_host_alloc(size_t nbytes) {
  STRIATE_CHECK(cuda_device_count() > 0, "pin_memory: page-locked memory needs a CUDA device, and none was found (",
                cuda_unavailable_reason(), ")");
  void* p = nullptr;
  check(cudaHostAlloc(&p, nbytes, cudaHostAllocDefault), "cudaHostAlloc");
  return p;
}

// cudaFreeHost waits for the device's queued work first, so a non-blocking copy still reading
// the block finishes before the memory goes back.
void cuda_host_free(void* p) {
  if (p) cudaFreeHost(p);
}

void cuda_memcpy_host_to_device(void* dst, const void* src, size_t nbytes, int device, bool non_blocking) {
  if (nbytes == 0) return;
  DeviceGuard guard(device);
  auto s = static_cast<cudaStream_t>(cuda_current_stream(device));
  check(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyHostToDevice, s), "cudaMemcpyAsync host to device");
  if (!non_blocking) check(cudaStreamSynchronize(s), "cudaStreamSynchronize");
}

void cuda_memcpy_device_to_host(void* dst, const void* src, size_t nbytes, int device, bool non_blocking) {
  if (nbytes == 0) return;
  DeviceGuard guard(device);
  auto s = static_cast<cudaStream_t>(cuda_current_stream(device));
  check(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToHost, s), "cudaMemcpyAsync device to host");
  if (!non_blocking) check(cudaStreamSynchronize(s), "cudaStreamSynchronize");
}

void cuda_memcpy_device_to_device(void* dst, const void* src, size_t nbytes, int device) {
  if (nbytes == 0) return;
  DeviceGuard guard(device);
  auto s = static_cast<cudaStream_t>(cuda_current_stream(device));
  check(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToDevice, s), "cudaMemcpyAsync device to device");
}

void cuda_memset(void* dst, int byte, size_t nbytes, int device) {
  if (nbytes == 0) return;
  DeviceGuard guard(device);
  check(cudaMemsetAsync(dst, byte, nbytes, static_cast<cudaStream_t>(cuda_current_stream(device))), "cudaMemsetAsync");
}

void* cuda_current_stream(int device) {
  return device >= 0 && device < kMaxDevices ? current_streams[device] : nullptr;
}

void cuda_set_current_stream(int device, void* stream) {
  check_device(device, "cuda.set_stream");
  current_streams[device] = stream;
}

void* cuda_stream_create(int device, int priority) {
  check_device(device, "cuda.Stream");
  DeviceGuard guard(device);
  int least = 0, greatest = 0;
  check(cudaDeviceGetStreamPriorityRange(&least, &greatest), "cudaDeviceGetStreamPriorityRange");
  // CUDA clamps out-of-range priorities; keep that (torch does too).
  cudaStream_t stream = nullptr;
  check(cudaStreamCreateWithPriority(&stream, cudaStreamDefault, priority), "cudaStreamCreateWithPriority");
  return stream;
}

void cuda_stream_destroy(void* stream) {
  if (stream) cudaStreamDestroy(static_cast<cudaStream_t>(stream));
}

bool cuda_stream_query(void* stream) {
  cudaError_t status = cudaStreamQuery(static_cast<cudaStream_t>(stream));
  if (status == cudaErrorNotReady) {
    cudaGetLastError();
    return false;
  }
  check(status, "cudaStreamQuery");
  return true;
}

void cuda_stream_synchronize(void* stream) {
  check(cudaStreamSynchronize(static_cast<cudaStream_t>(stream)), "cudaStreamSynchronize");
}

void* cuda_event_create(int device, bool enable_timing, bool blocking) {
  check_device(device, "cuda.Event");
  DeviceGuard guard(device);
  unsigned flags = (enable_timing ? cudaEventDefault : cudaEventDisableTiming) | (blocking ? cudaEventBlockingSync : 0);
  cudaEvent_t event = nullptr;
  check(cudaEventCreateWithFlags(&event, flags), "cudaEventCreate");
  return event;
}

void cuda_event_destroy(void* event) {
  if (event) cudaEventDestroy(static_cast<cudaEvent_t>(event));
}

void cuda_event_record(void* event, void* stream) {
  check(cudaEventRecord(static_cast<cudaEvent_t>(event), static_cast<cudaStream_t>(stream)), "cudaEventRecord");
}

bool cuda_event_query(void* event) {
  cudaError_t status = cudaEventQuery(static_cast<cudaEvent_t>(event));
  if (status == cudaErrorNotReady) {
    cudaGetLastError();
    return false;
  }
  check(status, "cudaEventQuery");
  return true;
}

void cuda_event_synchronize(void* event) {
  check(cudaEventSynchronize(static_cast<cudaEvent_t>(event)), "cudaEventSynchronize");
}

float cuda_event_elapsed_ms(void* start, void* end) {
  float ms = 0;
  check(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(start), static_cast<cudaEvent_t>(end)),
        "Event.elapsed_time (both events must be recorded, completed, and created with enable_timing=True)");
  return ms;
}

void cuda_stream_wait_event(void* stream, void* event) {
  check(cudaStreamWaitEvent(static_cast<cudaStream_t>(stream), static_cast<cudaEvent_t>(event), 0),
        "cudaStreamWaitEvent");
}

void cuda_synchronize(int device) {
  check_device(device, "cuda.synchronize");
  DeviceGuard guard(device);
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

void cuda_check_launch(const char* what) { check(cudaGetLastError(), what); }

void cuda_graph_capture_begin(void* stream) {
  STRIATE_CHECK(stream != nullptr,
                "CUDAGraph.capture_begin: capture needs a stream of its own, not the default stream");
  check(cudaStreamBeginCapture(static_cast<cudaStream_t>(stream), cudaStreamCaptureModeRelaxed),
        "cudaStreamBeginCapture");
}

void* cuda_graph_capture_end(void* stream) {
  cudaGraph_t graph = nullptr;
  check(cudaStreamEndCapture(static_cast<cudaStream_t>(stream), &graph),
        "cudaStreamEndCapture (was something waited for on the host during capture?)");
  cudaGraphExec_t exec = nullptr;
  cudaError_t status = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  check(status, "cudaGraphInstantiate");
  return exec;
}

void cuda_graph_launch(void* graph, void* stream) {
  STRIATE_CHECK(graph != nullptr, "CUDAGraph.replay: nothing was captured");
  check(cudaGraphLaunch(static_cast<cudaGraphExec_t>(graph), static_cast<cudaStream_t>(stream)), "cudaGraphLaunch");
}

void cuda_graph_destroy(void* graph) {
  if (graph) cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(graph));
}

bool cuda_stream_is_capturing(void* stream) {
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  check(cudaStreamIsCapturing(static_cast<cudaStream_t>(stream), &status), "cudaStreamIsCapturing");
  return status == cudaStreamCaptureStatusActive;
}

}  // namespace striate::backend
