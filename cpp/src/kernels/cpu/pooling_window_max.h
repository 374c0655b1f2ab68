// The one max-pool window loop of the CPU kernels (2-D, 3-D, adaptive and fractional pooling):
// the maximum over a window's taps, keeping the first maximum and letting NaN win, as PyTorch.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>

namespace striate::kernels::cpu {

// The taps of a window along one axis: begin, begin + step, ... (< end).
struct WindowAxis {
  int64_t begin, end, step;
};

// The dilated window of `kernel` taps starting at `start` (may be negative: padding), clipped to
// [0, size): its first in-bounds tap and its end.
inline WindowAxis dilated_axis(int64_t start, int64_t kernel, int64_t dilation, int64_t size) {
  const int64_t end = std::min(start + (kernel - 1) * dilation + 1, size);
  const int64_t begin = start < 0 ? start + ((-start + dilation - 1) / dilation) * dilation : start;
  return {begin, end, dilation};
}

// A contiguous window [begin, end) along one axis (adaptive / fractional pooling).
inline WindowAxis span_axis(int64_t begin, int64_t end) { return {begin, end, 1}; }

// Max over the window (d, h, w) of a (D, H, W) volume `in` (2-D pooling passes d = {0, 1, 1});
// writes the value and its flat index into the volume.
template <typename T>
inline void window_max(const T* in, int64_t H, int64_t W, WindowAxis d, WindowAxis h, WindowAxis w, T& best,
                       int64_t& best_index) {
  best_index = (d.begin * H + h.begin) * W + w.begin;
  best = -std::numeric_limits<T>::infinity();
  for (int64_t z = d.begin; z < d.end; z += d.step)
    for (int64_t y = h.begin; y < h.end; y += h.step)
      for (int64_t x = w.begin; x < w.end; x += w.step) {
        const int64_t index = (z * H + y) * W + x;
        const T value = in[index];
        // Strictly greater keeps the first maximum; value != value lets NaN win.
        if (value > best || value != value) {
          best = value;
          best_index = index;
        }
      }
}

}  // namespace striate::kernels::cpu
