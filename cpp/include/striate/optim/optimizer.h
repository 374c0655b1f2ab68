// optim::Optimizer: the base of every optimizer, as libtorch's: parameter groups (each with its
// own copy of the options), zero_grad, step, per-parameter state created lazily on the first
// step, and the state dict (torch's layout: state per parameter index, options per group).
//   striate::optim::SGD opt(model->parameters(), striate::optim::SGDOptions(0.1).momentum(0.9));
//   opt.zero_grad(); loss.backward(); opt.step();
//   opt.param_groups()[0].options().set("lr", 0.01);     // options by name, as Python's views
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "striate/core/error.h"
#include "striate/core/tensor.h"

namespace striate::optim {

// One option's value as a state dict or Python's param_groups hold it: None (an unset optional),
// a flag, an integer, a number, a name, or a tuple of numbers (Adam's betas).
using OptionValue = std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<double>>;
// Named tensors of one parameter's state ("momentum_buffer" -> tensor).
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

// Hyper-parameters shared by a parameter group. Each optimizer derives its own (SGDOptions)
// through NamedOptions, which gives access by name.
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
  // The options' names in declaration order ("lr" first).
  virtual std::vector<std::string> names() const = 0;
  bool has(const std::string& name) const;
  // KeyError for an unknown name.
  virtual OptionValue get(const std::string& name) const = 0;
  // Converts an integer to a number where a number is expected and raises TypeError naming the
  // option on any other mismatch; the value's range is checked when the group is next used
  // (Optimizer::step), as torch does.
  virtual void set(const std::string& name, const OptionValue& value) = 0;
};

namespace detail {
// The option's type named for messages ("a number"), and the conversions of one field.
std::string option_value_kind(const OptionValue& value);
OptionValue to_option_value(double value);
OptionValue to_option_value(bool value);
OptionValue to_option_value(int64_t value);
OptionValue to_option_value(const std::string& value);
OptionValue to_option_value(const std::pair<double, double>& value);
template <typename T>
OptionValue to_option_value(const std::optional<T>& value) {
  return value ? to_option_value(*value) : OptionValue();
}
void from_option_value(const std::string& name, const OptionValue& value, double& field);
void from_option_value(const std::string& name, const OptionValue& value, bool& field);
void from_option_value(const std::string& name, const OptionValue& value, int64_t& field);
void from_option_value(const std::string& name, const OptionValue& value, std::string& field);
void from_option_value(const std::string& name, const OptionValue& value, std::pair<double, double>& field);
template <typename T>
void from_option_value(const std::string& name, const OptionValue& value, std::optional<T>& field) {
  if (std::holds_alternative<std::monostate>(value)) {
    field.reset();
    return;
  }
  T inner{};
  from_option_value(name, value, inner);
  field = inner;
}
[[noreturn]] void throw_unknown_option(const std::string& name, const std::vector<std::string>& names);
}  // namespace detail

// The by-name access of an options struct, from the one list of its fields that the struct
// declares (every option is listed once, in for_each_option):
//   template <typename Visit> void for_each_option(Visit&& visit) { visit("lr", lr_); ... }
template <typename Derived>
class NamedOptions : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<Derived>(self()); }
  double get_lr() const override { return self().lr(); }
  void set_lr(double lr) override { self().lr(lr); }
  std::vector<std::string> names() const override {
    std::vector<std::string> names;
    mutable_self().for_each_option([&](const char* name, auto&) { names.emplace_back(name); });
    return names;
  }
  OptionValue get(const std::string& name) const override {
    std::optional<OptionValue> found;
    mutable_self().for_each_option([&](const char* field, auto& value) {
      if (name == field) found = detail::to_option_value(value);
    });
    if (!found) detail::throw_unknown_option(name, names());
    return *found;
  }
  void set(const std::string& name, const OptionValue& value) override {
    bool found = false;
    self().for_each_option([&](const char* field, auto& slot) {
      if (name != field) return;
      detail::from_option_value(name, value, slot);
      found = true;
    });
    if (!found) detail::throw_unknown_option(name, names());
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  const Derived& self() const { return static_cast<const Derived&>(*this); }
  Derived& mutable_self() const { return const_cast<Derived&>(static_cast<const Derived&>(*this)); }
};

// A list of parameters trained with the same options (options unset: the optimizer's defaults).
class OptimizerParamGroup {
 public:
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup& other)
      : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  OptimizerParamGroup& operator=(const OptimizerParamGroup& other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
    return *this;
  }
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;

  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }
  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

// What an optimizer remembers about one parameter between steps (momentum buffers, ...).
class OptimizerParamState {
 public:
  virtual ~OptimizerParamState() = default;
  virtual std::unique_ptr<OptimizerParamState> clone() const = 0;
  // The named tensors of this state, for state dicts ("momentum_buffer" -> tensor).
  virtual NamedTensors tensors() const = 0;
};

// An optimizer's state dict in torch's layout: parameters are numbered across the groups in
// order; state lists the named state tensors of the parameters that have any; each group lists
// its options and its parameters' numbers.
struct OptimizerStateDict {
  struct Group {
    std::vector<std::pair<std::string, OptionValue>> options;
    std::vector<int64_t> params;
  };
  std::map<int64_t, NamedTensors> state;
  std::vector<Group> param_groups;
};

class Optimizer {
 public:
  Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient.
  virtual void step() = 0;
  // set_to_none drops the .grad tensors; otherwise they are zeroed in place.
  void zero_grad(bool set_to_none = true);
  // Validates the group (leaf tensors, not already optimized) and gives it a copy of the
  // defaults when it has no options of its own.
  void add_param_group(const OptimizerParamGroup& param_group);

  std::vector<OptimizerParamGroup>& param_groups() { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const { return param_groups_; }
  const OptimizerOptions& defaults() const { return *defaults_; }
  // Every parameter of every group, in order.
  std::vector<Tensor> parameters() const;
  // The state of one parameter, or null before its first step.
  OptimizerParamState* state(const Tensor& param) const;
  size_t state_size() const { return state_.size(); }

  // The options and state of every group, with copies of nothing: state tensors are the live ones.
  OptimizerStateDict state_dict() const;
  // Restores a state dict of this optimizer's layout (groups matched by position, same sizes):
  // each group's options become the defaults overridden by the saved ones (options the dict lacks,
  // as in a dict of another version, keep the defaults), and each saved state is copied in, so
  // stepping on continues as the saved optimizer would. Checks everything before changing anything.
  void load_state_dict(const OptimizerStateDict& state_dict);
  // Replaces the state of one parameter by copies of the named tensors of a state dict.
  virtual void load_param_state(const Tensor& param, const NamedTensors& tensors) = 0;

 protected:
  // Called on each group's options before the group is used; raises on invalid values.
  virtual void check_options(const OptimizerOptions& /*options*/) const {}
  void set_state(const Tensor& param, std::unique_ptr<OptimizerParamState> state);
  // The name used in error messages ("SGD").
  virtual std::string name() const { return "Optimizer"; }

  std::vector<OptimizerParamGroup> param_groups_;
  std::unique_ptr<OptimizerOptions> defaults_;

 private:
  // Keyed by the parameter's TensorImpl, which the groups keep alive.
  std::unordered_map<const TensorImpl*, std::unique_ptr<OptimizerParamState>> state_;
};

}  // namespace striate::optim
