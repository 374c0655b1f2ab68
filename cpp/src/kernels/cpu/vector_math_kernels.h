// The inner loops of vector_math.h, written once over Simd<T, bytes> and compiled by each
// vector_math_<isa>.cpp under its own flags. Elementwise loops run whole vectors and finish the
// tail through a padded buffer, so every element sees the same instructions wherever it sits.
// The optimizer updates repeat the op-by-op update's roundings exactly (these files build with
// -ffp-contract=off: a multiply-add is fused only where written S::fma), so the fused step gives
// the same bits.
#pragma once
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "kernels/cpu/vector_math.h"
#include "kernels/cpu/vector_math_functions.h"

namespace striate::kernels::cpu {
namespace {

// Elementwise drivers: out[i] = f(in...[i]) over n elements, tails through padded buffers.
template <typename S, typename F>
inline void map_unary(typename S::Value* y, const typename S::Value* x, int64_t n, const F& f) {
  using T = typename S::Value;
  constexpr int L = S::kLanes;
  int64_t i = 0;
  for (; i + L <= n; i += L) S::store(y + i, f(S::load(x + i)));
  if (i == n) return;
  T in[L] = {}, out[L];
  for (int64_t j = i; j < n; ++j) in[j - i] = x[j];
  S::store(out, f(S::load(in)));
  for (int64_t j = i; j < n; ++j) y[j] = out[j - i];
}

template <typename S, typename F>
inline void map_binary(typename S::Value* y, const typename S::Value* a, const typename S::Value* b, int64_t n,
                       const F& f) {
  using T = typename S::Value;
  constexpr int L = S::kLanes;
  int64_t i = 0;
  for (; i + L <= n; i += L) S::store(y + i, f(S::load(a + i), S::load(b + i)));
  if (i == n) return;
  T in_a[L] = {}, in_b[L] = {}, out[L];
  for (int64_t j = i; j < n; ++j) {
    in_a[j - i] = a[j];
    in_b[j - i] = b[j];
  }
  S::store(out, f(S::load(in_a), S::load(in_b)));
  for (int64_t j = i; j < n; ++j) y[j] = out[j - i];
}

template <typename S>
inline typename S::Value horizontal_max(typename S::Vector v) {
  typename S::Value best = v[0];
  for (int lane = 1; lane < S::kLanes; ++lane) best = v[lane] > best ? v[lane] : best;
  return best;
}

template <typename S>
inline double horizontal_sum(typename S::Vector v) {
  double total = 0;
  for (int lane = 0; lane < S::kLanes; ++lane) total += v[lane];
  return total;
}

// A NaN-keeping relu: y where y > 0 or y is NaN, else +0.
template <typename S>
inline typename S::Vector relu(typename S::Vector y) {
  return S::select((y > S::broadcast(0)) | (y != y), y, S::broadcast(0));
}

template <typename S>
void map_function(VectorFunction f, typename S::Value* y, const typename S::Value* x, int64_t n) {
  // One loop per function, so the switch is not inside the hot loop.
  switch (f) {
    case VectorFunction::Exp: map_unary<S>(y, x, n, [](auto v) { return vexp<S>(v); }); return;
    case VectorFunction::Expm1: map_unary<S>(y, x, n, [](auto v) { return vexpm1<S>(v); }); return;
    case VectorFunction::Log: map_unary<S>(y, x, n, [](auto v) { return vlog<S>(v); }); return;
    case VectorFunction::Log1p: map_unary<S>(y, x, n, [](auto v) { return vlog1p<S>(v); }); return;
    case VectorFunction::Tanh: map_unary<S>(y, x, n, [](auto v) { return vtanh<S>(v); }); return;
    case VectorFunction::Sigmoid: map_unary<S>(y, x, n, [](auto v) { return vsigmoid<S>(v); }); return;
    case VectorFunction::Erf: map_unary<S>(y, x, n, [](auto v) { return verf<S>(v); }); return;
  }
}

// ---- activations ------------------------------------------------------------------------------

template <typename S>
void relu_forward(typename S::Value* y, const typename S::Value* x, int64_t n) {
  map_unary<S>(y, x, n, [](auto v) { return relu<S>(v); });
}

template <typename S>
void relu_backward(typename S::Value* dx, const typename S::Value* dy, const typename S::Value* y, int64_t n) {
  map_binary<S>(dx, dy, y, n, [](auto g, auto v) { return S::select(v > S::broadcast(0), g, S::broadcast(0)); });
}

template <typename S>
void sigmoid_backward(typename S::Value* dx, const typename S::Value* dy, const typename S::Value* y, int64_t n) {
  map_binary<S>(dx, dy, y, n, [](auto g, auto v) { return g * v * (S::broadcast(1) - v); });
}

template <typename S>
void tanh_backward(typename S::Value* dx, const typename S::Value* dy, const typename S::Value* y, int64_t n) {
  map_binary<S>(dx, dy, y, n, [](auto g, auto v) { return g * (S::broadcast(1) - v * v); });
}

// SELU's constants (Klambauer et al. 2017) and GELU's, as activation.cpp rounds them.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSqrtHalf = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kSqrt2OverPi = 0.79788456080286535588;
constexpr double kGeluCubic = 0.044715;

template <typename S>
void pointwise_forward(typename S::Value* y, const typename S::Value* x, int64_t n, PointwiseActivation kind,
                       typename S::Value a, typename S::Value b) {
  using T = typename S::Value;
  using V = typename S::Vector;
  const V A = S::broadcast(a), B = S::broadcast(b), zero = S::broadcast(0), one = S::broadcast(1);
  switch (kind) {
    case PointwiseActivation::Hardtanh:
      map_unary<S>(y, x, n, [&](V v) { return S::select(v < A, A, S::select(v > B, B, v)); });
      return;
    case PointwiseActivation::LeakyRelu:
      map_unary<S>(y, x, n, [&](V v) { return S::select(v > zero, v, v * A); });
      return;
    case PointwiseActivation::Elu:
      map_unary<S>(y, x, n, [&](V v) { return S::select(v > zero, v, A * vexpm1<S>(v)); });
      return;
    case PointwiseActivation::Selu: {
      const V alpha = S::broadcast(T(kSeluAlpha)), scale = S::broadcast(T(kSeluScale));
      map_unary<S>(y, x, n, [&](V v) { return scale * S::select(v > zero, v, alpha * vexpm1<S>(v)); });
      return;
    }
    case PointwiseActivation::Gelu: {
      const V half = S::broadcast(T(0.5)), sqrt_half = S::broadcast(T(kSqrtHalf));
      map_unary<S>(y, x, n, [&](V v) { return half * v * (one + verf<S>(v * sqrt_half)); });
      return;
    }
    case PointwiseActivation::GeluTanh: {
      const V half = S::broadcast(T(0.5)), k = S::broadcast(T(kSqrt2OverPi)), c = S::broadcast(T(kGeluCubic));
      map_unary<S>(y, x, n, [&](V v) { return half * v * (one + vtanh<S>(k * (v + c * v * v * v))); });
      return;
    }
    case PointwiseActivation::Silu: map_unary<S>(y, x, n, [&](V v) { return v * vsigmoid<S>(v); }); return;
    case PointwiseActivation::Softplus:
      // Above the threshold softplus is x to working precision; log1p(exp(.)) would overflow.
      map_unary<S>(y, x, n, [&](V v) { return S::select(v * A > B, v, vlog1p<S>(vexp<S>(v * A)) / A); });
      return;
    case PointwiseActivation::AbsTanh: map_unary<S>(y, x, n, [&](V v) { return S::abs(vtanh<S>(v)); }); return;
    case PointwiseActivation::Hardswish: {
      const V three = S::broadcast(3), six = S::broadcast(6);
      map_unary<S>(y, x, n, [&](V v) {
        V shifted = v + three;
        shifted = S::select(shifted < zero, zero, shifted);  // NaN passes, as std::max(NaN, 0)
        shifted = S::select(six < shifted, six, shifted);
        return v * shifted / six;
      });
      return;
    }
  }
}

template <typename S>
void pointwise_backward(typename S::Value* dx, const typename S::Value* dy, const typename S::Value* x, int64_t n,
                        PointwiseActivation kind, typename S::Value a, typename S::Value b) {
  using T = typename S::Value;
  using V = typename S::Vector;
  const V A = S::broadcast(a), B = S::broadcast(b), zero = S::broadcast(0), one = S::broadcast(1);
  switch (kind) {
    case PointwiseActivation::Hardtanh:
      map_binary<S>(dx, dy, x, n, [&](V g, V v) { return S::select((v <= A) | (v >= B), zero, g); });
      return;
    case PointwiseActivation::LeakyRelu:
      map_binary<S>(dx, dy, x, n, [&](V g, V v) { return S::select(v > zero, g, g * A); });
      return;
    case PointwiseActivation::Elu:
      map_binary<S>(dx, dy, x, n, [&](V g, V v) { return S::select(v > zero, g, g * A * vexp<S>(v)); });
      return;
    case PointwiseActivation::Selu: {
      const V alpha = S::broadcast(T(kSeluAlpha)), scale = S::broadcast(T(kSeluScale));
      map_binary<S>(dx, dy, x, n, [&](V g, V v) { return g * scale * S::select(v > zero, one, alpha * vexp<S>(v)); });
      return;
    }
    case PointwiseActivation::Gelu: {
      // d/dx x Phi(x) = Phi(x) + x phi(x).
      const V half = S::broadcast(T(0.5)), sqrt_half = S::broadcast(T(kSqrtHalf));
      const V inv_sqrt_2pi = S::broadcast(T(kInvSqrt2Pi)), minus_half = S::broadcast(T(-0.5));
      map_binary<S>(dx, dy, x, n, [&](V g, V v) {
        const V cdf = half * (one + verf<S>(v * sqrt_half));
        const V pdf = inv_sqrt_2pi * vexp<S>(minus_half * v * v);
        return g * (cdf + v * pdf);
      });
      return;
    }
    case PointwiseActivation::GeluTanh: {
      const V half = S::broadcast(T(0.5)), k = S::broadcast(T(kSqrt2OverPi)), c = S::broadcast(T(kGeluCubic));
      const V three = S::broadcast(3);
      map_binary<S>(dx, dy, x, n, [&](V g, V v) {
        const V v2 = v * v;
        const V t = vtanh<S>(k * (v + c * v2 * v));
        const V dinner = k * (one + three * c * v2);
        return g * (half * (one + t) + half * v * (one - t * t) * dinner);
      });
      return;
    }
    case PointwiseActivation::Silu:
      map_binary<S>(dx, dy, x, n, [&](V g, V v) {
        const V s = vsigmoid<S>(v);
        return g * s * (one + v * (one - s));
      });
      return;
    case PointwiseActivation::Softplus:
      map_binary<S>(dx, dy, x, n, [&](V g, V v) { return S::select(v * A > B, g, g * vsigmoid<S>(v * A)); });
      return;
    case PointwiseActivation::AbsTanh:
      // sign(tanh x) (1 - tanh^2 x), 0 at x = 0 as abs's subgradient there.
      map_binary<S>(dx, dy, x, n, [&](V g, V v) {
        const V t = vtanh<S>(v);
        const V sign = S::select(t > zero, one, S::select(t < zero, -one, zero));
        return g * sign * (one - t * t);
      });
      return;
    case PointwiseActivation::Hardswish: {
      const V three = S::broadcast(3), minus_three = S::broadcast(-3), half = S::broadcast(T(0.5));
      map_binary<S>(dx, dy, x, n, [&](V g, V v) {
        return S::select(v <= minus_three, zero, S::select(v < three, g * (v / three + half), g));
      });
      return;
    }
  }
}

// ---- softmax ----------------------------------------------------------------------------------

// The scalar result of a vector function (for the odd columns of a column block).
template <typename S, typename F>
inline typename S::Value lane0(typename S::Value value, const F& f) {
  return f(S::broadcast(value))[0];
}

template <typename S>
void log_sum_exp(typename S::Value* max_out, typename S::Value* log_total_out, const typename S::Value* x, int64_t C) {
  using T = typename S::Value;
  using V = typename S::Vector;
  constexpr int L = S::kLanes;
  const V minus_inf = S::broadcast(-std::numeric_limits<T>::infinity());
  V best = minus_inf;
  int64_t c = 0;
  for (; c + L <= C; c += L) {
    const V v = S::load(x + c);
    best = S::select(v > best, v, best);
  }
  T max_value = horizontal_max<S>(best);
  for (; c < C; ++c) max_value = x[c] > max_value ? x[c] : max_value;
  const V shift = S::broadcast(max_value);
  V total = S::broadcast(0);
  for (c = 0; c + L <= C; c += L) total += vexp<S>(S::load(x + c) - shift);
  double sum = horizontal_sum<S>(total);
  if (c < C) {
    T padded[L];
    for (int j = 0; j < L; ++j) padded[j] = c + j < C ? x[c + j] : -std::numeric_limits<T>::infinity();
    sum += horizontal_sum<S>(vexp<S>(S::load(padded) - shift));
  }
  *max_out = max_value;
  *log_total_out = lane0<S>(static_cast<T>(sum), [](V v) { return vlog<S>(v); });
}

template <typename S>
void scaled_softmax(typename S::Value* y, const typename S::Value* x, int64_t n, typename S::Value shift,
                    typename S::Value log_total, typename S::Value scale) {
  using V = typename S::Vector;
  const V s = S::broadcast(shift), l = S::broadcast(log_total), k = S::broadcast(scale);
  map_unary<S>(y, x, n, [&](V v) { return vexp<S>((v - s) - l) * k; });
}

// Softmax over one row of C contiguous values.
template <typename S>
void softmax_row(typename S::Value* y, const typename S::Value* x, int64_t C, bool log) {
  using T = typename S::Value;
  using V = typename S::Vector;
  T max_value, log_total;
  if (log) {
    log_sum_exp<S>(&max_value, &log_total, x, C);
    // (x - max) - log(total), not x - (max + log(total)): the latter rounds large logits.
    const V shift = S::broadcast(max_value), l = S::broadcast(log_total);
    map_unary<S>(y, x, C, [&](V v) { return (v - shift) - l; });
    return;
  }
  constexpr int L = S::kLanes;
  V best = S::broadcast(-std::numeric_limits<T>::infinity());
  int64_t c = 0;
  for (; c + L <= C; c += L) {
    const V v = S::load(x + c);
    best = S::select(v > best, v, best);
  }
  max_value = horizontal_max<S>(best);
  for (; c < C; ++c) max_value = x[c] > max_value ? x[c] : max_value;
  const V shift = S::broadcast(max_value);
  map_unary<S>(y, x, C, [&](V v) { return vexp<S>(v - shift); });
  V total = S::broadcast(0);
  for (c = 0; c + L <= C; c += L) total += S::load(y + c);
  double sum = horizontal_sum<S>(total);
  for (; c < C; ++c) sum += y[c];
  const V scale = S::broadcast(static_cast<T>(1.0 / sum));
  map_unary<S>(y, y, C, [&](V v) { return v * scale; });
}

// Softmax over C for `width` columns, C stride `inner`: vectors across columns.
template <typename S>
void softmax_columns(typename S::Value* y, const typename S::Value* x, int64_t C, int64_t inner, int64_t width,
                     bool log) {
  using T = typename S::Value;
  using V = typename S::Vector;
  constexpr int L = S::kLanes;
  int64_t i = 0;
  for (; i + L <= width; i += L) {
    V best = S::broadcast(-std::numeric_limits<T>::infinity());
    for (int64_t c = 0; c < C; ++c) {
      const V v = S::load(x + c * inner + i);
      best = S::select(v > best, v, best);
    }
    V total = S::broadcast(0);
    for (int64_t c = 0; c < C; ++c) {
      const V e = vexp<S>(S::load(x + c * inner + i) - best);
      total += e;
      if (!log) S::store(y + c * inner + i, e);
    }
    if (log) {
      const V log_total = vlog<S>(total);
      for (int64_t c = 0; c < C; ++c) S::store(y + c * inner + i, (S::load(x + c * inner + i) - best) - log_total);
    } else {
      const V scale = S::broadcast(1) / total;
      for (int64_t c = 0; c < C; ++c) S::store(y + c * inner + i, S::load(y + c * inner + i) * scale);
    }
  }
  // The last columns one at a time, each a strided row.
  for (; i < width; ++i) {
    T max_value = -std::numeric_limits<T>::infinity();
    for (int64_t c = 0; c < C; ++c) max_value = x[c * inner + i] > max_value ? x[c * inner + i] : max_value;
    T total = 0;
    for (int64_t c = 0; c < C; ++c) {
      const T e = lane0<S>(x[c * inner + i] - max_value, [](V v) { return vexp<S>(v); });
      total += e;
      if (!log) y[c * inner + i] = e;
    }
    if (log) {
      const T log_total = lane0<S>(total, [](V v) { return vlog<S>(v); });
      for (int64_t c = 0; c < C; ++c) y[c * inner + i] = (x[c * inner + i] - max_value) - log_total;
    } else {
      const T scale = T(1) / total;
      for (int64_t c = 0; c < C; ++c) y[c * inner + i] *= scale;
    }
  }
}

template <typename S>
void softmax_forward(typename S::Value* y, const typename S::Value* x, int64_t C, int64_t inner, int64_t width,
                     bool log) {
  if (inner == 1 && width == 1) {
    softmax_row<S>(y, x, C, log);
  } else {
    softmax_columns<S>(y, x, C, inner, width, log);
  }
}

// softmax: dx = y (dy - sum_c dy y); log_softmax: dx = dy - exp(y) sum_c dy.
template <typename S>
void softmax_backward(typename S::Value* dx, const typename S::Value* dy, const typename S::Value* y, int64_t C,
                      int64_t inner, int64_t width, bool log) {
  using T = typename S::Value;
  using V = typename S::Vector;
  constexpr int L = S::kLanes;
  if (inner == 1 && width == 1) {
    V acc = S::broadcast(0);
    int64_t c = 0;
    for (; c + L <= C; c += L) acc += log ? S::load(dy + c) : S::load(dy + c) * S::load(y + c);
    double dot = horizontal_sum<S>(acc);
    for (; c < C; ++c) dot += log ? dy[c] : dy[c] * y[c];
    const V s = S::broadcast(static_cast<T>(dot));
    if (log) {
      map_binary<S>(dx, dy, y, C, [&](V g, V v) { return g - vexp<S>(v) * s; });
    } else {
      map_binary<S>(dx, dy, y, C, [&](V g, V v) { return v * (g - s); });
    }
    return;
  }
  int64_t i = 0;
  for (; i + L <= width; i += L) {
    V dot = S::broadcast(0);
    for (int64_t c = 0; c < C; ++c) {
      const V g = S::load(dy + c * inner + i);
      dot += log ? g : g * S::load(y + c * inner + i);
    }
    for (int64_t c = 0; c < C; ++c) {
      const V g = S::load(dy + c * inner + i), v = S::load(y + c * inner + i);
      S::store(dx + c * inner + i, log ? g - vexp<S>(v) * dot : v * (g - dot));
    }
  }
  for (; i < width; ++i) {
    T dot = 0;
    for (int64_t c = 0; c < C; ++c) dot += log ? dy[c * inner + i] : dy[c * inner + i] * y[c * inner + i];
    for (int64_t c = 0; c < C; ++c) {
      const int64_t p = c * inner + i;
      dx[p] = log ? dy[p] - lane0<S>(y[p], [](V v) { return vexp<S>(v); }) * dot : y[p] * (dy[p] - dot);
    }
  }
}

// ---- batch norm -------------------------------------------------------------------------------

template <typename S>
void moments(double* mean_out, double* squares_out, const typename S::Value* x, int64_t n) {
  using T = typename S::Value;
  using V = typename S::Vector;
  constexpr int L = S::kLanes;
  // Four independent accumulators keep several vector adds in flight.
  V acc[4] = {S::broadcast(0), S::broadcast(0), S::broadcast(0), S::broadcast(0)};
  int64_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L)
    for (int k = 0; k < 4; ++k) acc[k] += S::load(x + i + k * L);
  for (; i + L <= n; i += L) acc[0] += S::load(x + i);
  double total = horizontal_sum<S>((acc[0] + acc[1]) + (acc[2] + acc[3]));
  for (; i < n; ++i) total += x[i];
  const double mean = total / static_cast<double>(n);
  // Squared deviations from the mean rounded to T, corrected to the exact mean at the end.
  const T center = static_cast<T>(mean);
  const V m = S::broadcast(center);
  for (int k = 0; k < 4; ++k) acc[k] = S::broadcast(0);
  for (i = 0; i + 4 * L <= n; i += 4 * L)
    for (int k = 0; k < 4; ++k) {
      const V d = S::load(x + i + k * L) - m;
      acc[k] = S::fma(d, d, acc[k]);
    }
  for (; i + L <= n; i += L) {
    const V d = S::load(x + i) - m;
    acc[0] = S::fma(d, d, acc[0]);
  }
  double squares = horizontal_sum<S>((acc[0] + acc[1]) + (acc[2] + acc[3]));
  for (; i < n; ++i) {
    const double d = static_cast<double>(x[i] - center);
    squares += d * d;
  }
  const double offset = mean - static_cast<double>(center);
  *mean_out = mean;
  *squares_out = squares - static_cast<double>(n) * offset * offset;
}

template <typename S>
void scale_shift(typename S::Value* y, const typename S::Value* x, int64_t n, typename S::Value scale,
                 typename S::Value shift, bool with_relu) {
  using V = typename S::Vector;
  const V a = S::broadcast(scale), b = S::broadcast(shift);
  // x * scale + shift rounded twice, as the scalar loop did, so every ISA gives the same bits.
  if (with_relu) {
    map_unary<S>(y, x, n, [&](V v) { return relu<S>(v * a + b); });
  } else {
    map_unary<S>(y, x, n, [&](V v) { return v * a + b; });
  }
}

template <typename S>
void scale_shift_add_relu(typename S::Value* y, const typename S::Value* x, const typename S::Value* r, int64_t n,
                          typename S::Value scale, typename S::Value shift) {
  using V = typename S::Vector;
  const V a = S::broadcast(scale), b = S::broadcast(shift);
  map_binary<S>(y, x, r, n, [&](V v, V skip) { return relu<S>((v * a + b) + skip); });
}

template <typename S>
void scale_shift_relu_backward(typename S::Value* dx, const typename S::Value* dy, const typename S::Value* x,
                               int64_t n, typename S::Value scale, typename S::Value shift) {
  using V = typename S::Vector;
  const V a = S::broadcast(scale), b = S::broadcast(shift), zero = S::broadcast(0);
  // x * a + b as scale_shift rounds it: the mask is exactly its output's z > 0.
  map_binary<S>(dx, dy, x, n, [&](V g, V v) { return S::select(v * a + b > zero, g, zero); });
}

template <typename S>
void centered_dot(double* sum_dy_out, double* sum_dy_centered_out, const typename S::Value* dy,
                  const typename S::Value* x, int64_t n, typename S::Value center) {
  using V = typename S::Vector;
  constexpr int L = S::kLanes;
  const V m = S::broadcast(center);
  V sum[2] = {S::broadcast(0), S::broadcast(0)}, dot[2] = {S::broadcast(0), S::broadcast(0)};
  int64_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L)
    for (int k = 0; k < 2; ++k) {
      const V g = S::load(dy + i + k * L);
      sum[k] += g;
      dot[k] = S::fma(g, S::load(x + i + k * L) - m, dot[k]);
    }
  for (; i + L <= n; i += L) {
    const V g = S::load(dy + i);
    sum[0] += g;
    dot[0] = S::fma(g, S::load(x + i) - m, dot[0]);
  }
  double total = horizontal_sum<S>(sum[0] + sum[1]);
  double total_centered = horizontal_sum<S>(dot[0] + dot[1]);
  for (; i < n; ++i) {
    total += dy[i];
    total_centered += static_cast<double>(dy[i]) * static_cast<double>(x[i] - center);
  }
  *sum_dy_out = total;
  *sum_dy_centered_out = total_centered;
}

template <typename S>
void centered_combine(typename S::Value* dx, const typename S::Value* dy, const typename S::Value* x, int64_t n,
                      typename S::Value a, typename S::Value b, typename S::Value center, typename S::Value c) {
  using V = typename S::Vector;
  const V va = S::broadcast(a), vb = S::broadcast(b), vm = S::broadcast(center), vc = S::broadcast(c);
  map_binary<S>(dx, dy, x, n, [&](V g, V v) { return S::fma(va, g, S::fma(vb, v - vm, vc)); });
}

// ---- pooling ----------------------------------------------------------------------------------
// A vector of output columns at a time; each tap's values for those columns are one load
// (column stride 1), two loads and a shuffle (stride 2) or a gather through a buffer.

template <typename S>
inline typename S::Vector strided_load(const typename S::Value* source, int64_t stride) {
  using T = typename S::Value;
  constexpr int L = S::kLanes;
  if (stride == 1) return S::load(source);
#if !defined(__clang__)  // clang (the sanitizer/fuzz builds) has no run-time-mask __builtin_shuffle: it gathers
  if (stride == 2) {
    // The even elements of source[0, 2L - 1): the second load starts one early so that no
    // element past the last one used is read.
    typename S::Mask even;
    for (int lane = 0; lane < L; ++lane) even[lane] = 2 * lane < L ? 2 * lane : 2 * lane + 1;
    return __builtin_shuffle(S::load(source), S::load(source + L - 1), even);
  }
#endif
  T gathered[L];
  for (int lane = 0; lane < L; ++lane) gathered[lane] = source[lane * stride];
  return S::load(gathered);
}

// Writes the index lanes as int64 (float lanes hold 32-bit indices: widened half by half).
template <typename Mask, size_t... Lane>
inline void store_widened_half(int64_t* target, Mask m, std::index_sequence<Lane...>) {
  typedef int64_t Wide __attribute__((vector_size(sizeof...(Lane) * 8)));
  const Wide wide = __builtin_convertvector(__builtin_shufflevector(m, m, Lane...), Wide);
  std::memcpy(target, &wide, sizeof(Wide));
}

template <typename S>
inline void store_indices(int64_t* target, typename S::Mask m) {
  constexpr int L = S::kLanes;
  if constexpr (sizeof(typename S::Bits) == 8) {
    std::memcpy(target, &m, sizeof(m));
  } else {
    store_widened_half(target, m, std::make_index_sequence<L / 2>{});
    typename S::Mask high;
    for (int lane = 0; lane < L; ++lane) high[lane] = m[(lane + L / 2) % L];
    store_widened_half(target + L / 2, high, std::make_index_sequence<L / 2>{});
  }
}

template <typename S>
void max_pool_row(typename S::Value* out, int64_t* indices, const typename S::Value* in, int64_t W, int64_t h_begin,
                  int64_t h_end, int64_t dilation_h, int64_t Q, int64_t stride_w, int64_t pad_w, int64_t kernel_w,
                  int64_t dilation_w) {
  using T = typename S::Value;
  using V = typename S::Vector;
  using M = typename S::Mask;
  using Bits = typename S::Bits;
  constexpr int L = S::kLanes;
  // Lane offsets 0, stride, 2 stride, ... of the column indices (in the lanes' integer width,
  // which holds the index of any plane of float or double values that fits in memory).
  M lane_offset;
  for (int lane = 0; lane < L; ++lane) lane_offset[lane] = static_cast<Bits>(lane * stride_w);
  // Columns one tap row of a vector of windows reads.
  const int64_t reach = (L - 1) * stride_w + 1 + (kernel_w - 1) * dilation_w;
  // A group of windows that is clipped by the plane's edges, or partial, reads this copy of each
  // tap row, -inf outside [0, W): such taps never win, as the clipped loop never visits them.
  T segment[4 * 64 + 64];
  const bool can_copy = reach <= static_cast<int64_t>(sizeof(segment) / sizeof(T));
  for (int64_t q = 0; q < Q; q += L) {
    const int64_t first_column = q * stride_w - pad_w;
    const int64_t count = Q - q < L ? Q - q : L;
    const bool inside = count == L && first_column >= 0 && first_column + reach <= W;
    if (!inside && !can_copy) {
      // Very wide strides or dilations: one window at a time.
      for (int64_t j = q; j < q + count; ++j) {
        const int64_t column = j * stride_w - pad_w;
        const int64_t w_first = column < 0 ? column + (-column + dilation_w - 1) / dilation_w * dilation_w : column;
        T best = -std::numeric_limits<T>::infinity();
        int64_t best_index = h_begin * W + w_first;
        for (int64_t h = h_begin; h < h_end; h += dilation_h)
          for (int64_t w = w_first; w < column + (kernel_w - 1) * dilation_w + 1 && w < W; w += dilation_w) {
            const T value = in[h * W + w];
            if (value > best || value != value) {
              best = value;
              best_index = h * W + w;
            }
          }
        out[j] = best;
        indices[j] = best_index;
      }
      continue;
    }
    V best = S::broadcast(-std::numeric_limits<T>::infinity());
    // The first tap inside the plane, as the clipped loop starts from.
    M best_index = lane_offset + static_cast<Bits>(h_begin * W + first_column);
    if (first_column < 0) {
      for (int lane = 0; lane < L; ++lane) {
        const int64_t column = first_column + lane * stride_w;
        if (column < 0)
          best_index[lane] =
              static_cast<Bits>(h_begin * W + column + (-column + dilation_w - 1) / dilation_w * dilation_w);
      }
    }
    for (int64_t h = h_begin; h < h_end; h += dilation_h) {
      const T* row = in + h * W + first_column;
      if (!inside) {
        for (int64_t i = 0; i < reach; ++i) {
          const int64_t column = first_column + i;
          segment[i] = column >= 0 && column < W ? row[i] : -std::numeric_limits<T>::infinity();
        }
        row = segment;
      }
      for (int64_t k = 0; k < kernel_w; ++k) {
        const V value = strided_load<S>(row + k * dilation_w, stride_w);
        // Strictly greater keeps the first maximum; value != value lets NaN win.
        const M take = (value > best) | (value != value);
        best = S::select(take, value, best);
        best_index = take ? lane_offset + static_cast<Bits>(h * W + first_column + k * dilation_w) : best_index;
      }
    }
    if (count == L) {
      S::store(out + q, best);
      store_indices<S>(indices + q, best_index);
    } else {
      for (int64_t lane = 0; lane < count; ++lane) {
        out[q + lane] = best[lane];
        indices[q + lane] = best_index[lane];
      }
    }
  }
}

// The larger of a tap and the running best, as max_pool_row updates it: strictly greater, or NaN.
template <typename S>
inline typename S::Vector take_max(typename S::Vector best, typename S::Vector value) {
  return S::select((value > best) | (value != value), value, best);
}

template <typename S>
void max_pool_2x2(typename S::Value* out, int64_t* indices, const typename S::Value* in, int64_t P, int64_t Q,
                  typename S::Value* scratch) {
  using T = typename S::Value;
  using V = typename S::Vector;
  using M = typename S::Mask;
  using Bits = typename S::Bits;
  constexpr int L = S::kLanes;
  // Each row's column pairs first (the plane's rows are contiguous and even, so the pairs of all
  // 2P rows form one run), then each pair of rows: the window order (h, then w) of max_pool_row.
  // Taking the larger of each pair, then of the two rows' winners, keeps the first maximum and
  // the last NaN, as the four taps in order do. With indices, the second half of scratch keeps
  // which column of each pair won (all-ones lanes for the right one).
  const int64_t pairs = 2 * P * Q;
  T* pair_max = scratch;
  Bits* right = indices ? reinterpret_cast<Bits*>(scratch + pairs) : nullptr;
  int64_t j = 0;
  for (; j + L <= pairs; j += L) {
    const V a = strided_load<S>(in + 2 * j, 2), b = strided_load<S>(in + 2 * j + 1, 2);
    const M take = (b > a) | (b != b);
    S::store(pair_max + j, S::select(take, b, a));
    if (right) std::memcpy(right + j, &take, sizeof(M));
  }
  for (; j < pairs; ++j) {
    const T a = in[2 * j], b = in[2 * j + 1];
    const bool take = b > a || b != b;
    pair_max[j] = take ? b : a;
    if (right) right[j] = take ? Bits(-1) : Bits(0);
  }
  if (!indices) {
    for (int64_t p = 0; p < P; ++p)
      map_binary<S>(out + p * Q, pair_max + 2 * p * Q, pair_max + (2 * p + 1) * Q, Q,
                    [](V top, V bottom) { return take_max<S>(top, bottom); });
    return;
  }
  const Bits W = static_cast<Bits>(2 * Q);
  M lane_column;  // 2 q of each lane, less the vector's first q
  for (int lane = 0; lane < L; ++lane) lane_column[lane] = static_cast<Bits>(2 * lane);
  for (int64_t p = 0; p < P; ++p) {
    const T* top = pair_max + 2 * p * Q;
    const T* bottom = top + Q;
    const Bits* top_right = right + 2 * p * Q;
    const Bits* bottom_right = top_right + Q;
    const Bits row = static_cast<Bits>(2 * p) * W;
    int64_t q = 0;
    for (; q + L <= Q; q += L) {
      const V t = S::load(top + q), b = S::load(bottom + q);
      const M down = (b > t) | (b != b);
      M tr, br;
      std::memcpy(&tr, top_right + q, sizeof(M));
      std::memcpy(&br, bottom_right + q, sizeof(M));
      const M column = lane_column + static_cast<Bits>(row + 2 * q) + ((down ? br : tr) & Bits(1));
      S::store(out + p * Q + q, S::select(down, b, t));
      store_indices<S>(indices + p * Q + q, column + (down & W));
    }
    for (; q < Q; ++q) {
      const bool down = bottom[q] > top[q] || bottom[q] != bottom[q];
      out[p * Q + q] = down ? bottom[q] : top[q];
      indices[p * Q + q] = row + (down ? W : 0) + 2 * q + ((down ? bottom_right[q] : top_right[q]) & 1);
    }
  }
}

template <typename S>
void avg_pool_row(typename S::Value* out, const typename S::Value* in, int64_t W, int64_t h_begin, int64_t h_end,
                  int64_t q_begin, int64_t q_end, int64_t stride_w, int64_t w_offset, int64_t kernel_w,
                  typename S::Value divisor) {
  using T = typename S::Value;
  using V = typename S::Vector;
  constexpr int L = S::kLanes;
  // Taps in the scalar loop's order (rows, then columns), so the sums round the same.
  int64_t q = q_begin;
  for (; q + L <= q_end; q += L) {
    const int64_t first_column = q * stride_w + w_offset;
    V total = S::broadcast(0);
    for (int64_t h = h_begin; h < h_end; ++h)
      for (int64_t k = 0; k < kernel_w; ++k) total += strided_load<S>(in + h * W + first_column + k, stride_w);
    S::store(out + q, total / S::broadcast(divisor));
  }
  for (; q < q_end; ++q) {
    const int64_t first_column = q * stride_w + w_offset;
    T total = T(0);
    for (int64_t h = h_begin; h < h_end; ++h)
      for (int64_t k = 0; k < kernel_w; ++k) total += in[h * W + first_column + k];
    out[q] = total / divisor;
  }
}

// ---- sums in double ------------------------------------------------------------------------------

// The lanes of v as two vectors of doubles (low half, high half); for double lanes, v itself.
template <typename S, size_t... Lane>
inline auto widen_half(typename S::Vector v, std::index_sequence<Lane...>) {
  typedef double Wide __attribute__((vector_size(sizeof...(Lane) * 8)));
  return __builtin_convertvector(__builtin_shufflevector(v, v, Lane...), Wide);
}

template <typename S, size_t... Lane>
inline auto widen_high_half(typename S::Vector v, std::index_sequence<Lane...>) {
  typedef double Wide __attribute__((vector_size(sizeof...(Lane) * 8)));
  return __builtin_convertvector(__builtin_shufflevector(v, v, (Lane + sizeof...(Lane))...), Wide);
}

// Adds the n values x[i] (transformed) into double accumulators, two vectors at a time.
template <typename S, typename Transform>
double sum_in_double(const typename S::Value* x, int64_t n, const Transform& transform) {
  using T = typename S::Value;
  constexpr int L = S::kLanes;
  using D = Simd<double, sizeof(typename S::Vector)>;
  typename D::Vector acc[4] = {D::broadcast(0), D::broadcast(0), D::broadcast(0), D::broadcast(0)};
  int64_t i = 0;
  if constexpr (sizeof(T) == 4) {
    // A vector of floats widens to two vectors of doubles (its low and high halves), each with
    // its own accumulators.
    for (; i + 2 * L <= n; i += 2 * L) {
      for (int k = 0; k < 2; ++k) {
        const typename S::Vector v = S::load(x + i + k * L);
        acc[2 * k] += transform(widen_half<S>(v, std::make_index_sequence<L / 2>{}));
        acc[2 * k + 1] += transform(widen_high_half<S>(v, std::make_index_sequence<L / 2>{}));
      }
    }
  } else {
    for (; i + 4 * L <= n; i += 4 * L)
      for (int k = 0; k < 4; ++k) acc[k] += transform(S::load(x + i + k * L));
  }
  double total = horizontal_sum<D>((acc[0] + acc[1]) + (acc[2] + acc[3]));
  for (; i < n; ++i) {
    typename D::Vector one = D::broadcast(static_cast<double>(x[i]));
    total += transform(one)[0];
  }
  return total;
}

template <typename S>
double sum(const typename S::Value* x, int64_t n) {
  return sum_in_double<S>(x, n, [](auto v) { return v; });
}

template <typename S>
double squared_deviation_sum(const typename S::Value* x, int64_t n, double mean) {
  using D = Simd<double, sizeof(typename S::Vector)>;
  const typename D::Vector m = D::broadcast(mean);
  return sum_in_double<S>(x, n, [&](auto v) {
    const auto d = v - m;
    return d * d;
  });
}

// acc[i] += x[i] (or (x[i] - mean[i])^2 when mean is given), i < width, in double.
template <typename S>
void accumulate_columns(double* acc, const typename S::Value* x, const double* mean, int64_t width) {
  using D = Simd<double, sizeof(typename S::Vector)>;
  constexpr int DL = D::kLanes;
  int64_t i = 0;
  for (; i + DL <= width; i += DL) {
    typename D::Vector v;
    for (int lane = 0; lane < DL; ++lane) v[lane] = static_cast<double>(x[i + lane]);
    if (mean) {
      v -= D::load(mean + i);
      v *= v;
    }
    D::store(acc + i, D::load(acc + i) + v);
  }
  for (; i < width; ++i) {
    double v = static_cast<double>(x[i]);
    if (mean) v = (v - mean[i]) * (v - mean[i]);
    acc[i] += v;
  }
}

// ---- optimizers -------------------------------------------------------------------------------

template <typename S>
void sgd_update(typename S::Value* param, const typename S::Value* grad, typename S::Value* buffer, int64_t n,
                const SgdScalars<typename S::Value>& s, bool first) {
  using T = typename S::Value;
  using V = typename S::Vector;
  constexpr int L = S::kLanes;
  const V weight_decay = S::broadcast(s.weight_decay), momentum = S::broadcast(s.momentum);
  const V dampening_complement = S::broadcast(s.dampening_complement), negative_lr = S::broadcast(s.negative_lr);
  // The op-by-op update's expressions, in its order: d = -g | g; d = d + wd p;
  // buf = d | buf m + (1 - dampening) d; d = d + m buf | buf; p = p + (-lr) d.
  auto step = [&](V& p, V g, V& buf) {
    V d = s.maximize ? -g : g;
    if (s.has_weight_decay) d = d + weight_decay * p;
    if (s.has_momentum) {
      buf = first ? d : buf * momentum + dampening_complement * d;
      d = s.nesterov ? d + momentum * buf : buf;
    }
    p = p + negative_lr * d;
  };
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    V p = S::load(param + i), buf = s.has_momentum && !first ? S::load(buffer + i) : S::broadcast(0);
    step(p, S::load(grad + i), buf);
    S::store(param + i, p);
    if (s.has_momentum) S::store(buffer + i, buf);
  }
  if (i == n) return;
  T p_tail[L] = {}, g_tail[L] = {}, buf_tail[L] = {};
  for (int64_t j = i; j < n; ++j) {
    p_tail[j - i] = param[j];
    g_tail[j - i] = grad[j];
    if (s.has_momentum && !first) buf_tail[j - i] = buffer[j];
  }
  V p = S::load(p_tail), buf = S::load(buf_tail);
  step(p, S::load(g_tail), buf);
  S::store(p_tail, p);
  S::store(buf_tail, buf);
  for (int64_t j = i; j < n; ++j) {
    param[j] = p_tail[j - i];
    if (s.has_momentum) buffer[j] = buf_tail[j - i];
  }
}

template <typename S>
void adam_update(typename S::Value* param, const typename S::Value* grad, typename S::Value* exp_avg,
                 typename S::Value* exp_avg_sq, typename S::Value* max_exp_avg_sq, int64_t n,
                 const AdamScalars<typename S::Value>& s) {
  using T = typename S::Value;
  using V = typename S::Vector;
  constexpr int L = S::kLanes;
  const V decay_factor = S::broadcast(s.decay_factor), weight_decay = S::broadcast(s.weight_decay);
  const V one_minus_beta1 = S::broadcast(s.one_minus_beta1), beta2 = S::broadcast(s.beta2);
  const V one_minus_beta2 = S::broadcast(s.one_minus_beta2), correction = S::broadcast(s.bias_correction2_sqrt);
  const V eps = S::broadcast(s.eps), negative_step = S::broadcast(s.negative_step_size);
  // The op-by-op update's expressions, in its order (optim/adam.cpp).
  auto step = [&](V& p, V g, V& m, V& v, V& v_max) {
    V d = s.maximize ? -g : g;
    if (s.has_weight_decay) {
      if (s.decoupled) {
        p = p * decay_factor;
      } else {
        d = d + weight_decay * p;
      }
    }
    m = m + one_minus_beta1 * (d - m);
    v = v * beta2 + one_minus_beta2 * (d * d);
    V second = v;
    if (s.amsgrad) {
      v_max = S::select((v_max != v_max) | (v_max > v), v_max, v);  // maximum(): NaN wins
      second = v_max;
    }
    V denom = S::sqrt(second);
    if (s.bias_correction) denom = denom / correction;
    denom = denom + eps;
    p = p + negative_step * (m / denom);
  };
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    V p = S::load(param + i), m = S::load(exp_avg + i), v = S::load(exp_avg_sq + i);
    V v_max = s.amsgrad ? S::load(max_exp_avg_sq + i) : S::broadcast(0);
    step(p, S::load(grad + i), m, v, v_max);
    S::store(param + i, p);
    S::store(exp_avg + i, m);
    S::store(exp_avg_sq + i, v);
    if (s.amsgrad) S::store(max_exp_avg_sq + i, v_max);
  }
  if (i == n) return;
  T tail[5][L] = {};
  for (int64_t j = i; j < n; ++j) {
    tail[0][j - i] = param[j];
    tail[1][j - i] = grad[j];
    tail[2][j - i] = exp_avg[j];
    tail[3][j - i] = exp_avg_sq[j];
    if (s.amsgrad) tail[4][j - i] = max_exp_avg_sq[j];
  }
  V p = S::load(tail[0]), m = S::load(tail[2]), v = S::load(tail[3]), v_max = S::load(tail[4]);
  step(p, S::load(tail[1]), m, v, v_max);
  S::store(tail[0], p);
  S::store(tail[2], m);
  S::store(tail[3], v);
  S::store(tail[4], v_max);
  for (int64_t j = i; j < n; ++j) {
    param[j] = tail[0][j - i];
    exp_avg[j] = tail[2][j - i];
    exp_avg_sq[j] = tail[3][j - i];
    if (s.amsgrad) max_exp_avg_sq[j] = tail[4][j - i];
  }
}

// ---- the table ------------------------------------------------------------------------------

template <typename T, int VectorBytes>
VectorKernels<T> make_vector_kernels() {
  using S = Simd<T, VectorBytes>;
  VectorKernels<T> k;
  k.map = &map_function<S>;
  k.relu_forward = &relu_forward<S>;
  k.relu_backward = &relu_backward<S>;
  k.sigmoid_backward = &sigmoid_backward<S>;
  k.tanh_backward = &tanh_backward<S>;
  k.pointwise_forward = &pointwise_forward<S>;
  k.pointwise_backward = &pointwise_backward<S>;
  k.softmax_forward = &softmax_forward<S>;
  k.softmax_backward = &softmax_backward<S>;
  k.log_sum_exp = &log_sum_exp<S>;
  k.scaled_softmax = &scaled_softmax<S>;
  k.moments = &moments<S>;
  k.scale_shift = &scale_shift<S>;
  k.scale_shift_add_relu = &scale_shift_add_relu<S>;
  k.scale_shift_relu_backward = &scale_shift_relu_backward<S>;
  k.centered_dot = &centered_dot<S>;
  k.centered_combine = &centered_combine<S>;
  k.max_pool_row = &max_pool_row<S>;
  k.max_pool_2x2 = &max_pool_2x2<S>;
  k.avg_pool_row = &avg_pool_row<S>;
  k.sum = &sum<S>;
  k.squared_deviation_sum = &squared_deviation_sum<S>;
  k.accumulate_columns = &accumulate_columns<S>;
  k.sgd_update = &sgd_update<S>;
  k.adam_update = &adam_update<S>;
  return k;
}

}  // namespace
}  // namespace striate::kernels::cpu
