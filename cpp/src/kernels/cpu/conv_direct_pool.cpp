// conv2d -> ReLU -> 2x2 stride-2 max pooling in one pass on the CPU (kernels/conv_pool.h), for the
// layers the direct convolution computes (LeNet-5's 5x5 layers): each task stages one image, runs
// the direct micro-kernel (conv_direct_isa.h) over a pair of output rows of a channel block into
// two L1-resident tiles, and pools them before anything is written. The unfused pair wrote the
// (N, K, P, Q) activation in NCHW one lane at a time and read it back to pool it; here a quarter of
// the values leave the tiles. bias + ReLU is applied to each of the four values before their max,
// so the result equals relu(conv) then max_pool2d bit for bit, NaN included (kept, as both ops keep it).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/interrupt.h"
#include "kernels/conv_pool.h"
#include "kernels/cpu/conv_direct.h"
#include "kernels/cpu/conv_direct_isa.h"
#include "kernels/cpu/conv_direct_staging.h"
#include "striate/core/checked_math.h"
#include "striate/core/conv_algorithm.h"
#include "striate/core/error.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

using direct::ceil_div;

// The channel block, as the unfused direct forward picks it: one vector, two, or (AVX-512, at
// most 8 channels) a half vector.
int block_width(const direct::detail::Variant& v, int64_t channels) {
  if (v.lanes == 16 && channels <= 8) return 8;
  if (channels <= v.lanes) return v.lanes;
  const int64_t one = ceil_div(channels, v.lanes) * v.lanes, two = ceil_div(channels, 2 * v.lanes) * 2 * v.lanes;
  return two <= one ? 2 * v.lanes : v.lanes;
}

int64_t checked_size(std::initializer_list<int64_t> extents) {
  int64_t n = 1;
  for (int64_t e : extents) n = checked_mul(n, e, "conv2d_relu_max_pool2d", "workspace");
  return n;
}

// The relu op's: y where y > 0 or y is NaN, else +0.
inline float relu_keeping_nan(float y) { return y > 0.0f || y != y ? y : 0.0f; }
// max_pool2d's update: the new value where it is strictly greater or NaN.
inline float take_max(float best, float value) { return value > best || value != value ? value : best; }

// One pooled row of a channel block: `a` and `b` hold conv rows 2i and 2i + 1 as (count, width)
// tiles; pooled[j][lane] = the max of relu(x + bias[lane]) over the 2x2 window, in max_pool2d's
// order (each row's pair, then the two rows), written over `a`.
void pool_rows(float* a, const float* b, const float* bias, int64_t pooled, int width) {
  for (int64_t j = 0; j < pooled; ++j) {
    const float* a0 = a + 2 * j * width;
    const float* b0 = b + 2 * j * width;
    float* out = a + j * width;
    for (int lane = 0; lane < width; ++lane) {
      const float c = bias[lane];
      const float top = take_max(relu_keeping_nan(a0[lane] + c), relu_keeping_nan(a0[width + lane] + c));
      const float bottom = take_max(relu_keeping_nan(b0[lane] + c), relu_keeping_nan(b0[width + lane] + c));
      out[lane] = take_max(top, bottom);
    }
  }
}

// STRIATE_LOG_CONV_ALGORITHM=1: each geometry is printed the first time it runs, as conv.cpp prints
// the unfused passes (with " +relu +max_pool2x2" before the algorithm).
void log_geometry(const Conv2dGeometry& g) {
  static std::mutex mutex;
  static std::set<std::string> seen;
  const std::string line = striate::detail::str(
      "striate: conv2d forward float32 N=", g.N, " C=", g.C, " H=", g.H, " W=", g.W, " K=", g.K, " R=", g.R, " S=", g.S,
      " stride=(", g.stride_h, ", ", g.stride_w, ") pad=(", g.pad_top, ", ", g.pad_left, ") dilation=(", g.dilation_h,
      ", ", g.dilation_w, ") groups=", g.groups, " +relu +max_pool2x2 -> ", conv_algorithm_name(ConvAlgorithm::Direct));
  std::lock_guard<std::mutex> lock(mutex);
  if (seen.insert(line).second) std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace

template <typename T>
void conv2d_relu_max_pool2x2_forward(T* output, const T* input, const T* weight, const T* bias,
                                     const Conv2dGeometry& g);

template <>
void conv2d_relu_max_pool2x2_forward<float>(float* output, const float* input, const float* weight, const float* bias,
                                            const Conv2dGeometry& g) {
  const direct::detail::Variant& v = direct::detail::selected_variant();
  const direct::Staging st = direct::staging_of(g);
  const int width = block_width(v, g.K);
  const int64_t blocks = ceil_div(g.K, width), taps = g.R * g.S;
  const int64_t P2 = g.P / 2, Q2 = g.Q / 2, count = 2 * Q2;
  if (g.N == 0 || P2 == 0 || Q2 == 0) return;
  if (conv_algorithm_logging()) log_geometry(g);
  // packed[block][c][tap][lane] = weight[block * width + lane][c][tap], zero past K; the bias
  // likewise per block (zero past K).
  std::vector<float> packed(checked_size({blocks, g.C, taps, width}), 0.0f);
  std::vector<float> lanes_bias(checked_size({blocks, width}), 0.0f);
  for (int64_t k = 0; k < g.K; ++k) {
    const int64_t block = k / width, lane = k % width;
    for (int64_t c = 0; c < g.C; ++c)
      for (int64_t t = 0; t < taps; ++t)
        packed[((block * g.C + c) * taps + t) * width + lane] = weight[(k * g.C + c) * taps + t];
    if (bias) lanes_bias[block * width + lane] = bias[k];
  }
  std::vector<int64_t> offsets(taps);
  for (int64_t r = 0; r < g.R; ++r)
    for (int64_t s = 0; s < g.S; ++s)
      offsets[r * g.S + s] = r * g.dilation_h * st.row + direct::column_offset(g, st, s);
  // Tasks: whole images, or (few images on several threads) runs of (block, pooled row) units of one.
  const int64_t threads = in_parallel_region() ? 1 : get_num_threads();
  const int64_t units = blocks * P2;
  const int64_t chunks = threads > 1 && g.N < 2 * threads ? std::min(units, ceil_div(4 * threads, g.N)) : 1;
  const int64_t per_chunk = ceil_div(units, chunks);
  const int64_t image_plane = g.H * g.W, staged_image = checked_size({g.C, st.plane});
  parallel_for(0, g.N * chunks, 1, [&](int64_t first, int64_t last) {
    std::vector<float> staged(staged_image);
    std::vector<float> tiles(2 * count * width);
    float* top = tiles.data();
    float* bottom = top + count * width;
    int64_t staged_n = -1;
    for (int64_t i = first; i < last; ++i) {
      const int64_t n = i / chunks, unit_begin = i % chunks * per_chunk;
      const int64_t unit_end = std::min(units, unit_begin + per_chunk);
      if (unit_begin >= unit_end) continue;
      if (n != staged_n) {
        for (int64_t c = 0; c < g.C; ++c)
          direct::stage_plane(staged.data() + c * st.plane, input + (n * g.C + c) * image_plane, g, st);
        staged_n = n;
      }
      for (int64_t u = unit_begin; u < unit_end; ++u) {
        check_interrupt_in_kernel();  // one pooled row of a channel block
        const int64_t block = u / P2, row = u % P2;
        const float* block_weights = packed.data() + block * g.C * taps * width;
        const float* src = staged.data() + 2 * row * g.stride_h * st.row;
        v.gather(top, src, st.plane, offsets.data(), taps, g.C, block_weights, count, width);
        v.gather(bottom, src + g.stride_h * st.row, st.plane, offsets.data(), taps, g.C, block_weights, count, width);
        pool_rows(top, bottom, lanes_bias.data() + block * width, Q2, width);
        const int64_t k_end = std::min<int64_t>(width, g.K - block * width);
        for (int64_t lane = 0; lane < k_end; ++lane) {
          float* out = output + ((n * g.K + block * width + lane) * P2 + row) * Q2;
          for (int64_t j = 0; j < Q2; ++j) out[j] = top[j * width + lane];
        }
      }
    }
  });
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_relu_max_pool2x2_forward<float>);

}  // namespace striate::kernels::cpu
