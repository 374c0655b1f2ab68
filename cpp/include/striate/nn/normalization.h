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

struct BatchNormOptions {
  explicit BatchNormOptions(int64_t num_features) : num_features_(num_features) {}
  STRIATE_ARG(int64_t, num_features);
  STRIATE_ARG(double, eps) = 1e-5;
  // nullopt: the running statistics are the cumulative average of all batches seen.
  STRIATE_ARG(std::optional<double>, momentum) = 0.1;
  STRIATE_ARG(bool, affine) = true;
  STRIATE_ARG(bool, track_running_stats) = true;
};

// Parameters weight (ones) and bias (zeros) when affine; buffers running_mean, running_var and
// num_batches_tracked when track_running_stats. Training normalizes with the batch's statistics and
// updates the running ones; evaluation uses the running ones (the batch's without tracking).
class BatchNormImpl : public Module {
 public:
  // `dims` lists the input ranks the layer accepts ({2, 3} for BatchNorm1d).
  BatchNormImpl(const BatchNormOptions& options, std::string type_name, std::vector<int> dims);
  Tensor forward(const Tensor& input) override;
  // relu(forward(input)) in one fused op (batch_norm_relu); Sequential and the blocks call it for
  // a BatchNorm followed by a plain ReLU (nn/fusion.h).
  Tensor forward_relu(const Tensor& input);
  // relu(forward(input) + residual) in one fused op (batch_norm_add_relu): the residual blocks'
  // tail (nn/fusion.h).
  Tensor forward_add_relu(const Tensor& input, const Tensor& residual);
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_running_stats();
  void reset_parameters();

  BatchNormOptions options;

 private:
  std::vector<int> accepted_dims_;
  Tensor run(const Tensor& input, bool relu, const Tensor* residual = nullptr);
};

class BatchNorm1dImpl : public BatchNormImpl {
 public:
  explicit BatchNorm1dImpl(const BatchNormOptions& options) : BatchNormImpl(options, "BatchNorm1d", {2, 3}) {}
};
STRIATE_MODULE(BatchNorm1d);
class BatchNorm2dImpl : public BatchNormImpl {
 public:
  explicit BatchNorm2dImpl(const BatchNormOptions& options) : BatchNormImpl(options, "BatchNorm2d", {4}) {}
};
STRIATE_MODULE(BatchNorm2d);
class BatchNorm3dImpl : public BatchNormImpl {
 public:
  explicit BatchNorm3dImpl(const BatchNormOptions& options) : BatchNormImpl(options, "BatchNorm3d", {5}) {}
};
STRIATE_MODULE(BatchNorm3d);

// ---- layer, group and instance norm ------------------------------------------------------------

class LayerNormImpl : public Module {
 public:
  LayerNormImpl(std::vector<int64_t> normalized_shape, double eps = 1e-5, bool elementwise_affine = true,
                bool bias = true);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();

  std::vector<int64_t> normalized_shape;
  double eps;
  bool elementwise_affine;
};
STRIATE_MODULE(LayerNorm);

class GroupNormImpl : public Module {
 public:
  GroupNormImpl(int64_t num_groups, int64_t num_channels, double eps = 1e-5, bool affine = true);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();

  int64_t num_groups;
  int64_t num_channels;
  double eps;
  bool affine;
};
STRIATE_MODULE(GroupNorm);

// Per-sample, per-channel statistics; accepts batched (N, C, *) or unbatched (C, *) inputs of
// `spatial_dims` spatial dims. With track_running_stats, training also updates running_mean /
// running_var and evaluation normalizes with them (PyTorch's InstanceNorm semantics).
class InstanceNormImpl : public Module {
 public:
  InstanceNormImpl(std::string type_name, int spatial_dims, int64_t num_features, double eps, double momentum,
                   bool affine, bool track_running_stats);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;

  int64_t num_features;
  double eps;
  double momentum;
  bool affine;
  bool track_running_stats;

 private:
  int spatial_dims_;
};

class InstanceNorm1dImpl : public InstanceNormImpl {
 public:
  explicit InstanceNorm1dImpl(int64_t num_features, double eps = 1e-5, double momentum = 0.1, bool affine = false,
                              bool track_running_stats = false)
      : InstanceNormImpl("InstanceNorm1d", 1, num_features, eps, momentum, affine, track_running_stats) {}
};
STRIATE_MODULE(InstanceNorm1d);
class InstanceNorm2dImpl : public InstanceNormImpl {
 public:
  explicit InstanceNorm2dImpl(int64_t num_features, double eps = 1e-5, double momentum = 0.1, bool affine = false,
                              bool track_running_stats = false)
      : InstanceNormImpl("InstanceNorm2d", 2, num_features, eps, momentum, affine, track_running_stats) {}
};
STRIATE_MODULE(InstanceNorm2d);

class LocalResponseNormImpl : public Module {
 public:
  explicit LocalResponseNormImpl(int64_t size, double alpha = 1e-4, double beta = 0.75, double k = 1.0);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;

  int64_t size;
  double alpha, beta, k;
};
STRIATE_MODULE(LocalResponseNorm);

// ---- squeeze and excitation -----------------------------------------------------------------

// Global average pool -> fc1 (1x1 Conv2d, C -> max(1, C / reduction)) -> ReLU -> fc2 (1x1 Conv2d)
// -> sigmoid -> rescale each channel of the input; children named as torchvision's
// SqueezeExcitation, so state dicts carry over.
class SqueezeExciteImpl : public Module {
 public:
  explicit SqueezeExciteImpl(int64_t channels, int64_t reduction = 16);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  int64_t channels;
  int64_t squeeze_channels;
  Conv2d fc1{nullptr};
  Conv2d fc2{nullptr};
};
STRIATE_MODULE(SqueezeExcite);

}  // namespace striate::nn
