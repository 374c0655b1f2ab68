// Adagrad with PyTorch's update rule (torch.optim.Adagrad), per parameter p with gradient g at
// step t (counted from 1); sum starts at initial_accumulator_value:
//   g = g + weight_decay * p
//   clr = lr / (1 + (t - 1) * lr_decay)
//   sum = sum + g * g
//   p = p - clr * g / (sqrt(sum) + eps)
// torch creates the state of every parameter in its constructor; here it is created on the
// parameter's first step (a parameter never stepped has no state in the state dict).
#include "striate/optim/adagrad.h"

#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> AdagradParamState::tensors() const {
  return {{"step", detail::step_tensor(step)}, {"sum", sum}};
}

Adagrad::Adagrad(std::vector<OptimizerParamGroup> param_groups, const AdagradOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdagradOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void Adagrad::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const AdagradOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "Adagrad: expected AdagradOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "Adagrad: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->lr_decay() >= 0, "Adagrad: invalid lr_decay value: expected lr_decay >= 0, got ",
                options->lr_decay());
  STRIATE_CHECK(options->weight_decay() >= 0,
                "Adagrad: invalid weight_decay value: expected weight_decay >= 0, got ", options->weight_decay());
  STRIATE_CHECK(options->initial_accumulator_value() >= 0,
                "Adagrad: invalid initial_accumulator_value value: expected initial_accumulator_value >= 0, got ",
                options->initial_accumulator_value());
  STRIATE_CHECK(options->eps() >= 0, "Adagrad: invalid epsilon value: expected eps >= 0, got ", options->eps());
}

void Adagrad::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const AdagradOptions&>(group.options());
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<AdagradParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<AdagradParamState>();
        fresh->sum = full_like(param, options.initial_accumulator_value());
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      param_state->step += 1;
      const auto step = static_cast<double>(param_state->step);

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) grad = add(grad, param, options.weight_decay());
      const double clr = options.lr() / (1.0 + (step - 1.0) * options.lr_decay());
      param_state->sum.add_(mul(grad, grad));
      Tensor std_dev = add(sqrt(param_state->sum), options.eps());
      param.add_(div(grad, std_dev), -clr);
      param.bump_version();
    }
  }
}

void Adagrad::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<AdagradParamState>();
  fresh->step = detail::load_step(tensors, "Adagrad");
  fresh->sum = detail::load_buffer(tensors, "sum", param, "Adagrad");
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
