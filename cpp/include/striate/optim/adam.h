// Adam and AdamW with PyTorch's update rules (torch.optim.Adam / AdamW, see adam.cpp), plus
// bias_correction(false) for the notes' simplified form without the 1 - beta^t corrections.
//   striate::optim::Adam opt(model->parameters(), striate::optim::AdamOptions(1e-3).betas({0.9, 0.999}));
//   striate::optim::AdamW opt(model->parameters(), striate::optim::AdamWOptions(1e-3));  // weight_decay 1e-2
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of Adam (torch's names and defaults; setters chain; also readable by name).
struct AdamOptions : public NamedOptions<AdamOptions> {
  /// (beta1, beta2).
  using Betas = std::pair<double, double>;  // (beta1, beta2): decay rates of m and v
  /// @param lr the learning rate (default 1e-3).
  AdamOptions(double lr = 1e-3) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// (beta1, beta2): the decay rates of the running averages (default { 0.9, 0.999 }).
  STRIATE_ARG(Betas, betas) = { 0.9, 0.999 };
  /// Added to the denominator for stability (default 1e-8).
  STRIATE_ARG(double, eps) = 1e-8;
  /// The L2 penalty added to the gradient (decoupled where stated) (default 0.0).
  STRIATE_ARG(double, weight_decay) = 0.0;
  /// Use the AMSGrad variant (the running maximum of v) (default false).
  STRIATE_ARG(bool, amsgrad) = false;
  /// Ascend the objective instead (torch's maximize): the gradient is negated first.
  /// Ascend the objective instead (the gradient is negated first) (default false).
  STRIATE_ARG(bool, maximize) = false;
  /// false: the notes' form, p -= lr * m / (sqrt(v) + eps), without 1 - beta^t corrections.
  /// Apply the 1 - beta^t corrections; false gives the notes' simplified form (default true).
  STRIATE_ARG(bool, bias_correction) = true;
  /// true (AdamW): p *= 1 - lr * weight_decay instead of adding weight_decay * p to the gradient.
  /// Decay the weights directly (p *= 1 - lr * weight_decay) instead of through the gradient (default false).
  STRIATE_ARG(bool, decoupled_weight_decay) = false;

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
    visit("amsgrad", amsgrad_);
    visit("maximize", maximize_);
    visit("bias_correction", bias_correction_);
    visit("decoupled_weight_decay", decoupled_weight_decay_);
  }
};

/// AdamW's defaults: torch's weight_decay of 1e-2, decoupled.
struct AdamWOptions : public AdamOptions {
  /// @param lr the learning rate (default 1e-3).
  AdamWOptions(double lr = 1e-3) : AdamOptions(lr) {
    weight_decay(1e-2);
    decoupled_weight_decay(true);
  }
};

/// What Adam keeps per parameter between steps (torch's state keys).
struct AdamParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// M, the running mean of gradients.
  Tensor exp_avg;  // m, the running mean of gradients
  /// V, the running mean of squared gradients.
  Tensor exp_avg_sq;  // v, the running mean of squared gradients
  /// Amsgrad only: the running maximum of v.
  Tensor max_exp_avg_sq;  // amsgrad only: the running maximum of v
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdamParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The Adam optimizer, with torch.optim.Adam's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class Adam : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Adam(std::vector<OptimizerParamGroup> param_groups, const AdamOptions& defaults)
      : Adam(std::move(param_groups), defaults, false) {}
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Adam(std::vector<Tensor> params, const AdamOptions& defaults)
      : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  /// force_decoupled_weight_decay (AdamW): decay decoupled whatever a group's options say.
  /// @param param_groups the parameter groups.
  /// @param defaults the default options.
  /// @param force_decoupled_weight_decay AdamW's flag.
  /// @throws ValueError when an option is out of range.
  Adam(std::vector<OptimizerParamGroup> param_groups, const AdamOptions& defaults, bool force_decoupled_weight_decay);
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return force_decoupled_weight_decay_ ? "AdamW" : "Adam"; }
  /// True for AdamW.
  bool force_decoupled_weight_decay_ = false;
};

/// Adam with decoupled weight decay: every group's decoupled_weight_decay is forced on.
/// Stepping: as Adam.
class AdamW : public Adam {
 public:
  /// @param param_groups the parameter groups.
  /// @param defaults the default options (default AdamWOptions()).
  /// @throws ValueError when an option is out of range.
  AdamW(std::vector<OptimizerParamGroup> param_groups, const AdamOptions& defaults = AdamWOptions());
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options (default AdamWOptions()).
  /// @throws ValueError when an option is out of range.
  AdamW(std::vector<Tensor> params, const AdamOptions& defaults = AdamWOptions())
      : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
};

}  // namespace striate::optim
