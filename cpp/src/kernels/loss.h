// Loss kernels for class-index targets over a contiguous (N, C, S) block, S being the product of
// any spatial dims (1 for plain classification), and the elementwise losses that need care at
// the edges of their domain (binary cross-entropy, KL divergence). Labels were validated by the
// op; a label equal to ignore_index contributes zero loss and zero gradient. `weight` (C) is
// nullable (all ones).
#pragma once
#include <cstdint>

namespace striate::kernels::cpu {

// losses[n, s] = logsumexp_c x[n, c, s] - x[n, target[n, s], s], computed as
// (max - x[target]) + log(sum_c exp(x - max)) so that logits of any magnitude stay finite and
// exact. The max and the log of the sum are kept apart for backward: x - (max + log_total)
// would round away the softmax of large logits.
// Each loss is scaled by weight[target].
template <typename T>
void cross_entropy_forward(T* losses,              // (N, S)
                           T* max_logit,           // (N, S)
                           T* log_total,           // (N, S)
                           const T* x,             // (N, C, S)
                           const int64_t* target,  // (N, S)
                           const T* weight,        // (C) or null
                           int64_t N, int64_t C, int64_t S, int64_t ignore_index);

// dx[n, c, s] = (exp(x - max - log_total) - [c == target[n, s]]) * dloss[n, s]: softmax minus
// one-hot, fused. dloss_stride is 1, or 0 when one gradient serves every sample.
template <typename T>
void cross_entropy_backward(T* dx,                   // (N, C, S)
                            const T* dloss,          // (N, S) or one value
                            const T* x,              // (N, C, S)
                            const T* max_logit,      // (N, S)
                            const T* log_total,      // (N, S)
                            const int64_t* target,   // (N, S)
                            const T* weight,         // (C) or null
                            int64_t N, int64_t C, int64_t S, int64_t dloss_stride, int64_t ignore_index);

// losses[n, s] = -weight[t] * log_probs[n, t, s], t = target[n, s].
template <typename T>
void nll_loss_forward(T* losses,              // (N, S)
                      const T* log_probs,     // (N, C, S)
                      const int64_t* target,  // (N, S)
                      const T* weight,        // (C) or null
                      int64_t N, int64_t C, int64_t S, int64_t ignore_index);

// dlog_probs = 0 except dlog_probs[n, t, s] = -weight[t] * dloss[n, s] (writes every element).
template <typename T>
void nll_loss_backward(T* dlog_probs,           // (N, C, S)
                       const T* dloss,          // (N, S) or one value
                       const int64_t* target,   // (N, S)
                       const T* weight,         // (C) or null
                       int64_t N, int64_t C, int64_t S, int64_t dloss_stride, int64_t ignore_index);

// Multiclass hinge: losses[n] = sum_{c != t} weight[t] * max(0, margin - x[n, t] + x[n, c])^p / C,
// t = target[n], p in {1, 2}.
template <typename T>
void multi_margin_forward(T* losses,              // (N)
                          const T* x,             // (N, C)
                          const int64_t* target,  // (N)
                          const T* weight,        // (C) or null
                          int64_t N, int64_t C, int p, double margin);
template <typename T>
void multi_margin_backward(T* dx,                  // (N, C)
                           const T* dloss,         // (N)
                           const T* x,             // (N, C)
                           const int64_t* target,  // (N)
                           const T* weight,        // (C) or null
                           int64_t N, int64_t C, int p, double margin);

// Binary cross-entropy of probabilities x against targets t, both (n): each log is clamped at
// -100 (as PyTorch does) so x = 0 or 1 gives a finite loss.
template <typename T>
void binary_cross_entropy_forward(T* losses, const T* x, const T* t, int64_t n);
// dx = dloss (x - t) / max(x (1 - x), 1e-12); dt = dloss (log(1 - x) - log(x)), clamped logs.
// Either output may be null when not wanted.
template <typename T>
void binary_cross_entropy_backward(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n);

// KL divergence terms of log-probabilities x against probabilities t, both (n):
// t (log t - x), and 0 where t = 0 (the limit of t log t).
template <typename T>
void kl_div_forward(T* losses, const T* x, const T* t, int64_t n);
// dx = -t dloss; dt = (log t + 1 - x) dloss where t > 0, else 0. Either output may be null.
template <typename T>
void kl_div_backward(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n);

}  // namespace striate::kernels::cpu
