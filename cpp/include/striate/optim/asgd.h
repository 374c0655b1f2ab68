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

struct ASGDOptions : public NamedOptions<ASGDOptions> {
  ASGDOptions(double lr = 1e-2) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(double, lambd) = 1e-4;  // the decay term
  STRIATE_ARG(double, alpha) = 0.75;  // the power of the step size's decay
  STRIATE_ARG(double, t0) = 1e6;      // the step from which the average is taken
  STRIATE_ARG(double, weight_decay) = 0.0;
  // Ascend the objective instead (torch's maximize): the gradient is negated first.
  STRIATE_ARG(bool, maximize) = false;

 public:
  // Every option, once: the by-name access (NamedOptions) and the state dict read this list.
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

struct ASGDParamState : public OptimizerParamState {
  int64_t step = 0;
  // The step size and the averaging weight of the next step, kept in float32 as torch keeps them.
  float eta = 0.0f;
  float mu = 1.0f;
  Tensor ax;  // the running average of the parameter
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<ASGDParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

class ASGD : public Optimizer {
 public:
  ASGD(std::vector<OptimizerParamGroup> param_groups, const ASGDOptions& defaults);
  ASGD(std::vector<Tensor> params, const ASGDOptions& defaults)
      : ASGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "ASGD"; }
};

}  // namespace striate::optim
