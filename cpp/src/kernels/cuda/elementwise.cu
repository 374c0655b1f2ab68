// The elementwise kernels on CUDA that exist so far: fill, and binary add of float32 tensors that
// are contiguous and of one shape. Every other case raises NotImplementedError naming what it got.
#include <cuda_runtime.h>

#include "core/cuda_runtime.h"
#include "kernels/elementwise.h"

namespace striate::kernels::cuda {
namespace {

constexpr int kThreads = 256;

int blocks_for(size_t n) {
  size_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<int>(blocks > 65535 ? 65535 : blocks);
}

__global__ void add_f32_kernel(float* dst, const float* a, const float* b, float alpha, size_t n) {
  size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  const size_t step = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (; i < n; i += step) dst[i] = a[i] + alpha * b[i];
}

template <typename T>
__global__ void fill_kernel(T* dst, T value, size_t n) {
  size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  const size_t step = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (; i < n; i += step) dst[i] = value;
}

void add(const Tensor& out, const Tensor& a, const Tensor& b, BinaryOp op, Scalar alpha) {
  if (op != BinaryOp::Add || out.dtype() != DType::Float32 || !a.is_contiguous() || !b.is_contiguous() ||
      !out.is_contiguous())
    STRIATE_NOT_IMPLEMENTED("add: the CUDA kernel covers contiguous float32 tensors of one shape so far, got ",
                            out.dtype(), a.is_contiguous() && b.is_contiguous() ? "" : " (strided or broadcast)");
  const size_t n = static_cast<size_t>(out.numel());
  if (n == 0) return;
  add_f32_kernel<<<blocks_for(n), kThreads>>>(out.data<float>(), a.data<float>(), b.data<float>(),
                                              static_cast<float>(alpha.to_double()), n);
  backend::cuda_check_launch("add");
}

void fill(const Tensor& dst, Scalar value) {
  STRIATE_CHECK(dst.is_contiguous(), "fill_: the CUDA kernel needs a contiguous tensor so far");
  const size_t n = static_cast<size_t>(dst.numel());
  if (n == 0) return;
  STRIATE_DISPATCH_ALL(dst.dtype(), "fill_", [&] {
    fill_kernel<scalar_t><<<blocks_for(n), kThreads>>>(dst.data<scalar_t>(), value.to<scalar_t>(), n);
  });
  backend::cuda_check_launch("fill_");
}

}  // namespace

[[maybe_unused]] static const bool add_implemented = (binary_add.implement(DeviceType::CUDA, &add), true);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, fill);

}  // namespace striate::kernels::cuda
