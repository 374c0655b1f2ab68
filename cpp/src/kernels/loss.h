// Loss kernels for class-index targets over a contiguous (N, C, S) block, S being the product of
// any spatial dims (1 for plain classification), and the elementwise losses that need care at
// the edges of their domain (binary cross-entropy, KL divergence). Labels were validated by the
// op; a label equal to ignore_index contributes zero loss and zero gradient. `weight` (C) is
// nullable (all ones).
#pragma once
#include <cstdint>
#include "kernels/kernel.h"

namespace striate::kernels {

// losses[n, s] = logsumexp_c x[n, c, s] - x[n, target[n, s], s], computed as
// (max - x[target]) + log(sum_c exp(x - max)) so that logits of any magnitude stay finite and
// exact. The max and the log of the sum are kept apart for backward: x - (max + log_total)
// would round away the softmax of large logits.
// Each loss is scaled by weight[target].
template <typename T>
inline Kernel<void(T* losses,              // (N, S)
                   T* max_logit,           // (N, S)
                   T* log_total,           // (N, S)
                   const T* x,             // (N, C, S)
                   const int64_t* target,  // (N, S)
                   const T* weight,        // (C) or null
                   int64_t N, int64_t C, int64_t S, int64_t ignore_index)>
    cross_entropy_forward{"cross_entropy_forward", dtype_of<T>::value};

// dx[n, c, s] = (exp(x - max - log_total) - [c == target[n, s]]) * dloss[n, s]: softmax minus
// one-hot, fused. dloss_stride is 1, or 0 when one gradient serves every sample.
template <typename T>
inline Kernel<void(T* dx,                  // (N, C, S)
                   const T* dloss,         // (N, S) or one value
                   const T* x,             // (N, C, S)
                   const T* max_logit,     // (N, S)
                   const T* log_total,     // (N, S)
                   const int64_t* target,  // (N, S)
                   const T* weight,        // (C) or null
                   int64_t N, int64_t C, int64_t S, int64_t dloss_stride, int64_t ignore_index)>
    cross_entropy_backward{"cross_entropy_backward", dtype_of<T>::value};

// losses[n, s] = -weight[t] * log_probs[n, t, s], t = target[n, s].
template <typename T>
inline Kernel<void(T* losses,              // (N, S)
                   const T* log_probs,     // (N, C, S)
                   const int64_t* target,  // (N, S)
                   const T* weight,        // (C) or null
                   int64_t N, int64_t C, int64_t S, int64_t ignore_index)>
    nll_loss_forward{"nll_loss_forward", dtype_of<T>::value};

// dlog_probs = 0 except dlog_probs[n, t, s] = -weight[t] * dloss[n, s] (writes every element).
template <typename T>
inline Kernel<void(T* dlog_probs,          // (N, C, S)
                   const T* dloss,         // (N, S) or one value
                   const int64_t* target,  // (N, S)
                   const T* weight,        // (C) or null
                   int64_t N, int64_t C, int64_t S, int64_t dloss_stride, int64_t ignore_index)>
    nll_loss_backward{"nll_loss_backward", dtype_of<T>::value};

// Multiclass hinge: losses[n] = sum_{c != t} weight[t] * max(0, margin - x[n, t] + x[n, c])^p / C,
// t = target[n], p in {1, 2}.
template <typename T>
inline Kernel<void(T* losses,              // (N)
                   const T* x,             // (N, C)
                   const int64_t* target,  // (N)
                   const T* weight,        // (C) or null
                   int64_t N, int64_t C, int p, double margin)>
    multi_margin_forward{"multi_margin_forward", dtype_of<T>::value};
template <typename T>
inline Kernel<void(T* dx,                  // (N, C)
                   const T* dloss,         // (N)
                   const T* x,             // (N, C)
                   const int64_t* target,  // (N)
                   const T* weight,        // (C) or null
                   int64_t N, int64_t C, int p, double margin)>
    multi_margin_backward{"multi_margin_backward", dtype_of<T>::value};

// Binary cross-entropy of probabilities x against targets t, both (n): each log is clamped at
// -100 (as PyTorch does) so x = 0 or 1 gives a finite loss.
template <typename T>
inline Kernel<void(T* losses, const T* x, const T* t, int64_t n)> binary_cross_entropy_forward{
    "binary_cross_entropy_forward", dtype_of<T>::value};
// dx = dloss (x - t) / max(x (1 - x), 1e-12); dt = dloss (log(1 - x) - log(x)), clamped logs.
// Either output may be null when not wanted.
template <typename T>
inline Kernel<void(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n)> binary_cross_entropy_backward{
    "binary_cross_entropy_backward", dtype_of<T>::value};

// KL divergence terms of log-probabilities x against probabilities t, both (n):
// t (log t - x), and 0 where t = 0 (the limit of t log t).
template <typename T>
inline Kernel<void(T* losses, const T* x, const T* t, int64_t n)> kl_div_forward{"kl_div_forward", dtype_of<T>::value};
// dx = -t dloss; dt = (log t + 1 - x) dloss where t > 0, else 0. Either output may be null.
template <typename T>
inline Kernel<void(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n)> kl_div_backward{
    "kl_div_backward", dtype_of<T>::value};

}  // namespace striate::kernels
