// Adadelta with PyTorch's update rule (torch.optim.Adadelta, see adadelta.cpp): steps scaled by
// the ratio of running root mean squares of past updates and of gradients.
//   striate::optim::Adadelta opt(model->parameters(), striate::optim::AdadeltaOptions(1.0).rho(0.9));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of Adadelta (torch's names and defaults; setters chain; also readable by name).
struct AdadeltaOptions : public NamedOptions<AdadeltaOptions> {
  /// @param lr the learning rate (default 1.0).
  AdadeltaOptions(double lr = 1.0) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// The decay rate of the running averages (default 0.9).
  STRIATE_ARG(double, rho) = 0.9;
  /// Added to the denominator for stability (default 1e-6).
  STRIATE_ARG(double, eps) = 1e-6;
  /// The L2 penalty added to the gradient (decoupled where stated) (default 0.0).
  STRIATE_ARG(double, weight_decay) = 0.0;
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
    visit("rho", rho_);
    visit("eps", eps_);
    visit("weight_decay", weight_decay_);
    visit("maximize", maximize_);
  }
};

/// What Adadelta keeps per parameter between steps (torch's state keys).
struct AdadeltaParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// The running mean of squared gradients.
  Tensor square_avg;  // the running mean of squared gradients
  /// The running mean of squared updates.
  Tensor acc_delta;  // the running mean of squared updates
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdadeltaParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The Adadelta optimizer, with torch.optim.Adadelta's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class Adadelta : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Adadelta(std::vector<OptimizerParamGroup> param_groups, const AdadeltaOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Adadelta(std::vector<Tensor> params, const AdadeltaOptions& defaults)
      : Adadelta(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "Adadelta"; }
};

}  // namespace striate::optim
