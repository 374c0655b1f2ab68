// RMSprop with PyTorch's update rule (torch.optim.RMSprop, see rmsprop.cpp): gradients divided by
// a running root mean square, optionally centered and with momentum.
//   striate::optim::RMSprop opt(model->parameters(), striate::optim::RMSpropOptions(1e-2).momentum(0.9));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

struct RMSpropOptions : public NamedOptions<RMSpropOptions> {
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}
  STRIATE_ARG(double, lr);
  STRIATE_ARG(double, alpha) = 0.99;
  STRIATE_ARG(double, eps) = 1e-8;
  STRIATE_ARG(double, weight_decay) = 0.0;
  STRIATE_ARG(double, momentum) = 0.0;
  STRIATE_ARG(bool, centered) = false;
  // Ascend the objective instead (torch's maximize): the gradient is negated first.
  STRIATE_ARG(bool, maximize) = false;

 public:
  // Every option, once: the by-name access (NamedOptions) and the state dict read this list.
  template <typename Visit>
  void for_each_option(Visit&& visit) {
    visit("lr", lr_);
    visit("alpha", alpha_);
    visit("eps", eps_);
    visit("weight_decay", weight_decay_);
    visit("momentum", momentum_);
    visit("centered", centered_);
    visit("maximize", maximize_);
  }
};

struct RMSpropParamState : public OptimizerParamState {
  int64_t step = 0;
  Tensor square_avg;       // the running mean of squared gradients
  Tensor momentum_buffer;  // momentum > 0 only
  Tensor grad_avg;         // centered only: the running mean of gradients
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<RMSpropParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<OptimizerParamGroup> param_groups, const RMSpropOptions& defaults);
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& defaults)
      : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "RMSprop"; }
};

}  // namespace striate::optim
