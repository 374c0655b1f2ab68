// optim::Optimizer: parameter groups, their options by name, their validation, zero_grad, the
// per-parameter state and the state dict.
#include "striate/optim/optimizer.h"

#include <algorithm>
#include <unordered_set>

#include "striate/autograd.h"

namespace striate::optim {

bool OptimizerOptions::has(const std::string& name) const {
  const auto all = names();
  return std::find(all.begin(), all.end(), name) != all.end();
}

namespace detail {

std::string option_value_kind(const OptionValue& value) {
  static const char* const kinds[] = {"None", "a bool", "an integer", "a number", "a string", "a tuple of numbers"};
  return kinds[value.index()];
}

OptionValue to_option_value(double value) { return value; }
OptionValue to_option_value(bool value) { return value; }
OptionValue to_option_value(int64_t value) { return value; }
OptionValue to_option_value(const std::string& value) { return value; }
OptionValue to_option_value(const std::pair<double, double>& value) {
  return std::vector<double>{value.first, value.second};
}

namespace {
[[noreturn]] void throw_mismatch(const std::string& name, const char* expected, const OptionValue& value) {
  throw TypeError(
      ::striate::detail::str("optimizer option ", name, ": expected ", expected, ", got ", option_value_kind(value)));
}
}  // namespace

void from_option_value(const std::string& name, const OptionValue& value, double& field) {
  if (const auto* number = std::get_if<double>(&value)) {
    field = *number;
  } else if (const auto* integer = std::get_if<int64_t>(&value)) {
    field = static_cast<double>(*integer);
  } else {
    throw_mismatch(name, "a number", value);
  }
}

void from_option_value(const std::string& name, const OptionValue& value, bool& field) {
  const auto* flag = std::get_if<bool>(&value);
  if (flag == nullptr) throw_mismatch(name, "a bool", value);
  field = *flag;
}

void from_option_value(const std::string& name, const OptionValue& value, int64_t& field) {
  const auto* integer = std::get_if<int64_t>(&value);
  if (integer == nullptr) throw_mismatch(name, "an integer", value);
  field = *integer;
}

void from_option_value(const std::string& name, const OptionValue& value, std::string& field) {
  const auto* text = std::get_if<std::string>(&value);
  if (text == nullptr) throw_mismatch(name, "a string", value);
  field = *text;
}

void from_option_value(const std::string& name, const OptionValue& value, std::pair<double, double>& field) {
  const auto* numbers = std::get_if<std::vector<double>>(&value);
  if (numbers == nullptr) throw_mismatch(name, "a pair of numbers", value);
  STRIATE_CHECK(numbers->size() == 2, "optimizer option ", name, ": expected a pair of numbers, got ", numbers->size(),
                " value(s)");
  field = {(*numbers)[0], (*numbers)[1]};
}

void throw_unknown_option(const std::string& name, const std::vector<std::string>& names) {
  std::string known;
  for (const auto& option : names) known += (known.empty() ? "" : ", ") + option;
  throw KeyError(::striate::detail::str("optimizer: unknown option '", name, "' (options: ", known, ")"));
}

}  // namespace detail

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

OptimizerStateDict Optimizer::state_dict() const {
  OptimizerStateDict dict;
  int64_t index = 0;
  for (const auto& group : param_groups_) {
    OptimizerStateDict::Group packed;
    const OptimizerOptions& options = group.options();
    for (const auto& name : options.names()) packed.options.emplace_back(name, options.get(name));
    for (const auto& param : group.params()) {
      if (const auto* param_state = state(param)) {
        NamedTensors tensors;
        for (const auto& named : param_state->tensors()) {
          if (named.second.defined()) tensors.push_back(named);
        }
        if (!tensors.empty()) dict.state[index] = std::move(tensors);
      }
      packed.params.push_back(index++);
    }
    dict.param_groups.push_back(std::move(packed));
  }
  return dict;
}

void Optimizer::load_state_dict(const OptimizerStateDict& state_dict) {
  const auto& saved_groups = state_dict.param_groups;
  STRIATE_CHECK(saved_groups.size() == param_groups_.size(), name(),
                ".load_state_dict: the state dict has a different number of parameter groups: expected ",
                param_groups_.size(), ", got ", saved_groups.size());
  std::map<int64_t, Tensor> param_of;
  std::vector<std::unique_ptr<OptimizerOptions>> new_options;
  for (size_t g = 0; g < saved_groups.size(); ++g) {
    const auto& saved = saved_groups[g];
    const auto& params = param_groups_[g].params();
    STRIATE_CHECK(saved.params.size() == params.size(), name(),
                  ".load_state_dict: the state dict has a parameter group that doesn't match the size of the "
                  "optimizer's group ",
                  g, ": expected ", params.size(), " parameters, got ", saved.params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      STRIATE_CHECK(param_of.emplace(saved.params[i], params[i]).second, name(), ".load_state_dict: parameter number ",
                    saved.params[i], " appears in more than one place");
    }
    auto options = defaults_->clone();
    for (const auto& [option, value] : saved.options) {
      if (options->has(option)) options->set(option, value);
    }
    check_options(*options);
    new_options.push_back(std::move(options));
  }
  for (const auto& entry : state_dict.state) {
    STRIATE_CHECK(param_of.count(entry.first) != 0, name(), ".load_state_dict: state for parameter ", entry.first,
                  ", which no group has");
  }
  // A state tensor of the wrong shape is found while loading: keep copies to roll back to.
  std::vector<std::unique_ptr<OptimizerOptions>> old_options;
  for (auto& group : param_groups_) old_options.push_back(group.options().clone());
  std::unordered_map<const TensorImpl*, std::unique_ptr<OptimizerParamState>> old_state;
  for (const auto& [impl, param_state] : state_) old_state.emplace(impl, param_state->clone());
  try {
    for (size_t g = 0; g < param_groups_.size(); ++g) param_groups_[g].set_options(std::move(new_options[g]));
    // The dict replaces the whole state, as in PyTorch: a parameter it holds no state for starts
    // fresh (an empty dict, from an optimizer that never stepped, clears every buffer).
    state_.clear();
    for (const auto& [index, tensors] : state_dict.state) load_param_state(param_of.at(index), tensors);
  } catch (...) {
    for (size_t g = 0; g < param_groups_.size(); ++g) param_groups_[g].set_options(std::move(old_options[g]));
    state_ = std::move(old_state);
    throw;
  }
}

}  // namespace striate::optim
