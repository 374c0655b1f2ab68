// The fused optimizer updates on the CPU: the group's tensors are laid end to end and the
// elements split over threads in fixed chunks; each chunk runs the SIMD update of
// vector_math.h on the pieces of the tensors it covers. Every element's update is independent,
// so the result does not depend on the thread count. float16 / bfloat16 pieces are widened to
// float32 in blocks of kStage elements, updated by the float32 SIMD kernel, and rounded back.
#include "kernels/optimizer.h"

#include <algorithm>
#include <vector>

#include "kernels/cpu/vector_math.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

constexpr int64_t kGrain = 32768;
constexpr int64_t kStage = 256;

template <typename T>
void widen(const T* from, float* to, int64_t n) {
  for (int64_t i = 0; i < n; ++i) to[i] = static_cast<float>(from[i]);
}
template <typename T>
void round_to(const float* from, T* to, int64_t n) {
  for (int64_t i = 0; i < n; ++i) to[i] = static_cast<T>(from[i]);
}

// Calls span(tensor index, offset, count) for every piece of the concatenated tensors.
template <typename Tensors, typename Span>
void for_each_piece(const Tensors* tensors, int64_t count, const Span& span) {
  std::vector<int64_t> starts(count + 1, 0);
  for (int64_t t = 0; t < count; ++t) starts[t + 1] = starts[t] + tensors[t].n;
  parallel_for(0, starts[count], kGrain, [&](int64_t begin, int64_t end) {
    int64_t t = std::upper_bound(starts.begin(), starts.end(), begin) - starts.begin() - 1;
    for (int64_t at = begin; at < end; ++t) {
      const int64_t stop = std::min(end, starts[t + 1]);
      if (stop > at) span(t, at - starts[t], stop - at);
      at = std::max(at, stop);
    }
  });
}

// The 16-bit update: each block widened, updated in float32, rounded back.
template <typename T>
void sgd_update_reduced(const SgdTensor<T>* tensors, int64_t count, const SgdScalars<float>& scalars) {
  const auto& vk = vector_kernels<float>();
  for_each_piece(tensors, count, [&](int64_t t, int64_t offset, int64_t n) {
    const SgdTensor<T>& x = tensors[t];
    float p[kStage], g[kStage], buffer[kStage];
    for (int64_t at = offset; at < offset + n; at += kStage) {
      const int64_t m = std::min(kStage, offset + n - at);
      widen(x.param + at, p, m);
      widen(x.grad + at, g, m);
      if (x.momentum_buffer && !x.first) widen(x.momentum_buffer + at, buffer, m);  // a first buffer is unset
      vk.sgd_update(p, g, x.momentum_buffer ? buffer : nullptr, m, scalars, x.first);
      round_to(p, x.param + at, m);
      if (x.momentum_buffer) round_to(buffer, x.momentum_buffer + at, m);
    }
  });
}

template <typename T>
void adam_update_reduced(const AdamTensor<T>* tensors, int64_t count) {
  const auto& vk = vector_kernels<float>();
  for_each_piece(tensors, count, [&](int64_t t, int64_t offset, int64_t n) {
    const AdamTensor<T>& x = tensors[t];
    float p[kStage], g[kStage], m1[kStage], m2[kStage], m2_max[kStage];
    for (int64_t at = offset; at < offset + n; at += kStage) {
      const int64_t m = std::min(kStage, offset + n - at);
      widen(x.param + at, p, m);
      widen(x.grad + at, g, m);
      widen(x.exp_avg + at, m1, m);
      widen(x.exp_avg_sq + at, m2, m);
      if (x.max_exp_avg_sq) widen(x.max_exp_avg_sq + at, m2_max, m);
      vk.adam_update(p, g, m1, m2, x.max_exp_avg_sq ? m2_max : nullptr, m, x.scalars);
      round_to(p, x.param + at, m);
      round_to(m1, x.exp_avg + at, m);
      round_to(m2, x.exp_avg_sq + at, m);
      if (x.max_exp_avg_sq) round_to(m2_max, x.max_exp_avg_sq + at, m);
    }
  });
}

}  // namespace

template <typename T>
void sgd_update(const SgdTensor<T>* tensors, int64_t count, const SgdScalars<opmath_t<T>>& scalars) {
  if constexpr (is_reduced_float_v<T>) {
    sgd_update_reduced(tensors, count, scalars);
  } else {
    const auto& vk = vector_kernels<T>();
    for_each_piece(tensors, count, [&](int64_t t, int64_t offset, int64_t n) {
      const SgdTensor<T>& x = tensors[t];
      vk.sgd_update(x.param + offset, x.grad + offset, x.momentum_buffer ? x.momentum_buffer + offset : nullptr, n,
                    scalars, x.first);
    });
  }
}

template <typename T>
void adam_update(const AdamTensor<T>* tensors, int64_t count) {
  if constexpr (is_reduced_float_v<T>) {
    adam_update_reduced(tensors, count);
  } else {
    const auto& vk = vector_kernels<T>();
    for_each_piece(tensors, count, [&](int64_t t, int64_t offset, int64_t n) {
      const AdamTensor<T>& x = tensors[t];
      vk.adam_update(x.param + offset, x.grad + offset, x.exp_avg + offset, x.exp_avg_sq + offset,
                     x.max_exp_avg_sq ? x.max_exp_avg_sq + offset : nullptr, n, x.scalars);
    });
  }
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sgd_update<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sgd_update<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, adam_update<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, adam_update<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sgd_update<Half>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sgd_update<BFloat16>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, adam_update<Half>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, adam_update<BFloat16>);

}  // namespace striate::kernels::cpu
