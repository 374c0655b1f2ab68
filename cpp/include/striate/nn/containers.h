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

class SequentialImpl : public Module {
 public:
  SequentialImpl() : Module("Sequential") {}
  // Any mix of holders (Linear(4, 2)) and shared_ptrs to modules. (Never a module itself, so
  // that this does not pose as a copy constructor.)
  template <typename First, typename... Rest,
            typename = std::enable_if_t<!std::is_base_of_v<Module, std::decay_t<First>>>>
  explicit SequentialImpl(First&& first, Rest&&... rest) : Module("Sequential") {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }

  // Appends under the next index as name.
  void push_back(std::shared_ptr<Module> module);
  template <typename Impl>
  void push_back(const ModuleHolder<Impl>& holder) {
    push_back(std::shared_ptr<Module>(holder.ptr()));
  }
  // Appends under a chosen name.
  void push_back(const std::string& name, std::shared_ptr<Module> module);
  template <typename Impl>
  void push_back(const std::string& name, const ModuleHolder<Impl>& holder) {
    push_back(name, std::shared_ptr<Module>(holder.ptr()));
  }

  // The children are the registry itself (as in PyTorch), so a module registered later by
  // name also joins the chain.
  size_t size() const { return local_children().size(); }
  bool is_empty() const { return local_children().empty(); }
  // Negative indices count from the end; out of range raises IndexError.
  std::shared_ptr<Module> operator[](int64_t index) const;

  // Runs the children in order, polling for Ctrl-C between layers.
  Tensor forward(const Tensor& input) override;
  // The chain of the first `count` children only (Residual runs its body's last BatchNorm fused
  // with the sum and the ReLU after it, nn/fusion.h).
  Tensor forward_prefix(const Tensor& input, size_t count);
};
STRIATE_MODULE(Sequential);

class IdentityImpl : public Module {
 public:
  IdentityImpl() : Module("Identity") {}
  Tensor forward(const Tensor& input) override { return input; }
};
STRIATE_MODULE(Identity);

}  // namespace striate::nn
