// conv2d -> ReLU -> 2x2 stride-2 max pooling as one kernel (inference: no autograd), declared once
// for every device. The pooled maps are written directly: the full-resolution activation never
// reaches memory. ops/conv_pool.cpp calls it where it applies and composes the three ops elsewhere.
#pragma once
#include "kernels/conv.h"

namespace striate::kernels {

// output[n][k][i][j] = max over the 2x2 window (2i..2i+1, 2j..2j+1) of relu(conv + bias), for
// i < P / 2, j < Q / 2 (floor: an odd last row or column of the convolution is dropped, as
// max_pool2d(kernel 2, stride 2) drops it). g describes the convolution (g.relu is ignored: the
// ReLU is always applied).
template <typename T>
inline Kernel<void(T* output,        // (N, K, P / 2, Q / 2), overwritten
                   const T* input,   // (N, C, H, W)
                   const T* weight,  // (K, C / groups, R, S)
                   const T* bias,    // (K) or null
                   const Conv2dGeometry& g)>
    conv2d_relu_max_pool2x2_forward{"conv2d_relu_max_pool2x2_forward", dtype_of<T>::value};

}  // namespace striate::kernels
