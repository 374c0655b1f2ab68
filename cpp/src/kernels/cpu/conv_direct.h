// Direct convolution on the CPU (no unfolding, no transform): register-blocked micro-kernels that
// vectorize over a block of output channels (forward, weight gradient) or input channels (input
// gradient), AVX-512 / AVX2 / portable variants chosen at run time; and depthwise convolution
// (groups == C), vectorized along the image width, in float32 and float64. conv.cpp decides when
// to call them.
#pragma once
#include "kernels/conv.h"

namespace striate::kernels::cpu::direct {

// Whether the direct path computes this convolution: groups == 1, any kernel size, stride,
// padding and dilation (float32 only).
bool supports(const Conv2dGeometry& g);

// Whether backward_weight runs vectorized over output columns (at most 4 input channels, stride
// 1 along the rows): there it beats the channel-blocked loops and im2col at any channel count
// (LeNet-5's first layer 2.5x, ResNet-20's 3->16 stem 3x, VGG's 3->64 stem 2.5x over im2col).
bool weight_by_columns(const Conv2dGeometry& g);

// The same contracts as kernels::conv2d_forward / conv2d_backward_input / conv2d_backward_weight
// in kernels/conv.h (outputs overwritten; bias / dbias may be null; forward applies g.relu).
void forward(float* output, const float* input, const float* weight, const float* bias, const Conv2dGeometry& g);
void backward_input(float* dinput, const float* doutput, const float* weight, const Conv2dGeometry& g);
void backward_weight(float* dweight, float* dbias, const float* doutput, const float* input, const Conv2dGeometry& g);

}  // namespace striate::kernels::cpu::direct

namespace striate::kernels::cpu::depthwise {

// Whether the depthwise path computes this convolution: groups == C (> 1 or C == 1 with K >= 1),
// K a multiple of C (channel multiplier K / C >= 1); any kernel size, stride, padding, dilation.
bool supports(const Conv2dGeometry& g);

// float32 and float64; the contracts of kernels/conv.h (forward applies g.relu).
template <typename T>
void forward(T* output, const T* input, const T* weight, const T* bias, const Conv2dGeometry& g);
template <typename T>
void backward_input(T* dinput, const T* doutput, const T* weight, const Conv2dGeometry& g);
template <typename T>
void backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const Conv2dGeometry& g);

}  // namespace striate::kernels::cpu::depthwise
