// 2-D max and average pooling on the CPU, parallel over planes. Window clipping, the ceil_mode
// tail window and the average's divisor follow PyTorch exactly so results match bit for bit.
// The output columns whose windows lie inside the input run the SIMD row kernels of
// vector_math.h (same taps, same order, same bits); the clipped edge columns the scalar loop.
#include "kernels/pooling.h"

#include <vector>

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/cpu/pooling_window_max.h"
#include "kernels/cpu/vector_math.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

// Planes per task so that each task has a few tens of thousands of element visits.
int64_t plane_grain(const Pool2dGeometry& g) {
  int64_t work_per_plane = std::max<int64_t>(1, g.P * g.Q * g.kernel_h * g.kernel_w);
  return std::max<int64_t>(1, 32768 / work_per_plane);
}

// The window of output (p, q) clipped to the input, and the number the average divides by.
struct AvgWindow {
  int64_t h_begin, h_end, w_begin, w_end;
  int64_t divisor;
  bool empty() const { return h_begin >= h_end || w_begin >= w_end; }
};

AvgWindow avg_window(const Pool2dGeometry& g, int64_t p, int64_t q) {
  AvgWindow window;
  window.h_begin = p * g.stride_h - g.pad_h;
  window.w_begin = q * g.stride_w - g.pad_w;
  window.h_end = std::min(window.h_begin + g.kernel_h, g.H + g.pad_h);
  window.w_end = std::min(window.w_begin + g.kernel_w, g.W + g.pad_w);
  // Counted before clipping to the input: the padded part of the window, not a ceil_mode overhang.
  int64_t padded_size = (window.h_end - window.h_begin) * (window.w_end - window.w_begin);
  window.h_begin = std::max<int64_t>(window.h_begin, 0);
  window.w_begin = std::max<int64_t>(window.w_begin, 0);
  window.h_end = std::min(window.h_end, g.H);
  window.w_end = std::min(window.w_end, g.W);
  if (g.divisor_override != 0)
    window.divisor = g.divisor_override;
  else if (g.count_include_pad)
    window.divisor = padded_size;
  else
    window.divisor = (window.h_end - window.h_begin) * (window.w_end - window.w_begin);
  return window;
}

// The output columns [begin, end) whose windows (kernel taps `dilation` apart) lie inside [0, W).
struct InteriorColumns {
  int64_t begin, end;
};

InteriorColumns interior_columns(int64_t Q, int64_t W, int64_t stride, int64_t pad, int64_t kernel, int64_t dilation) {
  const int64_t begin = std::min(Q, (pad + stride - 1) / stride);
  const int64_t last_start = W - 1 - (kernel - 1) * dilation + pad;  // q * stride may not exceed it
  const int64_t end = last_start < 0 ? 0 : std::min(Q, last_start / stride + 1);
  return {begin, std::max(begin, end)};
}

}  // namespace

template <typename T>
void max_pool2d_forward(T* output, int64_t* indices, const T* input, const Pool2dGeometry& g) {
  const auto& vk = vector_kernels<T>();
  // 2x2 windows stride 2 over an even width: whole planes at a time (indices as int32 lanes for
  // float, so only where every index of a plane fits).
  if (is_plain_2x2(g) && (!indices || sizeof(T) == 8 || 2 * g.P * g.W <= std::numeric_limits<int32_t>::max())) {
    parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
      std::vector<T> scratch(static_cast<size_t>((indices ? 4 : 2) * g.P * g.Q));
      for (int64_t plane = first; plane < last; ++plane)
        vk.max_pool_2x2(output + plane * g.P * g.Q, indices ? indices + plane * g.P * g.Q : nullptr,
                        input + plane * g.H * g.W, g.P, g.Q, scratch.data());
    });
    return;
  }
  std::vector<int64_t> unused;  // the general path writes indices
  if (!indices) {
    unused.resize(static_cast<size_t>(g.planes * g.P * g.Q));
    indices = unused.data();
  }
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      const T* in = input + plane * g.H * g.W;
      for (int64_t p = 0; p < g.P; ++p) {
        const WindowAxis h = dilated_axis(p * g.stride_h - g.pad_h, g.kernel_h, g.dilation_h, g.H);
        const int64_t row = (plane * g.P + p) * g.Q;
        vk.max_pool_row(output + row, indices + row, in, g.W, h.begin, h.end, h.step, g.Q, g.stride_w, g.pad_w,
                        g.kernel_w, g.dilation_w);
      }
    }
  });
}

template <typename T>
void max_pool2d_backward(T* dinput, const T* doutput, const int64_t* indices, const Pool2dGeometry& g) {
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      T* din = dinput + plane * g.H * g.W;
      const T* dout = doutput + plane * g.P * g.Q;
      const int64_t* index = indices + plane * g.P * g.Q;
      std::fill(din, din + g.H * g.W, T(0));
      for (int64_t i = 0; i < g.P * g.Q; ++i) din[index[i]] += dout[i];
    }
  });
}

template <typename T>
inline auto to_bits(T value) {
  std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t> bits;
  std::memcpy(&bits, &value, sizeof(T));
  return bits;
}

template <typename T, typename U>
inline T from_bits(U bits) {
  static_assert(sizeof(T) == sizeof(U), "same width");
  T value;
  std::memcpy(&value, &bits, sizeof(T));
  return value;
}

template <typename T>
void max_pool2d_2x2_backward(T* dinput, const T* doutput, const T* input, const Pool2dGeometry& g) {
  using U = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      T* din = dinput + plane * g.H * g.W;
      const T* in = input + plane * g.H * g.W;
      const T* dout = doutput + plane * g.P * g.Q;
      for (int64_t p = 0; p < g.P; ++p) {
        const T* top = in + 2 * p * g.W;
        const T* bottom = top + g.W;
        T* dtop = din + 2 * p * g.W;
        T* dbottom = dtop + g.W;
        for (int64_t q = 0; q < g.Q; ++q) {
          // The forward's pick: the larger of each row's pair, then of the two rows (strictly
          // greater, or NaN, takes over: the same tap as the scan of all four). In bit masks, not
          // branches: on real data each choice is a coin toss the branch predictor would lose.
          const T a = top[2 * q], b = top[2 * q + 1], c = bottom[2 * q], e = bottom[2 * q + 1];
          const U top_right = U(0) - U((b > a) | (b != b));  // all ones where b wins its pair
          const U bottom_right = U(0) - U((e > c) | (e != e));
          const T top_max = from_bits<T>((to_bits(b) & top_right) | (to_bits(a) & ~top_right));
          const T bottom_max = from_bits<T>((to_bits(e) & bottom_right) | (to_bits(c) & ~bottom_right));
          const U down = U(0) - U((bottom_max > top_max) | (bottom_max != bottom_max));
          // 0 + dy, as the indexed backward adds into zeros (a -0.0 gradient lands as +0.0).
          const U d = to_bits(T(0) + dout[p * g.Q + q]);
          const U up_d = d & ~down, down_d = d & down;
          dtop[2 * q] = from_bits<T>(up_d & ~top_right);
          dtop[2 * q + 1] = from_bits<T>(up_d & top_right);
          dbottom[2 * q] = from_bits<T>(down_d & ~bottom_right);
          dbottom[2 * q + 1] = from_bits<T>(down_d & bottom_right);
        }
      }
      std::fill(din + 2 * g.P * g.W, din + g.H * g.W, T(0));  // the row an odd height drops
    }
  });
}

template <typename T>
void avg_pool2d_forward(T* output, const T* input, const Pool2dGeometry& g) {
  const auto& vk = vector_kernels<T>();
  const InteriorColumns inside = interior_columns(g.Q, g.W, g.stride_w, g.pad_w, g.kernel_w, 1);
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      const T* in = input + plane * g.H * g.W;
      T* out = output + plane * g.P * g.Q;
      for (int64_t p = 0; p < g.P; ++p) {
        auto edge = [&](int64_t q) {
          AvgWindow window = avg_window(g, p, q);
          if (window.empty()) {
            out[p * g.Q + q] = T(0);
            return;
          }
          T total = T(0);
          for (int64_t h = window.h_begin; h < window.h_end; ++h)
            for (int64_t w = window.w_begin; w < window.w_end; ++w) total += in[h * g.W + w];
          out[p * g.Q + q] = total / static_cast<T>(window.divisor);
        };
        for (int64_t q = 0; q < inside.begin; ++q) edge(q);
        if (inside.begin < inside.end) {
          // Inside along W, a window's extent and divisor depend on its row only.
          const AvgWindow window = avg_window(g, p, inside.begin);
          if (window.empty()) {
            std::fill(out + p * g.Q + inside.begin, out + p * g.Q + inside.end, T(0));
          } else {
            vk.avg_pool_row(out + p * g.Q, in, g.W, window.h_begin, window.h_end, inside.begin, inside.end, g.stride_w,
                            -g.pad_w, g.kernel_w, static_cast<T>(window.divisor));
          }
        }
        for (int64_t q = inside.end; q < g.Q; ++q) edge(q);
      }
    }
  });
}

template <typename T>
void avg_pool2d_backward(T* dinput, const T* doutput, const Pool2dGeometry& g) {
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      T* din = dinput + plane * g.H * g.W;
      const T* dout = doutput + plane * g.P * g.Q;
      std::fill(din, din + g.H * g.W, T(0));
      for (int64_t p = 0; p < g.P; ++p) {
        for (int64_t q = 0; q < g.Q; ++q) {
          AvgWindow window = avg_window(g, p, q);
          if (window.empty()) continue;
          T share = dout[p * g.Q + q] / static_cast<T>(window.divisor);
          for (int64_t h = window.h_begin; h < window.h_end; ++h)
            for (int64_t w = window.w_begin; w < window.w_end; ++w) din[h * g.W + w] += share;
        }
      }
    }
  });
}

#define STRIATE_IMPLEMENT_POOL(T)                                        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, max_pool2d_forward<T>);      \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, max_pool2d_backward<T>);     \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, max_pool2d_2x2_backward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, avg_pool2d_forward<T>);      \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, avg_pool2d_backward<T>);
STRIATE_IMPLEMENT_POOL(float)
STRIATE_IMPLEMENT_POOL(double)
#undef STRIATE_IMPLEMENT_POOL

}  // namespace striate::kernels::cpu
