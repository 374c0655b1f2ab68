// RMSprop with PyTorch's update rule (torch.optim.RMSprop, see rmsprop.cpp): gradients divided by
// a running root mean square, optionally centered and with momentum.
//   striate::optim::RMSprop opt(model->parameters(), striate::optim::RMSpropOptions(1e-2).momentum(0.9));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of RMSprop (torch's names and defaults; setters chain; also readable by name).
struct RMSpropOptions : public NamedOptions<RMSpropOptions> {
  /// @param lr the learning rate (default 1e-2).
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// The smoothing constant of the running mean (default 0.99).
  STRIATE_ARG(double, alpha) = 0.99;
  /// Added to the denominator for stability (default 1e-8).
  STRIATE_ARG(double, eps) = 1e-8;
  /// The L2 penalty added to the gradient (decoupled where stated) (default 0.0).
  STRIATE_ARG(double, weight_decay) = 0.0;
  /// The momentum factor (default 0.0).
  STRIATE_ARG(double, momentum) = 0.0;
  /// Normalize by the variance estimate (the running mean of g subtracted) (default false).
  STRIATE_ARG(bool, centered) = false;
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
    visit("alpha", alpha_);
    visit("eps", eps_);
    visit("weight_decay", weight_decay_);
    visit("momentum", momentum_);
    visit("centered", centered_);
    visit("maximize", maximize_);
  }
};

/// What RMSprop keeps per parameter between steps (torch's state keys).
struct RMSpropParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// The running mean of squared gradients.
  Tensor square_avg;  // the running mean of squared gradients
  /// Momentum > 0 only.
  Tensor momentum_buffer;  // momentum > 0 only
  /// Centered only: the running mean of gradients.
  Tensor grad_avg;  // centered only: the running mean of gradients
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<RMSpropParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The RMSprop optimizer, with torch.optim.RMSprop's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class RMSprop : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  RMSprop(std::vector<OptimizerParamGroup> param_groups, const RMSpropOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& defaults)
      : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "RMSprop"; }
};

}  // namespace striate::optim
