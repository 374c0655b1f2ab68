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

// Flattens dims start_dim..end_dim into one (the batch dim stays by default).
class FlattenImpl : public Module {
 public:
  explicit FlattenImpl(int64_t start_dim = 1, int64_t end_dim = -1)
      : Module("Flatten"), start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t start_dim;
  int64_t end_dim;
};
STRIATE_MODULE(Flatten);

class UnflattenImpl : public Module {
 public:
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t dim;
  std::vector<int64_t> sizes;
};
STRIATE_MODULE(Unflatten);

class UpsampleImpl : public Module {
 public:
  UpsampleImpl(std::optional<IntPair> size, std::optional<std::array<double, 2>> scale_factor,
               std::string mode = "nearest", std::optional<bool> align_corners = std::nullopt);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  std::optional<IntPair> size;
  std::optional<std::array<double, 2>> scale_factor;
  std::string mode;
  std::optional<bool> align_corners;
};
STRIATE_MODULE(Upsample);

class PixelShuffleImpl : public Module {
 public:
  explicit PixelShuffleImpl(int64_t upscale_factor);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t upscale_factor;
};
STRIATE_MODULE(PixelShuffle);

class PixelUnshuffleImpl : public Module {
 public:
  explicit PixelUnshuffleImpl(int64_t downscale_factor);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t downscale_factor;
};
STRIATE_MODULE(PixelUnshuffle);

}  // namespace striate::nn
