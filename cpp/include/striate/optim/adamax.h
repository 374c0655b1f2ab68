// Adamax with PyTorch's update rule (torch.optim.Adamax, see adamax.cpp): Adam with the infinity
// norm, a running maximum of |g|, in place of the running mean of g^2.
//   striate::optim::Adamax opt(model->parameters(), striate::optim::AdamaxOptions(2e-3));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of Adamax (torch's names and defaults; setters chain; also readable by name).
struct AdamaxOptions : public NamedOptions<AdamaxOptions> {
  /// (beta1, beta2).
  using Betas = std::pair<double, double>;  // (beta1, beta2): decay rates of m and u
  /// @param lr the learning rate (default 2e-3).
  AdamaxOptions(double lr = 2e-3) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// (beta1, beta2): the decay rates of the running averages (default { 0.9, 0.999 }).
  STRIATE_ARG(Betas, betas) = { 0.9, 0.999 };
  /// Added to the denominator for stability (default 1e-8).
  STRIATE_ARG(double, eps) = 1e-8;
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
    visit("betas", betas_);
    visit("eps", eps_);
    visit("weight_decay", weight_decay_);
    visit("maximize", maximize_);
  }
};

/// What Adamax keeps per parameter between steps (torch's state keys).
struct AdamaxParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// M, the running mean of gradients.
  Tensor exp_avg;  // m, the running mean of gradients
  /// U, the decayed running maximum of |g|.
  Tensor exp_inf;  // u, the decayed running maximum of |g|
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdamaxParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The Adamax optimizer, with torch.optim.Adamax's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class Adamax : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Adamax(std::vector<OptimizerParamGroup> param_groups, const AdamaxOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Adamax(std::vector<Tensor> params, const AdamaxOptions& defaults)
      : Adamax(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "Adamax"; }
};

}  // namespace striate::optim
