// Convolution kernels (one declaration; a CUDA twin implements the same names): im2col / col2im
// and vol2col / col2vol with the lowered 2-D and 3-D passes built on them and on gemm, and the
// locally connected (unshared weights) passes. conv_transpose2d reuses the 2-D passes.
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

// Row (c, u, r, s), column (o, p, q) holds input[c, o * stride_d - pad_front + u * dilation_d, ...]
// (likewise for h and w), or 0 in the padding.
template <typename T>
void vol2col(T* col,          // (channels * U * R * S, O * P * Q)
             const T* input,  // (channels, D, H, W)
             const Conv3dGeometry& g, int64_t channels);

// The adjoint of vol2col.
template <typename T>
void col2vol(T* dinput,      // (channels, D, H, W), accumulated into
             const T* dcol,  // (channels * U * R * S, O * P * Q)
             const Conv3dGeometry& g, int64_t channels);

template <typename T>
void conv3d_forward(T* output,        // (N, K, O, P, Q), overwritten
                    const T* input,   // (N, C, D, H, W)
                    const T* weight,  // (K, C / groups, U, R, S)
                    const T* bias,    // (K) or null
                    const Conv3dGeometry& g);

template <typename T>
void conv3d_backward_input(T* dinput,         // (N, C, D, H, W), overwritten
                           const T* doutput,  // (N, K, O, P, Q)
                           const T* weight,   // (K, C / groups, U, R, S)
                           const Conv3dGeometry& g);

// dweight and dbias are overwritten.
template <typename T>
void conv3d_backward_weight(T* dweight,        // (K, C / groups, U, R, S)
                            T* dbias,          // (K) or null
                            const T* doutput,  // (N, K, O, P, Q)
                            const T* input,    // (N, C, D, H, W)
                            const Conv3dGeometry& g);

// ---- locally connected (one filter bank per output position) ---------------------------------
// g describes the sliding window as for conv2d with groups = 1; the weight is not shared: output
// position (p, q) has its own (K, C * R * S) matrix.

template <typename T>
void locally_connected2d_forward(T* output,        // (N, K, P, Q), overwritten
                                 const T* input,   // (N, C, H, W)
                                 const T* weight,  // (P * Q, K, C * R * S)
                                 const T* bias,    // (K, P, Q) or null
                                 const Conv2dGeometry& g);

template <typename T>
void locally_connected2d_backward_input(T* dinput,         // (N, C, H, W), overwritten
                                        const T* doutput,  // (N, K, P, Q)
                                        const T* weight,   // (P * Q, K, C * R * S)
                                        const Conv2dGeometry& g);

// dweight and dbias are overwritten.
template <typename T>
void locally_connected2d_backward_weight(T* dweight,        // (P * Q, K, C * R * S)
                                         T* dbias,          // (K, P, Q) or null
                                         const T* doutput,  // (N, K, P, Q)
                                         const T* input,    // (N, C, H, W)
                                         const Conv2dGeometry& g);

}  // namespace striate::kernels::cpu
