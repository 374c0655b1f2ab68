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

template <typename Impl>
class ModuleHolder {
 public:
  using ContainedType = Impl;

  // Default-constructs the module when it has a default constructor (ReLU(), Flatten()).
  ModuleHolder() {
    if constexpr (std::is_default_constructible_v<Impl>) impl_ = std::make_shared<Impl>();
  }
  // An empty holder, to be assigned later (`Linear fc{nullptr};` as a class member).
  ModuleHolder(std::nullptr_t) {}
  ModuleHolder(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  // Forwards the arguments to Impl's constructor: Linear(4, 2), Conv2d(Conv2dOptions(1, 6, 5)).
  template <typename Head, typename... Tail,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<Head>, ModuleHolder> &&
                                        !std::is_same_v<std::decay_t<Head>, std::shared_ptr<Impl>> &&
                                        !std::is_same_v<std::decay_t<Head>, std::nullptr_t>>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Impl>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}

  Impl* operator->() const { return get(); }
  Impl& operator*() const { return *get(); }
  Impl* get() const {
    STRIATE_CHECK_STATE(impl_ != nullptr, "ModuleHolder: accessing an empty module holder (constructed with nullptr)");
    return impl_.get();
  }
  const std::shared_ptr<Impl>& ptr() const { return impl_; }
  bool is_empty() const { return impl_ == nullptr; }
  explicit operator bool() const { return impl_ != nullptr; }

  template <typename... Args>
  decltype(auto) operator()(Args&&... args) const {
    if constexpr (is_module_call<Args...>(0)) {
      return get()->call(std::forward<Args>(args)...);
    } else {
      return get()->forward(std::forward<Args>(args)...);
    }
  }
  // Indexing containers: sequential[0].
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
