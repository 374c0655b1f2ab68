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

/// What load_state_dict() found but did not use, or expected but did not find.
struct LoadStateDictResult {
  /// Keys the module expected but the state dict lacked (dotted names).
  std::vector<std::string> missing_keys;
  /// Keys of the state dict that match no parameter or persistent buffer.
  std::vector<std::string> unexpected_keys;
};

/// The base of every layer and model, as in libtorch's C++ frontend.
///
/// A Module owns ordered registries of parameters, buffers and child modules; the recursive walks
/// (parameters(), named_modules(), state_dict(), ...) visit them depth first in registration order
/// and report each tensor or module once. Python's `striate.nn.Module` is this class, bound.
/// A module is not thread-safe: do not run forward on one instance from two threads while either
/// modifies it (registration, train/eval, load_state_dict).
///
/// @code{.cpp}
/// class NetImpl : public striate::nn::Module {
///  public:
///   NetImpl() : Module("Net") { fc = register_module("fc", striate::nn::Linear(4, 2)); }
///   striate::Tensor forward(const striate::Tensor& x) override { return fc(x); }
///   striate::nn::Linear fc{nullptr};
/// };
/// STRIATE_MODULE(Net);
/// @endcode
class Module : public std::enable_shared_from_this<Module> {
 public:
  /// `type_name` is what repr() and error messages call this module ("Linear", "Net").
  /// @param type_name the module's type name (default "Module").
  explicit Module(std::string type_name = "Module") : type_name_(std::move(type_name)) {}
  /// Destroys the module and releases its registries.
  virtual ~Module() = default;
  /// Not copyable: modules are shared through ModuleHolder / std::shared_ptr.
  Module(const Module&) = delete;
  /// Not copy-assignable.
  Module& operator=(const Module&) = delete;

  // ---- the computation ----
  /// One tensor in, one out; modules with other signatures define their own forward.
  /// @param input the input tensor; its shape is given by each layer.
  /// @return the output tensor.
  /// @throws NotImplementedError when the module does not define a one-tensor forward.
  virtual Tensor forward(const Tensor& input);
  /// forward(input) as a call of this module, which this thread's CallObserver hears
  /// (call_observer.h). Composite forwards run their children this way, as ModuleHolder's () does.
  /// @param input the input tensor.
  /// @return forward(input), after the pre-hooks and before the forward hooks have run.
  Tensor call(const Tensor& input);
  /// This module's own multiply-adds (its children's excluded) for one forward from a tensor of
  /// shape `input` to one of shape `output`, batch included; std::nullopt when unknown. The default
  /// is 0 for a module without parameters of its own (activations, pooling, reshapes, the merges of
  /// containers) and unknown for one with them: layers with parameters override it.
  /// @param input the shape of the input tensor, batch included.
  /// @param output the shape of the output tensor, batch included.
  /// @return the multiply-add count, or std::nullopt when unknown.
  virtual std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const;
  /// The module's type name, as given to the constructor ("Linear", "Net").
  /// @return the type name.
  virtual std::string name() const { return type_name_; }

  // ---- hooks (PyTorch's register_forward_pre_hook / register_forward_hook) ----
  /// call() runs each pre-hook, in registration order, before forward; one that returns a tensor
  /// replaces the input. Each forward hook runs after forward and may replace the output. A module
  /// with hooks is never fused away at inference (nn/fusion.h), so its hooks always run.
  /// A hook run before forward: receives the module and its input; a returned tensor replaces the
  /// input.
  using ForwardPreHook = std::function<std::optional<Tensor>(Module&, const Tensor& input)>;
  /// A hook run after forward: receives the module, its input and its output; a returned tensor
  /// replaces the output.
  using ForwardHook = std::function<std::optional<Tensor>(Module&, const Tensor& input, const Tensor& output)>;
  /// Each returns a handle for remove_hook(); `prepend` puts the hook before the others.
  /// @param hook the hook to run before each forward.
  /// @param prepend run it before the hooks already registered (default false).
  /// @return a handle for remove_hook().
  int register_forward_pre_hook(ForwardPreHook hook, bool prepend = false);
  /// Registers a hook run after each forward (PyTorch's register_forward_hook).
  /// @param hook the hook to run after each forward.
  /// @param prepend run it before the hooks already registered (default false).
  /// @return a handle for remove_hook().
  int register_forward_hook(ForwardHook hook, bool prepend = false);
  /// Whether a hook with that handle was registered (and is now removed).
  /// @param handle a handle returned by register_forward_pre_hook() or register_forward_hook().
  /// @return whether the hook existed.
  bool remove_hook(int handle);
  /// Whether any forward or pre-forward hook is registered on this module (not its children).
  /// @return true when at least one hook is registered.
  bool has_hooks() const { return hooks_ != nullptr && !hooks_->empty(); }
  /// The text between the parentheses of this module's repr, e.g. "in_features=4, out_features=2".
  /// @return the text, empty by default.
  virtual std::string extra_repr() const { return ""; }

  // ---- registration ----
  /// Stores `tensor` (detached if it has history, so a parameter is always a leaf), marks it as a
  /// parameter and sets requires_grad. An undefined tensor registers an empty slot (bias=false).
  /// Registering an existing name replaces the entry and keeps its position.
  /// @param name the parameter's name, unique among this module's entries (no dots).
  /// @param tensor the value; undefined for an empty slot.
  /// @param requires_grad whether the parameter is trained (default true).
  /// @return a reference to the stored tensor.
  /// @throws ValueError when the name is empty, contains a dot or is taken by a buffer or child.
  Tensor& register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
  /// Buffers are state that is not trained (running statistics); non-persistent ones stay out of
  /// the state dict.
  /// @param name the buffer's name, unique among this module's entries (no dots).
  /// @param tensor the value.
  /// @param persistent whether the buffer is part of state_dict() (default true).
  /// @return a reference to the stored tensor.
  /// @throws ValueError when the name is empty, contains a dot or is taken by a parameter or child.
  Tensor& register_buffer(const std::string& name, Tensor tensor, bool persistent = true);
  /// Registers a child module under `name`; it appears in named_modules() as "name" and its
  /// parameters as "name.param".
  /// @tparam ModuleType the child's class.
  /// @param name the child's name, unique among this module's entries (no dots).
  /// @param module the child.
  /// @return `module`, for assignment to a member.
  /// @throws ValueError when the name is empty, contains a dot or is taken.
  template <typename ModuleType>
  std::shared_ptr<ModuleType> register_module(const std::string& name, std::shared_ptr<ModuleType> module) {
    register_module_impl(name, module);
    return module;
  }
  /// Registers the module held by `holder` under `name` (see the overload taking a shared_ptr).
  /// @tparam Impl the child's implementation class.
  /// @param name the child's name.
  /// @param holder the holder of the child.
  /// @return the child's shared pointer.
  /// @throws ValueError when the name is empty, contains a dot or is taken.
  template <typename Impl>
  std::shared_ptr<Impl> register_module(const std::string& name, ModuleHolder<Impl> holder) {
    return register_module(name, holder.ptr());
  }
  /// Remove one entry; each returns whether `name` was registered there.
  /// @param name the entry's name.
  /// @return whether `name` was registered as a parameter.
  bool unregister_parameter(const std::string& name);
  /// Removes a buffer.
  /// @param name the entry's name.
  /// @return whether `name` was registered as a buffer.
  bool unregister_buffer(const std::string& name);
  /// Removes a child module.
  /// @param name the entry's name.
  /// @return whether `name` was registered as a child.
  bool unregister_module(const std::string& name);

  // ---- this module's own entries (no recursion) ----
  /// This module's own parameters (no recursion), in registration order.
  /// @return the registry.
  const OrderedDict<Tensor>& local_parameters() const { return parameters_; }
  /// This module's own buffers (no recursion), in registration order.
  /// @return the registry.
  const OrderedDict<Tensor>& local_buffers() const { return buffers_; }
  /// This module's direct children, in registration order.
  /// @return the registry.
  const OrderedDict<std::shared_ptr<Module>>& local_children() const { return children_; }
  /// Whether buffer `name` goes into the state dict.
  /// @param name a buffer name of this module.
  /// @return false only for a buffer registered with persistent=false.
  bool is_persistent_buffer(const std::string& name) const { return non_persistent_.count(name) == 0; }

  // ---- recursive walks (each tensor and module reported once, in registration order) ----
  /// Every parameter (each tensor once), depth first in registration order.
  /// @param recurse include the children's parameters (default true).
  /// @return the parameters.
  std::vector<Tensor> parameters(bool recurse = true) const;
  /// Every parameter under its dotted name ("features.0.weight").
  /// @param prefix prepended to each name with a dot (default "").
  /// @param recurse include the children's parameters (default true).
  /// @return name to parameter, in registration order.
  OrderedDict<Tensor> named_parameters(const std::string& prefix = "", bool recurse = true) const;
  /// Every buffer (each tensor once), depth first in registration order.
  /// @param recurse include the children's buffers (default true).
  /// @return the buffers.
  std::vector<Tensor> buffers(bool recurse = true) const;
  /// Every buffer under its dotted name ("bn1.running_mean").
  /// @param prefix prepended to each name with a dot (default "").
  /// @param recurse include the children's buffers (default true).
  /// @return name to buffer, in registration order.
  OrderedDict<Tensor> named_buffers(const std::string& prefix = "", bool recurse = true) const;
  /// The direct children, in registration order.
  /// @return the children.
  std::vector<std::shared_ptr<Module>> children() const;
  /// The direct children under their names.
  /// @return name to child, in registration order.
  OrderedDict<std::shared_ptr<Module>> named_children() const;
  /// Include this module itself, which requires it to be owned by a shared_ptr (holders are).
  /// Every module of the tree (each once), depth first.
  /// @param include_self include this module first (default true).
  /// @return the modules.
  /// @throws RuntimeError when include_self is true and this module is not owned by a shared_ptr.
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);
  /// Every module of the tree under its dotted name ("" for this module).
  /// @param prefix prepended to each name with a dot (default "").
  /// @param include_self include this module first (default true).
  /// @return name to module, depth first.
  /// @throws RuntimeError when include_self is true and this module is not owned by a shared_ptr.
  OrderedDict<std::shared_ptr<Module>> named_modules(const std::string& prefix = "", bool include_self = true);
  /// Calls fn on every child (depth first) and then on this module.
  /// @param fn the function to call on each module.
  void apply(const std::function<void(Module&)>& fn);

  // ---- modes and gradients ----
  /// Sets training mode on this module and every descendant (Dropout drops, BatchNorm updates its
  /// running statistics).
  /// @param on true for training mode, false for evaluation mode (default true).
  virtual void train(bool on = true);
  /// Evaluation mode on the whole tree: train(false).
  void eval() { train(false); }
  /// Whether this module is in training mode.
  /// @return the training flag.
  bool is_training() const { return is_training_; }
  /// Sets this module's flag only (Python's `module.training = False`).
  /// @param on the new flag.
  void set_training_flag(bool on) { is_training_ = on; }
  /// Clears the gradient of every parameter of the tree.
  /// @param set_to_none drop the .grad tensors (default true); false zeroes them in place.
  void zero_grad(bool set_to_none = true);
  /// The number of trainable scalars: the sum of numel() over parameters().
  /// @return the count.
  int64_t num_parameters() const;
  /// Transfer learning: requires_grad(false), and no .grad, on every parameter of the children up to
  /// and including the child named `until` (dotted names reach into nested children: "layer3",
  /// "features.10"); no name freezes every parameter. An unknown name raises ValueError listing the
  /// children and freezes nothing. BatchNorm layers in the frozen part still update their running
  /// statistics in training mode (as in PyTorch): call eval() on them to keep those fixed.
  /// @param until the dotted name of the last child to freeze; std::nullopt (default) freezes all.
  /// @throws ValueError when `until` names no child.
  void freeze(const std::optional<std::string>& until = std::nullopt);
  /// requires_grad(true) on every parameter.
  void unfreeze();

  // ---- state ----
  /// Parameters then persistent buffers of each module, depth first, under dotted names; the
  /// tensors are detached aliases of the live ones.
  /// @return dotted name to tensor.
  OrderedDict<Tensor> state_dict() const;
  /// Copies each value into the matching tensor in place, under no_grad. Shape mismatches always
  /// raise; with strict, missing and unexpected keys raise too (ValueError listing them).
  /// @param state dotted name to tensor, as state_dict() returns.
  /// @param strict raise on missing or unexpected keys (default true).
  /// @return the keys that were missing or unexpected (empty lists under strict).
  /// @throws ShapeError when a tensor's shape differs from the module's.
  /// @throws ValueError under strict when keys are missing or unexpected.
  LoadStateDictResult load_state_dict(const OrderedDict<Tensor>& state, bool strict = true);

  // ---- printing ----
  /// PyTorch's layout: Name(extra_repr) for a leaf, children indented one per line.
  /// @return the multi-line representation.
  std::string repr() const;
  /// Writes repr() to `out`.
  /// @param out the stream.
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

/// Writes module.repr() to `out`.
/// @param out the stream.
/// @param module the module.
/// @return `out`.
std::ostream& operator<<(std::ostream& out, const Module& module);

/// Writes the held module's repr() to `out`.
/// @tparam Impl the module's implementation class.
/// @param out the stream.
/// @param holder the holder; must not be empty.
/// @return `out`.
template <typename Impl>
std::ostream& operator<<(std::ostream& out, const ModuleHolder<Impl>& holder) {
  return out << *holder;
}

}  // namespace striate::nn
