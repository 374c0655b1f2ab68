// Learning-rate schedules with torch.optim.lr_scheduler's values. Each get_lr() derives the new
// lrs from the groups' current ones (torch's chainable form) and closed_form_lr() from base_lrs;
// both give the same values when one schedule owns the optimizer.
#include "striate/optim/lr_scheduler.h"

#include <algorithm>
#include <cmath>

#include "striate/core/error.h"
#include "striate/optim/adam.h"
#include "striate/optim/rmsprop.h"
#include "striate/optim/sgd.h"

namespace striate::optim {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<double> scaled(std::vector<double> lrs, double factor) {
  for (double& lr : lrs) lr *= factor;
  return lrs;
}

// The number of milestones <= epoch, milestones sorted.
int64_t milestones_passed(const std::vector<int64_t>& milestones, int64_t epoch) {
  return std::upper_bound(milestones.begin(), milestones.end(), epoch) - milestones.begin();
}

// Sets a group's momentum (SGD, RMSprop) or Adam's beta1, for the schedules that cycle it.
void set_group_momentum(OptimizerOptions& options, double momentum, const char* schedule) {
  if (auto* sgd = dynamic_cast<SGDOptions*>(&options)) {
    sgd->momentum(momentum);
  } else if (auto* rmsprop = dynamic_cast<RMSpropOptions*>(&options)) {
    rmsprop->momentum(momentum);
  } else if (auto* adam = dynamic_cast<AdamOptions*>(&options)) {
    adam->betas({momentum, adam->betas().second});
  } else {
    STRIATE_CHECK(false, schedule, ": optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
  }
}

// One value for every group, or one per group.
std::vector<double> per_group(const std::vector<double>& values, size_t groups, const char* schedule,
                              const char* name) {
  if (values.size() == 1) return std::vector<double>(groups, values[0]);
  STRIATE_CHECK(values.size() == groups, schedule, ": expected ", groups, " values for ", name, ", got ",
                values.size());
  return values;
}

}  // namespace

// ---- LRScheduler ----------------------------------------------------------------------------------

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) { base_lrs_ = current_lrs(); }

std::vector<double> LRScheduler::current_lrs() const {
  std::vector<double> lrs;
  for (const auto& group : optimizer_.param_groups()) lrs.push_back(group.options().get_lr());
  return lrs;
}

void LRScheduler::apply(const std::vector<double>& lrs) {
  auto& groups = optimizer_.param_groups();
  STRIATE_CHECK_STATE(lrs.size() == groups.size(), "LRScheduler: the optimizer has ", groups.size(),
                      " parameter groups, the schedule computed ", lrs.size(), " lrs");
  for (size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(lrs[i]);
  last_lr_ = current_lrs();
}

void LRScheduler::initial_step() {
  step_count_ = 0;
  is_initial_ = true;
  step();
  is_initial_ = false;
}

void LRScheduler::step() {
  ++step_count_;
  ++last_epoch_;
  apply(get_lr());
}

void LRScheduler::jump_to(int64_t epoch) {
  last_epoch_ = epoch;
  apply(closed_form_lr());
}

// ---- StepLR, MultiStepLR, ExponentialLR, InverseTimeLR ------------------------------------------

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  STRIATE_CHECK(step_size > 0, "StepLR: expected a positive integer step_size, got ", step_size);
  initial_step();
}

std::vector<double> StepLR::get_lr() {
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return current_lrs();
  return scaled(current_lrs(), gamma_);
}

std::vector<double> StepLR::closed_form_lr() {
  return scaled(base_lrs_, std::pow(gamma_, static_cast<double>(last_epoch_ / step_size_)));
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma)
    : LRScheduler(optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
  std::sort(milestones_.begin(), milestones_.end());
  initial_step();
}

std::vector<double> MultiStepLR::get_lr() {
  auto count = std::count(milestones_.begin(), milestones_.end(), last_epoch_);
  if (count == 0) return current_lrs();
  return scaled(current_lrs(), std::pow(gamma_, static_cast<double>(count)));
}

std::vector<double> MultiStepLR::closed_form_lr() {
  return scaled(base_lrs_, std::pow(gamma_, static_cast<double>(milestones_passed(milestones_, last_epoch_))));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : LRScheduler(optimizer), gamma_(gamma) {
  initial_step();
}

std::vector<double> ExponentialLR::get_lr() { return is_initial_ ? current_lrs() : scaled(current_lrs(), gamma_); }

std::vector<double> ExponentialLR::closed_form_lr() {
  return scaled(base_lrs_, std::pow(gamma_, static_cast<double>(last_epoch_)));
}

InverseTimeLR::InverseTimeLR(Optimizer& optimizer, double decay_rate)
    : LRScheduler(optimizer), decay_rate_(decay_rate) {
  STRIATE_CHECK(decay_rate >= 0, "InverseTimeLR: expected decay_rate >= 0, got ", decay_rate);
  initial_step();
}

std::vector<double> InverseTimeLR::closed_form_lr() {
  return scaled(base_lrs_, 1.0 / (1.0 + decay_rate_ * static_cast<double>(last_epoch_)));
}

// ---- LambdaLR, MultiplicativeLR, ConstantLR, PolynomialLR -------------------------------------------

LambdaSchedule::LambdaSchedule(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, const char* name)
    : LRScheduler(optimizer), lr_lambdas_(std::move(lr_lambdas)) {
  const size_t groups = optimizer.param_groups().size();
  if (lr_lambdas_.size() == 1) lr_lambdas_.resize(groups, lr_lambdas_[0]);
  STRIATE_CHECK(lr_lambdas_.size() == groups, name, ": expected ", groups, " lr_lambdas, got ", lr_lambdas_.size());
  for (size_t i = 0; i < lr_lambdas_.size(); ++i) {
    STRIATE_CHECK(static_cast<bool>(lr_lambdas_[i]), name, ": lr_lambda ", i, " is empty");
  }
}

LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas)
    : LambdaSchedule(optimizer, std::move(lr_lambdas), "LambdaLR") {
  initial_step();
}

std::vector<double> LambdaLR::get_lr() {
  std::vector<double> lrs;
  for (size_t i = 0; i < base_lrs_.size(); ++i) lrs.push_back(base_lrs_[i] * lr_lambdas_[i](last_epoch_));
  return lrs;
}

MultiplicativeLR::MultiplicativeLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas)
    : LambdaSchedule(optimizer, std::move(lr_lambdas), "MultiplicativeLR") {
  initial_step();
}

std::vector<double> MultiplicativeLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ > 0) {
    for (size_t i = 0; i < lrs.size(); ++i) lrs[i] *= lr_lambdas_[i](last_epoch_);
  }
  return lrs;
}

ConstantLR::ConstantLR(Optimizer& optimizer, double factor, int64_t total_iters)
    : LRScheduler(optimizer), factor_(factor), total_iters_(total_iters) {
  STRIATE_CHECK(factor >= 0 && factor <= 1, "ConstantLR: expected 0 <= factor <= 1, got ", factor);
  STRIATE_CHECK(total_iters >= 0, "ConstantLR: expected an integer total_iters >= 0, got ", total_iters);
  initial_step();
}

std::vector<double> ConstantLR::get_lr() {
  if (last_epoch_ == 0) return scaled(current_lrs(), factor_);
  if (last_epoch_ != total_iters_) return current_lrs();
  return scaled(current_lrs(), 1.0 / factor_);
}

std::vector<double> ConstantLR::closed_form_lr() {
  const double reached = last_epoch_ >= total_iters_ ? 1.0 : 0.0;
  return scaled(base_lrs_, factor_ + reached * (1 - factor_));
}

PolynomialLR::PolynomialLR(Optimizer& optimizer, int64_t total_iters, double power)
    : LRScheduler(optimizer), total_iters_(total_iters), power_(power) {
  STRIATE_CHECK(total_iters > 0, "PolynomialLR: expected a positive integer total_iters, got ", total_iters);
  initial_step();
}

std::vector<double> PolynomialLR::get_lr() {
  if (last_epoch_ == 0 || last_epoch_ > total_iters_) return current_lrs();
  const auto total = static_cast<double>(total_iters_);
  const auto epoch = static_cast<double>(last_epoch_);
  return scaled(current_lrs(), std::pow((1.0 - epoch / total) / (1.0 - (epoch - 1) / total), power_));
}

std::vector<double> PolynomialLR::closed_form_lr() {
  const double fraction = static_cast<double>(std::min(total_iters_, last_epoch_)) / static_cast<double>(total_iters_);
  return scaled(base_lrs_, std::pow(1.0 - fraction, power_));
}

// ---- LinearLR ---------------------------------------------------------------------------------------

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, int64_t total_iters)
    : LRScheduler(optimizer), start_factor_(start_factor), end_factor_(end_factor), total_iters_(total_iters) {
  STRIATE_CHECK(start_factor > 0 && start_factor <= 1, "LinearLR: expected 0 < start_factor <= 1, got ", start_factor);
  STRIATE_CHECK(end_factor >= 0 && end_factor <= 1, "LinearLR: expected 0 <= end_factor <= 1, got ", end_factor);
  STRIATE_CHECK(total_iters > 0, "LinearLR: expected total_iters > 0, got ", total_iters);
  initial_step();
}

std::vector<double> LinearLR::get_lr() {
  if (last_epoch_ == 0) return scaled(current_lrs(), start_factor_);
  if (is_initial_ || last_epoch_ > total_iters_) return current_lrs();
  // The ratio of this step's factor to the previous step's.
  const double change = end_factor_ - start_factor_;
  const double previous =
      static_cast<double>(total_iters_) * start_factor_ + static_cast<double>(last_epoch_ - 1) * change;
  return scaled(current_lrs(), 1.0 + change / previous);
}

std::vector<double> LinearLR::closed_form_lr() {
  const double fraction =
      static_cast<double>(std::min(total_iters_, last_epoch_)) / static_cast<double>(total_iters_);
  return scaled(base_lrs_, start_factor_ + (end_factor_ - start_factor_) * fraction);
}

// ---- CosineAnnealingLR, CosineAnnealingWarmRestarts --------------------------------------------

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  STRIATE_CHECK(T_max > 0, "CosineAnnealingLR: expected T_max > 0, got ", T_max);
  initial_step();
}

std::vector<double> CosineAnnealingLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (is_initial_) return lrs;
  const auto epoch = static_cast<double>(last_epoch_);
  const auto period = static_cast<double>(T_max_);
  if ((last_epoch_ - 1 - T_max_) % (2 * T_max_) == 0) {
    // At the bottom of the cosine the ratio below divides by zero: step up by the increment.
    const double increment = (1 - std::cos(kPi / period)) / 2;
    for (size_t i = 0; i < lrs.size(); ++i) lrs[i] += (base_lrs_[i] - eta_min_) * increment;
    return lrs;
  }
  const double ratio = (1 + std::cos(kPi * epoch / period)) / (1 + std::cos(kPi * (epoch - 1) / period));
  for (double& lr : lrs) lr = ratio * (lr - eta_min_) + eta_min_;
  return lrs;
}

std::vector<double> CosineAnnealingLR::closed_form_lr() {
  const double cosine = 1 + std::cos(kPi * static_cast<double>(last_epoch_) / static_cast<double>(T_max_));
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(eta_min_ + (base - eta_min_) * cosine / 2);
  return lrs;
}

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(Optimizer& optimizer, int64_t T_0, int64_t T_mult,
                                                         double eta_min)
    : LRScheduler(optimizer), T_0_(T_0), T_i_(T_0), T_mult_(T_mult), eta_min_(eta_min) {
  STRIATE_CHECK(T_0 > 0, "CosineAnnealingWarmRestarts: expected a positive integer T_0, got ", T_0);
  STRIATE_CHECK(T_mult >= 1, "CosineAnnealingWarmRestarts: expected an integer T_mult >= 1, got ", T_mult);
  initial_step();
}

void CosineAnnealingWarmRestarts::step() {
  ++step_count_;
  ++last_epoch_;
  ++T_cur_;
  if (T_cur_ >= T_i_) {
    T_cur_ -= T_i_;
    T_i_ *= T_mult_;
  }
  apply(get_lr());
}

std::vector<double> CosineAnnealingWarmRestarts::get_lr() {
  const double cosine = 1 + std::cos(kPi * static_cast<double>(T_cur_) / static_cast<double>(T_i_));
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(eta_min_ + (base - eta_min_) * cosine / 2);
  return lrs;
}

// ---- OneCycleLR -------------------------------------------------------------------------------------

OneCycleLR::OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options)
    : LRScheduler(optimizer), options_(options) {
  const int64_t total = options.total_steps();
  STRIATE_CHECK(total > 0, "OneCycleLR: expected a positive integer total_steps, got ", total);
  STRIATE_CHECK(options.pct_start() >= 0 && options.pct_start() <= 1,
                "OneCycleLR: expected a float pct_start between 0 and 1, got ", options.pct_start());
  STRIATE_CHECK(options.anneal_strategy() == "cos" || options.anneal_strategy() == "linear",
                "OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', got '", options.anneal_strategy(), "'");
  const size_t groups = optimizer.param_groups().size();
  const auto& max_lrs = options.max_lr();
  STRIATE_CHECK(max_lrs.size() == 1 || max_lrs.size() == groups, "OneCycleLR: expected ", groups,
                " values for max_lr, got ", max_lrs.size());
  base_lrs_.clear();
  for (size_t i = 0; i < groups; ++i) {
    const double top = max_lrs.size() == 1 ? max_lrs[0] : max_lrs[i];
    const double initial = top / options.div_factor();
    anchors_.push_back({initial, top, initial / options.final_div_factor(), options.max_momentum(),
                        options.base_momentum()});
    base_lrs_.push_back(initial);
    if (options.cycle_momentum()) set_momentum(optimizer.param_groups()[i].options(), options.max_momentum());
  }
  using A = GroupAnchors;
  const double up_end = options.pct_start() * static_cast<double>(total) - 1;
  const auto last = static_cast<double>(total - 1);
  if (options.three_phase()) {
    phases_ = {{up_end, &A::initial_lr, &A::max_lr, &A::max_momentum, &A::base_momentum},
               {2 * options.pct_start() * static_cast<double>(total) - 2, &A::max_lr, &A::initial_lr,
                &A::base_momentum, &A::max_momentum},
               {last, &A::initial_lr, &A::min_lr, &A::max_momentum, &A::max_momentum}};
  } else {
    phases_ = {{up_end, &A::initial_lr, &A::max_lr, &A::max_momentum, &A::base_momentum},
               {last, &A::max_lr, &A::min_lr, &A::base_momentum, &A::max_momentum}};
  }
  initial_step();
}

void OneCycleLR::set_momentum(OptimizerOptions& options, double momentum) const {
  set_group_momentum(options, momentum, "OneCycleLR");
}

double OneCycleLR::anneal(double start, double end, double fraction) const {
  if (options_.anneal_strategy() == "cos") return end + (start - end) / 2.0 * (std::cos(kPi * fraction) + 1);
  return (end - start) * fraction + start;
}

std::vector<double> OneCycleLR::get_lr() {
  STRIATE_CHECK(last_epoch_ <= options_.total_steps(), "OneCycleLR: tried to step ", last_epoch_,
                " times; the specified number of total steps is ", options_.total_steps());
  const auto step = static_cast<double>(last_epoch_);
  std::vector<double> lrs;
  auto& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    const GroupAnchors& anchors = anchors_[i];
    double phase_start = 0;
    for (size_t p = 0; p < phases_.size(); ++p) {
      const Phase& phase = phases_[p];
      if (step <= phase.end_step || p + 1 == phases_.size()) {
        const double fraction = (step - phase_start) / (phase.end_step - phase_start);
        lrs.push_back(anneal(anchors.*phase.lr_from, anchors.*phase.lr_to, fraction));
        if (options_.cycle_momentum()) {
          set_momentum(groups[i].options(),
                       anneal(anchors.*phase.momentum_from, anchors.*phase.momentum_to, fraction));
        }
        break;
      }
      phase_start = phase.end_step;
    }
  }
  return lrs;
}

// ---- CyclicLR ---------------------------------------------------------------------------------------

namespace {

// Sets each group's lr to its base_lr before the base class records base_lrs (torch does too).
Optimizer& with_base_lrs(Optimizer& optimizer, const std::vector<double>& base_lr) {
  auto& groups = optimizer.param_groups();
  std::vector<double> lrs = per_group(base_lr, groups.size(), "CyclicLR", "base_lr");
  for (size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(lrs[i]);
  return optimizer;
}

}  // namespace

CyclicLR::CyclicLR(Optimizer& optimizer, const CyclicLROptions& options)
    : LRScheduler(with_base_lrs(optimizer, options.base_lr())), options_(options) {
  const size_t groups = optimizer.param_groups().size();
  max_lrs_ = per_group(options.max_lr(), groups, "CyclicLR", "max_lr");
  STRIATE_CHECK(options.step_size_up() > 0, "CyclicLR: expected step_size_up > 0, got ", options.step_size_up());
  STRIATE_CHECK(options.step_size_down() >= 0, "CyclicLR: expected step_size_down > 0, got ",
                options.step_size_down());
  const double up = options.step_size_up();
  const double down = options.step_size_down() > 0 ? options.step_size_down() : up;
  total_size_ = up + down;
  step_ratio_ = up / total_size_;
  if (!options.scale_fn()) {
    const std::string& mode = options.mode();
    STRIATE_CHECK(mode == "triangular" || mode == "triangular2" || mode == "exp_range",
                  "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' when scale_fn is None, got '",
                  mode, "'");
    options_.scale_mode(mode == "exp_range" ? "iterations" : "cycle");
  } else {
    STRIATE_CHECK(options.scale_mode() == "cycle" || options.scale_mode() == "iterations",
                  "CyclicLR: scale_mode must be 'cycle' or 'iterations', got '", options.scale_mode(), "'");
  }
  if (options.cycle_momentum()) {
    base_momentums_ = std::vector<double>(groups, options.base_momentum());
    max_momentums_ = std::vector<double>(groups, options.max_momentum());
    for (auto& group : optimizer.param_groups()) set_group_momentum(group.options(), options.max_momentum(), "CyclicLR");
  }
  initial_step();
}

double CyclicLR::scale(double x) const {
  if (options_.scale_fn()) return options_.scale_fn()(x);
  if (options_.mode() == "triangular") return 1.0;
  if (options_.mode() == "triangular2") return 1.0 / std::pow(2.0, x - 1);
  return std::pow(options_.gamma(), x);
}

std::vector<double> CyclicLR::get_lr() {
  const auto epoch = static_cast<double>(last_epoch_);
  const double cycle = std::floor(1 + epoch / total_size_);
  const double x = 1.0 + epoch / total_size_ - cycle;
  const double scale_factor = x <= step_ratio_ ? x / step_ratio_ : (x - 1) / (step_ratio_ - 1);
  const double factor = scale(options_.scale_mode() == "cycle" ? cycle : epoch);
  std::vector<double> lrs;
  auto& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    lrs.push_back(base_lrs_[i] + (max_lrs_[i] - base_lrs_[i]) * scale_factor * factor);
    if (options_.cycle_momentum()) {
      set_group_momentum(groups[i].options(),
                         max_momentums_[i] - (max_momentums_[i] - base_momentums_[i]) * scale_factor * factor,
                         "CyclicLR");
    }
  }
  return lrs;
}

// ---- ChainedScheduler -------------------------------------------------------------------------------

namespace {

Optimizer& first_optimizer(const std::vector<std::shared_ptr<LRScheduler>>& schedulers);

}  // namespace

ChainedScheduler::ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers)
    : LRScheduler(first_optimizer(schedulers)), schedulers_(std::move(schedulers)) {
  for (size_t i = 0; i < schedulers_.size(); ++i) {
    STRIATE_CHECK(schedulers_[i] != nullptr && &schedulers_[i]->optimizer_ == &optimizer_,
                  "ChainedScheduler: expected every scheduler to belong to the same optimizer, scheduler ", i,
                  " does not");
  }
  // All schedules share the first one's base_lrs (torch's initial_lr), not the lrs their
  // predecessors' first steps left.
  base_lrs_ = schedulers_.front()->base_lrs_;
  for (auto& scheduler : schedulers_) scheduler->base_lrs_ = base_lrs_;
  last_lr_ = current_lrs();
  last_epoch_ = 0;  // the schedules took their first step when they were created
}

void ChainedScheduler::step() {
  ++last_epoch_;
  for (auto& scheduler : schedulers_) scheduler->step();
  last_lr_ = current_lrs();
}

namespace {

Optimizer& first_optimizer(const std::vector<std::shared_ptr<LRScheduler>>& schedulers) {
  STRIATE_CHECK(!schedulers.empty() && schedulers.front() != nullptr,
                "ChainedScheduler: expected at least one scheduler, got none");
  return schedulers.front()->optimizer();
}

}  // namespace

// ---- SequentialLR -----------------------------------------------------------------------------------

SequentialLR::SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<int64_t> milestones)
    : LRScheduler(optimizer), schedulers_(std::move(schedulers)), milestones_(std::move(milestones)) {
  STRIATE_CHECK(!schedulers_.empty(), "SequentialLR: expected at least one scheduler, got none");
  STRIATE_CHECK(milestones_.size() + 1 == schedulers_.size(),
                "SequentialLR: expected one milestone fewer than schedulers, got ", schedulers_.size(),
                " schedulers and ", milestones_.size(), " milestones");
  for (size_t i = 0; i < schedulers_.size(); ++i) {
    STRIATE_CHECK(schedulers_[i] != nullptr && &schedulers_[i]->optimizer_ == &optimizer,
                  "SequentialLR: expected every scheduler to belong to the same optimizer, scheduler ", i,
                  " does not");
  }
  // Creating the schedulers stepped each once: undo that and start the first afresh. Each later
  // schedule recorded the lrs its predecessors had already changed; all start from the first's
  // base_lrs (torch's initial_lr).
  base_lrs_ = schedulers_.front()->base_lrs_;
  apply(base_lrs_);
  for (auto& scheduler : schedulers_) {
    scheduler->last_epoch_ -= 1;
    scheduler->base_lrs_ = base_lrs_;
  }
  last_epoch_ = 0;
  auto& first = schedulers_[milestones_passed(milestones_, 0)];
  first->initial_step();
  last_lr_ = first->get_last_lr();
}

void SequentialLR::step() {
  ++last_epoch_;
  const int64_t index = milestones_passed(milestones_, last_epoch_);
  auto& scheduler = schedulers_[index];
  if (index > 0 && milestones_[index - 1] == last_epoch_) {
    scheduler->jump_to(0);
  } else {
    scheduler->step();
  }
  last_lr_ = scheduler->get_last_lr();
}

// ---- ReduceLROnPlateau ------------------------------------------------------------------------------

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const std::string& mode, double factor, int64_t patience,
                                     double threshold, const std::string& threshold_mode, int64_t cooldown,
                                     double min_lr, double eps)
    : optimizer_(optimizer),
      maximize_(mode == "max"),
      factor_(factor),
      patience_(patience),
      threshold_(threshold),
      relative_(threshold_mode == "rel"),
      cooldown_(cooldown),
      min_lr_(min_lr),
      eps_(eps) {
  STRIATE_CHECK(factor < 1.0, "ReduceLROnPlateau: expected factor < 1.0, got ", factor);
  STRIATE_CHECK(mode == "min" || mode == "max", "ReduceLROnPlateau: mode must be 'min' or 'max', got '", mode, "'");
  STRIATE_CHECK(threshold_mode == "rel" || threshold_mode == "abs",
                "ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got '", threshold_mode, "'");
  best_ = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

bool ReduceLROnPlateau::is_better(double value) const {
  if (maximize_) return value > (relative_ ? best_ * (1.0 + threshold_) : best_ + threshold_);
  return value < (relative_ ? best_ * (1.0 - threshold_) : best_ - threshold_);
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs during the cooldown do not count
  }
  if (num_bad_epochs_ > patience_) {
    for (auto& group : optimizer_.param_groups()) {
      const double old_lr = group.options().get_lr();
      const double new_lr = std::max(old_lr * factor_, min_lr_);
      // Changes smaller than eps are ignored, as torch does.
      if (old_lr - new_lr > eps_) group.options().set_lr(new_lr);
    }
    cooldown_counter_ = cooldown_;
    num_bad_epochs_ = 0;
  }
}

std::vector<double> ReduceLROnPlateau::get_last_lr() const {
  std::vector<double> lrs;
  for (const auto& group : optimizer_.param_groups()) lrs.push_back(group.options().get_lr());
  return lrs;
}

}  // namespace striate::optim
