// The thread-local call observer, its installing guard and the scope that reports one call (to the
// observer, and to the profiler as the module's record under its dotted path).
#include "striate/nn/call_observer.h"

#include "striate/nn/module.h"
#include "striate/profiler.h"

namespace striate::nn {

namespace {
thread_local CallObserver* current_observer = nullptr;

// The name `module` is registered under in the module whose call encloses it on this thread; ""
// at the top or when it is not one of that caller's children (the profiled path then stays).
std::string name_in_caller(const Module& module) {
  const auto* caller = static_cast<const Module*>(profiler::detail::current_module());
  if (caller == nullptr) return "";
  for (const auto& child : caller->local_children())
    if (child.value.get() == &module) return child.key;
  return "";
}

}  // namespace

CallObserver* call_observer() { return current_observer; }

bool calls_watched() { return current_observer != nullptr || profiler::is_enabled(); }

ObserveCalls::ObserveCalls(CallObserver& observer) : previous_(current_observer) { current_observer = &observer; }

ObserveCalls::~ObserveCalls() { current_observer = previous_; }

CallScope::CallScope(Module& module, const Tensor& input) : observer_(current_observer), module_(&module) {
  if (observer_ != nullptr) observer_->enter(module, input);
  if (profiler::is_enabled())
    profiled_ = profiler::detail::enter_module(module_, name_in_caller(module), module.name());
}

CallScope::~CallScope() {
  if (profiled_) profiler::detail::exit_module();
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
