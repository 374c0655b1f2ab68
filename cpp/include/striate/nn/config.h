// A module's architecture as JSON, and the factory that rebuilds a module from it: every built-in
// layer, merge block, container and zoo model registers its type name, how to read its
// constructor arguments off an instance, and how to construct one from them. This is what a
// `.striate` model file stores, so a C++ program rebuilds a model trained in Python.
//   io::Json config = striate::nn::module_config(*model);
//   // {"type":"Sequential","children":[["0",{"type":"Conv2d","args":{"in_channels":1,...}}],...]}
//   std::shared_ptr<striate::nn::Module> copy = striate::nn::module_from_config(config);
//
// Losses have configs too (a class weight's values are in the state dict, its shape in the config).
// A config is {"type": name, "args": {...}} plus, for containers whose children are given to the
// constructor (Sequential, Residual, Concat, Parallel, ClassicNet, DropConnect), "children":
// [[child name, child config], ...]. Modules that build their own children (ResNet, BasicBlock,
// Fire, ...) store only their arguments. A module of a type that is not registered (a Python
// subclass, a user's C++ class) raises TypeError naming its path and class.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

#include "striate/io/json_value.h"
#include "striate/nn/module.h"

namespace striate::nn {

io::Json module_config(const Module& module);
// Raises ValueError naming the path in the config ("children[1].args.stride"), the type and the
// problem for an unknown type, a missing, unknown or ill-typed argument, or a constructor that
// refuses the arguments.
std::shared_ptr<Module> module_from_config(const io::Json& config);
// Whether `module`'s exact class is registered (its architecture can be saved).
bool has_module_config(const Module& module);

// Typed access to one module's "args" object; every read is checked and names the argument, and
// finish() refuses arguments that were not read.
class ConfigArgs {
 public:
  ConfigArgs(const io::Json& args, std::string context);
  bool has(const std::string& name) const;
  int64_t integer(const std::string& name);
  int64_t integer(const std::string& name, int64_t fallback);
  std::optional<int64_t> optional_integer(const std::string& name);
  double number(const std::string& name);
  double number(const std::string& name, double fallback);
  std::optional<double> optional_number(const std::string& name);
  bool boolean(const std::string& name);
  bool boolean(const std::string& name, bool fallback);
  std::optional<bool> optional_boolean(const std::string& name);
  std::string string(const std::string& name);
  std::string string(const std::string& name, const std::string& fallback);
  std::vector<int64_t> integers(const std::string& name, std::optional<size_t> length = std::nullopt,
                                size_t max_count = 64);
  std::vector<double> numbers(const std::string& name, std::optional<size_t> length = std::nullopt);
  const io::Json& raw(const std::string& name);
  void finish() const;
  const std::string& context() const { return context_; }

 private:
  const io::Json& get(const std::string& name);
  const io::Json* args_;
  std::string context_;
  std::vector<std::string> used_;
};

// The children a container's config lists, built, in order.
using ConfigChildren = std::vector<std::pair<std::string, std::shared_ptr<Module>>>;

struct ModuleConfigType {
  std::string name;
  std::type_index type;
  // The constructor's arguments read off an instance, as a JSON object.
  std::function<io::Json(const Module&)> args;
  // Builds a module from its arguments (and, for containers, its children).
  std::function<std::shared_ptr<Module>(ConfigArgs&, ConfigChildren&)> build;
  bool takes_children = false;
};

// Registers a type (one call per built-in module, in nn/config_layers.cpp and
// models/config.cpp); registering a name twice raises.
void register_module_config(ModuleConfigType type);

}  // namespace striate::nn
