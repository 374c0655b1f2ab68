// The Tensor methods that reach the autograd graph: backward() runs the engine, hooks and
// retain_grad() attach to the tensor's grad_fn (declared in core/tensor.h, floor 1; defined here,
// on the floor whose logic they use).
#include "striate/autograd.h"
#include "striate/core/tensor.h"
#include "striate/ops/elementwise.h"

namespace striate {

void Tensor::retain_grad() const {
  STRIATE_CHECK_STATE(requires_grad(), "retain_grad: can't retain_grad on a tensor that has requires_grad=False");
  if (is_leaf()) return;
  auto& meta = impl_->ensure_autograd();
  if (meta.retains_grad) return;
  meta.retains_grad = true;
  std::weak_ptr<TensorImpl> weak = impl_;
  meta.grad_fn->add_pre_hook(meta.output_nr, [weak](const Tensor& g) {
    if (auto impl = weak.lock()) {
      auto& m = impl->ensure_autograd();
      m.grad = m.grad.defined() ? add(m.grad, g) : g.clone();
    }
    return Tensor();
  });
}

int Tensor::register_hook(TensorHook hook) const {
  STRIATE_CHECK_STATE(requires_grad(),
                      "register_hook: cannot register a hook on a tensor that doesn't require gradient");
  auto& meta = impl_->ensure_autograd();
  if (meta.grad_fn) return meta.grad_fn->add_pre_hook(meta.output_nr, std::move(hook));
  int id = meta.next_hook_id++;
  meta.hooks.emplace_back(id, std::move(hook));
  return id;
}

void Tensor::remove_hook(int handle) const {
  auto* meta = impl_->autograd();
  if (!meta) return;
  if (meta->grad_fn) {
    meta->grad_fn->remove_pre_hook(handle);
    return;
  }
  auto& hooks = meta->hooks;
  for (auto it = hooks.begin(); it != hooks.end(); ++it)
    if (it->first == handle) {
      hooks.erase(it);
      return;
    }
}

void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
  autograd::backward({*this}, {gradient}, retain_graph);
}

}  // namespace striate
