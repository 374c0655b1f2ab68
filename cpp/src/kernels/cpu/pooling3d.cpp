// 3-D max and average pooling on the CPU, parallel over planes. Window clipping, the ceil_mode
// tail window and the average's divisor follow PyTorch as the 2-D kernels in pooling.cpp do.
#include <algorithm>
#include <limits>

#include "kernels/cpu/pooling_window_max.h"
#include "kernels/pooling.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

int64_t plane_grain(const Pool3dGeometry& g) {
  int64_t work_per_plane = std::max<int64_t>(1, g.OD * g.P * g.Q * g.kernel[0] * g.kernel[1] * g.kernel[2]);
  return std::max<int64_t>(1, 32768 / work_per_plane);
}

// One axis of an average window clipped to the input; `padded` is its length before clipping to
// the input (padding counts, a ceil_mode overhang past the padding does not).
void avg_axis(int64_t start, int64_t kernel, int64_t pad, int64_t size, int64_t& begin, int64_t& end, int64_t& padded) {
  end = std::min(start + kernel, size + pad);
  padded = end - start;
  begin = std::max<int64_t>(start, 0);
  end = std::min(end, size);
}

struct AvgWindow3d {
  int64_t begin[3], end[3];
  int64_t divisor;
  bool empty() const { return begin[0] >= end[0] || begin[1] >= end[1] || begin[2] >= end[2]; }
};

AvgWindow3d avg_window(const Pool3dGeometry& g, int64_t od, int64_t p, int64_t q) {
  AvgWindow3d window;
  const int64_t out_index[3] = {od, p, q};
  const int64_t size[3] = {g.D, g.H, g.W};
  int64_t padded_volume = 1, volume = 1;
  for (int axis = 0; axis < 3; ++axis) {
    int64_t padded;
    avg_axis(out_index[axis] * g.stride[axis] - g.pad[axis], g.kernel[axis], g.pad[axis], size[axis],
             window.begin[axis], window.end[axis], padded);
    padded_volume *= padded;
    volume *= std::max<int64_t>(0, window.end[axis] - window.begin[axis]);
  }
  if (g.divisor_override != 0)
    window.divisor = g.divisor_override;
  else
    window.divisor = g.count_include_pad ? padded_volume : volume;
  return window;
}

}  // namespace

template <typename T>
void max_pool3d_forward(T* output, int64_t* indices, const T* input, const Pool3dGeometry& g) {
  const int64_t out_per_plane = g.OD * g.P * g.Q;
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      const T* in = input + plane * g.D * g.H * g.W;
      T* out = output + plane * out_per_plane;
      int64_t* out_index = indices + plane * out_per_plane;
      for (int64_t od = 0; od < g.OD; ++od) {
        const WindowAxis d = dilated_axis(od * g.stride[0] - g.pad[0], g.kernel[0], g.dilation[0], g.D);
        for (int64_t p = 0; p < g.P; ++p) {
          const WindowAxis h = dilated_axis(p * g.stride[1] - g.pad[1], g.kernel[1], g.dilation[1], g.H);
          for (int64_t q = 0; q < g.Q; ++q) {
            const WindowAxis w = dilated_axis(q * g.stride[2] - g.pad[2], g.kernel[2], g.dilation[2], g.W);
            const int64_t o = (od * g.P + p) * g.Q + q;
            window_max(in, g.H, g.W, d, h, w, out[o], out_index[o]);
          }
        }
      }
    }
  });
}

template <typename T>
void avg_pool3d_forward(T* output, const T* input, const Pool3dGeometry& g) {
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      const T* in = input + plane * g.D * g.H * g.W;
      T* out = output + plane * g.OD * g.P * g.Q;
      for (int64_t od = 0; od < g.OD; ++od)
        for (int64_t p = 0; p < g.P; ++p)
          for (int64_t q = 0; q < g.Q; ++q) {
            AvgWindow3d window = avg_window(g, od, p, q);
            T total = T(0);
            if (!window.empty())
              for (int64_t d = window.begin[0]; d < window.end[0]; ++d)
                for (int64_t h = window.begin[1]; h < window.end[1]; ++h)
                  for (int64_t w = window.begin[2]; w < window.end[2]; ++w) total += in[(d * g.H + h) * g.W + w];
            out[(od * g.P + p) * g.Q + q] = window.empty() ? T(0) : total / static_cast<T>(window.divisor);
          }
    }
  });
}

template <typename T>
void avg_pool3d_backward(T* dinput, const T* doutput, const Pool3dGeometry& g) {
  parallel_for(0, g.planes, plane_grain(g), [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      T* din = dinput + plane * g.D * g.H * g.W;
      const T* dout = doutput + plane * g.OD * g.P * g.Q;
      std::fill(din, din + g.D * g.H * g.W, T(0));
      for (int64_t od = 0; od < g.OD; ++od)
        for (int64_t p = 0; p < g.P; ++p)
          for (int64_t q = 0; q < g.Q; ++q) {
            AvgWindow3d window = avg_window(g, od, p, q);
            if (window.empty()) continue;
            T share = dout[(od * g.P + p) * g.Q + q] / static_cast<T>(window.divisor);
            for (int64_t d = window.begin[0]; d < window.end[0]; ++d)
              for (int64_t h = window.begin[1]; h < window.end[1]; ++h)
                for (int64_t w = window.begin[2]; w < window.end[2]; ++w) din[(d * g.H + h) * g.W + w] += share;
          }
    }
  });
}

#define STRIATE_IMPLEMENT_POOL3D(T)                                 \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, max_pool3d_forward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, avg_pool3d_forward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, avg_pool3d_backward<T>);
STRIATE_IMPLEMENT_POOL3D(float)
STRIATE_IMPLEMENT_POOL3D(double)
#undef STRIATE_IMPLEMENT_POOL3D

}  // namespace striate::kernels::cpu
