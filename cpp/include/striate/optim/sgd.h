// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
// with PyTorch's exact update rule (see sgd.cpp).
//   striate::optim::SGD opt(model->parameters(), striate::optim::SGDOptions(0.05).momentum(0.9));
#pragma once
#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

struct SGDOptions : public OptimizerOptions {
  SGDOptions(double lr) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(double, momentum) = 0.0;
  STRIATE_ARG(double, dampening) = 0.0;
  STRIATE_ARG(double, weight_decay) = 0.0;
  STRIATE_ARG(bool, nesterov) = false;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<SGDOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
};

struct SGDParamState : public OptimizerParamState {
  Tensor momentum_buffer;
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<SGDParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override {
    return {{"momentum_buffer", momentum_buffer}};
  }
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<OptimizerParamGroup> param_groups, const SGDOptions& defaults);
  SGD(std::vector<Tensor> params, const SGDOptions& defaults)
      : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "SGD"; }
};

}  // namespace striate::optim
