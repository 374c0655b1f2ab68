// Adadelta with PyTorch's update rule (torch.optim.Adadelta), per parameter p with gradient g:
//   g = -g                                              (maximize)
//   g = g + weight_decay * p
//   square_avg = rho * square_avg + (1 - rho) * g * g
//   delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
//   acc_delta = rho * acc_delta + (1 - rho) * delta * delta
//   p = p - lr * delta
#include "striate/optim/adadelta.h"

#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> AdadeltaParamState::tensors() const {
  return {{"step", detail::step_tensor(step)}, {"square_avg", square_avg}, {"acc_delta", acc_delta}};
}

Adadelta::Adadelta(std::vector<OptimizerParamGroup> param_groups, const AdadeltaOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdadeltaOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void Adadelta::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const AdadeltaOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "Adadelta: expected AdadeltaOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "Adadelta: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->rho() >= 0 && options->rho() <= 1, "Adadelta: invalid rho value: expected 0 <= rho <= 1, got ",
                options->rho());
  STRIATE_CHECK(options->eps() >= 0, "Adadelta: invalid epsilon value: expected eps >= 0, got ", options->eps());
  STRIATE_CHECK(options->weight_decay() >= 0, "Adadelta: invalid weight_decay value: expected weight_decay >= 0, got ",
                options->weight_decay());
}

void Adadelta::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const AdadeltaOptions&>(group.options());
    const double rho = options.rho();
    const double eps = options.eps();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<AdadeltaParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<AdadeltaParamState>();
        fresh->square_avg = zeros_like(param);
        fresh->acc_delta = zeros_like(param);
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      param_state->step += 1;

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) grad = add(grad, param, options.weight_decay());
      Tensor& square_avg = param_state->square_avg;
      Tensor& acc_delta = param_state->acc_delta;
      square_avg.mul_(rho);
      square_avg.add_(mul(grad, grad), 1.0 - rho);
      Tensor std = sqrt(add(square_avg, eps));
      Tensor delta = mul(div(sqrt(add(acc_delta, eps)), std), grad);
      acc_delta.mul_(rho);
      acc_delta.add_(mul(delta, delta), 1.0 - rho);
      param.add_(delta, -options.lr());
      param.bump_version();
    }
  }
}

void Adadelta::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<AdadeltaParamState>();
  fresh->step = detail::load_step(tensors, "Adadelta");
  fresh->square_avg = detail::load_buffer(tensors, "square_avg", param, "Adadelta");
  fresh->acc_delta = detail::load_buffer(tensors, "acc_delta", param, "Adadelta");
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
