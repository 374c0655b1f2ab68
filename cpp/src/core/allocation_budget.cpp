// The per-thread allocation budget of core/allocation_budget.h.
#include "core/allocation_budget.h"

#include <utility>

namespace striate::allocation_budget {

namespace {
thread_local Scope* current = nullptr;
}  // namespace

Scope::Scope(size_t limit_bytes, std::string described)
    : limit_(limit_bytes), described_(std::move(described)), outer_(current) {
  current = this;
}

Scope::~Scope() { current = outer_; }

void charge(size_t nbytes) {
  Scope* scope = current;
  if (scope == nullptr) return;
  if (nbytes > scope->limit_ - scope->charged_) {
    throw Exceeded(detail::str("a tensor of ", nbytes, " bytes does not fit in the ", scope->limit_ - scope->charged_,
                               " bytes left of a budget of ", scope->limit_, " bytes (", scope->described_, ")"));
  }
  scope->charged_ += nbytes;
}

}  // namespace striate::allocation_budget
