// CPU normalization kernels: batch norm, group norm parallel over (sample, group) rows for the
// statistics and dx and over channels for dgamma / dbeta, local response norm parallel over
// (sample, position). Two passes (mean, then squared deviations) keep the variance accurate when
// the mean is large.
// Batch norm over rows of L >= kVectorRow values runs the SIMD sweeps of vector_math.h in
// parallel over the (sample, channel) rows: each row's sums (a row sits in L1, so its two passes
// cost one pass over memory) land in a buffer that is then merged per channel in a fixed order,
// so results do not depend on the thread count. Shorter rows (BatchNorm1d) take the scalar
// channel loops.
#include "kernels/normalization.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/vector_math.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

constexpr int64_t kRowGrain = 1;
constexpr int64_t kChannelBlock = 64;
constexpr int64_t kVectorRow = 32;
// Elements per thread chunk of the row sweeps.
constexpr int64_t kSweepGrain = 32768;

int64_t rows_per_chunk(int64_t L) { return std::max<int64_t>(1, kSweepGrain / std::max<int64_t>(1, L)); }

}  // namespace

// ---- batch norm ---------------------------------------------------------------------------

template <typename T>
void batch_norm_invstd(T* invstd, const T* var, int64_t C, double eps) {
  for (int64_t c = 0; c < C; ++c) invstd[c] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(var[c]) + eps));
}

template <typename T>
void batch_norm_stats(T* mean, T* var, const T* x, int64_t N, int64_t C, int64_t L) {
  const double count = static_cast<double>(N * L);
  if (L >= kVectorRow) {
    const auto& vk = vector_kernels<T>();
    std::vector<double> row_mean(N * C), row_squares(N * C);
    parallel_for(0, N * C, rows_per_chunk(L), [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) vk.moments(&row_mean[row], &row_squares[row], x + row * L, L);
    });
    // Chan et al.'s pairwise update merges the rows' (count, mean, squares) in sample order.
    for (int64_t c = 0; c < C; ++c) {
      double merged_count = 0, merged_mean = 0, merged_squares = 0;
      for (int64_t n = 0; n < N; ++n) {
        const double delta = row_mean[n * C + c] - merged_mean;
        const double total = merged_count + static_cast<double>(L);
        merged_mean += delta * static_cast<double>(L) / total;
        merged_squares += row_squares[n * C + c] + delta * delta * merged_count * static_cast<double>(L) / total;
        merged_count = total;
      }
      mean[c] = static_cast<T>(merged_mean);
      var[c] = static_cast<T>(merged_squares / count);
    }
    return;
  }
  parallel_for(0, C, kRowGrain, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      double total = 0.0;
      for (int64_t n = 0; n < N; ++n) {
        const T* row = x + (n * C + c) * L;
        for (int64_t l = 0; l < L; ++l) total += row[l];
      }
      const double channel_mean = total / count;
      double squares = 0.0;
      for (int64_t n = 0; n < N; ++n) {
        const T* row = x + (n * C + c) * L;
        for (int64_t l = 0; l < L; ++l) {
          const double centered = row[l] - channel_mean;
          squares += centered * centered;
        }
      }
      mean[c] = static_cast<T>(channel_mean);
      var[c] = static_cast<T>(squares / count);
    }
  });
}

namespace {

// The y = x * scale + shift of channel c that batch norm applies, rounded as apply() rounds it
// (the backward of batch_norm_relu makes the ReLU's mask again from it).
template <typename T>
void channel_affine(T& scale, T& shift, const T* mean, const T* invstd, const T* gamma, const T* beta, int64_t c) {
  scale = invstd[c] * (gamma ? gamma[c] : T(1));
  shift = (beta ? beta[c] : T(0)) - mean[c] * scale;
}

// y = x * scale + shift per channel, then + r (when given) and max(0, .) (when relu; always with r).
template <typename T>
void apply(T* y, const T* x, const T* r, const T* mean, const T* invstd, const T* gamma, const T* beta, int64_t N,
           int64_t C, int64_t L, bool relu) {
  const auto& vk = vector_kernels<T>();
  parallel_for(0, N * C, rows_per_chunk(L), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      T scale, shift;
      channel_affine(scale, shift, mean, invstd, gamma, beta, row % C);
      if (r)
        vk.scale_shift_add_relu(y + row * L, x + row * L, r + row * L, L, scale, shift);
      else
        vk.scale_shift(y + row * L, x + row * L, L, scale, shift, relu);
    }
  });
}

}  // namespace

template <typename T>
void batch_norm_apply(T* y, const T* x, const T* mean, const T* invstd, const T* gamma, const T* beta, int64_t N,
                      int64_t C, int64_t L) {
  apply(y, x, static_cast<const T*>(nullptr), mean, invstd, gamma, beta, N, C, L, false);
}

template <typename T>
void batch_norm_relu_apply(T* z, const T* x, const T* mean, const T* invstd, const T* gamma, const T* beta, int64_t N,
                           int64_t C, int64_t L) {
  apply(z, x, static_cast<const T*>(nullptr), mean, invstd, gamma, beta, N, C, L, true);
}

template <typename T>
void batch_norm_add_relu_apply(T* z, const T* x, const T* r, const T* mean, const T* invstd, const T* gamma,
                               const T* beta, int64_t N, int64_t C, int64_t L) {
  apply(z, x, r, mean, invstd, gamma, beta, N, C, L, true);
}

namespace {

// batch_norm_backward of the ReLU's gradient when a ReLU follows: dy = dz where z > 0, else 0.
// The mask comes from z (the residual tail: z = max(0, bn(x) + r)) or, with mask_from_x, from x
// itself (z = max(0, x * scale + shift): the same rounding as the forward, so the same mask,
// without reading z). The masked gradient of a row is made in a row buffer (it sits in L1) just
// before each of the two sweeps that read it, so it never goes out to memory. With dmasked (the
// fused residual add's gradient), it is written there in the first sweep and read back by the
// second instead of being made again.
template <typename T>
void backward(T* dx, T* dmasked, T* dgamma, T* dbeta, const T* dy, const T* z, bool mask_from_x, const T* x,
              const T* mean, const T* invstd, const T* gamma, const T* beta, int64_t N, int64_t C, int64_t L,
              bool batch_stats) {
  const double count = static_cast<double>(N * L);
  const auto& vk = vector_kernels<T>();
  const bool masking = z || mask_from_x;
  // Row `row` of the masked gradient into target (or dy's own row without a ReLU).
  auto masked_row = [&](T* target, int64_t row) -> const T* {
    const T* g = dy + row * L;
    if (mask_from_x) {
      T scale, shift;
      channel_affine(scale, shift, mean, invstd, gamma, beta, row % C);
      vk.scale_shift_relu_backward(target, g, x + row * L, L, scale, shift);
      return target;
    }
    if (z) {
      vk.relu_backward(target, g, z + row * L, L);  // ReLU's gradient: dz where z > 0
      return target;
    }
    return g;
  };
  if (L >= kVectorRow) {
    std::vector<double> row_sum(N * C), row_dot(N * C);
    parallel_for(0, N * C, rows_per_chunk(L), [&](int64_t begin, int64_t end) {
      std::vector<T> masked(masking && !dmasked ? static_cast<size_t>(L) : 0);
      for (int64_t row = begin; row < end; ++row) {
        const T* g = masked_row(dmasked ? dmasked + row * L : masked.data(), row);
        vk.centered_dot(&row_sum[row], &row_dot[row], g, x + row * L, L, mean[row % C]);
      }
    });
    // Per channel, in sample order: dx = a dy + b (x - mean) + c.
    std::vector<T> a(C), b(C), c_term(C);
    for (int64_t c = 0; c < C; ++c) {
      double sum_dy = 0, sum_dy_centered = 0;
      for (int64_t n = 0; n < N; ++n) {
        sum_dy += row_sum[n * C + c];
        sum_dy_centered += row_dot[n * C + c];
      }
      const double channel_invstd = invstd[c];
      const double sum_dy_xhat = sum_dy_centered * channel_invstd;
      if (dgamma) dgamma[c] = static_cast<T>(sum_dy_xhat);
      if (dbeta) dbeta[c] = static_cast<T>(sum_dy);
      const double scale = channel_invstd * (gamma ? static_cast<double>(gamma[c]) : 1.0);
      const double mean_dy = batch_stats ? sum_dy / count : 0.0;
      const double mean_dy_xhat = batch_stats ? sum_dy_xhat / count : 0.0;
      a[c] = static_cast<T>(scale);
      b[c] = static_cast<T>(-scale * channel_invstd * mean_dy_xhat);
      c_term[c] = static_cast<T>(-scale * mean_dy);
    }
    if (!dx) return;
    parallel_for(0, N * C, rows_per_chunk(L), [&](int64_t begin, int64_t end) {
      std::vector<T> masked(masking && !dmasked ? static_cast<size_t>(L) : 0);
      for (int64_t row = begin; row < end; ++row) {
        const int64_t c = row % C;
        const T* g = dmasked ? dmasked + row * L : masked_row(masked.data(), row);  // dmasked: the first sweep's
        vk.centered_combine(dx + row * L, g, x + row * L, L, a[c], b[c], mean[c], c_term[c]);
      }
    });
    return;
  }
  // Short rows: a channel's masked gradient (N rows of L) is made once, then read by both loops.
  parallel_for(0, C, kRowGrain, [&](int64_t begin, int64_t end) {
    std::vector<T> masked(masking ? static_cast<size_t>(N * L) : 0);
    for (int64_t c = begin; c < end; ++c) {
      if (masking)
        for (int64_t n = 0; n < N; ++n) {
          const T* g = masked_row(masked.data() + n * L, n * C + c);
          if (dmasked) std::copy_n(g, L, dmasked + (n * C + c) * L);
        }
      auto grad = [&](int64_t n, int64_t l) { return masking ? masked[n * L + l] : dy[(n * C + c) * L + l]; };
      const double channel_mean = mean[c], channel_invstd = invstd[c];
      double sum_dy = 0.0, sum_dy_xhat = 0.0;
      for (int64_t n = 0; n < N; ++n) {
        const int64_t first = (n * C + c) * L;
        for (int64_t l = 0; l < L; ++l) {
          const T g = grad(n, l);
          sum_dy += g;
          sum_dy_xhat += g * (x[first + l] - channel_mean) * channel_invstd;
        }
      }
      if (dgamma) dgamma[c] = static_cast<T>(sum_dy_xhat);
      if (dbeta) dbeta[c] = static_cast<T>(sum_dy);
      if (!dx) continue;
      const double scale = channel_invstd * (gamma ? static_cast<double>(gamma[c]) : 1.0);
      const double mean_dy = batch_stats ? sum_dy / count : 0.0;
      const double mean_dy_xhat = batch_stats ? sum_dy_xhat / count : 0.0;
      for (int64_t n = 0; n < N; ++n) {
        const int64_t first = (n * C + c) * L;
        for (int64_t l = 0; l < L; ++l) {
          const double xhat = (x[first + l] - channel_mean) * channel_invstd;
          dx[first + l] = static_cast<T>(scale * (grad(n, l) - mean_dy - xhat * mean_dy_xhat));
        }
      }
    }
  });
}

}  // namespace

template <typename T>
void batch_norm_backward(T* dx, T* dgamma, T* dbeta, const T* dy, const T* x, const T* mean, const T* invstd,
                         const T* gamma, int64_t N, int64_t C, int64_t L, bool batch_stats) {
  backward<T>(dx, nullptr, dgamma, dbeta, dy, nullptr, false, x, mean, invstd, gamma, nullptr, N, C, L, batch_stats);
}

template <typename T>
void batch_norm_relu_backward(T* dx, T* dgamma, T* dbeta, const T* dz, const T* x, const T* mean, const T* invstd,
                              const T* gamma, const T* beta, int64_t N, int64_t C, int64_t L, bool batch_stats) {
  backward<T>(dx, nullptr, dgamma, dbeta, dz, nullptr, true, x, mean, invstd, gamma, beta, N, C, L, batch_stats);
}

template <typename T>
void batch_norm_add_relu_backward(T* dx, T* dr, T* dgamma, T* dbeta, const T* dz, const T* z, const T* x, const T* mean,
                                  const T* invstd, const T* gamma, int64_t N, int64_t C, int64_t L, bool batch_stats) {
  backward<T>(dx, dr, dgamma, dbeta, dz, z, false, x, mean, invstd, gamma, nullptr, N, C, L, batch_stats);
}

// ---- group norm ---------------------------------------------------------------------------

template <typename T>
void group_norm_forward(T* y, T* mean, T* invstd, const T* x, const T* gamma, const T* beta, int64_t N, int64_t C,
                        int64_t L, int64_t G, double eps) {
  const int64_t channels_per_group = C / G;
  const int64_t group_size = channels_per_group * L;
  parallel_for(0, N * G, kRowGrain, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const T* x_row = x + row * group_size;  // a group's channels are adjacent in (N, C, L)
      T* y_row = y + row * group_size;
      double total = 0.0;
      for (int64_t i = 0; i < group_size; ++i) total += x_row[i];
      const double row_mean = group_size > 0 ? total / group_size : 0.0;
      double squares = 0.0;
      for (int64_t i = 0; i < group_size; ++i) {
        const double centered = x_row[i] - row_mean;
        squares += centered * centered;
      }
      const double row_invstd = 1.0 / std::sqrt((group_size > 0 ? squares / group_size : 0.0) + eps);
      mean[row] = static_cast<T>(row_mean);
      invstd[row] = static_cast<T>(row_invstd);
      const int64_t first_channel = (row % G) * channels_per_group;
      for (int64_t j = 0; j < channels_per_group; ++j) {
        const int64_t c = first_channel + j;
        const double scale = row_invstd * (gamma ? static_cast<double>(gamma[c]) : 1.0);
        const double shift = (beta ? static_cast<double>(beta[c]) : 0.0) - row_mean * scale;
        for (int64_t l = 0; l < L; ++l) y_row[j * L + l] = static_cast<T>(x_row[j * L + l] * scale + shift);
      }
    }
  });
}

template <typename T>
void group_norm_backward(T* dx, T* dgamma, T* dbeta, const T* dy, const T* x, const T* mean, const T* invstd,
                         const T* gamma, int64_t N, int64_t C, int64_t L, int64_t G) {
  const int64_t channels_per_group = C / G;
  const int64_t group_size = channels_per_group * L;
  if (dx) {
    parallel_for(0, N * G, kRowGrain, [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) {
        const T* x_row = x + row * group_size;
        const T* dy_row = dy + row * group_size;
        T* dx_row = dx + row * group_size;
        const double group_mean = mean[row], group_invstd = invstd[row];
        const int64_t first_channel = (row % G) * channels_per_group;
        double sum_w = 0.0, sum_w_xhat = 0.0;
        for (int64_t j = 0; j < channels_per_group; ++j) {
          const double gain = gamma ? static_cast<double>(gamma[first_channel + j]) : 1.0;
          for (int64_t l = 0; l < L; ++l) {
            const double w = gain * dy_row[j * L + l];
            sum_w += w;
            sum_w_xhat += w * (x_row[j * L + l] - group_mean) * group_invstd;
          }
        }
        const double mean_w = sum_w / group_size, mean_w_xhat = sum_w_xhat / group_size;
        for (int64_t j = 0; j < channels_per_group; ++j) {
          const double gain = gamma ? static_cast<double>(gamma[first_channel + j]) : 1.0;
          for (int64_t l = 0; l < L; ++l) {
            const double xhat = (x_row[j * L + l] - group_mean) * group_invstd;
            dx_row[j * L + l] = static_cast<T>(group_invstd * (gain * dy_row[j * L + l] - mean_w - xhat * mean_w_xhat));
          }
        }
      }
    });
  }
  if (!dgamma && !dbeta) return;
  // Blocks of adjacent channels, so layer norm's (rows, D, 1) layout is read row by row, not
  // with a stride of D.
  const int64_t blocks = (C + kChannelBlock - 1) / kChannelBlock;
  parallel_for(0, blocks, kRowGrain, [&](int64_t begin, int64_t end) {
    double sum_dy[kChannelBlock], sum_dy_xhat[kChannelBlock];
    int64_t group_of[kChannelBlock];
    for (int64_t block = begin; block < end; ++block) {
      const int64_t first = block * kChannelBlock;
      const int64_t width = std::min<int64_t>(kChannelBlock, C - first);
      std::fill(sum_dy, sum_dy + width, 0.0);
      std::fill(sum_dy_xhat, sum_dy_xhat + width, 0.0);
      for (int64_t j = 0; j < width; ++j) group_of[j] = (first + j) / channels_per_group;
      for (int64_t n = 0; n < N; ++n) {
        for (int64_t j = 0; j < width; ++j) {
          const int64_t c = first + j;
          const int64_t row = n * G + group_of[j];
          const double group_mean = mean[row], group_invstd = invstd[row];
          const T* dy_row = dy + (n * C + c) * L;
          const T* x_row = x + (n * C + c) * L;
          for (int64_t l = 0; l < L; ++l) {
            sum_dy[j] += dy_row[l];
            sum_dy_xhat[j] += dy_row[l] * (x_row[l] - group_mean) * group_invstd;
          }
        }
      }
      for (int64_t j = 0; j < width; ++j) {
        if (dgamma) dgamma[first + j] = static_cast<T>(sum_dy_xhat[j]);
        if (dbeta) dbeta[first + j] = static_cast<T>(sum_dy[j]);
      }
    }
  });
}

// ---- local response norm -----------------------------------------------------------------

template <typename T>
void local_response_norm_forward(T* y, T* denom, const T* x, int64_t N, int64_t C, int64_t L, int64_t size,
                                 double alpha, double beta, double k) {
  const int64_t before = size / 2, after = (size - 1) / 2;
  parallel_for(0, N * L, kRowGrain * 64, [&](int64_t begin, int64_t end) {
    for (int64_t position = begin; position < end; ++position) {
      const int64_t n = position / L, l = position % L;
      const int64_t base = n * C * L + l;
      for (int64_t c = 0; c < C; ++c) {
        double squares = 0.0;
        const int64_t first = c - before < 0 ? 0 : c - before;
        const int64_t last = c + after >= C ? C - 1 : c + after;
        for (int64_t j = first; j <= last; ++j) {
          const double value = x[base + j * L];
          squares += value * value;
        }
        const double d = k + alpha / size * squares;
        denom[base + c * L] = static_cast<T>(d);
        y[base + c * L] = static_cast<T>(x[base + c * L] * std::pow(d, -beta));
      }
    }
  });
}

template <typename T>
void local_response_norm_backward(T* dx, const T* dy, const T* x, const T* denom, int64_t N, int64_t C, int64_t L,
                                  int64_t size, double alpha, double beta) {
  const int64_t before = size / 2, after = (size - 1) / 2;
  parallel_for(0, N * L, kRowGrain * 64, [&](int64_t begin, int64_t end) {
    std::vector<double> weighted(static_cast<size_t>(C));  // dy_c * x_c * denom_c^(-beta - 1)
    for (int64_t position = begin; position < end; ++position) {
      const int64_t n = position / L, l = position % L;
      const int64_t base = n * C * L + l;
      for (int64_t c = 0; c < C; ++c) {
        const int64_t at = base + c * L;
        weighted[c] = static_cast<double>(dy[at]) * x[at] * std::pow(static_cast<double>(denom[at]), -beta - 1.0);
      }
      for (int64_t j = 0; j < C; ++j) {
        // Channel j lies in the windows of channels j - after .. j + before.
        const int64_t first = j - after < 0 ? 0 : j - after;
        const int64_t last = j + before >= C ? C - 1 : j + before;
        double total = 0.0;
        for (int64_t c = first; c <= last; ++c) total += weighted[c];
        const int64_t at = base + j * L;
        dx[at] = static_cast<T>(dy[at] * std::pow(static_cast<double>(denom[at]), -beta) -
                                2.0 * alpha * beta / size * x[at] * total);
      }
    }
  });
}

#define STRIATE_IMPLEMENT_NORMALIZATION(T)                                    \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, batch_norm_stats<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, batch_norm_invstd<T>);            \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, batch_norm_apply<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, batch_norm_backward<T>);          \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, batch_norm_relu_apply<T>);        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, batch_norm_relu_backward<T>);     \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, batch_norm_add_relu_apply<T>);    \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, batch_norm_add_relu_backward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, group_norm_forward<T>);           \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, group_norm_backward<T>);          \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, local_response_norm_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, local_response_norm_backward<T>);
STRIATE_IMPLEMENT_NORMALIZATION(float)
STRIATE_IMPLEMENT_NORMALIZATION(double)
#undef STRIATE_IMPLEMENT_NORMALIZATION

}  // namespace striate::kernels::cpu
