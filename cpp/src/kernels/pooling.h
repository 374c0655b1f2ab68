// Pooling kernels: 2-D and 3-D max/average pooling, pooling over precomputed windows (adaptive and
// fractional), and max-unpooling (one declaration; a CUDA twin implements the same names).
// Every plane (one channel of one sample) is pooled independently.
#pragma once
#include <cstdint>
#include "kernels/kernel.h"

namespace striate::kernels {

// One pooling, already validated by ops/pooling.cpp. Windows start at p * stride - pad and are
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
// last NaN when there is one (NaN propagates, as in PyTorch). The CPU kernel takes null indices
// (values only, at inference: 2x2 stride-2 windows then run whole planes vectorized).
template <typename T>
inline Kernel<void(T* output,         // (planes, P, Q)
                   int64_t* indices,  // (planes, P, Q); may be null on the CPU
                   const T* input,    // (planes, H, W)
                   const Pool2dGeometry& g)>
    max_pool2d_forward{"max_pool2d_forward", dtype_of<T>::value};

// dinput[plane][indices[i]] += doutput[plane][i]: every max pooling's backward. Reads only
// planes, H * W (positions per plane) and P * Q (values per plane) from g.
template <typename T>
inline Kernel<void(T* dinput,               // (planes, H, W), overwritten
                   const T* doutput,        // (planes, P, Q)
                   const int64_t* indices,  // (planes, P, Q)
                   const Pool2dGeometry& g)>
    max_pool2d_backward{"max_pool2d_backward", dtype_of<T>::value};

// A max pooling of 2x2 windows, stride 2, no padding or dilation, over an even width (an odd
// height drops the last row): the CPU kernels run whole planes of it vectorized, and training
// keeps no indices for it (max_pool2d_2x2_backward finds each window's maximum again).
inline bool is_plain_2x2(const Pool2dGeometry& g) {
  return g.kernel_h == 2 && g.kernel_w == 2 && g.stride_h == 2 && g.stride_w == 2 && g.pad_h == 0 && g.pad_w == 0 &&
         g.dilation_h == 1 && g.dilation_w == 1 && g.W == 2 * g.Q && 2 * g.P <= g.H;
}

// The backward of a plain 2x2 max pooling (is_plain_2x2) from the forward's input instead of
// indices: each window's gradient goes to the tap the forward picked, found again by the same
// scan (the first maximum in window order, or the last NaN); the same bits as
// max_pool2d_backward with the forward's indices. CPU only (the CUDA forward keeps indices).
template <typename T>
inline Kernel<void(T* dinput,         // (planes, H, W), overwritten
                   const T* doutput,  // (planes, P, Q)
                   const T* input,    // (planes, H, W)
                   const Pool2dGeometry& g)>
    max_pool2d_2x2_backward{"max_pool2d_2x2_backward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* output,       // (planes, P, Q)
                   const T* input,  // (planes, H, W)
                   const Pool2dGeometry& g)>
    avg_pool2d_forward{"avg_pool2d_forward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* dinput,         // (planes, H, W), overwritten
                   const T* doutput,  // (planes, P, Q)
                   const Pool2dGeometry& g)>
    avg_pool2d_backward{"avg_pool2d_backward", dtype_of<T>::value};

// ---- 3-D pooling (kernels/cpu/pooling3d.cpp) ------------------------------------------------------

// Input (planes, D, H, W) pools to (planes, OD, P, Q); fields as Pool2dGeometry, depth first.
struct Pool3dGeometry {
  int64_t planes;
  int64_t D, H, W;
  int64_t OD, P, Q;
  int64_t kernel[3], stride[3], pad[3], dilation[3];
  bool count_include_pad;
  int64_t divisor_override;  // 0 = none
};

// indices hold d * H * W + h * W + w of each maximum (first on ties, NaN propagates).
template <typename T>
inline Kernel<void(T* output,         // (planes, OD, P, Q)
                   int64_t* indices,  // (planes, OD, P, Q)
                   const T* input,    // (planes, D, H, W)
                   const Pool3dGeometry& g)>
    max_pool3d_forward{"max_pool3d_forward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* output,       // (planes, OD, P, Q)
                   const T* input,  // (planes, D, H, W)
                   const Pool3dGeometry& g)>
    avg_pool3d_forward{"avg_pool3d_forward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* dinput,         // (planes, D, H, W), overwritten
                   const T* doutput,  // (planes, OD, P, Q)
                   const Pool3dGeometry& g)>
    avg_pool3d_backward{"avg_pool3d_backward", dtype_of<T>::value};

// ---- pooling over given windows (adaptive and fractional pooling) ------------------------------

// Output (p, q) of a plane pools rows [h_begin[p], h_end[p]) and columns [w_begin[q], w_end[q]).
// With per_plane the window arrays hold planes * P (and planes * Q) entries, one row per plane.
struct WindowPool2dGeometry {
  int64_t planes;
  int64_t H, W;
  int64_t P, Q;
  const int64_t* h_begin;  // (P) or (planes, P)
  const int64_t* h_end;
  const int64_t* w_begin;  // (Q) or (planes, Q)
  const int64_t* w_end;
  bool per_plane;
};

template <typename T>
inline Kernel<void(T* output,         // (planes, P, Q)
                   int64_t* indices,  // (planes, P, Q), h * W + w
                   const T* input,    // (planes, H, W)
                   const WindowPool2dGeometry& g)>
    window_max_pool2d_forward{"window_max_pool2d_forward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* output,       // (planes, P, Q)
                   const T* input,  // (planes, H, W)
                   const WindowPool2dGeometry& g)>
    window_avg_pool2d_forward{"window_avg_pool2d_forward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* dinput,         // (planes, H, W), overwritten
                   const T* doutput,  // (planes, P, Q)
                   const WindowPool2dGeometry& g)>
    window_avg_pool2d_backward{"window_avg_pool2d_backward", dtype_of<T>::value};

// output[plane][indices[i]] = input[plane][i], zeros elsewhere; a repeated index (overlapping
// pooling windows) is written, not summed, as in PyTorch.
template <typename T>
inline Kernel<void(T* output,               // (planes, P, Q), the unpooled size
                   const T* input,          // (planes, H, W)
                   const int64_t* indices,  // (planes, H, W), p * Q + q
                   int64_t planes, int64_t H, int64_t W, int64_t P, int64_t Q)>
    max_unpool2d_forward{"max_unpool2d_forward", dtype_of<T>::value};

// Gathers doutput[plane][indices[i]] into dinput[plane][i]: max_unpool2d's backward.
template <typename T>
inline Kernel<void(T* dinput,               // (planes, H, W)
                   const T* doutput,        // (planes, P, Q), the unpooled size
                   const int64_t* indices,  // (planes, H, W), p * Q + q
                   int64_t planes, int64_t H, int64_t W, int64_t P, int64_t Q)>
    max_unpool2d_backward{"max_unpool2d_backward", dtype_of<T>::value};

}  // namespace striate::kernels
