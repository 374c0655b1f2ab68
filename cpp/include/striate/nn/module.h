// nn::Module, the base of every layer and model, as in libtorch's C++ frontend: ordered registries
// of parameters, buffers and child modules, recursive walks over them with dotted names,
// train/eval, zero_grad and the state dict; call() runs a forward where a CallObserver hears it,
// and mult_adds() reports a module's own cost. Python's striate.nn.Module is this class, bound.
//   class NetImpl : public striate::nn::Module {
//    public:
//     NetImpl() : Module("Net") { fc = register_module("fc", striate::nn::Linear(4, 2)); }
//     striate::Tensor forward(const striate::Tensor& x) override { return fc(x); }
//     striate::nn::Linear fc{nullptr};
//   };
//   STRIATE_MODULE(Net);
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "striate/core/tensor.h"
#include "striate/nn/call_observer.h"
#include "striate/nn/module_holder.h"
#include "striate/nn/ordered_dict.h"

namespace striate::nn {

// What load_state_dict() found but did not use, or expected but did not find.
struct LoadStateDictResult {
  std::vector<std::string> missing_keys;
  std::vector<std::string> unexpected_keys;
};

class Module : public std::enable_shared_from_this<Module> {
 public:
  // `type_name` is what repr() and error messages call this module ("Linear", "Net").
  explicit Module(std::string type_name = "Module") : type_name_(std::move(type_name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // ---- the computation ----
  // One tensor in, one out; modules with other signatures define their own forward.
  virtual Tensor forward(const Tensor& input);
  // forward(input) as a call of this module, which this thread's CallObserver hears
  // (call_observer.h). Composite forwards run their children this way, as ModuleHolder's () does.
  Tensor call(const Tensor& input);
  // This module's own multiply-adds (its children's excluded) for one forward from a tensor of
  // shape `input` to one of shape `output`, batch included; std::nullopt when unknown. The default
  // is 0 for a module without parameters of its own (activations, pooling, reshapes, the merges of
  // containers) and unknown for one with them: layers with parameters override it.
  virtual std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const;
  virtual std::string name() const { return type_name_; }

  // ---- hooks (PyTorch's register_forward_pre_hook / register_forward_hook) ----
  // call() runs each pre-hook, in registration order, before forward; one that returns a tensor
  // replaces the input. Each forward hook runs after forward and may replace the output. A module
  // with hooks is never fused away at inference (nn/fusion.h), so its hooks always run.
  using ForwardPreHook = std::function<std::optional<Tensor>(Module&, const Tensor& input)>;
  using ForwardHook = std::function<std::optional<Tensor>(Module&, const Tensor& input, const Tensor& output)>;
  // Each returns a handle for remove_hook(); `prepend` puts the hook before the others.
  int register_forward_pre_hook(ForwardPreHook hook, bool prepend = false);
  int register_forward_hook(ForwardHook hook, bool prepend = false);
  // Whether a hook with that handle was registered (and is now removed).
  bool remove_hook(int handle);
  bool has_hooks() const { return hooks_ != nullptr && !hooks_->empty(); }
  // The text between the parentheses of this module's repr, e.g. "in_features=4, out_features=2".
  virtual std::string extra_repr() const { return ""; }

  // ---- registration ----
  // Stores `tensor` (detached if it has history, so a parameter is always a leaf), marks it as a
  // parameter and sets requires_grad. An undefined tensor registers an empty slot (bias=false).
  // Registering an existing name replaces the entry and keeps its position.
  Tensor& register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
  // Buffers are state that is not trained (running statistics); non-persistent ones stay out of
  // the state dict.
  Tensor& register_buffer(const std::string& name, Tensor tensor, bool persistent = true);
  template <typename ModuleType>
  std::shared_ptr<ModuleType> register_module(const std::string& name, std::shared_ptr<ModuleType> module) {
    register_module_impl(name, module);
    return module;
  }
  template <typename Impl>
  std::shared_ptr<Impl> register_module(const std::string& name, ModuleHolder<Impl> holder) {
    return register_module(name, holder.ptr());
  }
  // Remove one entry; each returns whether `name` was registered there.
  bool unregister_parameter(const std::string& name);
  bool unregister_buffer(const std::string& name);
  bool unregister_module(const std::string& name);

  // ---- this module's own entries (no recursion) ----
  const OrderedDict<Tensor>& local_parameters() const { return parameters_; }
  const OrderedDict<Tensor>& local_buffers() const { return buffers_; }
  const OrderedDict<std::shared_ptr<Module>>& local_children() const { return children_; }
  bool is_persistent_buffer(const std::string& name) const { return non_persistent_.count(name) == 0; }

  // ---- recursive walks (each tensor and module reported once, in registration order) ----
  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<Tensor> named_parameters(const std::string& prefix = "", bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<Tensor> named_buffers(const std::string& prefix = "", bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::shared_ptr<Module>> named_children() const;
  // Include this module itself, which requires it to be owned by a shared_ptr (holders are).
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);
  OrderedDict<std::shared_ptr<Module>> named_modules(const std::string& prefix = "", bool include_self = true);
  // Calls fn on every child (depth first) and then on this module.
  void apply(const std::function<void(Module&)>& fn);

  // ---- modes and gradients ----
  virtual void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return is_training_; }
  // Sets this module's flag only (Python's `module.training = False`).
  void set_training_flag(bool on) { is_training_ = on; }
  // set_to_none drops the .grad tensors; otherwise they are zeroed in place.
  void zero_grad(bool set_to_none = true);
  int64_t num_parameters() const;
  // Transfer learning: requires_grad(false), and no .grad, on every parameter of the children up to
  // and including the child named `until` (dotted names reach into nested children: "layer3",
  // "features.10"); no name freezes every parameter. An unknown name raises ValueError listing the
  // children and freezes nothing. BatchNorm layers in the frozen part still update their running
  // statistics in training mode (as in PyTorch): call eval() on them to keep those fixed.
  void freeze(const std::optional<std::string>& until = std::nullopt);
  // requires_grad(true) on every parameter.
  void unfreeze();

  // ---- state ----
  // Parameters then persistent buffers of each module, depth first, under dotted names; the
  // tensors are detached aliases of the live ones.
  OrderedDict<Tensor> state_dict() const;
  // Copies each value into the matching tensor in place, under no_grad. Shape mismatches always
  // raise; with strict, missing and unexpected keys raise too (ValueError listing them).
  LoadStateDictResult load_state_dict(const OrderedDict<Tensor>& state, bool strict = true);

  // ---- printing ----
  // PyTorch's layout: Name(extra_repr) for a leaf, children indented one per line.
  std::string repr() const;
  virtual void pretty_print(std::ostream& out) const { out << repr(); }

 private:
  void register_module_impl(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name, const char* what) const;
  void collect_named_modules(const std::string& prefix, OrderedDict<std::shared_ptr<Module>>& out,
                             std::set<const Module*>& seen);

  struct Hooks {
    std::vector<std::pair<int, ForwardPreHook>> pre;
    std::vector<std::pair<int, ForwardHook>> post;
    int next_handle = 1;
    bool empty() const { return pre.empty() && post.empty(); }
  };
  Tensor call_with_hooks(const Tensor& input);

  std::string type_name_;
  std::unique_ptr<Hooks> hooks_;  // allocated by the first hook: a module without any pays one test
  OrderedDict<Tensor> parameters_;
  OrderedDict<Tensor> buffers_;
  std::set<std::string> non_persistent_;
  OrderedDict<std::shared_ptr<Module>> children_;
  bool is_training_ = true;
};

std::ostream& operator<<(std::ostream& out, const Module& module);

template <typename Impl>
std::ostream& operator<<(std::ostream& out, const ModuleHolder<Impl>& holder) {
  return out << *holder;
}

}  // namespace striate::nn
