// The normalization layers: construction (PyTorch's initial values), the running-statistics
// bookkeeping of batch norm, forward through ops/normalization.h, and torch's extra_repr text.
#include "striate/nn/normalization.h"

#include <algorithm>

#include "striate/autograd.h"
#include "striate/nn/init.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/normalization.h"
#include "striate/ops/reduce.h"

namespace striate::nn {
namespace {

const char* bool_text(bool value) { return value ? "True" : "False"; }

// The registered parameter or buffer `name` (undefined when absent or set to None).
Tensor parameter_of(const Module& module, const std::string& name) {
  const Tensor* found = module.local_parameters().find(name);
  return found ? *found : Tensor();
}
Tensor buffer_of(const Module& module, const std::string& name) {
  const Tensor* found = module.local_buffers().find(name);
  return found ? *found : Tensor();
}

std::string dims_text(const std::vector<int>& dims) {
  std::string text;
  for (size_t i = 0; i < dims.size(); ++i) {
    text += (i == 0 ? "" : " or ") + std::to_string(dims[i]) + "D";
  }
  return text;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

// ---- batch norm ----------------------------------------------------------------------------

BatchNormImpl::BatchNormImpl(const BatchNormOptions& options, std::string type_name, std::vector<int> dims)
    : Module(type_name), options(options), accepted_dims_(std::move(dims)) {
  STRIATE_CHECK(options.num_features() > 0, type_name, ": expected num_features > 0, got ", options.num_features());
  STRIATE_CHECK(options.eps() >= 0, type_name, ": expected eps >= 0, got ", options.eps());
  const int64_t C = options.num_features();
  register_parameter("weight", options.affine() ? ones({C}) : Tensor(), options.affine());
  register_parameter("bias", options.affine() ? zeros({C}) : Tensor(), options.affine());
  if (options.track_running_stats()) {
    register_buffer("running_mean", zeros({C}));
    register_buffer("running_var", ones({C}));
    register_buffer("num_batches_tracked", zeros({}, TensorOptions(DType::Int64)));
  } else {
    register_buffer("running_mean", Tensor());
    register_buffer("running_var", Tensor());
    register_buffer("num_batches_tracked", Tensor());
  }
}

void BatchNormImpl::reset_running_stats() {
  NoGradGuard no_grad;
  for (const char* name : {"running_mean", "running_var", "num_batches_tracked"}) {
    Tensor buffer = buffer_of(*this, name);
    if (!buffer.defined()) continue;
    buffer.fill_(std::string(name) == "running_var" ? 1.0 : 0.0);
  }
}

void BatchNormImpl::reset_parameters() {
  reset_running_stats();
  Tensor weight = parameter_of(*this, "weight"), bias = parameter_of(*this, "bias");
  if (weight.defined()) init::ones_(weight);
  if (bias.defined()) init::zeros_(bias);
}

Tensor BatchNormImpl::forward(const Tensor& input) { return run(input, false); }

Tensor BatchNormImpl::forward_relu(const Tensor& input) { return run(input, true); }

Tensor BatchNormImpl::forward_add_relu(const Tensor& input, const Tensor& residual) {
  return run(input, true, &residual);
}

Tensor BatchNormImpl::run(const Tensor& input, bool relu, const Tensor* residual) {
  STRIATE_CHECK(input.defined(), name(), ": expected a tensor, got None");
  const bool rank_ok = std::find(accepted_dims_.begin(), accepted_dims_.end(), input.dim()) != accepted_dims_.end();
  STRIATE_CHECK_SHAPE(rank_ok, name(), ": expected ", dims_text(accepted_dims_), " input, got ", input.dim(),
                      "D input of shape ", input.sizes());
  STRIATE_CHECK_SHAPE(input.size(1) == options.num_features(), name(), ": expected ", options.num_features(),
                      " channels (num_features) in dim 1, got input of shape ", input.sizes());
  Tensor running_mean = buffer_of(*this, "running_mean");
  Tensor running_var = buffer_of(*this, "running_var");
  double factor = options.momentum().value_or(0.0);
  if (is_training() && options.track_running_stats()) {
    Tensor tracked = buffer_of(*this, "num_batches_tracked");
    if (tracked.defined()) {
      NoGradGuard no_grad;
      tracked.add_(ones({}, TensorOptions(tracked.dtype())));
      // momentum=None: the running statistics average all batches so far equally.
      if (!options.momentum()) factor = 1.0 / static_cast<double>(tracked.item<int64_t>());
    }
  }
  // Without running statistics the batch's are used in evaluation too (PyTorch's rule).
  const bool use_batch_stats = is_training() || (!running_mean.defined() && !running_var.defined());
  const bool pass_running = !is_training() || options.track_running_stats();
  if (residual)
    return batch_norm_add_relu(input, *residual, pass_running ? running_mean : Tensor(),
                               pass_running ? running_var : Tensor(), parameter_of(*this, "weight"),
                               parameter_of(*this, "bias"), use_batch_stats, factor, options.eps());
  return (relu ? batch_norm_relu : batch_norm)(input, pass_running ? running_mean : Tensor(),
                                               pass_running ? running_var : Tensor(), parameter_of(*this, "weight"),
                                               parameter_of(*this, "bias"), use_batch_stats, factor, options.eps());
}

// Normalization layers count one multiply-add per output element (the scale and shift); the
// statistics are not counted.
std::optional<int64_t> BatchNormImpl::mult_adds(const Shape&, const Shape& output) const { return output.numel(); }

std::string BatchNormImpl::extra_repr() const {
  std::string momentum = options.momentum() ? detail::str(*options.momentum()) : "None";
  return detail::str(options.num_features(), ", eps=", options.eps(), ", momentum=", momentum,
                     ", affine=", bool_text(options.affine()),
                     ", track_running_stats=", bool_text(options.track_running_stats()));
}

// ---- layer norm ------------------------------------------------------------------------------

LayerNormImpl::LayerNormImpl(std::vector<int64_t> normalized_shape, double eps, bool elementwise_affine, bool bias)
    : Module("LayerNorm"),
      normalized_shape(std::move(normalized_shape)),
      eps(eps),
      elementwise_affine(elementwise_affine) {
  STRIATE_CHECK(!this->normalized_shape.empty(), "LayerNorm: expected a non-empty normalized_shape, got ()");
  for (int64_t extent : this->normalized_shape) {
    STRIATE_CHECK(extent > 0, "LayerNorm: expected positive sizes in normalized_shape, got ",
                  shape_text(this->normalized_shape));
  }
  const Shape shape(this->normalized_shape);
  register_parameter("weight", elementwise_affine ? ones(shape) : Tensor(), elementwise_affine);
  register_parameter("bias", elementwise_affine && bias ? zeros(shape) : Tensor(), elementwise_affine && bias);
}

void LayerNormImpl::reset_parameters() {
  Tensor weight = parameter_of(*this, "weight"), bias = parameter_of(*this, "bias");
  if (weight.defined()) init::ones_(weight);
  if (bias.defined()) init::zeros_(bias);
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return layer_norm(input, normalized_shape, parameter_of(*this, "weight"), parameter_of(*this, "bias"), eps);
}

std::optional<int64_t> LayerNormImpl::mult_adds(const Shape&, const Shape& output) const { return output.numel(); }

std::string LayerNormImpl::extra_repr() const {
  return detail::str(shape_text(normalized_shape), ", eps=", eps,
                     ", elementwise_affine=", bool_text(elementwise_affine));
}

// ---- group norm ------------------------------------------------------------------------------

GroupNormImpl::GroupNormImpl(int64_t num_groups, int64_t num_channels, double eps, bool affine)
    : Module("GroupNorm"), num_groups(num_groups), num_channels(num_channels), eps(eps), affine(affine) {
  STRIATE_CHECK(num_groups > 0, "GroupNorm: expected num_groups > 0, got ", num_groups);
  STRIATE_CHECK(num_channels % num_groups == 0, "GroupNorm: expected num_channels divisible by num_groups, got ",
                "num_channels=", num_channels, ", num_groups=", num_groups);
  register_parameter("weight", affine ? ones({num_channels}) : Tensor(), affine);
  register_parameter("bias", affine ? zeros({num_channels}) : Tensor(), affine);
}

void GroupNormImpl::reset_parameters() {
  Tensor weight = parameter_of(*this, "weight"), bias = parameter_of(*this, "bias");
  if (weight.defined()) init::ones_(weight);
  if (bias.defined()) init::zeros_(bias);
}

Tensor GroupNormImpl::forward(const Tensor& input) {
  STRIATE_CHECK(input.defined(), "GroupNorm: expected a tensor, got None");
  STRIATE_CHECK_SHAPE(input.dim() >= 2 && input.size(1) == num_channels, "GroupNorm: expected input of shape (N, ",
                      num_channels, ", *), got shape ", input.sizes());
  return group_norm(input, num_groups, parameter_of(*this, "weight"), parameter_of(*this, "bias"), eps);
}

std::optional<int64_t> GroupNormImpl::mult_adds(const Shape&, const Shape& output) const { return output.numel(); }

std::string GroupNormImpl::extra_repr() const {
  return detail::str(num_groups, ", ", num_channels, ", eps=", eps, ", affine=", bool_text(affine));
}

// ---- instance norm ---------------------------------------------------------------------------

InstanceNormImpl::InstanceNormImpl(std::string type_name, int spatial_dims, int64_t num_features, double eps,
                                   double momentum, bool affine, bool track_running_stats)
    : Module(type_name),
      num_features(num_features),
      eps(eps),
      momentum(momentum),
      affine(affine),
      track_running_stats(track_running_stats),
      spatial_dims_(spatial_dims) {
  STRIATE_CHECK(num_features > 0, type_name, ": expected num_features > 0, got ", num_features);
  STRIATE_CHECK(eps >= 0, type_name, ": expected eps >= 0, got ", eps);
  register_parameter("weight", affine ? ones({num_features}) : Tensor(), affine);
  register_parameter("bias", affine ? zeros({num_features}) : Tensor(), affine);
  // PyTorch registers num_batches_tracked for instance norm too, though it never counts.
  register_buffer("running_mean", track_running_stats ? zeros({num_features}) : Tensor());
  register_buffer("running_var", track_running_stats ? ones({num_features}) : Tensor());
  register_buffer("num_batches_tracked", track_running_stats ? zeros({}, TensorOptions(DType::Int64)) : Tensor());
}

Tensor InstanceNormImpl::forward(const Tensor& input) {
  STRIATE_CHECK(input.defined(), name(), ": expected a tensor, got None");
  const int batched = spatial_dims_ + 2;
  STRIATE_CHECK_SHAPE(input.dim() == batched || input.dim() == batched - 1, name(), ": expected ", batched - 1, "D or ",
                      batched, "D input, got ", input.dim(), "D input of shape ", input.sizes());
  const bool unbatched = input.dim() == batched - 1;
  Tensor x = unbatched ? input.unsqueeze(0) : input;
  STRIATE_CHECK_SHAPE(x.size(1) == num_features, name(), ": expected ", num_features,
                      " channels (num_features), got input of shape ", input.sizes());
  // Instance statistics in training or without running statistics, the running ones otherwise.
  Tensor y =
      instance_norm(x, buffer_of(*this, "running_mean"), buffer_of(*this, "running_var"), parameter_of(*this, "weight"),
                    parameter_of(*this, "bias"), is_training() || !track_running_stats, momentum, eps);
  return unbatched ? y.squeeze(0) : y;
}

std::optional<int64_t> InstanceNormImpl::mult_adds(const Shape&, const Shape& output) const { return output.numel(); }

std::string InstanceNormImpl::extra_repr() const {
  return detail::str(num_features, ", eps=", eps, ", momentum=", momentum, ", affine=", bool_text(affine),
                     ", track_running_stats=", bool_text(track_running_stats));
}

// ---- local response norm -------------------------------------------------------------------------

LocalResponseNormImpl::LocalResponseNormImpl(int64_t size, double alpha, double beta, double k)
    : Module("LocalResponseNorm"), size(size), alpha(alpha), beta(beta), k(k) {
  STRIATE_CHECK(size > 0, "LocalResponseNorm: expected size > 0, got ", size);
}

Tensor LocalResponseNormImpl::forward(const Tensor& input) { return local_response_norm(input, size, alpha, beta, k); }

std::string LocalResponseNormImpl::extra_repr() const {
  return detail::str(size, ", alpha=", alpha, ", beta=", beta, ", k=", k);
}

std::optional<int64_t> LocalResponseNormImpl::mult_adds(const Shape&, const Shape& output) const {
  return output.numel();
}

// ---- squeeze and excitation -----------------------------------------------------------------

SqueezeExciteImpl::SqueezeExciteImpl(int64_t channels, int64_t reduction)
    : Module("SqueezeExcite"), channels(channels) {
  STRIATE_CHECK(channels > 0, "SqueezeExcite: expected channels > 0, got ", channels);
  STRIATE_CHECK(reduction > 0, "SqueezeExcite: expected reduction > 0, got ", reduction);
  squeeze_channels = std::max<int64_t>(1, channels / reduction);
  fc1 = register_module("fc1", Conv2d(channels, squeeze_channels, 1));
  fc2 = register_module("fc2", Conv2d(squeeze_channels, channels, 1));
}

Tensor SqueezeExciteImpl::forward(const Tensor& input) {
  STRIATE_CHECK(input.defined(), "SqueezeExcite: expected a tensor, got None");
  STRIATE_CHECK_SHAPE(input.dim() == 4 && input.size(1) == channels, "SqueezeExcite: expected input of shape (N, ",
                      channels, ", H, W), got shape ", input.sizes());
  // The children come from the registry, so replacing se.fc1 from Python takes effect.
  const auto* squeeze = local_children().find("fc1");
  const auto* excite = local_children().find("fc2");
  STRIATE_CHECK_STATE(squeeze && *squeeze && excite && *excite, "SqueezeExcite: fc1 and fc2 must be modules");
  Tensor squeezed = mean(input, {2, 3}, /*keepdim=*/true);
  Tensor scale = sigmoid((*excite)->call(relu((*squeeze)->call(squeezed))));
  return mul(input, scale);
}

std::string SqueezeExciteImpl::extra_repr() const {
  return detail::str(channels, ", squeeze_channels=", squeeze_channels);
}

}  // namespace striate::nn
