// Sequential: ordered children, forward as a chain.
#include "striate/nn/containers.h"

#include "striate/core/parallel.h"

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

Tensor SequentialImpl::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& child : local_children()) {
    if (!child.value) continue;  // a slot set to None from Python
    check_interrupt();
    x = child.value->call(x);
  }
  return x;
}

}  // namespace striate::nn
