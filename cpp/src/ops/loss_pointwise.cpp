// Elementwise losses (mse, l1, smooth_l1, huber, binary cross-entropy with probabilities or
// logits, kl_div) and the weight penalties. Most are composed from differentiable ops; the two
// with edge cases in their domain (log 0) have kernels and backward nodes here.
#include "kernels/elementwise.h"
#include "kernels/loss.h"
#include "kernels/reduce.h"
#include "ops/dispatch.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/loss.h"
#include "striate/ops/reduce.h"

namespace striate {
namespace {

void check_floating_pair(const Tensor& input, const Tensor& target, const char* op) {
  STRIATE_CHECK(input.defined() && target.defined(), op, ": expected 'input' and 'target' tensors, got None");
  dispatch::device_of(op, {{"input", input}, {"target", target}});
  STRIATE_CHECK_TYPE(input.is_floating_point() && target.is_floating_point(), op,
                     ": expected floating-point 'input' and 'target', got ", input.dtype(), " and ", target.dtype());
  STRIATE_CHECK_TYPE(input.dtype() == target.dtype(), op, ": expected 'input' and 'target' of the same dtype, got ",
                     input.dtype(), " and ", target.dtype());
}

// The regression losses broadcast input against target, as PyTorch does (with a warning there).
Tensor difference(const Tensor& input, const Tensor& target, const char* op) {
  STRIATE_AUTOCAST(CastPolicy::Float32, difference, input, target, op);  // mse, l1, smooth_l1, huber
  check_floating_pair(input, target, op);
  broadcast_shapes(input.sizes(), target.sizes(), op);
  return sub(input, target);
}

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  STRIATE_CHECK_SHAPE(input.sizes() == target.sizes(), op, ": expected 'target' of the input's shape ", input.sizes(),
                      ", got ", target.sizes());
}

// An optional elementwise weight, broadcast against the losses by mul.
Tensor weighted(const Tensor& losses, const Tensor& weight, const char* op, const char* name) {
  if (!weight.defined()) return losses;
  STRIATE_CHECK_TYPE(weight.dtype() == losses.dtype(), op, ": expected '", name, "' of the input's dtype ",
                     losses.dtype(), ", got ", weight.dtype());
  broadcast_shapes(losses.sizes(), weight.sizes(), op);
  return mul(losses, weight);
}

}  // namespace

static Tensor mse_loss_parts(const Tensor& input, const Tensor& target, Reduction reduction) {
  Tensor d = difference(input, target, "mse_loss");
  return apply_reduction(mul(d, d), reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return apply_reduction(abs(difference(input, target, "l1_loss")), reduction);
}

static Tensor smooth_l1_loss_parts(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  STRIATE_CHECK(beta >= 0, "smooth_l1_loss: expected beta >= 0, got ", beta);
  Tensor d = difference(input, target, "smooth_l1_loss");
  Tensor distance = abs(d);
  // beta = 0 would divide by zero in the (unselected) quadratic branch and poison its gradient.
  if (beta == 0) return apply_reduction(distance, reduction);
  Tensor quadratic = mul(mul(d, d), Scalar(0.5 / beta));
  return apply_reduction(where(lt(distance, Scalar(beta)), quadratic, sub(distance, Scalar(0.5 * beta))), reduction);
}

static Tensor huber_loss_parts(const Tensor& input, const Tensor& target, Reduction reduction, double delta) {
  STRIATE_CHECK(delta > 0, "huber_loss: expected delta > 0, got ", delta);
  Tensor d = difference(input, target, "huber_loss");
  Tensor distance = abs(d);
  Tensor quadratic = mul(mul(d, d), Scalar(0.5));
  Tensor linear = mul(sub(distance, Scalar(0.5 * delta)), Scalar(delta));
  return apply_reduction(where(lt(distance, Scalar(delta)), quadratic, linear), reduction);
}

// ---- binary_cross_entropy ---------------------------------------------------------------------

namespace {

struct BinaryCrossEntropyBackward : autograd::Node {
  autograd::SavedTensor input;   // contiguous
  autograd::SavedTensor target;  // contiguous
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack("BinaryCrossEntropyBackward");
    Tensor t = target.unpack("BinaryCrossEntropyBackward");
    Tensor dloss = grads[0].contiguous();
    Tensor dx = should_compute_input_grad(0) ? empty(x.sizes(), options_of(x)) : Tensor();
    Tensor dt = should_compute_input_grad(1) ? empty(x.sizes(), options_of(x)) : Tensor();
    STRIATE_DISPATCH_FLOATING(x.dtype(), "BinaryCrossEntropyBackward", [&] {
      STRIATE_PROFILE_BYTES((dloss.numel() + (2 + dx.defined() + dt.defined()) * x.numel()) * sizeof(scalar_t));
      kernels::binary_cross_entropy_backward<scalar_t>(
          x.device(), dx.defined() ? dx.data<scalar_t>() : nullptr, dt.defined() ? dt.data<scalar_t>() : nullptr,
          dloss.data<scalar_t>(), x.data<scalar_t>(), t.data<scalar_t>(), x.numel());
    });
    return {dx, dt};
  }
  std::string name() const override { return "BinaryCrossEntropyBackward"; }
  void release_saved() override {
    input.reset();
    target.reset();
  }
};

}  // namespace

static Tensor binary_cross_entropy_parts(const Tensor& input, const Tensor& target, const Tensor& weight,
                                         Reduction reduction) {
  const char* op = "binary_cross_entropy";
  STRIATE_AUTOCAST(CastPolicy::Float32, binary_cross_entropy, input, target, weight, reduction);
  check_floating_pair(input, target, op);
  check_same_shape(input, target, op);
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), binary_cross_entropy, input, target, weight, reduction);
  Tensor x = input.contiguous();
  Tensor t = target.contiguous();
  // The range check reads a host copy of a device input (one copy; the kernel trusts the range).
  const Tensor host_x = x.device().is_cpu() ? x : x.detach().to(Device(DeviceType::CPU));
  STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
    const scalar_t* values = host_x.data<scalar_t>();
    for (int64_t i = 0; i < x.numel(); ++i)
      STRIATE_CHECK(values[i] >= 0 && values[i] <= 1, op,
                    ": expected every element of 'input' to be a probability in [0, 1], got ", values[i],
                    " (use binary_cross_entropy_with_logits for logits)");
  });
  Tensor losses = empty(x.sizes(), options_of(x));
  STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES(3 * x.numel() * sizeof(scalar_t));
    kernels::binary_cross_entropy_forward<scalar_t>(losses.device(), losses.data<scalar_t>(), x.data<scalar_t>(),
                                                    t.data<scalar_t>(), x.numel());
  });
  if (autograd::needs_grad(input, target)) {
    auto node = std::make_shared<BinaryCrossEntropyBackward>();
    node->input = autograd::SavedTensor(x);
    node->target = autograd::SavedTensor(t);
    autograd::record(node, {&input, &target}, losses);
  }
  return apply_reduction(weighted(losses, weight, op, "weight"), reduction);
}

static Tensor binary_cross_entropy_with_logits_parts(const Tensor& input, const Tensor& target, const Tensor& weight,
                                                     Reduction reduction, const Tensor& pos_weight) {
  const char* op = "binary_cross_entropy_with_logits";
  STRIATE_AUTOCAST(CastPolicy::Float32, binary_cross_entropy_with_logits, input, target, weight, reduction, pos_weight);
  check_floating_pair(input, target, op);
  check_same_shape(input, target, op);
  // softplus(-x) = log(1 + exp(-x)) never overflows (it returns -x past its threshold), so
  // logits of any magnitude give finite losses and gradients sigmoid(x) - t.
  Tensor log_sigmoid_negated = softplus(neg(input));
  Tensor positive_scale;
  if (pos_weight.defined()) {
    STRIATE_CHECK_TYPE(pos_weight.dtype() == input.dtype(), op, ": expected 'pos_weight' of the input's dtype ",
                       input.dtype(), ", got ", pos_weight.dtype());
    broadcast_shapes(input.sizes(), pos_weight.sizes(), op);
    positive_scale = add(mul(target, sub(pos_weight, Scalar(1))), Scalar(1));  // 1 + (pos_weight - 1) t
    log_sigmoid_negated = mul(positive_scale, log_sigmoid_negated);
  }
  Tensor losses = add(mul(rsub(target, Scalar(1)), input), log_sigmoid_negated);
  return apply_reduction(weighted(losses, weight, op, "weight"), reduction);
}

// ---- kl_div ---------------------------------------------------------------------------------------

namespace {

struct KlDivBackward : autograd::Node {
  autograd::SavedTensor input;   // contiguous
  autograd::SavedTensor target;  // contiguous
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack("KlDivBackward");
    Tensor t = target.unpack("KlDivBackward");
    Tensor dloss = grads[0].contiguous();
    Tensor dx = should_compute_input_grad(0) ? empty(x.sizes(), options_of(x)) : Tensor();
    Tensor dt = should_compute_input_grad(1) ? empty(x.sizes(), options_of(x)) : Tensor();
    STRIATE_DISPATCH_FLOATING(x.dtype(), "KlDivBackward", [&] {
      STRIATE_PROFILE_BYTES((dloss.numel() + (2 + dx.defined() + dt.defined()) * x.numel()) * sizeof(scalar_t));
      kernels::kl_div_backward<scalar_t>(x.device(), dx.defined() ? dx.data<scalar_t>() : nullptr,
                                         dt.defined() ? dt.data<scalar_t>() : nullptr, dloss.data<scalar_t>(),
                                         x.data<scalar_t>(), t.data<scalar_t>(), x.numel());
    });
    return {dx, dt};
  }
  std::string name() const override { return "KlDivBackward"; }
  void release_saved() override {
    input.reset();
    target.reset();
  }
};

}  // namespace

Tensor kl_div(const Tensor& input, const Tensor& target, const std::string& reduction, bool log_target) {
  const char* op = "kl_div";
  STRIATE_CHECK(reduction == "none" || reduction == "mean" || reduction == "batchmean" || reduction == "sum", op,
                ": reduction must be 'none', 'mean', 'batchmean' or 'sum', got '", reduction, "'");
  check_floating_pair(input, target, op);
  check_same_shape(input, target, op);
  Tensor losses;
  if (log_target) {
    losses = mul(exp(target), sub(target, input));
  } else {
    Tensor x = input.contiguous();
    Tensor t = target.contiguous();
    losses = empty(x.sizes(), options_of(x));
    STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
      STRIATE_PROFILE_BYTES(3 * x.numel() * sizeof(scalar_t));
      kernels::kl_div_forward<scalar_t>(losses.device(), losses.data<scalar_t>(), x.data<scalar_t>(),
                                        t.data<scalar_t>(), x.numel());
    });
    if (autograd::needs_grad(input, target)) {
      auto node = std::make_shared<KlDivBackward>();
      node->input = autograd::SavedTensor(x);
      node->target = autograd::SavedTensor(t);
      autograd::record(node, {&input, &target}, losses);
    }
  }
  if (reduction == "batchmean") {
    const double batch = input.dim() == 0 ? 1.0 : static_cast<double>(input.size(0));
    return div(sum(losses), Scalar(batch));
  }
  return apply_reduction(losses, parse_reduction(reduction, op));
}

// ---- weight penalties -----------------------------------------------------------------------------

namespace {

Tensor penalty_sum(const std::vector<Tensor>& params, const char* op, Tensor (*term)(const Tensor&)) {
  Tensor total;
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    STRIATE_CHECK(p.defined(), op, ": expected a tensor at params[", i, "], got None");
    STRIATE_CHECK_TYPE(p.is_floating_point(), op, ": expected floating-point parameters, got ", p.dtype(),
                       " at params[", i, "]");
    Tensor part = sum(term(p));
    total = total.defined() ? add(total, part) : part;
  }
  return total.defined() ? total : zeros({}, TensorOptions(DType::Float32));
}

Tensor absolute(const Tensor& p) { return abs(p); }
Tensor squared(const Tensor& p) { return mul(p, p); }

}  // namespace

Tensor l1_penalty(const std::vector<Tensor>& params) { return penalty_sum(params, "l1_penalty", &absolute); }

Tensor l2_penalty(const std::vector<Tensor>& params) { return penalty_sum(params, "l2_penalty", &squared); }

Tensor elastic_net_penalty(const std::vector<Tensor>& params, double alpha, double l1_ratio) {
  const char* op = "elastic_net_penalty";
  STRIATE_CHECK(alpha >= 0, op, ": expected alpha >= 0, got ", alpha);
  STRIATE_CHECK(l1_ratio >= 0 && l1_ratio <= 1, op, ": expected l1_ratio in [0, 1], got ", l1_ratio);
  for (const Tensor& p : params) dispatch::device_of(op, {{"parameter", p}});
  Tensor l1 = penalty_sum(params, op, &absolute);
  Tensor l2 = penalty_sum(params, op, &squared);
  return mul(add(mul(l1, Scalar(l1_ratio)), mul(l2, Scalar((1 - l1_ratio) / 2))), Scalar(alpha));
}

STRIATE_REGISTER_OP("binary_cross_entropy", &kernels::binary_cross_entropy_forward<float>,
                    &kernels::binary_cross_entropy_backward<float>);
STRIATE_REGISTER_OP("kl_div", &kernels::kl_div_forward<float>, &kernels::kl_div_backward<float>);
STRIATE_REGISTER_OP("mse_loss", &kernels::binary_add, &kernels::binary_sub, &kernels::binary_mul, &kernels::binary_div,
                    &kernels::unary, &kernels::compare, &kernels::where, &kernels::sum_reduce<float, float>);
STRIATE_REGISTER_OP("huber_loss", &kernels::binary_add, &kernels::binary_sub, &kernels::binary_mul,
                    &kernels::binary_div, &kernels::unary, &kernels::compare, &kernels::where,
                    &kernels::sum_reduce<float, float>);
STRIATE_REGISTER_OP("smooth_l1_loss", &kernels::binary_add, &kernels::binary_sub, &kernels::binary_mul,
                    &kernels::binary_div, &kernels::unary, &kernels::compare, &kernels::where,
                    &kernels::sum_reduce<float, float>);
STRIATE_REGISTER_OP("binary_cross_entropy_with_logits", &kernels::binary_add, &kernels::binary_sub,
                    &kernels::binary_mul, &kernels::binary_div, &kernels::unary, &kernels::compare, &kernels::where,
                    &kernels::sum_reduce<float, float>);
STRIATE_REGISTER_OP("elastic_net_penalty", &kernels::binary_add, &kernels::binary_sub, &kernels::binary_mul,
                    &kernels::binary_div, &kernels::unary, &kernels::compare, &kernels::where,
                    &kernels::sum_reduce<float, float>);

// ---- one named node per loss, as PyTorch records them -----------------------------------------

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return autograd::record_composite(
      "MseLossBackward", "MseLossBackward0", {input, target},
      [&](const std::vector<Tensor>& in) { return mse_loss_parts(in[0], in[1], reduction); });
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  return autograd::record_composite(
      "SmoothL1LossBackward", "SmoothL1LossBackward0", {input, target},
      [&](const std::vector<Tensor>& in) { return smooth_l1_loss_parts(in[0], in[1], reduction, beta); });
}

Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction, double delta) {
  return autograd::record_composite(
      "HuberLossBackward", "HuberLossBackward0", {input, target},
      [&](const std::vector<Tensor>& in) { return huber_loss_parts(in[0], in[1], reduction, delta); });
}

// weight and pos_weight are constants of the loss, as in torch (no gradient; torch shows the
// node over input and target only).
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, Reduction reduction) {
  return autograd::record_composite(
      "BinaryCrossEntropyLossBackward", "BinaryCrossEntropyBackward0", {input, target},
      [&](const std::vector<Tensor>& in) { return binary_cross_entropy_parts(in[0], in[1], weight, reduction); });
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight,
                                        Reduction reduction, const Tensor& pos_weight) {
  return autograd::record_composite("BinaryCrossEntropyWithLogitsBackward", "BinaryCrossEntropyWithLogitsBackward0",
                                    {input, target}, [&](const std::vector<Tensor>& in) {
                                      return binary_cross_entropy_with_logits_parts(in[0], in[1], weight, reduction,
                                                                                    pos_weight);
                                    });
}

}  // namespace striate
