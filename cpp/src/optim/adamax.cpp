// Adamax with PyTorch's update rule (torch.optim.Adamax), per parameter p with gradient g at step
// t (counted from 1):
//   g = -g                                              (maximize)
//   g = g + weight_decay * p
//   m = m + (1 - beta1) * (g - m)                       (= beta1 * m + (1 - beta1) * g)
//   u = max(beta2 * u, |g| + eps)
//   p = p - lr / (1 - beta1^t) * m / u
#include "striate/optim/adamax.h"

#include <cmath>

#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> AdamaxParamState::tensors() const {
  return {{"step", detail::step_tensor(step)}, {"exp_avg", exp_avg}, {"exp_inf", exp_inf}};
}

Adamax::Adamax(std::vector<OptimizerParamGroup> param_groups, const AdamaxOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdamaxOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void Adamax::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const AdamaxOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "Adamax: expected AdamaxOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "Adamax: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->eps() >= 0, "Adamax: invalid epsilon value: expected eps >= 0, got ", options->eps());
  auto [beta1, beta2] = options->betas();
  STRIATE_CHECK(beta1 >= 0 && beta1 < 1, "Adamax: invalid beta parameter at index 0: expected 0 <= betas[0] < 1, got ",
                beta1);
  STRIATE_CHECK(beta2 >= 0 && beta2 < 1, "Adamax: invalid beta parameter at index 1: expected 0 <= betas[1] < 1, got ",
                beta2);
  STRIATE_CHECK(options->weight_decay() >= 0, "Adamax: invalid weight_decay value: expected weight_decay >= 0, got ",
                options->weight_decay());
}

void Adamax::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const AdamaxOptions&>(group.options());
    auto [beta1, beta2] = options.betas();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<AdamaxParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<AdamaxParamState>();
        fresh->exp_avg = zeros_like(param);
        fresh->exp_inf = zeros_like(param);
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      param_state->step += 1;
      const auto step = static_cast<double>(param_state->step);

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) grad = add(grad, param, options.weight_decay());
      Tensor& exp_avg = param_state->exp_avg;
      Tensor& exp_inf = param_state->exp_inf;
      exp_avg.add_(sub(grad, exp_avg), 1.0 - beta1);
      exp_inf.mul_(beta2);
      exp_inf.copy_(maximum(exp_inf, add(abs(grad), options.eps())));
      const double clr = options.lr() / (1.0 - std::pow(beta1, step));
      param.add_(div(exp_avg, exp_inf), -clr);
      param.bump_version();
    }
  }
}

void Adamax::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<AdamaxParamState>();
  fresh->step = detail::load_step(tensors, "Adamax");
  fresh->exp_avg = detail::load_buffer(tensors, "exp_avg", param, "Adamax");
  fresh->exp_inf = detail::load_buffer(tensors, "exp_inf", param, "Adamax");
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
