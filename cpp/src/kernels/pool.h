// 2-D max and average pooling kernels (one declaration; a CUDA twin implements the same names).
// Every plane (one channel of one sample) is pooled independently.
#pragma once
#include <cstdint>

namespace striate::kernels::cpu {

// One pooling, already validated by ops/pool.cpp. Windows start at p * stride - pad and are
// clipped to the input as PyTorch clips them (also the partial last window of ceil_mode).
struct Pool2dGeometry {
  int64_t planes;  // N * C
  int64_t H, W;    // input
  int64_t P, Q;    // output
  int64_t kernel_h, kernel_w;
  int64_t stride_h, stride_w;
  int64_t pad_h, pad_w;
  int64_t dilation_h, dilation_w;  // max pooling only
  bool count_include_pad;          // avg pooling only
  int64_t divisor_override;        // avg pooling only; 0 = none
};

// indices hold h * W + w of each maximum: the first in row-major window order on ties, the
// last NaN when there is one (NaN propagates, as in PyTorch).
template <typename T>
void max_pool2d_forward(T* output,         // (planes, P, Q)
                        int64_t* indices,  // (planes, P, Q)
                        const T* input,    // (planes, H, W)
                        const Pool2dGeometry& g);

template <typename T>
void max_pool2d_backward(T* dinput,               // (planes, H, W), overwritten
                         const T* doutput,        // (planes, P, Q)
                         const int64_t* indices,  // (planes, P, Q)
                         const Pool2dGeometry& g);

template <typename T>
void avg_pool2d_forward(T* output,       // (planes, P, Q)
                        const T* input,  // (planes, H, W)
                        const Pool2dGeometry& g);

template <typename T>
void avg_pool2d_backward(T* dinput,         // (planes, H, W), overwritten
                         const T* doutput,  // (planes, P, Q)
                         const Pool2dGeometry& g);

}  // namespace striate::kernels::cpu
