// Normalization layers with torch.nn's names, parameters and buffers: BatchNorm1d/2d/3d,
// LayerNorm, GroupNorm, InstanceNorm1d/2d, LocalResponseNorm, and SqueezeExcite (channel
// recalibration, torchvision's SqueezeExcitation). Layers read their parameters and buffers from
// the registry at each forward, so replacing one (Python `bn.weight = Parameter(...)`) takes effect.
//   striate::nn::BatchNorm2d bn(striate::nn::BatchNormOptions(16).momentum(std::nullopt));
//   striate::nn::GroupNorm gn(4, 16);
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "striate/nn/conv.h"
#include "striate/nn/module.h"
#include "striate/ops/options.h"

namespace striate::nn {

// ---- batch norm ----------------------------------------------------------------------------

/// The options of BatchNorm1d/2d/3d (torch's arguments; setters chain).
struct BatchNormOptions {
  /// @param num_features C, the input's channels.
  explicit BatchNormOptions(int64_t num_features) : num_features_(num_features) {}
  /// C, the input's channels.
  STRIATE_ARG(int64_t, num_features);
  /// Added to the variance for stability (default 1e-5).
  STRIATE_ARG(double, eps) = 1e-5;
  /// nullopt: the running statistics are the cumulative average of all batches seen.
  /// running = (1 - momentum) * running + momentum * batch (default 0.1).
  STRIATE_ARG(std::optional<double>, momentum) = 0.1;
  /// Learn weight and bias (default true).
  STRIATE_ARG(bool, affine) = true;
  /// Keep running statistics for evaluation (default true).
  STRIATE_ARG(bool, track_running_stats) = true;
};

/// Parameters weight (ones) and bias (zeros) when affine; buffers running_mean, running_var and
/// num_batches_tracked when track_running_stats. Training normalizes with the batch's statistics and
/// updates the running ones; evaluation uses the running ones (the batch's without tracking).
/// Batch normalization: y = (x - mean) / sqrt(var + eps) * weight + bias, the statistics per
/// channel over the batch and spatial dims (the biased variance normalizes, the unbiased one
/// updates running_var).
class BatchNormImpl : public Module {
 public:
  /// `dims` lists the input ranks the layer accepts ({2, 3} for BatchNorm1d).
  /// @param options the layer's options.
  /// @param type_name the layer's name ("BatchNorm2d").
  /// @param dims the accepted input ranks.
  /// @throws ValueError when num_features <= 0 or eps < 0.
  BatchNormImpl(const BatchNormOptions& options, std::string type_name, std::vector<int> dims);
  /// Normalizes `input`.
  /// @param input (N, C), (N, C, L), (N, C, H, W) or (N, C, D, H, W) as the layer accepts.
  /// @return the normalized tensor, same shape.
  /// @throws ShapeError when the rank is not accepted or the channels differ from num_features.
  /// @throws ValueError in training mode when a channel has a single value (N * spatial == 1).
  Tensor forward(const Tensor& input) override;
  /// relu(forward(input)) in one fused op (batch_norm_relu); Sequential and the blocks call it for
  /// a BatchNorm followed by a plain ReLU (nn/fusion.h).
  /// @param input as forward().
  /// @return relu of the normalized tensor.
  /// @throws ShapeError as forward().
  Tensor forward_relu(const Tensor& input);
  /// relu(forward(input) + residual) in one fused op (batch_norm_add_relu): the residual blocks'
  /// tail (nn/fusion.h).
  /// @param input as forward().
  /// @param residual input's shape (the block's shortcut).
  /// @return relu of the normalized tensor plus the residual.
  /// @throws ShapeError as forward().
  Tensor forward_add_relu(const Tensor& input, const Tensor& residual);
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Sets running_mean to 0, running_var to 1 and num_batches_tracked to 0.
  void reset_running_stats();
  /// Resets the running statistics, weight to 1 and bias to 0.
  void reset_parameters();

  /// The options the layer was built with.
  BatchNormOptions options;

 private:
  std::vector<int> accepted_dims_;
  Tensor run(const Tensor& input, bool relu, const Tensor* residual = nullptr);
};

/// Batch normalization over (N, C) or (N, C, L).
class BatchNorm1dImpl : public BatchNormImpl {
 public:
  /// @param options the layer's options.
  /// @throws ValueError for invalid options.
  explicit BatchNorm1dImpl(const BatchNormOptions& options) : BatchNormImpl(options, "BatchNorm1d", {2, 3}) {}
};
/// The holder of BatchNorm1dImpl: `striate::nn::BatchNorm1d bn(120);`.
STRIATE_MODULE(BatchNorm1d);
/// Batch normalization over (N, C, H, W).
class BatchNorm2dImpl : public BatchNormImpl {
 public:
  /// @param options the layer's options.
  /// @throws ValueError for invalid options.
  explicit BatchNorm2dImpl(const BatchNormOptions& options) : BatchNormImpl(options, "BatchNorm2d", {4}) {}
};
/// The holder of BatchNorm2dImpl: `striate::nn::BatchNorm2d bn(16);`.
STRIATE_MODULE(BatchNorm2d);
/// Batch normalization over (N, C, D, H, W).
class BatchNorm3dImpl : public BatchNormImpl {
 public:
  /// @param options the layer's options.
  /// @throws ValueError for invalid options.
  explicit BatchNorm3dImpl(const BatchNormOptions& options) : BatchNormImpl(options, "BatchNorm3d", {5}) {}
};
/// The holder of BatchNorm3dImpl.
STRIATE_MODULE(BatchNorm3d);

// ---- layer, group and instance norm ------------------------------------------------------------

/// Layer normalization: y = (x - mean) / sqrt(var + eps) * weight + bias, the statistics per
/// sample over the last dims (normalized_shape).
class LayerNormImpl : public Module {
 public:
  /// @param normalized_shape the trailing shape normalized over.
  /// @param eps added to the variance (default 1e-5).
  /// @param elementwise_affine learn weight (default true).
  /// @param bias learn a bias as well (default true).
  /// @throws ValueError when normalized_shape is empty or has a non-positive size.
  LayerNormImpl(std::vector<int64_t> normalized_shape, double eps = 1e-5, bool elementwise_affine = true,
                bool bias = true);
  /// Normalizes `input`.
  /// @param input (*, normalized_shape).
  /// @return the normalized tensor, same shape.
  /// @throws ShapeError when the trailing dims differ from normalized_shape.
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Sets weight to 1 and bias to 0.
  void reset_parameters();

  /// The trailing shape normalized over.
  std::vector<int64_t> normalized_shape;
  /// Added to the variance.
  double eps;
  /// Whether weight (and bias) are learned.
  bool elementwise_affine;
};
/// The holder of LayerNormImpl.
STRIATE_MODULE(LayerNorm);

/// Group normalization: the channels split into num_groups groups, each normalized per sample
/// over its channels and the spatial dims, then a per-channel affine.
class GroupNormImpl : public Module {
 public:
  /// @param num_groups the number of groups (divides num_channels).
  /// @param num_channels C.
  /// @param eps added to the variance (default 1e-5).
  /// @param affine learn per-channel weight and bias (default true).
  /// @throws ValueError when num_channels is not divisible by num_groups.
  GroupNormImpl(int64_t num_groups, int64_t num_channels, double eps = 1e-5, bool affine = true);
  /// Normalizes `input`.
  /// @param input (N, C, *).
  /// @return the normalized tensor, same shape.
  /// @throws ShapeError when the channels differ from num_channels.
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Sets weight to 1 and bias to 0.
  void reset_parameters();

  /// The number of groups.
  int64_t num_groups;
  /// C.
  int64_t num_channels;
  /// Added to the variance.
  double eps;
  /// Whether weight and bias are learned.
  bool affine;
};
/// The holder of GroupNormImpl: `striate::nn::GroupNorm gn(4, 16);`.
STRIATE_MODULE(GroupNorm);

/// Per-sample, per-channel statistics; accepts batched (N, C, *) or unbatched (C, *) inputs of
/// `spatial_dims` spatial dims. With track_running_stats, training also updates running_mean /
/// running_var and evaluation normalizes with them (PyTorch's InstanceNorm semantics).
class InstanceNormImpl : public Module {
 public:
  /// @param type_name the layer's name ("InstanceNorm2d").
  /// @param spatial_dims the number of spatial dims (1 or 2).
  /// @param num_features C.
  /// @param eps added to the variance.
  /// @param momentum the running statistics' momentum.
  /// @param affine learn per-channel weight and bias.
  /// @param track_running_stats keep running statistics.
  /// @throws ValueError when num_features <= 0.
  InstanceNormImpl(std::string type_name, int spatial_dims, int64_t num_features, double eps, double momentum,
                   bool affine, bool track_running_stats);
  /// Normalizes `input`.
  /// @param input (N, C, *) or (C, *) with spatial_dims spatial dims.
  /// @return the normalized tensor, same shape.
  /// @throws ShapeError when the rank or channel count is wrong.
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;

  /// C.
  int64_t num_features;
  /// Added to the variance.
  double eps;
  /// The running statistics' momentum.
  double momentum;
  /// Whether weight and bias are learned.
  bool affine;
  /// Whether running statistics are kept.
  bool track_running_stats;

 private:
  int spatial_dims_;
};

/// Instance normalization over (N, C, L) or (C, L).
class InstanceNorm1dImpl : public InstanceNormImpl {
 public:
  /// @param num_features C.
  /// @param eps added to the variance (default 1e-5).
  /// @param momentum the running statistics' momentum (default 0.1).
  /// @param affine learn per-channel weight and bias (default false).
  /// @param track_running_stats keep running statistics (default false).
  explicit InstanceNorm1dImpl(int64_t num_features, double eps = 1e-5, double momentum = 0.1, bool affine = false,
                              bool track_running_stats = false)
      : InstanceNormImpl("InstanceNorm1d", 1, num_features, eps, momentum, affine, track_running_stats) {}
};
/// The holder of InstanceNorm1dImpl.
STRIATE_MODULE(InstanceNorm1d);
/// Instance normalization over (N, C, H, W) or (C, H, W).
class InstanceNorm2dImpl : public InstanceNormImpl {
 public:
  /// @param num_features C.
  /// @param eps added to the variance (default 1e-5).
  /// @param momentum the running statistics' momentum (default 0.1).
  /// @param affine learn per-channel weight and bias (default false).
  /// @param track_running_stats keep running statistics (default false).
  explicit InstanceNorm2dImpl(int64_t num_features, double eps = 1e-5, double momentum = 0.1, bool affine = false,
                              bool track_running_stats = false)
      : InstanceNormImpl("InstanceNorm2d", 2, num_features, eps, momentum, affine, track_running_stats) {}
};
/// The holder of InstanceNorm2dImpl.
STRIATE_MODULE(InstanceNorm2d);

/// AlexNet's local response normalization across channels:
/// b_c = a_c / (k + alpha / size * sum_{c' near c} a_{c'}^2)^beta, the sum over `size` channels.
class LocalResponseNormImpl : public Module {
 public:
  /// @param size the number of neighbouring channels summed (> 0).
  /// @param alpha the multiplicative factor (default 1e-4).
  /// @param beta the exponent (default 0.75).
  /// @param k the additive constant (default 1.0).
  /// @throws ValueError when size <= 0.
  explicit LocalResponseNormImpl(int64_t size, double alpha = 1e-4, double beta = 0.75, double k = 1.0);
  /// Normalizes `input`.
  /// @param input (N, C, *), at least 3 dims.
  /// @return the normalized tensor, same shape.
  /// @throws ShapeError when the input has fewer than 3 dims.
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;

  /// The number of neighbouring channels summed.
  int64_t size;
  ///@{
  /// The formula's constants.
  double alpha, beta, k;
  ///@}
};
/// The holder of LocalResponseNormImpl.
STRIATE_MODULE(LocalResponseNorm);

// ---- squeeze and excitation -----------------------------------------------------------------

/// Global average pool -> fc1 (1x1 Conv2d, C -> max(1, C / reduction)) -> ReLU -> fc2 (1x1 Conv2d)
/// -> sigmoid -> rescale each channel of the input; children named as torchvision's
/// SqueezeExcitation, so state dicts carry over.
class SqueezeExciteImpl : public Module {
 public:
  /// @param channels C, the input's channels.
  /// @param reduction the squeeze ratio (default 16).
  /// @throws ValueError when channels or reduction is not positive.
  explicit SqueezeExciteImpl(int64_t channels, int64_t reduction = 16);
  /// Rescales each channel of `input`.
  /// @param input (N, C, H, W).
  /// @return the rescaled tensor, same shape.
  /// @throws ShapeError when the channels differ.
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  /// C.
  int64_t channels;
  /// max(1, C / reduction).
  int64_t squeeze_channels;
  /// The squeeze (C -> squeeze_channels, 1x1).
  Conv2d fc1{nullptr};
  /// The excitation (squeeze_channels -> C, 1x1).
  Conv2d fc2{nullptr};
};
/// The holder of SqueezeExciteImpl.
STRIATE_MODULE(SqueezeExcite);

}  // namespace striate::nn
