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

struct RAdamOptions : public NamedOptions<RAdamOptions> {
  using Betas = std::pair<double, double>;  // (beta1, beta2): decay rates of m and v
  RAdamOptions(double lr = 1e-3) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(Betas, betas) = { 0.9, 0.999 };
  STRIATE_ARG(double, eps) = 1e-8;
  STRIATE_ARG(double, weight_decay) = 0.0;
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
    visit("decoupled_weight_decay", decoupled_weight_decay_);
    visit("maximize", maximize_);
  }
};

struct RAdamParamState : public OptimizerParamState {
  int64_t step = 0;
  Tensor exp_avg;     // m, the running mean of gradients
  Tensor exp_avg_sq;  // v, the running mean of squared gradients
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<RAdamParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

class RAdam : public Optimizer {
 public:
  RAdam(std::vector<OptimizerParamGroup> param_groups, const RAdamOptions& defaults);
  RAdam(std::vector<Tensor> params, const RAdamOptions& defaults)
      : RAdam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "RAdam"; }
};

}  // namespace striate::optim
