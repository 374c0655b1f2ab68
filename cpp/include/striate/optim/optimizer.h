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

/// One option's value as a state dict or Python's param_groups hold it: None (an unset optional),
/// a flag, an integer, a number, a name, or a tuple of numbers (Adam's betas).
using OptionValue = std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<double>>;
/// Named tensors of one parameter's state ("momentum_buffer" -> tensor).
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// Hyper-parameters shared by a parameter group. Each optimizer derives its own (SGDOptions)
/// through NamedOptions, which gives access by name.
/// Subclasses are value types; an optimizer keeps one copy per parameter group.
class OptimizerOptions {
 public:
  /// Destroys the options.
  virtual ~OptimizerOptions() = default;
  /// A copy of these options.
  /// @return the copy.
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  /// The learning rate.
  /// @return the "lr" option.
  virtual double get_lr() const = 0;
  /// Sets the learning rate (what schedulers call).
  /// @param lr the new "lr" option.
  virtual void set_lr(double lr) = 0;
  /// The options' names in declaration order ("lr" first).
  /// @return the names.
  virtual std::vector<std::string> names() const = 0;
  /// Whether an option of that name exists.
  /// @param name the option's name.
  /// @return true when names() contains it.
  bool has(const std::string& name) const;
  /// KeyError for an unknown name.
  /// The value of one option by name.
  /// @param name the option's name ("lr", "momentum", ...).
  /// @return its value.
  /// @throws KeyError for an unknown name.
  virtual OptionValue get(const std::string& name) const = 0;
  /// Converts an integer to a number where a number is expected and raises TypeError naming the
  /// option on any other mismatch; the value's range is checked when the group is next used
  /// (Optimizer::step), as torch does.
  /// Sets one option by name.
  /// @param name the option's name.
  /// @param value the new value.
  /// @throws KeyError for an unknown name.
  /// @throws TypeError when the value's kind does not match the option's.
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

/// The by-name access of an options struct, from the one list of its fields that the struct
/// declares (every option is listed once, in for_each_option):
///   `template <typename Visit> void for_each_option(Visit&& visit) { visit("lr", lr_); ... }`
/// @tparam Derived the options struct, which declares `for_each_option`.
template <typename Derived>
class NamedOptions : public OptimizerOptions {
 public:
  /// A copy of these options.
  /// @return a Derived copy.
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<Derived>(self()); }
  /// The learning rate.
  /// @return the "lr" option.
  double get_lr() const override { return self().lr(); }
  /// Sets the learning rate.
  /// @param lr the new "lr" option.
  void set_lr(double lr) override { self().lr(lr); }
  /// The options' names in declaration order.
  /// @return the names.
  std::vector<std::string> names() const override {
    std::vector<std::string> names;
    mutable_self().for_each_option([&](const char* name, auto&) { names.emplace_back(name); });
    return names;
  }
  /// The value of one option by name.
  /// @param name the option's name.
  /// @return its value.
  /// @throws KeyError for an unknown name.
  OptionValue get(const std::string& name) const override {
    std::optional<OptionValue> found;
    mutable_self().for_each_option([&](const char* field, auto& value) {
      if (name == field) found = detail::to_option_value(value);
    });
    if (!found) detail::throw_unknown_option(name, names());
    return *found;
  }
  /// Sets one option by name.
  /// @param name the option's name.
  /// @param value the new value.
  /// @throws KeyError for an unknown name.
  /// @throws TypeError when the value's kind does not match the option's.
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

/// A list of parameters trained with the same options (options unset: the optimizer's defaults).
class OptimizerParamGroup {
 public:
  /// A group using the optimizer's default options.
  /// @param params the parameters (leaf tensors).
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}
  /// A group with its own options.
  /// @param params the parameters (leaf tensors).
  /// @param options the group's options.
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  /// Copies the parameter list (the tensors are shared) and clones the options.
  /// @param other the group to copy.
  OptimizerParamGroup(const OptimizerParamGroup& other)
      : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}
  /// Moves a group.
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  /// Copies the parameter list (the tensors are shared) and clones the options.
  /// @param other the group to copy.
  /// @return this group.
  OptimizerParamGroup& operator=(const OptimizerParamGroup& other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
    return *this;
  }
  /// Move-assigns a group.
  /// @return this group.
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;

  /// The group's parameters.
  /// @return the parameter list.
  std::vector<Tensor>& params() { return params_; }
  /// The group's parameters.
  /// @return the parameter list.
  const std::vector<Tensor>& params() const { return params_; }
  /// Whether the group has options (every group of an optimizer does).
  /// @return true when options were given or copied from the defaults.
  bool has_options() const { return options_ != nullptr; }
  /// The group's options.
  /// @return the options.
  /// @throws RuntimeError when the group has none.
  OptimizerOptions& options();
  /// The group's options.
  /// @return the options.
  /// @throws RuntimeError when the group has none.
  const OptimizerOptions& options() const;
  /// Replaces the group's options.
  /// @param options the new options.
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

/// What an optimizer remembers about one parameter between steps (momentum buffers, ...).
class OptimizerParamState {
 public:
  /// Destroys the state.
  virtual ~OptimizerParamState() = default;
  /// A deep copy of this state.
  /// @return the copy.
  virtual std::unique_ptr<OptimizerParamState> clone() const = 0;
  /// The named tensors of this state, for state dicts ("momentum_buffer" -> tensor).
  /// @return name to tensor.
  virtual NamedTensors tensors() const = 0;
};

/// An optimizer's state dict in torch's layout: parameters are numbered across the groups in
/// order; state lists the named state tensors of the parameters that have any; each group lists
/// its options and its parameters' numbers.
struct OptimizerStateDict {
  /// One parameter group of the state dict.
  struct Group {
    /// The group's options by name, in declaration order.
    std::vector<std::pair<std::string, OptionValue>> options;
    /// The numbers of the group's parameters.
    std::vector<int64_t> params;
  };
  /// Parameter number to its named state tensors (only parameters that have state).
  std::map<int64_t, NamedTensors> state;
  /// The groups, in order.
  std::vector<Group> param_groups;
};

/// The base of every optimizer, as libtorch's: parameter groups (each with its own copy of the
/// options), zero_grad, step, per-parameter state created lazily on the first step, and the
/// state dict in torch's layout.
///
/// Not thread-safe: one thread steps an optimizer at a time.
/// @code{.cpp}
/// striate::optim::SGD opt(model->parameters(), striate::optim::SGDOptions(0.1).momentum(0.9));
/// opt.zero_grad(); loss.backward(); opt.step();
/// @endcode
class Optimizer {
 public:
  /// @param param_groups the parameter groups; groups without options get a copy of `defaults`.
  /// @param defaults the optimizer's default options.
  /// @throws ValueError when a parameter is not a leaf, appears twice, or no parameter is given.
  Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults);
  /// Destroys the optimizer and its state.
  virtual ~Optimizer() = default;
  /// Not copyable.
  Optimizer(const Optimizer&) = delete;
  /// Not copy-assignable.
  Optimizer& operator=(const Optimizer&) = delete;

  /// One update of every parameter that has a gradient.
  /// @throws ValueError when a group's options are out of range.
  virtual void step() = 0;
  /// Clears the gradients of every parameter.
  /// @param set_to_none drop the .grad tensors (default true); false zeroes them in place.
  void zero_grad(bool set_to_none = true);
  /// Validates the group (leaf tensors, not already optimized) and gives it a copy of the
  /// defaults when it has no options of its own.
  /// @param param_group the group to add.
  /// @throws ValueError when a parameter is not a leaf or already belongs to a group.
  void add_param_group(const OptimizerParamGroup& param_group);

  /// The parameter groups.
  /// @return the groups, mutable (options can be changed between steps).
  std::vector<OptimizerParamGroup>& param_groups() { return param_groups_; }
  /// The parameter groups.
  /// @return the groups.
  const std::vector<OptimizerParamGroup>& param_groups() const { return param_groups_; }
  /// The default options given to the constructor.
  /// @return the defaults.
  const OptimizerOptions& defaults() const { return *defaults_; }
  /// Every parameter of every group, in order.
  /// @return the parameters.
  std::vector<Tensor> parameters() const;
  /// The state of one parameter, or null before its first step.
  /// @param param a parameter of this optimizer.
  /// @return the state, or nullptr.
  OptimizerParamState* state(const Tensor& param) const;
  /// The number of parameters that have state.
  /// @return the count.
  size_t state_size() const { return state_.size(); }

  /// The options and state of every group, with copies of nothing: state tensors are the live ones.
  /// @return the state dict.
  OptimizerStateDict state_dict() const;
  /// Restores a state dict of this optimizer's layout (groups matched by position, same sizes):
  /// each group's options become the defaults overridden by the saved ones (options the dict lacks,
  /// as in a dict of another version, keep the defaults), and each saved state is copied in, so
  /// stepping on continues as the saved optimizer would. Checks everything before changing anything.
  /// @param state_dict a state dict of an optimizer of the same kind and layout.
  /// @throws ValueError when the group count, a group's size or a state tensor's shape differs.
  void load_state_dict(const OptimizerStateDict& state_dict);
  /// Replaces the state of one parameter by copies of the named tensors of a state dict.
  /// @param param a parameter of this optimizer.
  /// @param tensors the state's named tensors.
  /// @throws ValueError when a tensor is missing or has the wrong shape.
  virtual void load_param_state(const Tensor& param, const NamedTensors& tensors) = 0;

 protected:
  /// Called on each group's options before the group is used; raises on invalid values.
  /// @throws ValueError when a value is out of range.
  virtual void check_options(const OptimizerOptions& /*options*/) const {}
  /// Sets the state of one parameter.
  /// @param param a parameter of this optimizer.
  /// @param state its new state.
  void set_state(const Tensor& param, std::unique_ptr<OptimizerParamState> state);
  /// The name used in error messages ("SGD").
  /// @return the optimizer's name.
  virtual std::string name() const { return "Optimizer"; }

  /// The parameter groups (for subclasses' step()).
  std::vector<OptimizerParamGroup> param_groups_;
  /// The default options.
  std::unique_ptr<OptimizerOptions> defaults_;

 private:
  // Keyed by the parameter's TensorImpl, which the groups keep alive.
  std::unordered_map<const TensorImpl*, std::unique_ptr<OptimizerParamState>> state_;
};

}  // namespace striate::optim
