// 2-D max and average pooling on the CPU, parallel over planes. Window clipping, the ceil_mode
// tail window and the average's divisor follow PyTorch exactly so results match bit for bit.
// The output columns whose windows lie inside the input run the SIMD row kernels of
// vector_math.h (same taps, same order, same bits); the clipped edge columns the scalar loop.
#include "kernels/pooling.h"

#include <vector>

#include <algorithm>
#include <limits>

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
  // Values only (inference), 2x2 windows stride 2 over an even width: whole planes at a time.
  if (!indices && g.kernel_h == 2 && g.kernel_w == 2 && g.stride_h == 2 && g.stride_w == 2 && g.pad_h == 0 &&
      g.pad_w == 0 && g.dilation_h == 1 && g.dilation_w == 1 && g.W == 2 * g.Q && 2 * g.P <= g.H) {
    parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
      std::vector<T> scratch(static_cast<size_t>(2 * g.P * g.Q));
      for (int64_t plane = first; plane < last; ++plane)
        vk.max_pool_2x2(output + plane * g.P * g.Q, input + plane * g.H * g.W, g.P, g.Q, scratch.data());
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

#define STRIATE_IMPLEMENT_POOL(T)                                    \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, max_pool2d_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, max_pool2d_backward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, avg_pool2d_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, avg_pool2d_backward<T>);
STRIATE_IMPLEMENT_POOL(float)
STRIATE_IMPLEMENT_POOL(double)
#undef STRIATE_IMPLEMENT_POOL

}  // namespace striate::kernels::cpu
