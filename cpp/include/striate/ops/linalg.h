// Matrix products: matmul with NumPy semantics (1-D promotion, broadcast batch dims) and linear.
//   auto y = striate::matmul(a, b);   auto z = striate::linear(x, weight, bias);
#pragma once
#include <optional>

#include "striate/core/tensor.h"

namespace striate {

/// The matrix product with NumPy semantics.
/// @param a the left operand (>= 1 dim).
/// @param b the right operand (>= 1 dim).
/// @return the product.
/// @throws ShapeError when the inner sizes differ or the batch dims do not broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);
/// y = x W^T + b; x (*, in), weight (out, in), bias (out).
/// @param x (*, in).
/// @param weight (out, in).
/// @param bias (out), or std::nullopt (default).
/// @return (*, out).
/// @throws ShapeError when the shapes do not match.
Tensor linear(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt);

}  // namespace striate
