// Normalization kernels over contiguous (N, C, L) blocks, L being the flattened trailing dims:
// batch norm (statistics per channel over N and L), group norm (statistics per sample and group
// of C / G channels; layer norm and instance norm are its special cases) and local response norm
// (across a window of channels). Sums accumulate in double; gamma / beta may be null (1 and 0).
#pragma once
#include <cstdint>
#include "kernels/kernel.h"

namespace striate::kernels {

// Per-channel mean and biased variance over N and L.
template <typename T>
inline Kernel<void(T* mean,     // (C)
                   T* var,      // (C)
                   const T* x,  // (N, C, L)
                   int64_t N, int64_t C, int64_t L)>
    batch_norm_stats{"batch_norm_stats", dtype_of<T>::value};
// invstd = 1 / sqrt(var + eps), per channel (var: batch or running variance).
template <typename T>
inline Kernel<void(T* invstd,     // (C)
                   const T* var,  // (C)
                   int64_t C, double eps)>
    batch_norm_invstd{"batch_norm_invstd", dtype_of<T>::value};
// y = (x - mean) * invstd * gamma + beta, per channel.
template <typename T>
inline Kernel<void(T* y,             // (N, C, L)
                   const T* x,       // (N, C, L)
                   const T* mean,    // (C)
                   const T* invstd,  // (C)
                   const T* gamma,   // (C) or null
                   const T* beta,    // (C) or null
                   int64_t N, int64_t C, int64_t L)>
    batch_norm_apply{"batch_norm_apply", dtype_of<T>::value};
// dbeta = sum dy, dgamma = sum dy * xhat (per channel, written, not accumulated). With batch
// statistics dx = gamma * invstd / M * (M * dy - sum dy - xhat * sum dy * xhat), M = N * L;
// with fixed (running) statistics dx = dy * gamma * invstd. Null outputs are skipped.
template <typename T>
inline Kernel<void(T* dx,            // (N, C, L) or null
                   T* dgamma,        // (C) or null
                   T* dbeta,         // (C) or null
                   const T* dy,      // (N, C, L)
                   const T* x,       // (N, C, L)
                   const T* mean,    // (C)
                   const T* invstd,  // (C)
                   const T* gamma,   // (C) or null
                   int64_t N, int64_t C, int64_t L, bool batch_stats)>
    batch_norm_backward{"batch_norm_backward", dtype_of<T>::value};
// Batch norm then ReLU in one pass: z = max(0, batch_norm(x)) (a pass over memory saved in
// training; the modules call it on their BatchNorm -> ReLU runs).
template <typename T>
inline Kernel<void(T* z,             // (N, C, L)
                   const T* x,       // (N, C, L)
                   const T* mean,    // (C)
                   const T* invstd,  // (C)
                   const T* gamma,   // (C) or null
                   const T* beta,    // (C) or null
                   int64_t N, int64_t C, int64_t L)>
    batch_norm_relu_apply{"batch_norm_relu_apply", dtype_of<T>::value};
// batch_norm_backward of dy = dz where z > 0, else 0 (ReLU's gradient), without writing dy out.
// The mask is made again from x as batch_norm_relu_apply computed z (x * scale + shift with its
// scale and shift), so z is not read: two passes over memory fewer than reading it.
template <typename T>
inline Kernel<void(T* dx,            // (N, C, L) or null
                   T* dgamma,        // (C) or null
                   T* dbeta,         // (C) or null
                   const T* dz,      // (N, C, L)
                   const T* x,       // (N, C, L)
                   const T* mean,    // (C): as the forward used them
                   const T* invstd,  // (C)
                   const T* gamma,   // (C) or null
                   const T* beta,    // (C) or null
                   int64_t N, int64_t C, int64_t L, bool batch_stats)>
    batch_norm_relu_backward{"batch_norm_relu_backward", dtype_of<T>::value};

// The tail of a residual block in one pass: z = max(0, batch_norm(x) + r).
template <typename T>
inline Kernel<void(T* z,             // (N, C, L)
                   const T* x,       // (N, C, L)
                   const T* r,       // (N, C, L): the residual (shortcut) added before the ReLU
                   const T* mean,    // (C)
                   const T* invstd,  // (C)
                   const T* gamma,   // (C) or null
                   const T* beta,    // (C) or null
                   int64_t N, int64_t C, int64_t L)>
    batch_norm_add_relu_apply{"batch_norm_add_relu_apply", dtype_of<T>::value};
// Its backward: dr = dz where z > 0, else 0 (written when dr is not null: the residual's
// gradient), and batch_norm_backward of dy = dr, the masked gradient read from dr (or made in a
// row buffer when dr is null) rather than written out and read back.
template <typename T>
inline Kernel<void(T* dx,            // (N, C, L) or null
                   T* dr,            // (N, C, L) or null
                   T* dgamma,        // (C) or null
                   T* dbeta,         // (C) or null
                   const T* dz,      // (N, C, L)
                   const T* z,       // (N, C, L): the forward's output
                   const T* x,       // (N, C, L)
                   const T* mean,    // (C)
                   const T* invstd,  // (C)
                   const T* gamma,   // (C) or null
                   int64_t N, int64_t C, int64_t L, bool batch_stats)>
    batch_norm_add_relu_backward{"batch_norm_add_relu_backward", dtype_of<T>::value};

// Statistics per (sample, group) over the group's C / G channels and L; y = xhat * gamma + beta
// with gamma / beta per channel.
template <typename T>
inline Kernel<void(T* y,            // (N, C, L)
                   T* mean,         // (N, G)
                   T* invstd,       // (N, G)
                   const T* x,      // (N, C, L)
                   const T* gamma,  // (C) or null
                   const T* beta,   // (C) or null
                   int64_t N, int64_t C, int64_t L, int64_t G, double eps)>
    group_norm_forward{"group_norm_forward", dtype_of<T>::value};
// With w = gamma * dy and M = C / G * L elements a group:
// dx = invstd / M * (M * w - sum w - xhat * sum w * xhat); dgamma, dbeta as batch norm's.
template <typename T>
inline Kernel<void(T* dx,            // (N, C, L) or null
                   T* dgamma,        // (C) or null
                   T* dbeta,         // (C) or null
                   const T* dy,      // (N, C, L)
                   const T* x,       // (N, C, L)
                   const T* mean,    // (N, G)
                   const T* invstd,  // (N, G)
                   const T* gamma,   // (C) or null
                   int64_t N, int64_t C, int64_t L, int64_t G)>
    group_norm_backward{"group_norm_backward", dtype_of<T>::value};

// PyTorch's local response norm: denom = k + alpha / size * sum of x^2 over the channels
// c - size / 2 .. c + (size - 1) / 2 (zero outside), y = x / denom^beta.
template <typename T>
inline Kernel<void(T* y,        // (N, C, L)
                   T* denom,    // (N, C, L), kept for backward
                   const T* x,  // (N, C, L)
                   int64_t N, int64_t C, int64_t L, int64_t size, double alpha, double beta, double k)>
    local_response_norm_forward{"local_response_norm_forward", dtype_of<T>::value};
// dx_j = dy_j * denom_j^-beta - 2 alpha beta / size * x_j * sum over the windows c holding j of
// dy_c * x_c * denom_c^(-beta - 1).
template <typename T>
inline Kernel<void(T* dx,           // (N, C, L)
                   const T* dy,     // (N, C, L)
                   const T* x,      // (N, C, L)
                   const T* denom,  // (N, C, L)
                   int64_t N, int64_t C, int64_t L, int64_t size, double alpha, double beta)>
    local_response_norm_backward{"local_response_norm_backward", dtype_of<T>::value};

}  // namespace striate::kernels
