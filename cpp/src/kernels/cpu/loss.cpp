// CPU loss kernels: fused log-sum-exp cross-entropy and its softmax-minus-one-hot backward, the
// negative log-likelihood pick, the multiclass hinge, binary cross-entropy and KL divergence
// terms. One work item is one sample n (or one element for the elementwise losses). The
// cross-entropy's exponentials run through the SIMD kernels of vector_math.h: along C for plain
// classification (S == 1), along S otherwise.
#include "kernels/loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/vector_math.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

int64_t grain_for(int64_t per_item) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, per_item)); }

}  // namespace

template <typename T>
void cross_entropy_forward(T* losses, T* max_logit, T* log_total, const T* x, const int64_t* target, const T* weight,
                           int64_t N, int64_t C, int64_t S, int64_t ignore_index) {
  const auto& vk = vector_kernels<T>();
  parallel_for(0, N, grain_for(C * S), [&](int64_t begin, int64_t end) {
    std::vector<T> max_value(S), shifted(S);
    std::vector<double> total(S);
    for (int64_t n = begin; n < end; ++n) {
      const T* sample = x + n * C * S;
      if (S == 1) {
        vk.log_sum_exp(&max_logit[n], &log_total[n], sample, C);
      } else {
        std::fill(max_value.begin(), max_value.end(), -std::numeric_limits<T>::infinity());
        std::fill(total.begin(), total.end(), 0.0);
        for (int64_t c = 0; c < C; ++c)
          for (int64_t s = 0; s < S; ++s) max_value[s] = std::max(max_value[s], sample[c * S + s]);
        for (int64_t c = 0; c < C; ++c) {
          for (int64_t s = 0; s < S; ++s) shifted[s] = sample[c * S + s] - max_value[s];
          vk.map(VectorFunction::Exp, shifted.data(), shifted.data(), S);
          for (int64_t s = 0; s < S; ++s) total[s] += shifted[s];
        }
        for (int64_t s = 0; s < S; ++s) shifted[s] = static_cast<T>(total[s]);
        vk.map(VectorFunction::Log, shifted.data(), shifted.data(), S);
        for (int64_t s = 0; s < S; ++s) {
          max_logit[n * S + s] = max_value[s];
          log_total[n * S + s] = shifted[s];
        }
      }
      for (int64_t s = 0; s < S; ++s) {
        const int64_t label = target[n * S + s];
        if (label == ignore_index) {
          losses[n * S + s] = T(0);
          continue;
        }
        const T scale = weight ? weight[label] : T(1);
        losses[n * S + s] = scale * ((max_logit[n * S + s] - sample[label * S + s]) + log_total[n * S + s]);
      }
    }
  });
}

template <typename T>
void cross_entropy_backward(T* dx, const T* dloss, const T* x, const T* max_logit, const T* log_total,
                            const int64_t* target, const T* weight, int64_t N, int64_t C, int64_t S,
                            int64_t dloss_stride, int64_t ignore_index) {
  const auto& vk = vector_kernels<T>();
  parallel_for(0, N, grain_for(C * S), [&](int64_t begin, int64_t end) {
    std::vector<T> g(S);
    for (int64_t n = begin; n < end; ++n) {
      const T* max_value = max_logit + n * S;
      const T* log_sum = log_total + n * S;
      for (int64_t s = 0; s < S; ++s) {
        const int64_t label = target[n * S + s];
        // An ignored position gets no gradient at all, even when dloss is not finite (the mean
        // over zero counted positions), as in PyTorch.
        g[s] = label == ignore_index ? T(0) : (weight ? weight[label] : T(1)) * dloss[(n * S + s) * dloss_stride];
      }
      if (S == 1) {
        vk.scaled_softmax(dx + n * C, x + n * C, C, max_value[0], log_sum[0], g[0]);
      } else {
        for (int64_t c = 0; c < C; ++c) {
          const int64_t row = (n * C + c) * S;
          for (int64_t s = 0; s < S; ++s) dx[row + s] = (x[row + s] - max_value[s]) - log_sum[s];
          vk.map(VectorFunction::Exp, dx + row, dx + row, S);
          for (int64_t s = 0; s < S; ++s) dx[row + s] *= g[s];
        }
      }
      for (int64_t s = 0; s < S; ++s) {
        const int64_t label = target[n * S + s];
        if (label != ignore_index) dx[(n * C + label) * S + s] -= g[s];
      }
    }
  });
}

template <typename T>
void nll_loss_forward(T* losses, const T* log_probs, const int64_t* target, const T* weight, int64_t N, int64_t C,
                      int64_t S, int64_t ignore_index) {
  parallel_for(0, N * S, 16384, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t label = target[p];
      if (label == ignore_index) {
        losses[p] = T(0);
        continue;
      }
      const int64_t n = p / S;
      const int64_t s = p % S;
      losses[p] = -(weight ? weight[label] : T(1)) * log_probs[(n * C + label) * S + s];
    }
  });
}

template <typename T>
void nll_loss_backward(T* dlog_probs, const T* dloss, const int64_t* target, const T* weight, int64_t N, int64_t C,
                       int64_t S, int64_t dloss_stride, int64_t ignore_index) {
  parallel_for(0, N, grain_for(C * S), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      std::fill(dlog_probs + n * C * S, dlog_probs + (n + 1) * C * S, T(0));
      for (int64_t s = 0; s < S; ++s) {
        const int64_t label = target[n * S + s];
        if (label == ignore_index) continue;
        dlog_probs[(n * C + label) * S + s] = -(weight ? weight[label] : T(1)) * dloss[(n * S + s) * dloss_stride];
      }
    }
  });
}

template <typename T>
void multi_margin_forward(T* losses, const T* x, const int64_t* target, const T* weight, int64_t N, int64_t C, int p,
                          double margin) {
  parallel_for(0, N, grain_for(C), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const T* row = x + n * C;
      const int64_t label = target[n];
      double total = 0;
      for (int64_t c = 0; c < C; ++c) {
        if (c == label) continue;
        const double z = margin - row[label] + row[c];
        if (z > 0) total += p == 1 ? z : z * z;
      }
      losses[n] = static_cast<T>(total * (weight ? weight[label] : 1.0) / static_cast<double>(C));
    }
  });
}

template <typename T>
void multi_margin_backward(T* dx, const T* dloss, const T* x, const int64_t* target, const T* weight, int64_t N,
                           int64_t C, int p, double margin) {
  parallel_for(0, N, grain_for(C), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const T* row = x + n * C;
      T* drow = dx + n * C;
      const int64_t label = target[n];
      const T scale = dloss[n] * (weight ? weight[label] : T(1)) / static_cast<T>(C);
      T dlabel = 0;
      for (int64_t c = 0; c < C; ++c) {
        drow[c] = T(0);
        if (c == label) continue;
        const T z = static_cast<T>(margin) - row[label] + row[c];
        if (z > T(0)) {
          drow[c] = scale * (p == 1 ? T(1) : T(2) * z);
          dlabel -= drow[c];
        }
      }
      drow[label] = dlabel;
    }
  });
}

namespace {

template <typename T>
T clamped_log(T value) {
  return std::max(std::log(value), T(-100));
}

}  // namespace

template <typename T>
void binary_cross_entropy_forward(T* losses, const T* x, const T* t, int64_t n) {
  parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      losses[i] = -(t[i] * clamped_log(x[i]) + (T(1) - t[i]) * std::max(std::log1p(-x[i]), T(-100)));
  });
}

template <typename T>
void binary_cross_entropy_backward(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n) {
  constexpr T kEpsilon = T(1e-12);
  parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      if (dx) dx[i] = dloss[i] * (x[i] - t[i]) / std::max((T(1) - x[i]) * x[i], kEpsilon);
      if (dt) dt[i] = dloss[i] * (std::max(std::log1p(-x[i]), T(-100)) - clamped_log(x[i]));
    }
  });
}

template <typename T>
void kl_div_forward(T* losses, const T* x, const T* t, int64_t n) {
  parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
    // PyTorch's xlogy(t, t) - t * x: 0 * log 0 counts as 0; a negative or NaN target gives NaN.
    for (int64_t i = begin; i < end; ++i)
      losses[i] = t[i] == T(0) ? T(0) - t[i] * x[i] : t[i] * (std::log(t[i]) - x[i]);
  });
}

template <typename T>
void kl_div_backward(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n) {
  parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      if (dx) dx[i] = -t[i] * dloss[i];
      if (dt) dt[i] = t[i] == T(0) ? T(0) : (std::log(t[i]) + T(1) - x[i]) * dloss[i];
    }
  });
}

#define STRIATE_IMPLEMENT_LOSS(T)                                              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, cross_entropy_forward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, cross_entropy_backward<T>);        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, nll_loss_forward<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, nll_loss_backward<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, multi_margin_forward<T>);          \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, multi_margin_backward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, binary_cross_entropy_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, binary_cross_entropy_backward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, kl_div_forward<T>);                \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, kl_div_backward<T>);
STRIATE_IMPLEMENT_LOSS(float)
STRIATE_IMPLEMENT_LOSS(double)
#undef STRIATE_IMPLEMENT_LOSS

}  // namespace striate::kernels::cpu
