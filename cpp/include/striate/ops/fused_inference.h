// Inference-only fused chains: BatchNorm (running statistics) -> ReLU (-> 2x2 average pool) ->
// one or more convolutions, computed a few samples at a time so that the normalized map and the
// intermediate feature maps stay in cache and never go out to memory. DenseNet's layers and
// transitions run through it under inference_mode (nn/blocks_classic.cpp); the output may be a
// channel slice of a wider tensor, so a dense layer writes its new features straight into the
// block's buffer.
//   batch_norm_relu_conv_chain_out(buffer.narrow(1, 0, c), bn, 0, {{w1, b1, {}, true}, {w2, {}, o2}},
//                                  buffer.narrow(1, c, k));
#pragma once
#include <vector>

#include "striate/core/tensor.h"
#include "striate/ops/conv.h"

namespace striate {

/// A BatchNorm at inference: y = (x - running_mean) / sqrt(running_var + eps) * weight + bias.
struct ChainBatchNorm {
  /// (C) running mean.
  Tensor running_mean;
  /// (C) running variance.
  Tensor running_var;
  /// (C) scale, or undefined for 1.
  Tensor weight;
  /// (C) shift, or undefined for 0.
  Tensor bias;
  /// Added to the variance.
  double eps = 1e-5;
};

/// One convolution of a chain.
struct ChainConv {
  /// (K, C / groups, R, S).
  Tensor weight;
  /// (K), or undefined for none.
  Tensor bias;
  /// Stride, padding, dilation, groups.
  Conv2dOptions options;
  /// max(0, .) applied to its output.
  bool relu = false;
};

/// output = convs[last](... convs[0](pool(relu(batch_norm(input))))), where pool is a 2x2
/// stride-2 average pool (floor mode) when avg_pool2 is set, else nothing. No autograd: for
/// inference. Equal to the ops in sequence up to rounding (the pool and the first convolution
/// commute when that convolution is 1x1 with stride 1 and no padding, which the transition layers
/// of DenseNet use to pool first and convolve a quarter of the pixels; any other first
/// convolution with avg_pool2 is rejected).
/// @param input (N, C, H, W), CPU, float32 or float64; each sample's (C, H, W) block contiguous
///   (a channel slice narrow(1, 0, c) of a contiguous tensor qualifies; anything else is copied).
/// @param norm the batch norm's running statistics and affine parameters, (C) each, input's dtype.
/// @param avg_pool2 pool 2x2 with stride 2 after the ReLU.
/// @param convs the convolutions, at least one, applied in order.
/// @param output (N, K, P, Q) of the last convolution's output shape and the input's dtype, each
///   sample's (K, P, Q) block contiguous (a channel slice of a wider tensor qualifies); overwritten.
/// @throws ValueError for no convolution, a non-CPU or non-floating tensor, an argument that
///   requires grad while grad mode is on, or an output whose sample blocks are not contiguous.
/// @throws ShapeError for mismatched shapes along the chain, or an output of the wrong shape.
void batch_norm_relu_conv_chain_out(const Tensor& input, const ChainBatchNorm& norm, bool avg_pool2,
                                    const std::vector<ChainConv>& convs, const Tensor& output);

/// As batch_norm_relu_conv_chain_out, into a new contiguous tensor.
/// @param input (N, C, H, W).
/// @param norm the batch norm.
/// @param avg_pool2 pool 2x2 with stride 2 after the ReLU.
/// @param convs the convolutions, at least one.
/// @return (N, K, P, Q).
/// @throws ValueError, ShapeError as batch_norm_relu_conv_chain_out.
Tensor batch_norm_relu_conv_chain(const Tensor& input, const ChainBatchNorm& norm, bool avg_pool2,
                                  const std::vector<ChainConv>& convs);

}  // namespace striate
