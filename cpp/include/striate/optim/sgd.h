// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
// with PyTorch's exact update rule, or the notes' velocity form (see sgd.cpp).
//   striate::optim::SGD opt(model->parameters(), striate::optim::SGDOptions(0.05).momentum(0.9));
//   SGDOptions(0.05).momentum(0.9).momentum_form("velocity")    // v = momentum*v - lr*g; p += v
#pragma once
#include <string>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of SGD (torch's names and defaults; setters chain; also readable by name).
struct SGDOptions : public NamedOptions<SGDOptions> {
  /// @param lr the learning rate.
  SGDOptions(double lr) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// The momentum factor (default 0.0).
  STRIATE_ARG(double, momentum) = 0.0;
  /// The dampening of momentum (default 0.0).
  STRIATE_ARG(double, dampening) = 0.0;
  /// The L2 penalty added to the gradient (decoupled where stated) (default 0.0).
  STRIATE_ARG(double, weight_decay) = 0.0;
  /// Use Nesterov momentum (default false).
  STRIATE_ARG(bool, nesterov) = false;
  /// Ascend the objective instead (torch's maximize): the gradient is negated first.
  /// Ascend the objective instead (the gradient is negated first) (default false).
  STRIATE_ARG(bool, maximize) = false;
  /// "torch": buf = momentum*buf + (1-dampening)*g; p -= lr*buf (the learning rate scales the
  /// whole buffer, so a change of lr applies at once). "velocity": v = momentum*v - lr*(1-dampening)*g;
  /// p += v (the lr in force when a gradient arrives stays folded into v). Same trajectory for a
  /// constant lr.
  /// "torch" or "velocity" (see below) (default "torch").
  STRIATE_ARG(std::string, momentum_form) = "torch";

 public:
  /// Every option, once: the by-name access (NamedOptions) and the state dict read this list.
  /// Calls visit(name, field) for every option, in declaration order.
  /// @tparam Visit a callable taking (const char*, T&).
  /// @param visit the visitor.
  template <typename Visit>
  void for_each_option(Visit&& visit) {
    visit("lr", lr_);
    visit("momentum", momentum_);
    visit("dampening", dampening_);
    visit("weight_decay", weight_decay_);
    visit("nesterov", nesterov_);
    visit("maximize", maximize_);
    visit("momentum_form", momentum_form_);
  }
};

/// What SGD keeps per parameter between steps (torch's state keys).
struct SGDParamState : public OptimizerParamState {
  /// Momentum_form "torch".
  Tensor momentum_buffer;  // momentum_form "torch"
  /// Momentum_form "velocity".
  Tensor velocity;  // momentum_form "velocity"
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<SGDParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override {
    std::vector<std::pair<std::string, Tensor>> named;
    if (momentum_buffer.defined()) named.emplace_back("momentum_buffer", momentum_buffer);
    if (velocity.defined()) named.emplace_back("velocity", velocity);
    return named;
  }
};

/// The SGD optimizer, with torch.optim.SGD's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class SGD : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  SGD(std::vector<OptimizerParamGroup> param_groups, const SGDOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  SGD(std::vector<Tensor> params, const SGDOptions& defaults)
      : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "SGD"; }
};

}  // namespace striate::optim
