// ASGD with PyTorch's update rule (torch.optim.ASGD), per parameter p with gradient g at step t
// (counted from 1); eta starts at lr and mu at 1:
//   g = -g                                              (maximize)
//   g = g + weight_decay * p
//   p = p * (1 - lambd * eta) - eta * g
//   ax = ax + mu * (p - ax)   (mu != 1),   ax = p   (mu = 1)
//   eta = lr / (1 + lambd * lr * t)^alpha
//   mu = 1 / max(1, t - t0)
// eta and mu are kept in float32, as torch keeps them (float32 scalar tensors in its state), so
// the two agree to the bit on them whatever the parameters' dtype.
#include "striate/optim/asgd.h"

#include <algorithm>
#include <cmath>

#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> ASGDParamState::tensors() const {
  return {{"step", detail::step_tensor(step)},
          {"eta", scalar_tensor(static_cast<double>(eta), DType::Float32)},
          {"mu", scalar_tensor(static_cast<double>(mu), DType::Float32)},
          {"ax", ax}};
}

ASGD::ASGD(std::vector<OptimizerParamGroup> param_groups, const ASGDOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<ASGDOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void ASGD::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const ASGDOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "ASGD: expected ASGDOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "ASGD: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->lambd() >= 0, "ASGD: invalid lambd value: expected lambd >= 0, got ", options->lambd());
  STRIATE_CHECK(options->alpha() >= 0, "ASGD: invalid alpha value: expected alpha >= 0, got ", options->alpha());
  STRIATE_CHECK(!std::isnan(options->t0()), "ASGD: invalid t0 value: expected a number, got ", options->t0());
  STRIATE_CHECK(options->weight_decay() >= 0, "ASGD: invalid weight_decay value: expected weight_decay >= 0, got ",
                options->weight_decay());
}

void ASGD::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const ASGDOptions&>(group.options());
    const double lr = options.lr();
    const double lambd = options.lambd();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<ASGDParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<ASGDParamState>();
        fresh->eta = static_cast<float>(lr);
        fresh->ax = zeros_like(param);
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      param_state->step += 1;
      const auto step = static_cast<double>(param_state->step);

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) grad = add(grad, param, options.weight_decay());
      const auto eta = static_cast<double>(param_state->eta);
      param.mul_(1.0 - lambd * eta);
      param.add_(grad, -eta);
      Tensor& ax = param_state->ax;
      if (param_state->mu != 1.0f) {
        ax.add_(mul(sub(param, ax), static_cast<double>(param_state->mu)));
      } else {
        ax.copy_(param);
      }
      param_state->eta = static_cast<float>(lr / std::pow(1.0 + lambd * lr * step, options.alpha()));
      param_state->mu = static_cast<float>(1.0 / std::max(1.0, step - options.t0()));
      param.bump_version();
    }
  }
}

void ASGD::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<ASGDParamState>();
  fresh->step = detail::load_step(tensors, "ASGD");
  fresh->eta = static_cast<float>(detail::load_scalar(tensors, "eta", "ASGD", 0.0));
  fresh->mu = static_cast<float>(detail::load_scalar(tensors, "mu", "ASGD", 1.0));
  fresh->ax = detail::load_buffer(tensors, "ax", param, "ASGD");
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
