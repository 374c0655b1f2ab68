// ASGD, averaged stochastic gradient descent, with PyTorch's update rule (torch.optim.ASGD, see
// asgd.cpp): SGD with a decaying step size and weight shrinkage, keeping a running average of the
// parameters ("ax" in the state) from step t0 on.
//   striate::optim::ASGD opt(model->parameters(), striate::optim::ASGDOptions(1e-2).t0(100));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of ASGD (torch's names and defaults; setters chain; also readable by name).
struct ASGDOptions : public NamedOptions<ASGDOptions> {
  /// @param lr the learning rate (default 1e-2).
  ASGDOptions(double lr = 1e-2) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// The decay term (default 1e-4).
  STRIATE_ARG(double, lambd) = 1e-4;  // the decay term
  /// The power of the step size's decay (default 0.75).
  STRIATE_ARG(double, alpha) = 0.75;  // the power of the step size's decay
  /// The step from which the average is taken (default 1e6).
  STRIATE_ARG(double, t0) = 1e6;  // the step from which the average is taken
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
    visit("lambd", lambd_);
    visit("alpha", alpha_);
    visit("t0", t0_);
    visit("weight_decay", weight_decay_);
    visit("maximize", maximize_);
  }
};

/// What ASGD keeps per parameter between steps (torch's state keys).
struct ASGDParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// The step size and the averaging weight of the next step, kept in float32 as torch keeps them.
  /// The step size of the next step (float32, as torch).
  float eta = 0.0f;
  /// The averaging weight of the next step (float32, as torch).
  float mu = 1.0f;
  /// The running average of the parameter.
  Tensor ax;  // the running average of the parameter
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<ASGDParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The ASGD optimizer, with torch.optim.ASGD's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class ASGD : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  ASGD(std::vector<OptimizerParamGroup> param_groups, const ASGDOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  ASGD(std::vector<Tensor> params, const ASGDOptions& defaults)
      : ASGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "ASGD"; }
};

}  // namespace striate::optim
