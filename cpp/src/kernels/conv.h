// Convolution kernels, declared once for every device: the 2-D and 3-D passes (the CPU lowers
// them to im2col / vol2col + gemm) and the locally connected (unshared weights) passes.
// conv_transpose2d reuses the 2-D passes.
#pragma once
#include <cstdint>
#include "kernels/kernel.h"
#include "striate/core/conv_algorithm.h"

namespace striate::kernels {

class ConvWeightCache;  // kernels/conv_weight_cache.h

// Everything the kernels need to know about one convolution, already validated by ops/conv.cpp.
struct Conv2dGeometry {
  int64_t N, C, H, W;  // input
  int64_t K, R, S;     // weight (K, C / groups, R, S)
  int64_t P, Q;        // output
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left;  // bottom / right padding only shows through P and Q
  int64_t dilation_h, dilation_w;
  int64_t groups;
  bool relu = false;  // forward only: the output is max(0, conv + bias), in the same pass
  // Forward only, may be null: where the backend keeps what it derives from the weight (Winograd's
  // transform, the direct kernels' packing) between calls. Set only for a weight whose values do
  // not change while the cache lives (kernels/conv_weight_cache.h); backends may ignore it.
  ConvWeightCache* weight_cache = nullptr;
  // Forward only, CPU only, may be null: (N, K, P, Q) contiguous, of the output's type, added to
  // conv + bias before the ReLU (a residual block's shortcut at inference).
  const void* residual = nullptr;
};

// The algorithm the backend runs for one pass of this convolution: the passes below ask it, and
// striate::conv2d_algorithms reports it.
template <typename T>
inline Kernel<ConvAlgorithm(const Conv2dGeometry& g, ConvPass pass)> conv2d_algorithm{"conv2d_algorithm",
                                                                                      dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* output,        // (N, K, P, Q), overwritten
                   const T* input,   // (N, C, H, W)
                   const T* weight,  // (K, C / groups, R, S)
                   const T* bias,    // (K) or null
                   const Conv2dGeometry& g)>
    conv2d_forward{"conv2d_forward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* dinput,         // (N, C, H, W), overwritten
                   const T* doutput,  // (N, K, P, Q)
                   const T* weight,   // (K, C / groups, R, S)
                   const Conv2dGeometry& g)>
    conv2d_backward_input{"conv2d_backward_input", dtype_of<T>::value};

// dweight and dbias are overwritten (parameter gradients are accumulated by autograd, not here).
template <typename T>
inline Kernel<void(T* dweight,        // (K, C / groups, R, S)
                   T* dbias,          // (K) or null
                   const T* doutput,  // (N, K, P, Q)
                   const T* input,    // (N, C, H, W)
                   const Conv2dGeometry& g)>
    conv2d_backward_weight{"conv2d_backward_weight", dtype_of<T>::value};

// ---- 3-D ------------------------------------------------------------------------------------

// One 3-D convolution: input (N, C, D, H, W), weight (K, C / groups, U, R, S) (U = kernel depth),
// output (N, K, O, P, Q) (O = output depth).
struct Conv3dGeometry {
  int64_t N, C, D, H, W;
  int64_t K, U, R, S;
  int64_t O, P, Q;
  int64_t stride_d, stride_h, stride_w;
  int64_t pad_front, pad_top, pad_left;  // back / bottom / right padding only shows through O, P, Q
  int64_t dilation_d, dilation_h, dilation_w;
  int64_t groups;
};

template <typename T>
inline Kernel<void(T* output,        // (N, K, O, P, Q), overwritten
                   const T* input,   // (N, C, D, H, W)
                   const T* weight,  // (K, C / groups, U, R, S)
                   const T* bias,    // (K) or null
                   const Conv3dGeometry& g)>
    conv3d_forward{"conv3d_forward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* dinput,         // (N, C, D, H, W), overwritten
                   const T* doutput,  // (N, K, O, P, Q)
                   const T* weight,   // (K, C / groups, U, R, S)
                   const Conv3dGeometry& g)>
    conv3d_backward_input{"conv3d_backward_input", dtype_of<T>::value};

// dweight and dbias are overwritten.
template <typename T>
inline Kernel<void(T* dweight,        // (K, C / groups, U, R, S)
                   T* dbias,          // (K) or null
                   const T* doutput,  // (N, K, O, P, Q)
                   const T* input,    // (N, C, D, H, W)
                   const Conv3dGeometry& g)>
    conv3d_backward_weight{"conv3d_backward_weight", dtype_of<T>::value};

// ---- locally connected (one filter bank per output position) ---------------------------------
// g describes the sliding window as for conv2d with groups = 1; the weight is not shared: output
// position (p, q) has its own (K, C * R * S) matrix.

template <typename T>
inline Kernel<void(T* output,        // (N, K, P, Q), overwritten
                   const T* input,   // (N, C, H, W)
                   const T* weight,  // (P * Q, K, C * R * S)
                   const T* bias,    // (K, P, Q) or null
                   const Conv2dGeometry& g)>
    locally_connected2d_forward{"locally_connected2d_forward", dtype_of<T>::value};

template <typename T>
inline Kernel<void(T* dinput,         // (N, C, H, W), overwritten
                   const T* doutput,  // (N, K, P, Q)
                   const T* weight,   // (P * Q, K, C * R * S)
                   const Conv2dGeometry& g)>
    locally_connected2d_backward_input{"locally_connected2d_backward_input", dtype_of<T>::value};

// dweight and dbias are overwritten.
template <typename T>
inline Kernel<void(T* dweight,        // (P * Q, K, C * R * S)
                   T* dbias,          // (K, P, Q) or null
                   const T* doutput,  // (N, K, P, Q)
                   const T* input,    // (N, C, H, W)
                   const Conv2dGeometry& g)>
    locally_connected2d_backward_weight{"locally_connected2d_backward_weight", dtype_of<T>::value};

}  // namespace striate::kernels
