// Rprop with PyTorch's update rule (torch.optim.Rprop), per parameter p with gradient g; each
// coordinate's step size starts at lr and prev at 0:
//   g = -g                                              (maximize)
//   s = sign(g * prev) mapped: > 0 -> etaplus, < 0 -> etaminus, 0 -> 1
//   step_size = clamp(step_size * s, step_sizes[0], step_sizes[1])
//   g = 0 where the sign flipped (s = etaminus)
//   p = p - sign(g) * step_size
//   prev = g
// Weight decay is not an option of torch's Rprop, nor here. Step sizes start from the group's lr
// at a parameter's first step, so a later change of lr changes nothing, as in torch.
#include "striate/optim/rprop.h"

#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

std::vector<std::pair<std::string, Tensor>> RpropParamState::tensors() const {
  return {{"step", detail::step_tensor(step)}, {"prev", prev}, {"step_size", step_size}};
}

Rprop::Rprop(std::vector<OptimizerParamGroup> param_groups, const RpropOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<RpropOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void Rprop::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const RpropOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "Rprop: expected RpropOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "Rprop: invalid learning rate: expected lr >= 0, got ", options->lr());
  auto [etaminus, etaplus] = options->etas();
  STRIATE_CHECK(etaminus > 0 && etaminus < 1 && etaplus > 1,
                "Rprop: invalid etas values: expected 0 < etas[0] < 1 < etas[1], got (", etaminus, ", ", etaplus, ")");
  auto [step_size_min, step_size_max] = options->step_sizes();
  STRIATE_CHECK(step_size_min >= 0 && step_size_min <= step_size_max,
                "Rprop: invalid step_sizes values: expected 0 <= step_sizes[0] <= step_sizes[1], got (", step_size_min,
                ", ", step_size_max, ")");
}

void Rprop::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const RpropOptions&>(group.options());
    auto [etaminus, etaplus] = options.etas();
    auto [step_size_min, step_size_max] = options.step_sizes();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* param_state = static_cast<RpropParamState*>(state(param));
      if (param_state == nullptr) {
        auto fresh = std::make_unique<RpropParamState>();
        fresh->prev = zeros_like(param);
        fresh->step_size = full(param.shape(), options.lr(), options_of(param));
        param_state = fresh.get();
        set_state(param, std::move(fresh));
      }
      param_state->step += 1;

      Tensor grad = options.maximize() ? neg(param.grad()) : param.grad();
      Tensor& prev = param_state->prev;
      Tensor& step_size = param_state->step_size;
      // The sign of g * prev becomes the step size's factor; NaN stays NaN, as in torch.
      const Tensor agreement = sign(mul(grad, prev));
      const Tensor flipped = lt(agreement, 0);
      Tensor factor = where(gt(agreement, 0), full(param.shape(), etaplus, options_of(param)), agreement);
      factor = where(flipped, full(param.shape(), etaminus, options_of(param)), factor);
      factor = where(eq(factor, 0), ones_like(param), factor);
      step_size.copy_(clamp(mul(step_size, factor), step_size_min, step_size_max));
      grad = where(flipped, zeros_like(param), grad);
      param.add_(mul(sign(grad), step_size), -1.0);
      prev.copy_(grad);
      param.bump_version();
    }
  }
}

void Rprop::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<RpropParamState>();
  fresh->step = detail::load_step(tensors, "Rprop");
  fresh->prev = detail::load_buffer(tensors, "prev", param, "Rprop");
  fresh->step_size = detail::load_buffer(tensors, "step_size", param, "Rprop");
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
