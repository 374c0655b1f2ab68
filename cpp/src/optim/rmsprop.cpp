// RMSprop with PyTorch's update rule (torch.optim.RMSprop), per parameter p with gradient g:
//   g = g + weight_decay * p
//   square_avg = alpha * square_avg + (1 - alpha) * g * g
//   avg = sqrt(square_avg) + eps, or when centered:
//     grad_avg = grad_avg + (1 - alpha) * (g - grad_avg);  avg = sqrt(square_avg - grad_avg^2) + eps
//   buf = momentum * buf + g / avg;  p = p - lr * buf        (momentum > 0)
//   p = p - lr * g / avg                                     (otherwise)
#include "striate/optim/rmsprop.h"

#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> RMSpropParamState::tensors() const {
  std::vector<std::pair<std::string, Tensor>> named{{"step", detail::step_tensor(step)}, {"square_avg", square_avg}};
  if (momentum_buffer.defined()) named.emplace_back("momentum_buffer", momentum_buffer);
  if (grad_avg.defined()) named.emplace_back("grad_avg", grad_avg);
  return named;
}

RMSprop::RMSprop(std::vector<OptimizerParamGroup> param_groups, const RMSpropOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<RMSpropOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void RMSprop::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const RMSpropOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "RMSprop: expected RMSpropOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "RMSprop: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->eps() >= 0, "RMSprop: invalid epsilon value: expected eps >= 0, got ", options->eps());
  STRIATE_CHECK(options->momentum() >= 0, "RMSprop: invalid momentum value: expected momentum >= 0, got ",
                options->momentum());
  STRIATE_CHECK(options->weight_decay() >= 0,
                "RMSprop: invalid weight_decay value: expected weight_decay >= 0, got ", options->weight_decay());
  STRIATE_CHECK(options->alpha() >= 0, "RMSprop: invalid alpha value: expected alpha >= 0, got ", options->alpha());
}

void RMSprop::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const RMSpropOptions&>(group.options());
    const double alpha = options.alpha();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<RMSpropParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<RMSpropParamState>();
        fresh->square_avg = zeros_like(param);
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      // Buffers for options switched on after the first step start from zero, as fresh ones do.
      if (options.momentum() > 0 && !param_state->momentum_buffer.defined()) {
        param_state->momentum_buffer = zeros_like(param);
      }
      if (options.centered() && !param_state->grad_avg.defined()) param_state->grad_avg = zeros_like(param);
      param_state->step += 1;

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) grad = add(grad, param, options.weight_decay());
      Tensor& square_avg = param_state->square_avg;
      square_avg.mul_(alpha);
      square_avg.add_(mul(grad, grad), 1.0 - alpha);
      Tensor avg;
      if (options.centered()) {
        Tensor& grad_avg = param_state->grad_avg;
        grad_avg.add_(sub(grad, grad_avg), 1.0 - alpha);
        avg = sqrt(sub(square_avg, mul(grad_avg, grad_avg)));
      } else {
        avg = sqrt(square_avg);
      }
      avg = add(avg, options.eps());
      if (options.momentum() > 0) {
        Tensor& buffer = param_state->momentum_buffer;
        buffer.mul_(options.momentum());
        buffer.add_(div(grad, avg));
        param.add_(buffer, -options.lr());
      } else {
        param.add_(div(grad, avg), -options.lr());
      }
      param.bump_version();
    }
  }
}

void RMSprop::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<RMSpropParamState>();
  fresh->step = detail::load_step(tensors, "RMSprop");
  fresh->square_avg = detail::load_buffer(tensors, "square_avg", param, "RMSprop");
  fresh->momentum_buffer = detail::load_buffer(tensors, "momentum_buffer", param, "RMSprop", false);
  fresh->grad_avg = detail::load_buffer(tensors, "grad_avg", param, "RMSprop", false);
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
