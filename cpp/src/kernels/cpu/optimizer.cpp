// The fused optimizer updates on the CPU: the group's tensors are laid end to end and the
// elements split over threads in fixed chunks; each chunk runs the SIMD update of
// vector_math.h on the pieces of the tensors it covers. Every element's update is independent,
// so the result does not depend on the thread count.
#include "kernels/optimizer.h"

#include <algorithm>
#include <vector>

#include "kernels/cpu/vector_math.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

constexpr int64_t kGrain = 32768;

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

}  // namespace

template <typename T>
void sgd_update(const SgdTensor<T>* tensors, int64_t count, const SgdScalars<T>& scalars) {
  const auto& vk = vector_kernels<T>();
  for_each_piece(tensors, count, [&](int64_t t, int64_t offset, int64_t n) {
    const SgdTensor<T>& x = tensors[t];
    vk.sgd_update(x.param + offset, x.grad + offset, x.momentum_buffer ? x.momentum_buffer + offset : nullptr, n,
                  scalars, x.first);
  });
}

template <typename T>
void adam_update(const AdamTensor<T>* tensors, int64_t count) {
  const auto& vk = vector_kernels<T>();
  for_each_piece(tensors, count, [&](int64_t t, int64_t offset, int64_t n) {
    const AdamTensor<T>& x = tensors[t];
    vk.adam_update(x.param + offset, x.grad + offset, x.exp_avg + offset, x.exp_avg_sq + offset,
                   x.max_exp_avg_sq ? x.max_exp_avg_sq + offset : nullptr, n, x.scalars);
  });
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sgd_update<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sgd_update<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, adam_update<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, adam_update<double>);

}  // namespace striate::kernels::cpu
