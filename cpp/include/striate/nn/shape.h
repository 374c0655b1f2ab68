// The shape layers: Flatten, Unflatten, Upsample, PixelShuffle and PixelUnshuffle, parameter-free
// wrappers of Tensor::flatten and the ops of ops/shape_helpers.h.
//   striate::nn::Flatten flatten;                          // (N, C, H, W) -> (N, C * H * W)
//   striate::nn::PixelShuffle shuffle(2);                  // (N, 4C, H, W) -> (N, C, 2H, 2W)
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "striate/nn/module.h"
#include "striate/ops/options.h"
#include "striate/ops/shape_helpers.h"

namespace striate::nn {

/// Flattens dims start_dim..end_dim into one (the batch dim stays by default).
/// (N, C, H, W) -> (N, C * H * W) by default.
class FlattenImpl : public Module {
 public:
  /// @param start_dim the first dim merged (default 1).
  /// @param end_dim the last dim merged (default -1).
  explicit FlattenImpl(int64_t start_dim = 1, int64_t end_dim = -1)
      : Module("Flatten"), start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The first dim merged.
  int64_t start_dim;
  /// The last dim merged.
  int64_t end_dim;
};
/// The holder of FlattenImpl.
STRIATE_MODULE(Flatten);

/// Splits one dim into several, as torch.nn.Unflatten.
class UnflattenImpl : public Module {
 public:
  /// @param dim the dim to split.
  /// @param sizes the new sizes (one may be -1).
  /// @throws ValueError when sizes is empty.
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The dim split.
  int64_t dim;
  /// The new sizes.
  std::vector<int64_t> sizes;
};
/// The holder of UnflattenImpl.
STRIATE_MODULE(Unflatten);

/// Resizes (N, C, H, W) by interpolation (ops/shape_helpers.h's interpolate).
class UpsampleImpl : public Module {
 public:
  /// @param size the output (H, W), or std::nullopt.
  /// @param scale_factor the (h, w) scale, or std::nullopt.
  /// @param mode "nearest" (default) or "bilinear".
  /// @param align_corners bilinear's corner alignment (default std::nullopt).
  /// @throws ValueError unless exactly one of size and scale_factor is given, or for an unknown mode.
  UpsampleImpl(std::optional<IntPair> size, std::optional<std::array<double, 2>> scale_factor,
               std::string mode = "nearest", std::optional<bool> align_corners = std::nullopt);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The output size, or none.
  std::optional<IntPair> size;
  /// The scale, or none.
  std::optional<std::array<double, 2>> scale_factor;
  /// The interpolation mode.
  std::string mode;
  /// Bilinear's corner alignment.
  std::optional<bool> align_corners;
};
/// The holder of UpsampleImpl.
STRIATE_MODULE(Upsample);

/// (N, C * r * r, H, W) -> (N, C, H * r, W * r).
class PixelShuffleImpl : public Module {
 public:
  /// @param upscale_factor r (> 0).
  /// @throws ValueError when r <= 0.
  explicit PixelShuffleImpl(int64_t upscale_factor);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// r.
  int64_t upscale_factor;
};
/// The holder of PixelShuffleImpl.
STRIATE_MODULE(PixelShuffle);

/// (N, C, H * r, W * r) -> (N, C * r * r, H, W).
class PixelUnshuffleImpl : public Module {
 public:
  /// @param downscale_factor r (> 0).
  /// @throws ValueError when r <= 0.
  explicit PixelUnshuffleImpl(int64_t downscale_factor);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// r.
  int64_t downscale_factor;
};
/// The holder of PixelUnshuffleImpl.
STRIATE_MODULE(PixelUnshuffle);

}  // namespace striate::nn
