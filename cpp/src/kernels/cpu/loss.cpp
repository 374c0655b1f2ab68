// CPU loss kernels: fused log-sum-exp cross-entropy and its softmax-minus-one-hot backward, and
// the negative log-likelihood pick. One work item is one sample n.
#include "kernels/loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

int64_t grain_for(int64_t per_item) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, per_item)); }

}  // namespace

template <typename T>
void cross_entropy_forward(T* losses, T* max_logit, T* log_total, const T* x, const int64_t* target, int64_t N,
                           int64_t C, int64_t S) {
  parallel_for(0, N, grain_for(C * S), [&](int64_t begin, int64_t end) {
    std::vector<T> max_value(S);
    std::vector<double> total(S);
    for (int64_t n = begin; n < end; ++n) {
      const T* sample = x + n * C * S;
      std::fill(max_value.begin(), max_value.end(), -std::numeric_limits<T>::infinity());
      std::fill(total.begin(), total.end(), 0.0);
      for (int64_t c = 0; c < C; ++c)
        for (int64_t s = 0; s < S; ++s) max_value[s] = std::max(max_value[s], sample[c * S + s]);
      for (int64_t c = 0; c < C; ++c)
        for (int64_t s = 0; s < S; ++s) total[s] += std::exp(sample[c * S + s] - max_value[s]);
      for (int64_t s = 0; s < S; ++s) {
        const T log_sum = static_cast<T>(std::log(total[s]));
        max_logit[n * S + s] = max_value[s];
        log_total[n * S + s] = log_sum;
        losses[n * S + s] = (max_value[s] - sample[target[n * S + s] * S + s]) + log_sum;
      }
    }
  });
}

template <typename T>
void cross_entropy_backward(T* dx, const T* dloss, const T* x, const T* max_logit, const T* log_total,
                            const int64_t* target, int64_t N, int64_t C, int64_t S, int64_t dloss_stride) {
  parallel_for(0, N, grain_for(C * S), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const T* max_value = max_logit + n * S;
      const T* log_sum = log_total + n * S;
      const T* g = dloss + n * S * dloss_stride;
      for (int64_t c = 0; c < C; ++c) {
        const int64_t row = (n * C + c) * S;
        for (int64_t s = 0; s < S; ++s)
          dx[row + s] = std::exp((x[row + s] - max_value[s]) - log_sum[s]) * g[s * dloss_stride];
      }
      for (int64_t s = 0; s < S; ++s) dx[(n * C + target[n * S + s]) * S + s] -= g[s * dloss_stride];
    }
  });
}

template <typename T>
void nll_loss_forward(T* losses, const T* log_probs, const int64_t* target, int64_t N, int64_t C, int64_t S) {
  parallel_for(0, N * S, 16384, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t n = p / S;
      const int64_t s = p % S;
      losses[p] = -log_probs[(n * C + target[p]) * S + s];
    }
  });
}

template <typename T>
void nll_loss_backward(T* dlog_probs, const T* dloss, const int64_t* target, int64_t N, int64_t C, int64_t S,
                       int64_t dloss_stride) {
  parallel_for(0, N, grain_for(C * S), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      std::fill(dlog_probs + n * C * S, dlog_probs + (n + 1) * C * S, T(0));
      for (int64_t s = 0; s < S; ++s)
        dlog_probs[(n * C + target[n * S + s]) * S + s] = -dloss[(n * S + s) * dloss_stride];
    }
  });
}

#define STRIATE_INSTANTIATE_LOSS(T)                                                                       \
  template void cross_entropy_forward<T>(T*, T*, T*, const T*, const int64_t*, int64_t, int64_t, int64_t); \
  template void cross_entropy_backward<T>(T*, const T*, const T*, const T*, const T*, const int64_t*,     \
                                          int64_t, int64_t, int64_t, int64_t);                            \
  template void nll_loss_forward<T>(T*, const T*, const int64_t*, int64_t, int64_t, int64_t);             \
  template void nll_loss_backward<T>(T*, const T*, const int64_t*, int64_t, int64_t, int64_t, int64_t);
STRIATE_INSTANTIATE_LOSS(float)
STRIATE_INSTANTIATE_LOSS(double)
#undef STRIATE_INSTANTIATE_LOSS

}  // namespace striate::kernels::cpu
