// Rprop with PyTorch's update rule (torch.optim.Rprop, see rprop.cpp): a per-coordinate step size
// that grows while the gradient keeps its sign and shrinks when it flips; only the gradient's
// sign moves the parameter. For full-batch training.
//   striate::optim::Rprop opt(model->parameters(), striate::optim::RpropOptions(1e-2).etas({0.5, 1.2}));
#pragma once
#include <string>
#include <utility>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of Rprop (torch's names and defaults; setters chain; also readable by name).
struct RpropOptions : public NamedOptions<RpropOptions> {
  /// A pair of numbers.
  using Pair = std::pair<double, double>;
  /// lr is the initial step size of every coordinate: changing it later changes nothing (as torch).
  /// @param lr the learning rate (default 1e-2).
  RpropOptions(double lr = 1e-2) : lr_(lr) {}
  /// The learning rate.
  STRIATE_ARG(double, lr);
  /// (etaminus, etaplus): the factors a step size is multiplied by when the gradient's sign flips
  /// or stays; 0 < etaminus < 1 < etaplus.
  /// (eta_minus, eta_plus): the step size's shrink and growth factors (default { 0.5, 1.2 }).
  STRIATE_ARG(Pair, etas) = { 0.5, 1.2 };
  /// (min, max): the bounds of a step size.
  /// (min, max) bounds of the step size (default { 1e-6, 50.0 }).
  STRIATE_ARG(Pair, step_sizes) = { 1e-6, 50.0 };
  /// Ascend the objective instead (torch's maximize): the gradient is negated first.
  /// Ascend the objective instead (the gradient is negated first) (default false).
  STRIATE_ARG(bool, maximize) = false;

 public:
  /// Every option, once: the by-name access (NamedOptions) and the state dict read this list.
  /// Calls visit(name, field) for every option, in declaration order.
  /// @tparam Visit a callable taking (const char*, T&).
  /// @param visit the visitor.
  template <typename Visit>
  void for_each_option(Visit&& visit) {
    visit("lr", lr_);
    visit("etas", etas_);
    visit("step_sizes", step_sizes_);
    visit("maximize", maximize_);
  }
};

/// What Rprop keeps per parameter between steps (torch's state keys).
struct RpropParamState : public OptimizerParamState {
  /// The number of steps taken for this parameter.
  int64_t step = 0;
  /// The previous step's gradient, zero where its sign flipped.
  Tensor prev;  // the previous step's gradient, zero where its sign flipped
  /// The per-coordinate step sizes, starting at lr.
  Tensor step_size;  // the per-coordinate step sizes, starting at lr
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<RpropParamState>(*this); }
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The Rprop optimizer, with torch.optim.Rprop's update rule (the header's opening comment gives the formulas).
///
/// Not thread-safe: one thread steps it at a time.
class Rprop : public Optimizer {
 public:
  /// @param param_groups the parameter groups (groups without options take the defaults).
  /// @param defaults the default options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Rprop(std::vector<OptimizerParamGroup> param_groups, const RpropOptions& defaults);
  /// One group of parameters.
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options.
  /// @throws ValueError when an option is out of range, a parameter is not a leaf or appears twice.
  Rprop(std::vector<Tensor> params, const RpropOptions& defaults)
      : Rprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
  void step() override;
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "Rprop"; }
};

}  // namespace striate::optim
