// The vectorized inner loops of the CPU kernels outside conv and gemm: transcendental maps,
// activations, softmax, batch-norm sweeps, optimizer updates, pooling rows. Each is a serial
// function over contiguous memory, compiled once per SIMD variant (vector_math_generic.cpp for
// baseline SSE2, _avx2.cpp, _avx512.cpp) and picked at each call by striate::cpu_isa(), so tests
// can switch paths at run time. The family kernels (activation.cpp, normalization.cpp, ...)
// split the work over threads and call these on their chunks:
//   const auto& vk = vector_kernels<float>();
//   parallel_for(0, n, grain, [&](int64_t b, int64_t e) { vk.map(VectorFunction::Exp, y + b, x + b, e - b); });
// Elementwise results do not depend on where a span starts or ends, so any chunking gives the
// same bits.
#pragma once
#include <cstdint>

// Only plain headers: the SIMD files include this one, and an inline variable with a dynamic
// initializer (core/device.h's kCPU) would put code compiled for their ISA in the library's
// load-time initialization, which runs on every CPU.
#include "kernels/activation_kinds.h"
#include "kernels/optimizer_scalars.h"

namespace striate::kernels::cpu {

// exp, expm1, log, log1p, tanh, sigmoid (1 / (1 + exp(-x))) and erf: at most 2 ulp from the
// correctly rounded value over the whole range, with libm's special values.
enum class VectorFunction { Exp, Expm1, Log, Log1p, Tanh, Sigmoid, Erf };

using kernels::AdamScalars;
using kernels::SgdScalars;

template <typename T>
struct VectorKernels {
  // y = f(x) over n elements; y may alias x.
  void (*map)(VectorFunction f, T* y, const T* x, int64_t n);

  // ---- activations (elementwise; outputs may alias inputs) ----
  void (*relu_forward)(T* y, const T* x, int64_t n);
  void (*relu_backward)(T* dx, const T* dy, const T* y, int64_t n);     // dy where y > 0
  void (*sigmoid_backward)(T* dx, const T* dy, const T* y, int64_t n);  // dy y (1 - y)
  void (*tanh_backward)(T* dx, const T* dy, const T* y, int64_t n);     // dy (1 - y^2)
  void (*pointwise_forward)(T* y, const T* x, int64_t n, PointwiseActivation kind, T a, T b);
  void (*pointwise_backward)(T* dx, const T* dy, const T* x, int64_t n, PointwiseActivation kind, T a, T b);

  // ---- softmax over C, for `width` adjacent columns whose C stride is `inner` (a row: 1, 1) ----
  void (*softmax_forward)(T* y, const T* x, int64_t C, int64_t inner, int64_t width, bool log);
  void (*softmax_backward)(T* dx, const T* dy, const T* y, int64_t C, int64_t inner, int64_t width, bool log);
  // max_c x and log sum_c exp(x - max) of one row of C values.
  void (*log_sum_exp)(T* max_value, T* log_total, const T* x, int64_t C);
  // y = exp((x - shift) - log_total) * scale over a row (cross-entropy's softmax gradient).
  void (*scaled_softmax)(T* y, const T* x, int64_t n, T shift, T log_total, T scale);

  // ---- batch norm sweeps over one contiguous row ----
  // The row's mean and sum of squared deviations from it.
  void (*moments)(double* mean, double* squares, const T* x, int64_t n);
  // y = x * scale + shift, then max(y, 0) when relu (NaN kept).
  void (*scale_shift)(T* y, const T* x, int64_t n, T scale, T shift, bool relu);
  // y = max((x * scale + shift) + r, 0) (NaN kept), each step rounded: batch norm, a residual
  // add and a ReLU in one sweep, equal to the three ops in sequence.
  void (*scale_shift_add_relu)(T* y, const T* x, const T* r, int64_t n, T scale, T shift);
  // dx = dy where x * scale + shift > 0, else 0: the gradient of max(0, x * scale + shift) as
  // scale_shift computes it (the same rounding, so the mask equals its output's > 0).
  void (*scale_shift_relu_backward)(T* dx, const T* dy, const T* x, int64_t n, T scale, T shift);
  // sum dy and sum dy * (x - center).
  void (*centered_dot)(double* sum_dy, double* sum_dy_centered, const T* dy, const T* x, int64_t n, T center);
  // dx = a * dy + b * (x - center) + c.
  void (*centered_combine)(T* dx, const T* dy, const T* x, int64_t n, T a, T b, T center, T c);

  // ---- pooling: one output row of one plane ----
  // Max pooling of the Q outputs of a row: output q takes the taps at rows h_begin, h_begin +
  // dilation_h, ... (< h_end, already clipped to the plane) and columns q * stride_w - pad_w +
  // k * dilation_w, k < kernel_w, inside [0, W), in that order: the first maximum wins ties, a
  // NaN wins over numbers; indices are h * W + w.
  void (*max_pool_row)(T* out, int64_t* indices, const T* in, int64_t W, int64_t h_begin, int64_t h_end,
                       int64_t dilation_h, int64_t Q, int64_t stride_w, int64_t pad_w, int64_t kernel_w,
                       int64_t dilation_w);
  // 2x2 stride-2 max pooling of one plane whose width is 2 Q (no padding, no dilation): the
  // P x Q outputs of rows 0 .. 2P - 1, and their indices as max_pool_row gives them unless
  // `indices` is null. Ties and NaNs as max_pool_row (the first maximum in row-major window
  // order; a NaN wins). scratch holds 2 P Q values, 4 P Q with indices; with indices, every
  // index must fit T's integer width (2 P Q < 2^31 for float).
  void (*max_pool_2x2)(T* out, int64_t* indices, const T* in, int64_t P, int64_t Q, T* scratch);
  // Average pooling of the columns [q_begin, q_end) whose windows lie inside the input along W
  // (the caller does the clipped edge columns): the taps' sum (rows, then columns, dilation 1,
  // w_offset = -pad) divided by divisor.
  void (*avg_pool_row)(T* out, const T* in, int64_t W, int64_t h_begin, int64_t h_end, int64_t q_begin, int64_t q_end,
                       int64_t stride_w, int64_t w_offset, int64_t kernel_w, T divisor);

  // ---- sums in double, in a fixed order (reductions, pooling windows) ----
  double (*sum)(const T* x, int64_t n);
  double (*squared_deviation_sum)(const T* x, int64_t n, double mean);  // sum (x - mean)^2
  // acc[i] += x[i], or (x[i] - mean[i])^2 when mean is not null, for i < width.
  void (*accumulate_columns)(double* acc, const T* x, const double* mean, int64_t width);

  // ---- optimizers (one parameter tensor's span) ----
  // first: the momentum buffer is new and takes the update as is.
  void (*sgd_update)(T* param, const T* grad, T* momentum_buffer, int64_t n, const SgdScalars<T>& s, bool first);
  void (*adam_update)(T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq, int64_t n,
                      const AdamScalars<T>& s);
};

// The variant for the current striate::cpu_isa().
template <typename T>
const VectorKernels<T>& vector_kernels();

namespace detail {
// Defined (explicitly specialized) in the matching vector_math_<isa>.cpp. Call a variant only
// when striate::cpu_isa_supported() allows it.
template <typename T>
VectorKernels<T> vector_kernels_generic();
template <typename T>
VectorKernels<T> vector_kernels_avx2();
template <typename T>
VectorKernels<T> vector_kernels_avx512();
}  // namespace detail

}  // namespace striate::kernels::cpu
