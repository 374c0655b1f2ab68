// Containers: Sequential runs its children in order, each child's output feeding the next
// (children are named "0", "1", ... unless given names); Identity passes its input through.
//   striate::nn::Sequential model{striate::nn::Conv2d(1, 4, 3), striate::nn::ReLU(), striate::nn::MaxPool2d(2),
//                                 striate::nn::Flatten(), striate::nn::Linear(36, 3)};
//   auto logits = model->forward(x);
#pragma once
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "striate/nn/module.h"

namespace striate::nn {

/// Runs its children in order, each output feeding the next. Input: the first child's;
/// output: the last child's.
class SequentialImpl : public Module {
 public:
  /// An empty Sequential (its forward returns the input).
  SequentialImpl() : Module("Sequential") {}
  /// Any mix of holders (Linear(4, 2)) and shared_ptrs to modules. (Never a module itself, so
  /// that this does not pose as a copy constructor.)
  /// @tparam First the first child's type.
  /// @tparam Rest the other children's types.
  /// @param first the first child.
  /// @param rest the other children.
  template <typename First, typename... Rest,
            typename = std::enable_if_t<!std::is_base_of_v<Module, std::decay_t<First>>>>
  explicit SequentialImpl(First&& first, Rest&&... rest) : Module("Sequential") {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }

  /// Appends under the next index as name.
  /// @param module the module (not null).
  /// @throws ValueError when module is null.
  void push_back(std::shared_ptr<Module> module);
  /// Appends a holder's module under the next index as name.
  /// @tparam Impl the module's class.
  /// @param holder the holder (not empty).
  template <typename Impl>
  void push_back(const ModuleHolder<Impl>& holder) {
    push_back(std::shared_ptr<Module>(holder.ptr()));
  }
  /// Appends under a chosen name.
  /// @param name the child's name (unique, no dots).
  /// @param module the module (not null).
  /// @throws ValueError for a bad or taken name or a null module.
  void push_back(const std::string& name, std::shared_ptr<Module> module);
  /// Appends a holder's module under a chosen name.
  /// @tparam Impl the module's class.
  /// @param name the child's name (unique, no dots).
  /// @param holder the holder (not empty).
  template <typename Impl>
  void push_back(const std::string& name, const ModuleHolder<Impl>& holder) {
    push_back(name, std::shared_ptr<Module>(holder.ptr()));
  }

  /// The number of children. The children are the registry itself (as in PyTorch), so a module
  /// registered later by name also joins the chain.
  /// @return the count.
  size_t size() const { return local_children().size(); }
  /// Whether there are no children.
  /// @return true for an empty Sequential.
  bool is_empty() const { return local_children().empty(); }
  /// Negative indices count from the end; out of range raises IndexError.
  /// @param index the child's position.
  /// @return the child.
  /// @throws IndexError when out of range.
  std::shared_ptr<Module> operator[](int64_t index) const;

  /// Runs the children in order, polling for Ctrl-C between layers.
  /// @param input the first child's input.
  /// @return the last child's output.
  /// @throws Interrupted when Ctrl-C was pressed.
  Tensor forward(const Tensor& input) override;
  /// The chain of the first `count` children only (Residual runs its body's last BatchNorm fused
  /// with the sum and the ReLU after it, nn/fusion.h).
  /// @param input the first child's input.
  /// @param count how many children to run, from the first.
  /// @return the output of child count - 1 (input itself when count is 0).
  /// @throws Interrupted when Ctrl-C was pressed.
  Tensor forward_prefix(const Tensor& input, size_t count);
};
/// The holder of SequentialImpl.
STRIATE_MODULE(Sequential);

/// Returns its input unchanged (the same tensor).
class IdentityImpl : public Module {
 public:
  /// An identity layer.
  IdentityImpl() : Module("Identity") {}
  /// @param input any tensor.
  /// @return input.
  Tensor forward(const Tensor& input) override { return input; }
};
/// The holder of IdentityImpl.
STRIATE_MODULE(Identity);

}  // namespace striate::nn
