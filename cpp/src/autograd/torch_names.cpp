// The names PyTorch gives backward nodes (grad_fn.name(), "ConvolutionBackward0"), in one table,
// and the nodes that present torch's view of the graph: composite ops recorded as one node, and
// the links of a chain that a fused node stands for.
#include <unordered_map>

#include "striate/autograd.h"
#include "striate/core/error.h"

namespace striate {
namespace autograd {
namespace {

// Our node name -> torch's, where torch's is not simply ours + "0".
const std::unordered_map<std::string, std::string>& renamed() {
  static const std::unordered_map<std::string, std::string> table{
      {"Conv2dBackward", "ConvolutionBackward0"},
      {"Conv3dBackward", "ConvolutionBackward0"},
      {"ConvTranspose2dBackward", "ConvolutionBackward0"},
      {"MaxPool2dBackward", "MaxPool2DWithIndicesBackward0"},
      {"MaxPool3dBackward", "MaxPool3DWithIndicesBackward0"},
      {"AvgPool2dBackward", "AvgPool2DBackward0"},
      {"AvgPool3dBackward", "AvgPool3DBackward0"},
      {"AdaptiveAvgPool2dBackward", "AdaptiveAvgPool2DBackward0"},
      {"AdaptiveMaxPool2dBackward", "AdaptiveMaxPool2DBackward0"},
      {"FractionalMaxPool2dBackward", "FractionalMaxPool2DBackward0"},
      {"MaxUnpool2dBackward", "MaxUnpool2DBackward0"},
      {"BatchNormBackward", "NativeBatchNormBackward0"},
      {"LayerNormBackward", "NativeLayerNormBackward0"},
      {"GroupNormBackward", "NativeGroupNormBackward0"},
      {"ReshapeBackward", "ViewBackward0"},
      {"ClampBackward", "ClampBackward1"},
      {"SeluBackward", "EluBackward0"},
      {"CopyBackward", "torch::autograd::CopyBackwards"},
      {"FillBackward", "FillBackward2"},
      {"DenseConcatBackward", "CatBackward0"},
      {"MatmulBackward", "MmBackward0"},
  };
  return table;
}

// Shows a link of a chain; running it is a bug (it is never on an engine's path).
class PresentedNode : public Node {
 public:
  PresentedNode(std::string name, std::vector<Edge> edges) : name_(std::move(name)) {
    mutable_next_edges() = std::move(edges);
  }
  std::vector<Tensor> apply(std::vector<Tensor>&&) override {
    STRIATE_NOT_IMPLEMENTED(name_, ": a node shown for grad_fn.next_functions cannot run");
  }
  std::string name() const override { return name_; }
  std::string torch_name() const override { return name_; }

 private:
  std::string name_;
};

// One node for an op composed of others: the inner graph (from detached aliases of the inputs
// to `inner_output`) is kept until release, and backward runs autograd::grad through it.
class CompositeNode : public Node {
 public:
  CompositeNode(const char* name, const char* torch_name, const char* shown_link)
      : name_(name), torch_name_(torch_name), shown_link_(shown_link) {}
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    STRIATE_CHECK_STATE(inner_output_.defined(), name_,
                        ": trying to backward through the graph a second time (or directly access saved tensors "
                        "after they have already been freed); specify retain_graph=True on the first backward");
    if (grads.empty() || !grads[0].defined()) return std::vector<Tensor>(inner_inputs_.size());
    std::vector<Tensor> wanted;
    for (const Tensor& leaf : inner_inputs_)
      if (leaf.defined() && leaf.requires_grad()) wanted.push_back(leaf);
    std::vector<Tensor> found = grad({inner_output_}, {grads[0]}, wanted, /*retain_graph=*/true, /*allow_unused=*/true);
    std::vector<Tensor> out(inner_inputs_.size());
    size_t next = 0;
    for (size_t i = 0; i < inner_inputs_.size(); ++i)
      if (inner_inputs_[i].defined() && inner_inputs_[i].requires_grad()) out[i] = found[next++];
    return out;
  }
  std::string name() const override { return name_; }
  std::string torch_name() const override { return torch_name_; }
  std::vector<Edge> torch_next_edges() const override {
    if (!shown_link_ || next_edges().empty()) return next_edges();
    return {Edge{presented_node(shown_link_, {next_edges()[0]}), 0}};
  }
  void release_saved() override {
    inner_output_ = Tensor();
    inner_inputs_.clear();
  }

  std::vector<Tensor> inner_inputs_;
  Tensor inner_output_;

 private:
  const char* name_;
  const char* torch_name_;
  const char* shown_link_;
};

}  // namespace

std::string Node::torch_name() const {
  std::string own = name();
  auto it = renamed().find(own);
  return it != renamed().end() ? it->second : own + "0";
}

std::shared_ptr<Node> presented_node(std::string torch_name, std::vector<Edge> edges) {
  return std::make_shared<PresentedNode>(std::move(torch_name), std::move(edges));
}

Tensor record_composite(const char* name, const char* torch_name, const std::vector<Tensor>& inputs,
                        const std::function<Tensor(const std::vector<Tensor>&)>& body, const char* shown_link) {
  bool any = false;
  for (const Tensor& t : inputs) any = any || (t.defined() && any_requires_grad({&t}));
  if (!any) return body(inputs);
  auto node = std::make_shared<CompositeNode>(name, torch_name, shown_link);
  for (const Tensor& t : inputs) {
    Tensor alias;
    if (t.defined()) {
      alias = t.detach();
      if (t.requires_grad()) alias.requires_grad_(true);
    }
    node->inner_inputs_.push_back(alias);
  }
  Tensor inner = body(node->inner_inputs_);
  node->inner_output_ = inner;
  Tensor result = inner.detach();
  std::vector<const Tensor*> edges;
  for (const Tensor& t : inputs) edges.push_back(&t);
  record(node, edges, std::vector<Tensor*>{&result});
  return result;
}

}  // namespace autograd
}  // namespace striate
