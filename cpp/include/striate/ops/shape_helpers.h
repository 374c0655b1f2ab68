// Shape helpers: padding (constant, reflect, replicate), resizing by interpolation (nearest,
// bilinear), pixel (un)shuffle, one-hot encoding and unflatten. Padding and resizing are composed
// from index_select, cat and elementwise ops, so their backward comes from those ops.
//   auto y = striate::pad(x, {1, 1, 2, 2}, "reflect");          // W by 1 each side, H by 2
//   auto z = striate::interpolate(x, IntPair{56, 56}, std::nullopt, "bilinear", false);
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "striate/core/tensor.h"
#include "striate/ops/pooling.h"

namespace striate {

/// `pad` lists (left, right) pairs starting from the last dim, as torch.nn.functional.pad.
/// Constant padding takes negative amounts (cropping); reflect and replicate pad the last 1-3 dims
/// of an input with one or two more dims (batch, channel) than padded dims.
/// @param input the input.
/// @param pad the amounts: (left, right) pairs from the last dim.
/// @param mode "constant" (default), "reflect" or "replicate".
/// @param value the constant padding's value (default 0).
/// @return the padded tensor.
/// @throws ValueError for an odd-length pad, an unknown mode or a reflect amount >= the dim's size.
Tensor pad(const Tensor& input, const std::vector<int64_t>& pad, const std::string& mode = "constant",
           double value = 0.0);

/// Output size of interpolate: `size`, or floor(input size * scale_factor). Exactly one is given.
/// @param input the input's shape (N, C, H, W).
/// @param size the output (H, W), or std::nullopt.
/// @param scale_factor the (h, w) scale, or std::nullopt.
/// @return the output (H, W).
/// @throws ValueError unless exactly one of size and scale_factor is given, or for a non-positive result.
IntPair interpolate_output_size(const Shape& input, std::optional<IntPair> size,
                                std::optional<std::array<double, 2>> scale_factor);
/// Resizes (N, C, H, W) input. nearest: src = min(floor(dst * scale), in - 1); bilinear: PyTorch's
/// half-pixel source index, or corner-aligned with align_corners. scale is 1 / scale_factor when one
/// is given, else in / out, as in PyTorch.
/// @param input (N, C, H, W).
/// @param size the output (H, W), or std::nullopt.
/// @param scale_factor the (h, w) scale, or std::nullopt.
/// @param mode "nearest" (default) or "bilinear".
/// @param align_corners bilinear's corner alignment (default std::nullopt: false).
/// @return (N, C, H_out, W_out).
/// @throws ValueError for an unknown mode, align_corners with nearest, or bad sizes.
Tensor interpolate(const Tensor& input, std::optional<IntPair> size, std::optional<std::array<double, 2>> scale_factor,
                   const std::string& mode = "nearest", std::optional<bool> align_corners = std::nullopt);

/// (*, C * r * r, H, W) -> (*, C, H * r, W * r), and its inverse.
/// @param input (*, C * r * r, H, W).
/// @param upscale_factor r (> 0).
/// @return (*, C, H * r, W * r).
/// @throws ShapeError when the channels do not divide by r * r.
Tensor pixel_shuffle(const Tensor& input, int64_t upscale_factor);
/// The inverse of pixel_shuffle: (*, C, H * r, W * r) -> (*, C * r * r, H, W).
/// @param input (*, C, H, W) with H and W divisible by r.
/// @param downscale_factor r (> 0).
/// @return (*, C * r * r, H / r, W / r).
/// @throws ShapeError when H or W does not divide by r.
Tensor pixel_unshuffle(const Tensor& input, int64_t downscale_factor);

/// int64 class indices of any shape -> int64 (*, num_classes); num_classes -1 means max + 1.
/// @param input int64 class indices.
/// @param num_classes the classes (default -1: max + 1).
/// @return int64 (*, num_classes).
/// @throws ValueError for a negative index or one >= num_classes.
Tensor one_hot(const Tensor& input, int64_t num_classes = -1);

/// Splits dim into `sizes` (one may be -1), as Tensor.unflatten.
/// @param input the input.
/// @param dim the dim to split.
/// @param sizes the new sizes (product equal to the dim's size; one may be -1).
/// @return the reshaped tensor.
/// @throws ValueError when the sizes do not multiply to the dim's size.
Tensor unflatten(const Tensor& input, int64_t dim, const std::vector<int64_t>& sizes);

}  // namespace striate
