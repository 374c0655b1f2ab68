// The elementwise kernels on CUDA that exist so far: fill, and binary add of float32 tensors that
// are contiguous and of one shape. Every other case raises NotImplementedError naming what it got.
#include "kernels/cuda/launch.cuh"
#include "kernels/elementwise.h"

namespace striate::kernels::cuda {
namespace {

__global__ void add_f32_kernel(float* dst, const float* a, const float* b, float alpha, int64_t n) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) dst[i] = a[i] + alpha * b[i];
}

template <typename T>
__global__ void fill_kernel(T* dst, T value, int64_t n) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) dst[i] = value;
}

void add(const Tensor& out, const Tensor& a, const Tensor& b, BinaryOp op, Scalar alpha) {
  if (op != BinaryOp::Add || out.dtype() != DType::Float32 || !a.is_contiguous() || !b.is_contiguous() ||
      !out.is_contiguous())
    STRIATE_NOT_IMPLEMENTED("add: the CUDA kernel covers contiguous float32 tensors of one shape so far, got ",
                            out.dtype(), a.is_contiguous() && b.is_contiguous() ? "" : " (strided or broadcast)");
  const int64_t n = out.numel();
  if (n == 0) return;
  add_f32_kernel<<<blocks_for(n), kThreads, 0, stream(out.device().index)>>>(
      out.data<float>(), a.data<float>(), b.data<float>(), static_cast<float>(alpha.to_double()), n);
  backend::cuda_check_launch("add");
}

void fill(const Tensor& dst, Scalar value) {
  STRIATE_CHECK(dst.is_contiguous(), "fill_: the CUDA kernel needs a contiguous tensor so far");
  const int64_t n = dst.numel();
  if (n == 0) return;
  STRIATE_DISPATCH_ALL(dst.dtype(), "fill_", [&] {
    fill_kernel<scalar_t>
        <<<blocks_for(n), kThreads, 0, stream(dst.device().index)>>>(dst.data<scalar_t>(), value.to<scalar_t>(), n);
  });
  backend::cuda_check_launch("fill_");
}

}  // namespace

[[maybe_unused]] static const bool add_implemented = (binary_add.implement(DeviceType::CUDA, &add), true);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, fill);

}  // namespace striate::kernels::cuda
