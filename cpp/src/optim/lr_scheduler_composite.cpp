// The schedules made of others: ChainedScheduler (steps them together) and SequentialLR (one after
// another at milestones).
#include "lr_scheduler_common.h"
#include "striate/optim/lr_scheduler.h"

namespace striate::optim {

using internal::milestones_passed;

// ---- ChainedScheduler, SequentialLR -----------------------------------------------------------------

namespace {

// Checks the schedules a composite steps: at least one, none stepping on a metric, all of one optimizer.
Optimizer& composite_optimizer(const std::vector<std::shared_ptr<LRScheduler>>& schedulers, Optimizer* optimizer,
                               const char* name) {
  STRIATE_CHECK(!schedulers.empty() && schedulers.front() != nullptr, name,
                ": expected at least one scheduler, got none");
  Optimizer& owner = optimizer != nullptr ? *optimizer : schedulers.front()->optimizer();
  for (size_t i = 0; i < schedulers.size(); ++i) {
    STRIATE_CHECK(schedulers[i] != nullptr, name, ": scheduler ", i, " is None");
    STRIATE_CHECK(dynamic_cast<const ReduceLROnPlateau*>(schedulers[i].get()) == nullptr, name,
                  ": ReduceLROnPlateau is not supported (its step needs a metric), got one at index ", i);
    STRIATE_CHECK(&schedulers[i]->optimizer() == &owner, name,
                  ": expected every scheduler to belong to the same optimizer, scheduler ", i, " does not");
  }
  return owner;
}

}  // namespace

ChainedScheduler::ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers, Optimizer* optimizer)
    : LRScheduler(composite_optimizer(schedulers, optimizer, "ChainedScheduler")), schedulers_(std::move(schedulers)) {
  // All schedules share the first one's base_lrs (torch's initial_lr), not the lrs their
  // predecessors' first steps left.
  base_lrs_ = schedulers_.front()->base_lrs_;
  for (auto& scheduler : schedulers_) scheduler->base_lrs_ = base_lrs_;
  last_epoch_ = 0;  // the schedules took their first step when they were created
}

void ChainedScheduler::step() {
  ++last_epoch_;
  ++step_count_;
  for (auto& scheduler : schedulers_) scheduler->step();
  last_lr_ = current_lrs();
}

SequentialLR::SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<int64_t> milestones, int64_t last_epoch)
    : LRScheduler(composite_optimizer(schedulers, &optimizer, "SequentialLR")),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
  STRIATE_CHECK(milestones_.size() + 1 == schedulers_.size(),
                "SequentialLR: expected one milestone fewer than schedulers, got ", schedulers_.size(),
                " schedulers and ", milestones_.size(), " milestones");
  // Creating the schedulers stepped each once: undo that and start the first afresh. Each later
  // schedule recorded the lrs its predecessors had already changed; all start from the first's
  // base_lrs (torch's initial_lr).
  base_lrs_ = schedulers_.front()->base_lrs_;
  apply(base_lrs_);
  for (auto& scheduler : schedulers_) {
    scheduler->last_epoch_ -= 1;
    scheduler->base_lrs_ = base_lrs_;
  }
  last_epoch_ = last_epoch + 1;
  auto& first = schedulers_[milestones_passed(milestones_, 0)];
  first->initial_step();
  last_lr_ = first->get_last_lr();
}

void SequentialLR::step() {
  ++last_epoch_;
  ++step_count_;
  const int64_t index = milestones_passed(milestones_, last_epoch_);
  auto& scheduler = schedulers_[index];
  if (index > 0 && milestones_[index - 1] == last_epoch_) {
    scheduler->jump_to(0);
  } else {
    scheduler->step();
  }
  last_lr_ = scheduler->get_last_lr();
}

void SequentialLR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("_milestones", milestones_);
}
}  // namespace striate::optim
