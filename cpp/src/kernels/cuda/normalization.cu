// CUDA normalization kernels: the same kernel objects as kernels/cpu/normalization.cpp.
//   - Statistics: one block per batch-norm channel, per group-norm (sample, group) row, or per
//     channel for dgamma / dbeta; the block strides over its elements and combines the partial
//     sums (double, as the CPU) with block_sum, two passes (mean, then squared deviations).
//     The backward kernels compute a channel's or row's sums and then its dx in the same block.
//   - Elementwise parts (apply, invstd, local response norm) take one thread per element.
// No atomics: results are the same bits on every run.
#include "kernels/cuda/block_reduce.cuh"
#include "kernels/normalization.h"

#include <algorithm>

namespace striate::kernels::cuda {
namespace {

constexpr int64_t kMaxBlocks = 65535 * 8;

unsigned row_blocks(int64_t rows) { return static_cast<unsigned>(std::min(rows, kMaxBlocks)); }

template <typename T>
__device__ double value_or(const T* p, int64_t i, double fallback) {
  return p ? static_cast<double>(p[i]) : fallback;
}

// ---- batch norm ---------------------------------------------------------------------------

template <typename T>
__global__ void batch_norm_stats_kernel(T* mean, T* var, const T* x, int64_t N, int64_t C, int64_t L) {
  const int64_t count = N * L;
  for (int64_t c = blockIdx.x; c < C; c += gridDim.x) {
    double total = 0;
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) total += x[((i / L) * C + c) * L + i % L];
    const double channel_mean = block_sum<double>(total) / static_cast<double>(count);
    double squares = 0;
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
      const double centered = x[((i / L) * C + c) * L + i % L] - channel_mean;
      squares += centered * centered;
    }
    squares = block_sum<double>(squares);
    if (threadIdx.x == 0) {
      mean[c] = static_cast<T>(channel_mean);
      var[c] = static_cast<T>(squares / static_cast<double>(count));
    }
  }
}

template <typename T>
__global__ void batch_norm_invstd_kernel(T* invstd, const T* var, int64_t C, double eps) {
  for (int64_t c = grid_index(); c < C; c += grid_step())
    invstd[c] = static_cast<T>(1.0 / sqrt(static_cast<double>(var[c]) + eps));
}

template <typename T>
__global__ void batch_norm_apply_kernel(T* y, const T* x, const T* mean, const T* invstd, const T* gamma, const T* beta,
                                        int64_t N, int64_t C, int64_t L) {
  const int64_t total = N * C * L;
  for (int64_t e = grid_index(); e < total; e += grid_step()) {
    const int64_t c = (e / L) % C;
    const T scale = invstd[c] * (gamma ? gamma[c] : T(1));
    const T shift = (beta ? beta[c] : T(0)) - mean[c] * scale;
    y[e] = x[e] * scale + shift;
  }
}

template <typename T>
__global__ void batch_norm_backward_kernel(T* dx, T* dgamma, T* dbeta, const T* dy, const T* x, const T* mean,
                                           const T* invstd, const T* gamma, int64_t N, int64_t C, int64_t L,
                                           bool batch_stats) {
  const int64_t count = N * L;
  for (int64_t c = blockIdx.x; c < C; c += gridDim.x) {
    const double channel_mean = mean[c], channel_invstd = invstd[c];
    double sum_dy = 0, sum_dy_centered = 0;
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
      const int64_t at = ((i / L) * C + c) * L + i % L;
      sum_dy += dy[at];
      sum_dy_centered += static_cast<double>(dy[at]) * (x[at] - channel_mean);
    }
    sum_dy = block_sum<double>(sum_dy);
    const double sum_dy_xhat = block_sum<double>(sum_dy_centered) * channel_invstd;
    if (threadIdx.x == 0) {
      if (dgamma) dgamma[c] = static_cast<T>(sum_dy_xhat);
      if (dbeta) dbeta[c] = static_cast<T>(sum_dy);
    }
    if (!dx) continue;
    const double scale = channel_invstd * value_or(gamma, c, 1.0);
    const double mean_dy = batch_stats ? sum_dy / static_cast<double>(count) : 0.0;
    const double mean_dy_xhat = batch_stats ? sum_dy_xhat / static_cast<double>(count) : 0.0;
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
      const int64_t at = ((i / L) * C + c) * L + i % L;
      const double xhat = (x[at] - channel_mean) * channel_invstd;
      dx[at] = static_cast<T>(scale * (dy[at] - mean_dy - xhat * mean_dy_xhat));
    }
  }
}

// ---- group norm ---------------------------------------------------------------------------

// One block per (sample, group) row; a group's channels are adjacent in (N, C, L).
template <typename T>
__global__ void group_norm_forward_kernel(T* y, T* mean, T* invstd, const T* x, const T* gamma, const T* beta,
                                          int64_t N, int64_t C, int64_t L, int64_t G, double eps) {
  const int64_t channels_per_group = C / G;
  const int64_t group_size = channels_per_group * L;
  for (int64_t row = blockIdx.x; row < N * G; row += gridDim.x) {
    const T* x_row = x + row * group_size;
    T* y_row = y + row * group_size;
    double total = 0;
    for (int64_t i = threadIdx.x; i < group_size; i += blockDim.x) total += x_row[i];
    const double row_mean = group_size > 0 ? block_sum<double>(total) / static_cast<double>(group_size) : 0.0;
    double squares = 0;
    for (int64_t i = threadIdx.x; i < group_size; i += blockDim.x) {
      const double centered = x_row[i] - row_mean;
      squares += centered * centered;
    }
    squares = block_sum<double>(squares);
    const double row_invstd = 1.0 / sqrt((group_size > 0 ? squares / static_cast<double>(group_size) : 0.0) + eps);
    if (threadIdx.x == 0) {
      mean[row] = static_cast<T>(row_mean);
      invstd[row] = static_cast<T>(row_invstd);
    }
    const int64_t first_channel = (row % G) * channels_per_group;
    for (int64_t i = threadIdx.x; i < group_size; i += blockDim.x) {
      const int64_t c = first_channel + i / L;
      const double scale = row_invstd * value_or(gamma, c, 1.0);
      const double shift = value_or(beta, c, 0.0) - row_mean * scale;
      y_row[i] = static_cast<T>(x_row[i] * scale + shift);
    }
  }
}

template <typename T>
__global__ void group_norm_backward_dx_kernel(T* dx, const T* dy, const T* x, const T* mean, const T* invstd,
                                              const T* gamma, int64_t N, int64_t C, int64_t L, int64_t G) {
  const int64_t channels_per_group = C / G;
  const int64_t group_size = channels_per_group * L;
  for (int64_t row = blockIdx.x; row < N * G; row += gridDim.x) {
    const T* x_row = x + row * group_size;
    const T* dy_row = dy + row * group_size;
    T* dx_row = dx + row * group_size;
    const double group_mean = mean[row], group_invstd = invstd[row];
    const int64_t first_channel = (row % G) * channels_per_group;
    double sum_w = 0, sum_w_xhat = 0;
    for (int64_t i = threadIdx.x; i < group_size; i += blockDim.x) {
      const double w = value_or(gamma, first_channel + i / L, 1.0) * dy_row[i];
      sum_w += w;
      sum_w_xhat += w * (x_row[i] - group_mean) * group_invstd;
    }
    const double mean_w = block_sum<double>(sum_w) / static_cast<double>(group_size);
    const double mean_w_xhat = block_sum<double>(sum_w_xhat) / static_cast<double>(group_size);
    for (int64_t i = threadIdx.x; i < group_size; i += blockDim.x) {
      const double gain = value_or(gamma, first_channel + i / L, 1.0);
      const double xhat = (x_row[i] - group_mean) * group_invstd;
      dx_row[i] = static_cast<T>(group_invstd * (gain * dy_row[i] - mean_w - xhat * mean_w_xhat));
    }
  }
}

// One block per channel: dgamma = sum dy xhat, dbeta = sum dy over the samples and L.
template <typename T>
__global__ void group_norm_backward_affine_kernel(T* dgamma, T* dbeta, const T* dy, const T* x, const T* mean,
                                                  const T* invstd, int64_t N, int64_t C, int64_t L, int64_t G) {
  const int64_t channels_per_group = C / G;
  const int64_t count = N * L;
  for (int64_t c = blockIdx.x; c < C; c += gridDim.x) {
    const int64_t group = c / channels_per_group;
    double sum_dy = 0, sum_dy_xhat = 0;
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
      const int64_t n = i / L;
      const int64_t at = (n * C + c) * L + i % L;
      const int64_t row = n * G + group;
      sum_dy += dy[at];
      sum_dy_xhat += static_cast<double>(dy[at]) * (x[at] - static_cast<double>(mean[row])) * invstd[row];
    }
    sum_dy = block_sum<double>(sum_dy);
    sum_dy_xhat = block_sum<double>(sum_dy_xhat);
    if (threadIdx.x == 0) {
      if (dgamma) dgamma[c] = static_cast<T>(sum_dy_xhat);
      if (dbeta) dbeta[c] = static_cast<T>(sum_dy);
    }
  }
}

// ---- local response norm -----------------------------------------------------------------

template <typename T>
__global__ void local_response_norm_forward_kernel(T* y, T* denom, const T* x, int64_t N, int64_t C, int64_t L,
                                                   int64_t size, double alpha, double beta, double k) {
  const int64_t before = size / 2, after = (size - 1) / 2;
  const int64_t total = N * C * L;
  for (int64_t e = grid_index(); e < total; e += grid_step()) {
    const int64_t n = e / (C * L), c = (e / L) % C, l = e % L;
    const int64_t base = n * C * L + l;
    const int64_t first = c - before < 0 ? 0 : c - before;
    const int64_t last = c + after >= C ? C - 1 : c + after;
    double squares = 0;
    for (int64_t j = first; j <= last; ++j) {
      const double value = x[base + j * L];
      squares += value * value;
    }
    const double d = k + alpha / static_cast<double>(size) * squares;
    denom[e] = static_cast<T>(d);
    y[e] = static_cast<T>(x[e] * pow(d, -beta));
  }
}

template <typename T>
__global__ void local_response_norm_backward_kernel(T* dx, const T* dy, const T* x, const T* denom, int64_t N,
                                                    int64_t C, int64_t L, int64_t size, double alpha, double beta) {
  const int64_t before = size / 2, after = (size - 1) / 2;
  const int64_t total = N * C * L;
  for (int64_t e = grid_index(); e < total; e += grid_step()) {
    const int64_t n = e / (C * L), j = (e / L) % C, l = e % L;
    const int64_t base = n * C * L + l;
    // Channel j lies in the windows of channels j - after .. j + before.
    const int64_t first = j - after < 0 ? 0 : j - after;
    const int64_t last = j + before >= C ? C - 1 : j + before;
    double sum = 0;
    for (int64_t c = first; c <= last; ++c) {
      const int64_t at = base + c * L;
      sum += static_cast<double>(dy[at]) * x[at] * pow(static_cast<double>(denom[at]), -beta - 1.0);
    }
    dx[e] = static_cast<T>(dy[e] * pow(static_cast<double>(denom[e]), -beta) -
                           2.0 * alpha * beta / static_cast<double>(size) * x[e] * sum);
  }
}

}  // namespace

template <typename T>
void batch_norm_stats(T* mean, T* var, const T* x, int64_t N, int64_t C, int64_t L) {
  if (C == 0) return;
  batch_norm_stats_kernel<T><<<row_blocks(C), kThreads, 0, current_stream()>>>(mean, var, x, N, C, L);
  backend::cuda_check_launch("batch_norm_stats");
}

template <typename T>
void batch_norm_invstd(T* invstd, const T* var, int64_t C, double eps) {
  if (C == 0) return;
  batch_norm_invstd_kernel<T><<<blocks_for(C), kThreads, 0, current_stream()>>>(invstd, var, C, eps);
  backend::cuda_check_launch("batch_norm_invstd");
}

template <typename T>
void batch_norm_apply(T* y, const T* x, const T* mean, const T* invstd, const T* gamma, const T* beta, int64_t N,
                      int64_t C, int64_t L) {
  if (N * C * L == 0) return;
  batch_norm_apply_kernel<T>
      <<<blocks_for(N * C * L), kThreads, 0, current_stream()>>>(y, x, mean, invstd, gamma, beta, N, C, L);
  backend::cuda_check_launch("batch_norm_apply");
}

template <typename T>
void batch_norm_backward(T* dx, T* dgamma, T* dbeta, const T* dy, const T* x, const T* mean, const T* invstd,
                         const T* gamma, int64_t N, int64_t C, int64_t L, bool batch_stats) {
  if (C == 0) return;
  batch_norm_backward_kernel<T><<<row_blocks(C), kThreads, 0, current_stream()>>>(dx, dgamma, dbeta, dy, x, mean,
                                                                                  invstd, gamma, N, C, L, batch_stats);
  backend::cuda_check_launch("batch_norm_backward");
}

template <typename T>
void group_norm_forward(T* y, T* mean, T* invstd, const T* x, const T* gamma, const T* beta, int64_t N, int64_t C,
                        int64_t L, int64_t G, double eps) {
  if (N * G == 0) return;
  group_norm_forward_kernel<T>
      <<<row_blocks(N * G), kThreads, 0, current_stream()>>>(y, mean, invstd, x, gamma, beta, N, C, L, G, eps);
  backend::cuda_check_launch("group_norm_forward");
}

template <typename T>
void group_norm_backward(T* dx, T* dgamma, T* dbeta, const T* dy, const T* x, const T* mean, const T* invstd,
                         const T* gamma, int64_t N, int64_t C, int64_t L, int64_t G) {
  if (dx && N * G > 0) {
    group_norm_backward_dx_kernel<T>
        <<<row_blocks(N * G), kThreads, 0, current_stream()>>>(dx, dy, x, mean, invstd, gamma, N, C, L, G);
    backend::cuda_check_launch("group_norm_backward");
  }
  if ((dgamma || dbeta) && C > 0) {
    group_norm_backward_affine_kernel<T>
        <<<row_blocks(C), kThreads, 0, current_stream()>>>(dgamma, dbeta, dy, x, mean, invstd, N, C, L, G);
    backend::cuda_check_launch("group_norm_backward");
  }
}

template <typename T>
void local_response_norm_forward(T* y, T* denom, const T* x, int64_t N, int64_t C, int64_t L, int64_t size,
                                 double alpha, double beta, double k) {
  if (N * C * L == 0) return;
  local_response_norm_forward_kernel<T>
      <<<blocks_for(N * C * L), kThreads, 0, current_stream()>>>(y, denom, x, N, C, L, size, alpha, beta, k);
  backend::cuda_check_launch("local_response_norm_forward");
}

template <typename T>
void local_response_norm_backward(T* dx, const T* dy, const T* x, const T* denom, int64_t N, int64_t C, int64_t L,
                                  int64_t size, double alpha, double beta) {
  if (N * C * L == 0) return;
  local_response_norm_backward_kernel<T>
      <<<blocks_for(N * C * L), kThreads, 0, current_stream()>>>(dx, dy, x, denom, N, C, L, size, alpha, beta);
  backend::cuda_check_launch("local_response_norm_backward");
}

#define STRIATE_IMPLEMENT_NORMALIZATION(T)                                    \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, batch_norm_stats<T>);            \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, batch_norm_invstd<T>);           \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, batch_norm_apply<T>);            \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, batch_norm_backward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, group_norm_forward<T>);          \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, group_norm_backward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, local_response_norm_forward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, local_response_norm_backward<T>);
STRIATE_IMPLEMENT_NORMALIZATION(float)
STRIATE_IMPLEMENT_NORMALIZATION(double)
#undef STRIATE_IMPLEMENT_NORMALIZATION

}  // namespace striate::kernels::cuda
