// The public C++ CUDA API (striate/core/cuda.h, striate/nn/device.h) as an embedding program sees
// it: without a GPU every query answers and every device call refuses clearly, leaving tensors and
// modules where they were; with one, tensors and module trees make the round trip.
#include <striate/striate.h>

#include "check.h"

namespace nn = striate::nn;
using striate::Device;
using striate::DeviceType;
using striate::Tensor;

namespace {

void test_without_a_device() {
  CHECK(!striate::cuda::is_available());
  CHECK(striate::cuda::device_count() == 0);
  CHECK(!striate::cuda::unavailable_reason().empty());
  CHECK(striate::cuda::memory_allocated() == 0);
  CHECK(striate::cuda::max_memory_allocated() == 0);
  CHECK(striate::cuda::memory_reserved() == 0);
  striate::cuda::empty_cache();
  striate::cuda::reset_peak_memory_stats();
  CHECK_THROWS(striate::RuntimeError, striate::cuda::synchronize(), "CUDA is not available");
  CHECK_THROWS(striate::RuntimeError, striate::cuda::current_device(), "CUDA is not available");
  Tensor x = striate::ones({2, 3});
  CHECK_THROWS(striate::Error, striate::to_device(x, Device(DeviceType::CUDA, 0)), "CUDA");
  nn::Sequential model{nn::Linear(3, 2), nn::BatchNorm1d(nn::BatchNormOptions(2))};
  CHECK_THROWS(striate::Error, nn::to(*model, Device("cuda")), "CUDA");
  for (const auto& p : model->parameters()) CHECK(p.device().is_cpu());
  for (const auto& b : model->buffers()) CHECK(b.device().is_cpu());
}

void test_same_device_is_a_no_op() {
  Tensor x = striate::ones({4});
  Tensor y = striate::to_device(x, striate::kCPU, /*non_blocking=*/true);
  CHECK(y.impl() == x.impl());
  nn::Sequential model{nn::Linear(3, 2)};
  Tensor weight = model->parameters()[0];
  const void* before = weight.data_ptr();
  nn::to(*model, striate::kCPU);
  CHECK(model->parameters()[0].data_ptr() == before);
}

void test_round_trip_on_a_gpu() {
  Device gpu("cuda:0");
  Tensor x = striate::arange(0, 12, 1, striate::DType::Float32).reshape({3, 4});
  Tensor on_gpu = striate::to_device(x, gpu);
  CHECK(on_gpu.device() == gpu);
  CHECK(striate::cuda::memory_allocated() >= 48);
  Tensor back = on_gpu.to(striate::kCPU);
  for (int64_t i = 0; i < 12; ++i) CHECK(back.data<float>()[i] == static_cast<float>(i));
  nn::Sequential model{nn::Linear(4, 2), nn::BatchNorm1d(nn::BatchNormOptions(2))};
  Tensor weight = model->parameters()[0];
  nn::to(*model, gpu);
  CHECK(weight.device() == gpu);  // the same tensor, its memory moved
  for (const auto& b : model->buffers()) CHECK(b.device() == gpu);
  nn::to(*model, striate::kCPU);
  CHECK(weight.device().is_cpu());
  striate::cuda::synchronize();
}

}  // namespace

int main() {
  test_same_device_is_a_no_op();
  if (striate::cuda::is_available())
    test_round_trip_on_a_gpu();
  else
    test_without_a_device();
  return report("test_cuda_api");
}
