// Adamax with PyTorch's update rule (torch.optim.Adamax, see adamax.cpp): Adam with the infinity
// norm, a running maximum of |g|, in place of the running mean of g^2.
//   striate::optim::Adamax opt(model->parameters(), striate::optim::AdamaxOptions(2e-3));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

struct AdamaxOptions : public NamedOptions<AdamaxOptions> {
  using Betas = std::pair<double, double>;  // (beta1, beta2): decay rates of m and u
  AdamaxOptions(double lr = 2e-3) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(Betas, betas) = { 0.9, 0.999 };
  STRIATE_ARG(double, eps) = 1e-8;
  STRIATE_ARG(double, weight_decay) = 0.0;
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
    visit("maximize", maximize_);
  }
};

struct AdamaxParamState : public OptimizerParamState {
  int64_t step = 0;
  Tensor exp_avg;  // m, the running mean of gradients
  Tensor exp_inf;  // u, the decayed running maximum of |g|
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdamaxParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

class Adamax : public Optimizer {
 public:
  Adamax(std::vector<OptimizerParamGroup> param_groups, const AdamaxOptions& defaults);
  Adamax(std::vector<Tensor> params, const AdamaxOptions& defaults)
      : Adamax(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "Adamax"; }
};

}  // namespace striate::optim
