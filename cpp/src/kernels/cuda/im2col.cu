// im2col / col2im on CUDA, one thread per element written, grid-stride (kernels/cuda/im2col.cuh).
#include "kernels/cuda/im2col.cuh"
#include "kernels/cuda/launch.cuh"

namespace striate::kernels::cuda {
namespace {

template <typename T>
__global__ void im2col_kernel(T* col, const T* input, ColumnGeometry g, int64_t total) {
  for (int64_t i = grid_index(); i < total; i += grid_step()) col[i] = im2col_element(input, g, i);
}

template <typename T>
__global__ void col2im_kernel(T* dinput, const T* dcol, ColumnGeometry g, int64_t total) {
  for (int64_t i = grid_index(); i < total; i += grid_step()) dinput[i] = col2im_element(dcol, g, i);
}

}  // namespace

ColumnGeometry column_geometry(const Conv2dGeometry& g) {
  return {g.C,        1,          g.H, g.W,       1,          g.R, g.S,          1,           g.P, g.Q, 1,
          g.stride_h, g.stride_w, 0,   g.pad_top, g.pad_left, 1,   g.dilation_h, g.dilation_w};
}

ColumnGeometry column_geometry(const Conv3dGeometry& g) {
  return {g.C,       g.D,        g.H,          g.W,          g.U,         g.R,        g.S,
          g.O,       g.P,        g.Q,          g.stride_d,   g.stride_h,  g.stride_w, g.pad_front,
          g.pad_top, g.pad_left, g.dilation_d, g.dilation_h, g.dilation_w};
}

template <typename T>
void im2col(T* col, const T* input, const ColumnGeometry& g) {
  const int64_t total = g.C * g.U * g.R * g.S * g.O * g.P * g.Q;
  if (total == 0) return;
  int device = 0;
  cudaGetDevice(&device);
  im2col_kernel<T><<<blocks_for(total), kThreads, 0, stream(device)>>>(col, input, g, total);
  backend::cuda_check_launch("im2col");
}

template <typename T>
void col2im(T* dinput, const T* dcol, const ColumnGeometry& g) {
  const int64_t total = g.C * g.D * g.H * g.W;
  if (total == 0) return;
  int device = 0;
  cudaGetDevice(&device);
  col2im_kernel<T><<<blocks_for(total), kThreads, 0, stream(device)>>>(dinput, dcol, g, total);
  backend::cuda_check_launch("col2im");
}

template void im2col<float>(float*, const float*, const ColumnGeometry&);
template void im2col<double>(double*, const double*, const ColumnGeometry&);
template void col2im<float>(float*, const float*, const ColumnGeometry&);
template void col2im<double>(double*, const double*, const ColumnGeometry&);

}  // namespace striate::kernels::cuda
