// Sequential: ordered children, forward as a chain.
#include "striate/nn/containers.h"

#include <algorithm>

#include "striate/autograd.h"
#include "striate/core/parallel.h"
#include "striate/nn/conv.h"
#include "striate/nn/fusion.h"
#include "striate/nn/linear.h"
#include "striate/nn/normalization.h"

namespace striate::nn {

void SequentialImpl::push_back(std::shared_ptr<Module> module) { push_back(std::to_string(size()), std::move(module)); }

void SequentialImpl::push_back(const std::string& name, std::shared_ptr<Module> module) {
  STRIATE_CHECK(module != nullptr, "Sequential: expected a module, got an empty one (nullptr)");
  STRIATE_CHECK(!local_children().contains(name), "Sequential: a child named \"", name, "\" already exists");
  register_module(name, std::move(module));
}

std::shared_ptr<Module> SequentialImpl::operator[](int64_t index) const {
  auto count = static_cast<int64_t>(size());
  STRIATE_CHECK_INDEX(index >= -count && index < count, "Sequential: index ", index, " is out of range for ", count,
                      " module(s)");
  return local_children().items()[index < 0 ? index + count : index].value;
}

Tensor SequentialImpl::forward(const Tensor& input) { return forward_prefix(input, size()); }

Tensor SequentialImpl::forward_prefix(const Tensor& input, size_t count) {
  Tensor x = input;
  const auto& children = local_children().items();
  const size_t n = std::min(count, children.size());
  const bool may_fuse = inference_mode_enabled();
  for (size_t i = 0; i < n; ++i) {
    Module* child = children[i].value.get();
    if (!child) continue;  // a slot set to None from Python
    check_interrupt();
    // Conv2d -> BatchNorm2d (-> ReLU) runs as one convolution at inference (nn/fusion.h).
    auto* conv = may_fuse ? dynamic_cast<Conv2dImpl*>(child) : nullptr;
    auto* bn = conv && i + 1 < n ? dynamic_cast<BatchNormImpl*>(children[i + 1].value.get()) : nullptr;
    if (bn) {
      Module* next = i + 2 < n ? children[i + 2].value.get() : nullptr;
      const bool relu = next && is_plain_relu(*next);
      if (auto fused = fused_conv_bn(*conv, *bn, relu, x)) {
        x = *fused;
        i += relu ? 2 : 1;
        continue;
      }
    }
    // Conv2d -> ReLU -> MaxPool2d(2): one pass writing the pooled maps at inference (nn/fusion.h).
    if (conv && !bn && i + 2 < n && children[i + 1].value && children[i + 2].value) {
      if (auto fused = fused_conv_relu_max_pool(*conv, *children[i + 1].value, *children[i + 2].value, x)) {
        x = *fused;
        i += 2;
        continue;
      }
    }
    // Conv2d -> ReLU: one convolution writing max(0, y) at inference (nn/fusion.h).
    if (conv && !bn && i + 1 < n && children[i + 1].value) {
      if (auto fused = fused_conv_relu(*conv, *children[i + 1].value, x)) {
        x = *fused;
        ++i;
        continue;
      }
    }
    // Linear -> ReLU: the ReLU in place on the linear output at inference (nn/fusion.h).
    if (auto* linear = may_fuse ? dynamic_cast<LinearImpl*>(child) : nullptr;
        linear && i + 1 < n && children[i + 1].value) {
      if (auto fused = fused_linear_relu(*linear, *children[i + 1].value, x)) {
        x = *fused;
        ++i;
        continue;
      }
    }
    // BatchNorm -> ReLU runs as one op (nn/fusion.h).
    if (auto* norm = dynamic_cast<BatchNormImpl*>(child); norm && i + 1 < n && children[i + 1].value) {
      if (auto fused = fused_bn_relu(*norm, children[i + 1].value.get(), x)) {
        x = *fused;
        ++i;
        continue;
      }
    }
    x = child->call(x);
  }
  return x;
}

}  // namespace striate::nn
