// Pooling on CUDA: 2-D and 3-D max / average pooling, pooling over given windows (adaptive and
// fractional), max-unpooling. Forward passes: one thread per output element, the CPU's window
// rules (clipping, ceil_mode tail, divisor, first maximum wins and NaN wins). Backward of the
// averages: a gather, one thread per input element summing the shares of the windows that cover
// it in the CPU's (p, q) order, so the bits match the CPU's scatter. Backward of max pooling: the
// input gradient is zeroed, then one thread per output adds its gradient at its index with
// atomicAdd (several windows may pick one input; the order of those adds is not fixed).
#include "kernels/cuda/current.cuh"
#include "kernels/cuda/pooling_windows.cuh"
#include "kernels/pooling.h"

namespace striate::kernels::cuda {
namespace {

// Max over the window (d, h, w) of a (D, H, W) volume; first maximum wins, NaN wins.
template <typename T>
__device__ void window_max(const T* in, int64_t H, int64_t W, Taps d, Taps h, Taps w, T* best_out, int64_t* index_out) {
  int64_t best_index = (d.begin * H + h.begin) * W + w.begin;
  T best = -INFINITY;
  for (int64_t z = d.begin; z < d.end; z += d.step)
    for (int64_t y = h.begin; y < h.end; y += h.step)
      for (int64_t x = w.begin; x < w.end; x += w.step) {
        const int64_t index = (z * H + y) * W + x;
        const T value = in[index];
        if (value > best || value != value) {
          best = value;
          best_index = index;
        }
      }
  *best_out = best;
  *index_out = best_index;
}

// ---- 2-D -------------------------------------------------------------------------------------------

template <typename T>
__global__ void max_pool2d_forward_kernel(T* output, int64_t* indices, const T* input, Pool2dGeometry g) {
  const int64_t total = g.planes * g.P * g.Q;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t q = i % g.Q, p = (i / g.Q) % g.P, plane = i / (g.P * g.Q);
    const Taps h = dilated_taps(p * g.stride_h - g.pad_h, g.kernel_h, g.dilation_h, g.H);
    const Taps w = dilated_taps(q * g.stride_w - g.pad_w, g.kernel_w, g.dilation_w, g.W);
    window_max(input + plane * g.H * g.W, g.H, g.W, Taps{0, 1, 1}, h, w, output + i, indices + i);
  }
}

template <typename T>
__global__ void max_pool_backward_kernel(T* dinput, const T* doutput, const int64_t* indices, int64_t planes,
                                         int64_t in_per_plane, int64_t out_per_plane) {
  const int64_t total = planes * out_per_plane;
  for (int64_t i = grid_index(); i < total; i += grid_step())
    atomicAdd(dinput + (i / out_per_plane) * in_per_plane + indices[i], doutput[i]);
}

template <typename T>
__global__ void zero_kernel(T* data, int64_t n) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) data[i] = T(0);
}

template <typename T>
__global__ void avg_pool2d_forward_kernel(T* output, const T* input, Pool2dGeometry g) {
  const int64_t total = g.planes * g.P * g.Q;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t q = i % g.Q, p = (i / g.Q) % g.P, plane = i / (g.P * g.Q);
    const AvgAxis h = avg_axis(p * g.stride_h - g.pad_h, g.kernel_h, g.pad_h, g.H);
    const AvgAxis w = avg_axis(q * g.stride_w - g.pad_w, g.kernel_w, g.pad_w, g.W);
    if (h.begin >= h.end || w.begin >= w.end) {
      output[i] = T(0);
      continue;
    }
    const T* in = input + plane * g.H * g.W;
    T total_value = T(0);
    for (int64_t y = h.begin; y < h.end; ++y)
      for (int64_t x = w.begin; x < w.end; ++x) total_value += in[y * g.W + x];
    const int64_t divisor = avg_divisor(g.divisor_override, g.count_include_pad, h.padded * w.padded,
                                        (h.end - h.begin) * (w.end - w.begin));
    output[i] = total_value / static_cast<T>(divisor);
  }
}

template <typename T>
__global__ void avg_pool2d_backward_kernel(T* dinput, const T* doutput, Pool2dGeometry g) {
  const int64_t total = g.planes * g.H * g.W;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t x = i % g.W, y = (i / g.W) % g.H, plane = i / (g.H * g.W);
    const T* dout = doutput + plane * g.P * g.Q;
    const OutputRange rows = covering(y, g.kernel_h, g.stride_h, g.pad_h, g.P);
    const OutputRange columns = covering(x, g.kernel_w, g.stride_w, g.pad_w, g.Q);
    T sum = T(0);
    for (int64_t p = rows.first; p <= rows.last; ++p) {
      const AvgAxis h = avg_axis(p * g.stride_h - g.pad_h, g.kernel_h, g.pad_h, g.H);
      if (y < h.begin || y >= h.end) continue;
      for (int64_t q = columns.first; q <= columns.last; ++q) {
        const AvgAxis w = avg_axis(q * g.stride_w - g.pad_w, g.kernel_w, g.pad_w, g.W);
        if (x < w.begin || x >= w.end) continue;
        const int64_t divisor = avg_divisor(g.divisor_override, g.count_include_pad, h.padded * w.padded,
                                            (h.end - h.begin) * (w.end - w.begin));
        sum += dout[p * g.Q + q] / static_cast<T>(divisor);
      }
    }
    dinput[i] = sum;
  }
}

// ---- 3-D -------------------------------------------------------------------------------------------

template <typename T>
__global__ void max_pool3d_forward_kernel(T* output, int64_t* indices, const T* input, Pool3dGeometry g) {
  const int64_t total = g.planes * g.OD * g.P * g.Q;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t q = i % g.Q, p = (i / g.Q) % g.P, od = (i / (g.Q * g.P)) % g.OD, plane = i / (g.OD * g.P * g.Q);
    const Taps d = dilated_taps(od * g.stride[0] - g.pad[0], g.kernel[0], g.dilation[0], g.D);
    const Taps h = dilated_taps(p * g.stride[1] - g.pad[1], g.kernel[1], g.dilation[1], g.H);
    const Taps w = dilated_taps(q * g.stride[2] - g.pad[2], g.kernel[2], g.dilation[2], g.W);
    window_max(input + plane * g.D * g.H * g.W, g.H, g.W, d, h, w, output + i, indices + i);
  }
}

struct AvgWindow3d {
  AvgAxis axis[3];
  __device__ bool empty() const {
    return axis[0].begin >= axis[0].end || axis[1].begin >= axis[1].end || axis[2].begin >= axis[2].end;
  }
};

__device__ inline AvgWindow3d avg_window3d(const Pool3dGeometry& g, int64_t od, int64_t p, int64_t q) {
  const int64_t index[3] = {od, p, q};
  const int64_t size[3] = {g.D, g.H, g.W};
  AvgWindow3d window;
  for (int a = 0; a < 3; ++a)
    window.axis[a] = avg_axis(index[a] * g.stride[a] - g.pad[a], g.kernel[a], g.pad[a], size[a]);
  return window;
}

__device__ inline int64_t avg_divisor3d(const Pool3dGeometry& g, const AvgWindow3d& window) {
  int64_t padded = 1, volume = 1;
  for (int a = 0; a < 3; ++a) {
    padded *= window.axis[a].padded;
    volume *= max64(0, window.axis[a].end - window.axis[a].begin);
  }
  return avg_divisor(g.divisor_override, g.count_include_pad, padded, volume);
}

template <typename T>
__global__ void avg_pool3d_forward_kernel(T* output, const T* input, Pool3dGeometry g) {
  const int64_t total = g.planes * g.OD * g.P * g.Q;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t q = i % g.Q, p = (i / g.Q) % g.P, od = (i / (g.Q * g.P)) % g.OD, plane = i / (g.OD * g.P * g.Q);
    const AvgWindow3d window = avg_window3d(g, od, p, q);
    if (window.empty()) {
      output[i] = T(0);
      continue;
    }
    const T* in = input + plane * g.D * g.H * g.W;
    T total_value = T(0);
    for (int64_t z = window.axis[0].begin; z < window.axis[0].end; ++z)
      for (int64_t y = window.axis[1].begin; y < window.axis[1].end; ++y)
        for (int64_t x = window.axis[2].begin; x < window.axis[2].end; ++x) total_value += in[(z * g.H + y) * g.W + x];
    output[i] = total_value / static_cast<T>(avg_divisor3d(g, window));
  }
}

template <typename T>
__global__ void avg_pool3d_backward_kernel(T* dinput, const T* doutput, Pool3dGeometry g) {
  const int64_t total = g.planes * g.D * g.H * g.W;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t x = i % g.W, y = (i / g.W) % g.H, z = (i / (g.W * g.H)) % g.D, plane = i / (g.D * g.H * g.W);
    const T* dout = doutput + plane * g.OD * g.P * g.Q;
    const OutputRange depths = covering(z, g.kernel[0], g.stride[0], g.pad[0], g.OD);
    const OutputRange rows = covering(y, g.kernel[1], g.stride[1], g.pad[1], g.P);
    const OutputRange columns = covering(x, g.kernel[2], g.stride[2], g.pad[2], g.Q);
    T sum = T(0);
    for (int64_t od = depths.first; od <= depths.last; ++od)
      for (int64_t p = rows.first; p <= rows.last; ++p)
        for (int64_t q = columns.first; q <= columns.last; ++q) {
          const AvgWindow3d window = avg_window3d(g, od, p, q);
          if (z < window.axis[0].begin || z >= window.axis[0].end || y < window.axis[1].begin ||
              y >= window.axis[1].end || x < window.axis[2].begin || x >= window.axis[2].end)
            continue;
          sum += dout[(od * g.P + p) * g.Q + q] / static_cast<T>(avg_divisor3d(g, window));
        }
    dinput[i] = sum;
  }
}

// ---- given windows -----------------------------------------------------------------------------------

// The window arrays of one call. Up to kInlineWindowValues values (every adaptive pooling of a
// usual size: global pooling has 4) travel in the kernel's arguments, read in place
// (__grid_constant__); more (fractional pooling's per-plane windows) are copied to device memory,
// freed once the stream has run the kernel.
constexpr int kInlineWindowValues = 256;
struct InlineWindows {
  int64_t values[kInlineWindowValues];
  int64_t rows, columns;
  bool used;
};

class WindowArrays {
 public:
  explicit WindowArrays(const WindowPool2dGeometry& g) {
    inline_.rows = g.per_plane ? g.planes * g.P : g.P;
    inline_.columns = g.per_plane ? g.planes * g.Q : g.Q;
    const int64_t* sources[4] = {g.h_begin, g.h_end, g.w_begin, g.w_end};
    const int64_t lengths[4] = {inline_.rows, inline_.rows, inline_.columns, inline_.columns};
    const int64_t count = 2 * inline_.rows + 2 * inline_.columns;
    inline_.used = count <= kInlineWindowValues;
    if (inline_.used) {
      int64_t at = 0;
      for (int k = 0; k < 4; ++k)
        for (int64_t i = 0; i < lengths[k]; ++i) inline_.values[at++] = sources[k][i];
      return;
    }
    const int device = current_device();
    device_values_ = static_cast<int64_t*>(backend::cuda_malloc(static_cast<size_t>(count) * sizeof(int64_t), device));
    int64_t at = 0;
    for (int k = 0; k < 4; ++k) {
      if (lengths[k] > 0)
        backend::cuda_memcpy_host_to_device(device_values_ + at, sources[k],
                                            static_cast<size_t>(lengths[k]) * sizeof(int64_t), device);
      at += lengths[k];
    }
  }
  ~WindowArrays() {
    if (!device_values_) return;
    cudaStreamSynchronize(current_stream());  // the kernel has read them, whatever the allocator does next
    backend::cuda_free(device_values_);
  }
  WindowArrays(const WindowArrays&) = delete;
  WindowArrays& operator=(const WindowArrays&) = delete;
  // The geometry with window pointers into device memory (null when the windows are inline).
  WindowPool2dGeometry geometry(WindowPool2dGeometry g) const {
    const int64_t rows = inline_.rows, columns = inline_.columns;
    g.h_begin = device_values_;
    g.h_end = device_values_ ? device_values_ + rows : nullptr;
    g.w_begin = device_values_ ? device_values_ + 2 * rows : nullptr;
    g.w_end = device_values_ ? device_values_ + 2 * rows + columns : nullptr;
    return g;
  }
  const InlineWindows& inline_windows() const { return inline_; }

 private:
  InlineWindows inline_{};
  int64_t* device_values_ = nullptr;
};

// Points g's windows at the inline values when they travel in the arguments.
__device__ inline void resolve_windows(WindowPool2dGeometry& g, const InlineWindows& w) {
  if (!w.used) return;
  g.h_begin = w.values;
  g.h_end = w.values + w.rows;
  g.w_begin = w.values + 2 * w.rows;
  g.w_end = w.values + 2 * w.rows + w.columns;
}

template <typename T>
__global__ void window_max_pool2d_forward_kernel(T* output, int64_t* indices, const T* input, WindowPool2dGeometry g,
                                                 const __grid_constant__ InlineWindows windows) {
  resolve_windows(g, windows);
  const int64_t total = g.planes * g.P * g.Q;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t q = i % g.Q, p = (i / g.Q) % g.P, plane = i / (g.P * g.Q);
    const int64_t hp = g.per_plane ? plane * g.P + p : p, wq = g.per_plane ? plane * g.Q + q : q;
    window_max(input + plane * g.H * g.W, g.H, g.W, Taps{0, 1, 1}, Taps{g.h_begin[hp], g.h_end[hp], 1},
               Taps{g.w_begin[wq], g.w_end[wq], 1}, output + i, indices + i);
  }
}

template <typename T>
__global__ void window_avg_pool2d_forward_kernel(T* output, const T* input, WindowPool2dGeometry g,
                                                 const __grid_constant__ InlineWindows windows) {
  resolve_windows(g, windows);
  const int64_t total = g.planes * g.P * g.Q;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t q = i % g.Q, p = (i / g.Q) % g.P, plane = i / (g.P * g.Q);
    const int64_t hp = g.per_plane ? plane * g.P + p : p, wq = g.per_plane ? plane * g.Q + q : q;
    const T* in = input + plane * g.H * g.W;
    T total_value = T(0);
    for (int64_t y = g.h_begin[hp]; y < g.h_end[hp]; ++y)
      for (int64_t x = g.w_begin[wq]; x < g.w_end[wq]; ++x) total_value += in[y * g.W + x];
    const int64_t count = (g.h_end[hp] - g.h_begin[hp]) * (g.w_end[wq] - g.w_begin[wq]);
    output[i] = total_value / static_cast<T>(count);
  }
}

template <typename T>
__global__ void window_avg_pool2d_backward_kernel(T* dinput, const T* doutput, WindowPool2dGeometry g,
                                                  const __grid_constant__ InlineWindows windows) {
  resolve_windows(g, windows);
  const int64_t total = g.planes * g.H * g.W;
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    const int64_t x = i % g.W, y = (i / g.W) % g.H, plane = i / (g.H * g.W);
    const int64_t h_offset = g.per_plane ? plane * g.P : 0, w_offset = g.per_plane ? plane * g.Q : 0;
    const T* dout = doutput + plane * g.P * g.Q;
    T sum = T(0);
    for (int64_t p = 0; p < g.P; ++p) {
      const int64_t h_begin = g.h_begin[h_offset + p], h_end = g.h_end[h_offset + p];
      if (y < h_begin || y >= h_end) continue;
      for (int64_t q = 0; q < g.Q; ++q) {
        const int64_t w_begin = g.w_begin[w_offset + q], w_end = g.w_end[w_offset + q];
        if (x < w_begin || x >= w_end) continue;
        sum += dout[p * g.Q + q] / static_cast<T>((h_end - h_begin) * (w_end - w_begin));
      }
    }
    dinput[i] = sum;
  }
}

template <typename T>
__global__ void max_unpool2d_forward_kernel(T* output, const T* input, const int64_t* indices, int64_t planes,
                                            int64_t in_per_plane, int64_t out_per_plane) {
  const int64_t total = planes * in_per_plane;
  // A repeated index comes from overlapping windows that chose one input: every write is the same value.
  for (int64_t i = grid_index(); i < total; i += grid_step())
    output[(i / in_per_plane) * out_per_plane + indices[i]] = input[i];
}

template <typename T>
__global__ void max_unpool2d_backward_kernel(T* dinput, const T* doutput, const int64_t* indices, int64_t planes,
                                             int64_t in_per_plane, int64_t out_per_plane) {
  const int64_t total = planes * in_per_plane;
  for (int64_t i = grid_index(); i < total; i += grid_step())
    dinput[i] = doutput[(i / in_per_plane) * out_per_plane + indices[i]];
}

template <typename T>
void zero(T* data, int64_t n) {
  if (n == 0) return;
  zero_kernel<T><<<blocks_for(n), kThreads, 0, current_stream()>>>(data, n);
}

}  // namespace

template <typename T>
void max_pool2d_forward(T* output, int64_t* indices, const T* input, const Pool2dGeometry& g) {
  const int64_t total = g.planes * g.P * g.Q;
  if (total == 0) return;
  max_pool2d_forward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(output, indices, input, g);
  backend::cuda_check_launch("max_pool2d_forward");
}

template <typename T>
void max_pool2d_backward(T* dinput, const T* doutput, const int64_t* indices, const Pool2dGeometry& g) {
  zero(dinput, g.planes * g.H * g.W);
  const int64_t total = g.planes * g.P * g.Q;
  if (total > 0)
    max_pool_backward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(dinput, doutput, indices,
                                                                                      g.planes, g.H * g.W, g.P * g.Q);
  backend::cuda_check_launch("max_pool2d_backward");
}

template <typename T>
void avg_pool2d_forward(T* output, const T* input, const Pool2dGeometry& g) {
  const int64_t total = g.planes * g.P * g.Q;
  if (total == 0) return;
  avg_pool2d_forward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(output, input, g);
  backend::cuda_check_launch("avg_pool2d_forward");
}

template <typename T>
void avg_pool2d_backward(T* dinput, const T* doutput, const Pool2dGeometry& g) {
  const int64_t total = g.planes * g.H * g.W;
  if (total == 0) return;
  avg_pool2d_backward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(dinput, doutput, g);
  backend::cuda_check_launch("avg_pool2d_backward");
}

template <typename T>
void max_pool3d_forward(T* output, int64_t* indices, const T* input, const Pool3dGeometry& g) {
  const int64_t total = g.planes * g.OD * g.P * g.Q;
  if (total == 0) return;
  max_pool3d_forward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(output, indices, input, g);
  backend::cuda_check_launch("max_pool3d_forward");
}

template <typename T>
void avg_pool3d_forward(T* output, const T* input, const Pool3dGeometry& g) {
  const int64_t total = g.planes * g.OD * g.P * g.Q;
  if (total == 0) return;
  avg_pool3d_forward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(output, input, g);
  backend::cuda_check_launch("avg_pool3d_forward");
}

template <typename T>
void avg_pool3d_backward(T* dinput, const T* doutput, const Pool3dGeometry& g) {
  const int64_t total = g.planes * g.D * g.H * g.W;
  if (total == 0) return;
  avg_pool3d_backward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(dinput, doutput, g);
  backend::cuda_check_launch("avg_pool3d_backward");
}

template <typename T>
void window_max_pool2d_forward(T* output, int64_t* indices, const T* input, const WindowPool2dGeometry& g) {
  const int64_t total = g.planes * g.P * g.Q;
  if (total == 0) return;
  const WindowArrays windows(g);
  window_max_pool2d_forward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(
      output, indices, input, windows.geometry(g), windows.inline_windows());
  backend::cuda_check_launch("window_max_pool2d_forward");
}

template <typename T>
void window_avg_pool2d_forward(T* output, const T* input, const WindowPool2dGeometry& g) {
  const int64_t total = g.planes * g.P * g.Q;
  if (total == 0) return;
  const WindowArrays windows(g);
  window_avg_pool2d_forward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(
      output, input, windows.geometry(g), windows.inline_windows());
  backend::cuda_check_launch("window_avg_pool2d_forward");
}

template <typename T>
void window_avg_pool2d_backward(T* dinput, const T* doutput, const WindowPool2dGeometry& g) {
  const int64_t total = g.planes * g.H * g.W;
  if (total == 0) return;
  const WindowArrays windows(g);
  window_avg_pool2d_backward_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(
      dinput, doutput, windows.geometry(g), windows.inline_windows());
  backend::cuda_check_launch("window_avg_pool2d_backward");
}

template <typename T>
void max_unpool2d_forward(T* output, const T* input, const int64_t* indices, int64_t planes, int64_t H, int64_t W,
                          int64_t P, int64_t Q) {
  zero(output, planes * P * Q);
  const int64_t total = planes * H * W;
  if (total > 0)
    max_unpool2d_forward_kernel<T>
        <<<blocks_for(total), kThreads, 0, current_stream()>>>(output, input, indices, planes, H * W, P * Q);
  backend::cuda_check_launch("max_unpool2d_forward");
}

template <typename T>
void max_unpool2d_backward(T* dinput, const T* doutput, const int64_t* indices, int64_t planes, int64_t H, int64_t W,
                           int64_t P, int64_t Q) {
  const int64_t total = planes * H * W;
  if (total == 0) return;
  max_unpool2d_backward_kernel<T>
      <<<blocks_for(total), kThreads, 0, current_stream()>>>(dinput, doutput, indices, planes, H * W, P * Q);
  backend::cuda_check_launch("max_unpool2d_backward");
}

#define STRIATE_IMPLEMENT_POOL(T)                                            \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, max_pool2d_forward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, max_pool2d_backward<T>);        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, avg_pool2d_forward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, avg_pool2d_backward<T>);        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, max_pool3d_forward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, avg_pool3d_forward<T>);         \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, avg_pool3d_backward<T>);        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, window_max_pool2d_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, window_avg_pool2d_forward<T>);  \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, window_avg_pool2d_backward<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, max_unpool2d_forward<T>);       \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, max_unpool2d_backward<T>);
STRIATE_IMPLEMENT_POOL(float)
STRIATE_IMPLEMENT_POOL(double)
#undef STRIATE_IMPLEMENT_POOL

}  // namespace striate::kernels::cuda
