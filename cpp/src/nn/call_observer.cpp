// The thread-local call observer, its installing guard and the scope that reports one call.
#include "striate/nn/call_observer.h"

namespace striate::nn {

namespace {
thread_local CallObserver* current_observer = nullptr;
}  // namespace

CallObserver* call_observer() { return current_observer; }

ObserveCalls::ObserveCalls(CallObserver& observer) : previous_(current_observer) { current_observer = &observer; }

ObserveCalls::~ObserveCalls() { current_observer = previous_; }

CallScope::CallScope(Module& module, const Tensor& input) : observer_(current_observer), module_(&module) {
  if (observer_ != nullptr) observer_->enter(module, input);
}

CallScope::~CallScope() {
  if (observer_ == nullptr) return;
  // Reached unfinished only while the forward's exception unwinds; an observer failing now
  // cannot be reported (one exception is already in flight), so its error is dropped.
  try {
    observer_->exit(*module_, Tensor());
  } catch (...) {
  }
}

const Tensor& CallScope::finish(const Tensor& output) {
  CallObserver* observer = observer_;
  observer_ = nullptr;
  if (observer != nullptr) observer->exit(*module_, output);
  return output;
}

}  // namespace striate::nn
