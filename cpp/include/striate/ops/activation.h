// Activations and output normalizations: relu, sigmoid, tanh, softmax and log_softmax
// (numerically stable, max-subtracted), each with its backward.
#pragma once
#include <optional>

#include "striate/core/tensor.h"

namespace striate {

Tensor relu(const Tensor& x);
Tensor& relu_(Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);

}  // namespace striate
