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

struct AdamOptions : public NamedOptions<AdamOptions> {
  using Betas = std::pair<double, double>;  // (beta1, beta2): decay rates of m and v
  AdamOptions(double lr = 1e-3) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(Betas, betas) = { 0.9, 0.999 };
  STRIATE_ARG(double, eps) = 1e-8;
  STRIATE_ARG(double, weight_decay) = 0.0;
  STRIATE_ARG(bool, amsgrad) = false;
  // Ascend the objective instead (torch's maximize): the gradient is negated first.
  STRIATE_ARG(bool, maximize) = false;
  // false: the notes' form, p -= lr * m / (sqrt(v) + eps), without 1 - beta^t corrections.
  STRIATE_ARG(bool, bias_correction) = true;
  // true (AdamW): p *= 1 - lr * weight_decay instead of adding weight_decay * p to the gradient.
  STRIATE_ARG(bool, decoupled_weight_decay) = false;

 public:
  // Every option, once: the by-name access (NamedOptions) and the state dict read this list.
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

// AdamW's defaults: torch's weight_decay of 1e-2, decoupled.
struct AdamWOptions : public AdamOptions {
  AdamWOptions(double lr = 1e-3) : AdamOptions(lr) {
    weight_decay(1e-2);
    decoupled_weight_decay(true);
  }
};

struct AdamParamState : public OptimizerParamState {
  int64_t step = 0;
  Tensor exp_avg;         // m, the running mean of gradients
  Tensor exp_avg_sq;      // v, the running mean of squared gradients
  Tensor max_exp_avg_sq;  // amsgrad only: the running maximum of v
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdamParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<OptimizerParamGroup> param_groups, const AdamOptions& defaults)
      : Adam(std::move(param_groups), defaults, false) {}
  Adam(std::vector<Tensor> params, const AdamOptions& defaults)
      : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  // force_decoupled_weight_decay (AdamW): decay decoupled whatever a group's options say.
  Adam(std::vector<OptimizerParamGroup> param_groups, const AdamOptions& defaults, bool force_decoupled_weight_decay);
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return force_decoupled_weight_decay_ ? "AdamW" : "Adam"; }
  bool force_decoupled_weight_decay_ = false;
};

// Adam with decoupled weight decay: every group's decoupled_weight_decay is forced on.
class AdamW : public Adam {
 public:
  AdamW(std::vector<OptimizerParamGroup> param_groups, const AdamOptions& defaults = AdamWOptions());
  AdamW(std::vector<Tensor> params, const AdamOptions& defaults = AdamWOptions())
      : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
};

}  // namespace striate::optim
