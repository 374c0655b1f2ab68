// optim::Optimizer: the base of every optimizer, as libtorch's: parameter groups (each with its
// own copy of the options), zero_grad, step, and per-parameter state created lazily on the first
// step (kept in a form a state dict can list).
//   striate::optim::SGD opt(model->parameters(), striate::optim::SGDOptions(0.1).momentum(0.9));
//   opt.zero_grad(); loss.backward(); opt.step();
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "striate/core/tensor.h"

namespace striate::optim {

// Hyper-parameters shared by a parameter group. Each optimizer derives its own (SGDOptions).
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
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
  virtual std::vector<std::pair<std::string, Tensor>> tensors() const = 0;
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
