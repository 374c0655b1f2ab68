// NAdam with PyTorch's update rule (torch.optim.NAdam), per parameter p with gradient g at step t
// (counted from 1):
//   g = -g                                              (maximize)
//   p = p * (1 - lr * weight_decay)                     (decoupled_weight_decay)
//   g = g + weight_decay * p                            (otherwise)
//   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)), mu_{t+1} likewise
//   mu_product = mu_product * mu_t                      (the product of mu_1 ... mu_t)
//   m = m + (1 - beta1) * (g - m)
//   v = beta2 * v + (1 - beta2) * g * g
//   denom = sqrt(v / (1 - beta2^t)) + eps
//   p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
//   p = p - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom
// mu_product is kept in float32, as torch keeps it (a float32 scalar tensor in its state), so the
// two agree to the bit on the coefficients whatever the parameters' dtype.
#include "striate/optim/nadam.h"

#include <cmath>

#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> NAdamParamState::tensors() const {
  return {{"step", detail::step_tensor(step)},
          {"mu_product", scalar_tensor(static_cast<double>(mu_product), DType::Float32)},
          {"exp_avg", exp_avg},
          {"exp_avg_sq", exp_avg_sq}};
}

NAdam::NAdam(std::vector<OptimizerParamGroup> param_groups, const NAdamOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<NAdamOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void NAdam::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const NAdamOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "NAdam: expected NAdamOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "NAdam: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->eps() >= 0, "NAdam: invalid epsilon value: expected eps >= 0, got ", options->eps());
  auto [beta1, beta2] = options->betas();
  STRIATE_CHECK(beta1 >= 0 && beta1 < 1, "NAdam: invalid beta parameter at index 0: expected 0 <= betas[0] < 1, got ",
                beta1);
  STRIATE_CHECK(beta2 >= 0 && beta2 < 1, "NAdam: invalid beta parameter at index 1: expected 0 <= betas[1] < 1, got ",
                beta2);
  STRIATE_CHECK(options->weight_decay() >= 0, "NAdam: invalid weight_decay value: expected weight_decay >= 0, got ",
                options->weight_decay());
  STRIATE_CHECK(options->momentum_decay() >= 0,
                "NAdam: invalid momentum_decay value: expected momentum_decay >= 0, got ", options->momentum_decay());
}

void NAdam::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const NAdamOptions&>(group.options());
    const double lr = options.lr();
    auto [beta1, beta2] = options.betas();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<NAdamParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<NAdamParamState>();
        fresh->exp_avg = zeros_like(param);
        fresh->exp_avg_sq = zeros_like(param);
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      param_state->step += 1;
      const auto step = static_cast<double>(param_state->step);
      const double bias_correction2 = 1.0 - std::pow(beta2, step);

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) {
        if (options.decoupled_weight_decay()) {
          param.mul_(1.0 - lr * options.weight_decay());
        } else {
          grad = add(grad, param, options.weight_decay());
        }
      }
      const double mu = beta1 * (1.0 - 0.5 * std::pow(0.96, step * options.momentum_decay()));
      const double mu_next = beta1 * (1.0 - 0.5 * std::pow(0.96, (step + 1.0) * options.momentum_decay()));
      param_state->mu_product *= static_cast<float>(mu);
      const auto mu_product = static_cast<double>(param_state->mu_product);
      const double mu_product_next = mu_product * mu_next;

      Tensor& exp_avg = param_state->exp_avg;
      Tensor& exp_avg_sq = param_state->exp_avg_sq;
      exp_avg.add_(sub(grad, exp_avg), 1.0 - beta1);
      exp_avg_sq.mul_(beta2);
      exp_avg_sq.add_(mul(grad, grad), 1.0 - beta2);
      Tensor denom = add(sqrt(div(exp_avg_sq, bias_correction2)), options.eps());
      param.add_(div(grad, denom), -lr * (1.0 - mu) / (1.0 - mu_product));
      param.add_(div(exp_avg, denom), (-lr * mu_next) / (1.0 - mu_product_next));
      param.bump_version();
    }
  }
}

void NAdam::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<NAdamParamState>();
  fresh->step = detail::load_step(tensors, "NAdam");
  fresh->mu_product = static_cast<float>(detail::load_scalar(tensors, "mu_product", "NAdam", 1.0));
  fresh->exp_avg = detail::load_buffer(tensors, "exp_avg", param, "NAdam");
  fresh->exp_avg_sq = detail::load_buffer(tensors, "exp_avg_sq", param, "NAdam");
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
