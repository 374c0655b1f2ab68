// Learning-rate schedules with torch.optim.lr_scheduler's names, arguments and values; the one
// implementation (Python's striate.optim.lr_scheduler classes are thin subclasses of these). A
// schedule rewrites the lr of every parameter group of an optimizer; step() once per epoch (or
// per batch), after the optimizer's step():
//   striate::optim::CosineAnnealingLR schedule(opt, /*T_max=*/100);
//   for (...) { train_one_epoch(opt); schedule.step(); }
// Like torch's, a schedule updates each group's current lr from the previous one (the chainable
// form), so schedules compose; creating one takes the first step (epoch 0). base_lrs are torch's
// initial_lr: a fresh schedule takes the groups' lrs, a second schedule on the same optimizer or
// one resumed at last_epoch >= 0 is given the base_lrs of the first (Python passes the groups'
// initial_lr). state_dict() holds torch's keys (last_epoch, base_lrs, _step_count, _last_lr and
// each schedule's own fields) as plain values, so a checkpoint needs no code.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

/// One entry of a schedule's state dict (monostate is Python's None).
using ScheduleValue =
    std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;
/// A schedule's state dict: torch's key to its value.
using ScheduleState = std::map<std::string, ScheduleValue>;

/// Lists a schedule's fields once for both directions: saving copies every field into a state,
/// loading sets the fields a state holds (numbers convert between int and float).
class ScheduleFields {
 public:
  /// A visitor that saves every field into `saving`.
  /// @param saving the state to fill.
  explicit ScheduleFields(ScheduleState* saving) : out_(saving) {}
  /// A visitor that loads the fields `loading` holds.
  /// @param loading the state to read.
  explicit ScheduleFields(const ScheduleState* loading) : in_(loading) {}
  ///@{
  /// Saves `field` under `key`, or loads it from the state when `key` is present.
  /// @param key the state dict key (torch's name).
  /// @param field the schedule's field.
  /// @return this visitor, for chaining.
  /// @throws TypeError when a loaded value has another type.
  ScheduleFields& operator()(const char* key, bool& field);
  ScheduleFields& operator()(const char* key, int64_t& field);
  ScheduleFields& operator()(const char* key, double& field);
  ScheduleFields& operator()(const char* key, std::optional<double>& field);
  ScheduleFields& operator()(const char* key, std::string& field);
  ScheduleFields& operator()(const char* key, std::vector<int64_t>& field);
  ScheduleFields& operator()(const char* key, std::vector<double>& field);
  ///@}

 private:
  template <typename T>
  ScheduleFields& visit(const char* key, T& field);

  ScheduleState* out_ = nullptr;
  const ScheduleState* in_ = nullptr;
};

/// The base of the learning-rate schedules, with torch.optim.lr_scheduler's names, arguments and
/// values (Python's striate.optim.lr_scheduler classes are thin subclasses).
///
/// A schedule rewrites the lr of every parameter group of an optimizer; call step() once per
/// epoch (or per batch), after the optimizer's step(). Each lr is computed from the previous one
/// (torch's chainable form), so schedules compose; constructing one takes the first step (epoch
/// 0). state_dict() holds torch's keys (last_epoch, base_lrs, _step_count, _last_lr and each
/// schedule's own fields). The optimizer must outlive the schedule.
/// @code{.cpp}
/// striate::optim::CosineAnnealingLR schedule(opt, /*T_max=*/100);
/// for (int epoch = 0; epoch < 100; ++epoch) { train_one_epoch(opt); schedule.step(); }
/// @endcode
class LRScheduler {
 public:
  /// last_epoch -1 starts afresh; base_lrs empty: the groups' current lrs (required when resuming).
  /// @param optimizer the optimizer whose groups' lrs are scheduled (kept by reference).
  /// @param last_epoch the epoch of the last step taken; -1 (default) starts afresh.
  /// @param base_lrs the initial lr of each group; empty (default) takes the groups' current lrs.
  /// @throws ValueError when resuming (last_epoch >= 0) without base_lrs, or their count differs
  ///   from the group count.
  explicit LRScheduler(Optimizer& optimizer, int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  /// Destroys the schedule (the optimizer is untouched).
  virtual ~LRScheduler() = default;
  /// Not copyable.
  LRScheduler(const LRScheduler&) = delete;
  /// Not copy-assignable.
  LRScheduler& operator=(const LRScheduler&) = delete;

  /// Advances one epoch and writes the new lrs into the optimizer's groups.
  virtual void step();
  /// The lrs for last_epoch, usually from the groups' current lrs (the chainable form).
  /// @return one lr per group.
  virtual std::vector<double> get_lr() = 0;
  /// The lrs written by the last step, one per group.
  /// @return the lrs.
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  /// The epoch of the last step (0 after construction).
  /// @return the epoch.
  int64_t last_epoch() const { return last_epoch_; }
  /// Sets the epoch counter without changing any lr.
  /// @param epoch the new last_epoch.
  void set_last_epoch(int64_t epoch) { last_epoch_ = epoch; }
  /// The initial lr of each group (torch's initial_lr).
  /// @return the base lrs.
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  /// Replaces the base lrs.
  /// @param base_lrs one per group.
  /// @throws ValueError when the count differs from the group count.
  void set_base_lrs(std::vector<double> base_lrs);
  /// The number of steps taken, the first included (torch's _step_count).
  /// @return the count.
  int64_t step_count() const { return step_count_; }
  /// The scheduled optimizer.
  /// @return the optimizer.
  Optimizer& optimizer() const { return optimizer_; }
  /// The schedule's state in torch's keys, as plain values.
  /// @return the state dict.
  ScheduleState state_dict() const;
  /// Restores the fields a state dict holds (others keep their values).
  /// @param state a state dict of a schedule of the same kind.
  /// @throws TypeError when a value has the wrong type.
  void load_state_dict(const ScheduleState& state);
  /// The first step (epoch 0, or last_epoch + 1 when resuming): the built-in constructors take it;
  /// a subclass that overrides get_lr from Python takes it once it is built.
  void initial_step();

 protected:
  /// Names every field of the state dict; subclasses add theirs after the base's.
  /// @param fields the visitor to call with each field.
  virtual void fields(ScheduleFields& fields);
  /// The lrs at last_epoch from base_lrs alone (SequentialLR jumps to a schedule's epoch 0 with it).
  /// @return one lr per group.
  virtual std::vector<double> closed_form_lr() { return get_lr(); }
  /// Sets last_epoch to epoch and applies closed_form_lr().
  /// @param epoch the epoch to jump to.
  void jump_to(int64_t epoch);
  /// The current lr of each group of the optimizer.
  /// @return one lr per group.
  std::vector<double> current_lrs() const;
  /// Writes one lr into each group and remembers them as the last lrs.
  /// @param lrs one lr per group.
  void apply(const std::vector<double>& lrs);
  /// Whether the constructor's first step is in progress.
  /// @return true during initial_step().
  bool is_initial() const { return is_initial_; }

  /// The scheduled optimizer.
  Optimizer& optimizer_;
  /// The initial lr of each group.
  std::vector<double> base_lrs_;
  /// The lrs written by the last step.
  std::vector<double> last_lr_;
  /// The epoch of the last step.
  int64_t last_epoch_ = -1;
  /// The number of steps taken.
  int64_t step_count_ = 0;
  /// True during the first step.
  bool is_initial_ = false;

  friend class SequentialLR;
  friend class ChainedScheduler;
};

/// The schedules driven by user functions of the epoch: one function for every group or one per
/// group. The functions are code, so the state dict does not hold them.
class LambdaSchedule : public LRScheduler {
 public:
  /// A function of the epoch giving a multiplier of the lr.
  using Lambda = std::function<double(int64_t)>;

 protected:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param lr_lambdas one function for every group, or one per group.
  /// @param name the schedule's name for error messages.
  /// @param last_epoch the epoch of the last step taken (-1: afresh).
  /// @param base_lrs the initial lrs (empty: the groups' current ones).
  /// @throws ValueError when the number of functions is neither 1 nor the group count.
  LambdaSchedule(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, const char* name, int64_t last_epoch,
                 std::vector<double> base_lrs);
  /// One function per group.
  std::vector<Lambda> lr_lambdas_;
};

/// lr = base_lr * lr_lambda(epoch)
class LambdaLR : public LambdaSchedule {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param lr_lambdas one function for every group, or one per group.
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  /// @throws ValueError when the number of functions is neither 1 nor the group count.
  LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, int64_t last_epoch = -1,
           std::vector<double> base_lrs = {});
  /// @return base_lr * lr_lambda(last_epoch) for each group.
  std::vector<double> get_lr() override;
};

/// lr = previous lr * lr_lambda(epoch) after the first step.
class MultiplicativeLR : public LambdaSchedule {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param lr_lambdas one function for every group, or one per group.
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  /// @throws ValueError when the number of functions is neither 1 nor the group count.
  MultiplicativeLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, int64_t last_epoch = -1,
                   std::vector<double> base_lrs = {});
  /// @return the previous lr times lr_lambda(last_epoch) for each group.
  std::vector<double> get_lr() override;
};

/// lr = base_lr * factor for the first total_iters epochs, base_lr afterwards.
class ConstantLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param factor the multiplier during the first epochs, in (0, 1] (default 1/3).
  /// @param total_iters the number of epochs scaled (default 5).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  /// @throws ValueError when factor is outside (0, 1].
  ConstantLR(Optimizer& optimizer, double factor = 1.0 / 3, int64_t total_iters = 5, int64_t last_epoch = -1,
             std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;

 protected:
  /// @return base_lr * factor before total_iters, base_lr after.
  std::vector<double> closed_form_lr() override;
  /// Adds factor and total_iters to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The multiplier.
  double factor_;
  /// The number of epochs scaled.
  int64_t total_iters_;
};

/// lr = base_lr * (1 - min(epoch, total_iters) / total_iters)^power
class PolynomialLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param total_iters the number of epochs of the decay (default 5).
  /// @param power the polynomial's power (default 1.0).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  PolynomialLR(Optimizer& optimizer, int64_t total_iters = 5, double power = 1.0, int64_t last_epoch = -1,
               std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;

 protected:
  /// @return the formula above at last_epoch.
  std::vector<double> closed_form_lr() override;
  /// Adds total_iters and power to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The number of epochs of the decay.
  int64_t total_iters_;
  /// The polynomial's power.
  double power_;
};

/// lr = base_lr * gamma^(epoch / step_size)
class StepLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param step_size the period of the decay in epochs (> 0).
  /// @param gamma the multiplier per period (default 0.1).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  /// @throws ValueError when step_size <= 0.
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1, int64_t last_epoch = -1,
         std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;

 protected:
  /// @return the formula above at last_epoch.
  std::vector<double> closed_form_lr() override;
  /// Adds step_size and gamma to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The period in epochs.
  int64_t step_size_;
  /// The multiplier per period.
  double gamma_;
};

/// lr = base_lr * gamma^(number of milestones <= epoch)
class MultiStepLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param milestones the epochs at which the lr is multiplied by gamma.
  /// @param gamma the multiplier per milestone (default 0.1).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma = 0.1, int64_t last_epoch = -1,
              std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;

 protected:
  /// @return the formula above at last_epoch.
  std::vector<double> closed_form_lr() override;
  /// Adds milestones and gamma to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The milestones, sorted; a repeated milestone counts twice.
  std::vector<int64_t> milestones_;  // sorted; a repeated milestone counts twice
  /// The multiplier per milestone.
  double gamma_;
};

/// lr = base_lr * gamma^epoch
class ExponentialLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param gamma the multiplier per epoch.
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  ExponentialLR(Optimizer& optimizer, double gamma, int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;

 protected:
  /// @return the formula above at last_epoch.
  std::vector<double> closed_form_lr() override;
  /// Adds gamma to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The multiplier per epoch.
  double gamma_;
};

/// The notes' 1/t decay: lr = base_lr / (1 + decay_rate * epoch) (no torch equivalent).
class InverseTimeLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param decay_rate the decay rate (>= 0).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  /// @throws ValueError when decay_rate < 0.
  InverseTimeLR(Optimizer& optimizer, double decay_rate, int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override { return closed_form_lr(); }

 protected:
  /// @return the formula above at last_epoch.
  std::vector<double> closed_form_lr() override;
  /// Adds decay_rate to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The decay rate.
  double decay_rate_;
};

/// Warm-up: lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)
class LinearLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param start_factor the multiplier at epoch 0, in (0, 1] (default 1/3).
  /// @param end_factor the multiplier from total_iters on, in [0, 1] (default 1.0).
  /// @param total_iters the number of epochs of the ramp (default 5).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  /// @throws ValueError when a factor is out of range.
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int64_t total_iters = 5,
           int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;

 protected:
  /// @return the formula above at last_epoch.
  std::vector<double> closed_form_lr() override;
  /// Adds start_factor, end_factor and total_iters to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The multipliers at the start and the end of the ramp.
  ///@{
  double start_factor_, end_factor_;
  ///@}
  /// The number of epochs of the ramp.
  int64_t total_iters_;
};

/// lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2, applied as a ratio to the
/// previous lr; past T_max the cosine goes back up.
class CosineAnnealingLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param T_max the half period in epochs.
  /// @param eta_min the minimum lr (default 0.0).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0.0, int64_t last_epoch = -1,
                    std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;

 protected:
  /// @return the formula above at last_epoch.
  std::vector<double> closed_form_lr() override;
  /// Adds T_max and eta_min to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The half period.
  int64_t T_max_;
  /// The minimum lr.
  double eta_min_;
};

/// SGDR: cosine annealing over T_i epochs, then a restart with T_i *= T_mult (T_i starts at T_0).
/// Its step() does not count _step_count, as torch's does not.
class CosineAnnealingWarmRestarts : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param T_0 the length of the first cycle in epochs (> 0).
  /// @param T_mult the growth factor of the cycle length (>= 1, default 1).
  /// @param eta_min the minimum lr (default 0.0).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  /// @throws ValueError when T_0 <= 0 or T_mult < 1.
  CosineAnnealingWarmRestarts(Optimizer& optimizer, int64_t T_0, int64_t T_mult = 1, double eta_min = 0.0,
                              int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  /// Advances one epoch (T_cur += 1, restarting when it reaches T_i).
  void step() override;
  /// Jumps to a (possibly fractional) epoch, torch's step(epoch): T_cur and T_i follow from it.
  /// @param epoch the epoch (>= 0).
  /// @throws ValueError when epoch < 0.
  void step(double epoch);
  /// @return eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2 for each group.
  std::vector<double> get_lr() override;
  /// Epochs into the current cycle (0 right after a restart; fractional after step(epoch)) and its length.
  /// @return T_cur.
  double T_cur() const { return T_cur_; }
  /// The length of the current cycle.
  /// @return T_i.
  int64_t T_i() const { return T_i_; }

 protected:
  /// Adds T_0, T_i, T_mult, eta_min and T_cur to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The first cycle's length, the current one's, and the growth factor.
  ///@{
  int64_t T_0_, T_i_, T_mult_;
  ///@}
  /// The minimum lr.
  double eta_min_;
  /// Epochs into the current cycle.
  double T_cur_;
};

/// The options of OneCycleLR (torch's arguments; setters chain).
struct OneCycleLROptions {
  /// @param max_lr the peak lr: one value, or one per group.
  /// @param total_steps the number of steps of the cycle.
  OneCycleLROptions(std::vector<double> max_lr, int64_t total_steps)
      : max_lr_(std::move(max_lr)), total_steps_(total_steps) {}
  /// The peak lr: one value, or one per group.
  STRIATE_ARG(std::vector<double>, max_lr);  // one value, or one per group
  /// The number of steps of the cycle (> 0).
  STRIATE_ARG(int64_t, total_steps);
  /// The fraction of the cycle spent rising (default 0.3).
  STRIATE_ARG(double, pct_start) = 0.3;
  /// "cos" (default) or "linear".
  STRIATE_ARG(std::string, anneal_strategy) = "cos";  // or "linear"
  /// Whether momentum (or Adam's beta1) cycles inversely to the lr (default true).
  STRIATE_ARG(bool, cycle_momentum) = true;
  /// The lowest momentum: one value, or one per group (default 0.85).
  STRIATE_ARG(std::vector<double>, base_momentum) = { 0.85 };  // one value, or one per group
  /// The highest momentum: one value, or one per group (default 0.95).
  STRIATE_ARG(std::vector<double>, max_momentum) = { 0.95 };  // one value, or one per group
  /// The initial lr is max_lr / div_factor (default 25).
  STRIATE_ARG(double, div_factor) = 25.0;
  /// The final lr is initial lr / final_div_factor (default 1e4).
  STRIATE_ARG(double, final_div_factor) = 1e4;
  /// Return to the initial lr before the final annealing (default false).
  STRIATE_ARG(bool, three_phase) = false;
};

/// The 1cycle policy: lr rises from max_lr / div_factor to max_lr over pct_start of total_steps,
/// then anneals to max_lr / (div_factor * final_div_factor) (three_phase: back to the start first);
/// momentum (SGD, RMSprop) or Adam's beta1 cycles the other way. Step once per batch. base_lrs are
/// max_lr / div_factor.
class OneCycleLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param options the cycle's options.
  /// @param last_epoch the step of the last step taken (default -1: afresh).
  /// @throws ValueError when total_steps <= 0, pct_start is outside [0, 1], anneal_strategy is
  ///   unknown, a per-group list has the wrong length, or cycle_momentum is set for an optimizer
  ///   without momentum.
  OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options, int64_t last_epoch = -1);
  /// @return one lr per group.
  /// @throws ValueError when stepped more than total_steps times.
  std::vector<double> get_lr() override;

 protected:
  /// Adds the cycle's fields to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;

 private:
  double anneal(double start, double end, double fraction) const;

  int64_t total_steps_;
  double pct_start_;
  std::string anneal_strategy_;
  bool three_phase_, cycle_momentum_;
  // Per group: the lr at the top and the end, the momentum at the top and the bottom of the cycle.
  std::vector<double> max_lrs_, min_lrs_, max_momentums_, base_momentums_;
};

/// The options of CyclicLR (torch's arguments; setters chain).
struct CyclicLROptions {
  /// @param base_lr the lowest lr: one value, or one per group.
  /// @param max_lr the highest lr: one value, or one per group.
  CyclicLROptions(std::vector<double> base_lr, std::vector<double> max_lr)
      : base_lr_(std::move(base_lr)), max_lr_(std::move(max_lr)) {}
  /// The lowest lr: one value, or one per group.
  STRIATE_ARG(std::vector<double>, base_lr);  // one value, or one per group
  /// The highest lr: one value, or one per group.
  STRIATE_ARG(std::vector<double>, max_lr);  // one value, or one per group
  /// Steps in the rising half of a cycle (default 2000).
  STRIATE_ARG(double, step_size_up) = 2000;
  /// Steps in the falling half; unset (default): step_size_up.
  STRIATE_ARG(std::optional<double>, step_size_down);  // unset: step_size_up
  /// "triangular" (default), "triangular2" or "exp_range".
  STRIATE_ARG(std::string, mode) = "triangular";  // "triangular2", "exp_range"
  /// exp_range's base: scale gamma^step (default 1.0).
  STRIATE_ARG(double, gamma) = 1.0;
  /// A custom scale (replaces mode) of the cycle number (scale_mode "cycle") or step ("iterations").
  STRIATE_ARG(std::function<double(double)>, scale_fn);
  /// What scale_fn receives: "cycle" (default) or "iterations".
  STRIATE_ARG(std::string, scale_mode) = "cycle";
  /// Whether momentum (or Adam's beta1) cycles inversely to the lr (default true).
  STRIATE_ARG(bool, cycle_momentum) = true;
  /// The lowest momentum: one value, or one per group (default 0.8).
  STRIATE_ARG(std::vector<double>, base_momentum) = { 0.8 };  // one value, or one per group
  /// The highest momentum: one value, or one per group (default 0.9).
  STRIATE_ARG(std::vector<double>, max_momentum) = { 0.9 };  // one value, or one per group
};

/// Cyclical learning rates (Smith 2017): from base_lr up to max_lr over step_size_up steps and back
/// over step_size_down, scaled by the mode (triangular: 1, triangular2: halved each cycle,
/// exp_range: gamma^step); momentum (SGD, RMSprop) or Adam's beta1 cycles the other way. Step per
/// batch. A fresh one sets each group's lr to base_lr.
class CyclicLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param options the cycle's options.
  /// @param last_epoch the step of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: options.base_lr).
  /// @throws ValueError when a step size is not positive, the mode is unknown, a per-group list
  ///   has the wrong length, or cycle_momentum is set for an optimizer without momentum.
  CyclicLR(Optimizer& optimizer, const CyclicLROptions& options, int64_t last_epoch = -1,
           std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;
  /// The scale of cycle (or step) x: the mode's, or scale_fn's.
  /// @param x the cycle number (scale_mode "cycle") or the step ("iterations").
  /// @return the scale in [0, 1] for the built-in modes.
  double scale(double x) const;

 protected:
  /// Adds the cycle's fields to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;

 private:
  std::function<double(double)> scale_fn_;
  std::vector<double> max_lrs_, base_momentums_, max_momentums_;
  double total_size_, step_ratio_, gamma_;
  std::string mode_, scale_mode_;
  bool cycle_momentum_;
};

/// Steps several schedules of one optimizer together (their effects multiply).
class ChainedScheduler : public LRScheduler {
 public:
  /// optimizer null: the first schedule's.
  /// @param schedulers the schedules, all of the same optimizer.
  /// @param optimizer the optimizer; nullptr (default): the first schedule's.
  /// @throws ValueError when the list is empty or the schedules drive different optimizers.
  explicit ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers, Optimizer* optimizer = nullptr);
  /// Steps every schedule once, in order.
  void step() override;
  /// @return the groups' current lrs.
  std::vector<double> get_lr() override { return current_lrs(); }
  /// The chained schedules.
  /// @return the schedules, in order.
  const std::vector<std::shared_ptr<LRScheduler>>& schedulers() const { return schedulers_; }

 protected:
  /// The chained schedules.
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
};

/// Runs schedulers one after another: schedulers[i] from milestones[i - 1] on, each from its epoch 0.
class SequentialLR : public LRScheduler {
 public:
  /// @param optimizer the optimizer of every schedule.
  /// @param schedulers the schedules, run one after another.
  /// @param milestones the epochs at which the next schedule takes over (one fewer than schedules).
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @throws ValueError when the milestone count is not schedulers.size() - 1 or a schedule
  ///   drives another optimizer.
  SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
               std::vector<int64_t> milestones, int64_t last_epoch = -1);
  /// Steps the schedule in charge; at a milestone the next one restarts from its epoch 0.
  void step() override;
  /// @return the groups' current lrs.
  std::vector<double> get_lr() override { return current_lrs(); }
  /// The schedules.
  /// @return the schedules, in order.
  const std::vector<std::shared_ptr<LRScheduler>>& schedulers() const { return schedulers_; }

 protected:
  /// Adds the milestones to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;
  /// The schedules.
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
  /// The epochs at which the next schedule takes over.
  std::vector<int64_t> milestones_;
};

/// The options of ReduceLROnPlateau (torch's arguments; setters chain).
struct ReduceLROnPlateauOptions {
  /// "min" (default: lower is better) or "max".
  STRIATE_ARG(std::string, mode) = "min";  // or "max"
  /// The multiplier of a reduction, < 1 (default 0.1).
  STRIATE_ARG(double, factor) = 0.1;
  /// Steps without improvement tolerated before a reduction (default 10).
  STRIATE_ARG(int64_t, patience) = 10;
  /// The least improvement that counts (default 1e-4).
  STRIATE_ARG(double, threshold) = 1e-4;
  /// "rel" (default) or "abs".
  STRIATE_ARG(std::string, threshold_mode) = "rel";  // or "abs"
  /// Steps to wait after a reduction before counting again (default 0).
  STRIATE_ARG(int64_t, cooldown) = 0;
  /// The lowest lr of every group, also of groups added later (default 0).
  STRIATE_ARG(double, min_lr) = 0.0;  // for every group, also groups added later
  /// The lowest lr per group, instead of min_lr (default empty).
  STRIATE_ARG(std::vector<double>, min_lrs);  // one per group instead of min_lr
  /// A reduction smaller than eps is not applied (default 1e-8).
  STRIATE_ARG(double, eps) = 1e-8;
};

/// Multiplies the lrs by factor (never below min_lr) when the metric given to step(metric) has not
/// improved for more than patience steps, then waits cooldown steps. mode "min" or "max";
/// threshold_mode "rel" (better than best * (1 -+ threshold)) or "abs" (best -+ threshold).
class ReduceLROnPlateau : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param options the policy (default: torch's defaults).
  /// @throws ValueError when factor >= 1, a mode is unknown, or min_lrs has the wrong length.
  explicit ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options = {});
  /// Raises: this schedule steps on a metric.
  /// @throws RuntimeError always: call step(metric).
  void step() override;
  /// Records one value of the metric and reduces the lrs when it has stalled.
  /// @param metric the monitored value (a validation loss, an accuracy).
  void step(double metric);
  /// @return the groups' current lrs.
  std::vector<double> get_lr() override { return current_lrs(); }
  /// Whether value improves on best under the mode and threshold.
  /// @param value the new metric value.
  /// @param best the best value so far.
  /// @return true when `value` counts as an improvement.
  bool is_better(double value, double best) const;
  /// The best metric value so far.
  /// @return the best value.
  double best() const { return best_; }
  /// Steps since the last improvement.
  /// @return the count.
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  /// Whether the schedule waits after a reduction.
  /// @return true during the cooldown.
  bool in_cooldown() const { return cooldown_counter_ > 0; }

 protected:
  /// Adds the policy and its counters to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;

 private:
  void reduce_lrs();

  std::string mode_, threshold_mode_;
  double factor_, threshold_, eps_, best_;
  int64_t patience_, cooldown_;
  std::optional<double> default_min_lr_;  // null when min_lrs were given per group
  std::vector<double> min_lrs_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
};

}  // namespace striate::optim
