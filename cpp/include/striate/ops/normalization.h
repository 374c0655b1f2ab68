// Normalization layers' functional ops, with PyTorch's semantics and fused backward:
// batch_norm, layer_norm, group_norm, instance_norm and local_response_norm. An undefined Tensor
// stands for an absent optional argument (None in Python).
//   Tensor y = striate::batch_norm(x, running_mean, running_var, gamma, beta, /*training=*/true);
//   Tensor z = striate::layer_norm(x, {x.size(-1)});
#pragma once
#include <vector>

#include "striate/core/tensor.h"

namespace striate {

/// input (N, C, *) or (N, C). Training uses the batch's statistics (biased variance to normalize)
/// and, when running_mean / running_var are given, updates them in place:
/// running = (1 - momentum) * running + momentum * batch (unbiased variance). Otherwise the running
/// statistics normalize. weight / bias (C) are optional.
/// @param input (N, C, *) or (N, C).
/// @param running_mean (C), or undefined.
/// @param running_var (C), or undefined.
/// @param weight (C), or undefined (default).
/// @param bias (C), or undefined (default).
/// @param training use the batch's statistics (default false).
/// @param momentum the running statistics' momentum (default 0.1).
/// @param eps added to the variance (default 1e-5).
/// @return the normalized tensor, input's shape.
/// @throws ShapeError when a parameter's size is not C.
/// @throws ValueError in training when a channel has one value.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

/// relu(batch_norm(...)) in one pass over memory forward and one backward (ReLU's mask applied as
/// the normalization's gradient reads it); equal to the two ops in sequence. BatchNorm modules
/// followed by a plain ReLU (Sequential, the blocks) run it. On devices without the fused kernels
/// it runs the two ops.
/// @param input (N, C, *) or (N, C).
/// @param running_mean (C), or undefined.
/// @param running_var (C), or undefined.
/// @param weight (C), or undefined (default).
/// @param bias (C), or undefined (default).
/// @param training use the batch's statistics (default false).
/// @param momentum the running statistics' momentum (default 0.1).
/// @param eps added to the variance (default 1e-5).
/// @return relu of the normalized tensor.
/// @throws ShapeError when a parameter's size is not C.
Tensor batch_norm_relu(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                       const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                       double momentum = 0.1, double eps = 1e-5);

/// relu(batch_norm(input, ...) + residual), the tail of a residual block, in one pass over memory
/// forward and one backward (one node, BatchNormAddReluBackward; torch shows ReluBackward0 ->
/// AddBackward0 -> NativeBatchNormBackward0); equal to the three ops in sequence. ResNet's
/// BasicBlock / Bottleneck and Residual with a ReLU after the sum run it. A 16-bit input, a
/// residual of another shape, or a device without the fused kernels runs the three ops.
/// @param input (N, C, *).
/// @param residual input's shape.
/// @param running_mean (C), or undefined.
/// @param running_var (C), or undefined.
/// @param weight (C), or undefined (default).
/// @param bias (C), or undefined (default).
/// @param training batch statistics (and running-average updates) when true (default false).
/// @param momentum weight of the batch in the running averages (default 0.1).
/// @param eps added to the variance (default 1e-5).
/// @return relu(bn(input) + residual), input's shape.
/// @throws ShapeError when the shapes do not match the channels.
Tensor batch_norm_add_relu(const Tensor& input, const Tensor& residual, const Tensor& running_mean,
                           const Tensor& running_var, const Tensor& weight = Tensor(), const Tensor& bias = Tensor(),
                           bool training = false, double momentum = 0.1, double eps = 1e-5);

/// Statistics over the trailing dims given by normalized_shape; weight / bias of that shape.
/// @param input (*, normalized_shape).
/// @param normalized_shape the trailing shape.
/// @param weight normalized_shape, or undefined (default).
/// @param bias normalized_shape, or undefined (default).
/// @param eps added to the variance (default 1e-5).
/// @return the normalized tensor, input's shape.
/// @throws ShapeError when the trailing dims differ.
Tensor layer_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

/// input (N, C, *); statistics per sample over each of num_groups groups of C / num_groups
/// channels; weight / bias (C).
/// @param input (N, C, *).
/// @param num_groups the number of groups (divides C).
/// @param weight (C), or undefined (default).
/// @param bias (C), or undefined (default).
/// @param eps added to the variance (default 1e-5).
/// @return the normalized tensor, input's shape.
/// @throws ValueError when num_groups does not divide C.
Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

/// input (N, C, *); statistics per sample and channel. Given running_mean / running_var, they are
/// updated in place with the instance statistics averaged over N (use_input_stats) or used to
/// normalize (use_input_stats=false), as PyTorch does.
/// @param input (N, C, *).
/// @param running_mean (C), or undefined (default).
/// @param running_var (C), or undefined (default).
/// @param weight (C), or undefined (default).
/// @param bias (C), or undefined (default).
/// @param use_input_stats normalize with the instance statistics (default true).
/// @param momentum the running statistics' momentum (default 0.1).
/// @param eps added to the variance (default 1e-5).
/// @return the normalized tensor, input's shape.
/// @throws ShapeError when a parameter's size is not C.
Tensor instance_norm(const Tensor& input, const Tensor& running_mean = Tensor(), const Tensor& running_var = Tensor(),
                     const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool use_input_stats = true,
                     double momentum = 0.1, double eps = 1e-5);

/// input (N, C, *): x / (k + alpha / size * sum of x^2 over `size` neighbouring channels)^beta.
/// @param input (N, C, *).
/// @param size the neighbouring channels summed (> 0).
/// @param alpha the multiplicative factor (default 1e-4).
/// @param beta the exponent (default 0.75).
/// @param k the additive constant (default 1).
/// @return the normalized tensor, input's shape.
/// @throws ValueError when size <= 0.
Tensor local_response_norm(const Tensor& input, int64_t size, double alpha = 1e-4, double beta = 0.75, double k = 1.0);

}  // namespace striate
