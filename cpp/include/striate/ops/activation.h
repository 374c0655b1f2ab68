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

Tensor relu(const Tensor& x);
Tensor& relu_(Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
// softmax(-x) along dim.
Tensor softmin(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);

// min(max(x, min_val), max_val); relu6 is hardtanh(x, 0, 6).
Tensor hardtanh(const Tensor& x, double min_val = -1.0, double max_val = 1.0);
Tensor& hardtanh_(Tensor& x, double min_val = -1.0, double max_val = 1.0);
Tensor relu6(const Tensor& x);
Tensor& relu6_(Tensor& x);
// x where x > 0, else negative_slope * x.
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
Tensor& leaky_relu_(Tensor& x, double negative_slope = 0.01);
// leaky_relu with a learnable slope: weight holds 1 slope or one per channel (dim 1 of x).
Tensor prelu(const Tensor& x, const Tensor& weight);
// x where x > 0, else alpha * (exp(x) - 1).
Tensor elu(const Tensor& x, double alpha = 1.0);
Tensor& elu_(Tensor& x, double alpha = 1.0);
// scale * elu(x, alpha) with the self-normalizing constants of Klambauer et al.
Tensor selu(const Tensor& x);
Tensor& selu_(Tensor& x);
// x * Phi(x); approximate is "none" (erf) or "tanh".
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
// x * sigmoid(x).
Tensor silu(const Tensor& x);
// x * relu6(x + 3) / 6 (MobileNetV3).
Tensor hardswish(const Tensor& x);
Tensor& hardswish_(Tensor& x);
Tensor& silu_(Tensor& x);
// log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);
// |tanh(x)|, the rectified tanh.
Tensor abs_tanh(const Tensor& x);

}  // namespace striate
