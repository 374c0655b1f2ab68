// Activation kernels: relu, sigmoid, tanh (elementwise over contiguous arrays) and softmax /
// log_softmax over the C axis of a contiguous (outer, C, inner) block, max-subtracted so logits
// of any magnitude stay finite. Backward kernels take the forward result y, not x, except the
// parameterized pointwise family, which differentiates from its input x.
#pragma once
#include <cstdint>

namespace striate::kernels::cpu {

// The parameterized elementwise activations; a and b are their scalar arguments:
// Hardtanh (a = min_val, b = max_val; relu6 is Hardtanh(0, 6)), LeakyRelu (a = negative_slope),
// Elu (a = alpha), Selu, Gelu (erf form), GeluTanh (tanh approximation), Silu,
// Softplus (a = beta, b = threshold), AbsTanh (|tanh x|).
enum class PointwiseActivation { Hardtanh, LeakyRelu, Elu, Selu, Gelu, GeluTanh, Silu, Softplus, AbsTanh };

// y = activation(x); y may alias x.
template <typename T>
void pointwise_activation_forward(T* y, const T* x, int64_t n, PointwiseActivation kind, double a, double b);
// dx = dy * activation'(x).
template <typename T>
void pointwise_activation_backward(T* dx, const T* dy, const T* x, int64_t n, PointwiseActivation kind, double a,
                                   double b);

template <typename T>
void relu_forward(T* y, const T* x, int64_t n);
// dx = dy where y > 0, else 0.
template <typename T>
void relu_backward(T* dx, const T* dy, const T* y, int64_t n);

template <typename T>
void sigmoid_forward(T* y, const T* x, int64_t n);
// dx = dy * y * (1 - y).
template <typename T>
void sigmoid_backward(T* dx, const T* dy, const T* y, int64_t n);

template <typename T>
void tanh_forward(T* y, const T* x, int64_t n);
// dx = dy * (1 - y^2).
template <typename T>
void tanh_backward(T* dx, const T* dy, const T* y, int64_t n);

// y = softmax(x) along C, or log_softmax when log is true.
template <typename T>
void softmax_forward(T* y,        // (outer, C, inner)
                     const T* x,  // (outer, C, inner)
                     int64_t outer, int64_t C, int64_t inner, bool log);
// softmax: dx = y * (dy - sum_c dy * y); log_softmax: dx = dy - exp(y) * sum_c dy.
template <typename T>
void softmax_backward(T* dx,        // (outer, C, inner)
                      const T* dy,  // (outer, C, inner)
                      const T* y,   // (outer, C, inner)
                      int64_t outer, int64_t C, int64_t inner, bool log);

}  // namespace striate::kernels::cpu
