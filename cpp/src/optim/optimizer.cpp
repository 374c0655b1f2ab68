// optim::Optimizer: parameter groups, their validation, zero_grad and the per-parameter state.
#include "striate/optim/optimizer.h"

#include <unordered_set>

#include "striate/autograd.h"

namespace striate::optim {

OptimizerOptions& OptimizerParamGroup::options() {
  STRIATE_CHECK_STATE(options_ != nullptr, "OptimizerParamGroup: this group has no options yet");
  return *options_;
}

const OptimizerOptions& OptimizerParamGroup::options() const {
  STRIATE_CHECK_STATE(options_ != nullptr, "OptimizerParamGroup: this group has no options yet");
  return *options_;
}

Optimizer::Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  STRIATE_CHECK(defaults_ != nullptr, "Optimizer: expected default options, got none");
  size_t count = 0;
  for (const auto& group : param_groups) count += group.params().size();
  STRIATE_CHECK(count > 0, "Optimizer: got an empty parameter list");
  for (const auto& group : param_groups) add_param_group(group);
}

void Optimizer::add_param_group(const OptimizerParamGroup& param_group) {
  std::unordered_set<const TensorImpl*> existing;
  for (const auto& group : param_groups_) {
    for (const auto& param : group.params()) existing.insert(param.impl());
  }
  for (size_t i = 0; i < param_group.params().size(); ++i) {
    const Tensor& param = param_group.params()[i];
    STRIATE_CHECK(param.defined(), name(), ": parameter ", i, " of the group is None");
    STRIATE_CHECK_TYPE(param.is_floating_point(), name(), ": can only optimize floating-point tensors, parameter ", i,
                       " has dtype ", param.dtype());
    STRIATE_CHECK(param.is_leaf(), name(), ": can't optimize a non-leaf tensor (parameter ", i,
                  " was computed by an operation; use detach() or a module's parameters)");
    STRIATE_CHECK(existing.insert(param.impl()).second, name(),
                  ": some parameters appear more than once (in one group or in several groups)");
  }
  OptimizerParamGroup group(param_group);
  if (!group.has_options()) group.set_options(defaults_->clone());
  check_options(group.options());
  param_groups_.push_back(std::move(group));
}

void Optimizer::zero_grad(bool set_to_none) {
  NoGradGuard no_grad;
  for (const auto& group : param_groups_) {
    for (const auto& param : group.params()) {
      Tensor grad = param.grad();
      if (!grad.defined()) continue;
      if (set_to_none) {
        param.set_grad(Tensor());
      } else {
        grad.detach_();
        grad.zero_();
      }
    }
  }
}

std::vector<Tensor> Optimizer::parameters() const {
  std::vector<Tensor> params;
  for (const auto& group : param_groups_) params.insert(params.end(), group.params().begin(), group.params().end());
  return params;
}

OptimizerParamState* Optimizer::state(const Tensor& param) const {
  auto it = state_.find(param.impl());
  return it == state_.end() ? nullptr : it->second.get();
}

void Optimizer::set_state(const Tensor& param, std::unique_ptr<OptimizerParamState> state) {
  state_[param.impl()] = std::move(state);
}

}  // namespace striate::optim
