// Adam and AdamW with PyTorch's update rule (torch.optim.Adam / AdamW), per parameter p with
// gradient g at step t (counted from 1):
//   p = p * (1 - lr * weight_decay)                     (AdamW: decoupled weight decay)
//   g = g + weight_decay * p                            (Adam: L2 penalty in the gradient)
//   m = m + (1 - beta1) * (g - m)                       (= beta1 * m + (1 - beta1) * g)
//   v = beta2 * v + (1 - beta2) * g * g
//   v_max = max(v_max, v); v = v_max                    (amsgrad)
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// bias_correction(false) drops both 1 - beta^t factors: p = p - lr * m / (sqrt(v) + eps).
// Contiguous floating parameters run as one fused pass over the group (kernels/optimizer.h),
// with the same bits as the op-by-op update, which serves the others. float16/bfloat16 parameters
// keep their state in their dtype and compute each update in float32, as torch's fused=True.
#include "striate/optim/adam.h"

#include <cmath>
#include <type_traits>
#include <vector>

#include "kernels/optimizer.h"
#include "ops/reduced_precision.h"
#include "optim/fused_update.h"
#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> AdamParamState::tensors() const {
  std::vector<std::pair<std::string, Tensor>> named{
      {"step", detail::step_tensor(step)}, {"exp_avg", exp_avg}, {"exp_avg_sq", exp_avg_sq}};
  if (max_exp_avg_sq.defined()) named.emplace_back("max_exp_avg_sq", max_exp_avg_sq);
  return named;
}

Adam::Adam(std::vector<OptimizerParamGroup> param_groups, const AdamOptions& defaults,
           bool force_decoupled_weight_decay)
    : Optimizer(std::move(param_groups), std::make_unique<AdamOptions>(defaults)),
      force_decoupled_weight_decay_(force_decoupled_weight_decay) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void Adam::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const AdamOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, name(), ": expected AdamOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, name(), ": invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->eps() >= 0, name(), ": invalid epsilon value: expected eps >= 0, got ", options->eps());
  auto [beta1, beta2] = options->betas();
  STRIATE_CHECK(beta1 >= 0 && beta1 < 1, name(),
                ": invalid beta parameter at index 0: expected 0 <= betas[0] < 1, got ", beta1);
  STRIATE_CHECK(beta2 >= 0 && beta2 < 1, name(),
                ": invalid beta parameter at index 1: expected 0 <= betas[1] < 1, got ", beta2);
  STRIATE_CHECK(options->weight_decay() >= 0, name(), ": invalid weight_decay value: expected weight_decay >= 0, got ",
                options->weight_decay());
}

namespace {

// Whether the fused kernel takes this parameter and its state: one floating dtype, shape and
// device, all contiguous, on a device with the kernel.
bool fusable(const Tensor& param, const AdamParamState& state) {
  const Tensor& grad = param.grad();
  if (!param.is_floating_point() || grad.dtype() != param.dtype() || grad.device() != param.device()) return false;
  if (grad.sizes() != param.sizes()) return false;
  for (const Tensor* t : {&param, &grad, &state.exp_avg, &state.exp_avg_sq, &state.max_exp_avg_sq}) {
    if (t->defined() && (!t->is_contiguous() || t->dtype() != param.dtype() || t->device() != param.device()))
      return false;
  }
  return STRIATE_DISPATCH_FLOATING_AND_REDUCED(
      param.dtype(), "Adam.step", [&] { return kernels::adam_update<scalar_t>.implemented_on(param.device().type); });
}

// The update's scalars for one parameter at `step`, rounded to T as the op-by-op update rounds
// its Scalars (float32 for float16/bfloat16 parameters, whose update computes in float32).
template <typename T>
kernels::AdamScalars<T> adam_scalars(const AdamOptions& options, bool decoupled, double step) {
  auto [beta1, beta2] = options.betas();
  const double lr = options.lr();
  kernels::AdamScalars<T> s;
  s.decay_factor = static_cast<T>(1.0 - lr * options.weight_decay());
  s.weight_decay = static_cast<T>(options.weight_decay());
  s.one_minus_beta1 = static_cast<T>(1.0 - beta1);
  s.beta2 = static_cast<T>(beta2);
  s.one_minus_beta2 = static_cast<T>(1.0 - beta2);
  s.bias_correction2_sqrt = static_cast<T>(std::sqrt(1.0 - std::pow(beta2, step)));
  s.eps = static_cast<T>(options.eps());
  const double step_size = options.bias_correction() ? lr / (1.0 - std::pow(beta1, step)) : lr;
  s.negative_step_size = static_cast<T>(-step_size);
  s.decoupled = decoupled;
  s.has_weight_decay = options.weight_decay() != 0;
  s.amsgrad = options.amsgrad();
  s.bias_correction = options.bias_correction();
  s.maximize = options.maximize();
  return s;
}

}  // namespace

void Adam::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const AdamOptions&>(group.options());
    const double lr = options.lr();
    auto [beta1, beta2] = options.betas();
    const bool decoupled = force_decoupled_weight_decay_ || options.decoupled_weight_decay();
    detail::FusedBatch<kernels::AdamTensor> fused;
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<AdamParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<AdamParamState>();
        fresh->exp_avg = zeros_like(param);
        fresh->exp_avg_sq = zeros_like(param);
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      if (options.amsgrad() && !param_state->max_exp_avg_sq.defined()) {
        param_state->max_exp_avg_sq = zeros_like(param);
      }
      param_state->step += 1;
      const auto step = static_cast<double>(param_state->step);
      if (fusable(param, *param_state) && fused.takes(param.dtype(), param.device())) {
        STRIATE_DISPATCH_FLOATING_AND_REDUCED(param.dtype(), "Adam.step", [&] {
          const Tensor& max_sq = param_state->max_exp_avg_sq;
          kernels::AdamTensor<scalar_t> entry{param.data<scalar_t>(),
                                              param.grad().data<scalar_t>(),
                                              param_state->exp_avg.data<scalar_t>(),
                                              param_state->exp_avg_sq.data<scalar_t>(),
                                              options.amsgrad() ? max_sq.data<scalar_t>() : nullptr,
                                              param.numel(),
                                              adam_scalars<kernels::opmath_t<scalar_t>>(options, decoupled, step)};
          fused.add(entry, param.device());
        });
        param.bump_version();
        continue;
      }

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) {
        if (decoupled) {
          param.mul_(1.0 - lr * options.weight_decay());
        } else {
          grad = add(grad, param, options.weight_decay());
        }
      }
      Tensor& exp_avg = param_state->exp_avg;
      Tensor& exp_avg_sq = param_state->exp_avg_sq;
      exp_avg.add_(sub(grad, exp_avg), 1.0 - beta1);
      exp_avg_sq.mul_(beta2);
      exp_avg_sq.add_(mul(grad, grad), 1.0 - beta2);
      Tensor second_moment = exp_avg_sq;
      if (options.amsgrad()) {
        param_state->max_exp_avg_sq.copy_(maximum(param_state->max_exp_avg_sq, exp_avg_sq));
        second_moment = param_state->max_exp_avg_sq;
      }

      double step_size = lr;
      Tensor denom = sqrt(second_moment);
      if (options.bias_correction()) {
        step_size = lr / (1.0 - std::pow(beta1, step));
        denom = div(denom, std::sqrt(1.0 - std::pow(beta2, step)));
      }
      denom = add(denom, options.eps());
      param.add_(div(exp_avg, denom), -step_size);
      param.bump_version();
    }
    fused.launch([&](const auto& part) {
      using T = typename std::decay_t<decltype(part)>::type;
      kernels::adam_update<T>(part.device, part.entries.data(), part.size());
    });
  }
}

void Adam::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<AdamParamState>();
  fresh->step = detail::load_step(tensors, name());
  fresh->exp_avg = detail::load_buffer(tensors, "exp_avg", param, name());
  fresh->exp_avg_sq = detail::load_buffer(tensors, "exp_avg_sq", param, name());
  fresh->max_exp_avg_sq = detail::load_buffer(tensors, "max_exp_avg_sq", param, name(), false);
  set_state(param, std::move(fresh));
}

AdamW::AdamW(std::vector<OptimizerParamGroup> param_groups, const AdamOptions& defaults)
    : Adam(std::move(param_groups), defaults, true) {
  static_cast<AdamOptions&>(*defaults_).decoupled_weight_decay(true);
  for (auto& group : param_groups_) static_cast<AdamOptions&>(group.options()).decoupled_weight_decay(true);
}

}  // namespace striate::optim
