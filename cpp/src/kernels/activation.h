// Activation kernels: relu, sigmoid, tanh (elementwise over contiguous arrays) and softmax /
// log_softmax over the C axis of a contiguous (outer, C, inner) block, max-subtracted so logits
// of any magnitude stay finite. Backward kernels take the forward result y, not x, except the
// parameterized pointwise family, which differentiates from its input x.
#pragma once
#include <cstdint>
#include "kernels/activation_kinds.h"
#include "kernels/kernel.h"

namespace striate::kernels {

// y = activation(x); y may alias x.
template <typename T>
inline Kernel<void(T* y, const T* x, int64_t n, PointwiseActivation kind, double a, double b)>
    pointwise_activation_forward{"pointwise_activation_forward", dtype_of<T>::value};
// dx = dy * activation'(x).
template <typename T>
inline Kernel<void(T* dx, const T* dy, const T* x, int64_t n, PointwiseActivation kind, double a, double b)>
    pointwise_activation_backward{"pointwise_activation_backward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* y, const T* x, int64_t n)> relu_forward{"relu_forward", dtype_of<T>::value};
// dx = dy where y > 0, else 0.
template <typename T>
inline Kernel<void(T* dx, const T* dy, const T* y, int64_t n)> relu_backward{"relu_backward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* y, const T* x, int64_t n)> sigmoid_forward{"sigmoid_forward", dtype_of<T>::value};
// dx = dy * y * (1 - y).
template <typename T>
inline Kernel<void(T* dx, const T* dy, const T* y, int64_t n)> sigmoid_backward{"sigmoid_backward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* y, const T* x, int64_t n)> tanh_forward{"tanh_forward", dtype_of<T>::value};
// dx = dy * (1 - y^2).
template <typename T>
inline Kernel<void(T* dx, const T* dy, const T* y, int64_t n)> tanh_backward{"tanh_backward", dtype_of<T>::value};

// y = softmax(x) along C, or log_softmax when log is true.
template <typename T>
inline Kernel<void(T* y,        // (outer, C, inner)
                   const T* x,  // (outer, C, inner)
                   int64_t outer, int64_t C, int64_t inner, bool log)>
    softmax_forward{"softmax_forward", dtype_of<T>::value};
// softmax: dx = y * (dy - sum_c dy * y); log_softmax: dx = dy - exp(y) * sum_c dy.
template <typename T>
inline Kernel<void(T* dx,        // (outer, C, inner)
                   const T* dy,  // (outer, C, inner)
                   const T* y,   // (outer, C, inner)
                   int64_t outer, int64_t C, int64_t inner, bool log)>
    softmax_backward{"softmax_backward", dtype_of<T>::value};

}  // namespace striate::kernels
