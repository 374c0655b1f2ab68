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
/// Whether ops record autograd history on this thread (grad mode is per thread, on by default).
/// @return the flag.
bool grad_mode_enabled();
/// Turns grad mode on or off on this thread (prefer the guards).
/// @param enabled the new flag.
void set_grad_mode(bool enabled);
/// Turns grad mode off on this thread while alive (RAII; torch.no_grad).
class NoGradGuard {
 public:
  /// Saves the current grad mode and turns it off.
  NoGradGuard() : previous_(grad_mode_enabled()) { set_grad_mode(false); }
  /// Restores the saved grad mode.
  ~NoGradGuard() { set_grad_mode(previous_); }
  /// Not copyable.
  NoGradGuard(const NoGradGuard&) = delete;
  /// Not copy-assignable.
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};
// ---- inference mode ---------------------------------------------------------
/// No graph is recorded (grad mode is off inside), and modules in eval() may run fused kernels:
/// a Conv2d followed by BatchNorm (and ReLU) runs as one convolution with the normalization folded
/// into its weights (nn/fusion.h). Python: `with striate.inference_mode():`.
/// Whether inference mode is on on this thread.
/// @return the flag.
bool inference_mode_enabled();
/// Sets only the inference flag (the guard also turns grad mode off); bindings use it.
/// @param enabled the new flag.
void set_inference_mode(bool enabled);
/// Inference mode on this thread while alive (RAII; torch.inference_mode): grad mode off and
/// fused inference kernels allowed.
class InferenceModeGuard {
 public:
  /// @param enabled turn inference mode on (default true) or off.
  explicit InferenceModeGuard(bool enabled = true);
  /// Restores the saved inference and grad modes.
  ~InferenceModeGuard();
  /// Not copyable.
  InferenceModeGuard(const InferenceModeGuard&) = delete;
  /// Not copy-assignable.
  InferenceModeGuard& operator=(const InferenceModeGuard&) = delete;

 private:
  bool previous_mode_, previous_grad_;
};

/// Sets grad mode on this thread while alive (RAII; torch.enable_grad / set_grad_enabled).
class EnableGradGuard {
 public:
  /// @param enabled the grad mode inside the scope (default true).
  explicit EnableGradGuard(bool enabled = true) : previous_(grad_mode_enabled()) { set_grad_mode(enabled); }
  /// Restores the saved grad mode.
  ~EnableGradGuard() { set_grad_mode(previous_); }
  /// Not copyable.
  EnableGradGuard(const EnableGradGuard&) = delete;
  /// Not copy-assignable.
  EnableGradGuard& operator=(const EnableGradGuard&) = delete;

 private:
  bool previous_;
};

namespace autograd {

class Node;
/// A link of the autograd graph: which gradient input of which node a gradient feeds.
struct Edge {
  /// The node fed; null when the input needs no gradient.
  std::shared_ptr<Node> node;  // null: the input needs no gradient
  /// Which of the node's gradient inputs this edge feeds.
  uint32_t input_nr = 0;  // which of node's gradient inputs this edge feeds
  /// @return whether the edge leads to a node.
  bool valid() const { return node != nullptr; }
};

/// A tensor kept for backward: a history-free alias plus the storage version at save time,
/// so a later in-place write is reported instead of silently producing a wrong gradient.
class SavedTensor {
 public:
  /// An empty slot.
  SavedTensor() = default;
  /// Saves t (a history-free alias) and its storage version.
  /// @param t the tensor to save.
  explicit SavedTensor(const Tensor& t);
  /// The saved tensor.
  /// @param node_name the node's name, for the error message.
  /// @return the tensor.
  /// @throws RuntimeError when it was modified in place since saving, or was released.
  Tensor unpack(const char* node_name) const;
  /// Releases the tensor (after a backward without retain_graph).
  void reset() {
    data_ = Tensor();
    released_ = true;
  }
  /// @return whether a tensor is held.
  bool defined() const { return data_.defined(); }

 private:
  Tensor data_;
  uint32_t version_ = 0;
  bool released_ = false;
};

/// One backward function. apply() receives one gradient per forward output (undefined where
/// none arrived) and returns one gradient per forward input (undefined where not needed).
/// Nodes are created by ops and owned by the tensors' grad_fn; backward runs them on one thread.
class Node : public std::enable_shared_from_this<Node> {
 public:
  /// Takes the next sequence number (and the module path when profiling).
  Node();
  /// Destroys the node.
  virtual ~Node() = default;
  /// Computes the gradients of the forward inputs.
  /// @param grad_outputs one gradient per forward output (undefined where none arrived).
  /// @return one gradient per forward input (undefined where not needed).
  virtual std::vector<Tensor> apply(std::vector<Tensor>&& grad_outputs) = 0;
  /// The node's name ("ReluBackward").
  /// @return the name.
  virtual std::string name() const = 0;
  /// How PyTorch shows this node: grad_fn.name() and the Python type name ("MulBackward0").
  /// The default maps name() through the one table in torch_names.cpp; a node whose torch name
  /// depends on its arguments (sum over all dims or some) overrides.
  /// @return the torch name.
  virtual std::string torch_name() const;
  /// The edges PyTorch shows as grad_fn.next_functions. A fused node presents torch's chain of
  /// nodes (cross_entropy: NllLossBackward0 -> LogSoftmaxBackward0) through presented_node().
  /// @return the edges.
  virtual std::vector<Edge> torch_next_edges() const { return next_edges_; }
  /// Drops saved tensors after a backward without retain_graph.
  virtual void release_saved() {}

  /// The edges to the producers of the forward inputs, one per input.
  /// @return the edges.
  const std::vector<Edge>& next_edges() const { return next_edges_; }
  /// The edges, mutable (for record()).
  /// @return the edges.
  std::vector<Edge>& mutable_next_edges() { return next_edges_; }
  /// The creation order (later nodes run first on ties).
  /// @return the number.
  uint64_t sequence_nr() const { return sequence_nr_; }
  /// The number of forward outputs.
  /// @return the count.
  uint32_t num_outputs() const { return num_outputs_; }
  /// Sets the number of forward outputs.
  /// @param n the count.
  void set_num_outputs(uint32_t n) { num_outputs_ = n; }
  /// Whether forward input i needs a gradient.
  /// @param i the input's position.
  /// @return true when its edge is valid.
  bool should_compute_input_grad(size_t i) const { return i < next_edges_.size() && next_edges_[i].valid(); }
  /// The module path of the call that created this node when a profile was running (its backward
  /// record carries it); null otherwise.
  /// @return the module path, or nullptr.
  const char* profile_module() const { return profile_module_; }

  /// Hooks on the gradient of forward output `output_nr` (tensor.register_hook on non-leaves).
  /// @param output_nr the forward output.
  /// @param hook the hook.
  /// @return a handle for remove_pre_hook().
  int add_pre_hook(uint32_t output_nr, TensorHook hook);
  /// Removes a hook (an unknown handle is ignored).
  /// @param id a handle from add_pre_hook().
  void remove_pre_hook(int id);
  /// Runs the hooks on the incoming gradients.
  /// @param grads one gradient per forward output.
  /// @return the gradients, as replaced by the hooks.
  std::vector<Tensor> run_pre_hooks(std::vector<Tensor>&& grads) const;

  /// Set when the saved tensors were freed; a second backward then raises.
  /// @return true after the saved tensors were freed.
  bool released() const { return released_; }
  /// Frees the saved tensors and marks the node released.
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

/// Accumulates the gradient of a leaf into leaf.grad().
class AccumulateGrad : public Node {
 public:
  /// @param leaf the leaf tensor.
  explicit AccumulateGrad(Tensor leaf) : leaf_(std::move(leaf)) {}
  /// Adds the incoming gradient to leaf.grad() (creating it when absent).
  /// @param grads the leaf's gradient.
  /// @return no gradients.
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;
  /// @return "AccumulateGrad".
  std::string name() const override { return "AccumulateGrad"; }
  /// @return torch's name of the node.
  std::string torch_name() const override { return "torch::autograd::AccumulateGrad"; }
  /// The leaf.
  /// @return the leaf tensor.
  const Tensor& leaf() const { return leaf_; }

 private:
  Tensor leaf_;
};

// ---- recording helpers used by ops -------------------------------------------
/// True when grad mode is on and any of the tensors requires grad.
/// @param tensors the tensors.
/// @return the flag.
bool any_requires_grad(std::initializer_list<const Tensor*> tensors);
/// Whether an op on a must record history.
/// @param a the input.
/// @return any_requires_grad({&a}).
inline bool needs_grad(const Tensor& a) { return any_requires_grad({&a}); }
/// Whether an op on a and b must record history.
/// @param a the first input.
/// @param b the second input.
/// @return any_requires_grad({&a, &b}).
inline bool needs_grad(const Tensor& a, const Tensor& b) { return any_requires_grad({&a, &b}); }
/// Whether an op on a, b and c must record history.
/// @param a the first input.
/// @param b the second input.
/// @param c the third input.
/// @return any_requires_grad({&a, &b, &c}).
inline bool needs_grad(const Tensor& a, const Tensor& b, const Tensor& c) { return any_requires_grad({&a, &b, &c}); }
/// Where the gradient of `t` must go: its grad_fn, its leaf accumulator, or nowhere.
/// @param t the tensor.
/// @return the edge (invalid when t needs no gradient).
Edge gradient_edge(const Tensor& t);
/// Connects node's inputs (edges to the producers of `inputs`) and makes `outputs` its results.
/// @param node the new node.
/// @param inputs the forward inputs.
/// @param outputs the forward outputs (their grad_fn becomes node).
void record(const std::shared_ptr<Node>& node, const std::vector<const Tensor*>& inputs,
            const std::vector<Tensor*>& outputs);
/// record() for one output.
/// @param node the new node.
/// @param inputs the forward inputs.
/// @param output the forward output.
inline void record(const std::shared_ptr<Node>& node, std::initializer_list<const Tensor*> inputs, Tensor& output) {
  record(node, std::vector<const Tensor*>(inputs), std::vector<Tensor*>{&output});
}

/// A node that only shows a link of torch's chain (never run): torch_name and torch_next_edges.
/// @param torch_name the name shown.
/// @param edges the next edges shown.
/// @return the node.
std::shared_ptr<Node> presented_node(std::string torch_name, std::vector<Edge> edges);

/// Records ONE node named `name` (torch: `torch_name`) for an op composed of other ops, as
/// PyTorch's losses show one node: `body` runs on detached aliases of `inputs`, and the node's
/// backward backpropagates through that inner graph, which it owns. Without grad, body runs
/// directly. `shown_link`, when set, is the node torch shows between this one and the first
/// input (cross_entropy: NllLossBackward0 -> LogSoftmaxBackward0 -> input).
/// @param name the node's name.
/// @param torch_name the node's torch name.
/// @param inputs the op's inputs.
/// @param body the op's computation.
/// @param shown_link the torch name of the node shown in between, or nullptr (default).
/// @return the op's output.
Tensor record_composite(const char* name, const char* torch_name, const std::vector<Tensor>& inputs,
                        const std::function<Tensor(const std::vector<Tensor>&)>& body,
                        const char* shown_link = nullptr);

// ---- running backward ------------------------------------------------------------
/// Backpropagates from `roots` (seeded with `grad_roots`, ones for scalars when undefined) and
/// accumulates into the .grad of every leaf reached.
/// @param roots the tensors to differentiate.
/// @param grad_roots one gradient per root (undefined: ones, for one-element roots).
/// @param retain_graph keep the saved tensors for another backward.
/// @throws RuntimeError when a root does not require grad or the graph was already freed.
/// @throws ValueError when a gradient is missing for a root with several elements or has the wrong shape.
void backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots, bool retain_graph);
/// Returns d(sum roots*grad_roots)/d(inputs) without touching any .grad. allow_unused=false
/// raises when an input is not reached.
/// @param roots the tensors to differentiate.
/// @param grad_roots one gradient per root (undefined: ones).
/// @param inputs the tensors to differentiate with respect to.
/// @param retain_graph keep the saved tensors for another backward.
/// @param allow_unused return undefined gradients for unreached inputs instead of raising.
/// @return one gradient per input.
/// @throws RuntimeError when an input is unreached and allow_unused is false, or the graph was freed.
std::vector<Tensor> grad(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots,
                         const std::vector<Tensor>& inputs, bool retain_graph, bool allow_unused);

}  // namespace autograd
}  // namespace striate
