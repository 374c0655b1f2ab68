// The per-batch cycles of torch.optim.lr_scheduler: OneCycleLR and CyclicLR, which also cycle each
// group's momentum (SGD, RMSprop) or Adam's beta1 against the lr.
#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include "lr_scheduler_common.h"
#include "striate/optim/lr_scheduler.h"

namespace striate::optim {

using internal::kPi;
using internal::per_group;
using internal::scaled;

namespace {

// As torch: a group's "betas" (Adam, NAdam, ...: beta1 cycles) or else its "momentum" (SGD,
// RMSprop) cycles, found by name, so every optimizer with either option takes part, an optimizer
// written in Python included.
void check_momentum(const Optimizer& optimizer, const char* schedule) {
  for (const auto& group : optimizer.param_groups()) {
    const OptimizerOptions& options = group.options();
    STRIATE_CHECK(options.has("betas") || options.has("momentum"), schedule,
                  ": optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
  }
}

// Sets a group's beta1 or momentum (check_momentum has vouched for one).
void set_momentum(OptimizerOptions& options, double momentum) {
  if (options.has("betas")) {
    const OptionValue betas = options.get("betas");
    const auto* pair = std::get_if<std::vector<double>>(&betas);
    STRIATE_CHECK_TYPE(pair != nullptr && pair->size() == 2,
                       "cycling beta1: expected the option betas to be a pair of numbers, got ",
                       pair == nullptr ? detail::option_value_kind(betas) : std::to_string(pair->size()) + " numbers");
    options.set("betas", std::vector<double>{momentum, (*pair)[1]});
  } else {
    options.set("momentum", momentum);
  }
}

}  // namespace

// ---- OneCycleLR -------------------------------------------------------------------------------------

namespace {

// The lr each group starts from: max_lr / div_factor.
std::vector<double> one_cycle_initial_lrs(const Optimizer& optimizer, const OneCycleLROptions& options) {
  return scaled(per_group(options.max_lr(), optimizer.param_groups().size(), "OneCycleLR", "max_lr"),
                1.0 / options.div_factor());
}

}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options, int64_t last_epoch)
    : LRScheduler(optimizer, last_epoch, one_cycle_initial_lrs(optimizer, options)),
      total_steps_(options.total_steps()),
      pct_start_(options.pct_start()),
      anneal_strategy_(options.anneal_strategy()),
      three_phase_(options.three_phase()),
      cycle_momentum_(options.cycle_momentum()) {
  STRIATE_CHECK(total_steps_ > 0, "OneCycleLR: expected a positive integer total_steps, got ", total_steps_);
  STRIATE_CHECK(pct_start_ >= 0 && pct_start_ <= 1, "OneCycleLR: expected a float pct_start between 0 and 1, got ",
                pct_start_);
  STRIATE_CHECK(anneal_strategy_ == "cos" || anneal_strategy_ == "linear",
                "OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', got '", anneal_strategy_, "'");
  const size_t groups = optimizer.param_groups().size();
  max_lrs_ = per_group(options.max_lr(), groups, "OneCycleLR", "max_lr");
  min_lrs_ = scaled(base_lrs_, 1.0 / options.final_div_factor());
  if (cycle_momentum_) {
    check_momentum(optimizer, "OneCycleLR");
    max_momentums_ = per_group(options.max_momentum(), groups, "OneCycleLR", "max_momentum");
    base_momentums_ = per_group(options.base_momentum(), groups, "OneCycleLR", "base_momentum");
    if (last_epoch == -1) {
      for (size_t i = 0; i < groups; ++i) set_momentum(optimizer.param_groups()[i].options(), max_momentums_[i]);
    }
  }
  initial_step();
}

double OneCycleLR::anneal(double start, double end, double fraction) const {
  if (anneal_strategy_ == "cos") return end + (start - end) / 2.0 * (std::cos(kPi * fraction) + 1);
  return (end - start) * fraction + start;
}

std::vector<double> OneCycleLR::get_lr() {
  STRIATE_CHECK(last_epoch_ <= total_steps_, "OneCycleLR: tried to step ", last_epoch_,
                " times; the specified number of total steps is ", total_steps_);
  // A phase anneals lr and momentum from one anchor to another up to its last step. Anchors, per
  // group: 0 the initial lr, 1 max_lr, 2 min_lr; momentum 0 max_momentum, 1 base_momentum.
  struct Phase {
    double end_step;
    int lr_from, lr_to, momentum_from, momentum_to;
  };
  const auto total = static_cast<double>(total_steps_);
  const Phase two_phases[] = {{pct_start_ * total - 1, 0, 1, 0, 1}, {total - 1, 1, 2, 1, 0}};
  const Phase three_phases[] = {
      {pct_start_ * total - 1, 0, 1, 0, 1}, {2 * pct_start_ * total - 2, 1, 0, 1, 0}, {total - 1, 0, 2, 0, 0}};
  const Phase* phases = three_phase_ ? three_phases : two_phases;
  const size_t phase_count = three_phase_ ? 3 : 2;
  const auto step = static_cast<double>(last_epoch_);
  std::vector<double> lrs;
  auto& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    const double lr_anchors[] = {base_lrs_[i], max_lrs_[i], min_lrs_[i]};
    double phase_start = 0;
    for (size_t p = 0; p < phase_count; ++p) {
      const Phase& phase = phases[p];
      if (step <= phase.end_step || p + 1 == phase_count) {
        const double fraction = (step - phase_start) / (phase.end_step - phase_start);
        lrs.push_back(anneal(lr_anchors[phase.lr_from], lr_anchors[phase.lr_to], fraction));
        if (cycle_momentum_) {
          const double momentum_anchors[] = {max_momentums_[i], base_momentums_[i]};
          set_momentum(groups[i].options(),
                       anneal(momentum_anchors[phase.momentum_from], momentum_anchors[phase.momentum_to], fraction));
        }
        break;
      }
      phase_start = phase.end_step;
    }
  }
  return lrs;
}

void OneCycleLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("total_steps", total_steps_)("pct_start", pct_start_)("anneal_strategy", anneal_strategy_);
  fields("three_phase", three_phase_)("cycle_momentum", cycle_momentum_)("max_lrs", max_lrs_)("min_lrs", min_lrs_);
  fields("max_momentums", max_momentums_)("base_momentums", base_momentums_);
}

// ---- CyclicLR ---------------------------------------------------------------------------------------

namespace {

// A fresh CyclicLR sets each group's lr to its base_lr before the base class reads the lrs (torch does too).
Optimizer& with_base_lrs(Optimizer& optimizer, const std::vector<double>& base_lr, int64_t last_epoch) {
  auto& groups = optimizer.param_groups();
  std::vector<double> lrs = per_group(base_lr, groups.size(), "CyclicLR", "base_lr");
  if (last_epoch == -1) {
    for (size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(lrs[i]);
  }
  return optimizer;
}

}  // namespace

CyclicLR::CyclicLR(Optimizer& optimizer, const CyclicLROptions& options, int64_t last_epoch,
                   std::vector<double> base_lrs)
    : LRScheduler(with_base_lrs(optimizer, options.base_lr(), last_epoch), last_epoch, std::move(base_lrs)),
      scale_fn_(options.scale_fn()),
      gamma_(options.gamma()),
      mode_(options.mode()),
      scale_mode_(options.scale_mode()),
      cycle_momentum_(options.cycle_momentum()) {
  const size_t groups = optimizer.param_groups().size();
  max_lrs_ = per_group(options.max_lr(), groups, "CyclicLR", "max_lr");
  STRIATE_CHECK(options.step_size_up() > 0, "CyclicLR: expected step_size_up > 0, got ", options.step_size_up());
  const double up = options.step_size_up();
  const double down = options.step_size_down().value_or(up);
  STRIATE_CHECK(down > 0, "CyclicLR: expected step_size_down > 0, got ", down);
  total_size_ = up + down;
  step_ratio_ = up / total_size_;
  if (!scale_fn_) {
    STRIATE_CHECK(mode_ == "triangular" || mode_ == "triangular2" || mode_ == "exp_range",
                  "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' when scale_fn is None, got '",
                  mode_, "'");
    scale_mode_ = mode_ == "exp_range" ? "iterations" : "cycle";
  } else {
    STRIATE_CHECK(scale_mode_ == "cycle" || scale_mode_ == "iterations",
                  "CyclicLR: scale_mode must be 'cycle' or 'iterations', got '", scale_mode_, "'");
  }
  if (cycle_momentum_) {
    check_momentum(optimizer, "CyclicLR");
    base_momentums_ = per_group(options.base_momentum(), groups, "CyclicLR", "base_momentum");
    max_momentums_ = per_group(options.max_momentum(), groups, "CyclicLR", "max_momentum");
    if (last_epoch == -1) {
      for (size_t i = 0; i < groups; ++i) set_momentum(optimizer.param_groups()[i].options(), max_momentums_[i]);
    }
  }
  initial_step();
  // As torch's: the first step ran from the base_lrs given (initial_lr), later ones from base_lr.
  base_lrs_ = per_group(options.base_lr(), groups, "CyclicLR", "base_lr");
}

double CyclicLR::scale(double x) const {
  if (scale_fn_) return scale_fn_(x);
  if (mode_ == "triangular") return 1.0;
  if (mode_ == "triangular2") return 1.0 / std::pow(2.0, x - 1);
  return std::pow(gamma_, x);
}

std::vector<double> CyclicLR::get_lr() {
  const auto epoch = static_cast<double>(last_epoch_);
  const double cycle = std::floor(1 + epoch / total_size_);
  const double x = 1.0 + epoch / total_size_ - cycle;
  const double scale_factor = x <= step_ratio_ ? x / step_ratio_ : (x - 1) / (step_ratio_ - 1);
  const double factor = scale(scale_mode_ == "cycle" ? cycle : epoch);
  std::vector<double> lrs;
  auto& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    lrs.push_back(base_lrs_[i] + (max_lrs_[i] - base_lrs_[i]) * scale_factor * factor);
    if (cycle_momentum_) {
      set_momentum(groups[i].options(),
                   max_momentums_[i] - (max_momentums_[i] - base_momentums_[i]) * scale_factor * factor);
    }
  }
  return lrs;
}

void CyclicLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("max_lrs", max_lrs_)("total_size", total_size_)("step_ratio", step_ratio_)("mode", mode_);
  fields("gamma", gamma_)("scale_mode", scale_mode_)("cycle_momentum", cycle_momentum_);
  fields("base_momentums", base_momentums_)("max_momentums", max_momentums_);
}
}  // namespace striate::optim
