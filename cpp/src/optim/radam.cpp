// RAdam with PyTorch's update rule (torch.optim.RAdam), per parameter p with gradient g at step t
// (counted from 1):
//   g = -g                                              (maximize)
//   p = p * (1 - lr * weight_decay)                     (decoupled_weight_decay)
//   g = g + weight_decay * p                            (otherwise)
//   m = m + (1 - beta1) * (g - m)
//   v = beta2 * v + (1 - beta2) * g * g
//   m_hat = m / (1 - beta1^t)
//   rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
//   rho_t > 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
//               p = p - m_hat * lr * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r
//   otherwise:  p = p - m_hat * lr
#include "striate/optim/radam.h"

#include <cmath>

#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> RAdamParamState::tensors() const {
  return {{"step", detail::step_tensor(step)}, {"exp_avg", exp_avg}, {"exp_avg_sq", exp_avg_sq}};
}

RAdam::RAdam(std::vector<OptimizerParamGroup> param_groups, const RAdamOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<RAdamOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void RAdam::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const RAdamOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "RAdam: expected RAdamOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "RAdam: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->eps() >= 0, "RAdam: invalid epsilon value: expected eps >= 0, got ", options->eps());
  auto [beta1, beta2] = options->betas();
  STRIATE_CHECK(beta1 >= 0 && beta1 < 1, "RAdam: invalid beta parameter at index 0: expected 0 <= betas[0] < 1, got ",
                beta1);
  STRIATE_CHECK(beta2 >= 0 && beta2 < 1, "RAdam: invalid beta parameter at index 1: expected 0 <= betas[1] < 1, got ",
                beta2);
  STRIATE_CHECK(options->weight_decay() >= 0, "RAdam: invalid weight_decay value: expected weight_decay >= 0, got ",
                options->weight_decay());
}

void RAdam::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const RAdamOptions&>(group.options());
    const double lr = options.lr();
    auto [beta1, beta2] = options.betas();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<RAdamParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<RAdamParamState>();
        fresh->exp_avg = zeros_like(param);
        fresh->exp_avg_sq = zeros_like(param);
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      param_state->step += 1;
      const auto step = static_cast<double>(param_state->step);

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) {
        if (options.decoupled_weight_decay()) {
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

      const double bias_correction1 = 1.0 - std::pow(beta1, step);
      const double bias_correction2 = 1.0 - std::pow(beta2, step);
      Tensor update = mul(div(exp_avg, bias_correction1), lr);
      const double rho_inf = 2.0 / (1.0 - beta2) - 1.0;
      const double rho_t = rho_inf - 2.0 * step * std::pow(beta2, step) / bias_correction2;
      if (rho_t > 5.0) {
        const double rect =
            std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t));
        Tensor adaptive_lr = rdiv(add(sqrt(exp_avg_sq), options.eps()), std::sqrt(bias_correction2));
        update = mul(mul(update, adaptive_lr), rect);
      }
      param.add_(update, -1.0);
      param.bump_version();
    }
  }
}

void RAdam::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<RAdamParamState>();
  fresh->step = detail::load_step(tensors, "RAdam");
  fresh->exp_avg = detail::load_buffer(tensors, "exp_avg", param, "RAdam");
  fresh->exp_avg_sq = detail::load_buffer(tensors, "exp_avg_sq", param, "RAdam");
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
