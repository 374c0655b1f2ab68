// 2-D max and average pooling over (N, C, H, W) or (C, H, W) input. Max-pool backward routes the
// gradient to the arg-max; ties resolve to the first index in the window.
//   auto y = striate::max_pool2d(x, striate::Pool2dOptions({2, 2}));
#pragma once
#include <array>
#include <optional>
#include <tuple>

#include "striate/core/tensor.h"
#include "striate/ops/options.h"

namespace striate {

// Names for the option types (STRIATE_ARG cannot take a type with a comma in it).
using IntPair = std::array<int64_t, 2>;

struct Pool2dOptions {
  Pool2dOptions(std::array<int64_t, 2> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}
  Pool2dOptions(int64_t k) : Pool2dOptions(std::array<int64_t, 2>{k, k}) {}
  STRIATE_ARG(IntPair, kernel_size);
  STRIATE_ARG(IntPair, stride);  // defaults to kernel_size
  STRIATE_ARG(IntPair, padding) = {0, 0};
  STRIATE_ARG(IntPair, dilation) = {1, 1};  // max pooling only
  STRIATE_ARG(bool, ceil_mode) = false;
  STRIATE_ARG(bool, count_include_pad) = true;  // avg pooling only
  STRIATE_ARG(std::optional<int64_t>, divisor_override);  // avg pooling only
};

Shape pool2d_output_shape(const Shape& input, const Pool2dOptions& options, const char* op);

Tensor max_pool2d(const Tensor& input, const Pool2dOptions& options);
// Also returns the flat (h * W + w) arg-max index per output, as PyTorch's return_indices.
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Pool2dOptions& options);
Tensor avg_pool2d(const Tensor& input, const Pool2dOptions& options);

}  // namespace striate
