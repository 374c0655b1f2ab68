// RAdam with PyTorch's update rule (torch.optim.RAdam, see radam.cpp): Adam whose adaptive step
// is rectified by the variance of its estimate, and plain momentum SGD while that variance is
// intractable (the first steps).
//   striate::optim::RAdam opt(model->parameters(), striate::optim::RAdamOptions(1e-3));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of RAdam (torch's names and defaults; setters chain; also readable by name).
struct RAdamOptions : public NamedOptions<RAdamOptions> {
  /// (beta1, beta2).
  using Betas = std::pair<double, double>;  // (beta1, beta2): decay rates of m and v
  /// @param lr the learning rate (default 1e-3).
  RAdamOptions(double lr = 1e-3) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// (beta1, beta2): the decay rates of the running averages (default { 0.9, 0.999 }).
  STRIATE_ARG(Betas, betas) = { 0.9, 0.999 };
  /// Added to the denominator for stability (default 1e-8).
  STRIATE_ARG(double, eps) = 1e-8;
  /// The L2 penalty added to the gradient (decoupled where stated) (default 0.0).
  STRIATE_ARG(double, weight_decay) = 0.0;
  /// true: p *= 1 - lr * weight_decay instead of adding weight_decay * p to the gradient.
  /// Decay the weights directly (p *= 1 - lr * weight_decay) instead of through the gradient (default false).
  STRIATE_ARG(bool, decoupled_weight_decay) = false;
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
    visit("betas", betas_);
    visit("eps", eps_);
    visit("weight_decay", weight_decay_);
    visit("decoupled_weight_decay", decoupled_weight_decay_);
    visit("maximize", maximize_);
  }
};

/// What RAdam keeps per parameter between steps (torch's state keys).
struct RAdamParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// M, the running mean of gradients.
  Tensor exp_avg;  // m, the running mean of gradients
  /// V, the running mean of squared gradients.
  Tensor exp_avg_sq;  // v, the running mean of squared gradients
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<RAdamParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The RAdam optimizer, with torch.optim.RAdam's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class RAdam : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  RAdam(std::vector<OptimizerParamGroup> param_groups, const RAdamOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  RAdam(std::vector<Tensor> params, const RAdamOptions& defaults)
      : RAdam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "RAdam"; }
};

}  // namespace striate::optim
