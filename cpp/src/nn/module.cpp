// nn::Module: calls, the registries, the recursive walks over the module tree, and the state dict.
#include "striate/nn/module.h"

#include <sstream>

#include "striate/autograd.h"

namespace striate::nn {

namespace {

std::string join_name(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

std::string join_keys(const std::vector<std::string>& keys) {
  std::string text;
  for (const auto& key : keys) text += (text.empty() ? "\"" : ", \"") + key + "\"";
  return text;
}

// Indents every line after the first by two spaces (a child's repr inside its parent's).
std::string indent_tail(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

}  // namespace

Tensor Module::forward(const Tensor& input) {
  STRIATE_NOT_IMPLEMENTED(name(), ": forward() is not implemented; a Module subclass must define forward");
}

Tensor Module::call(const Tensor& input) {
  if (has_hooks()) return call_with_hooks(input);
  if (!calls_watched()) return forward(input);
  CallScope scope(*this, input);
  return scope.finish(forward(input));
}

Tensor Module::call_with_hooks(const Tensor& original_input) {
  // Copies of the lists: a hook may register or remove hooks while they run.
  const auto pre = hooks_->pre;
  const auto post = hooks_->post;
  Tensor input = original_input;
  for (const auto& [handle, hook] : pre) {
    if (auto replaced = hook(*this, input)) input = *replaced;
  }
  std::optional<CallScope> scope;
  if (calls_watched()) scope.emplace(*this, input);
  Tensor output = forward(input);
  if (scope) scope->finish(output);
  for (const auto& [handle, hook] : post) {
    if (auto replaced = hook(*this, input, output)) output = *replaced;
  }
  return output;
}

int Module::register_forward_pre_hook(ForwardPreHook hook, bool prepend) {
  STRIATE_CHECK_TYPE(static_cast<bool>(hook), name(), ".register_forward_pre_hook: expected a callable hook");
  if (!hooks_) hooks_ = std::make_unique<Hooks>();
  const int handle = hooks_->next_handle++;
  hooks_->pre.insert(prepend ? hooks_->pre.begin() : hooks_->pre.end(), {handle, std::move(hook)});
  return handle;
}

int Module::register_forward_hook(ForwardHook hook, bool prepend) {
  STRIATE_CHECK_TYPE(static_cast<bool>(hook), name(), ".register_forward_hook: expected a callable hook");
  if (!hooks_) hooks_ = std::make_unique<Hooks>();
  const int handle = hooks_->next_handle++;
  hooks_->post.insert(prepend ? hooks_->post.begin() : hooks_->post.end(), {handle, std::move(hook)});
  return handle;
}

bool Module::remove_hook(int handle) {
  if (!hooks_) return false;
  auto drop = [handle](auto& list) {
    for (auto it = list.begin(); it != list.end(); ++it) {
      if (it->first == handle) {
        list.erase(it);
        return true;
      }
    }
    return false;
  };
  return drop(hooks_->pre) || drop(hooks_->post);
}

std::optional<int64_t> Module::mult_adds(const Shape&, const Shape&) const {
  for (const auto& item : parameters_) {
    if (item.value.defined()) return std::nullopt;
  }
  return 0;
}

// ---- registration ------------------------------------------------------------------

void Module::check_new_name(const std::string& name, const char* what) const {
  STRIATE_CHECK(!name.empty(), this->name(), ": ", what, " name can't be empty");
  STRIATE_CHECK(name.find('.') == std::string::npos, this->name(), ": ", what, " name can't contain \".\", got \"",
                name, "\"");
}

Tensor& Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
  check_new_name(name, "parameter");
  STRIATE_CHECK(!buffers_.contains(name) && !children_.contains(name), this->name(), ": attribute \"", name,
                "\" already exists as a buffer or submodule");
  if (tensor.defined()) {
    if (!tensor.is_leaf()) tensor = tensor.detach();
    tensor.requires_grad_(requires_grad);
    tensor.mark_parameter(true);
  }
  return parameters_.insert(name, std::move(tensor));
}

Tensor& Module::register_buffer(const std::string& name, Tensor tensor, bool persistent) {
  check_new_name(name, "buffer");
  STRIATE_CHECK(!parameters_.contains(name) && !children_.contains(name), this->name(), ": attribute \"", name,
                "\" already exists as a parameter or submodule");
  if (persistent) {
    non_persistent_.erase(name);
  } else {
    non_persistent_.insert(name);
  }
  return buffers_.insert(name, std::move(tensor));
}

void Module::register_module_impl(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name, "submodule");
  STRIATE_CHECK(!parameters_.contains(name) && !buffers_.contains(name), this->name(), ": attribute \"", name,
                "\" already exists as a parameter or buffer");
  STRIATE_CHECK(module.get() != this, this->name(), ": a module can't be registered as its own child");
  children_.insert(name, std::move(module));
}

bool Module::unregister_parameter(const std::string& name) { return parameters_.erase(name); }

bool Module::unregister_buffer(const std::string& name) {
  non_persistent_.erase(name);
  return buffers_.erase(name);
}

bool Module::unregister_module(const std::string& name) { return children_.erase(name); }

// ---- recursive walks -------------------------------------------------------------------

namespace {

// Visits (dotted name, module) depth first, each module once even when shared.
void visit_modules(const Module& module, const std::string& prefix, std::set<const Module*>& seen,
                   const std::function<void(const std::string&, const Module&)>& visit) {
  if (!seen.insert(&module).second) return;
  visit(prefix, module);
  for (const auto& child : module.local_children()) {
    if (child.value) visit_modules(*child.value, join_name(prefix, child.key), seen, visit);
  }
}

// Collects the named tensors of one registry over the tree, each tensor once.
OrderedDict<Tensor> collect_tensors(const Module& root, const std::string& prefix, bool recurse, bool buffers) {
  OrderedDict<Tensor> result;
  std::set<const TensorImpl*> seen_tensors;
  auto add_local = [&](const std::string& module_prefix, const Module& module) {
    const auto& registry = buffers ? module.local_buffers() : module.local_parameters();
    for (const auto& item : registry) {
      if (!item.value.defined() || !seen_tensors.insert(item.value.impl()).second) continue;
      result.insert(join_name(module_prefix, item.key), item.value);
    }
  };
  if (!recurse) {
    add_local(prefix, root);
    return result;
  }
  std::set<const Module*> seen_modules;
  visit_modules(root, prefix, seen_modules, add_local);
  return result;
}

}  // namespace

std::vector<Tensor> Module::parameters(bool recurse) const { return named_parameters("", recurse).values(); }

OrderedDict<Tensor> Module::named_parameters(const std::string& prefix, bool recurse) const {
  return collect_tensors(*this, prefix, recurse, /*buffers=*/false);
}

std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers("", recurse).values(); }

OrderedDict<Tensor> Module::named_buffers(const std::string& prefix, bool recurse) const {
  return collect_tensors(*this, prefix, recurse, /*buffers=*/true);
}

std::vector<std::shared_ptr<Module>> Module::children() const { return named_children().values(); }

OrderedDict<std::shared_ptr<Module>> Module::named_children() const {
  OrderedDict<std::shared_ptr<Module>> result;
  std::set<const Module*> seen;
  for (const auto& child : children_) {
    if (child.value && seen.insert(child.value.get()).second) result.insert(child.key, child.value);
  }
  return result;
}

void Module::collect_named_modules(const std::string& prefix, OrderedDict<std::shared_ptr<Module>>& out,
                                   std::set<const Module*>& seen) {
  for (const auto& child : children_) {
    if (!child.value || !seen.insert(child.value.get()).second) continue;
    std::string child_name = join_name(prefix, child.key);
    out.insert(child_name, child.value);
    child.value->collect_named_modules(child_name, out, seen);
  }
}

OrderedDict<std::shared_ptr<Module>> Module::named_modules(const std::string& prefix, bool include_self) {
  OrderedDict<std::shared_ptr<Module>> result;
  std::set<const Module*> seen{this};
  if (include_self) {
    std::shared_ptr<Module> self = weak_from_this().lock();
    STRIATE_CHECK_STATE(self != nullptr, name(),
                        ": modules()/named_modules() with include_self need the module to be owned by a shared_ptr "
                        "(create it through its holder or std::make_shared)");
    result.insert(prefix, self);
  }
  collect_named_modules(prefix, result, seen);
  return result;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) {
  return named_modules("", include_self).values();
}

void Module::apply(const std::function<void(Module&)>& fn) {
  for (const auto& child : children()) child->apply(fn);
  fn(*this);
}

// ---- modes and gradients -------------------------------------------------------------------

void Module::train(bool on) {
  is_training_ = on;
  for (const auto& child : children()) child->train(on);
}

void Module::zero_grad(bool set_to_none) {
  NoGradGuard no_grad;
  for (const auto& parameter : parameters()) {
    Tensor grad = parameter.grad();
    if (!grad.defined()) continue;
    if (set_to_none) {
      parameter.set_grad(Tensor());
    } else {
      grad.detach_();
      grad.zero_();
    }
  }
}

int64_t Module::num_parameters() const {
  int64_t count = 0;
  for (const auto& parameter : parameters()) count += parameter.numel();
  return count;
}

// ---- freezing ------------------------------------------------------------------------------

namespace {

// Parameters that stop training also drop a gradient they already hold, so that an optimizer's
// next step (which skips parameters without .grad) leaves them alone.
void set_trainable(const std::vector<Tensor>& parameters, bool trainable) {
  for (const auto& parameter : parameters) {
    Tensor handle = parameter;
    handle.requires_grad_(trainable);
    if (!trainable) parameter.set_grad(Tensor());
  }
}

std::vector<std::string> split_dotted(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace

void Module::freeze(const std::optional<std::string>& until) {
  if (!until) {
    set_trainable(parameters(), false);
    return;
  }
  STRIATE_CHECK(!until->empty(), name(), ".freeze: expected the name of a child in until, got an empty string");
  // The whole path is checked before anything is frozen, so a bad name changes nothing.
  std::vector<std::string> parts = split_dotted(*until);
  const Module* module = this;
  for (const auto& part : parts) {
    const std::shared_ptr<Module>* child = module->children_.find(part);
    if (child == nullptr || *child == nullptr) {
      std::string names;
      for (const auto& item : module->children_) names += (names.empty() ? "" : ", ") + item.key;
      throw ValueError(detail::str(name(), ".freeze: until=\"", *until, "\" names no child: \"", part,
                                   "\" is not one of the children of ", module->name(), " (",
                                   names.empty() ? "none" : names, ")"));
    }
    module = child->get();
  }
  module = this;
  for (size_t depth = 0; depth < parts.size(); ++depth) {
    bool last_part = depth + 1 == parts.size();
    for (const auto& item : module->children_) {
      bool on_path = item.key == parts[depth];
      if (item.value != nullptr && (!on_path || last_part)) set_trainable(item.value->parameters(), false);
      if (on_path) break;
    }
    module = module->children_.find(parts[depth])->get();
  }
}

void Module::unfreeze() { set_trainable(parameters(), true); }

// ---- state dict ---------------------------------------------------------------------

OrderedDict<Tensor> Module::state_dict() const {
  OrderedDict<Tensor> state;
  std::set<const Module*> seen;
  visit_modules(*this, "", seen, [&](const std::string& prefix, const Module& module) {
    for (const auto& item : module.local_parameters()) {
      if (item.value.defined()) state.insert(join_name(prefix, item.key), item.value.detach());
    }
    for (const auto& item : module.local_buffers()) {
      if (item.value.defined() && module.is_persistent_buffer(item.key)) {
        state.insert(join_name(prefix, item.key), item.value.detach());
      }
    }
  });
  return state;
}

LoadStateDictResult Module::load_state_dict(const OrderedDict<Tensor>& state, bool strict) {
  OrderedDict<Tensor> own = state_dict();
  LoadStateDictResult result;
  std::vector<std::string> size_mismatches;
  for (const auto& item : own) {
    const Tensor* source = state.find(item.key);
    if (source == nullptr) {
      result.missing_keys.push_back(item.key);
    } else if (!source->defined() || source->sizes() != item.value.sizes()) {
      std::ostringstream message;
      message << "size mismatch for " << item.key << ": copying a tensor of shape "
              << (source->defined() ? source->sizes() : Shape()) << " from the state dict, the shape in the "
              << "current model is " << item.value.sizes();
      size_mismatches.push_back(message.str());
    }
  }
  for (const auto& item : state) {
    if (!own.contains(item.key)) result.unexpected_keys.push_back(item.key);
  }
  std::string errors;
  if (strict && !result.missing_keys.empty()) errors += "\n  missing key(s): " + join_keys(result.missing_keys);
  if (strict && !result.unexpected_keys.empty()) {
    errors += "\n  unexpected key(s): " + join_keys(result.unexpected_keys);
  }
  for (const auto& mismatch : size_mismatches) errors += "\n  " + mismatch;
  STRIATE_CHECK(errors.empty(), "load_state_dict: error(s) in loading the state dict for ", name(), ":", errors);

  NoGradGuard no_grad;
  for (auto& item : own) {
    if (const Tensor* source = state.find(item.key)) {
      item.value.copy_(*source);
      item.value.bump_version();
    }
  }
  return result;
}

// ---- printing --------------------------------------------------------------------

std::string Module::repr() const {
  std::string extra = extra_repr();
  auto children = named_children();
  if (children.empty()) return name() + "(" + extra + ")";
  std::string text = name() + "(";
  if (!extra.empty()) text += "\n  " + indent_tail(extra);
  for (const auto& child : children) text += "\n  (" + child.key + "): " + indent_tail(child.value->repr());
  return text + "\n)";
}

std::ostream& operator<<(std::ostream& out, const Module& module) {
  module.pretty_print(out);
  return out;
}

}  // namespace striate::nn
