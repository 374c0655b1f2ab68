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

/// Names for the option types (STRIATE_ARG cannot take a type with a comma in it).
/// Two sizes: (height, width).
using IntPair = std::array<int64_t, 2>;

/// The options of 2-D pooling (setters chain).
struct Pool2dOptions {
  /// @param kernel_size the window's size per dim; the stride defaults to it.
  Pool2dOptions(std::array<int64_t, 2> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}
  /// A square window.
  /// @param k the window's side; the stride defaults to it.
  Pool2dOptions(int64_t k) : Pool2dOptions(std::array<int64_t, 2>{k, k}) {}
  /// The window's size.
  STRIATE_ARG(IntPair, kernel_size);
  /// The step between windows (default: kernel_size).
  STRIATE_ARG(IntPair, stride);  // defaults to kernel_size
  /// Implicit padding on each side, at most half the window (default 0).
  STRIATE_ARG(IntPair, padding) = { 0, 0 };
  /// The spacing of the window's taps, max pooling only (default 1).
  STRIATE_ARG(IntPair, dilation) = { 1, 1 };  // max pooling only
  /// Round the output size up instead of down (default false).
  STRIATE_ARG(bool, ceil_mode) = false;
  /// Average pooling counts the padding in the divisor (default true).
  STRIATE_ARG(bool, count_include_pad) = true;  // avg pooling only
  /// Average pooling divides by this instead (default unset).
  STRIATE_ARG(std::optional<int64_t>, divisor_override);  // avg pooling only
};

/// The output shape of 2-D pooling.
/// @param input the input's shape.
/// @param options the window, stride, padding and modes.
/// @param op the op named in errors.
/// @return the output's shape.
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
Shape pool2d_output_shape(const Shape& input, const Pool2dOptions& options, const char* op);

/// 2-D max pooling.
/// @param input (N, C, H, W) or (C, H, W).
/// @param options the window, stride, padding and modes.
/// @return the pooled tensor.
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
Tensor max_pool2d(const Tensor& input, const Pool2dOptions& options);
/// Also returns the flat (h * W + w) arg-max index per output, as PyTorch's return_indices.
/// @param input (N, C, H, W) or (C, H, W).
/// @param options the window, stride, padding and modes.
/// @return (output, int64 indices).
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Pool2dOptions& options);
/// 2-D average pooling.
/// @param input (N, C, H, W) or (C, H, W).
/// @param options the window, stride, padding and modes.
/// @return the pooled tensor.
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
Tensor avg_pool2d(const Tensor& input, const Pool2dOptions& options);

// ---- 1-D pooling over (N, C, L) or (C, L): computed as 2-D pooling of a height-1 view ----

/// The options of 1-D pooling (setters chain).
struct Pool1dOptions {
  /// @param kernel_size the window's size per dim; the stride defaults to it.
  Pool1dOptions(int64_t kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}
  /// The window's size.
  STRIATE_ARG(int64_t, kernel_size);
  /// The step between windows (default: kernel_size).
  STRIATE_ARG(int64_t, stride);  // defaults to kernel_size
  /// Implicit padding on each side, at most half the window (default 0).
  STRIATE_ARG(int64_t, padding) = 0;
  /// The spacing of the window's taps, max pooling only (default 1).
  STRIATE_ARG(int64_t, dilation) = 1;  // max pooling only
  /// Round the output size up instead of down (default false).
  STRIATE_ARG(bool, ceil_mode) = false;
  /// Average pooling counts the padding in the divisor (default true).
  STRIATE_ARG(bool, count_include_pad) = true;  // avg pooling only
};

/// 1-D max pooling.
/// @param input (N, C, L) or (C, L).
/// @param options the window, stride, padding and modes.
/// @return the pooled tensor.
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
Tensor max_pool1d(const Tensor& input, const Pool1dOptions& options);
/// 1-D max pooling with the arg-max positions.
/// @param input (N, C, L) or (C, L).
/// @param options the window, stride, padding and modes.
/// @return (output, int64 indices).
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const Pool1dOptions& options);
/// 1-D average pooling.
/// @param input (N, C, L) or (C, L).
/// @param options the window, stride, padding and modes.
/// @return the pooled tensor.
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
Tensor avg_pool1d(const Tensor& input, const Pool1dOptions& options);

// ---- 3-D pooling over (N, C, D, H, W) or (C, D, H, W) ----

/// Three sizes: (depth, height, width).
using IntTriple = std::array<int64_t, 3>;

/// The options of 3-D pooling (setters chain).
struct Pool3dOptions {
  /// @param kernel_size the window's size per dim; the stride defaults to it.
  Pool3dOptions(std::array<int64_t, 3> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}
  /// A cubic/square window.
  /// @param k the window's side; the stride defaults to it.
  Pool3dOptions(int64_t k) : Pool3dOptions(std::array<int64_t, 3>{k, k, k}) {}
  /// The window's size.
  STRIATE_ARG(IntTriple, kernel_size);
  /// The step between windows (default: kernel_size).
  STRIATE_ARG(IntTriple, stride);  // defaults to kernel_size
  /// Implicit padding on each side, at most half the window (default 0).
  STRIATE_ARG(IntTriple, padding) = { 0, 0, 0 };
  /// The spacing of the window's taps, max pooling only (default 1).
  STRIATE_ARG(IntTriple, dilation) = { 1, 1, 1 };  // max pooling only
  /// Round the output size up instead of down (default false).
  STRIATE_ARG(bool, ceil_mode) = false;
  /// Average pooling counts the padding in the divisor (default true).
  STRIATE_ARG(bool, count_include_pad) = true;  // avg pooling only
  /// Average pooling divides by this instead (default unset).
  STRIATE_ARG(std::optional<int64_t>, divisor_override);  // avg pooling only
};

/// The output shape of 3-D pooling.
/// @param input the input's shape.
/// @param options the window, stride, padding and modes.
/// @param op the op named in errors.
/// @return the output's shape.
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
Shape pool3d_output_shape(const Shape& input, const Pool3dOptions& options, const char* op);

/// 3-D max pooling.
/// @param input (N, C, D, H, W) or (C, D, H, W).
/// @param options the window, stride, padding and modes.
/// @return the pooled tensor.
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
Tensor max_pool3d(const Tensor& input, const Pool3dOptions& options);
/// Indices are flat (d * H * W + h * W + w), as PyTorch's.
/// @param input (N, C, D, H, W) or (C, D, H, W).
/// @param options the window, stride, padding and modes.
/// @return (output, int64 indices).
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, const Pool3dOptions& options);
/// 3-D average pooling.
/// @param input (N, C, D, H, W) or (C, D, H, W).
/// @param options the window, stride, padding and modes.
/// @return the pooled tensor.
/// @throws ShapeError for a bad rank or an empty output.
/// @throws ValueError for a non-positive window or stride, or padding above half the window.
Tensor avg_pool3d(const Tensor& input, const Pool3dOptions& options);

// ---- pool_window.cpp: unpooling, adaptive, fractional and channel pooling ----

/// Puts each input value at its flat (h * W + w) index of an output plane, zeros elsewhere: the
/// inverse of max_pool2d_with_indices. output_size defaults to (H - 1) * stride - 2 * padding +
/// kernel_size; a given one must lie within one stride of that.
/// @param input the pooled values (N, C, P, Q) or (C, P, Q).
/// @param indices max_pool2d_with_indices's indices, same shape.
/// @param options the pooling's window, stride and padding.
/// @param output_size the (H, W) to restore (default: computed).
/// @return (N, C, H, W).
/// @throws ShapeError when the shapes differ or output_size is out of range.
/// @throws IndexError when an index is outside the output plane.
Tensor max_unpool2d(const Tensor& input, const Tensor& indices, const Pool2dOptions& options,
                    std::optional<IntPair> output_size = std::nullopt);

/// Output (p, q) pools rows [floor(p * H / P), ceil((p + 1) * H / P)), columns likewise.
/// @param input (N, C, H, W) or (C, H, W).
/// @param output_size (P, Q), positive.
/// @return (N, C, P, Q).
/// @throws ShapeError for a bad rank.
/// @throws ValueError for a non-positive size.
Tensor adaptive_avg_pool2d(const Tensor& input, IntPair output_size);
/// Adaptive max pooling, windows as adaptive_avg_pool2d's.
/// @param input (N, C, H, W) or (C, H, W).
/// @param output_size (P, Q), positive.
/// @return (N, C, P, Q).
/// @throws ShapeError for a bad rank.
/// @throws ValueError for a non-positive size.
Tensor adaptive_max_pool2d(const Tensor& input, IntPair output_size);
/// Adaptive max pooling with the arg-max positions.
/// @param input (N, C, H, W) or (C, H, W).
/// @param output_size (P, Q), positive.
/// @return (output, int64 flat indices).
/// @throws ShapeError for a bad rank.
/// @throws ValueError for a non-positive size.
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input, IntPair output_size);

/// Max pooling over pseudo-random kernel_size windows (Graham, 2014). random_samples, (N, C, 2)
/// in [0, 1) with the width sample first as PyTorch's _random_samples, is drawn from the default
/// generator when undefined.
/// @param input (N, C, H, W) or (C, H, W).
/// @param kernel_size (kh, kw).
/// @param output_size (P, Q); each window must fit.
/// @param random_samples (N, C, 2) in [0, 1), or undefined (default) to draw them.
/// @return (output, int64 flat indices).
/// @throws ShapeError for a bad rank or random_samples shape.
/// @throws ValueError when the windows do not fit the input.
std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(const Tensor& input, IntPair kernel_size,
                                                              IntPair output_size,
                                                              const Tensor& random_samples = Tensor());
/// Fractional max pooling without the indices.
/// @param input (N, C, H, W) or (C, H, W).
/// @param kernel_size (kh, kw).
/// @param output_size (P, Q); each window must fit.
/// @param random_samples (N, C, 2) in [0, 1), or undefined (default) to draw them.
/// @return (N, C, P, Q).
/// @throws ShapeError for a bad rank or random_samples shape.
/// @throws ValueError when the windows do not fit the input.
Tensor fractional_max_pool2d(const Tensor& input, IntPair kernel_size, IntPair output_size,
                             const Tensor& random_samples = Tensor());

/// Maxout: the maximum over each group of `group_size` consecutive channels of (N, C, *) input.
/// @param input (N, C, *).
/// @param group_size channels per group (> 0, divides C).
/// @return (N, C / group_size, *).
/// @throws ValueError when group_size does not divide C.
Tensor channel_max_pool(const Tensor& input, int64_t group_size);

}  // namespace striate
