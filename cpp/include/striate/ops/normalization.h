// Normalization layers' functional ops, with PyTorch's semantics and fused backward:
// batch_norm, layer_norm, group_norm, instance_norm and local_response_norm. An undefined Tensor
// stands for an absent optional argument (None in Python).
//   Tensor y = striate::batch_norm(x, running_mean, running_var, gamma, beta, /*training=*/true);
//   Tensor z = striate::layer_norm(x, {x.size(-1)});
#pragma once
#include <vector>

#include "striate/core/tensor.h"

namespace striate {

// input (N, C, *) or (N, C). Training uses the batch's statistics (biased variance to normalize)
// and, when running_mean / running_var are given, updates them in place:
// running = (1 - momentum) * running + momentum * batch (unbiased variance). Otherwise the running
// statistics normalize. weight / bias (C) are optional.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

// relu(batch_norm(...)) in one pass over memory forward and one backward (ReLU's mask applied as
// the normalization's gradient reads it); equal to the two ops in sequence. BatchNorm modules
// followed by a plain ReLU (Sequential, the blocks) run it. On devices without the fused kernels
// it runs the two ops.
Tensor batch_norm_relu(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                       const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                       double momentum = 0.1, double eps = 1e-5);

// relu(batch_norm(input, ...) + residual), the tail of a residual block, in one pass over memory
// forward and one backward (one node, BatchNormAddReluBackward; torch shows ReluBackward0 ->
// AddBackward0 -> NativeBatchNormBackward0); equal to the three ops in sequence. residual has the
// input's shape. ResNet's BasicBlock / Bottleneck and Residual with a ReLU after the sum run it.
// A 16-bit input, a residual of another shape, or a device without the fused kernels runs the
// three ops.
Tensor batch_norm_add_relu(const Tensor& input, const Tensor& residual, const Tensor& running_mean,
                           const Tensor& running_var, const Tensor& weight = Tensor(), const Tensor& bias = Tensor(),
                           bool training = false, double momentum = 0.1, double eps = 1e-5);

// Statistics over the trailing dims given by normalized_shape; weight / bias of that shape.
Tensor layer_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

// input (N, C, *); statistics per sample over each of num_groups groups of C / num_groups
// channels; weight / bias (C).
Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

// input (N, C, *); statistics per sample and channel. Given running_mean / running_var, they are
// updated in place with the instance statistics averaged over N (use_input_stats) or used to
// normalize (use_input_stats=false), as PyTorch does.
Tensor instance_norm(const Tensor& input, const Tensor& running_mean = Tensor(), const Tensor& running_var = Tensor(),
                     const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool use_input_stats = true,
                     double momentum = 0.1, double eps = 1e-5);

// input (N, C, *): x / (k + alpha / size * sum of x^2 over `size` neighbouring channels)^beta.
Tensor local_response_norm(const Tensor& input, int64_t size, double alpha = 1e-4, double beta = 0.75, double k = 1.0);

}  // namespace striate
