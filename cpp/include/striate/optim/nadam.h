// NAdam with PyTorch's update rule (torch.optim.NAdam, see nadam.cpp): Adam with Nesterov
// momentum, whose momentum coefficient warms up over the steps (momentum_decay).
//   striate::optim::NAdam opt(model->parameters(), striate::optim::NAdamOptions(2e-3));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of NAdam (torch's names and defaults; setters chain; also readable by name).
struct NAdamOptions : public NamedOptions<NAdamOptions> {
  /// (beta1, beta2).
  using Betas = std::pair<double, double>;  // (beta1, beta2): decay rates of m and v
  /// @param lr the learning rate (default 2e-3).
  NAdamOptions(double lr = 2e-3) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// (beta1, beta2): the decay rates of the running averages (default { 0.9, 0.999 }).
  STRIATE_ARG(Betas, betas) = { 0.9, 0.999 };
  /// Added to the denominator for stability (default 1e-8).
  STRIATE_ARG(double, eps) = 1e-8;
  /// The L2 penalty added to the gradient (decoupled where stated) (default 0.0).
  STRIATE_ARG(double, weight_decay) = 0.0;
  /// The warm-up rate of the momentum coefficient (default 4e-3).
  STRIATE_ARG(double, momentum_decay) = 4e-3;
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
    visit("momentum_decay", momentum_decay_);
    visit("decoupled_weight_decay", decoupled_weight_decay_);
    visit("maximize", maximize_);
  }
};

/// What NAdam keeps per parameter between steps (torch's state keys).
struct NAdamParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// The product of the momentum coefficients mu_1 ... mu_t, kept in float32 as torch keeps it.
  /// The product of the momentum coefficients (float32, as torch).
  float mu_product = 1.0f;
  /// M, the running mean of gradients.
  Tensor exp_avg;  // m, the running mean of gradients
  /// V, the running mean of squared gradients.
  Tensor exp_avg_sq;  // v, the running mean of squared gradients
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<NAdamParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The NAdam optimizer, with torch.optim.NAdam's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class NAdam : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  NAdam(std::vector<OptimizerParamGroup> param_groups, const NAdamOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  NAdam(std::vector<Tensor> params, const NAdamOptions& defaults)
      : NAdam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "NAdam"; }
};

}  // namespace striate::optim
