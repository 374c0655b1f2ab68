// Define-by-run autograd. Every differentiable op records a Node holding what its backward
// needs; Tensor::backward() walks the graph in reverse topological order. Where one tensor
// feeds several consumers (a residual fan-out) the incoming gradients are summed before the
// producer runs; cat's node splits its gradient by ranges.
//   auto y = striate::relu(x);            // records ReluBackward when x.requires_grad()
//   y.sum().backward();                   // x.grad() now holds dL/dx
//   { striate::NoGradGuard g; ... }       // records nothing
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "striate/core/tensor.h"

namespace striate {

// ---- grad mode ---------------------------------------------------------------
bool grad_mode_enabled();
void set_grad_mode(bool enabled);
class NoGradGuard {
 public:
  NoGradGuard() : previous_(grad_mode_enabled()) { set_grad_mode(false); }
  ~NoGradGuard() { set_grad_mode(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};
// ---- inference mode ---------------------------------------------------------
// No graph is recorded (grad mode is off inside), and modules in eval() may run fused kernels:
// a Conv2d followed by BatchNorm (and ReLU) runs as one convolution with the normalization folded
// into its weights (nn/fusion.h). Python: `with striate.inference_mode():`.
bool inference_mode_enabled();
// Sets only the inference flag (the guard also turns grad mode off); bindings use it.
void set_inference_mode(bool enabled);
class InferenceModeGuard {
 public:
  explicit InferenceModeGuard(bool enabled = true);
  ~InferenceModeGuard();
  InferenceModeGuard(const InferenceModeGuard&) = delete;
  InferenceModeGuard& operator=(const InferenceModeGuard&) = delete;

 private:
  bool previous_mode_, previous_grad_;
};

class EnableGradGuard {
 public:
  explicit EnableGradGuard(bool enabled = true) : previous_(grad_mode_enabled()) { set_grad_mode(enabled); }
  ~EnableGradGuard() { set_grad_mode(previous_); }
  EnableGradGuard(const EnableGradGuard&) = delete;
  EnableGradGuard& operator=(const EnableGradGuard&) = delete;

 private:
  bool previous_;
};

namespace autograd {

class Node;
struct Edge {
  std::shared_ptr<Node> node;  // null: the input needs no gradient
  uint32_t input_nr = 0;       // which of node's gradient inputs this edge feeds
  bool valid() const { return node != nullptr; }
};

// A tensor kept for backward: a history-free alias plus the storage version at save time,
// so a later in-place write is reported instead of silently producing a wrong gradient.
class SavedTensor {
 public:
  SavedTensor() = default;
  explicit SavedTensor(const Tensor& t);
  Tensor unpack(const char* node_name) const;
  void reset() {
    data_ = Tensor();
    released_ = true;
  }
  bool defined() const { return data_.defined(); }

 private:
  Tensor data_;
  uint32_t version_ = 0;
  bool released_ = false;
};

// One backward function. apply() receives one gradient per forward output (undefined where
// none arrived) and returns one gradient per forward input (undefined where not needed).
class Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  virtual ~Node() = default;
  virtual std::vector<Tensor> apply(std::vector<Tensor>&& grad_outputs) = 0;
  virtual std::string name() const = 0;
  // How PyTorch shows this node: grad_fn.name() and the Python type name ("MulBackward0").
  // The default maps name() through the one table in torch_names.cpp; a node whose torch name
  // depends on its arguments (sum over all dims or some) overrides.
  virtual std::string torch_name() const;
  // The edges PyTorch shows as grad_fn.next_functions. A fused node presents torch's chain of
  // nodes (cross_entropy: NllLossBackward0 -> LogSoftmaxBackward0) through presented_node().
  virtual std::vector<Edge> torch_next_edges() const { return next_edges_; }
  // Drops saved tensors after a backward without retain_graph.
  virtual void release_saved() {}

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  std::vector<Edge>& mutable_next_edges() { return next_edges_; }
  uint64_t sequence_nr() const { return sequence_nr_; }
  uint32_t num_outputs() const { return num_outputs_; }
  void set_num_outputs(uint32_t n) { num_outputs_ = n; }
  bool should_compute_input_grad(size_t i) const { return i < next_edges_.size() && next_edges_[i].valid(); }
  // The module path of the call that created this node when a profile was running (its backward
  // record carries it); null otherwise.
  const char* profile_module() const { return profile_module_; }

  // Hooks on the gradient of forward output `output_nr` (tensor.register_hook on non-leaves).
  int add_pre_hook(uint32_t output_nr, TensorHook hook);
  void remove_pre_hook(int id);
  std::vector<Tensor> run_pre_hooks(std::vector<Tensor>&& grads) const;

  // Set when the saved tensors were freed; a second backward then raises.
  bool released() const { return released_; }
  void mark_released() {
    released_ = true;
    release_saved();
  }

 private:
  std::vector<Edge> next_edges_;
  uint64_t sequence_nr_;
  const char* profile_module_;
  uint32_t num_outputs_ = 1;
  struct PreHook {
    int id;
    uint32_t output_nr;
    TensorHook fn;
  };
  std::vector<PreHook> pre_hooks_;
  int next_hook_id_ = 0;
  bool released_ = false;
};

// Accumulates the gradient of a leaf into leaf.grad().
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(Tensor leaf) : leaf_(std::move(leaf)) {}
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;
  std::string name() const override { return "AccumulateGrad"; }
  std::string torch_name() const override { return "torch::autograd::AccumulateGrad"; }
  const Tensor& leaf() const { return leaf_; }

 private:
  Tensor leaf_;
};

// ---- recording helpers used by ops -------------------------------------------
// True when grad mode is on and any of the tensors requires grad.
bool any_requires_grad(std::initializer_list<const Tensor*> tensors);
inline bool needs_grad(const Tensor& a) { return any_requires_grad({&a}); }
inline bool needs_grad(const Tensor& a, const Tensor& b) { return any_requires_grad({&a, &b}); }
inline bool needs_grad(const Tensor& a, const Tensor& b, const Tensor& c) { return any_requires_grad({&a, &b, &c}); }
// Where the gradient of `t` must go: its grad_fn, its leaf accumulator, or nowhere.
Edge gradient_edge(const Tensor& t);
// Connects node's inputs (edges to the producers of `inputs`) and makes `outputs` its results.
void record(const std::shared_ptr<Node>& node, const std::vector<const Tensor*>& inputs,
            const std::vector<Tensor*>& outputs);
inline void record(const std::shared_ptr<Node>& node, std::initializer_list<const Tensor*> inputs, Tensor& output) {
  record(node, std::vector<const Tensor*>(inputs), std::vector<Tensor*>{&output});
}

// A node that only shows a link of torch's chain (never run): torch_name and torch_next_edges.
std::shared_ptr<Node> presented_node(std::string torch_name, std::vector<Edge> edges);

// Records ONE node named `name` (torch: `torch_name`) for an op composed of other ops, as
// PyTorch's losses show one node: `body` runs on detached aliases of `inputs`, and the node's
// backward backpropagates through that inner graph, which it owns. Without grad, body runs
// directly. `shown_link`, when set, is the node torch shows between this one and the first
// input (cross_entropy: NllLossBackward0 -> LogSoftmaxBackward0 -> input).
Tensor record_composite(const char* name, const char* torch_name, const std::vector<Tensor>& inputs,
                        const std::function<Tensor(const std::vector<Tensor>&)>& body,
                        const char* shown_link = nullptr);

// ---- running backward ------------------------------------------------------------
// Backpropagates from `roots` (seeded with `grad_roots`, ones for scalars when undefined) and
// accumulates into the .grad of every leaf reached.
void backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots, bool retain_graph);
// Returns d(sum roots*grad_roots)/d(inputs) without touching any .grad. allow_unused=false
// raises when an input is not reached.
std::vector<Tensor> grad(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots,
                         const std::vector<Tensor>& inputs, bool retain_graph, bool allow_unused);

}  // namespace autograd
}  // namespace striate
