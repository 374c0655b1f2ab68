// CPU activation kernels: elementwise relu / sigmoid / tanh and the parameterized pointwise
// family with their backward, and softmax / log_softmax along the C axis of (outer, C, inner)
// blocks (rows when inner == 1, column blocks otherwise, so the innermost loop is always
// contiguous). The loops are the SIMD span kernels of vector_math.h; this file splits the work
// over threads (whole tensors below a grain stay on the calling thread).
#include "kernels/activation.h"

#include <algorithm>

#include "kernels/cpu/vector_math.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

// Elements per thread chunk: memory-bound loops, and loops with a transcendental per element.
constexpr int64_t kGrain = 32768;
constexpr int64_t kTranscendentalGrain = 4096;
constexpr int64_t kBlock = 256;

template <typename F>
void in_chunks(int64_t n, int64_t grain, const F& span) {
  parallel_for(0, n, grain, [&](int64_t begin, int64_t end) { span(begin, end - begin); });
}

// Calls block_fn(o, first, width) to every block of up to kBlock columns of every outer slice.
template <typename F>
void for_each_column_block(int64_t outer, int64_t C, int64_t inner, const F& block_fn) {
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const int64_t grain = std::max<int64_t>(1, kTranscendentalGrain / std::max<int64_t>(1, C * std::min(inner, kBlock)));
  parallel_for(0, outer * blocks, grain, [&](int64_t begin, int64_t end) {
    for (int64_t work = begin; work < end; ++work) {
      const int64_t first = (work % blocks) * kBlock;
      block_fn(work / blocks, first, std::min(kBlock, inner - first));
    }
  });
}

bool has_transcendental(PointwiseActivation kind) {
  switch (kind) {
    case PointwiseActivation::Hardtanh:
    case PointwiseActivation::LeakyRelu:
    case PointwiseActivation::Hardswish: return false;
    default: return true;
  }
}

}  // namespace

template <typename T>
void relu_forward(T* y, const T* x, int64_t n) {
  // x > 0 ? x : 0 keeps NaN as NaN, as PyTorch does.
  const auto& vk = vector_kernels<T>();
  in_chunks(n, kGrain, [&](int64_t i, int64_t count) { vk.relu_forward(y + i, x + i, count); });
}

template <typename T>
void relu_backward(T* dx, const T* dy, const T* y, int64_t n) {
  const auto& vk = vector_kernels<T>();
  in_chunks(n, kGrain, [&](int64_t i, int64_t count) { vk.relu_backward(dx + i, dy + i, y + i, count); });
}

template <typename T>
void sigmoid_forward(T* y, const T* x, int64_t n) {
  const auto& vk = vector_kernels<T>();
  in_chunks(n, kTranscendentalGrain,
            [&](int64_t i, int64_t count) { vk.map(VectorFunction::Sigmoid, y + i, x + i, count); });
}

template <typename T>
void sigmoid_backward(T* dx, const T* dy, const T* y, int64_t n) {
  const auto& vk = vector_kernels<T>();
  in_chunks(n, kGrain, [&](int64_t i, int64_t count) { vk.sigmoid_backward(dx + i, dy + i, y + i, count); });
}

template <typename T>
void tanh_forward(T* y, const T* x, int64_t n) {
  const auto& vk = vector_kernels<T>();
  in_chunks(n, kTranscendentalGrain,
            [&](int64_t i, int64_t count) { vk.map(VectorFunction::Tanh, y + i, x + i, count); });
}

template <typename T>
void tanh_backward(T* dx, const T* dy, const T* y, int64_t n) {
  const auto& vk = vector_kernels<T>();
  in_chunks(n, kGrain, [&](int64_t i, int64_t count) { vk.tanh_backward(dx + i, dy + i, y + i, count); });
}

template <typename T>
void softmax_forward(T* y, const T* x, int64_t outer, int64_t C, int64_t inner, bool log) {
  const auto& vk = vector_kernels<T>();
  if (inner == 1) {
    parallel_for(0, outer, std::max<int64_t>(1, kTranscendentalGrain / std::max<int64_t>(1, C)),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t o = begin; o < end; ++o) vk.softmax_forward(y + o * C, x + o * C, C, 1, 1, log);
                 });
    return;
  }
  for_each_column_block(outer, C, inner, [&](int64_t o, int64_t first, int64_t width) {
    const int64_t base = o * C * inner + first;
    vk.softmax_forward(y + base, x + base, C, inner, width, log);
  });
}

template <typename T>
void softmax_backward(T* dx, const T* dy, const T* y, int64_t outer, int64_t C, int64_t inner, bool log) {
  const auto& vk = vector_kernels<T>();
  if (inner == 1) {
    parallel_for(0, outer, std::max<int64_t>(1, kTranscendentalGrain / std::max<int64_t>(1, C)),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t o = begin; o < end; ++o)
                     vk.softmax_backward(dx + o * C, dy + o * C, y + o * C, C, 1, 1, log);
                 });
    return;
  }
  for_each_column_block(outer, C, inner, [&](int64_t o, int64_t first, int64_t width) {
    const int64_t base = o * C * inner + first;
    vk.softmax_backward(dx + base, dy + base, y + base, C, inner, width, log);
  });
}

// ---- parameterized pointwise activations (formulas in vector_math_kernels.h) -----------------

template <typename T>
void pointwise_activation_forward(T* y, const T* x, int64_t n, PointwiseActivation kind, double a, double b) {
  const auto& vk = vector_kernels<T>();
  const T A = static_cast<T>(a), B = static_cast<T>(b);
  in_chunks(n, has_transcendental(kind) ? kTranscendentalGrain : kGrain,
            [&](int64_t i, int64_t count) { vk.pointwise_forward(y + i, x + i, count, kind, A, B); });
}

template <typename T>
void pointwise_activation_backward(T* dx, const T* dy, const T* x, int64_t n, PointwiseActivation kind, double a,
                                   double b) {
  const auto& vk = vector_kernels<T>();
  const T A = static_cast<T>(a), B = static_cast<T>(b);
  in_chunks(n, has_transcendental(kind) ? kTranscendentalGrain : kGrain,
            [&](int64_t i, int64_t count) { vk.pointwise_backward(dx + i, dy + i, x + i, count, kind, A, B); });
}

#define STRIATE_IMPLEMENT_ACTIVATION(T)                                       \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, relu_forward<T>);                 \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, relu_backward<T>);                \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sigmoid_forward<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sigmoid_backward<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, tanh_forward<T>);                 \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, tanh_backward<T>);                \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, softmax_forward<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, softmax_backward<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, pointwise_activation_forward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, pointwise_activation_backward<T>);
STRIATE_IMPLEMENT_ACTIVATION(float)
STRIATE_IMPLEMENT_ACTIVATION(double)
#undef STRIATE_IMPLEMENT_ACTIVATION

}  // namespace striate::kernels::cpu
