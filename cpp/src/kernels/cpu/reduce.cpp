// CPU reduction kernels over (outer, R, inner) blocks: sums, two-pass variance, max/min with
// indices. Rows (inner == 1) and column blocks (inner > 1) have separate loops so both vectorize;
// floating sums run the SIMD kernels of vector_math.h (double accumulators, a fixed order).
#include "kernels/reduce.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "kernels/cpu/vector_math.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

// Elements per partial sum. Fixed, so the order of additions never depends on the thread count.
constexpr int64_t kChunk = 16384;
// Columns accumulated side by side when the reduced axis is not the innermost one.
constexpr int64_t kBlock = 256;

template <typename T>
using acc_t = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// Sum over [0, n) computed as fixed chunks (in parallel when there are several) added in order.
template <typename Acc, typename ChunkSum>
Acc chunked_sum(int64_t n, const ChunkSum& chunk_sum) {
  if (n <= kChunk) return chunk_sum(0, n);
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<Acc> partial(chunks);
  parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) partial[c] = chunk_sum(c * kChunk, std::min(n, (c + 1) * kChunk));
  });
  Acc total = 0;
  for (Acc p : partial) total += p;
  return total;
}

// Sum of transform(x[i]) over a contiguous run; eight independent accumulators let the
// compiler keep several vector registers busy without reassociating a single sum.
template <typename Acc, typename T, typename Transform>
Acc row_sum(const T* x, int64_t n, const Transform& transform) {
  Acc acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += transform(x[i + j]);
  Acc tail = 0;
  for (; i < n; ++i) tail += transform(x[i]);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

// For every (o, i): finish(o * inner + i, sum_r transform(x[o, r, i], o * inner + i)).
// Blocks of kBlock columns are the parallel work items.
template <typename Acc, typename T, typename Transform, typename Finish>
void column_sums(const T* x, int64_t outer, int64_t R, int64_t inner, const Transform& transform,
                 const Finish& finish) {
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const int64_t grain = std::max<int64_t>(1, kChunk / std::max<int64_t>(1, R * std::min(inner, kBlock)));
  parallel_for(0, outer * blocks, grain, [&](int64_t begin, int64_t end) {
    Acc acc[kBlock];
    for (int64_t work = begin; work < end; ++work) {
      const int64_t o = work / blocks;
      const int64_t first = (work % blocks) * kBlock;
      const int64_t width = std::min(kBlock, inner - first);
      const int64_t out_base = o * inner + first;
      std::fill(acc, acc + width, Acc(0));
      for (int64_t r = 0; r < R; ++r) {
        const T* row = x + (o * R + r) * inner + first;
        for (int64_t i = 0; i < width; ++i) acc[i] += transform(row[i], out_base + i);
      }
      for (int64_t i = 0; i < width; ++i) finish(out_base + i, acc[i]);
    }
  });
}

// Floating column sums through the SIMD accumulate: finish(position, sum_r x[o, r, i]) (or the
// squared deviations from mean[position] when mean is not null).
template <typename T, typename Finish>
void floating_column_sums(const T* x, int64_t outer, int64_t R, int64_t inner, const double* mean,
                          const Finish& finish) {
  const auto& vk = vector_kernels<T>();
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const int64_t grain = std::max<int64_t>(1, kChunk / std::max<int64_t>(1, R * std::min(inner, kBlock)));
  parallel_for(0, outer * blocks, grain, [&](int64_t begin, int64_t end) {
    double acc[kBlock];
    for (int64_t work = begin; work < end; ++work) {
      const int64_t o = work / blocks;
      const int64_t first = (work % blocks) * kBlock;
      const int64_t width = std::min(kBlock, inner - first);
      const int64_t out_base = o * inner + first;
      std::fill(acc, acc + width, 0.0);
      for (int64_t r = 0; r < R; ++r)
        vk.accumulate_columns(acc, x + (o * R + r) * inner + first, mean ? mean + out_base : nullptr, width);
      for (int64_t i = 0; i < width; ++i) finish(out_base + i, acc[i]);
    }
  });
}

template <typename T, bool kIsMax>
bool better(T candidate, T best) {
  if (is_nan(best)) return false;
  if (is_nan(candidate)) return true;
  return kIsMax ? candidate > best : candidate < best;
}

template <typename T, bool kIsMax>
void extreme_reduce_impl(T* values, int64_t* indices, const T* x, int64_t outer, int64_t R, int64_t inner) {
  if (inner == 1) {
    const int64_t grain = std::max<int64_t>(1, kChunk / R);
    parallel_for(0, outer, grain, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        const T* row = x + o * R;
        T best = row[0];
        int64_t best_index = 0;
        for (int64_t r = 1; r < R; ++r) {
          if (better<T, kIsMax>(row[r], best)) {
            best = row[r];
            best_index = r;
          }
        }
        values[o] = best;
        indices[o] = best_index;
      }
    });
    return;
  }
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const int64_t grain = std::max<int64_t>(1, kChunk / (R * std::min(inner, kBlock)));
  parallel_for(0, outer * blocks, grain, [&](int64_t begin, int64_t end) {
    for (int64_t work = begin; work < end; ++work) {
      const int64_t o = work / blocks;
      const int64_t first = (work % blocks) * kBlock;
      const int64_t width = std::min(kBlock, inner - first);
      T* best = values + o * inner + first;
      int64_t* best_index = indices + o * inner + first;
      const T* row0 = x + o * R * inner + first;
      for (int64_t i = 0; i < width; ++i) {
        best[i] = row0[i];
        best_index[i] = 0;
      }
      for (int64_t r = 1; r < R; ++r) {
        const T* row = row0 + r * inner;
        for (int64_t i = 0; i < width; ++i) {
          if (better<T, kIsMax>(row[i], best[i])) {
            best[i] = row[i];
            best_index[i] = r;
          }
        }
      }
    }
  });
}

}  // namespace

template <typename T, typename Out>
void sum_reduce(Out* out, const T* x, int64_t outer, int64_t R, int64_t inner, double scale) {
  using Acc = acc_t<T>;
  auto finish = [scale](Acc acc) -> Out {
    if constexpr (std::is_floating_point_v<T>) {
      return static_cast<Out>(acc * scale);
    } else {
      return static_cast<Out>(acc);
    }
  };
  if constexpr (std::is_floating_point_v<T>) {
    const auto& vk = vector_kernels<T>();
    if (inner == 1) {
      const int64_t grain = std::max<int64_t>(1, kChunk / std::max<int64_t>(1, R));
      parallel_for(0, outer, grain, [&](int64_t begin, int64_t end) {
        for (int64_t o = begin; o < end; ++o) {
          const T* row = x + o * R;
          out[o] = finish(chunked_sum<double>(R, [&](int64_t lo, int64_t hi) { return vk.sum(row + lo, hi - lo); }));
        }
      });
    } else {
      floating_column_sums(x, outer, R, inner, nullptr,
                           [&](int64_t position, double acc) { out[position] = finish(acc); });
    }
    return;
  }
  if (inner == 1) {
    const int64_t grain = std::max<int64_t>(1, kChunk / std::max<int64_t>(1, R));
    parallel_for(0, outer, grain, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        const T* row = x + o * R;
        Acc total = chunked_sum<Acc>(R, [&](int64_t lo, int64_t hi) {
          return row_sum<Acc>(row + lo, hi - lo, [](T v) { return static_cast<Acc>(v); });
        });
        out[o] = finish(total);
      }
    });
    return;
  }
  column_sums<Acc>(
      x, outer, R, inner, [](T v, int64_t) { return static_cast<Acc>(v); },
      [&](int64_t position, Acc acc) { out[position] = finish(acc); });
}

template <typename T>
void var_reduce(T* out, const T* x, int64_t outer, int64_t R, int64_t inner, int64_t correction, bool take_sqrt) {
  std::vector<double> means(outer * inner);
  sum_reduce<T, double>(means.data(), x, outer, R, inner, 1.0 / static_cast<double>(R));
  const double denominator = static_cast<double>(std::max<int64_t>(R - correction, 0));
  auto finish = [&](int64_t position, double squares) {
    const double variance = squares / denominator;
    out[position] = static_cast<T>(take_sqrt ? std::sqrt(variance) : variance);
  };
  const auto& vk = vector_kernels<T>();
  if (inner == 1) {
    const int64_t grain = std::max<int64_t>(1, kChunk / std::max<int64_t>(1, R));
    parallel_for(0, outer, grain, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        const T* row = x + o * R;
        const double mean = means[o];
        finish(o, chunked_sum<double>(
                      R, [&](int64_t lo, int64_t hi) { return vk.squared_deviation_sum(row + lo, hi - lo, mean); }));
      }
    });
    return;
  }
  floating_column_sums(x, outer, R, inner, means.data(), finish);
}

template <typename T>
void extreme_reduce(T* values, int64_t* indices, const T* x, int64_t outer, int64_t R, int64_t inner, bool is_max) {
  if (is_max) {
    extreme_reduce_impl<T, true>(values, indices, x, outer, R, inner);
  } else {
    extreme_reduce_impl<T, false>(values, indices, x, outer, R, inner);
  }
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sum_reduce<float, float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sum_reduce<double, double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sum_reduce<int64_t, int64_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sum_reduce<uint8_t, int64_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, sum_reduce<bool, int64_t>);

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, var_reduce<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, var_reduce<double>);

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, extreme_reduce<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, extreme_reduce<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, extreme_reduce<int64_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, extreme_reduce<uint8_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, extreme_reduce<bool>);

}  // namespace striate::kernels::cpu
