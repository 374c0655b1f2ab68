// Adagrad with PyTorch's update rule (torch.optim.Adagrad, see adagrad.cpp): per-coordinate step
// sizes shrinking with the sum of squared gradients.
//   striate::optim::Adagrad opt(model->parameters(), striate::optim::AdagradOptions(1e-2).lr_decay(1e-4));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of Adagrad (torch's names and defaults; setters chain; also readable by name).
struct AdagradOptions : public NamedOptions<AdagradOptions> {
  /// @param lr the learning rate (default 1e-2).
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// The learning-rate decay: lr / (1 + (step - 1) * lr_decay) (default 0.0).
  STRIATE_ARG(double, lr_decay) = 0.0;
  /// The L2 penalty added to the gradient (decoupled where stated) (default 0.0).
  STRIATE_ARG(double, weight_decay) = 0.0;
  /// The initial value of the sum of squared gradients (default 0.0).
  STRIATE_ARG(double, initial_accumulator_value) = 0.0;
  /// Added to the denominator for stability (default 1e-10).
  STRIATE_ARG(double, eps) = 1e-10;
  /// Ascend the objective instead (torch's maximize): the gradient is negated first.
  /// Ascend the objective instead (the gradient is negated first) (default false).
  STRIATE_ARG(bool, maximize) = false;

 public:
  /// Every option, once: the by-name access (NamedOptions) and the state dict read this list.
  /// Calls visit(name, field) for every option, in declaration order.
  /// @tparam Visit a callable taking (const char*, T&).
  /// @param visit the visitor.
  template <typename Visit>
  void for_each_option(Visit&& visit) {
    visit("lr", lr_);
    visit("lr_decay", lr_decay_);
    visit("weight_decay", weight_decay_);
    visit("initial_accumulator_value", initial_accumulator_value_);
    visit("eps", eps_);
    visit("maximize", maximize_);
  }
};

/// What Adagrad keeps per parameter between steps (torch's state keys).
struct AdagradParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// The running sum of squared gradients.
  Tensor sum;  // the running sum of squared gradients
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdagradParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The Adagrad optimizer, with torch.optim.Adagrad's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class Adagrad : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Adagrad(std::vector<OptimizerParamGroup> param_groups, const AdagradOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Adagrad(std::vector<Tensor> params, const AdagradOptions& defaults)
      : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "Adagrad"; }
};

}  // namespace striate::optim
