// The shape layers of nn/shape.h: constructor checks, forward through Tensor::flatten and the ops
// of ops/shape_helpers.h, and PyTorch-style extra_repr.
#include "striate/nn/shape.h"

#include <sstream>
#include <utility>

namespace striate::nn {
namespace {

// Sizes print as one number when square, as users usually write them.
std::string int_or_pair_text(const IntPair& pair) {
  return pair[0] == pair[1] ? std::to_string(pair[0]) : detail::str("(", pair[0], ", ", pair[1], ")");
}

void check_positive(int64_t value, const char* layer, const char* argument) {
  STRIATE_CHECK(value > 0, layer, ": expected ", argument, " > 0, got ", value);
}

}  // namespace

Tensor FlattenImpl::forward(const Tensor& input) { return input.flatten(start_dim, end_dim); }

std::string FlattenImpl::extra_repr() const { return detail::str("start_dim=", start_dim, ", end_dim=", end_dim); }

UnflattenImpl::UnflattenImpl(int64_t dim, std::vector<int64_t> sizes)
    : Module("Unflatten"), dim(dim), sizes(std::move(sizes)) {
  STRIATE_CHECK(!this->sizes.empty(), "Unflatten: expected a non-empty unflattened_size, got ()");
}
Tensor UnflattenImpl::forward(const Tensor& input) { return unflatten(input, dim, sizes); }
std::string UnflattenImpl::extra_repr() const {
  std::ostringstream text;
  text << "dim=" << dim << ", unflattened_size=(";
  for (size_t i = 0; i < sizes.size(); ++i) text << (i ? ", " : "") << sizes[i];
  text << (sizes.size() == 1 ? ",)" : ")");
  return text.str();
}

UpsampleImpl::UpsampleImpl(std::optional<IntPair> size, std::optional<std::array<double, 2>> scale_factor,
                           std::string mode, std::optional<bool> align_corners)
    : Module("Upsample"), size(size), scale_factor(scale_factor), mode(std::move(mode)), align_corners(align_corners) {
  STRIATE_CHECK(size.has_value() != scale_factor.has_value(), "Upsample: expected exactly one of size and ",
                "scale_factor, got ", size ? "both" : "neither");
  if (this->mode != "nearest" && this->mode != "bilinear")
    STRIATE_NOT_IMPLEMENTED("Upsample: mode '", this->mode, "' is not supported (use 'nearest' or 'bilinear')");
  STRIATE_CHECK(this->mode == "bilinear" || !align_corners.has_value(),
                "Upsample: align_corners can only be set with mode 'bilinear', got mode '", this->mode, "'");
}
Tensor UpsampleImpl::forward(const Tensor& input) {
  return interpolate(input, size, scale_factor, mode, align_corners);
}
std::string UpsampleImpl::extra_repr() const {
  std::string text;
  if (size) text = "size=" + int_or_pair_text(*size);
  if (scale_factor) {
    const auto& factor = *scale_factor;
    text = factor[0] == factor[1] ? detail::str("scale_factor=", factor[0])
                                  : detail::str("scale_factor=(", factor[0], ", ", factor[1], ")");
  }
  return text + ", mode='" + mode + "'";
}

PixelShuffleImpl::PixelShuffleImpl(int64_t upscale_factor) : Module("PixelShuffle"), upscale_factor(upscale_factor) {
  check_positive(upscale_factor, "PixelShuffle", "upscale_factor");
}
Tensor PixelShuffleImpl::forward(const Tensor& input) { return pixel_shuffle(input, upscale_factor); }
std::string PixelShuffleImpl::extra_repr() const { return detail::str("upscale_factor=", upscale_factor); }

PixelUnshuffleImpl::PixelUnshuffleImpl(int64_t downscale_factor)
    : Module("PixelUnshuffle"), downscale_factor(downscale_factor) {
  check_positive(downscale_factor, "PixelUnshuffle", "downscale_factor");
}
Tensor PixelUnshuffleImpl::forward(const Tensor& input) { return pixel_unshuffle(input, downscale_factor); }
std::string PixelUnshuffleImpl::extra_repr() const { return detail::str("downscale_factor=", downscale_factor); }

}  // namespace striate::nn
