// Learning-rate schedules for C++ programs, with torch.optim.lr_scheduler's names and values
// (Python has its own over the param_groups dicts: python/striate/optim/lr_scheduler.py). A
// schedule rewrites the lr of every parameter group of an optimizer; step() once per epoch (or
// per batch), after the optimizer's step():
//   striate::optim::CosineAnnealingLR schedule(opt, /*T_max=*/100);
//   for (...) { train_one_epoch(opt); schedule.step(); }
// Like torch's, a schedule updates each group's current lr from the previous one, so schedules
// chain; creating one records the groups' lrs as base_lrs and takes the first step (epoch 0).
// (Python records torch's initial_lr in the group dicts; here each schedule keeps its base_lrs,
// and SequentialLR gives all its schedules the first one's.)
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "striate/ops/options.h"
#include "striate/optim/optimizer.h"

namespace striate::optim {

class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  // Advances one epoch and writes the new lrs into the optimizer's groups.
  virtual void step();
  // The lrs written by the last step, one per group.
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  Optimizer& optimizer() const { return optimizer_; }

 protected:
  // The lrs for last_epoch_, usually from the groups' current lrs.
  virtual std::vector<double> get_lr() = 0;
  // The lrs at last_epoch_ from base_lrs_ alone (SequentialLR jumps to a schedule's epoch 0 with it).
  virtual std::vector<double> closed_form_lr() { return get_lr(); }
  // The first step, which derived constructors call last (get_lr is virtual).
  void initial_step();
  // Sets last_epoch_ to epoch and applies closed_form_lr().
  void jump_to(int64_t epoch);
  std::vector<double> current_lrs() const;
  void apply(const std::vector<double>& lrs);

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  int64_t last_epoch_ = -1;
  int64_t step_count_ = 0;
  bool is_initial_ = false;

  friend class SequentialLR;
  friend class ChainedScheduler;
};

// The schedules driven by user functions of the epoch: one function for every group or one per group.
class LambdaSchedule : public LRScheduler {
 public:
  using Lambda = std::function<double(int64_t)>;

 protected:
  LambdaSchedule(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, const char* name);
  std::vector<Lambda> lr_lambdas_;
};

// lr = base_lr * lr_lambda(epoch)
class LambdaLR : public LambdaSchedule {
 public:
  LambdaLR(Optimizer& optimizer, Lambda lr_lambda) : LambdaLR(optimizer, std::vector<Lambda>{std::move(lr_lambda)}) {}
  LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas);

 protected:
  std::vector<double> get_lr() override;
};

// lr = previous lr * lr_lambda(epoch) from epoch 1 on.
class MultiplicativeLR : public LambdaSchedule {
 public:
  MultiplicativeLR(Optimizer& optimizer, Lambda lr_lambda)
      : MultiplicativeLR(optimizer, std::vector<Lambda>{std::move(lr_lambda)}) {}
  MultiplicativeLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas);

 protected:
  std::vector<double> get_lr() override;
};

// lr = base_lr * factor for the first total_iters epochs, base_lr afterwards.
class ConstantLR : public LRScheduler {
 public:
  ConstantLR(Optimizer& optimizer, double factor = 1.0 / 3, int64_t total_iters = 5);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;
  double factor_;
  int64_t total_iters_;
};

// lr = base_lr * (1 - min(epoch, total_iters) / total_iters)^power
class PolynomialLR : public LRScheduler {
 public:
  PolynomialLR(Optimizer& optimizer, int64_t total_iters = 5, double power = 1.0);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;
  int64_t total_iters_;
  double power_;
};

// lr = base_lr * gamma^(epoch / step_size)
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;
  int64_t step_size_;
  double gamma_;
};

// lr = base_lr * gamma^(number of milestones <= epoch)
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma = 0.1);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;
  std::vector<int64_t> milestones_;  // sorted; a repeated milestone counts twice
  double gamma_;
};

// lr = base_lr * gamma^epoch
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;
  double gamma_;
};

// The notes' 1/t decay: lr = base_lr / (1 + decay_rate * epoch)
class InverseTimeLR : public LRScheduler {
 public:
  InverseTimeLR(Optimizer& optimizer, double decay_rate);

 protected:
  std::vector<double> get_lr() override { return closed_form_lr(); }
  std::vector<double> closed_form_lr() override;
  double decay_rate_;
};

// Warm-up: lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)
class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int64_t total_iters = 5);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

// lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0.0);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;
  int64_t T_max_;
  double eta_min_;
};

// SGDR: cosine annealing over T_i epochs, then a restart with T_i *= T_mult (T_i starts at T_0).
class CosineAnnealingWarmRestarts : public LRScheduler {
 public:
  CosineAnnealingWarmRestarts(Optimizer& optimizer, int64_t T_0, int64_t T_mult = 1, double eta_min = 0.0);
  void step() override;
  // Steps taken in the current cycle (0 right after a restart) and the cycle's length.
  int64_t T_cur() const { return T_cur_; }
  int64_t T_i() const { return T_i_; }

 protected:
  std::vector<double> get_lr() override;
  int64_t T_0_, T_i_, T_mult_;
  double eta_min_;
  int64_t T_cur_ = -1;
};

struct OneCycleLROptions {
  OneCycleLROptions(std::vector<double> max_lr, int64_t total_steps)
      : max_lr_(std::move(max_lr)), total_steps_(total_steps) {}
  STRIATE_ARG(std::vector<double>, max_lr);  // one value, or one per group
  STRIATE_ARG(int64_t, total_steps);
  STRIATE_ARG(double, pct_start) = 0.3;
  STRIATE_ARG(std::string, anneal_strategy) = "cos";  // or "linear"
  STRIATE_ARG(bool, cycle_momentum) = true;
  STRIATE_ARG(double, base_momentum) = 0.85;
  STRIATE_ARG(double, max_momentum) = 0.95;
  STRIATE_ARG(double, div_factor) = 25.0;
  STRIATE_ARG(double, final_div_factor) = 1e4;
  STRIATE_ARG(bool, three_phase) = false;
};

// The 1cycle policy: lr rises from max_lr / div_factor to max_lr over pct_start of total_steps,
// then anneals to max_lr / (div_factor * final_div_factor) (three_phase: back to the start first);
// momentum (SGD, RMSprop) or Adam's beta1 cycles the other way. Step once per batch.
class OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options);

 protected:
  std::vector<double> get_lr() override;

 private:
  // Anchor values of one group: lr at the start, top and end; momentum at the top and bottom.
  struct GroupAnchors {
    double initial_lr, max_lr, min_lr, max_momentum, base_momentum;
  };
  // lr and momentum are interpolated from one anchor to another up to end_step.
  struct Phase {
    double end_step;
    double GroupAnchors::*lr_from;
    double GroupAnchors::*lr_to;
    double GroupAnchors::*momentum_from;
    double GroupAnchors::*momentum_to;
  };
  double anneal(double start, double end, double fraction) const;
  void set_momentum(OptimizerOptions& options, double momentum) const;

  OneCycleLROptions options_;
  std::vector<GroupAnchors> anchors_;
  std::vector<Phase> phases_;
};

struct CyclicLROptions {
  CyclicLROptions(std::vector<double> base_lr, std::vector<double> max_lr)
      : base_lr_(std::move(base_lr)), max_lr_(std::move(max_lr)) {}
  STRIATE_ARG(std::vector<double>, base_lr);  // one value, or one per group
  STRIATE_ARG(std::vector<double>, max_lr);   // one value, or one per group
  STRIATE_ARG(double, step_size_up) = 2000;
  STRIATE_ARG(double, step_size_down) = 0;  // 0: step_size_up
  STRIATE_ARG(std::string, mode) = "triangular";  // "triangular2", "exp_range"
  STRIATE_ARG(double, gamma) = 1.0;
  // A custom scale (replaces mode) of the cycle number (scale_mode "cycle") or step ("iterations").
  STRIATE_ARG(std::function<double(double)>, scale_fn);
  STRIATE_ARG(std::string, scale_mode) = "cycle";
  STRIATE_ARG(bool, cycle_momentum) = true;
  STRIATE_ARG(double, base_momentum) = 0.8;
  STRIATE_ARG(double, max_momentum) = 0.9;
};

// Cyclical learning rates (Smith 2017): from base_lr up to max_lr over step_size_up steps and back
// over step_size_down, scaled by the mode (triangular: 1, triangular2: halved each cycle,
// exp_range: gamma^step); momentum (SGD, RMSprop) or Adam's beta1 cycles the other way. Step per
// batch. Creating it sets each group's lr to base_lr.
class CyclicLR : public LRScheduler {
 public:
  CyclicLR(Optimizer& optimizer, const CyclicLROptions& options);

 protected:
  std::vector<double> get_lr() override;

 private:
  double scale(double x) const;

  CyclicLROptions options_;
  std::vector<double> max_lrs_, base_momentums_, max_momentums_;
  double total_size_, step_ratio_;
};

// Steps several schedules of one optimizer together (their effects multiply).
class ChainedScheduler : public LRScheduler {
 public:
  explicit ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers);
  void step() override;

 protected:
  std::vector<double> get_lr() override { return current_lrs(); }
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
};

// Runs schedulers one after another: schedulers[i] from milestones[i - 1] on, each from its epoch 0.
class SequentialLR : public LRScheduler {
 public:
  SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
               std::vector<int64_t> milestones);
  void step() override;

 protected:
  std::vector<double> get_lr() override { return current_lrs(); }
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
  std::vector<int64_t> milestones_;
};

// Multiplies the lrs by factor (never below min_lr) when the metric given to step() has not
// improved for more than patience steps, then waits cooldown steps. mode "min" or "max";
// threshold_mode "rel" (better than best * (1 -+ threshold)) or "abs" (best -+ threshold).
class ReduceLROnPlateau {
 public:
  ReduceLROnPlateau(Optimizer& optimizer, const std::string& mode = "min", double factor = 0.1, int64_t patience = 10,
                    double threshold = 1e-4, const std::string& threshold_mode = "rel", int64_t cooldown = 0,
                    double min_lr = 0.0, double eps = 1e-8);
  void step(double metric);
  std::vector<double> get_last_lr() const;
  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }

 private:
  bool is_better(double value) const;

  Optimizer& optimizer_;
  bool maximize_;
  double factor_;
  int64_t patience_;
  double threshold_;
  bool relative_;
  int64_t cooldown_;
  double min_lr_;
  double eps_;
  double best_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
  int64_t last_epoch_ = 0;
};

}  // namespace striate::optim
