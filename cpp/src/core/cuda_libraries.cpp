// Run-time loading of cuBLAS and cuDNN (dlopen): each is looked for once, on first use, in the
// loader's path, then in the folders Python registered (the pip wheels), then in /usr/local/cuda.
// Nothing here needs a GPU: loading a library does not touch the device.
#include "core/cuda_libraries.h"

#include <dlfcn.h>

#include <atomic>
#include <mutex>

#include "core/cuda_runtime.h"

namespace striate::backend {
namespace {

std::mutex& directories_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<std::string>& directories() {
  static std::vector<std::string> list;
  return list;
}

std::atomic<bool>& allow_tf32_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}

std::atomic<bool>& use_cublas_flag() {
  static std::atomic<bool> flag{true};
  return flag;
}

// dlopen of the first candidate file that loads; the handle stays open for the process.
void* open_first(const std::vector<std::string>& names, CudaLibraryStatus& status) {
  std::vector<std::string> folders = cuda_library_directories();
  folders.push_back("/usr/local/cuda/lib64");
  std::string last_error;
  for (const std::string& name : names) {
    std::vector<std::string> candidates{name};
    for (const std::string& folder : folders) candidates.push_back(folder + "/" + name);
    for (const std::string& candidate : candidates) {
      if (void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL)) {
        status.path = candidate;
        return handle;
      }
      if (const char* error = dlerror()) last_error = error;
    }
  }
  std::string tried;
  for (const std::string& name : names) tried += (tried.empty() ? "" : ", ") + name;
  status.reason = "not found (tried " + tried + " in the loader's path, the registered folders and " +
                  "/usr/local/cuda/lib64" + (last_error.empty() ? "" : "; last error: " + last_error) + ")";
  return nullptr;
}

template <typename F>
bool resolve(void* library, const char* symbol, F& target, CudaLibraryStatus& status) {
  target = reinterpret_cast<F>(dlsym(library, symbol));
  if (!target && status.reason.empty()) status.reason = std::string("symbol ") + symbol + " is missing";
  return target != nullptr;
}

struct Cublas {
  CudaLibraryStatus status;
  cublas::Api api{};
};

const Cublas& cublas_library() {
  static const Cublas library = [] {
    Cublas result;
    if (!cuda_built()) {
      result.status.reason = "striate was built without the CUDA backend";
      return result;
    }
    void* handle = open_first({"libcublas.so.13", "libcublas.so.12"}, result.status);
    if (!handle) return result;
    cublas::Api& a = result.api;
    bool ok = resolve(handle, "cublasCreate_v2", a.create, result.status);
    ok = resolve(handle, "cublasSetStream_v2", a.set_stream, result.status) && ok;
    ok = resolve(handle, "cublasSetMathMode", a.set_math_mode, result.status) && ok;
    ok = resolve(handle, "cublasSgemm_v2", a.sgemm, result.status) && ok;
    ok = resolve(handle, "cublasDgemm_v2", a.dgemm, result.status) && ok;
    ok = resolve(handle, "cublasSgemmStridedBatched", a.sgemm_strided_batched, result.status) && ok;
    ok = resolve(handle, "cublasDgemmStridedBatched", a.dgemm_strided_batched, result.status) && ok;
    // cublasGetProperty(libraryPropertyType: 0 major, 1 minor, 2 patch, int*) needs no device.
    using GetProperty = cublas::Status (*)(int, int*);
    GetProperty get_property = nullptr;
    if (resolve(handle, "cublasGetProperty", get_property, result.status)) {
      int major = 0, minor = 0, patch = 0;
      get_property(0, &major);
      get_property(1, &minor);
      get_property(2, &patch);
      result.status.version = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    } else {
      ok = false;
    }
    result.status.loaded = ok;
    if (!ok) result.api = cublas::Api{};
    return result;
  }();
  return library;
}

struct Cudnn {
  CudaLibraryStatus status;
  cudnn::Api api{};
};

const Cudnn& cudnn_library() {
  static const Cudnn library = [] {
    Cudnn result;
    CudaLibraryStatus& status = result.status;
    if (!cuda_built()) {
      status.reason = "striate was built without the CUDA backend";
      return result;
    }
    void* handle = open_first({"libcudnn.so.9"}, status);
    if (!handle) return result;
    // size_t cudnnGetVersion(void): major * 10000 + minor * 100 + patch since cuDNN 9.
    using GetVersion = size_t (*)();
    GetVersion get_version = nullptr;
    if (!resolve(handle, "cudnnGetVersion", get_version, status)) return result;
    const size_t v = get_version();
    status.version = std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
    cudnn::Api& a = result.api;
    bool ok = resolve(handle, "cudnnCreate", a.create, status);
    ok = resolve(handle, "cudnnSetStream", a.set_stream, status) && ok;
    ok = resolve(handle, "cudnnCreateTensorDescriptor", a.create_tensor, status) && ok;
    ok = resolve(handle, "cudnnSetTensorNdDescriptor", a.set_tensor_nd, status) && ok;
    ok = resolve(handle, "cudnnDestroyTensorDescriptor", a.destroy_tensor, status) && ok;
    ok = resolve(handle, "cudnnCreateFilterDescriptor", a.create_filter, status) && ok;
    ok = resolve(handle, "cudnnSetFilterNdDescriptor", a.set_filter_nd, status) && ok;
    ok = resolve(handle, "cudnnDestroyFilterDescriptor", a.destroy_filter, status) && ok;
    ok = resolve(handle, "cudnnCreateConvolutionDescriptor", a.create_convolution, status) && ok;
    ok = resolve(handle, "cudnnSetConvolutionNdDescriptor", a.set_convolution_nd, status) && ok;
    ok = resolve(handle, "cudnnSetConvolutionGroupCount", a.set_convolution_group_count, status) && ok;
    ok = resolve(handle, "cudnnSetConvolutionMathType", a.set_convolution_math_type, status) && ok;
    ok = resolve(handle, "cudnnDestroyConvolutionDescriptor", a.destroy_convolution, status) && ok;
    ok = resolve(handle, "cudnnGetConvolutionForwardAlgorithm_v7", a.forward_heuristics, status) && ok;
    ok = resolve(handle, "cudnnGetConvolutionBackwardDataAlgorithm_v7", a.backward_data_heuristics, status) && ok;
    ok = resolve(handle, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", a.backward_filter_heuristics, status) && ok;
    ok = resolve(handle, "cudnnFindConvolutionForwardAlgorithm", a.forward_find, status) && ok;
    ok = resolve(handle, "cudnnFindConvolutionBackwardDataAlgorithm", a.backward_data_find, status) && ok;
    ok = resolve(handle, "cudnnFindConvolutionBackwardFilterAlgorithm", a.backward_filter_find, status) && ok;
    ok = resolve(handle, "cudnnGetConvolutionForwardWorkspaceSize", a.forward_workspace, status) && ok;
    ok = resolve(handle, "cudnnGetConvolutionBackwardDataWorkspaceSize", a.backward_data_workspace, status) && ok;
    ok = resolve(handle, "cudnnGetConvolutionBackwardFilterWorkspaceSize", a.backward_filter_workspace, status) && ok;
    ok = resolve(handle, "cudnnConvolutionForward", a.forward, status) && ok;
    ok = resolve(handle, "cudnnConvolutionBackwardData", a.backward_data, status) && ok;
    ok = resolve(handle, "cudnnConvolutionBackwardFilter", a.backward_filter, status) && ok;
    status.loaded = ok;
    if (!ok) result.api = cudnn::Api{};
    return result;
  }();
  return library;
}

struct Nccl {
  CudaLibraryStatus status;
  nccl::Api api{};
};

const Nccl& nccl_library() {
  static const Nccl library = [] {
    Nccl result;
    CudaLibraryStatus& status = result.status;
    if (!cuda_built()) {
      status.reason = "striate was built without the CUDA backend";
      return result;
    }
    void* handle = open_first({"libnccl.so.2"}, status);
    if (!handle) return result;
    nccl::Api& a = result.api;
    bool ok = resolve(handle, "ncclGetVersion", a.get_version, status);
    ok = resolve(handle, "ncclGetUniqueId", a.get_unique_id, status) && ok;
    ok = resolve(handle, "ncclCommInitRank", a.comm_init_rank, status) && ok;
    ok = resolve(handle, "ncclCommDestroy", a.comm_destroy, status) && ok;
    ok = resolve(handle, "ncclCommAbort", a.comm_abort, status) && ok;
    ok = resolve(handle, "ncclCommGetAsyncError", a.comm_get_async_error, status) && ok;
    ok = resolve(handle, "ncclGetErrorString", a.get_error_string, status) && ok;
    ok = resolve(handle, "ncclAllReduce", a.all_reduce, status) && ok;
    ok = resolve(handle, "ncclBroadcast", a.broadcast, status) && ok;
    ok = resolve(handle, "ncclAllGather", a.all_gather, status) && ok;
    ok = resolve(handle, "ncclReduceScatter", a.reduce_scatter, status) && ok;
    if (ok) {
      // NCCL >= 2.9 encodes major * 10000 + minor * 100 + patch.
      int v = 0;
      a.get_version(&v);
      status.version = std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
    }
    status.loaded = ok;
    if (!ok) result.api = nccl::Api{};
    return result;
  }();
  return library;
}

std::mutex& cudnn_settings_mutex() {
  static std::mutex mutex;
  return mutex;
}

CudnnSettings& cudnn_settings_value() {
  static CudnnSettings settings;
  return settings;
}

}  // namespace

CudaLibraryStatus cublas_status() { return cublas_library().status; }
CudaLibraryStatus cudnn_status() { return cudnn_library().status; }
CudaLibraryStatus nccl_status() { return nccl_library().status; }

CudnnSettings cudnn_settings() {
  std::lock_guard<std::mutex> lock(cudnn_settings_mutex());
  return cudnn_settings_value();
}

void set_cudnn_settings(const CudnnSettings& settings) {
  std::lock_guard<std::mutex> lock(cudnn_settings_mutex());
  cudnn_settings_value() = settings;
}

void add_cuda_library_directory(const std::string& directory) {
  std::lock_guard<std::mutex> lock(directories_mutex());
  for (const std::string& known : directories())
    if (known == directory) return;
  directories().push_back(directory);
}

std::vector<std::string> cuda_library_directories() {
  std::lock_guard<std::mutex> lock(directories_mutex());
  return directories();
}

bool cuda_matmul_allow_tf32() { return allow_tf32_flag().load(std::memory_order_relaxed); }
void set_cuda_matmul_allow_tf32(bool allow) { allow_tf32_flag().store(allow, std::memory_order_relaxed); }
bool cuda_use_cublas() { return use_cublas_flag().load(std::memory_order_relaxed); }
void set_cuda_use_cublas(bool use) { use_cublas_flag().store(use, std::memory_order_relaxed); }

namespace cublas {

const Api* api() {
  const Cublas& library = cublas_library();
  return library.status.loaded ? &library.api : nullptr;
}

}  // namespace cublas

namespace cudnn {

const Api* api() {
  const Cudnn& library = cudnn_library();
  return library.status.loaded ? &library.api : nullptr;
}

}  // namespace cudnn

namespace nccl {

const Api* api() {
  const Nccl& library = nccl_library();
  return library.status.loaded ? &library.api : nullptr;
}

}  // namespace nccl

}  // namespace striate::backend
