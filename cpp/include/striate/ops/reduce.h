// Reductions over all elements or over `dims` (negative dims count from the end), keepdim as
// PyTorch. var/std use `correction` (1 = unbiased, PyTorch's default).
//   auto m = striate::mean(x, {0, 2, 3}, /*keepdim=*/true);
//   auto [values, indices] = striate::max(x, 1);
#pragma once
#include <tuple>
#include <vector>

#include "striate/core/tensor.h"

namespace striate {

/// The sum of all elements.
/// @param x the input.
/// @param dtype accumulate and return in this dtype (default: x's, int64 for integers and bool).
/// @return a scalar.
Tensor sum(const Tensor& x, std::optional<DType> dtype = std::nullopt);
/// The sum over dims.
/// @param x the input.
/// @param dims the dims to reduce.
/// @param keepdim keep them with size 1 (default false).
/// @return the reduced tensor.
/// @throws IndexError when a dim is out of range.
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
/// The mean of all elements.
/// @param x the input. (floating)
/// @return a scalar.
/// @throws TypeError for an integer tensor.
Tensor mean(const Tensor& x);
/// The mean over dims.
/// @param x the input. (floating)
/// @param dims the dims to reduce.
/// @param keepdim keep them with size 1 (default false).
/// @return the reduced tensor.
/// @throws IndexError when a dim is out of range.
/// @throws TypeError for an integer tensor.
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
/// The variance: sum (x - mean)^2 / (n - correction).
/// @param x the input. (floating)
/// @param dims the dims to reduce (default: all).
/// @param correction Bessel's correction (default 1).
/// @param keepdim keep the dims with size 1 (default false).
/// @return the reduced tensor.
/// @throws IndexError when a dim is out of range.
Tensor var(const Tensor& x, const std::vector<int64_t>& dims = {}, int64_t correction = 1, bool keepdim = false);
/// The standard deviation: sqrt(var).
/// @param x the input. (floating)
/// @param dims the dims to reduce (default: all).
/// @param correction Bessel's correction (default 1).
/// @param keepdim keep the dims with size 1 (default false).
/// @return the reduced tensor.
/// @throws IndexError when a dim is out of range.
Tensor std(const Tensor& x, const std::vector<int64_t>& dims = {}, int64_t correction = 1, bool keepdim = false);
/// Over all elements (gradient goes to every position holding the extreme value, split evenly,
/// as PyTorch).
/// The largest element.
/// @param x the input. (non-empty)
/// @return a scalar.
/// @throws ValueError for an empty tensor.
Tensor max(const Tensor& x);
/// The smallest element.
/// @param x the input. (non-empty)
/// @return a scalar.
/// @throws ValueError for an empty tensor.
Tensor min(const Tensor& x);
/// Along one dim: (values, int64 indices); ties resolve to the first index.
/// The largest values along dim and their positions.
/// @param x the input.
/// @param dim the dim.
/// @param keepdim keep it with size 1 (default false).
/// @return (values, int64 indices).
/// @throws IndexError when a dim is out of range.
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
/// The smallest values along dim and their positions.
/// @param x the input.
/// @param dim the dim.
/// @param keepdim keep it with size 1 (default false).
/// @return (values, int64 indices).
/// @throws IndexError when a dim is out of range.
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
/// The position of the largest value (first on ties).
/// @param x the input.
/// @param dim the dim, or std::nullopt (default) for the flattened tensor.
/// @param keepdim keep the dim with size 1 (default false).
/// @return int64 indices.
/// @throws IndexError when a dim is out of range.
Tensor argmax(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
/// The position of the smallest value (first on ties).
/// @param x the input.
/// @param dim the dim, or std::nullopt (default) for the flattened tensor.
/// @param keepdim keep the dim with size 1 (default false).
/// @return int64 indices.
/// @throws IndexError when a dim is out of range.
Tensor argmin(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);

}  // namespace striate
