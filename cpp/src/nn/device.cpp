// nn::to (striate/nn/device.h): a module tree's parameters, gradients and buffers to a device.
#include "striate/nn/device.h"

#include <unordered_set>
#include <vector>

#include "striate/autograd.h"
#include "striate/core/cuda.h"

namespace striate::nn {

void to(Module& module, Device device, bool non_blocking) {
  NoGradGuard no_grad;
  std::vector<Tensor> tensors = module.parameters();
  for (const auto& b : module.buffers()) tensors.push_back(b);
  // Copy everything first, then swap: an unavailable device leaves the module as it was.
  std::unordered_set<const TensorImpl*> seen;  // shared tensors move once
  std::vector<std::pair<Tensor, Tensor>> data, grads;
  for (const auto& t : tensors) {
    if (!t.defined() || !seen.insert(t.impl()).second) continue;
    if (t.device() != device) data.emplace_back(t, to_device(t.detach(), device, non_blocking));
    const Tensor& grad = t.grad();
    if (grad.defined() && grad.device() != device)
      grads.emplace_back(t, to_device(grad.detach(), device, non_blocking));
  }
  for (auto& [t, moved] : data) t.set_data(moved);
  for (auto& [t, moved] : grads) t.set_grad(moved);
}

}  // namespace striate::nn
