// Matrix products: matmul with NumPy semantics (1-D promotion, broadcast batch dims) and linear.
//   auto y = striate::matmul(a, b);   auto z = striate::linear(x, weight, bias);
#pragma once
#include <optional>

#include "striate/core/tensor.h"

namespace striate {

Tensor matmul(const Tensor& a, const Tensor& b);
// y = x W^T + b; x (*, in), weight (out, in), bias (out).
Tensor linear(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt);

}  // namespace striate
