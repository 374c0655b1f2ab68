// SGD with PyTorch's update rule (torch.optim.SGD), per parameter p with gradient g:
//   g = g + weight_decay * p                                   (when weight_decay != 0)
//   buf = g on the first step, else buf = momentum * buf + (1 - dampening) * g
//   g = g + momentum * buf  (nesterov)   or   g = buf          (when momentum != 0)
//   p = p - lr * g
#include "striate/optim/sgd.h"

#include "striate/autograd.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

SGD::SGD(std::vector<OptimizerParamGroup> param_groups, const SGDOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<SGDOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void SGD::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const SGDOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "SGD: expected SGDOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "SGD: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->momentum() >= 0, "SGD: invalid momentum value: expected momentum >= 0, got ",
                options->momentum());
  STRIATE_CHECK(options->weight_decay() >= 0, "SGD: invalid weight_decay value: expected weight_decay >= 0, got ",
                options->weight_decay());
  STRIATE_CHECK(!options->nesterov() || (options->momentum() > 0 && options->dampening() == 0),
                "SGD: nesterov momentum requires a momentum and zero dampening, got momentum=", options->momentum(),
                ", dampening=", options->dampening());
}

void SGD::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const SGDOptions&>(group.options());
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      Tensor update = param.grad();
      if (options.weight_decay() != 0) update = add(update, param, options.weight_decay());
      if (options.momentum() != 0) {
        auto* param_state = static_cast<SGDParamState*>(state(param));
        if (param_state == nullptr) {
          auto fresh = std::make_unique<SGDParamState>();
          fresh->momentum_buffer = update.clone();
          param_state = fresh.get();
          set_state(param, std::move(fresh));
        } else {
          param_state->momentum_buffer.mul_(options.momentum());
          param_state->momentum_buffer.add_(update, 1.0 - options.dampening());
        }
        const Tensor& buffer = param_state->momentum_buffer;
        update = options.nesterov() ? add(update, buffer, options.momentum()) : buffer;
      }
      param.add_(update, -options.lr());
      param.bump_version();
    }
  }
}

}  // namespace striate::optim
