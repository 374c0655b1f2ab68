// L-BFGS for full-batch problems, PyTorch's algorithm (torch.optim.LBFGS): two-loop recursion over
// the last history_size curvature pairs, its stopping rules, and an optional strong-Wolfe line
// search with cubic interpolation. step() takes a closure that re-evaluates the loss and gradients.
//   striate::optim::LBFGS opt(model->parameters(), striate::optim::LBFGSOptions(1.0).line_search_fn("strong_wolfe"));
//   double first_loss = opt.step([&] {
//     opt.zero_grad(); Tensor loss = f(model); loss.backward(); return loss.item_double();
//   });
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// The options of LBFGS (torch's names and defaults; setters chain; also readable by name).
struct LBFGSOptions : public NamedOptions<LBFGSOptions> {
  /// @param lr the learning rate (default 1.0).
  LBFGSOptions(double lr = 1.0) : lr_(lr) {}
  /// The learning rate: the step length without line search.
  STRIATE_ARG(double, lr);
  /// Iterations of one step() call.
  /// (default 20).
  STRIATE_ARG(int64_t, max_iter) = 20;
  /// Closure evaluations of one step() call; unset: max_iter * 5 / 4.
  STRIATE_ARG(std::optional<int64_t>, max_eval) = std::nullopt;
  /// Stop when the largest gradient component falls to this.
  /// (default 1e-7).
  STRIATE_ARG(double, tolerance_grad) = 1e-7;
  /// Stop when the step or the change of loss falls below this.
  /// (default 1e-9).
  STRIATE_ARG(double, tolerance_change) = 1e-9;
  /// The number of curvature pairs kept (default 100).
  STRIATE_ARG(int64_t, history_size) = 100;
  /// Unset (a fixed step of lr) or "strong_wolfe".
  STRIATE_ARG(std::optional<std::string>, line_search_fn) = std::nullopt;

 public:
  /// Every option, once: the by-name access (NamedOptions) and the state dict read this list.
  /// @tparam Visit a callable taking (const char*, T&).
  /// @param visit the visitor.
  template <typename Visit>
  void for_each_option(Visit&& visit) {
    visit("lr", lr_);
    visit("max_iter", max_iter_);
    visit("max_eval", max_eval_);
    visit("tolerance_grad", tolerance_grad_);
    visit("tolerance_change", tolerance_change_);
    visit("history_size", history_size_);
    visit("line_search_fn", line_search_fn_);
  }
};

/// The whole optimizer's memory, kept (as torch does) under the first parameter. Vectors span every
/// parameter flattened and concatenated; they are held in float64 on the CPU.
struct LBFGSParamState : public OptimizerParamState {
  /// Closure evaluations so far.
  int64_t func_evals = 0;
  /// Iterations so far.
  int64_t n_iter = 0;
  /// d, the last search direction.
  std::vector<double> direction;  // d, the last search direction
  /// t, the last step length.
  double step_length = 0.0;  // t, the last step length
  /// y_i = g_{i+1} - g_i, oldest first.
  std::vector<std::vector<double>> old_dirs;  // y_i = g_{i+1} - g_i, oldest first
  /// s_i = t_i * d_i, oldest first.
  std::vector<std::vector<double>> old_stps;  // s_i = t_i * d_i
  /// 1 / (y_i . s_i).
  std::vector<double> ro;  // 1 / (y_i . s_i)
  /// H_diag, the scale of the initial inverse Hessian.
  double hessian_diag = 1.0;  // H_diag, the scale of the initial inverse Hessian
  /// The previous flat gradient.
  std::vector<double> prev_flat_grad;
  /// The previous loss.
  double prev_loss = 0.0;
  /// Whether prev_loss is set.
  bool has_prev_loss = false;

  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<LBFGSParamState>(*this); }
  /// torch's names: func_evals, n_iter, d, t, old_dirs (rows), old_stps (rows), ro, H_diag,
  /// prev_flat_grad, prev_loss; all float64.
  /// @return the named state, float64.
  std::vector<std::pair<std::string, Tensor>> tensors() const override;
};

/// The L-BFGS optimizer, PyTorch's algorithm: step(closure) re-evaluates the loss as needed.
/// Every parameter must be in one group. Not thread-safe.
class LBFGS : public Optimizer {
 public:
  /// Zeros the gradients, computes the loss, calls backward and returns the loss.
  using Closure = std::function<double()>;
  /// @param params the parameters (leaf tensors).
  /// @param defaults the options (default LBFGSOptions()).
  /// @throws ValueError when an option is out of range or a parameter is not a leaf.
  LBFGS(std::vector<Tensor> params, const LBFGSOptions& defaults = LBFGSOptions());
  /// @param param_groups exactly one parameter group.
  /// @param defaults the options.
  /// @throws ValueError when there is more than one group or an option is out of range.
  LBFGS(std::vector<OptimizerParamGroup> param_groups, const LBFGSOptions& defaults);
  /// Raises: L-BFGS re-evaluates the loss several times and needs step(closure).
  /// @throws RuntimeError always: call step(closure).
  void step() override;
  /// Up to max_iter iterations; the closure is called with grad mode on and must zero the
  /// gradients, compute the loss, call backward and return the loss. Returns the first loss.
  /// @param closure the loss closure.
  /// @return the loss of the first evaluation.
  double step(const Closure& closure);
  /// Replaces the state by the named tensors of a state dict (the names tensors() writes).
  /// @param param the first parameter.
  /// @param tensors the named state tensors.
  /// @throws ValueError when a tensor is missing or malformed.
  void load_param_state(const Tensor& param, const NamedTensors& tensors) override;

 protected:
  void check_options(const OptimizerOptions& options) const override;
  std::string name() const override { return "LBFGS"; }

 private:
  int64_t numel() const;
  std::vector<double> gather_flat_grad() const;
  // p += step_length * direction over the concatenated parameters.
  void add_to_params(double step_length, const std::vector<double>& direction);
  std::vector<double> clone_params() const;
  void set_params(const std::vector<double>& values);
  // Loss and flat gradient at x + t * d; the parameters are restored to x afterwards.
  std::pair<double, std::vector<double>> directional_evaluate(const Closure& closure, const std::vector<double>& x,
                                                              double t, const std::vector<double>& d);
  double evaluate(const Closure& closure);
  LBFGSParamState& lbfgs_state();
};

}  // namespace striate::optim
