// CUDA reduction kernels over (outer, R, inner) blocks: sums, two-pass variance, max/min with
// indices, the same kernel objects as kernels/cpu/reduce.cpp with the same accumulation types
// (double for floating data, int64 for integers and bool). Two launch shapes:
//   - one block per output when the reduced axis is long (R >= kBlockR) and there are few
//     outputs or the axis is innermost: the block strides over R and combines its threads'
//     partials with block_reduce (a fixed tree: same input, same bits);
//   - one thread per output otherwise, summing R serially (adjacent threads read adjacent
//     columns, so the loads coalesce when inner > 1).
// No atomics: every output is written by one thread.
#include "kernels/cuda/block_reduce.cuh"
#include "kernels/reduce.h"

#include <algorithm>
#include <type_traits>

namespace striate::kernels::cuda {
namespace {

constexpr int64_t kBlockR = 256;
constexpr int64_t kFewOutputs = 16384;
constexpr int64_t kMaxBlocks = 65535 * 8;

template <typename T>
using acc_t = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

bool block_per_output(int64_t outputs, int64_t R, int64_t inner) {
  return R >= kBlockR && (inner == 1 || outputs <= kFewOutputs);
}

unsigned output_blocks(int64_t outputs) { return static_cast<unsigned>(std::min(outputs, kMaxBlocks)); }

template <typename T, typename Out>
__device__ Out finish_sum(acc_t<T> acc, double scale) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<Out>(acc * scale);
  } else {
    return static_cast<Out>(acc);
  }
}

// ---- sum ------------------------------------------------------------------------------------

template <typename T, typename Out>
__global__ void sum_block_kernel(Out* out, const T* x, int64_t outer, int64_t R, int64_t inner, double scale) {
  using Acc = acc_t<T>;
  const int64_t outputs = outer * inner;
  for (int64_t p = blockIdx.x; p < outputs; p += gridDim.x) {
    const int64_t o = p / inner, i = p % inner;
    const T* base = x + o * R * inner + i;
    Acc acc = 0;
    for (int64_t r = threadIdx.x; r < R; r += blockDim.x) acc += static_cast<Acc>(base[r * inner]);
    acc = block_sum<Acc>(acc);
    if (threadIdx.x == 0) out[p] = finish_sum<T, Out>(acc, scale);
  }
}

template <typename T, typename Out>
__global__ void sum_thread_kernel(Out* out, const T* x, int64_t outer, int64_t R, int64_t inner, double scale) {
  using Acc = acc_t<T>;
  const int64_t outputs = outer * inner;
  for (int64_t p = grid_index(); p < outputs; p += grid_step()) {
    const int64_t o = p / inner, i = p % inner;
    const T* base = x + o * R * inner + i;
    Acc acc = 0;
    for (int64_t r = 0; r < R; ++r) acc += static_cast<Acc>(base[r * inner]);
    out[p] = finish_sum<T, Out>(acc, scale);
  }
}

// ---- variance (two passes: the mean, then the squared deviations) ---------------------------

template <typename T>
__device__ T finish_var(double squares, int64_t R, int64_t correction, bool take_sqrt) {
  const double denominator = static_cast<double>(R - correction > 0 ? R - correction : 0);
  const double variance = squares / denominator;
  return static_cast<T>(take_sqrt ? sqrt(variance) : variance);
}

template <typename T>
__global__ void var_block_kernel(T* out, const T* x, int64_t outer, int64_t R, int64_t inner, int64_t correction,
                                 bool take_sqrt) {
  const int64_t outputs = outer * inner;
  const double inverse_R = 1.0 / static_cast<double>(R);
  for (int64_t p = blockIdx.x; p < outputs; p += gridDim.x) {
    const int64_t o = p / inner, i = p % inner;
    const T* base = x + o * R * inner + i;
    double acc = 0;
    for (int64_t r = threadIdx.x; r < R; r += blockDim.x) acc += static_cast<double>(base[r * inner]);
    const double mean = block_sum<double>(acc) * inverse_R;
    double squares = 0;
    for (int64_t r = threadIdx.x; r < R; r += blockDim.x) {
      const double centered = static_cast<double>(base[r * inner]) - mean;
      squares += centered * centered;
    }
    squares = block_sum<double>(squares);
    if (threadIdx.x == 0) out[p] = finish_var<T>(squares, R, correction, take_sqrt);
  }
}

template <typename T>
__global__ void var_thread_kernel(T* out, const T* x, int64_t outer, int64_t R, int64_t inner, int64_t correction,
                                  bool take_sqrt) {
  const int64_t outputs = outer * inner;
  const double inverse_R = 1.0 / static_cast<double>(R);
  for (int64_t p = grid_index(); p < outputs; p += grid_step()) {
    const int64_t o = p / inner, i = p % inner;
    const T* base = x + o * R * inner + i;
    double acc = 0;
    for (int64_t r = 0; r < R; ++r) acc += static_cast<double>(base[r * inner]);
    const double mean = acc * inverse_R;
    double squares = 0;
    for (int64_t r = 0; r < R; ++r) {
      const double centered = static_cast<double>(base[r * inner]) - mean;
      squares += centered * centered;
    }
    out[p] = finish_var<T>(squares, R, correction, take_sqrt);
  }
}

// ---- max / min with indices -----------------------------------------------------------------

template <typename T>
struct ExtremeCombine {
  bool is_max;
  __device__ Extreme<T> operator()(const Extreme<T>& a, const Extreme<T>& b) const {
    return extreme_combine(a, b, is_max);
  }
};

template <typename T>
__global__ void extreme_block_kernel(T* values, int64_t* indices, const T* x, int64_t outer, int64_t R, int64_t inner,
                                     bool is_max) {
  __shared__ Extreme<T> shared[kThreads];
  const int64_t outputs = outer * inner;
  for (int64_t p = blockIdx.x; p < outputs; p += gridDim.x) {
    const int64_t o = p / inner, i = p % inner;
    const T* base = x + o * R * inner + i;
    Extreme<T> best{T(0), -1};
    for (int64_t r = threadIdx.x; r < R; r += blockDim.x)
      best = extreme_combine(best, Extreme<T>{base[r * inner], r}, is_max);
    best = block_reduce(best, shared, ExtremeCombine<T>{is_max});
    if (threadIdx.x == 0) {
      values[p] = best.value;
      indices[p] = best.index;
    }
  }
}

template <typename T>
__global__ void extreme_thread_kernel(T* values, int64_t* indices, const T* x, int64_t outer, int64_t R, int64_t inner,
                                      bool is_max) {
  const int64_t outputs = outer * inner;
  for (int64_t p = grid_index(); p < outputs; p += grid_step()) {
    const int64_t o = p / inner, i = p % inner;
    const T* base = x + o * R * inner + i;
    Extreme<T> best{T(0), -1};
    for (int64_t r = 0; r < R; ++r) best = extreme_combine(best, Extreme<T>{base[r * inner], r}, is_max);
    values[p] = best.value;
    indices[p] = best.index;
  }
}

}  // namespace

template <typename T, typename Out>
void sum_reduce(Out* out, const T* x, int64_t outer, int64_t R, int64_t inner, double scale) {
  const int64_t outputs = outer * inner;
  if (outputs == 0) return;
  if (block_per_output(outputs, R, inner)) {
    sum_block_kernel<T, Out><<<output_blocks(outputs), kThreads, 0, current_stream()>>>(out, x, outer, R, inner, scale);
  } else {
    sum_thread_kernel<T, Out><<<blocks_for(outputs), kThreads, 0, current_stream()>>>(out, x, outer, R, inner, scale);
  }
  backend::cuda_check_launch("sum_reduce");
}

template <typename T>
void var_reduce(T* out, const T* x, int64_t outer, int64_t R, int64_t inner, int64_t correction, bool take_sqrt) {
  const int64_t outputs = outer * inner;
  if (outputs == 0) return;
  if (block_per_output(outputs, R, inner)) {
    var_block_kernel<T>
        <<<output_blocks(outputs), kThreads, 0, current_stream()>>>(out, x, outer, R, inner, correction, take_sqrt);
  } else {
    var_thread_kernel<T>
        <<<blocks_for(outputs), kThreads, 0, current_stream()>>>(out, x, outer, R, inner, correction, take_sqrt);
  }
  backend::cuda_check_launch("var_reduce");
}

template <typename T>
void extreme_reduce(T* values, int64_t* indices, const T* x, int64_t outer, int64_t R, int64_t inner, bool is_max) {
  const int64_t outputs = outer * inner;
  if (outputs == 0) return;
  if (block_per_output(outputs, R, inner)) {
    extreme_block_kernel<T>
        <<<output_blocks(outputs), kThreads, 0, current_stream()>>>(values, indices, x, outer, R, inner, is_max);
  } else {
    extreme_thread_kernel<T>
        <<<blocks_for(outputs), kThreads, 0, current_stream()>>>(values, indices, x, outer, R, inner, is_max);
  }
  backend::cuda_check_launch("extreme_reduce");
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sum_reduce<float, float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sum_reduce<double, double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sum_reduce<int64_t, int64_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sum_reduce<uint8_t, int64_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sum_reduce<bool, int64_t>);

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, var_reduce<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, var_reduce<double>);

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, extreme_reduce<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, extreme_reduce<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, extreme_reduce<int64_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, extreme_reduce<uint8_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, extreme_reduce<bool>);

}  // namespace striate::kernels::cuda
