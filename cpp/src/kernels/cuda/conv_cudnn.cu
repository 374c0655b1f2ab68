// cuDNN's convolutions (kernels/cuda/conv_cudnn.cuh) through its legacy N-d API: descriptors per
// call, the algorithm by cuDNN's heuristics or, with backends.cudnn.benchmark, by timing them
// once per problem (cached), restricted to deterministic ones with backends.cudnn.deterministic;
// FMA math (no TF32) for float32 unless backends.cudnn.allow_tf32. Workspaces come from the
// device allocator as Storage.
#include <cuda_runtime.h>

#include <map>
#include <memory>
#include <mutex>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/cuda_libraries.h"
#include "kernels/cuda/conv_cudnn.cuh"
#include "kernels/cuda/gemm.cuh"
#include "kernels/cuda/launch.cuh"
#include "striate/core/conv_algorithm.h"
#include "striate/core/storage.h"

namespace striate::kernels::cuda::cudnn_conv {
namespace {

namespace api = backend::cudnn;

enum class Pass { Forward = 0, BackwardData = 1, BackwardFilter = 2 };

bool fits_int(int64_t v) { return v >= 0 && v <= 0x7fffffff; }

// cuDNN's output extent for symmetric padding.
int64_t symmetric_extent(int64_t in, int64_t taps, int64_t pad, int64_t stride, int64_t dilation) {
  const int64_t span = in + 2 * pad - dilation * (taps - 1) - 1;
  return span < 0 ? -1 : span / stride + 1;
}

bool fill_axis(Problem& p, int axis, int64_t in, int64_t taps, int64_t out, int64_t pad, int64_t stride,
               int64_t dilation) {
  if (!fits_int(in) || !fits_int(taps) || !fits_int(out) || !fits_int(pad) || !fits_int(stride) || !fits_int(dilation))
    return false;
  if (symmetric_extent(in, taps, pad, stride, dilation) != out) return false;
  p.input[axis] = static_cast<int>(in);
  p.filter[axis] = static_cast<int>(taps);
  p.output[axis] = static_cast<int>(out);
  p.padding[axis] = static_cast<int>(pad);
  p.stride[axis] = static_cast<int>(stride);
  p.dilation[axis] = static_cast<int>(dilation);
  return true;
}

bool fill_counts(Problem& p, int64_t N, int64_t C, int64_t K, int64_t groups) {
  if (!fits_int(N) || !fits_int(C) || !fits_int(K) || !fits_int(groups) || N == 0) return false;
  p.N = static_cast<int>(N), p.C = static_cast<int>(C), p.K = static_cast<int>(K), p.groups = static_cast<int>(groups);
  return true;
}

// One handle per (thread, device), as for cuBLAS.
api::Handle handle_for(const api::Api& a, int device) {
  thread_local std::unordered_map<int, api::Handle> handles;
  auto found = handles.find(device);
  if (found != handles.end()) return found->second;
  api::Handle handle = nullptr;
  if (a.create(&handle) != api::kSuccess) return nullptr;
  handles.emplace(device, handle);
  return handle;
}

// The four descriptors of one call, destroyed with it.
struct Descriptors {
  const api::Api& a;
  api::Descriptor input = nullptr, output = nullptr, filter = nullptr, convolution = nullptr;
  bool ok = false;

  Descriptors(const api::Api& api_, const Problem& p, int data_type, bool allow_tf32) : a(api_) {
    if (a.create_tensor(&input) != api::kSuccess || a.create_tensor(&output) != api::kSuccess ||
        a.create_filter(&filter) != api::kSuccess || a.create_convolution(&convolution) != api::kSuccess)
      return;
    const int dims = p.spatial + 2;
    int in_sizes[5] = {p.N, p.C}, out_sizes[5] = {p.N, p.K}, filter_sizes[5] = {p.K, p.C / p.groups};
    for (int d = 0; d < p.spatial; ++d) {
      in_sizes[2 + d] = p.input[d];
      out_sizes[2 + d] = p.output[d];
      filter_sizes[2 + d] = p.filter[d];
    }
    int in_strides[5], out_strides[5];
    in_strides[dims - 1] = out_strides[dims - 1] = 1;
    for (int d = dims - 2; d >= 0; --d) {
      in_strides[d] = in_strides[d + 1] * in_sizes[d + 1];
      out_strides[d] = out_strides[d + 1] * out_sizes[d + 1];
    }
    const int math = data_type == api::kFloat && !allow_tf32 ? api::kFmaMath : api::kDefaultMath;
    ok = a.set_tensor_nd(input, data_type, dims, in_sizes, in_strides) == api::kSuccess &&
         a.set_tensor_nd(output, data_type, dims, out_sizes, out_strides) == api::kSuccess &&
         a.set_filter_nd(filter, data_type, api::kNchw, dims, filter_sizes) == api::kSuccess &&
         a.set_convolution_nd(convolution, p.spatial, p.padding, p.stride, p.dilation, api::kCrossCorrelation,
                              data_type) == api::kSuccess &&
         a.set_convolution_group_count(convolution, p.groups) == api::kSuccess &&
         a.set_convolution_math_type(convolution, math) == api::kSuccess;
  }
  ~Descriptors() {
    if (convolution) a.destroy_convolution(convolution);
    if (filter) a.destroy_filter(filter);
    if (output) a.destroy_tensor(output);
    if (input) a.destroy_tensor(input);
  }
  Descriptors(const Descriptors&) = delete;
  Descriptors& operator=(const Descriptors&) = delete;
};

// The algorithm chosen per (problem, dtype, pass, settings), kept for the process.
using Key = std::vector<int>;

Key key_of(const Problem& p, int data_type, Pass pass, int device, const backend::CudnnSettings& s) {
  Key key{p.spatial,       p.N,         p.C, p.K, p.groups, data_type, static_cast<int>(pass), device, s.benchmark,
          s.deterministic, s.allow_tf32};
  for (int d = 0; d < p.spatial; ++d)
    for (int v : {p.input[d], p.filter[d], p.output[d], p.padding[d], p.stride[d], p.dilation[d]}) key.push_back(v);
  return key;
}

std::mutex& cache_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<Key, int>& algorithm_cache() {
  static std::map<Key, int> cache;
  return cache;
}

constexpr int kMaxAlgorithms = 16;

// cuDNN's ranking (heuristics, or measured times when benchmarking), first usable entry; -1 when
// none qualifies.
int choose(const api::Api& a, api::Handle handle, const Descriptors& d, Pass pass,
           const backend::CudnnSettings& settings) {
  api::AlgoPerf results[kMaxAlgorithms] = {};
  int returned = 0;
  api::Status status = 1;
  switch (pass) {
    case Pass::Forward:
      status = (settings.benchmark ? a.forward_find : a.forward_heuristics)(
          handle, d.input, d.filter, d.convolution, d.output, kMaxAlgorithms, &returned, results);
      break;
    case Pass::BackwardData:
      status = (settings.benchmark ? a.backward_data_find : a.backward_data_heuristics)(
          handle, d.filter, d.output, d.convolution, d.input, kMaxAlgorithms, &returned, results);
      break;
    case Pass::BackwardFilter:
      status = (settings.benchmark ? a.backward_filter_find : a.backward_filter_heuristics)(
          handle, d.input, d.output, d.convolution, d.filter, kMaxAlgorithms, &returned, results);
      break;
  }
  if (status != api::kSuccess) return -1;
  for (int i = 0; i < returned && i < kMaxAlgorithms; ++i) {
    if (results[i].status != api::kSuccess) continue;
    if (settings.deterministic && results[i].determinism != api::kDeterministic) continue;
    return results[i].algo;
  }
  return -1;
}

template <typename T>
bool run(Pass pass, T* destination, const T* first, const T* second, const Problem& p) {
  const api::Api* a = api::api();
  if (!a) return false;
  const backend::CudnnSettings settings = backend::cudnn_settings();
  const int device = current_device();
  api::Handle handle = handle_for(*a, device);
  if (!handle || a->set_stream(handle, stream(device)) != api::kSuccess) return false;
  const int data_type = std::is_same_v<T, float> ? api::kFloat : api::kDouble;
  Descriptors d(*a, p, data_type, settings.allow_tf32);
  if (!d.ok) return false;

  const Key key = key_of(p, data_type, pass, device, settings);
  int algorithm = -1;
  {
    std::lock_guard<std::mutex> lock(cache_mutex());
    auto found = algorithm_cache().find(key);
    if (found != algorithm_cache().end()) algorithm = found->second;
  }
  if (algorithm < 0) {
    algorithm = choose(*a, handle, d, pass, settings);
    if (algorithm < 0) return false;
    std::lock_guard<std::mutex> lock(cache_mutex());
    algorithm_cache()[key] = algorithm;
  }

  size_t bytes = 0;
  api::Status status = 1;
  switch (pass) {
    case Pass::Forward:
      status = a->forward_workspace(handle, d.input, d.filter, d.convolution, d.output, algorithm, &bytes);
      break;
    case Pass::BackwardData:
      status = a->backward_data_workspace(handle, d.filter, d.output, d.convolution, d.input, algorithm, &bytes);
      break;
    case Pass::BackwardFilter:
      status = a->backward_filter_workspace(handle, d.input, d.output, d.convolution, d.filter, algorithm, &bytes);
      break;
  }
  if (status != api::kSuccess) return false;
  std::shared_ptr<Storage> workspace;
  if (bytes > 0) workspace = Storage::allocate(bytes, Device(DeviceType::CUDA, device));
  void* space = workspace ? workspace->data() : nullptr;

  const T one = T(1), zero = T(0);
  switch (pass) {
    case Pass::Forward:  // first = input, second = weight
      status = a->forward(handle, &one, d.input, first, d.filter, second, d.convolution, algorithm, space, bytes, &zero,
                          d.output, destination);
      break;
    case Pass::BackwardData:  // first = doutput, second = weight
      status = a->backward_data(handle, &one, d.filter, second, d.output, first, d.convolution, algorithm, space, bytes,
                                &zero, d.input, destination);
      break;
    case Pass::BackwardFilter:  // first = doutput, second = input
      status = a->backward_filter(handle, &one, d.input, second, d.output, first, d.convolution, algorithm, space,
                                  bytes, &zero, d.filter, destination);
      break;
  }
  return status == api::kSuccess;
}

// The descriptors take int strides: whole tensors past 2^31 elements stay on our lowering.
std::optional<Problem> checked(const Problem& p) {
  int64_t input = int64_t{p.N} * p.C, output = int64_t{p.N} * p.K;
  for (int d = 0; d < p.spatial; ++d) {
    input *= p.input[d];
    output *= p.output[d];
  }
  if (!fits_int(input) || !fits_int(output)) return std::nullopt;
  return p;
}

}  // namespace

std::optional<Problem> problem_of(const Conv2dGeometry& g) {
  Problem p{};
  p.spatial = 2;
  if (!fill_counts(p, g.N, g.C, g.K, g.groups) ||
      !fill_axis(p, 0, g.H, g.R, g.P, g.pad_top, g.stride_h, g.dilation_h) ||
      !fill_axis(p, 1, g.W, g.S, g.Q, g.pad_left, g.stride_w, g.dilation_w))
    return std::nullopt;
  return checked(p);
}

std::optional<Problem> problem_of(const Conv3dGeometry& g) {
  Problem p{};
  p.spatial = 3;
  if (!fill_counts(p, g.N, g.C, g.K, g.groups) ||
      !fill_axis(p, 0, g.D, g.U, g.O, g.pad_front, g.stride_d, g.dilation_d) ||
      !fill_axis(p, 1, g.H, g.R, g.P, g.pad_top, g.stride_h, g.dilation_h) ||
      !fill_axis(p, 2, g.W, g.S, g.Q, g.pad_left, g.stride_w, g.dilation_w))
    return std::nullopt;
  return checked(p);
}

bool usable() {
  const ConvAlgorithm preferred = striate::conv_algorithm();
  if (preferred == ConvAlgorithm::Im2colGemm || preferred == ConvAlgorithm::Gemm1x1) return false;
  return backend::cudnn_settings().enabled && api::api() != nullptr;
}

template <typename T>
bool forward(T* output, const T* input, const T* weight, const Problem& problem) {
  return run(Pass::Forward, output, input, weight, problem);
}

template <typename T>
bool backward_data(T* dinput, const T* doutput, const T* weight, const Problem& problem) {
  return run(Pass::BackwardData, dinput, doutput, weight, problem);
}

template <typename T>
bool backward_filter(T* dweight, const T* doutput, const T* input, const Problem& problem) {
  return run(Pass::BackwardFilter, dweight, doutput, input, problem);
}

#define STRIATE_CUDNN_CONV(T)                                             \
  template bool forward<T>(T*, const T*, const T*, const Problem&);       \
  template bool backward_data<T>(T*, const T*, const T*, const Problem&); \
  template bool backward_filter<T>(T*, const T*, const T*, const Problem&);
STRIATE_CUDNN_CONV(float)
STRIATE_CUDNN_CONV(double)
#undef STRIATE_CUDNN_CONV

}  // namespace striate::kernels::cuda::cudnn_conv
