// DistributedDataParallel for C++ programs: one broadcast of the state at the start, bucketed
// gradient averaging after each backward (distributed/data_parallel.h).
#include "striate/distributed/data_parallel.h"

#include <algorithm>

#include "striate/autograd.h"
#include "striate/core/error.h"
#include "striate/ops/creation.h"

namespace striate::distributed {

DistributedDataParallel::DistributedDataParallel(std::shared_ptr<nn::Module> module, ProcessGroup& group,
                                                 size_t bucket_bytes)
    : module_(std::move(module)), group_(group), bucket_bytes_(std::max<size_t>(bucket_bytes, 1)) {
  STRIATE_CHECK(module_ != nullptr, "DistributedDataParallel: expected a module, got a null pointer");
  broadcast_state();
}

void DistributedDataParallel::broadcast_state() {
  NoGradGuard no_grad;
  for (Tensor tensor : module_->parameters()) group_.broadcast(tensor, 0);
  for (Tensor tensor : module_->buffers()) group_.broadcast(tensor, 0);
}

void DistributedDataParallel::reduce_gradients() {
  NoGradGuard no_grad;
  std::vector<Tensor> parameters = module_->parameters();
  // Reverse order: backward finishes the last layers first, so their bucket is ready first.
  std::reverse(parameters.begin(), parameters.end());
  std::vector<Tensor> bucket;
  std::vector<Tensor> owners;
  size_t bytes = 0;
  auto flush = [&] {
    if (bucket.empty()) return;
    group_.all_reduce(bucket, ReduceOp::Average);
    for (size_t i = 0; i < bucket.size(); ++i)
      if (!owners[i].grad().defined()) owners[i].set_grad(bucket[i]);
    bucket.clear();
    owners.clear();
    bytes = 0;
  };
  for (const Tensor& parameter : parameters) {
    if (!parameter.requires_grad()) continue;
    // A parameter this replica gave no gradient still takes part (with zeros): every process must
    // post the same reductions, and the others' gradients reach it averaged.
    Tensor gradient = parameter.grad().defined() ? parameter.grad() : zeros(parameter.sizes(), options_of(parameter));
    bucket.push_back(gradient);
    owners.push_back(parameter);
    bytes += static_cast<size_t>(gradient.numel()) * element_size(gradient.dtype());
    if (bytes >= bucket_bytes_) flush();
  }
  flush();
}

}  // namespace striate::distributed
