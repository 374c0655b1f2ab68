// Adagrad with PyTorch's update rule (torch.optim.Adagrad, see adagrad.cpp): per-coordinate step
// sizes shrinking with the sum of squared gradients.
//   striate::optim::Adagrad opt(model->parameters(), striate::optim::AdagradOptions(1e-2).lr_decay(1e-4));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

struct AdagradOptions : public OptimizerOptions {
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(double, lr_decay) = 0.0;
  STRIATE_ARG(double, weight_decay) = 0.0;
  STRIATE_ARG(double, initial_accumulator_value) = 0.0;
  STRIATE_ARG(double, eps) = 1e-10;
  // Ascend the objective instead (torch's maximize): the gradient is negated first.
  STRIATE_ARG(bool, maximize) = false;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdagradOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
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
  // Replaces the state of one parameter by copies of the named tensors of a state dict.
  void load_param_state(const Tensor& param, const std::vector<std::pair<std::string, Tensor>>& tensors);

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "Adagrad"; }
};

}  // namespace striate::optim
