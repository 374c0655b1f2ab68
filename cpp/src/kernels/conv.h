// 2-D convolution kernels (one declaration; a CUDA twin implements the same names): im2col /
// col2im and the lowered forward and backward passes built on them and on gemm.
#pragma once
#include <cstdint>

namespace striate::kernels::cpu {

// Everything the kernels need to know about one convolution, already validated by ops/conv.cpp.
struct Conv2dGeometry {
  int64_t N, C, H, W;  // input
  int64_t K, R, S;     // weight (K, C / groups, R, S)
  int64_t P, Q;        // output
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left;  // bottom / right padding only shows through P and Q
  int64_t dilation_h, dilation_w;
  int64_t groups;
};

// Unfolds `channels` planes of one image into columns: row (c, r, s), column (p, q) holds
// input[c, p * stride_h - pad_top + r * dilation_h, q * stride_w - pad_left + s * dilation_w]
// or 0 in the padding.
template <typename T>
void im2col(T* col,           // (channels * R * S, P * Q)
            const T* input,   // (channels, H, W)
            const Conv2dGeometry& g, int64_t channels);

// The adjoint of im2col: adds every column entry back onto the input position it came from.
template <typename T>
void col2im(T* dinput,      // (channels, H, W), accumulated into
            const T* dcol,  // (channels * R * S, P * Q)
            const Conv2dGeometry& g, int64_t channels);

template <typename T>
void conv2d_forward(T* output,        // (N, K, P, Q), overwritten
                    const T* input,   // (N, C, H, W)
                    const T* weight,  // (K, C / groups, R, S)
                    const T* bias,    // (K) or null
                    const Conv2dGeometry& g);

template <typename T>
void conv2d_backward_input(T* dinput,         // (N, C, H, W), overwritten
                           const T* doutput,  // (N, K, P, Q)
                           const T* weight,   // (K, C / groups, R, S)
                           const Conv2dGeometry& g);

// dweight and dbias are overwritten (parameter gradients are accumulated by autograd, not here).
template <typename T>
void conv2d_backward_weight(T* dweight,        // (K, C / groups, R, S)
                            T* dbias,          // (K) or null
                            const T* doutput,  // (N, K, P, Q)
                            const T* input,    // (N, C, H, W)
                            const Conv2dGeometry& g);

}  // namespace striate::kernels::cpu
