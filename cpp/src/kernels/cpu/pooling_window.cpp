// Pooling over precomputed windows (adaptive and fractional max/average pooling) and
// max_unpool2d's gather, on the CPU, parallel over planes. A window of whole rows (global
// average pooling) is one contiguous span, summed by the SIMD kernel of vector_math.h.
#include <algorithm>
#include <limits>

#include "kernels/cpu/pooling_window_max.h"
#include "kernels/cpu/vector_math.h"
#include "kernels/pooling.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

int64_t plane_grain(const WindowPool2dGeometry& g) {
  // A window covers about H / P rows and W / Q columns, so a plane costs about H * W visits.
  return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, g.H * g.W + g.P * g.Q));
}

// The window arrays of one plane.
struct PlaneWindows {
  const int64_t *h_begin, *h_end, *w_begin, *w_end;
};

PlaneWindows plane_windows(const WindowPool2dGeometry& g, int64_t plane) {
  int64_t h_offset = g.per_plane ? plane * g.P : 0;
  int64_t w_offset = g.per_plane ? plane * g.Q : 0;
  return {g.h_begin + h_offset, g.h_end + h_offset, g.w_begin + w_offset, g.w_end + w_offset};
}

}  // namespace

template <typename T>
void window_max_pool2d_forward(T* output, int64_t* indices, const T* input, const WindowPool2dGeometry& g) {
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      const T* in = input + plane * g.H * g.W;
      T* out = output + plane * g.P * g.Q;
      int64_t* out_index = indices + plane * g.P * g.Q;
      PlaneWindows window = plane_windows(g, plane);
      for (int64_t p = 0; p < g.P; ++p)
        for (int64_t q = 0; q < g.Q; ++q)
          window_max(in, g.H, g.W, span_axis(0, 1), span_axis(window.h_begin[p], window.h_end[p]),
                     span_axis(window.w_begin[q], window.w_end[q]), out[p * g.Q + q], out_index[p * g.Q + q]);
    }
  });
}

template <typename T>
void window_avg_pool2d_forward(T* output, const T* input, const WindowPool2dGeometry& g) {
  const auto& vk = vector_kernels<T>();
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      const T* in = input + plane * g.H * g.W;
      T* out = output + plane * g.P * g.Q;
      PlaneWindows window = plane_windows(g, plane);
      for (int64_t p = 0; p < g.P; ++p)
        for (int64_t q = 0; q < g.Q; ++q) {
          T total = T(0);
          if (window.w_begin[q] == 0 && window.w_end[q] == g.W) {
            const int64_t rows = window.h_end[p] - window.h_begin[p];
            total = static_cast<T>(vk.sum(in + window.h_begin[p] * g.W, rows > 0 ? rows * g.W : 0));
          } else {
            for (int64_t h = window.h_begin[p]; h < window.h_end[p]; ++h)
              for (int64_t w = window.w_begin[q]; w < window.w_end[q]; ++w) total += in[h * g.W + w];
          }
          int64_t count = (window.h_end[p] - window.h_begin[p]) * (window.w_end[q] - window.w_begin[q]);
          out[p * g.Q + q] = total / static_cast<T>(count);
        }
    }
  });
}

template <typename T>
void window_avg_pool2d_backward(T* dinput, const T* doutput, const WindowPool2dGeometry& g) {
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      T* din = dinput + plane * g.H * g.W;
      const T* dout = doutput + plane * g.P * g.Q;
      PlaneWindows window = plane_windows(g, plane);
      std::fill(din, din + g.H * g.W, T(0));
      for (int64_t p = 0; p < g.P; ++p)
        for (int64_t q = 0; q < g.Q; ++q) {
          int64_t count = (window.h_end[p] - window.h_begin[p]) * (window.w_end[q] - window.w_begin[q]);
          T share = dout[p * g.Q + q] / static_cast<T>(count);
          for (int64_t h = window.h_begin[p]; h < window.h_end[p]; ++h)
            for (int64_t w = window.w_begin[q]; w < window.w_end[q]; ++w) din[h * g.W + w] += share;
        }
    }
  });
}

template <typename T>
void max_unpool2d_forward(T* output, const T* input, const int64_t* indices, int64_t planes, int64_t H, int64_t W,
                          int64_t P, int64_t Q) {
  parallel_for(0, planes, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, P * Q)), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      T* out = output + plane * P * Q;
      const T* in = input + plane * H * W;
      const int64_t* index = indices + plane * H * W;
      std::fill(out, out + P * Q, T(0));
      for (int64_t i = 0; i < H * W; ++i) out[index[i]] = in[i];
    }
  });
}

template <typename T>
void max_unpool2d_backward(T* dinput, const T* doutput, const int64_t* indices, int64_t planes, int64_t H, int64_t W,
                           int64_t P, int64_t Q) {
  parallel_for(0, planes, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, H * W)), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      T* din = dinput + plane * H * W;
      const T* dout = doutput + plane * P * Q;
      const int64_t* index = indices + plane * H * W;
      for (int64_t i = 0; i < H * W; ++i) din[i] = dout[index[i]];
    }
  });
}

#define STRIATE_IMPLEMENT_WINDOW_POOL(T)                                    \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, window_max_pool2d_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, window_avg_pool2d_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, window_avg_pool2d_backward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, max_unpool2d_forward<T>);       \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, max_unpool2d_backward<T>);
STRIATE_IMPLEMENT_WINDOW_POOL(float)
STRIATE_IMPLEMENT_WINDOW_POOL(double)
#undef STRIATE_IMPLEMENT_WINDOW_POOL

}  // namespace striate::kernels::cpu
