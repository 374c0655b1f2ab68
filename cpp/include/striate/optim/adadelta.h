// Adadelta with PyTorch's update rule (torch.optim.Adadelta, see adadelta.cpp): steps scaled by
// the ratio of running root mean squares of past updates and of gradients.
//   striate::optim::Adadelta opt(model->parameters(), striate::optim::AdadeltaOptions(1.0).rho(0.9));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

struct AdadeltaOptions : public NamedOptions<AdadeltaOptions> {
  AdadeltaOptions(double lr = 1.0) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(double, rho) = 0.9;
  STRIATE_ARG(double, eps) = 1e-6;
  STRIATE_ARG(double, weight_decay) = 0.0;
  // Ascend the objective instead (torch's maximize): the gradient is negated first.
  STRIATE_ARG(bool, maximize) = false;

 public:
  // Every option, once: the by-name access (NamedOptions) and the state dict read this list.
  template <typename Visit>
  void for_each_option(Visit&& visit) {
    visit("lr", lr_);
    visit("rho", rho_);
    visit("eps", eps_);
    visit("weight_decay", weight_decay_);
    visit("maximize", maximize_);
  }
};

struct AdadeltaParamState : public OptimizerParamState {
  int64_t step = 0;
  Tensor square_avg;  // the running mean of squared gradients
  Tensor acc_delta;   // the running mean of squared updates
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdadeltaParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

class Adadelta : public Optimizer {
 public:
  Adadelta(std::vector<OptimizerParamGroup> param_groups, const AdadeltaOptions& defaults);
  Adadelta(std::vector<Tensor> params, const AdadeltaOptions& defaults)
      : Adadelta(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "Adadelta"; }
};

}  // namespace striate::optim
