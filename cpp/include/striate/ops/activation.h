// Activations and output normalizations: relu, sigmoid, tanh, the parameterized activations
// (relu6, leaky_relu, prelu, elu, selu, gelu, silu, softplus, hardtanh, abs_tanh), softmax,
// log_softmax and softmin (numerically stable, max-subtracted), each with its backward.
//   Tensor y = striate::gelu(x, "tanh");
//   striate::leaky_relu_(h, 0.1);   // in place; gradients still flow through h's history
#pragma once
#include <optional>
#include <string>

#include "striate/core/tensor.h"

namespace striate {

/// max(0, x), elementwise.
/// @param x the input, any shape.
/// @return the result, x's shape.
Tensor relu(const Tensor& x);
/// relu in place.
/// @param x the tensor overwritten.
/// @return x.
Tensor& relu_(Tensor& x);
/// 1 / (1 + e^-x), elementwise.
/// @param x the input, any shape.
/// @return the result, x's shape.
Tensor sigmoid(const Tensor& x);
/// tanh(x), elementwise.
/// @param x the input, any shape.
/// @return the result, x's shape.
Tensor tanh(const Tensor& x);
/// e^(x_i) / sum_j e^(x_j) along dim (max-subtracted).
/// @param x the input, any shape.
/// @param dim the dim normalized over (negative counts from the end).
/// @param dtype cast x to this dtype first (default: none).
/// @return the result, x's shape.
/// @throws IndexError when dim is out of range.
Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
/// x_i - log(sum_j e^(x_j)) along dim, computed stably.
/// @param x the input, any shape.
/// @param dim the dim normalized over (negative counts from the end).
/// @param dtype cast x to this dtype first (default: none).
/// @return the result, x's shape.
/// @throws IndexError when dim is out of range.
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
/// softmax(-x) along dim.
/// @param x the input, any shape.
/// @param dim the dim normalized over (negative counts from the end).
/// @param dtype cast x to this dtype first (default: none).
/// @return the result, x's shape.
/// @throws IndexError when dim is out of range.
Tensor softmin(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);

/// min(max(x, min_val), max_val); relu6 is hardtanh(x, 0, 6).
/// @param x the input, any shape.
/// @param min_val the lower bound (default -1).
/// @param max_val the upper bound (default 1).
/// @return the result, x's shape.
Tensor hardtanh(const Tensor& x, double min_val = -1.0, double max_val = 1.0);
/// hardtanh in place.
/// @param x the tensor overwritten.
/// @param min_val the lower bound (default -1).
/// @param max_val the upper bound (default 1).
/// @return x.
Tensor& hardtanh_(Tensor& x, double min_val = -1.0, double max_val = 1.0);
/// min(max(x, 0), 6).
/// @param x the input, any shape.
/// @return the result, x's shape.
Tensor relu6(const Tensor& x);
/// relu6 in place.
/// @param x the tensor overwritten.
/// @return x.
Tensor& relu6_(Tensor& x);
/// x where x > 0, else negative_slope * x.
/// @param x the input, any shape.
/// @param negative_slope the slope below 0 (default 0.01).
/// @return the result, x's shape.
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
/// leaky_relu in place.
/// @param x the tensor overwritten.
/// @param negative_slope the slope below 0 (default 0.01).
/// @return x.
Tensor& leaky_relu_(Tensor& x, double negative_slope = 0.01);
/// leaky_relu with a learnable slope: weight holds 1 slope or one per channel (dim 1 of x).
/// @param x the input, any shape. (dim 1 is the channels).
/// @param weight (1) or (C).
/// @return the result, x's shape.
/// @throws ShapeError when weight has neither 1 nor C elements.
Tensor prelu(const Tensor& x, const Tensor& weight);
/// x where x > 0, else alpha * (exp(x) - 1).
/// @param x the input, any shape.
/// @param alpha the saturation's magnitude (default 1).
/// @return the result, x's shape.
Tensor elu(const Tensor& x, double alpha = 1.0);
/// elu in place.
/// @param x the tensor overwritten.
/// @param alpha the saturation's magnitude (default 1).
/// @return x.
Tensor& elu_(Tensor& x, double alpha = 1.0);
/// scale * elu(x, alpha) with the self-normalizing constants of Klambauer et al.
/// @param x the input, any shape.
/// @return the result, x's shape.
Tensor selu(const Tensor& x);
/// selu in place.
/// @param x the tensor overwritten.
/// @return x.
Tensor& selu_(Tensor& x);
/// x * Phi(x); approximate is "none" (erf) or "tanh".
/// @param x the input, any shape.
/// @param approximate "none" (default) or "tanh".
/// @return the result, x's shape.
/// @throws ValueError for another approximate.
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
/// x * sigmoid(x).
/// @param x the input, any shape.
/// @return the result, x's shape.
Tensor silu(const Tensor& x);
/// x * relu6(x + 3) / 6 (MobileNetV3).
/// @param x the input, any shape.
/// @return the result, x's shape.
Tensor hardswish(const Tensor& x);
/// hardswish in place.
/// @param x the tensor overwritten.
/// @return x.
Tensor& hardswish_(Tensor& x);
/// silu in place.
/// @param x the tensor overwritten.
/// @return x.
Tensor& silu_(Tensor& x);
/// log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
/// @param x the input, any shape.
/// @param beta the sharpness (default 1).
/// @param threshold the linear threshold (default 20).
/// @return the result, x's shape.
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);
/// |tanh(x)|, the rectified tanh.
/// @param x the input, any shape.
/// @return the result, x's shape.
Tensor abs_tanh(const Tensor& x);

}  // namespace striate
