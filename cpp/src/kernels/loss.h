// Loss kernels for class-index targets over a contiguous (N, C, S) block, S being the product of
// any spatial dims (1 for plain classification). Labels were validated by the op.
#pragma once
#include <cstdint>

namespace striate::kernels::cpu {

// losses[n, s] = logsumexp_c x[n, c, s] - x[n, target[n, s], s], computed as
// (max - x[target]) + log(sum_c exp(x - max)) so that logits of any magnitude stay finite and
// exact. The max and the log of the sum are kept apart for backward: x - (max + log_total)
// would round away the softmax of large logits.
template <typename T>
void cross_entropy_forward(T* losses,              // (N, S)
                           T* max_logit,           // (N, S)
                           T* log_total,           // (N, S)
                           const T* x,             // (N, C, S)
                           const int64_t* target,  // (N, S)
                           int64_t N, int64_t C, int64_t S);

// dx[n, c, s] = (exp(x - max - log_total) - [c == target[n, s]]) * dloss[n, s]: softmax minus
// one-hot, fused. dloss_stride is 1, or 0 when one gradient serves every sample.
template <typename T>
void cross_entropy_backward(T* dx,                   // (N, C, S)
                            const T* dloss,          // (N, S) or one value
                            const T* x,              // (N, C, S)
                            const T* max_logit,      // (N, S)
                            const T* log_total,      // (N, S)
                            const int64_t* target,   // (N, S)
                            int64_t N, int64_t C, int64_t S, int64_t dloss_stride);

// losses[n, s] = -log_probs[n, target[n, s], s].
template <typename T>
void nll_loss_forward(T* losses,              // (N, S)
                      const T* log_probs,     // (N, C, S)
                      const int64_t* target,  // (N, S)
                      int64_t N, int64_t C, int64_t S);

// dlog_probs = 0 except dlog_probs[n, target[n, s], s] = -dloss[n, s] (writes every element).
template <typename T>
void nll_loss_backward(T* dlog_probs,           // (N, C, S)
                       const T* dloss,          // (N, S) or one value
                       const int64_t* target,   // (N, S)
                       int64_t N, int64_t C, int64_t S, int64_t dloss_stride);

}  // namespace striate::kernels::cpu
