// The backward engine: collect the graph reachable from the roots, count each node's consumers,
// then run nodes once all their gradients have arrived (summing at fan-out), newest first.
#include <algorithm>
#include <optional>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "striate/anomaly.h"
#include "striate/autograd.h"
#include "striate/core/parallel.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/profiler.h"

namespace striate::autograd {
namespace {

thread_local NodeCheck node_check;  // anomaly detection's check; empty when off

struct NodeState {
  int dependencies = 0;             // consumers whose gradient has not arrived yet
  std::vector<Tensor> input_grads;  // one per forward output of the node, summed
  bool needed = true;
};

Tensor accumulate(const Tensor& existing, const Tensor& incoming) {
  if (!existing.defined()) return incoming;
  return add(existing, incoming);
}

Tensor seed_gradient(const Tensor& root, const Tensor& given) {
  if (given.defined()) {
    STRIATE_CHECK_SHAPE(given.sizes() == root.sizes(), "backward: gradient has shape ", given.sizes(),
                        " but the output has shape ", root.sizes());
    return given;
  }
  STRIATE_CHECK_STATE(root.numel() == 1, "backward: grad can be implicitly created only for scalar outputs, got shape ",
                      root.sizes());
  return ones_like(root);
}

// One backward pass, in three steps: discover the graph reachable from the roots and count each
// node's consumers; prune (autograd.grad) to the nodes from which a captured slot is reachable;
// execute nodes newest first once all their gradients have arrived.
class GraphTask {
 public:
  // When `captures` is non-empty (autograd.grad), gradients arriving at those (node, input slot)
  // pairs are recorded into `captured` instead of accumulated into leaves.
  GraphTask(bool retain_graph, std::vector<std::pair<Node*, uint32_t>>* captures, std::vector<Tensor>* captured)
      : retain_graph_(retain_graph), captures_(captures), captured_(captured) {}

  void run(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots) {
    STRIATE_CHECK(grad_roots.empty() || grad_roots.size() == roots.size(), "backward: got ", roots.size(),
                  " outputs but ", grad_roots.size(), " gradients");
    NoGradGuard no_grad;
    seed(roots, grad_roots);
    discover();
    if (captures_) prune();
    execute();
  }

 private:
  void seed(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots) {
    for (size_t i = 0; i < roots.size(); ++i) {
      const Tensor& r = roots[i];
      STRIATE_CHECK_STATE(r.requires_grad(), "element ", i,
                          " of tensors does not require grad and does not have a grad_fn");
      root_edges_.emplace_back(gradient_edge(r), seed_gradient(r, grad_roots.empty() ? Tensor() : grad_roots[i]));
    }
  }

  // Every node reachable from the roots, with the number of consumers it waits for.
  void discover() {
    std::vector<Node*> stack;
    for (auto& [edge, g] : root_edges_) {
      if (state_.emplace(edge.node.get(), NodeState{}).second) {
        stack.push_back(edge.node.get());
        order_.push_back(edge.node);
      }
    }
    while (!stack.empty()) {
      Node* node = stack.back();
      stack.pop_back();
      for (const Edge& e : node->next_edges()) {
        if (!e.valid()) continue;
        auto [it, inserted] = state_.emplace(e.node.get(), NodeState{});
        it->second.dependencies++;
        if (inserted) {
          stack.push_back(e.node.get());
          order_.push_back(e.node);
        }
      }
    }
  }

  // autograd.grad: a node runs only when a captured slot is reachable from it (iterated to a
  // fixed point); leaves never accumulate.
  void prune() {
    for (size_t i = 0; i < captures_->size(); ++i) capture_slots_[(*captures_)[i].first].push_back(i);
    for (auto& [node, st] : state_) st.needed = false;
    for (auto& [node, slots] : capture_slots_)
      if (state_.count(node)) state_[node].needed = true;
    for (bool changed = true; changed;) {
      changed = false;
      for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
        NodeState& st = state_[it->get()];
        if (st.needed) continue;
        for (const Edge& e : (*it)->next_edges())
          if (e.valid() && state_[e.node.get()].needed) {
            st.needed = true;
            changed = true;
            break;
          }
      }
    }
  }

  void deliver(const Edge& e, const Tensor& g) {
    NodeState& st = state_[e.node.get()];
    if (st.input_grads.size() < e.node->num_outputs()) st.input_grads.resize(e.node->num_outputs());
    if (g.defined()) st.input_grads[e.input_nr] = accumulate(st.input_grads[e.input_nr], g);
  }

  // Ready nodes run newest (highest sequence number) first: the reverse of creation order.
  void execute() {
    for (auto& [edge, g] : root_edges_) deliver(edge, g);
    auto newer = [](Node* a, Node* b) { return a->sequence_nr() < b->sequence_nr(); };
    std::priority_queue<Node*, std::vector<Node*>, decltype(newer)> ready(newer);
    for (auto& [edge, g] : root_edges_)
      if (state_[edge.node.get()].dependencies == 0) ready.push(edge.node.get());
    std::unordered_set<Node*> queued;
    while (!ready.empty()) {
      Node* node = ready.top();
      ready.pop();
      if (!queued.insert(node).second) continue;
      check_interrupt();
      std::vector<Tensor> outputs = run_node(node);
      const auto& edges = node->next_edges();
      for (size_t i = 0; i < edges.size(); ++i) {
        const Edge& e = edges[i];
        if (!e.valid()) continue;
        if (i < outputs.size() && outputs[i].defined()) deliver(e, outputs[i]);
        if (--state_[e.node.get()].dependencies == 0) ready.push(e.node.get());
      }
    }
  }

  // Runs one node on its summed gradients; returns the gradients for its next edges.
  std::vector<Tensor> run_node(Node* node) {
    NodeState& st = state_[node];
    st.input_grads.resize(node->num_outputs());
    std::vector<Tensor> grads = node->run_pre_hooks(std::move(st.input_grads));
    if (captures_) {
      auto it = capture_slots_.find(node);
      if (it != capture_slots_.end())
        for (size_t slot : it->second) {
          const Tensor& g = grads[(*captures_)[slot].second];
          (*captured_)[slot] = accumulate((*captured_)[slot], g);
        }
    }
    const bool is_leaf_accumulator = dynamic_cast<AccumulateGrad*>(node) != nullptr;
    if (!st.needed || (captures_ && is_leaf_accumulator)) return {};
    STRIATE_CHECK_STATE(!node->released(),
                        "Trying to backward through the graph a second time (or directly access saved tensors "
                        "after they have already been freed). Saved intermediate values of the graph are freed "
                        "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                        "backward through the graph a second time (in ",
                        node->name(), ")");
    std::vector<Tensor> outputs;
    if (std::any_of(grads.begin(), grads.end(), [](const Tensor& g) { return g.defined(); })) {
      // Profiled, the node is one record (its kernels nest inside) under its creator's module path.
      std::optional<profiler::detail::RecordScope> record;
      if (profiler::is_enabled())
        record.emplace(profiler::detail::intern(node->name()), profiler::EventKind::Backward, node->profile_module());
      if (node_check) {
        std::vector<Tensor> received = grads;  // apply() consumes its gradients
        outputs = node->apply(std::move(grads));
        node_check(*node, received, outputs);
      } else {
        outputs = node->apply(std::move(grads));
      }
    }
    // AccumulateGrad saves nothing and is shared by every graph that uses the leaf.
    if (!retain_graph_ && !is_leaf_accumulator) node->mark_released();
    return outputs;
  }

  bool retain_graph_;
  std::vector<std::pair<Node*, uint32_t>>* captures_;
  std::vector<Tensor>* captured_;
  std::vector<std::pair<Edge, Tensor>> root_edges_;
  std::unordered_map<Node*, NodeState> state_;
  std::vector<std::shared_ptr<Node>> order_;  // keeps nodes alive while running
  std::unordered_map<Node*, std::vector<size_t>> capture_slots_;
};

}  // namespace

NodeCheck set_node_check(NodeCheck check) {
  std::swap(node_check, check);
  return check;
}

void backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots, bool retain_graph) {
  GraphTask(retain_graph, nullptr, nullptr).run(roots, grad_roots);
}

std::vector<Tensor> grad(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots,
                         const std::vector<Tensor>& inputs, bool retain_graph, bool allow_unused) {
  std::vector<std::pair<Node*, uint32_t>> captures;
  std::vector<std::shared_ptr<Node>> keep;
  for (size_t i = 0; i < inputs.size(); ++i) {
    STRIATE_CHECK_STATE(inputs[i].requires_grad(), "autograd.grad: input ", i, " does not require grad");
    Edge e = gradient_edge(inputs[i]);
    keep.push_back(e.node);
    captures.emplace_back(e.node.get(), e.input_nr);
  }
  std::vector<Tensor> captured(inputs.size());
  GraphTask(retain_graph, &captures, &captured).run(roots, grad_roots);
  for (size_t i = 0; i < inputs.size(); ++i) {
    STRIATE_CHECK_STATE(captured[i].defined() || allow_unused,
                        "autograd.grad: one of the differentiated tensors (input ", i,
                        ") appears to not have been used in the graph. Set allow_unused=True if this is the desired "
                        "behavior.");
  }
  return captured;
}

}  // namespace striate::autograd
