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

// One entry of a schedule's state dict (monostate is Python's None).
using ScheduleValue =
    std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;
using ScheduleState = std::map<std::string, ScheduleValue>;

// Lists a schedule's fields once for both directions: saving copies every field into a state,
// loading sets the fields a state holds (numbers convert between int and float).
class ScheduleFields {
 public:
  explicit ScheduleFields(ScheduleState* saving) : out_(saving) {}
  explicit ScheduleFields(const ScheduleState* loading) : in_(loading) {}
  ScheduleFields& operator()(const char* key, bool& field);
  ScheduleFields& operator()(const char* key, int64_t& field);
  ScheduleFields& operator()(const char* key, double& field);
  ScheduleFields& operator()(const char* key, std::optional<double>& field);
  ScheduleFields& operator()(const char* key, std::string& field);
  ScheduleFields& operator()(const char* key, std::vector<int64_t>& field);
  ScheduleFields& operator()(const char* key, std::vector<double>& field);

 private:
  template <typename T>
  ScheduleFields& visit(const char* key, T& field);

  ScheduleState* out_ = nullptr;
  const ScheduleState* in_ = nullptr;
};

class LRScheduler {
 public:
  // last_epoch -1 starts afresh; base_lrs empty: the groups' current lrs (required when resuming).
  explicit LRScheduler(Optimizer& optimizer, int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  // Advances one epoch and writes the new lrs into the optimizer's groups.
  virtual void step();
  // The lrs for last_epoch, usually from the groups' current lrs (the chainable form).
  virtual std::vector<double> get_lr() = 0;
  // The lrs written by the last step, one per group.
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  void set_last_epoch(int64_t epoch) { last_epoch_ = epoch; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  void set_base_lrs(std::vector<double> base_lrs);
  int64_t step_count() const { return step_count_; }
  Optimizer& optimizer() const { return optimizer_; }
  ScheduleState state_dict() const;
  void load_state_dict(const ScheduleState& state);
  // The first step (epoch 0, or last_epoch + 1 when resuming): the built-in constructors take it;
  // a subclass that overrides get_lr from Python takes it once it is built.
  void initial_step();

 protected:
  // Names every field of the state dict; subclasses add theirs after the base's.
  virtual void fields(ScheduleFields& fields);
  // The lrs at last_epoch from base_lrs alone (SequentialLR jumps to a schedule's epoch 0 with it).
  virtual std::vector<double> closed_form_lr() { return get_lr(); }
  // Sets last_epoch to epoch and applies closed_form_lr().
  void jump_to(int64_t epoch);
  std::vector<double> current_lrs() const;
  void apply(const std::vector<double>& lrs);
  bool is_initial() const { return is_initial_; }

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  int64_t last_epoch_ = -1;
  int64_t step_count_ = 0;
  bool is_initial_ = false;

  friend class SequentialLR;
  friend class ChainedScheduler;
};

// The schedules driven by user functions of the epoch: one function for every group or one per
// group. The functions are code, so the state dict does not hold them.
class LambdaSchedule : public LRScheduler {
 public:
  using Lambda = std::function<double(int64_t)>;

 protected:
  LambdaSchedule(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, const char* name, int64_t last_epoch,
                 std::vector<double> base_lrs);
  std::vector<Lambda> lr_lambdas_;
};

// lr = base_lr * lr_lambda(epoch)
class LambdaLR : public LambdaSchedule {
 public:
  LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, int64_t last_epoch = -1,
           std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;
};

// lr = previous lr * lr_lambda(epoch) after the first step.
class MultiplicativeLR : public LambdaSchedule {
 public:
  MultiplicativeLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, int64_t last_epoch = -1,
                   std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;
};

// lr = base_lr * factor for the first total_iters epochs, base_lr afterwards.
class ConstantLR : public LRScheduler {
 public:
  ConstantLR(Optimizer& optimizer, double factor = 1.0 / 3, int64_t total_iters = 5, int64_t last_epoch = -1,
             std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;

 protected:
  std::vector<double> closed_form_lr() override;
  void fields(ScheduleFields& fields) override;
  double factor_;
  int64_t total_iters_;
};

// lr = base_lr * (1 - min(epoch, total_iters) / total_iters)^power
class PolynomialLR : public LRScheduler {
 public:
  PolynomialLR(Optimizer& optimizer, int64_t total_iters = 5, double power = 1.0, int64_t last_epoch = -1,
               std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;

 protected:
  std::vector<double> closed_form_lr() override;
  void fields(ScheduleFields& fields) override;
  int64_t total_iters_;
  double power_;
};

// lr = base_lr * gamma^(epoch / step_size)
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1, int64_t last_epoch = -1,
         std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;

 protected:
  std::vector<double> closed_form_lr() override;
  void fields(ScheduleFields& fields) override;
  int64_t step_size_;
  double gamma_;
};

// lr = base_lr * gamma^(number of milestones <= epoch)
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma = 0.1, int64_t last_epoch = -1,
              std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;

 protected:
  std::vector<double> closed_form_lr() override;
  void fields(ScheduleFields& fields) override;
  std::vector<int64_t> milestones_;  // sorted; a repeated milestone counts twice
  double gamma_;
};

// lr = base_lr * gamma^epoch
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma, int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;

 protected:
  std::vector<double> closed_form_lr() override;
  void fields(ScheduleFields& fields) override;
  double gamma_;
};

// The notes' 1/t decay: lr = base_lr / (1 + decay_rate * epoch) (no torch equivalent).
class InverseTimeLR : public LRScheduler {
 public:
  InverseTimeLR(Optimizer& optimizer, double decay_rate, int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override { return closed_form_lr(); }

 protected:
  std::vector<double> closed_form_lr() override;
  void fields(ScheduleFields& fields) override;
  double decay_rate_;
};

// Warm-up: lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)
class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int64_t total_iters = 5,
           int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;

 protected:
  std::vector<double> closed_form_lr() override;
  void fields(ScheduleFields& fields) override;
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

// lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2, applied as a ratio to the
// previous lr; past T_max the cosine goes back up.
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0.0, int64_t last_epoch = -1,
                    std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;

 protected:
  std::vector<double> closed_form_lr() override;
  void fields(ScheduleFields& fields) override;
  int64_t T_max_;
  double eta_min_;
};

// SGDR: cosine annealing over T_i epochs, then a restart with T_i *= T_mult (T_i starts at T_0).
// Its step() does not count _step_count, as torch's does not.
class CosineAnnealingWarmRestarts : public LRScheduler {
 public:
  CosineAnnealingWarmRestarts(Optimizer& optimizer, int64_t T_0, int64_t T_mult = 1, double eta_min = 0.0,
                              int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  void step() override;
  // Jumps to a (possibly fractional) epoch, torch's step(epoch): T_cur and T_i follow from it.
  void step(double epoch);
  std::vector<double> get_lr() override;
  // Epochs into the current cycle (0 right after a restart; fractional after step(epoch)) and its length.
  double T_cur() const { return T_cur_; }
  int64_t T_i() const { return T_i_; }

 protected:
  void fields(ScheduleFields& fields) override;
  int64_t T_0_, T_i_, T_mult_;
  double eta_min_;
  double T_cur_;
};

struct OneCycleLROptions {
  OneCycleLROptions(std::vector<double> max_lr, int64_t total_steps)
      : max_lr_(std::move(max_lr)), total_steps_(total_steps) {}
  STRIATE_ARG(std::vector<double>, max_lr);  // one value, or one per group
  STRIATE_ARG(int64_t, total_steps);
  STRIATE_ARG(double, pct_start) = 0.3;
  STRIATE_ARG(std::string, anneal_strategy) = "cos";  // or "linear"
  STRIATE_ARG(bool, cycle_momentum) = true;
  STRIATE_ARG(std::vector<double>, base_momentum) = { 0.85 };  // one value, or one per group
  STRIATE_ARG(std::vector<double>, max_momentum) = { 0.95 };   // one value, or one per group
  STRIATE_ARG(double, div_factor) = 25.0;
  STRIATE_ARG(double, final_div_factor) = 1e4;
  STRIATE_ARG(bool, three_phase) = false;
};

// The 1cycle policy: lr rises from max_lr / div_factor to max_lr over pct_start of total_steps,
// then anneals to max_lr / (div_factor * final_div_factor) (three_phase: back to the start first);
// momentum (SGD, RMSprop) or Adam's beta1 cycles the other way. Step once per batch. base_lrs are
// max_lr / div_factor.
class OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options, int64_t last_epoch = -1);
  std::vector<double> get_lr() override;

 protected:
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

struct CyclicLROptions {
  CyclicLROptions(std::vector<double> base_lr, std::vector<double> max_lr)
      : base_lr_(std::move(base_lr)), max_lr_(std::move(max_lr)) {}
  STRIATE_ARG(std::vector<double>, base_lr);  // one value, or one per group
  STRIATE_ARG(std::vector<double>, max_lr);   // one value, or one per group
  STRIATE_ARG(double, step_size_up) = 2000;
  STRIATE_ARG(std::optional<double>, step_size_down);  // unset: step_size_up
  STRIATE_ARG(std::string, mode) = "triangular";       // "triangular2", "exp_range"
  STRIATE_ARG(double, gamma) = 1.0;
  // A custom scale (replaces mode) of the cycle number (scale_mode "cycle") or step ("iterations").
  STRIATE_ARG(std::function<double(double)>, scale_fn);
  STRIATE_ARG(std::string, scale_mode) = "cycle";
  STRIATE_ARG(bool, cycle_momentum) = true;
  STRIATE_ARG(std::vector<double>, base_momentum) = { 0.8 };  // one value, or one per group
  STRIATE_ARG(std::vector<double>, max_momentum) = { 0.9 };   // one value, or one per group
};

// Cyclical learning rates (Smith 2017): from base_lr up to max_lr over step_size_up steps and back
// over step_size_down, scaled by the mode (triangular: 1, triangular2: halved each cycle,
// exp_range: gamma^step); momentum (SGD, RMSprop) or Adam's beta1 cycles the other way. Step per
// batch. A fresh one sets each group's lr to base_lr.
class CyclicLR : public LRScheduler {
 public:
  CyclicLR(Optimizer& optimizer, const CyclicLROptions& options, int64_t last_epoch = -1,
           std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;
  // The scale of cycle (or step) x: the mode's, or scale_fn's.
  double scale(double x) const;

 protected:
  void fields(ScheduleFields& fields) override;

 private:
  std::function<double(double)> scale_fn_;
  std::vector<double> max_lrs_, base_momentums_, max_momentums_;
  double total_size_, step_ratio_, gamma_;
  std::string mode_, scale_mode_;
  bool cycle_momentum_;
};

// Steps several schedules of one optimizer together (their effects multiply).
class ChainedScheduler : public LRScheduler {
 public:
  // optimizer null: the first schedule's.
  explicit ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers, Optimizer* optimizer = nullptr);
  void step() override;
  std::vector<double> get_lr() override { return current_lrs(); }
  const std::vector<std::shared_ptr<LRScheduler>>& schedulers() const { return schedulers_; }

 protected:
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
};

// Runs schedulers one after another: schedulers[i] from milestones[i - 1] on, each from its epoch 0.
class SequentialLR : public LRScheduler {
 public:
  SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
               std::vector<int64_t> milestones, int64_t last_epoch = -1);
  void step() override;
  std::vector<double> get_lr() override { return current_lrs(); }
  const std::vector<std::shared_ptr<LRScheduler>>& schedulers() const { return schedulers_; }

 protected:
  void fields(ScheduleFields& fields) override;
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
  std::vector<int64_t> milestones_;
};

struct ReduceLROnPlateauOptions {
  STRIATE_ARG(std::string, mode) = "min";  // or "max"
  STRIATE_ARG(double, factor) = 0.1;
  STRIATE_ARG(int64_t, patience) = 10;
  STRIATE_ARG(double, threshold) = 1e-4;
  STRIATE_ARG(std::string, threshold_mode) = "rel";  // or "abs"
  STRIATE_ARG(int64_t, cooldown) = 0;
  STRIATE_ARG(double, min_lr) = 0.0;          // for every group, also groups added later
  STRIATE_ARG(std::vector<double>, min_lrs);  // one per group instead of min_lr
  STRIATE_ARG(double, eps) = 1e-8;
};

// Multiplies the lrs by factor (never below min_lr) when the metric given to step(metric) has not
// improved for more than patience steps, then waits cooldown steps. mode "min" or "max";
// threshold_mode "rel" (better than best * (1 -+ threshold)) or "abs" (best -+ threshold).
class ReduceLROnPlateau : public LRScheduler {
 public:
  explicit ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options = {});
  // Raises: this schedule steps on a metric.
  void step() override;
  void step(double metric);
  std::vector<double> get_lr() override { return current_lrs(); }
  // Whether value improves on best under the mode and threshold.
  bool is_better(double value, double best) const;
  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  bool in_cooldown() const { return cooldown_counter_ > 0; }

 protected:
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
