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

// ---- parameterized pointwise activations ----------------------------------------------------

namespace {

// SELU's constants (Klambauer et al. 2017), as PyTorch rounds them.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSqrtHalf = 0.70710678118654752440;     // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;   // 1 / sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.79788456080286535588;  // sqrt(2 / pi)
constexpr double kGeluCubic = 0.044715;

template <typename T>
T stable_sigmoid(T x) {
  // exp of a non-positive argument only, so neither branch overflows.
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

// value_at captures by value and is copied per chunk: a private copy's scalars stay in registers,
// whereas stores through out could alias a captured-by-reference float and block vectorization.
template <typename T, typename F>
void map_into(T* out, int64_t n, const F& value_at) {
  parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
    const F value = value_at;
    T* y = out;
    for (int64_t i = begin; i < end; ++i) y[i] = value(i);
  });
}

}  // namespace

template <typename T>
void pointwise_activation_forward(T* y, const T* x, int64_t n, PointwiseActivation kind, double a, double b) {
  const T A = static_cast<T>(a), B = static_cast<T>(b);
  switch (kind) {
    case PointwiseActivation::Hardtanh:
      // Comparisons written so that NaN passes through, as clamp does.
      map_into(y, n, [=](int64_t i) { return x[i] < A ? A : (x[i] > B ? B : x[i]); });
      return;
    case PointwiseActivation::LeakyRelu:
      map_into(y, n, [=](int64_t i) { return x[i] > T(0) ? x[i] : x[i] * A; });
      return;
    case PointwiseActivation::Elu:
      map_into(y, n, [=](int64_t i) { return x[i] > T(0) ? x[i] : A * std::expm1(x[i]); });
      return;
    case PointwiseActivation::Selu:
      map_into(y, n, [=](int64_t i) {
        return static_cast<T>(kSeluScale) * (x[i] > T(0) ? x[i] : static_cast<T>(kSeluAlpha) * std::expm1(x[i]));
      });
      return;
    case PointwiseActivation::Gelu:
      map_into(y, n, [=](int64_t i) { return T(0.5) * x[i] * (T(1) + std::erf(x[i] * static_cast<T>(kSqrtHalf))); });
      return;
    case PointwiseActivation::GeluTanh:
      map_into(y, n, [=](int64_t i) {
        const T inner = static_cast<T>(kSqrt2OverPi) * (x[i] + static_cast<T>(kGeluCubic) * x[i] * x[i] * x[i]);
        return T(0.5) * x[i] * (T(1) + std::tanh(inner));
      });
      return;
    case PointwiseActivation::Silu: map_into(y, n, [=](int64_t i) { return x[i] * stable_sigmoid(x[i]); }); return;
    case PointwiseActivation::Softplus:
      // Above the threshold softplus is x to working precision; log1p(exp(.)) would overflow.
      map_into(y, n, [=](int64_t i) { return x[i] * A > B ? x[i] : std::log1p(std::exp(x[i] * A)) / A; });
      return;
    case PointwiseActivation::AbsTanh: map_into(y, n, [=](int64_t i) { return std::abs(std::tanh(x[i])); }); return;
    case PointwiseActivation::Hardswish:
      map_into(y, n, [=](int64_t i) { return x[i] * std::min(std::max(x[i] + T(3), T(0)), T(6)) / T(6); });
      return;
  }
}

template <typename T>
void pointwise_activation_backward(T* dx, const T* dy, const T* x, int64_t n, PointwiseActivation kind, double a,
                                   double b) {
  const T A = static_cast<T>(a), B = static_cast<T>(b);
  switch (kind) {
    case PointwiseActivation::Hardtanh:
      map_into(dx, n, [=](int64_t i) { return x[i] <= A || x[i] >= B ? T(0) : dy[i]; });
      return;
    case PointwiseActivation::LeakyRelu:
      map_into(dx, n, [=](int64_t i) { return x[i] > T(0) ? dy[i] : dy[i] * A; });
      return;
    case PointwiseActivation::Elu:
      map_into(dx, n, [=](int64_t i) { return x[i] > T(0) ? dy[i] : dy[i] * A * std::exp(x[i]); });
      return;
    case PointwiseActivation::Selu:
      map_into(dx, n, [=](int64_t i) {
        return dy[i] * static_cast<T>(kSeluScale) * (x[i] > T(0) ? T(1) : static_cast<T>(kSeluAlpha) * std::exp(x[i]));
      });
      return;
    case PointwiseActivation::Gelu:
      // d/dx x Phi(x) = Phi(x) + x phi(x).
      map_into(dx, n, [=](int64_t i) {
        const T cdf = T(0.5) * (T(1) + std::erf(x[i] * static_cast<T>(kSqrtHalf)));
        const T pdf = static_cast<T>(kInvSqrt2Pi) * std::exp(T(-0.5) * x[i] * x[i]);
        return dy[i] * (cdf + x[i] * pdf);
      });
      return;
    case PointwiseActivation::GeluTanh:
      map_into(dx, n, [=](int64_t i) {
        const T x2 = x[i] * x[i];
        const T t = std::tanh(static_cast<T>(kSqrt2OverPi) * (x[i] + static_cast<T>(kGeluCubic) * x2 * x[i]));
        const T dinner = static_cast<T>(kSqrt2OverPi) * (T(1) + T(3) * static_cast<T>(kGeluCubic) * x2);
        return dy[i] * (T(0.5) * (T(1) + t) + T(0.5) * x[i] * (T(1) - t * t) * dinner);
      });
      return;
    case PointwiseActivation::Silu:
      map_into(dx, n, [=](int64_t i) {
        const T s = stable_sigmoid(x[i]);
        return dy[i] * s * (T(1) + x[i] * (T(1) - s));
      });
      return;
    case PointwiseActivation::Softplus:
      map_into(dx, n, [=](int64_t i) { return x[i] * A > B ? dy[i] : dy[i] * stable_sigmoid(x[i] * A); });
      return;
    case PointwiseActivation::AbsTanh:
      // sign(tanh x) (1 - tanh^2 x), 0 at x = 0 as abs's subgradient there.
      map_into(dx, n, [=](int64_t i) {
        const T t = std::tanh(x[i]);
        const T sign = t > T(0) ? T(1) : (t < T(0) ? T(-1) : T(0));
        return dy[i] * sign * (T(1) - t * t);
      });
      return;
    case PointwiseActivation::Hardswish:
      // x / 3 + 1 / 2 strictly inside (-3, 3); at the kinks the outer pieces, as PyTorch.
      map_into(dx, n, [=](int64_t i) {
        return x[i] <= T(-3) ? T(0) : (x[i] < T(3) ? dy[i] * (x[i] / T(3) + T(0.5)) : dy[i]);
      });
      return;
  }
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
