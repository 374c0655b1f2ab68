// batch_norm, layer_norm, group_norm, instance_norm and local_response_norm: checks, the (N, C, L)
// view each op runs its kernel on, running-statistics updates, and the fused backward nodes.
#include "striate/ops/normalization.h"

#include <cmath>

#include "kernels/activation.h"
#include "kernels/elementwise.h"
#include "kernels/normalization.h"
#include "ops/dispatch.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/reduce.h"

namespace striate {
namespace {

void check_input(const Tensor& x, const char* op, int min_dim) {
  STRIATE_CHECK(x.defined(), op, ": expected a tensor, got None");
  dispatch::device_of(op, x);
  STRIATE_CHECK_TYPE(x.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     x.dtype());
  STRIATE_CHECK_SHAPE(x.dim() >= min_dim, op, ": expected an input with at least ", min_dim, " dimensions, got shape ",
                      x.sizes());
}

// An optional per-channel tensor (weight, bias, running statistics): absent, or numel C of x's dtype.
void check_channel_tensor(const Tensor& t, const Tensor& x, int64_t C, const char* op, const char* name) {
  if (!t.defined()) return;
  dispatch::device_of(op, {{"input", x}, {name, t}});
  STRIATE_CHECK_TYPE(t.dtype() == x.dtype(), op, ": expected ", name, " of dtype ", x.dtype(), " (the input's), got ",
                     t.dtype());
  STRIATE_CHECK_SHAPE(t.dim() == 1 && t.size(0) == C, op, ": expected ", name, " of shape (", C, ") for an input with ",
                      C, " channels, got shape ", t.sizes());
}

// The product of x's dims from `first` on (the L of the (N, C, L) view).
int64_t trailing_numel(const Tensor& x, int first) {
  int64_t count = 1;
  for (int d = first; d < x.dim(); ++d) count *= x.size(d);
  return count;
}

template <typename T>
const T* data_or_null(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}

}  // namespace

// ---- batch_norm ---------------------------------------------------------------------------

namespace {

struct BatchNormBackward : autograd::Node {
  autograd::SavedTensor input, weight;
  autograd::SavedTensor bias;    // with the fused ReLU alone: its mask is made again from x
  autograd::SavedTensor output;  // max(0, y + r), with the fused residual add and ReLU
  Tensor mean, invstd;           // (C): the batch's, or a copy of the running statistics used
  int64_t N = 0, C = 0, L = 0;
  bool batch_stats = true;
  bool relu = false;
  bool add = false;  // relu(bn(x) + r): a fourth input, the residual r
  const char* node_name_text() const {
    return add ? "BatchNormAddReluBackward" : (relu ? "BatchNormReluBackward" : "BatchNormBackward");
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const char* node_name = node_name_text();
    Tensor x = input.unpack(node_name).contiguous();
    Tensor gamma = weight.defined() ? weight.unpack(node_name).contiguous() : Tensor();
    Tensor beta = relu && !add && bias.defined() ? bias.unpack(node_name).contiguous() : Tensor();
    Tensor z = add ? output.unpack(node_name).contiguous() : Tensor();
    Tensor dy = grads[0].contiguous();
    Tensor dx = should_compute_input_grad(0) ? empty(x.sizes(), options_of(x)) : Tensor();
    Tensor dgamma = should_compute_input_grad(1) ? empty({C}, options_of(x)) : Tensor();
    Tensor dbeta = should_compute_input_grad(2) ? empty({C}, options_of(x)) : Tensor();
    Tensor dr = add && should_compute_input_grad(3) ? empty(x.sizes(), options_of(x)) : Tensor();
    STRIATE_DISPATCH_FLOATING(x.dtype(), node_name, [&] {
      // dy and x are read twice (the sums, then dx), and the residual tail's z with them.
      STRIATE_PROFILE_BYTES(((dx.defined() ? 3 : 2) + (add ? 2 : 0) + (dr.defined() ? 1 : 0)) * N * C * L *
                            sizeof(scalar_t));
      scalar_t* dx_data = dx.defined() ? dx.data<scalar_t>() : nullptr;
      scalar_t* dgamma_data = dgamma.defined() ? dgamma.data<scalar_t>() : nullptr;
      scalar_t* dbeta_data = dbeta.defined() ? dbeta.data<scalar_t>() : nullptr;
      if (add)
        kernels::batch_norm_add_relu_backward<scalar_t>(
            x.device(), dx_data, dr.defined() ? dr.data<scalar_t>() : nullptr, dgamma_data, dbeta_data,
            dy.data<scalar_t>(), z.data<scalar_t>(), x.data<scalar_t>(), mean.data<scalar_t>(), invstd.data<scalar_t>(),
            data_or_null<scalar_t>(gamma), N, C, L, batch_stats);
      else if (relu)
        kernels::batch_norm_relu_backward<scalar_t>(x.device(), dx_data, dgamma_data, dbeta_data, dy.data<scalar_t>(),
                                                    x.data<scalar_t>(), mean.data<scalar_t>(), invstd.data<scalar_t>(),
                                                    data_or_null<scalar_t>(gamma), data_or_null<scalar_t>(beta), N, C,
                                                    L, batch_stats);
      else
        kernels::batch_norm_backward<scalar_t>(x.device(), dx_data, dgamma_data, dbeta_data, dy.data<scalar_t>(),
                                               x.data<scalar_t>(), mean.data<scalar_t>(), invstd.data<scalar_t>(),
                                               data_or_null<scalar_t>(gamma), N, C, L, batch_stats);
    });
    if (add) return {dx, dgamma, dbeta, dr};
    return {dx, dgamma, dbeta};
  }
  std::string name() const override { return node_name_text(); }
  // torch shows the fused pair as its two nodes: ReluBackward0 -> NativeBatchNormBackward0, and
  // the fused residual tail as three: ReluBackward0 -> AddBackward0 -> (NativeBatchNormBackward0, r).
  std::string torch_name() const override { return relu ? "ReluBackward0" : "NativeBatchNormBackward0"; }
  std::vector<autograd::Edge> torch_next_edges() const override {
    if (!relu) return next_edges();
    const std::vector<autograd::Edge>& edges = next_edges();
    if (!add) return {autograd::Edge{autograd::presented_node("NativeBatchNormBackward0", edges), 0}};
    std::vector<autograd::Edge> bn_edges(edges.begin(), edges.begin() + 3);
    autograd::Edge bn{autograd::presented_node("NativeBatchNormBackward0", bn_edges), 0};
    return {autograd::Edge{autograd::presented_node("AddBackward0", {bn, edges[3]}), 0}};
  }
  void release_saved() override {
    input.reset();
    weight.reset();
    bias.reset();
    output.reset();
  }
};

// running = (1 - momentum) * running + momentum * batch, in place and unrecorded.
void update_running_stat(const Tensor& running, const Tensor& batch, double momentum) {
  NoGradGuard no_grad;
  Tensor target = running.detach();
  Tensor updated = add(mul(target, 1.0 - momentum), mul(batch, momentum));
  copy_(target, updated);
}

}  // namespace

namespace {

// batch_norm, followed by a ReLU in the same pass when `relu`, with `residual` (when defined: same
// shape, dtype and device as input, checked by the caller) added before the ReLU.
Tensor batch_norm_impl(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                       const Tensor& bias, bool training, double momentum, double eps, bool relu,
                       const Tensor& residual = Tensor()) {
  const bool with_residual = residual.defined();
  const char* op = with_residual ? "batch_norm_add_relu" : (relu ? "batch_norm_relu" : "batch_norm");
  check_input(input, op, 2);
  // A 16-bit input computes in float32; float32 parameters with it are fine (PyTorch's mixed type).
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), batch_norm_impl, input, running_mean, running_var, weight, bias, training,
                             momentum, eps, relu);
  // An empty batch normalizes to an empty output and leaves the running statistics alone (PyTorch).
  if (input.numel() == 0) return mul(input, 1.0);
  const int64_t N = input.size(0), C = input.size(1), L = trailing_numel(input, 2);
  check_channel_tensor(running_mean, input, C, op, "running_mean");
  check_channel_tensor(running_var, input, C, op, "running_var");
  check_channel_tensor(weight, input, C, op, "weight");
  check_channel_tensor(bias, input, C, op, "bias");
  STRIATE_CHECK(running_mean.defined() == running_var.defined(), op,
                ": expected running_mean and running_var both given or both None, got ",
                running_mean.defined() ? "running_var=None" : "running_mean=None");
  STRIATE_CHECK(training || running_mean.defined(), op,
                ": expected running_mean and running_var when training=False, got None");
  STRIATE_CHECK(eps >= 0, op, ": expected eps >= 0, got ", eps);
  const int64_t count = N * L;
  STRIATE_CHECK(!training || count > 1, op,
                ": expected more than 1 value per channel when training, got input of shape ", input.sizes());

  Tensor x = input.contiguous();
  Tensor gamma = weight.defined() ? weight.contiguous() : Tensor();
  Tensor beta = bias.defined() ? bias.contiguous() : Tensor();
  const TensorOptions options = options_of(input);
  Tensor mean = empty({C}, options), invstd = empty({C}, options);
  STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
    Tensor var;
    if (training) {
      var = empty({C}, options);
      STRIATE_PROFILE_BYTES((N * C * L + 2 * C) * sizeof(scalar_t));
      kernels::batch_norm_stats<scalar_t>(x.device(), mean.data<scalar_t>(), var.data<scalar_t>(), x.data<scalar_t>(),
                                          N, C, L);
      if (running_mean.defined()) {
        update_running_stat(running_mean, mean, momentum);
        const double unbiased = static_cast<double>(count) / static_cast<double>(count - 1);
        update_running_stat(running_var, mul(var, unbiased), momentum);
      }
    } else {
      kernels::copy(x.device(), mean, running_mean.reshape({C}));
      var = running_var.contiguous();
    }
    kernels::batch_norm_invstd<scalar_t>(x.device(), invstd.data<scalar_t>(), var.data<scalar_t>(), C, eps);
  });

  Tensor y = empty(input.sizes(), options);
  if (y.numel() > 0 && with_residual) {
    const Tensor r = residual.contiguous();
    STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
      STRIATE_PROFILE_BYTES((3 * N * C * L + 4 * C) * sizeof(scalar_t));
      kernels::batch_norm_add_relu_apply<scalar_t>(
          y.device(), y.data<scalar_t>(), x.data<scalar_t>(), r.data<scalar_t>(), mean.data<scalar_t>(),
          invstd.data<scalar_t>(), data_or_null<scalar_t>(gamma), data_or_null<scalar_t>(beta), N, C, L);
    });
  } else if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
      STRIATE_PROFILE_BYTES((2 * N * C * L + 4 * C) * sizeof(scalar_t));
      (relu ? kernels::batch_norm_relu_apply<scalar_t>
            : kernels::batch_norm_apply<scalar_t>)(y.device(), y.data<scalar_t>(), x.data<scalar_t>(),
                                                   mean.data<scalar_t>(), invstd.data<scalar_t>(),
                                                   data_or_null<scalar_t>(gamma), data_or_null<scalar_t>(beta), N, C,
                                                   L);
    });
  }
  if (autograd::any_requires_grad({&input, &weight, &bias, &residual})) {
    auto node = std::make_shared<BatchNormBackward>();
    node->input = autograd::SavedTensor(input);
    if (weight.defined()) node->weight = autograd::SavedTensor(weight);
    node->mean = mean;
    node->invstd = invstd;
    node->N = N;
    node->C = C;
    node->L = L;
    node->batch_stats = training;
    node->relu = relu;
    node->add = with_residual;
    if (with_residual)
      autograd::record(node, {&input, &weight, &bias, &residual}, y);
    else
      autograd::record(node, {&input, &weight, &bias}, y);
    if (with_residual)
      node->output = autograd::SavedTensor(y);
    else if (relu && bias.defined())
      node->bias = autograd::SavedTensor(bias);
  }
  return y;
}

}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  return batch_norm_impl(input, running_mean, running_var, weight, bias, training, momentum, eps, false);
}

Tensor batch_norm_relu(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                       const Tensor& bias, bool training, double momentum, double eps) {
  const bool fused_kernels = input.defined() &&
                             kernels::batch_norm_relu_apply<float>.implemented_on(input.device().type) &&
                             kernels::batch_norm_relu_backward<float>.implemented_on(input.device().type);
  if (!fused_kernels || input.numel() == 0)
    return relu(batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps));
  return batch_norm_impl(input, running_mean, running_var, weight, bias, training, momentum, eps, true);
}

Tensor batch_norm_add_relu(const Tensor& input, const Tensor& residual, const Tensor& running_mean,
                           const Tensor& running_var, const Tensor& weight, const Tensor& bias, bool training,
                           double momentum, double eps) {
  const char* op = "batch_norm_add_relu";
  STRIATE_CHECK(residual.defined(), op, ": expected a residual tensor, got None");
  dispatch::device_of(op, {{"input", input}, {"residual", residual}});
  check_input(input, op, 2);
  // The fused kernels take a float32/float64 residual of the input's shape on the same device; anything else (a
  // 16-bit or broadcast residual, a device without the kernels) runs the three ops, which check and report as usual.
  const bool fused = input.defined() && (input.dtype() == DType::Float32 || input.dtype() == DType::Float64) &&
                     residual.dtype() == input.dtype() && residual.sizes() == input.sizes() &&
                     residual.device() == input.device() && input.numel() > 0 &&
                     kernels::batch_norm_add_relu_apply<float>.implemented_on(input.device().type) &&
                     kernels::batch_norm_add_relu_backward<float>.implemented_on(input.device().type);
  if (!fused)
    return relu(add(batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps), residual));
  return batch_norm_impl(input, running_mean, running_var, weight, bias, training, momentum, eps, true, residual);
}

// ---- group_norm (and layer_norm, instance_norm) ----------------------------------------------

namespace {

struct GroupNormBackward : autograd::Node {
  autograd::SavedTensor input, weight;
  Tensor mean, invstd;  // (N, G)
  int64_t N = 0, C = 0, L = 0, G = 1;
  std::string op_name = "GroupNormBackward";
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack(op_name.c_str()).contiguous();
    Tensor gamma = weight.defined() ? weight.unpack(op_name.c_str()).contiguous() : Tensor();
    Tensor dy = grads[0].contiguous();
    Tensor dx = should_compute_input_grad(0) ? empty(x.sizes(), options_of(x)) : Tensor();
    Tensor dgamma = should_compute_input_grad(1) ? empty({C}, options_of(x)) : Tensor();
    Tensor dbeta = should_compute_input_grad(2) ? empty({C}, options_of(x)) : Tensor();
    STRIATE_DISPATCH_FLOATING(x.dtype(), op_name.c_str(), [&] {
      STRIATE_PROFILE_BYTES((dx.defined() ? 3 : 2) * N * C * L * sizeof(scalar_t));
      kernels::group_norm_backward<scalar_t>(x.device(), dx.defined() ? dx.data<scalar_t>() : nullptr,
                                             dgamma.defined() ? dgamma.data<scalar_t>() : nullptr,
                                             dbeta.defined() ? dbeta.data<scalar_t>() : nullptr, dy.data<scalar_t>(),
                                             x.data<scalar_t>(), mean.data<scalar_t>(), invstd.data<scalar_t>(),
                                             data_or_null<scalar_t>(gamma), N, C, L, G);
    });
    // layer_norm's weight has the normalized shape, not (C).
    if (dgamma.defined()) dgamma = dgamma.view(affine_shape);
    if (dbeta.defined()) dbeta = dbeta.view(affine_shape);
    return {dx, dgamma, dbeta};
  }
  std::string name() const override { return op_name; }
  void release_saved() override {
    input.reset();
    weight.reset();
  }
  Shape affine_shape;
};

// Normalizes input seen as (N, C, L) per (sample, group of C / G channels); weight / bias hold C
// values in any shape (layer_norm's is the normalized shape).
Tensor grouped_norm(const Tensor& input, int64_t N, int64_t C, int64_t L, int64_t G, const Tensor& weight,
                    const Tensor& bias, double eps, const char* backward_name) {
  Tensor x = input.contiguous();
  Tensor gamma = weight.defined() ? weight.contiguous() : Tensor();
  Tensor beta = bias.defined() ? bias.contiguous() : Tensor();
  const TensorOptions options = options_of(input);
  Tensor y = empty(input.sizes(), options);
  Tensor mean = empty({N, G}, options), invstd = empty({N, G}, options);
  if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(input.dtype(), backward_name, [&] {
      STRIATE_PROFILE_BYTES((2 * N * C * L + 2 * N * G) * sizeof(scalar_t));
      kernels::group_norm_forward<scalar_t>(y.device(), y.data<scalar_t>(), mean.data<scalar_t>(),
                                            invstd.data<scalar_t>(), x.data<scalar_t>(), data_or_null<scalar_t>(gamma),
                                            data_or_null<scalar_t>(beta), N, C, L, G, eps);
    });
  }
  if (autograd::any_requires_grad({&input, &weight, &bias})) {
    auto node = std::make_shared<GroupNormBackward>();
    node->input = autograd::SavedTensor(input);
    if (weight.defined()) node->weight = autograd::SavedTensor(weight);
    node->mean = mean;
    node->invstd = invstd;
    node->N = N;
    node->C = C;
    node->L = L;
    node->G = G;
    node->op_name = backward_name;
    node->affine_shape = weight.defined() ? weight.sizes() : (bias.defined() ? bias.sizes() : Shape{C});
    autograd::record(node, {&input, &weight, &bias}, y);
  }
  return y;
}

}  // namespace

Tensor layer_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps) {
  const char* op = "layer_norm";
  STRIATE_AUTOCAST(CastPolicy::Float32OnCuda, layer_norm, input, normalized_shape, weight, bias, eps);
  check_input(input, op, 0);
  // weight and bias are read by the kernel of the input's device: one device for all three (a CPU
  // input with a cuda:0 weight read device memory on the host).
  dispatch::device_of(op, {{"input", input}, {"weight", weight}, {"bias", bias}});
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), layer_norm, input, normalized_shape, weight, bias, eps);
  STRIATE_CHECK(!normalized_shape.empty(), op, ": expected a non-empty normalized_shape, got []");
  const int normalized_dims = static_cast<int>(normalized_shape.size());
  bool matches = input.dim() >= normalized_dims;
  for (int i = 0; matches && i < normalized_dims; ++i) {
    matches = input.size(input.dim() - normalized_dims + i) == normalized_shape[i];
  }
  STRIATE_CHECK_SHAPE(matches, op, ": expected input with shape (*, ", Shape(normalized_shape),
                      ") for normalized_shape=", Shape(normalized_shape), ", got input of shape ", input.sizes());
  for (const Tensor* affine : {&weight, &bias}) {
    if (!affine->defined()) continue;
    const char* name = affine == &weight ? "weight" : "bias";
    STRIATE_CHECK_TYPE(affine->dtype() == input.dtype(), op, ": expected ", name, " of dtype ", input.dtype(),
                       " (the input's), got ", affine->dtype());
    STRIATE_CHECK_SHAPE(affine->sizes() == Shape(normalized_shape), op, ": expected ", name, " of shape ",
                        Shape(normalized_shape), " (normalized_shape), got shape ", affine->sizes());
  }
  STRIATE_CHECK(eps >= 0, op, ": expected eps >= 0, got ", eps);
  const int64_t D = trailing_numel(input, input.dim() - normalized_dims);
  const int64_t rows = D > 0 ? input.numel() / D : trailing_numel(input, 0);
  return grouped_norm(input, rows, D, 1, 1, weight, bias, eps, "LayerNormBackward");
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias, double eps) {
  const char* op = "group_norm";
  STRIATE_AUTOCAST(CastPolicy::Float32OnCuda, group_norm, input, num_groups, weight, bias, eps);
  check_input(input, op, 2);
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), group_norm, input, num_groups, weight, bias, eps);
  const int64_t N = input.size(0), C = input.size(1), L = trailing_numel(input, 2);
  STRIATE_CHECK(num_groups > 0, op, ": expected num_groups > 0, got ", num_groups);
  STRIATE_CHECK(C % num_groups == 0, op, ": expected the number of channels (", C,
                ") to be divisible by num_groups, got num_groups=", num_groups);
  check_channel_tensor(weight, input, C, op, "weight");
  check_channel_tensor(bias, input, C, op, "bias");
  STRIATE_CHECK(eps >= 0, op, ": expected eps >= 0, got ", eps);
  return grouped_norm(input, N, C, L, num_groups, weight, bias, eps, "GroupNormBackward");
}

Tensor instance_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                     const Tensor& bias, bool use_input_stats, double momentum, double eps) {
  const char* op = "instance_norm";
  check_input(input, op, 3);
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), instance_norm, input, running_mean, running_var, weight, bias,
                             use_input_stats, momentum, eps);
  if (input.numel() == 0) return mul(input, 1.0);  // as PyTorch: an empty input gives an empty output
  const int64_t N = input.size(0), C = input.size(1), L = trailing_numel(input, 2);
  check_channel_tensor(running_mean, input, C, op, "running_mean");
  check_channel_tensor(running_var, input, C, op, "running_var");
  check_channel_tensor(weight, input, C, op, "weight");
  check_channel_tensor(bias, input, C, op, "bias");
  STRIATE_CHECK(running_mean.defined() == running_var.defined(), op,
                ": expected running_mean and running_var both given or both None, got ",
                running_mean.defined() ? "running_var=None" : "running_mean=None");
  STRIATE_CHECK(use_input_stats || running_mean.defined(), op,
                ": expected running_mean and running_var when use_input_stats=False, got None");
  STRIATE_CHECK(!use_input_stats || L > 1, op,
                ": expected more than 1 spatial element per channel, got input of shape ", input.sizes());
  STRIATE_CHECK(eps >= 0, op, ": expected eps >= 0, got ", eps);
  if (!running_mean.defined()) return grouped_norm(input, N, C, L, C, weight, bias, eps, "InstanceNormBackward");

  // With running statistics, PyTorch's definition: batch norm of the input seen as (1, N * C, L)
  // with every per-channel tensor repeated N times; each running statistic then becomes the mean
  // of its N updated copies.
  auto repeat = [&](const Tensor& per_channel) {
    return per_channel.defined() ? per_channel.unsqueeze(0).expand({N, C}).reshape({N * C}) : Tensor();
  };
  Tensor repeated_mean, repeated_var;
  {
    NoGradGuard no_grad;
    repeated_mean = repeat(running_mean.detach()).clone();
    repeated_var = repeat(running_var.detach()).clone();
  }
  Tensor y = batch_norm(input.reshape({1, N * C, L}), repeated_mean, repeated_var, repeat(weight), repeat(bias),
                        use_input_stats, momentum, eps);
  if (use_input_stats) {
    NoGradGuard no_grad;
    Tensor mean_target = running_mean.detach(), var_target = running_var.detach();
    copy_(mean_target, repeated_mean.view({N, C}).mean({0}));
    copy_(var_target, repeated_var.view({N, C}).mean({0}));
  }
  return y.reshape(input.sizes());
}

// ---- local_response_norm ------------------------------------------------------------------

namespace {

struct LocalResponseNormBackward : autograd::Node {
  autograd::SavedTensor input;
  Tensor denom;
  int64_t N = 0, C = 0, L = 0, size = 1;
  double alpha = 0, beta = 0;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack("LocalResponseNormBackward").contiguous();
    Tensor dy = grads[0].contiguous();
    Tensor dx = empty(x.sizes(), options_of(x));
    if (x.numel() == 0) return {dx};
    STRIATE_DISPATCH_FLOATING(x.dtype(), "LocalResponseNormBackward", [&] {
      STRIATE_PROFILE_BYTES(4 * x.numel() * sizeof(scalar_t));
      kernels::local_response_norm_backward<scalar_t>(dx.device(), dx.data<scalar_t>(), dy.data<scalar_t>(),
                                                      x.data<scalar_t>(), denom.data<scalar_t>(), N, C, L, size, alpha,
                                                      beta);
    });
    return {dx};
  }
  std::string name() const override { return "LocalResponseNormBackward"; }
  void release_saved() override {
    input.reset();
    denom = Tensor();
  }
};

}  // namespace

Tensor local_response_norm(const Tensor& input, int64_t size, double alpha, double beta, double k) {
  const char* op = "local_response_norm";
  check_input(input, op, 3);
  STRIATE_CHECK(size > 0, op, ": expected size > 0, got ", size);
  const int64_t N = input.size(0), C = input.size(1), L = trailing_numel(input, 2);
  Tensor x = input.contiguous();
  const TensorOptions options = options_of(input);
  Tensor y = empty(input.sizes(), options), denom = empty(input.sizes(), options);
  if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
      STRIATE_PROFILE_BYTES(3 * y.numel() * sizeof(scalar_t));
      kernels::local_response_norm_forward<scalar_t>(y.device(), y.data<scalar_t>(), denom.data<scalar_t>(),
                                                     x.data<scalar_t>(), N, C, L, size, alpha, beta, k);
    });
  }
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<LocalResponseNormBackward>();
    node->input = autograd::SavedTensor(input);
    node->denom = denom;
    node->N = N;
    node->C = C;
    node->L = L;
    node->size = size;
    node->alpha = alpha;
    node->beta = beta;
    autograd::record(node, {&input}, y);
  }
  return y;
}

STRIATE_REGISTER_OP("batch_norm", &kernels::batch_norm_stats<float>, &kernels::batch_norm_apply<float>,
                    &kernels::batch_norm_backward<float>, &kernels::batch_norm_invstd<float>, &kernels::copy);
// The kernels every device needs: the three ops it falls back to where the fused kernels
// (batch_norm_add_relu_apply / _backward, CPU only) are missing.
STRIATE_REGISTER_OP("batch_norm_add_relu", &kernels::batch_norm_stats<float>, &kernels::batch_norm_apply<float>,
                    &kernels::batch_norm_backward<float>, &kernels::batch_norm_invstd<float>, &kernels::copy,
                    &kernels::binary_add, &kernels::relu_forward<float>, &kernels::relu_backward<float>);
STRIATE_REGISTER_OP("instance_norm", &kernels::batch_norm_stats<float>, &kernels::batch_norm_apply<float>,
                    &kernels::batch_norm_backward<float>, &kernels::batch_norm_invstd<float>, &kernels::copy);
STRIATE_REGISTER_OP("group_norm", &kernels::group_norm_forward<float>, &kernels::group_norm_backward<float>);
STRIATE_REGISTER_OP("layer_norm", &kernels::group_norm_forward<float>, &kernels::group_norm_backward<float>);
STRIATE_REGISTER_OP("local_response_norm", &kernels::local_response_norm_forward<float>,
                    &kernels::local_response_norm_backward<float>);

}  // namespace striate
