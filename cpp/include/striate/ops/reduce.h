// Reductions over all elements or over `dims` (negative dims count from the end), keepdim as
// PyTorch. var/std use `correction` (1 = unbiased, PyTorch's default).
//   auto m = striate::mean(x, {0, 2, 3}, /*keepdim=*/true);
//   auto [values, indices] = striate::max(x, 1);
#pragma once
#include <tuple>
#include <vector>

#include "striate/core/tensor.h"

namespace striate {

Tensor sum(const Tensor& x, std::optional<DType> dtype = std::nullopt);
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor var(const Tensor& x, const std::vector<int64_t>& dims = {}, int64_t correction = 1, bool keepdim = false);
Tensor std(const Tensor& x, const std::vector<int64_t>& dims = {}, int64_t correction = 1, bool keepdim = false);
// Over all elements (gradient goes to every position holding the extreme value, split evenly,
// as PyTorch).
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
// Along one dim: (values, int64 indices); ties resolve to the first index.
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmax(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);

}  // namespace striate
