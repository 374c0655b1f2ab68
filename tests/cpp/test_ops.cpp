// C++ tests of the functional ops' numerics against hand-computed values and their errors.
#include <striate/striate.h>

#include "check.h"

using namespace striate;

int main() {
  // conv2d of a 3x3 ones image with a 2x2 ones kernel: every output is 4
  Tensor img = ones({1, 1, 3, 3});
  Tensor k = ones({1, 1, 2, 2});
  Tensor y = conv2d(img, k);
  CHECK(y.sizes() == Shape({1, 1, 2, 2}));
  CHECK_NEAR(y.sum().item<float>(), 16.0, 1e-5);
  Tensor same = conv2d(img, ones({1, 1, 3, 3}), std::nullopt, Conv2dOptions().padding(1));
  CHECK_NEAR(same.contiguous().data<float>()[4], 9.0, 1e-5);
  CHECK_THROWS(ValueError, conv2d(ones({1, 2, 3, 3}), k), "channels");

  Tensor p = max_pool2d(arange(0.0, 16.0, 1.0).reshape({1, 1, 4, 4}), Pool2dOptions(2));
  CHECK(p.sizes() == Shape({1, 1, 2, 2}));
  CHECK_NEAR(p.contiguous().data<float>()[3], 15.0, 1e-6);
  Tensor q = avg_pool2d(arange(0.0, 16.0, 1.0).reshape({1, 1, 4, 4}), Pool2dOptions(2));
  CHECK_NEAR(q.contiguous().data<float>()[0], (0 + 1 + 4 + 5) / 4.0, 1e-6);

  // cross_entropy of uniform logits over C classes is log(C)
  Tensor logits = zeros({4, 10}).requires_grad_();
  Tensor labels = tensor<int64_t>({1, 2, 3, 4});
  Tensor loss = cross_entropy(logits, labels);
  CHECK_NEAR(loss.item<float>(), std::log(10.0), 1e-5);
  loss.backward();
  CHECK_NEAR(logits.grad().sum().item<float>(), 0.0, 1e-6);
  CHECK_THROWS(IndexError, cross_entropy(zeros({2, 3}), tensor<int64_t>({0, 3})), "3");
  CHECK_THROWS(TypeError, cross_entropy(zeros({2, 3}), zeros({2})), "target");

  Tensor sm = softmax(tensor<float>({1e4f, 0.0f, -1e4f}), 0);
  CHECK_NEAR(sm.contiguous().data<float>()[0], 1.0, 1e-6);
  Tensor mm = matmul(ones({2, 3}), ones({3, 4}));
  CHECK_NEAR(mm.sum().item<float>(), 24.0, 1e-5);
  CHECK_THROWS(ValueError, matmul(ones({2, 3}), ones({2, 3})), "matmul");
  Tensor lin = linear(ones({5, 3}), ones({2, 3}), zeros({2}));
  CHECK(lin.sizes() == Shape({5, 2}));
  CHECK_NEAR(mse_loss(ones({3}), zeros({3})).item<float>(), 1.0, 1e-6);
  // hardswish(x) = x * relu6(x + 3) / 6, reachable under nn::functional as every op
  CHECK_NEAR(nn::functional::hardswish(full({1}, 1.0)).item<float>(), 1.0 * 4.0 / 6.0, 1e-6);
  CHECK_NEAR(nn::functional::hardswish(full({1}, -4.0)).item<float>(), 0.0, 1e-6);

  // The op registry: the CPU runs every registered op; CUDA runs a subset, never an unknown op.
  const auto ops = backends::registered_ops();
  CHECK(ops.size() > 90);
  CHECK(backends::supported_ops(DeviceType::CPU) == ops);
  CHECK(backends::has_kernel("conv2d", DeviceType::CPU));
  CHECK(backends::has_kernel("conv2d", DeviceType::CUDA) == cuda_built());  // kernels/cuda/conv.cu
  CHECK(!backends::has_kernel("no_such_op", DeviceType::CPU));
  CHECK(backends::supported_ops(DeviceType::CUDA).size() + backends::unsupported_ops(DeviceType::CUDA).size() ==
        ops.size());
  CHECK(backends::op_kernels("conv2d").size() == 3);
  CHECK_THROWS(ValueError, backends::op_kernels("no_such_op"), "unknown op");
  return report("test_ops");
}
