// The backward engine: collect the graph reachable from the roots, count each node's consumers,
// then run nodes once all their gradients have arrived (summing at fan-out), newest first.
#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "striate/autograd.h"
#include "striate/core/parallel.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::autograd {
namespace {

struct NodeState {
  int dependencies = 0;           // consumers whose gradient has not arrived yet
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

// Runs the graph. When `captures` is non-empty (autograd.grad), gradients arriving at those
// (node, input slot) pairs are recorded instead of accumulated into leaves.
void run_backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots, bool retain_graph,
                  std::vector<std::pair<Node*, uint32_t>>* captures, std::vector<Tensor>* captured) {
  STRIATE_CHECK(grad_roots.empty() || grad_roots.size() == roots.size(), "backward: got ", roots.size(),
                " outputs but ", grad_roots.size(), " gradients");
  NoGradGuard no_grad;
  std::unordered_map<Node*, NodeState> state;
  std::vector<std::shared_ptr<Node>> order;  // keeps nodes alive while running

  // Root edges.
  std::vector<std::pair<Edge, Tensor>> root_edges;
  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor& r = roots[i];
    STRIATE_CHECK_STATE(r.requires_grad(),
                        "element ", i, " of tensors does not require grad and does not have a grad_fn");
    Tensor g = seed_gradient(r, grad_roots.empty() ? Tensor() : grad_roots[i]);
    root_edges.emplace_back(gradient_edge(r), g);
  }

  // Discover the graph and count dependencies.
  std::vector<Node*> stack;
  for (auto& [edge, g] : root_edges) {
    if (state.emplace(edge.node.get(), NodeState{}).second) {
      stack.push_back(edge.node.get());
      order.push_back(edge.node);
    }
  }
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    for (const Edge& e : node->next_edges()) {
      if (!e.valid()) continue;
      auto [it, inserted] = state.emplace(e.node.get(), NodeState{});
      it->second.dependencies++;
      if (inserted) {
        stack.push_back(e.node.get());
        order.push_back(e.node);
      }
    }
  }

  // In grad() mode, run only nodes from which a captured slot is reachable, and no leaves.
  std::unordered_map<Node*, std::vector<size_t>> capture_slots;
  if (captures) {
    for (size_t i = 0; i < captures->size(); ++i) capture_slots[(*captures)[i].first].push_back(i);
    for (auto& [node, st] : state) st.needed = false;
    // A node is needed when a captured slot is reachable from it (iterated to a fixed point).
    for (auto& [node, slots] : capture_slots)
      if (state.count(node)) state[node].needed = true;
    for (bool changed = true; changed;) {
      changed = false;
      for (auto it = order.rbegin(); it != order.rend(); ++it) {
        NodeState& st = state[it->get()];
        if (st.needed) continue;
        for (const Edge& e : (*it)->next_edges())
          if (e.valid() && state[e.node.get()].needed) {
            st.needed = true;
            changed = true;
            break;
          }
      }
    }
  }

  auto deliver = [&](const Edge& e, const Tensor& g) {
    NodeState& st = state[e.node.get()];
    if (st.input_grads.size() < e.node->num_outputs()) st.input_grads.resize(e.node->num_outputs());
    if (g.defined()) st.input_grads[e.input_nr] = accumulate(st.input_grads[e.input_nr], g);
  };
  for (auto& [edge, g] : root_edges) deliver(edge, g);

  // Ready nodes, newest (highest sequence number) first: the reverse of creation order.
  auto newer = [](Node* a, Node* b) { return a->sequence_nr() < b->sequence_nr(); };
  std::priority_queue<Node*, std::vector<Node*>, decltype(newer)> ready(newer);
  for (auto& [edge, g] : root_edges) {
    Node* n = edge.node.get();
    if (state[n].dependencies == 0) ready.push(n);
  }
  std::unordered_set<Node*> queued;
  while (!ready.empty()) {
    Node* node = ready.top();
    ready.pop();
    if (!queued.insert(node).second) continue;
    check_interrupt();
    NodeState& st = state[node];
    st.input_grads.resize(node->num_outputs());
    std::vector<Tensor> grads = node->run_pre_hooks(std::move(st.input_grads));

    if (captures) {
      auto it = capture_slots.find(node);
      if (it != capture_slots.end())
        for (size_t slot : it->second) {
          const Tensor& g = grads[(*captures)[slot].second];
          (*captured)[slot] = accumulate((*captured)[slot], g);
        }
    }

    std::vector<Tensor> outputs;
    bool is_leaf_accumulator = dynamic_cast<AccumulateGrad*>(node) != nullptr;
    bool run = st.needed && !(captures && is_leaf_accumulator);
    if (run) {
      STRIATE_CHECK_STATE(!node->released(),
                          "Trying to backward through the graph a second time (or directly access saved tensors "
                          "after they have already been freed). Saved intermediate values of the graph are freed "
                          "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                          "backward through the graph a second time (in ", node->name(), ")");
      bool any = std::any_of(grads.begin(), grads.end(), [](const Tensor& g) { return g.defined(); });
      if (any) outputs = node->apply(std::move(grads));
      // AccumulateGrad saves nothing and is shared by every graph that uses the leaf.
      if (!retain_graph && !is_leaf_accumulator) node->mark_released();
    }

    const auto& edges = node->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      if (!e.valid()) continue;
      if (i < outputs.size() && outputs[i].defined()) deliver(e, outputs[i]);
      NodeState& child = state[e.node.get()];
      if (--child.dependencies == 0) ready.push(e.node.get());
    }
  }
}

}  // namespace

void backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots, bool retain_graph) {
  run_backward(roots, grad_roots, retain_graph, nullptr, nullptr);
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
  run_backward(roots, grad_roots, retain_graph, &captures, &captured);
  for (size_t i = 0; i < inputs.size(); ++i) {
    STRIATE_CHECK_STATE(captured[i].defined() || allow_unused,
                        "autograd.grad: one of the differentiated tensors (input ", i,
                        ") appears to not have been used in the graph. Set allow_unused=True if this is the desired "
                        "behavior.");
  }
  return captured;
}

}  // namespace striate::autograd
