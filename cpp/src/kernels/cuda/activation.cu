// The activation kernels on CUDA: relu / sigmoid / tanh and the parameterized pointwise family
// (forward and backward, one thread per element, the CPU's formulas of vector_math_kernels.h in
// the same order), and softmax / log_softmax over the C axis of (outer, C, inner) blocks: one
// thread per (outer, inner) column, max-subtracted, the sum accumulated in double as the CPU's row
// kernel does.
#include <cmath>

#include "kernels/activation.h"
#include "kernels/cuda/current.cuh"

namespace striate::kernels::cuda {
namespace {

// SELU's and GELU's constants, as the CPU rounds them (vector_math_kernels.h).
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSqrtHalf = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kSqrt2OverPi = 0.79788456080286535588;
constexpr double kGeluCubic = 0.044715;

template <typename T>
__device__ inline T sigmoid(T v) {
  return T(1) / (T(1) + exp(-v));
}

template <typename T>
__device__ T pointwise_value(T v, PointwiseActivation kind, T A, T B) {
  const T zero = T(0), one = T(1);
  switch (kind) {
    case PointwiseActivation::Hardtanh: return v < A ? A : (v > B ? B : v);
    case PointwiseActivation::LeakyRelu: return v > zero ? v : v * A;
    case PointwiseActivation::Elu: return v > zero ? v : A * expm1(v);
    case PointwiseActivation::Selu: return T(kSeluScale) * (v > zero ? v : T(kSeluAlpha) * expm1(v));
    case PointwiseActivation::Gelu: return T(0.5) * v * (one + erf(v * T(kSqrtHalf)));
    case PointwiseActivation::GeluTanh:
      return T(0.5) * v * (one + tanh(T(kSqrt2OverPi) * (v + T(kGeluCubic) * v * v * v)));
    case PointwiseActivation::Silu: return v * sigmoid(v);
    case PointwiseActivation::Softplus: return v * A > B ? v : log1p(exp(v * A)) / A;
    case PointwiseActivation::AbsTanh: return fabs(tanh(v));
    case PointwiseActivation::Hardswish: {
      T shifted = v + T(3);
      shifted = shifted < zero ? zero : shifted;  // NaN passes
      shifted = T(6) < shifted ? T(6) : shifted;
      return v * shifted / T(6);
    }
  }
  return v;
}

template <typename T>
__device__ T pointwise_gradient(T g, T v, PointwiseActivation kind, T A, T B) {
  const T zero = T(0), one = T(1);
  switch (kind) {
    case PointwiseActivation::Hardtanh: return (v <= A || v >= B) ? zero : g;
    case PointwiseActivation::LeakyRelu: return v > zero ? g : g * A;
    case PointwiseActivation::Elu: return v > zero ? g : g * A * exp(v);
    case PointwiseActivation::Selu: return g * T(kSeluScale) * (v > zero ? one : T(kSeluAlpha) * exp(v));
    case PointwiseActivation::Gelu: {
      const T cdf = T(0.5) * (one + erf(v * T(kSqrtHalf)));
      const T pdf = T(kInvSqrt2Pi) * exp(T(-0.5) * v * v);
      return g * (cdf + v * pdf);
    }
    case PointwiseActivation::GeluTanh: {
      const T k = T(kSqrt2OverPi), c = T(kGeluCubic);
      const T v2 = v * v;
      const T t = tanh(k * (v + c * v2 * v));
      const T dinner = k * (one + T(3) * c * v2);
      return g * (T(0.5) * (one + t) + T(0.5) * v * (one - t * t) * dinner);
    }
    case PointwiseActivation::Silu: {
      const T s = sigmoid(v);
      return g * s * (one + v * (one - s));
    }
    case PointwiseActivation::Softplus: return v * A > B ? g : g * sigmoid(v * A);
    case PointwiseActivation::AbsTanh: {
      const T t = tanh(v);
      const T sign = t > zero ? one : (t < zero ? -one : zero);
      return g * sign * (one - t * t);
    }
    case PointwiseActivation::Hardswish: return v <= T(-3) ? zero : (v < T(3) ? g * (v / T(3) + T(0.5)) : g);
  }
  return g;
}

template <typename T>
__global__ void pointwise_forward_kernel(T* y, const T* x, int64_t n, PointwiseActivation kind, T A, T B) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) y[i] = pointwise_value(x[i], kind, A, B);
}

template <typename T>
__global__ void pointwise_backward_kernel(T* dx, const T* dy, const T* x, int64_t n, PointwiseActivation kind, T A,
                                          T B) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) dx[i] = pointwise_gradient(dy[i], x[i], kind, A, B);
}

enum class Simple { Relu, Sigmoid, Tanh };

template <typename T>
__global__ void simple_forward_kernel(T* y, const T* x, int64_t n, Simple kind) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    const T v = x[i];
    switch (kind) {
      case Simple::Relu: y[i] = v > T(0) ? v : (v != v ? v : T(0)); break;  // NaN stays NaN
      case Simple::Sigmoid: y[i] = sigmoid(v); break;
      case Simple::Tanh: y[i] = tanh(v); break;
    }
  }
}

template <typename T>
__global__ void simple_backward_kernel(T* dx, const T* dy, const T* y, int64_t n, Simple kind) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    const T g = dy[i], v = y[i];
    switch (kind) {
      case Simple::Relu: dx[i] = v > T(0) ? g : T(0); break;
      case Simple::Sigmoid: dx[i] = g * v * (T(1) - v); break;
      case Simple::Tanh: dx[i] = g * (T(1) - v * v); break;
    }
  }
}

template <typename T>
void launch_simple_forward(T* y, const T* x, int64_t n, Simple kind, const char* name) {
  if (n == 0) return;
  simple_forward_kernel<T><<<blocks_for(n), kThreads, 0, current_stream()>>>(y, x, n, kind);
  backend::cuda_check_launch(name);
}

template <typename T>
void launch_simple_backward(T* dx, const T* dy, const T* y, int64_t n, Simple kind, const char* name) {
  if (n == 0) return;
  simple_backward_kernel<T><<<blocks_for(n), kThreads, 0, current_stream()>>>(dx, dy, y, n, kind);
  backend::cuda_check_launch(name);
}

// One thread per (o, i) column of an (outer, C, inner) block.
template <typename T>
__global__ void softmax_forward_kernel(T* y, const T* x, int64_t outer, int64_t C, int64_t inner, bool log) {
  const int64_t columns = outer * inner;
  for (int64_t column = grid_index(); column < columns; column += grid_step()) {
    const int64_t base = (column / inner) * C * inner + column % inner;
    T max_value = -INFINITY;
    for (int64_t c = 0; c < C; ++c) {
      const T v = x[base + c * inner];
      max_value = v > max_value ? v : max_value;
    }
    double total = 0;
    for (int64_t c = 0; c < C; ++c) {
      const T e = exp(x[base + c * inner] - max_value);
      total += e;
      if (!log) y[base + c * inner] = e;
    }
    if (log) {
      const T log_total = static_cast<T>(::log(total));
      for (int64_t c = 0; c < C; ++c) y[base + c * inner] = (x[base + c * inner] - max_value) - log_total;
    } else {
      const T scale = static_cast<T>(1.0 / total);
      for (int64_t c = 0; c < C; ++c) y[base + c * inner] *= scale;
    }
  }
}

template <typename T>
__global__ void softmax_backward_kernel(T* dx, const T* dy, const T* y, int64_t outer, int64_t C, int64_t inner,
                                        bool log) {
  const int64_t columns = outer * inner;
  for (int64_t column = grid_index(); column < columns; column += grid_step()) {
    const int64_t base = (column / inner) * C * inner + column % inner;
    double dot = 0;
    for (int64_t c = 0; c < C; ++c) {
      const T g = dy[base + c * inner];
      dot += log ? g : g * y[base + c * inner];
    }
    const T s = static_cast<T>(dot);
    for (int64_t c = 0; c < C; ++c) {
      const int64_t at = base + c * inner;
      dx[at] = log ? dy[at] - exp(y[at]) * s : y[at] * (dy[at] - s);
    }
  }
}

}  // namespace

template <typename T>
void relu_forward(T* y, const T* x, int64_t n) {
  launch_simple_forward(y, x, n, Simple::Relu, "relu_forward");
}
template <typename T>
void relu_backward(T* dx, const T* dy, const T* y, int64_t n) {
  launch_simple_backward(dx, dy, y, n, Simple::Relu, "relu_backward");
}
template <typename T>
void sigmoid_forward(T* y, const T* x, int64_t n) {
  launch_simple_forward(y, x, n, Simple::Sigmoid, "sigmoid_forward");
}
template <typename T>
void sigmoid_backward(T* dx, const T* dy, const T* y, int64_t n) {
  launch_simple_backward(dx, dy, y, n, Simple::Sigmoid, "sigmoid_backward");
}
template <typename T>
void tanh_forward(T* y, const T* x, int64_t n) {
  launch_simple_forward(y, x, n, Simple::Tanh, "tanh_forward");
}
template <typename T>
void tanh_backward(T* dx, const T* dy, const T* y, int64_t n) {
  launch_simple_backward(dx, dy, y, n, Simple::Tanh, "tanh_backward");
}

template <typename T>
void softmax_forward(T* y, const T* x, int64_t outer, int64_t C, int64_t inner, bool log) {
  const int64_t columns = outer * inner;
  if (columns == 0 || C == 0) return;
  softmax_forward_kernel<T><<<blocks_for(columns), kThreads, 0, current_stream()>>>(y, x, outer, C, inner, log);
  backend::cuda_check_launch("softmax_forward");
}

template <typename T>
void softmax_backward(T* dx, const T* dy, const T* y, int64_t outer, int64_t C, int64_t inner, bool log) {
  const int64_t columns = outer * inner;
  if (columns == 0 || C == 0) return;
  softmax_backward_kernel<T><<<blocks_for(columns), kThreads, 0, current_stream()>>>(dx, dy, y, outer, C, inner, log);
  backend::cuda_check_launch("softmax_backward");
}

template <typename T>
void pointwise_activation_forward(T* y, const T* x, int64_t n, PointwiseActivation kind, double a, double b) {
  if (n == 0) return;
  pointwise_forward_kernel<T>
      <<<blocks_for(n), kThreads, 0, current_stream()>>>(y, x, n, kind, static_cast<T>(a), static_cast<T>(b));
  backend::cuda_check_launch("pointwise_activation_forward");
}

template <typename T>
void pointwise_activation_backward(T* dx, const T* dy, const T* x, int64_t n, PointwiseActivation kind, double a,
                                   double b) {
  if (n == 0) return;
  pointwise_backward_kernel<T>
      <<<blocks_for(n), kThreads, 0, current_stream()>>>(dx, dy, x, n, kind, static_cast<T>(a), static_cast<T>(b));
  backend::cuda_check_launch("pointwise_activation_backward");
}

#define STRIATE_IMPLEMENT_ACTIVATION(T)                                        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, relu_forward<T>);                 \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, relu_backward<T>);                \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sigmoid_forward<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sigmoid_backward<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, tanh_forward<T>);                 \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, tanh_backward<T>);                \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, softmax_forward<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, softmax_backward<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, pointwise_activation_forward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, pointwise_activation_backward<T>);
STRIATE_IMPLEMENT_ACTIVATION(float)
STRIATE_IMPLEMENT_ACTIVATION(double)
#undef STRIATE_IMPLEMENT_ACTIVATION

}  // namespace striate::kernels::cuda
