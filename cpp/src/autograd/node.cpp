// Nodes, saved tensors, grad mode, inference mode and the helpers ops use to record themselves.
#include <atomic>

#include "striate/anomaly.h"
#include "striate/autograd.h"
#include "striate/ops/elementwise.h"
#include "striate/profiler.h"

namespace striate {

namespace {
thread_local bool grad_mode = true;
thread_local bool inference_mode = false;
std::atomic<uint64_t> next_sequence_nr{0};
}  // namespace

bool grad_mode_enabled() { return grad_mode; }
void set_grad_mode(bool enabled) { grad_mode = enabled; }

bool inference_mode_enabled() { return inference_mode; }
void set_inference_mode(bool enabled) { inference_mode = enabled; }
InferenceModeGuard::InferenceModeGuard(bool enabled) : previous_mode_(inference_mode), previous_grad_(grad_mode) {
  inference_mode = enabled;
  if (enabled) grad_mode = false;
}
InferenceModeGuard::~InferenceModeGuard() {
  inference_mode = previous_mode_;
  grad_mode = previous_grad_;
}

namespace autograd {

uint64_t peek_sequence_nr() { return next_sequence_nr.load(std::memory_order_relaxed); }

Node::Node()
    : sequence_nr_(next_sequence_nr.fetch_add(1, std::memory_order_relaxed)),
      profile_module_(profiler::is_enabled() ? profiler::detail::current_module_path() : nullptr) {}

int Node::add_pre_hook(uint32_t output_nr, TensorHook hook) {
  int id = next_hook_id_++;
  pre_hooks_.push_back({id, output_nr, std::move(hook)});
  return id;
}

void Node::remove_pre_hook(int id) {
  for (auto it = pre_hooks_.begin(); it != pre_hooks_.end(); ++it)
    if (it->id == id) {
      pre_hooks_.erase(it);
      return;
    }
}

std::vector<Tensor> Node::run_pre_hooks(std::vector<Tensor>&& grads) const {
  for (const auto& hook : pre_hooks_) {
    Tensor& g = grads[hook.output_nr];
    if (!g.defined()) continue;
    Tensor replaced = hook.fn(g);
    if (replaced.defined()) g = replaced;
  }
  return std::move(grads);
}

SavedTensor::SavedTensor(const Tensor& t) {
  if (!t.defined()) return;
  data_ = t.detach();
  version_ = t.storage()->version();
}

Tensor SavedTensor::unpack(const char* node_name) const {
  STRIATE_CHECK_STATE(!released_,
                      "Trying to backward through the graph a second time (or directly access saved tensors after "
                      "they have already been freed). Saved intermediate values of the graph are freed when you call "
                      ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                      "graph a second time (in ",
                      node_name, ")");
  if (data_.defined()) {
    STRIATE_CHECK_STATE(data_.storage()->version() == version_,
                        "one of the variables needed for gradient computation has been modified by an inplace "
                        "operation: ",
                        node_name, " saved a tensor of shape ", data_.sizes(), " at version ", version_,
                        ", but it is now at version ", data_.storage()->version());
  }
  return data_;
}

std::vector<Tensor> AccumulateGrad::apply(std::vector<Tensor>&& grads) {
  Tensor g = std::move(grads[0]);
  if (!g.defined()) return {};
  auto& meta = leaf_.impl()->ensure_autograd();
  for (const auto& [id, hook] : meta.hooks) {
    Tensor replaced = hook(g);
    if (replaced.defined()) g = replaced;
  }
  if (!meta.grad.defined()) {
    // Steal the buffer only when nothing else can see it (later accumulation writes in place).
    bool unique = g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1 && g.is_contiguous();
    meta.grad = unique ? g : g.clone();
  } else {
    meta.grad.add_(g);
  }
  return {};
}

bool any_requires_grad(std::initializer_list<const Tensor*> tensors) {
  if (!grad_mode) return false;
  for (const Tensor* t : tensors)
    if (t && t->defined() && t->requires_grad()) return true;
  return false;
}

Edge gradient_edge(const Tensor& t) {
  if (!t.defined()) return {};
  AutogradMeta* meta = t.impl()->autograd();
  if (!meta || !meta->requires_grad) return {};
  if (meta->grad_fn) return {meta->grad_fn, meta->output_nr};
  std::shared_ptr<Node> accumulator = meta->grad_accumulator.lock();
  if (!accumulator) {
    accumulator = std::make_shared<AccumulateGrad>(t);
    meta->grad_accumulator = accumulator;
  }
  return {accumulator, 0};
}

void record(const std::shared_ptr<Node>& node, const std::vector<const Tensor*>& inputs,
            const std::vector<Tensor*>& outputs) {
  auto& edges = node->mutable_next_edges();
  edges.clear();
  edges.reserve(inputs.size());
  for (const Tensor* t : inputs) edges.push_back(t ? gradient_edge(*t) : Edge{});
  node->set_num_outputs(static_cast<uint32_t>(outputs.size()));
  for (size_t i = 0; i < outputs.size(); ++i) {
    auto& meta = outputs[i]->impl()->ensure_autograd();
    meta.requires_grad = true;
    meta.grad_fn = node;
    meta.output_nr = static_cast<uint32_t>(i);
  }
}

}  // namespace autograd
}  // namespace striate
