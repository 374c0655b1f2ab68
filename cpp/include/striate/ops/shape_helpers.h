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

// `pad` lists (left, right) pairs starting from the last dim, as torch.nn.functional.pad.
// Constant padding takes negative amounts (cropping); reflect and replicate pad the last 1-3 dims
// of an input with one or two more dims (batch, channel) than padded dims.
Tensor pad(const Tensor& input, const std::vector<int64_t>& pad, const std::string& mode = "constant",
           double value = 0.0);

// Output size of interpolate: `size`, or floor(input size * scale_factor). Exactly one is given.
IntPair interpolate_output_size(const Shape& input, std::optional<IntPair> size,
                                std::optional<std::array<double, 2>> scale_factor);
// Resizes (N, C, H, W) input. nearest: src = min(floor(dst * scale), in - 1); bilinear: PyTorch's
// half-pixel source index, or corner-aligned with align_corners. scale is 1 / scale_factor when one
// is given, else in / out, as in PyTorch.
Tensor interpolate(const Tensor& input, std::optional<IntPair> size, std::optional<std::array<double, 2>> scale_factor,
                   const std::string& mode = "nearest", std::optional<bool> align_corners = std::nullopt);

// (*, C * r * r, H, W) -> (*, C, H * r, W * r), and its inverse.
Tensor pixel_shuffle(const Tensor& input, int64_t upscale_factor);
Tensor pixel_unshuffle(const Tensor& input, int64_t downscale_factor);

// int64 class indices of any shape -> int64 (*, num_classes); num_classes -1 means max + 1.
Tensor one_hot(const Tensor& input, int64_t num_classes = -1);

// Splits dim into `sizes` (one may be -1), as Tensor.unflatten.
Tensor unflatten(const Tensor& input, int64_t dim, const std::vector<int64_t>& sizes);

}  // namespace striate
