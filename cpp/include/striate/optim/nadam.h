// NAdam with PyTorch's update rule (torch.optim.NAdam, see nadam.cpp): Adam with Nesterov
// momentum, whose momentum coefficient warms up over the steps (momentum_decay).
//   striate::optim::NAdam opt(model->parameters(), striate::optim::NAdamOptions(2e-3));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

struct NAdamOptions : public NamedOptions<NAdamOptions> {
  using Betas = std::pair<double, double>;  // (beta1, beta2): decay rates of m and v
  NAdamOptions(double lr = 2e-3) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(Betas, betas) = { 0.9, 0.999 };
  STRIATE_ARG(double, eps) = 1e-8;
  STRIATE_ARG(double, weight_decay) = 0.0;
  STRIATE_ARG(double, momentum_decay) = 4e-3;
  // true: p *= 1 - lr * weight_decay instead of adding weight_decay * p to the gradient.
  STRIATE_ARG(bool, decoupled_weight_decay) = false;
  // Ascend the objective instead (torch's maximize): the gradient is negated first.
  STRIATE_ARG(bool, maximize) = false;

 public:
  // Every option, once: the by-name access (NamedOptions) and the state dict read this list.
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

struct NAdamParamState : public OptimizerParamState {
  int64_t step = 0;
  // The product of the momentum coefficients mu_1 ... mu_t, kept in float32 as torch keeps it.
  float mu_product = 1.0f;
  Tensor exp_avg;     // m, the running mean of gradients
  Tensor exp_avg_sq;  // v, the running mean of squared gradients
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<NAdamParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

class NAdam : public Optimizer {
 public:
  NAdam(std::vector<OptimizerParamGroup> param_groups, const NAdamOptions& defaults);
  NAdam(std::vector<Tensor> params, const NAdamOptions& defaults)
      : NAdam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "NAdam"; }
};

}  // namespace striate::optim
