// Watching module calls. A CallObserver installed on this thread (ObserveCalls, RAII) hears the
// entry and exit of every module call made through Module::call: ModuleHolder's `()`, composite
// forwards calling their children, and Python's `module(x)`. Tools that describe a model
// (striate.summary, viz.graph) so see the real order and nesting of its forward, in whatever
// language each forward is written. With no observer a call costs one thread-local pointer test.
//   struct Printer : striate::nn::CallObserver {
//     void enter(striate::nn::Module& m, const striate::Tensor&) override { std::cout << m.name() << "\n"; }
//     void exit(striate::nn::Module&, const striate::Tensor&) override {}
//   } printer;
//   { striate::nn::ObserveCalls watch(printer); model(x); }   // prints every module called
#pragma once
#include "striate/core/tensor.h"

namespace striate::nn {

/// The base of every layer (nn/module.h).
class Module;

/// Hears module calls on the thread it is installed on.
class CallObserver {
 public:
  /// Destroys the observer.
  virtual ~CallObserver() = default;
  /// `input` is the call's tensor argument (undefined when its first argument is not a tensor).
  /// A module call begins.
  /// @param module the module called.
  /// @param input the call's tensor argument.
  virtual void enter(Module& module, const Tensor& input) = 0;
  /// `output` is what the forward returned (the first tensor of several); undefined when the
  /// forward threw, so an observer keeping a stack of open calls stays balanced.
  /// A module call ends.
  /// @param module the module called.
  /// @param output the call's result.
  virtual void exit(Module& module, const Tensor& output) = 0;
};

/// This thread's observer, or nullptr when none is installed.
/// @return the observer.
CallObserver* call_observer();
/// Whether module calls must go through a CallScope now: an observer is installed on this thread or
/// a profile is recording. Module::call and Python's module(x) test it before anything else.
/// @return the flag.
bool calls_watched();

/// Installs `observer` on this thread for the guard's lifetime; the one it replaced (if any)
/// comes back when the guard ends, also when an exception ends it.
/// Not copyable.
class ObserveCalls {
 public:
  /// @param observer the observer (must outlive the guard).
  explicit ObserveCalls(CallObserver& observer);
  /// Reinstalls the previous observer.
  ~ObserveCalls();
  /// Not copyable.
  ObserveCalls(const ObserveCalls&) = delete;
  /// Not copy-assignable.
  ObserveCalls& operator=(const ObserveCalls&) = delete;

 private:
  CallObserver* previous_;
};

/// One call of `module` as observers hear it: enter at construction, exit at finish(), or with an
/// undefined output if the scope ends unfinished (the forward threw). Module::call uses it; so do
/// code paths that run a module without its forward (Python's module(*args), a FractalBlock
/// running a sub-block's columns), so that observers see them as that module's call. While a
/// profile runs (striate/profiler.h) the scope is also the module's record, whose dotted path the
/// records inside it carry.
class CallScope {
 public:
  /// Reports the entry.
  /// @param module the module called.
  /// @param input the call's tensor argument.
  CallScope(Module& module, const Tensor& input);
  /// Reports the exit with an undefined output when finish() was not called.
  ~CallScope();
  /// Not copyable.
  CallScope(const CallScope&) = delete;
  /// Not copy-assignable.
  CallScope& operator=(const CallScope&) = delete;
  /// Reports the exit and returns `output`.
  /// @param output the call's result.
  /// @return output.
  const Tensor& finish(const Tensor& output);

 private:
  CallObserver* observer_;  // the one that heard the entry (null: nobody is listening)
  Module* module_;
  bool profiled_ = false;  // a profiler record was opened for this call
};

}  // namespace striate::nn
