// Pooling: 1-, 2- and 3-D max and average pooling, max_unpool2d, adaptive and fractional 2-D
// pooling and channel-wise max pooling (maxout). Every max-pool backward routes the gradient to
// the arg-max; ties resolve to the first index in the window.
//   auto y = striate::max_pool2d(x, striate::Pool2dOptions({2, 2}));
//   auto z = striate::adaptive_avg_pool2d(x, {1, 1});  // global average pooling
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
  STRIATE_ARG(IntPair, padding) = { 0, 0 };
  STRIATE_ARG(IntPair, dilation) = { 1, 1 };  // max pooling only
  STRIATE_ARG(bool, ceil_mode) = false;
  STRIATE_ARG(bool, count_include_pad) = true;            // avg pooling only
  STRIATE_ARG(std::optional<int64_t>, divisor_override);  // avg pooling only
};

Shape pool2d_output_shape(const Shape& input, const Pool2dOptions& options, const char* op);

Tensor max_pool2d(const Tensor& input, const Pool2dOptions& options);
// Also returns the flat (h * W + w) arg-max index per output, as PyTorch's return_indices.
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Pool2dOptions& options);
Tensor avg_pool2d(const Tensor& input, const Pool2dOptions& options);

// ---- 1-D pooling over (N, C, L) or (C, L): computed as 2-D pooling of a height-1 view ----

struct Pool1dOptions {
  Pool1dOptions(int64_t kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}
  STRIATE_ARG(int64_t, kernel_size);
  STRIATE_ARG(int64_t, stride);  // defaults to kernel_size
  STRIATE_ARG(int64_t, padding) = 0;
  STRIATE_ARG(int64_t, dilation) = 1;  // max pooling only
  STRIATE_ARG(bool, ceil_mode) = false;
  STRIATE_ARG(bool, count_include_pad) = true;  // avg pooling only
};

Tensor max_pool1d(const Tensor& input, const Pool1dOptions& options);
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const Pool1dOptions& options);
Tensor avg_pool1d(const Tensor& input, const Pool1dOptions& options);

// ---- 3-D pooling over (N, C, D, H, W) or (C, D, H, W) ----

using IntTriple = std::array<int64_t, 3>;

struct Pool3dOptions {
  Pool3dOptions(std::array<int64_t, 3> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}
  Pool3dOptions(int64_t k) : Pool3dOptions(std::array<int64_t, 3>{k, k, k}) {}
  STRIATE_ARG(IntTriple, kernel_size);
  STRIATE_ARG(IntTriple, stride);  // defaults to kernel_size
  STRIATE_ARG(IntTriple, padding) = { 0, 0, 0 };
  STRIATE_ARG(IntTriple, dilation) = { 1, 1, 1 };  // max pooling only
  STRIATE_ARG(bool, ceil_mode) = false;
  STRIATE_ARG(bool, count_include_pad) = true;            // avg pooling only
  STRIATE_ARG(std::optional<int64_t>, divisor_override);  // avg pooling only
};

Shape pool3d_output_shape(const Shape& input, const Pool3dOptions& options, const char* op);

Tensor max_pool3d(const Tensor& input, const Pool3dOptions& options);
// Indices are flat (d * H * W + h * W + w), as PyTorch's.
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, const Pool3dOptions& options);
Tensor avg_pool3d(const Tensor& input, const Pool3dOptions& options);

// ---- pool_window.cpp: unpooling, adaptive, fractional and channel pooling ----

// Puts each input value at its flat (h * W + w) index of an output plane, zeros elsewhere: the
// inverse of max_pool2d_with_indices. output_size defaults to (H - 1) * stride - 2 * padding +
// kernel_size; a given one must lie within one stride of that.
Tensor max_unpool2d(const Tensor& input, const Tensor& indices, const Pool2dOptions& options,
                    std::optional<IntPair> output_size = std::nullopt);

// Output (p, q) pools rows [floor(p * H / P), ceil((p + 1) * H / P)), columns likewise.
Tensor adaptive_avg_pool2d(const Tensor& input, IntPair output_size);
Tensor adaptive_max_pool2d(const Tensor& input, IntPair output_size);
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input, IntPair output_size);

// Max pooling over pseudo-random kernel_size windows (Graham, 2014). random_samples, (N, C, 2)
// in [0, 1) with the width sample first as PyTorch's _random_samples, is drawn from the default
// generator when undefined.
std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(const Tensor& input, IntPair kernel_size,
                                                              IntPair output_size,
                                                              const Tensor& random_samples = Tensor());
Tensor fractional_max_pool2d(const Tensor& input, IntPair kernel_size, IntPair output_size,
                             const Tensor& random_samples = Tensor());

// Maxout: the maximum over each group of `group_size` consecutive channels of (N, C, *) input.
Tensor channel_max_pool(const Tensor& input, int64_t group_size);

}  // namespace striate
