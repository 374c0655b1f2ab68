// CUDA loss kernels: the same kernel objects as kernels/cpu/loss.cpp. The class-index losses take
// one thread per (sample, position) for the per-row work (the max-subtracted log-sum-exp over C,
// the hinge over C) and one thread per element for the gradients; binary cross-entropy and KL
// divergence are elementwise. Sums over classes accumulate in double, exponentials and logs run
// in the tensor's type, as on the CPU.
#include "kernels/cuda/block_reduce.cuh"
#include "kernels/loss.h"

namespace striate::kernels::cuda {
namespace {

template <typename T>
__device__ T label_weight(const T* weight, int64_t label) {
  return weight ? weight[label] : T(1);
}

template <typename T>
__global__ void cross_entropy_forward_kernel(T* losses, T* max_logit, T* log_total, const T* x, const int64_t* target,
                                             const T* weight, int64_t N, int64_t C, int64_t S, int64_t ignore_index) {
  for (int64_t p = grid_index(); p < N * S; p += grid_step()) {
    const int64_t n = p / S, s = p % S;
    const T* column = x + n * C * S + s;  // column[c * S] = x[n, c, s]
    // The max, with NaN propagating (a NaN logit makes the loss NaN, as on the CPU).
    T max_value = column[0];
    for (int64_t c = 1; c < C; ++c) {
      const T v = column[c * S];
      if (v > max_value || v != v) max_value = v;
      if (max_value != max_value) break;
    }
    double total = 0;
    for (int64_t c = 0; c < C; ++c) total += static_cast<double>(dev_exp(column[c * S] - max_value));
    const T log_sum = dev_log(static_cast<T>(total));
    max_logit[p] = max_value;
    log_total[p] = log_sum;
    const int64_t label = target[p];
    if (label == ignore_index) {
      losses[p] = T(0);
    } else {
      losses[p] = label_weight(weight, label) * ((max_value - column[label * S]) + log_sum);
    }
  }
}

// dx[n, c, s] = exp(x - max - log_total) g - [c == t] g, g = weight[t] dloss[n, s] (0 if ignored).
template <typename T>
__global__ void cross_entropy_backward_kernel(T* dx, const T* dloss, const T* x, const T* max_logit, const T* log_total,
                                              const int64_t* target, const T* weight, int64_t N, int64_t C, int64_t S,
                                              int64_t dloss_stride, int64_t ignore_index) {
  const int64_t total = N * C * S;
  for (int64_t e = grid_index(); e < total; e += grid_step()) {
    const int64_t s = e % S, c = (e / S) % C, n = e / (C * S);
    const int64_t p = n * S + s;
    const int64_t label = target[p];
    if (label == ignore_index) {
      dx[e] = T(0);
      continue;
    }
    const T g = label_weight(weight, label) * dloss[p * dloss_stride];
    T value = dev_exp((x[e] - max_logit[p]) - log_total[p]) * g;
    if (c == label) value -= g;
    dx[e] = value;
  }
}

template <typename T>
__global__ void nll_loss_forward_kernel(T* losses, const T* log_probs, const int64_t* target, const T* weight,
                                        int64_t N, int64_t C, int64_t S, int64_t ignore_index) {
  for (int64_t p = grid_index(); p < N * S; p += grid_step()) {
    const int64_t label = target[p];
    if (label == ignore_index) {
      losses[p] = T(0);
      continue;
    }
    const int64_t n = p / S, s = p % S;
    losses[p] = -label_weight(weight, label) * log_probs[(n * C + label) * S + s];
  }
}

template <typename T>
__global__ void nll_loss_backward_kernel(T* dlog_probs, const T* dloss, const int64_t* target, const T* weight,
                                         int64_t N, int64_t C, int64_t S, int64_t dloss_stride, int64_t ignore_index) {
  const int64_t total = N * C * S;
  for (int64_t e = grid_index(); e < total; e += grid_step()) {
    const int64_t s = e % S, c = (e / S) % C, n = e / (C * S);
    const int64_t p = n * S + s;
    const int64_t label = target[p];
    dlog_probs[e] =
        (label == ignore_index || c != label) ? T(0) : -label_weight(weight, label) * dloss[p * dloss_stride];
  }
}

template <typename T>
__global__ void multi_margin_forward_kernel(T* losses, const T* x, const int64_t* target, const T* weight, int64_t N,
                                            int64_t C, int p, double margin) {
  for (int64_t n = grid_index(); n < N; n += grid_step()) {
    const T* row = x + n * C;
    const int64_t label = target[n];
    double total = 0;
    for (int64_t c = 0; c < C; ++c) {
      if (c == label) continue;
      const double z = margin - row[label] + row[c];
      if (z > 0) total += p == 1 ? z : z * z;
    }
    losses[n] = static_cast<T>(total * (weight ? static_cast<double>(weight[label]) : 1.0) / static_cast<double>(C));
  }
}

template <typename T>
__global__ void multi_margin_backward_kernel(T* dx, const T* dloss, const T* x, const int64_t* target, const T* weight,
                                             int64_t N, int64_t C, int p, double margin) {
  for (int64_t n = grid_index(); n < N; n += grid_step()) {
    const T* row = x + n * C;
    T* drow = dx + n * C;
    const int64_t label = target[n];
    const T scale = dloss[n] * label_weight(weight, label) / static_cast<T>(C);
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
}

template <typename T>
__device__ T clamped_log(T value) {
  const T v = dev_log(value);
  return v < T(-100) ? T(-100) : v;
}
template <typename T>
__device__ T clamped_log1m(T value) {
  const T v = dev_log1p(-value);
  return v < T(-100) ? T(-100) : v;
}

template <typename T>
__global__ void binary_cross_entropy_forward_kernel(T* losses, const T* x, const T* t, int64_t n) {
  for (int64_t i = grid_index(); i < n; i += grid_step())
    losses[i] = -(t[i] * clamped_log(x[i]) + (T(1) - t[i]) * clamped_log1m(x[i]));
}

template <typename T>
__global__ void binary_cross_entropy_backward_kernel(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n) {
  const T epsilon = T(1e-12);
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    if (dx) {
      const T denominator = (T(1) - x[i]) * x[i];
      dx[i] = dloss[i] * (x[i] - t[i]) / (denominator < epsilon ? epsilon : denominator);
    }
    if (dt) dt[i] = dloss[i] * (clamped_log1m(x[i]) - clamped_log(x[i]));
  }
}

template <typename T>
__global__ void kl_div_forward_kernel(T* losses, const T* x, const T* t, int64_t n) {
  // PyTorch's xlogy(t, t) - t * x: 0 * log 0 counts as 0; a negative or NaN target gives NaN.
  for (int64_t i = grid_index(); i < n; i += grid_step())
    losses[i] = t[i] == T(0) ? T(0) - t[i] * x[i] : t[i] * (dev_log(t[i]) - x[i]);
}

template <typename T>
__global__ void kl_div_backward_kernel(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    if (dx) dx[i] = -t[i] * dloss[i];
    if (dt) dt[i] = t[i] == T(0) ? T(0) : (dev_log(t[i]) + T(1) - x[i]) * dloss[i];
  }
}

}  // namespace

template <typename T>
void cross_entropy_forward(T* losses, T* max_logit, T* log_total, const T* x, const int64_t* target, const T* weight,
                           int64_t N, int64_t C, int64_t S, int64_t ignore_index) {
  if (N * S == 0) return;
  cross_entropy_forward_kernel<T><<<blocks_for(N * S), kThreads, 0, current_stream()>>>(
      losses, max_logit, log_total, x, target, weight, N, C, S, ignore_index);
  backend::cuda_check_launch("cross_entropy_forward");
}

template <typename T>
void cross_entropy_backward(T* dx, const T* dloss, const T* x, const T* max_logit, const T* log_total,
                            const int64_t* target, const T* weight, int64_t N, int64_t C, int64_t S,
                            int64_t dloss_stride, int64_t ignore_index) {
  if (N * C * S == 0) return;
  cross_entropy_backward_kernel<T><<<blocks_for(N * C * S), kThreads, 0, current_stream()>>>(
      dx, dloss, x, max_logit, log_total, target, weight, N, C, S, dloss_stride, ignore_index);
  backend::cuda_check_launch("cross_entropy_backward");
}

template <typename T>
void nll_loss_forward(T* losses, const T* log_probs, const int64_t* target, const T* weight, int64_t N, int64_t C,
                      int64_t S, int64_t ignore_index) {
  if (N * S == 0) return;
  nll_loss_forward_kernel<T>
      <<<blocks_for(N * S), kThreads, 0, current_stream()>>>(losses, log_probs, target, weight, N, C, S, ignore_index);
  backend::cuda_check_launch("nll_loss_forward");
}

template <typename T>
void nll_loss_backward(T* dlog_probs, const T* dloss, const int64_t* target, const T* weight, int64_t N, int64_t C,
                       int64_t S, int64_t dloss_stride, int64_t ignore_index) {
  if (N * C * S == 0) return;
  nll_loss_backward_kernel<T><<<blocks_for(N * C * S), kThreads, 0, current_stream()>>>(
      dlog_probs, dloss, target, weight, N, C, S, dloss_stride, ignore_index);
  backend::cuda_check_launch("nll_loss_backward");
}

template <typename T>
void multi_margin_forward(T* losses, const T* x, const int64_t* target, const T* weight, int64_t N, int64_t C, int p,
                          double margin) {
  if (N == 0) return;
  multi_margin_forward_kernel<T>
      <<<blocks_for(N), kThreads, 0, current_stream()>>>(losses, x, target, weight, N, C, p, margin);
  backend::cuda_check_launch("multi_margin_forward");
}

template <typename T>
void multi_margin_backward(T* dx, const T* dloss, const T* x, const int64_t* target, const T* weight, int64_t N,
                           int64_t C, int p, double margin) {
  if (N == 0) return;
  multi_margin_backward_kernel<T>
      <<<blocks_for(N), kThreads, 0, current_stream()>>>(dx, dloss, x, target, weight, N, C, p, margin);
  backend::cuda_check_launch("multi_margin_backward");
}

template <typename T>
void binary_cross_entropy_forward(T* losses, const T* x, const T* t, int64_t n) {
  if (n == 0) return;
  binary_cross_entropy_forward_kernel<T><<<blocks_for(n), kThreads, 0, current_stream()>>>(losses, x, t, n);
  backend::cuda_check_launch("binary_cross_entropy_forward");
}

template <typename T>
void binary_cross_entropy_backward(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n) {
  if (n == 0) return;
  binary_cross_entropy_backward_kernel<T><<<blocks_for(n), kThreads, 0, current_stream()>>>(dx, dt, dloss, x, t, n);
  backend::cuda_check_launch("binary_cross_entropy_backward");
}

template <typename T>
void kl_div_forward(T* losses, const T* x, const T* t, int64_t n) {
  if (n == 0) return;
  kl_div_forward_kernel<T><<<blocks_for(n), kThreads, 0, current_stream()>>>(losses, x, t, n);
  backend::cuda_check_launch("kl_div_forward");
}

template <typename T>
void kl_div_backward(T* dx, T* dt, const T* dloss, const T* x, const T* t, int64_t n) {
  if (n == 0) return;
  kl_div_backward_kernel<T><<<blocks_for(n), kThreads, 0, current_stream()>>>(dx, dt, dloss, x, t, n);
  backend::cuda_check_launch("kl_div_backward");
}

#define STRIATE_IMPLEMENT_LOSS(T)                                               \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, cross_entropy_forward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, cross_entropy_backward<T>);        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, nll_loss_forward<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, nll_loss_backward<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, multi_margin_forward<T>);          \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, multi_margin_backward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, binary_cross_entropy_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, binary_cross_entropy_backward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, kl_div_forward<T>);                \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, kl_div_backward<T>);
STRIATE_IMPLEMENT_LOSS(float)
STRIATE_IMPLEMENT_LOSS(double)
#undef STRIATE_IMPLEMENT_LOSS

}  // namespace striate::kernels::cuda
