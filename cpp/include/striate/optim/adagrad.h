// Adagrad with PyTorch's update rule (torch.optim.Adagrad, see adagrad.cpp): per-coordinate step
// sizes shrinking with the sum of squared gradients.
//   striate::optim::Adagrad opt(model->parameters(), striate::optim::AdagradOptions(1e-2).lr_decay(1e-4));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

struct AdagradOptions : public NamedOptions<AdagradOptions> {
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(double, lr_decay) = 0.0;
  STRIATE_ARG(double, weight_decay) = 0.0;
  STRIATE_ARG(double, initial_accumulator_value) = 0.0;
  STRIATE_ARG(double, eps) = 1e-10;
  // Ascend the objective instead (torch's maximize): the gradient is negated first.
  STRIATE_ARG(bool, maximize) = false;

 public:
  // Every option, once: the by-name access (NamedOptions) and the state dict read this list.
  template <typename Visit>
  void for_each_option(Visit&& visit) {
    visit("lr", lr_);
    visit("lr_decay", lr_decay_);
    visit("weight_decay", weight_decay_);
    visit("initial_accumulator_value", initial_accumulator_value_);
    visit("eps", eps_);
    visit("maximize", maximize_);
  }
};

struct AdagradParamState : public OptimizerParamState {
  int64_t step = 0;
  Tensor sum;  // the running sum of squared gradients
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdagradParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<OptimizerParamGroup> param_groups, const AdagradOptions& defaults);
  Adagrad(std::vector<Tensor> params, const AdagradOptions& defaults)
      : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "Adagrad"; }
};

}  // namespace striate::optim
