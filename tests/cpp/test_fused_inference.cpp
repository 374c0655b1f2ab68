// C++ tests of batch_norm_relu_conv_chain (ops/fused_inference.h), which only C++ reaches (the
// DenseNet modules call it under inference_mode): its values against the separate ops, writing
// into a channel slice, and every argument check.
#include <striate/striate.h>

#include <algorithm>
#include <cmath>

#include "check.h"

using namespace striate;

namespace {

// The largest |a - b| relative to the largest |b|.
double relative_error(const Tensor& a, const Tensor& b) {
  const Tensor x = a.contiguous().to(DType::Float64), y = b.contiguous().to(DType::Float64);
  double diff = 0.0, scale = 0.0;
  for (int64_t i = 0; i < y.numel(); ++i) {
    diff = std::max(diff, std::fabs(x.data<double>()[i] - y.data<double>()[i]));
    scale = std::max(scale, std::fabs(y.data<double>()[i]));
  }
  return diff / std::max(scale, 1e-30);
}

ChainBatchNorm random_norm(int64_t C, DType dtype) {
  ChainBatchNorm norm;
  norm.running_mean = randn({C}, TensorOptions(dtype));
  norm.running_var = rand({C}, TensorOptions(dtype)) + 0.5;
  norm.weight = randn({C}, TensorOptions(dtype));
  norm.bias = randn({C}, TensorOptions(dtype));
  norm.eps = 1e-3;
  return norm;
}

// The same computation with the separate ops.
Tensor reference(const Tensor& input, const ChainBatchNorm& norm, bool avg_pool2, const std::vector<ChainConv>& convs) {
  Tensor x = relu(batch_norm(input, norm.running_mean, norm.running_var, norm.weight, norm.bias, false, 0.1, norm.eps));
  if (avg_pool2) x = avg_pool2d(x, Pool2dOptions(2));
  for (const ChainConv& conv : convs) {
    const std::optional<Tensor> bias = conv.bias.defined() ? std::optional<Tensor>(conv.bias) : std::nullopt;
    x = conv2d(x, conv.weight, bias, conv.options);
    if (conv.relu) x = relu(x);
  }
  return x;
}

void check_values(DType dtype, double tolerance) {
  NoGradGuard no_grad;
  // A DenseNet-BC layer: 1x1 (with ReLU after it) then 3x3 with padding 1, odd sizes, a batch
  // that does not divide into the chunks evenly.
  for (int64_t N : {1, 3}) {
    const int64_t C = 7, H = 9, W = 11;
    const Tensor input = randn({N, C, H, W}, TensorOptions(dtype));
    const ChainBatchNorm norm = random_norm(C, dtype);
    std::vector<ChainConv> convs = {
        {randn({12, C, 1, 1}, TensorOptions(dtype)), randn({12}, TensorOptions(dtype)), Conv2dOptions(), true},
        {randn({5, 12, 3, 3}, TensorOptions(dtype)), Tensor(), Conv2dOptions().padding(1), false}};
    CHECK(relative_error(batch_norm_relu_conv_chain(input, norm, false, convs), reference(input, norm, false, convs)) <
          tolerance);

    // A transition: the pool moved before a 1x1 convolution, into a channel slice of a wider
    // tensor whose other channels stay as they were.
    std::vector<ChainConv> transition = {{randn({4, C, 1, 1}, TensorOptions(dtype)), Tensor(), Conv2dOptions(), false}};
    Tensor buffer = full({N, 10, H / 2, W / 2}, 7.0, TensorOptions(dtype));
    batch_norm_relu_conv_chain_out(input, norm, true, transition, buffer.narrow(1, 3, 4));
    CHECK(relative_error(buffer.narrow(1, 3, 4), reference(input, norm, true, transition)) < tolerance);
    CHECK(relative_error(buffer.narrow(1, 0, 3), full({N, 3, H / 2, W / 2}, 7.0, TensorOptions(dtype))) == 0.0);
    CHECK(relative_error(buffer.narrow(1, 7, 3), full({N, 3, H / 2, W / 2}, 7.0, TensorOptions(dtype))) == 0.0);

    // The input may be a channel slice too (a dense layer reads the block's first channels).
    Tensor wide = randn({N, C + 2, H, W}, TensorOptions(dtype));
    CHECK(relative_error(batch_norm_relu_conv_chain(wide.narrow(1, 0, C), norm, false, convs),
                         reference(wide.narrow(1, 0, C).contiguous(), norm, false, convs)) < tolerance);
  }
}

void check_errors() {
  NoGradGuard no_grad;
  const Tensor input = randn({2, 4, 6, 6});
  const ChainBatchNorm norm = random_norm(4, DType::Float32);
  const std::vector<ChainConv> convs = {{randn({3, 4, 1, 1}), Tensor(), Conv2dOptions(), false}};
  const char* op = "batch_norm_relu_conv_chain";

  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(Tensor(), norm, false, convs), "input to be a tensor");
  CHECK_THROWS(ShapeError, batch_norm_relu_conv_chain(randn({4, 6, 6}), norm, false, convs), "(N, C, H, W)");
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input.to(DType::Int64), norm, false, convs),
               "float32 or float64");
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input, norm, false, {}), "at least one convolution");

  ChainBatchNorm short_mean = norm;
  short_mean.running_mean = randn({3});
  CHECK_THROWS(ShapeError, batch_norm_relu_conv_chain(input, short_mean, false, convs), "running_mean of shape (4)");
  ChainBatchNorm no_var = norm;
  no_var.running_var = Tensor();
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input, no_var, false, convs), "running_var to be a tensor");
  ChainBatchNorm double_weight = norm;
  double_weight.weight = randn({4}, TensorOptions(DType::Float64));
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input, double_weight, false, convs), "weight of dtype");
  ChainBatchNorm negative_eps = norm;
  negative_eps.eps = -1.0;
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input, negative_eps, false, convs), "eps >= 0");

  const std::vector<ChainConv> wrong_channels = {{randn({3, 5, 1, 1}), Tensor(), Conv2dOptions(), false}};
  CHECK_THROWS(ShapeError, batch_norm_relu_conv_chain(input, norm, false, wrong_channels), op);
  const std::vector<ChainConv> missing_weight = {{Tensor(), Tensor(), Conv2dOptions(), false}};
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input, norm, false, missing_weight), "convs[0].weight");
  const std::vector<ChainConv> wrong_bias = {{randn({3, 4, 1, 1}), randn({2}), Conv2dOptions(), false}};
  CHECK_THROWS(ShapeError, batch_norm_relu_conv_chain(input, norm, false, wrong_bias), "convs[0].bias of shape (3)");
  const std::vector<ChainConv> padded_first = {{randn({3, 4, 3, 3}), Tensor(), Conv2dOptions().padding(1), false}};
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input, norm, true, padded_first), "avg_pool2 needs");
  const std::vector<ChainConv> too_large = {{randn({3, 4, 7, 7}), Tensor(), Conv2dOptions(), false}};
  CHECK_THROWS(ShapeError, batch_norm_relu_conv_chain(input, norm, false, too_large), "larger than the padded input");

  CHECK_THROWS(ShapeError, batch_norm_relu_conv_chain_out(input, norm, false, convs, empty({2, 3, 5, 6})), op);
  CHECK_THROWS(ValueError,
               batch_norm_relu_conv_chain_out(input, norm, false, convs, empty({2, 6, 6, 3}).permute({0, 3, 1, 2})),
               op);

  // Anything that requires grad while grad mode is on: this op records no graph.
  EnableGradGuard grad_on;
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input.clone().requires_grad_(), norm, false, convs),
               "input requires grad");
  const std::vector<ChainConv> trainable = {{randn({3, 4, 1, 1}).requires_grad_(), Tensor(), Conv2dOptions(), false}};
  CHECK_THROWS(ValueError, batch_norm_relu_conv_chain(input, norm, false, trainable), "weight requires grad");
}

}  // namespace

int main() {
  manual_seed(3);
  check_values(DType::Float32, 1e-5);
  check_values(DType::Float64, 1e-12);
  check_errors();
  return report("test_fused_inference");
}
