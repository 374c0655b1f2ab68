// Learning-rate schedules with torch.optim.lr_scheduler's values: the base class and its state
// dict, the per-epoch schedules and ReduceLROnPlateau (the per-batch cycles are in
// lr_scheduler_cyclic.cpp, the composites in lr_scheduler_composite.cpp). Each get_lr() derives
// the new lrs from the groups' current ones (torch's chainable form) and closed_form_lr() from
// base_lrs; both give the same values when one schedule owns the optimizer.
#include "striate/optim/lr_scheduler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lr_scheduler_common.h"
#include "striate/core/error.h"

namespace striate::optim {

using internal::kPi;
using internal::milestones_passed;
using internal::scaled;

namespace {

// ---- state dict values ---------------------------------------------------------------------------

[[noreturn]] void wrong_type(const char* key, const char* expected) {
  throw TypeError(::striate::detail::str("LRScheduler.load_state_dict: expected ", expected, " for '", key, "'"));
}

template <typename T>
T number_from(const ScheduleValue& value, const char* key) {
  if (const auto* b = std::get_if<bool>(&value)) return static_cast<T>(*b);
  if (const auto* i = std::get_if<int64_t>(&value)) return static_cast<T>(*i);
  if (const auto* d = std::get_if<double>(&value)) return static_cast<T>(*d);
  wrong_type(key, "a number");
}

template <typename T>
std::vector<T> numbers_from(const ScheduleValue& value, const char* key) {
  if (const auto* ints = std::get_if<std::vector<int64_t>>(&value)) return std::vector<T>(ints->begin(), ints->end());
  if (const auto* doubles = std::get_if<std::vector<double>>(&value)) {
    return std::vector<T>(doubles->begin(), doubles->end());
  }
  wrong_type(key, "a list of numbers");
}

void load_into(const ScheduleValue& value, const char* key, bool& field) { field = number_from<bool>(value, key); }
void load_into(const ScheduleValue& value, const char* key, int64_t& field) {
  field = number_from<int64_t>(value, key);
}
void load_into(const ScheduleValue& value, const char* key, double& field) { field = number_from<double>(value, key); }
void load_into(const ScheduleValue& value, const char* key, std::optional<double>& field) {
  field = std::holds_alternative<std::monostate>(value) ? std::nullopt
                                                        : std::optional<double>(number_from<double>(value, key));
}
void load_into(const ScheduleValue& value, const char* key, std::string& field) {
  const auto* text = std::get_if<std::string>(&value);
  if (text == nullptr) wrong_type(key, "a string");
  field = *text;
}
void load_into(const ScheduleValue& value, const char* key, std::vector<int64_t>& field) {
  field = numbers_from<int64_t>(value, key);
}
void load_into(const ScheduleValue& value, const char* key, std::vector<double>& field) {
  field = numbers_from<double>(value, key);
}

ScheduleValue saved(const std::optional<double>& field) {
  return field ? ScheduleValue(*field) : ScheduleValue(std::monostate{});
}
template <typename T>
ScheduleValue saved(const T& field) {
  return ScheduleValue(field);
}

}  // namespace

template <typename T>
ScheduleFields& ScheduleFields::visit(const char* key, T& field) {
  if (out_ != nullptr) {
    (*out_)[key] = saved(field);
  } else if (auto it = in_->find(key); it != in_->end()) {
    load_into(it->second, key, field);
  }
  return *this;
}

ScheduleFields& ScheduleFields::operator()(const char* key, bool& field) { return visit(key, field); }
ScheduleFields& ScheduleFields::operator()(const char* key, int64_t& field) { return visit(key, field); }
ScheduleFields& ScheduleFields::operator()(const char* key, double& field) { return visit(key, field); }
ScheduleFields& ScheduleFields::operator()(const char* key, std::optional<double>& field) { return visit(key, field); }
ScheduleFields& ScheduleFields::operator()(const char* key, std::string& field) { return visit(key, field); }
ScheduleFields& ScheduleFields::operator()(const char* key, std::vector<int64_t>& field) { return visit(key, field); }
ScheduleFields& ScheduleFields::operator()(const char* key, std::vector<double>& field) { return visit(key, field); }

// ---- LRScheduler ----------------------------------------------------------------------------------

LRScheduler::LRScheduler(Optimizer& optimizer, int64_t last_epoch, std::vector<double> base_lrs)
    : optimizer_(optimizer), last_epoch_(last_epoch) {
  STRIATE_CHECK(last_epoch >= -1, "LRScheduler: expected last_epoch >= -1, got ", last_epoch);
  STRIATE_CHECK(last_epoch == -1 || !base_lrs.empty(), "LRScheduler: resuming at last_epoch ", last_epoch,
                " needs the base_lrs (torch's initial_lr) of the run it continues");
  if (base_lrs.empty()) {
    base_lrs_ = current_lrs();
  } else {
    set_base_lrs(std::move(base_lrs));
  }
  last_lr_ = current_lrs();
}

void LRScheduler::set_base_lrs(std::vector<double> base_lrs) {
  STRIATE_CHECK(base_lrs.size() == optimizer_.param_groups().size(), "LRScheduler: expected ",
                optimizer_.param_groups().size(), " base_lrs (one per parameter group), got ", base_lrs.size());
  base_lrs_ = std::move(base_lrs);
}

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
  try {
    step();
  } catch (...) {
    is_initial_ = false;
    throw;
  }
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

void LRScheduler::fields(ScheduleFields& fields) {
  fields("last_epoch", last_epoch_)("base_lrs", base_lrs_)("_step_count", step_count_)("_last_lr", last_lr_);
  fields("_is_initial", is_initial_);
}

ScheduleState LRScheduler::state_dict() const {
  ScheduleState state;
  ScheduleFields saving(&state);
  // Saving only reads the fields; fields() takes them by reference to serve loading too.
  const_cast<LRScheduler*>(this)->fields(saving);
  return state;
}

void LRScheduler::load_state_dict(const ScheduleState& state) {
  ScheduleFields loading(&state);
  fields(loading);
}

// ---- StepLR, MultiStepLR, ExponentialLR, InverseTimeLR ------------------------------------------

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma, int64_t last_epoch, std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)), step_size_(step_size), gamma_(gamma) {
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

void StepLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("step_size", step_size_)("gamma", gamma_);
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma, int64_t last_epoch,
                         std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)), milestones_(std::move(milestones)), gamma_(gamma) {
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

void MultiStepLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("milestones", milestones_)("gamma", gamma_);
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma, int64_t last_epoch, std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)), gamma_(gamma) {
  initial_step();
}

std::vector<double> ExponentialLR::get_lr() { return is_initial_ ? current_lrs() : scaled(current_lrs(), gamma_); }

std::vector<double> ExponentialLR::closed_form_lr() {
  return scaled(base_lrs_, std::pow(gamma_, static_cast<double>(last_epoch_)));
}

void ExponentialLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("gamma", gamma_);
}

InverseTimeLR::InverseTimeLR(Optimizer& optimizer, double decay_rate, int64_t last_epoch, std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)), decay_rate_(decay_rate) {
  STRIATE_CHECK(decay_rate >= 0, "InverseTimeLR: expected decay_rate >= 0, got ", decay_rate);
  initial_step();
}

std::vector<double> InverseTimeLR::closed_form_lr() {
  return scaled(base_lrs_, 1.0 / (1.0 + decay_rate_ * static_cast<double>(last_epoch_)));
}

void InverseTimeLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("decay_rate", decay_rate_);
}

// ---- LambdaLR, MultiplicativeLR, ConstantLR, PolynomialLR -------------------------------------------

LambdaSchedule::LambdaSchedule(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, const char* name,
                               int64_t last_epoch, std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)), lr_lambdas_(std::move(lr_lambdas)) {
  const size_t groups = optimizer.param_groups().size();
  if (lr_lambdas_.size() == 1) lr_lambdas_.resize(groups, lr_lambdas_[0]);
  STRIATE_CHECK(lr_lambdas_.size() == groups, name, ": expected ", groups, " lr_lambdas, got ", lr_lambdas_.size());
  for (size_t i = 0; i < lr_lambdas_.size(); ++i) {
    STRIATE_CHECK(static_cast<bool>(lr_lambdas_[i]), name, ": lr_lambda ", i, " is empty");
  }
}

LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, int64_t last_epoch,
                   std::vector<double> base_lrs)
    : LambdaSchedule(optimizer, std::move(lr_lambdas), "LambdaLR", last_epoch, std::move(base_lrs)) {
  initial_step();
}

std::vector<double> LambdaLR::get_lr() {
  std::vector<double> lrs;
  for (size_t i = 0; i < base_lrs_.size(); ++i) lrs.push_back(base_lrs_[i] * lr_lambdas_[i](last_epoch_));
  return lrs;
}

MultiplicativeLR::MultiplicativeLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, int64_t last_epoch,
                                   std::vector<double> base_lrs)
    : LambdaSchedule(optimizer, std::move(lr_lambdas), "MultiplicativeLR", last_epoch, std::move(base_lrs)) {
  initial_step();
}

std::vector<double> MultiplicativeLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (!is_initial_) {
    for (size_t i = 0; i < lrs.size(); ++i) lrs[i] *= lr_lambdas_[i](last_epoch_);
  }
  return lrs;
}

ConstantLR::ConstantLR(Optimizer& optimizer, double factor, int64_t total_iters, int64_t last_epoch,
                       std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)), factor_(factor), total_iters_(total_iters) {
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

void ConstantLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("factor", factor_)("total_iters", total_iters_);
}

PolynomialLR::PolynomialLR(Optimizer& optimizer, int64_t total_iters, double power, int64_t last_epoch,
                           std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)), total_iters_(total_iters), power_(power) {
  STRIATE_CHECK(total_iters > 0, "PolynomialLR: expected a positive integer total_iters, got ", total_iters);
  initial_step();
}

std::vector<double> PolynomialLR::get_lr() {
  if (is_initial_ || last_epoch_ > total_iters_) return current_lrs();
  const auto total = static_cast<double>(total_iters_);
  const auto epoch = static_cast<double>(last_epoch_);
  return scaled(current_lrs(), std::pow((1.0 - epoch / total) / (1.0 - (epoch - 1) / total), power_));
}

std::vector<double> PolynomialLR::closed_form_lr() {
  const double fraction = static_cast<double>(std::min(total_iters_, last_epoch_)) / static_cast<double>(total_iters_);
  return scaled(base_lrs_, std::pow(1.0 - fraction, power_));
}

void PolynomialLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("total_iters", total_iters_)("power", power_);
}

// ---- LinearLR ---------------------------------------------------------------------------------------

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, int64_t total_iters,
                   int64_t last_epoch, std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)),
      start_factor_(start_factor),
      end_factor_(end_factor),
      total_iters_(total_iters) {
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
  const double fraction = static_cast<double>(std::min(total_iters_, last_epoch_)) / static_cast<double>(total_iters_);
  return scaled(base_lrs_, start_factor_ + (end_factor_ - start_factor_) * fraction);
}

void LinearLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("start_factor", start_factor_)("end_factor", end_factor_)("total_iters", total_iters_);
}

// ---- CosineAnnealingLR, CosineAnnealingWarmRestarts --------------------------------------------

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min, int64_t last_epoch,
                                     std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)), T_max_(T_max), eta_min_(eta_min) {
  STRIATE_CHECK(T_max > 0, "CosineAnnealingLR: expected T_max > 0, got ", T_max);
  initial_step();
}

std::vector<double> CosineAnnealingLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (is_initial_) return lrs;
  // The first step of a resumed schedule has no previous lr of its own to scale.
  if (step_count_ == 1 && last_epoch_ > 0) return closed_form_lr();
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

void CosineAnnealingLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("T_max", T_max_)("eta_min", eta_min_);
}

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(Optimizer& optimizer, int64_t T_0, int64_t T_mult,
                                                         double eta_min, int64_t last_epoch,
                                                         std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)),
      T_0_(T_0),
      T_i_(T_0),
      T_mult_(T_mult),
      eta_min_(eta_min),
      T_cur_(static_cast<double>(last_epoch)) {
  STRIATE_CHECK(T_0 > 0, "CosineAnnealingWarmRestarts: expected a positive integer T_0, got ", T_0);
  STRIATE_CHECK(T_mult >= 1, "CosineAnnealingWarmRestarts: expected an integer T_mult >= 1, got ", T_mult);
  initial_step();
}

void CosineAnnealingWarmRestarts::step() {
  if (last_epoch_ < 0) {
    step(0.0);
    return;
  }
  T_cur_ += 1;
  if (T_cur_ >= static_cast<double>(T_i_)) {
    T_cur_ = std::fmod(T_cur_, static_cast<double>(T_i_));
    T_i_ *= T_mult_;
  }
  ++last_epoch_;
  apply(get_lr());
}

void CosineAnnealingWarmRestarts::step(double epoch) {
  STRIATE_CHECK(epoch >= 0, "CosineAnnealingWarmRestarts: expected epoch >= 0, got ", epoch);
  const auto T_0 = static_cast<double>(T_0_);
  if (epoch >= T_0) {
    if (T_mult_ == 1) {
      T_cur_ = std::fmod(epoch, T_0);
    } else {
      // Restart n is the largest with T_0 * (T_mult^n - 1) / (T_mult - 1) <= epoch.
      const auto mult = static_cast<double>(T_mult_);
      const auto n = static_cast<int64_t>(std::log(epoch / T_0 * (mult - 1) + 1) / std::log(mult));
      const double power = std::pow(mult, static_cast<double>(n));
      T_cur_ = epoch - T_0 * (power - 1) / (mult - 1);
      T_i_ = T_0_ * static_cast<int64_t>(power);
    }
  } else {
    T_i_ = T_0_;
    T_cur_ = epoch;
  }
  last_epoch_ = static_cast<int64_t>(std::floor(epoch));
  apply(get_lr());
}

std::vector<double> CosineAnnealingWarmRestarts::get_lr() {
  const double cosine = 1 + std::cos(kPi * T_cur_ / static_cast<double>(T_i_));
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(eta_min_ + (base - eta_min_) * cosine / 2);
  return lrs;
}

void CosineAnnealingWarmRestarts::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("T_0", T_0_)("T_i", T_i_)("T_mult", T_mult_)("eta_min", eta_min_)("T_cur", T_cur_);
}
// ---- ReduceLROnPlateau ------------------------------------------------------------------------------

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options)
    : LRScheduler(optimizer),
      mode_(options.mode()),
      threshold_mode_(options.threshold_mode()),
      factor_(options.factor()),
      threshold_(options.threshold()),
      eps_(options.eps()),
      patience_(options.patience()),
      cooldown_(options.cooldown()) {
  STRIATE_CHECK(factor_ < 1.0, "ReduceLROnPlateau: expected factor < 1.0, got ", factor_);
  const size_t groups = optimizer.param_groups().size();
  if (options.min_lrs().empty()) {
    default_min_lr_ = options.min_lr();
    min_lrs_.assign(groups, options.min_lr());
  } else {
    STRIATE_CHECK(options.min_lrs().size() == groups, "ReduceLROnPlateau: expected ", groups,
                  " values for min_lr, got ", options.min_lrs().size());
    min_lrs_ = options.min_lrs();
  }
  STRIATE_CHECK(mode_ == "min" || mode_ == "max", "ReduceLROnPlateau: mode must be 'min' or 'max', got '", mode_, "'");
  STRIATE_CHECK(threshold_mode_ == "rel" || threshold_mode_ == "abs",
                "ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got '", threshold_mode_, "'");
  best_ = mode_ == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  last_epoch_ = 0;
}

void ReduceLROnPlateau::step() {
  STRIATE_CHECK(false, "ReduceLROnPlateau: step() needs the metric to watch: call step(metrics)");
}

bool ReduceLROnPlateau::is_better(double value, double best) const {
  const bool relative = threshold_mode_ == "rel";
  if (mode_ == "max") return value > (relative ? best * (1.0 + threshold_) : best + threshold_);
  return value < (relative ? best * (1.0 - threshold_) : best - threshold_);
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric, best_)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (in_cooldown()) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs during the cooldown do not count
  }
  if (num_bad_epochs_ > patience_) {
    reduce_lrs();
    cooldown_counter_ = cooldown_;
    num_bad_epochs_ = 0;
  }
  last_lr_ = current_lrs();
}

void ReduceLROnPlateau::reduce_lrs() {
  auto& groups = optimizer_.param_groups();
  if (groups.size() != min_lrs_.size()) {
    STRIATE_CHECK_STATE(default_min_lr_.has_value(), "ReduceLROnPlateau: the optimizer now has ", groups.size(),
                        " parameter groups but min_lr lists ", min_lrs_.size());
    min_lrs_.assign(groups.size(), *default_min_lr_);
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    const double old_lr = groups[i].options().get_lr();
    const double new_lr = std::max(old_lr * factor_, min_lrs_[i]);
    // Changes smaller than eps are ignored, as torch does.
    if (old_lr - new_lr > eps_) groups[i].options().set_lr(new_lr);
  }
}

void ReduceLROnPlateau::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("mode", mode_)("threshold_mode", threshold_mode_)("factor", factor_)("threshold", threshold_);
  fields("eps", eps_)("best", best_)("patience", patience_)("cooldown", cooldown_)("default_min_lr", default_min_lr_);
  fields("min_lrs", min_lrs_)("num_bad_epochs", num_bad_epochs_)("cooldown_counter", cooldown_counter_);
}

}  // namespace striate::optim
