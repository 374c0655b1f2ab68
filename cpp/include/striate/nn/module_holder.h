// ModuleHolder<Impl>: the thin shared_ptr handle that user code passes around, as libtorch's
// `torch::nn::Linear` wraps `LinearImpl`. STRIATE_MODULE(Name) declares the holder `Name` for
// `NameImpl`; `->` reaches the module, `()` calls it (a single tensor through Module::call, so
// call observers hear it; other arguments go to the module's own forward).
//   striate::nn::Linear fc(4, 2);      // make_shared<LinearImpl>(4, 2)
//   auto y = fc(x);                    // fc->call(x), i.e. fc->forward(x) observed
#pragma once
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include "striate/core/error.h"

namespace striate::nn {

/// The shared_ptr handle of a module, as libtorch's `torch::nn::Linear` wraps `LinearImpl`.
///
/// Copies share the module. `->` and `*` reach the module, `()` calls it: a single tensor goes
/// through Module::call (so call observers and hooks hear it), other arguments to the module's own
/// forward. Accessing an empty holder throws RuntimeError rather than crashing.
/// @code{.cpp}
/// striate::nn::Linear fc(4, 2);   // make_shared<LinearImpl>(4, 2)
/// auto y = fc(x);                 // fc->call(x)
/// @endcode
/// @tparam Impl the module class held (a subclass of Module).
template <typename Impl>
class ModuleHolder {
 public:
  /// The module class held.
  using ContainedType = Impl;

  /// Default-constructs the module when it has a default constructor (ReLU(), Flatten()).
  ModuleHolder() {
    if constexpr (std::is_default_constructible_v<Impl>) impl_ = std::make_shared<Impl>();
  }
  /// An empty holder, to be assigned later (`Linear fc{nullptr};` as a class member).
  ModuleHolder(std::nullptr_t) {}
  /// Holds an existing module.
  /// @param impl the module to share.
  ModuleHolder(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  /// Forwards the arguments to Impl's constructor: Linear(4, 2), Conv2d(Conv2dOptions(1, 6, 5)).
  /// @tparam Head the first constructor argument's type.
  /// @tparam Tail the other constructor arguments' types.
  /// @param head the first argument of Impl's constructor.
  /// @param tail the other arguments of Impl's constructor.
  template <typename Head, typename... Tail,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<Head>, ModuleHolder> &&
                                        !std::is_same_v<std::decay_t<Head>, std::shared_ptr<Impl>> &&
                                        !std::is_same_v<std::decay_t<Head>, std::nullptr_t>>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Impl>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}

  /// The module.
  /// @return a pointer to the held module.
  /// @throws RuntimeError when the holder is empty.
  Impl* operator->() const { return get(); }
  /// The module.
  /// @return a reference to the held module.
  /// @throws RuntimeError when the holder is empty.
  Impl& operator*() const { return *get(); }
  /// The module.
  /// @return a pointer to the held module, never null.
  /// @throws RuntimeError when the holder is empty.
  Impl* get() const {
    STRIATE_CHECK_STATE(impl_ != nullptr, "ModuleHolder: accessing an empty module holder (constructed with nullptr)");
    return impl_.get();
  }
  /// The shared pointer to the module (null when empty).
  /// @return the shared pointer.
  const std::shared_ptr<Impl>& ptr() const { return impl_; }
  /// Whether the holder holds no module.
  /// @return true for a holder constructed with nullptr and not assigned since.
  bool is_empty() const { return impl_ == nullptr; }
  /// Whether the holder holds a module.
  /// @return !is_empty().
  explicit operator bool() const { return impl_ != nullptr; }

  /// Calls the module: one tensor through Module::call (observers and hooks run), anything else
  /// through the module's own forward.
  /// @tparam Args the argument types.
  /// @param args the forward arguments.
  /// @return what the module's forward returns.
  /// @throws RuntimeError when the holder is empty.
  template <typename... Args>
  decltype(auto) operator()(Args&&... args) const {
    if constexpr (is_module_call<Args...>(0)) {
      return get()->call(std::forward<Args>(args)...);
    } else {
      return get()->forward(std::forward<Args>(args)...);
    }
  }
  /// Indexing containers: sequential[0].
  /// @tparam Arg the index type (an integer or a name, per container).
  /// @param arg the index.
  /// @return the container's element.
  /// @throws RuntimeError when the holder is empty.
  template <typename Arg>
  decltype(auto) operator[](Arg&& arg) const {
    return (*get())[std::forward<Arg>(arg)];
  }

 private:
  // Whether `impl.call(args...)` is well-formed: one argument that binds to Module::call's tensor.
  template <typename... Args>
  static constexpr auto is_module_call(int) -> decltype(std::declval<Impl&>().call(std::declval<Args>()...), true) {
    return true;
  }
  template <typename... Args>
  static constexpr bool is_module_call(...) {
    return false;
  }

  std::shared_ptr<Impl> impl_;
};

}  // namespace striate::nn

// Declares `class Name : public ModuleHolder<NameImpl>` with all of its constructors.
#define STRIATE_MODULE(Name)                                     \
  class Name : public ::striate::nn::ModuleHolder<Name##Impl> {  \
   public:                                                       \
    using ::striate::nn::ModuleHolder<Name##Impl>::ModuleHolder; \
    Name() = default;                                            \
  }
