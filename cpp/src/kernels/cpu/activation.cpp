// CPU activation kernels: elementwise relu / sigmoid / tanh and their backward, and softmax /
// log_softmax along the C axis of (outer, C, inner) blocks (rows when inner == 1, column blocks
// otherwise, so the innermost loop is always contiguous).
#include "kernels/activation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

constexpr int64_t kGrain = 16384;
constexpr int64_t kBlock = 256;

template <typename F>
void elementwise(int64_t n, const F& body) {
  parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) body(i);
  });
}

// Calls block_fn(o, first, width) to every block of up to kBlock columns of every outer slice.
template <typename F>
void for_each_column_block(int64_t outer, int64_t C, int64_t inner, const F& block_fn) {
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(1, C * std::min(inner, kBlock)));
  parallel_for(0, outer * blocks, grain, [&](int64_t begin, int64_t end) {
    for (int64_t work = begin; work < end; ++work) {
      const int64_t first = (work % blocks) * kBlock;
      block_fn(work / blocks, first, std::min(kBlock, inner - first));
    }
  });
}

template <typename T>
void softmax_row(T* y, const T* x, int64_t C, bool log) {
  T max_value = -std::numeric_limits<T>::infinity();
  for (int64_t c = 0; c < C; ++c) max_value = std::max(max_value, x[c]);
  double total = 0;
  for (int64_t c = 0; c < C; ++c) {
    const T e = std::exp(x[c] - max_value);
    total += e;
    if (!log) y[c] = e;
  }
  if (log) {
    // (x - max) - log(total), not x - (max + log(total)): the latter rounds large logits.
    const T log_total = static_cast<T>(std::log(total));
    for (int64_t c = 0; c < C; ++c) y[c] = (x[c] - max_value) - log_total;
  } else {
    const T scale = static_cast<T>(1.0 / total);
    for (int64_t c = 0; c < C; ++c) y[c] *= scale;
  }
}

// Softmax over C for `width` columns starting at x (column stride 1, C stride `inner`).
template <typename T>
void softmax_columns(T* y, const T* x, int64_t C, int64_t inner, int64_t width, bool log) {
  T max_value[kBlock];
  double total[kBlock];
  std::fill(max_value, max_value + width, -std::numeric_limits<T>::infinity());
  std::fill(total, total + width, 0.0);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t i = 0; i < width; ++i) max_value[i] = std::max(max_value[i], x[c * inner + i]);
  for (int64_t c = 0; c < C; ++c) {
    for (int64_t i = 0; i < width; ++i) {
      const T e = std::exp(x[c * inner + i] - max_value[i]);
      total[i] += e;
      if (!log) y[c * inner + i] = e;
    }
  }
  if (log) {
    T log_total[kBlock];
    for (int64_t i = 0; i < width; ++i) log_total[i] = static_cast<T>(std::log(total[i]));
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < width; ++i) y[c * inner + i] = (x[c * inner + i] - max_value[i]) - log_total[i];
  } else {
    T scale[kBlock];
    for (int64_t i = 0; i < width; ++i) scale[i] = static_cast<T>(1.0 / total[i]);
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < width; ++i) y[c * inner + i] *= scale[i];
  }
}

// Backward over C for `width` columns (width 1 and inner 1 for a row).
template <typename T>
void softmax_backward_columns(T* dx, const T* dy, const T* y, int64_t C, int64_t inner, int64_t width, bool log) {
  double dot[kBlock];
  std::fill(dot, dot + width, 0.0);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t i = 0; i < width; ++i) {
      const int64_t p = c * inner + i;
      dot[i] += log ? dy[p] : dy[p] * y[p];
    }
  for (int64_t c = 0; c < C; ++c)
    for (int64_t i = 0; i < width; ++i) {
      const int64_t p = c * inner + i;
      const T s = static_cast<T>(dot[i]);
      dx[p] = log ? dy[p] - std::exp(y[p]) * s : y[p] * (dy[p] - s);
    }
}

}  // namespace

template <typename T>
void relu_forward(T* y, const T* x, int64_t n) {
  // x > 0 ? x : 0 keeps NaN as NaN, as PyTorch does.
  elementwise(n, [&](int64_t i) { y[i] = x[i] > T(0) || std::isnan(x[i]) ? x[i] : T(0); });
}

template <typename T>
void relu_backward(T* dx, const T* dy, const T* y, int64_t n) {
  elementwise(n, [&](int64_t i) { dx[i] = y[i] > T(0) ? dy[i] : T(0); });
}

template <typename T>
void sigmoid_forward(T* y, const T* x, int64_t n) {
  elementwise(n, [&](int64_t i) { y[i] = T(1) / (T(1) + std::exp(-x[i])); });
}

template <typename T>
void sigmoid_backward(T* dx, const T* dy, const T* y, int64_t n) {
  elementwise(n, [&](int64_t i) { dx[i] = dy[i] * y[i] * (T(1) - y[i]); });
}

template <typename T>
void tanh_forward(T* y, const T* x, int64_t n) {
  elementwise(n, [&](int64_t i) { y[i] = std::tanh(x[i]); });
}

template <typename T>
void tanh_backward(T* dx, const T* dy, const T* y, int64_t n) {
  elementwise(n, [&](int64_t i) { dx[i] = dy[i] * (T(1) - y[i] * y[i]); });
}

template <typename T>
void softmax_forward(T* y, const T* x, int64_t outer, int64_t C, int64_t inner, bool log) {
  if (inner == 1) {
    parallel_for(0, outer, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, C)), [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) softmax_row(y + o * C, x + o * C, C, log);
    });
    return;
  }
  for_each_column_block(outer, C, inner, [&](int64_t o, int64_t first, int64_t width) {
    const int64_t base = o * C * inner + first;
    softmax_columns(y + base, x + base, C, inner, width, log);
  });
}

template <typename T>
void softmax_backward(T* dx, const T* dy, const T* y, int64_t outer, int64_t C, int64_t inner, bool log) {
  for_each_column_block(outer, C, inner, [&](int64_t o, int64_t first, int64_t width) {
    const int64_t base = o * C * inner + first;
    softmax_backward_columns(dx + base, dy + base, y + base, C, inner, width, log);
  });
}

#define STRIATE_INSTANTIATE_ACTIVATION(T)                                                   \
  template void relu_forward<T>(T*, const T*, int64_t);                                     \
  template void relu_backward<T>(T*, const T*, const T*, int64_t);                          \
  template void sigmoid_forward<T>(T*, const T*, int64_t);                                  \
  template void sigmoid_backward<T>(T*, const T*, const T*, int64_t);                       \
  template void tanh_forward<T>(T*, const T*, int64_t);                                     \
  template void tanh_backward<T>(T*, const T*, const T*, int64_t);                          \
  template void softmax_forward<T>(T*, const T*, int64_t, int64_t, int64_t, bool);          \
  template void softmax_backward<T>(T*, const T*, const T*, int64_t, int64_t, int64_t, bool);
STRIATE_INSTANTIATE_ACTIVATION(float)
STRIATE_INSTANTIATE_ACTIVATION(double)
#undef STRIATE_INSTANTIATE_ACTIVATION

}  // namespace striate::kernels::cpu
