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

/// The module's architecture as JSON (see above).
/// @param module the module.
/// @return {"type": ..., "args": {...}[, "children": [...]]}.
/// @throws TypeError naming the path and class of an unregistered module in the tree.
io::Json module_config(const Module& module);
/// Raises ValueError naming the path in the config ("children[1].args.stride"), the type and the
/// problem for an unknown type, a missing, unknown or ill-typed argument, or a constructor that
/// refuses the arguments.
/// Rebuilds a module from module_config()'s JSON.
/// @param config the architecture.
/// @return the module, freshly initialized.
std::shared_ptr<Module> module_from_config(const io::Json& config);
/// Whether `module`'s exact class is registered (its architecture can be saved).
/// @param module the module.
/// @return true for a registered type.
bool has_module_config(const Module& module);

/// Typed access to one module's "args" object; every read is checked and names the argument, and
/// finish() refuses arguments that were not read.
class ConfigArgs {
 public:
  /// @param args the "args" object (kept by reference).
  /// @param context the config path, for messages.
  /// @throws ValueError when args is not an object.
  ConfigArgs(const io::Json& args, std::string context);
  /// @param name the argument's name.
  /// @return whether it is present.
  bool has(const std::string& name) const;
  /// A required integer.
  /// @param name the argument's name.
  /// @return the value.
  /// @throws ValueError when missing or of the wrong type.
  int64_t integer(const std::string& name);
  /// An integer with a default.
  /// @param name the argument's name.
  /// @param fallback the value when absent.
  /// @return the value.
  /// @throws ValueError when of the wrong type.
  int64_t integer(const std::string& name, int64_t fallback);
  /// An integer or null.
  /// @param name the argument's name.
  /// @return the value, or std::nullopt for null or absent.
  /// @throws ValueError when of the wrong type.
  std::optional<int64_t> optional_integer(const std::string& name);
  /// A required number.
  /// @param name the argument's name.
  /// @return the value.
  /// @throws ValueError when missing or of the wrong type.
  double number(const std::string& name);
  /// A number with a default.
  /// @param name the argument's name.
  /// @param fallback the value when absent.
  /// @return the value.
  /// @throws ValueError when of the wrong type.
  double number(const std::string& name, double fallback);
  /// A number or null.
  /// @param name the argument's name.
  /// @return the value, or std::nullopt for null or absent.
  /// @throws ValueError when of the wrong type.
  std::optional<double> optional_number(const std::string& name);
  /// A required bool.
  /// @param name the argument's name.
  /// @return the value.
  /// @throws ValueError when missing or of the wrong type.
  bool boolean(const std::string& name);
  /// A bool with a default.
  /// @param name the argument's name.
  /// @param fallback the value when absent.
  /// @return the value.
  /// @throws ValueError when of the wrong type.
  bool boolean(const std::string& name, bool fallback);
  /// A bool or null.
  /// @param name the argument's name.
  /// @return the value, or std::nullopt for null or absent.
  /// @throws ValueError when of the wrong type.
  std::optional<bool> optional_boolean(const std::string& name);
  /// A required string.
  /// @param name the argument's name.
  /// @return the value.
  /// @throws ValueError when missing or of the wrong type.
  std::string string(const std::string& name);
  /// A string with a default.
  /// @param name the argument's name.
  /// @param fallback the value when absent.
  /// @return the value.
  /// @throws ValueError when of the wrong type.
  std::string string(const std::string& name, const std::string& fallback);
  /// A required list of integers.
  /// @param name the argument's name.
  /// @param length the required length, or std::nullopt (default) for any.
  /// @param max_count the largest length accepted (default 64).
  /// @return the values.
  /// @throws ValueError when missing, of the wrong type or length.
  std::vector<int64_t> integers(const std::string& name, std::optional<size_t> length = std::nullopt,
                                size_t max_count = 64);
  /// A required list of numbers.
  /// @param name the argument's name.
  /// @param length the required length, or std::nullopt (default) for any.
  /// @return the values.
  /// @throws ValueError when missing, of the wrong type or length.
  std::vector<double> numbers(const std::string& name, std::optional<size_t> length = std::nullopt);
  /// A required argument as JSON, unconverted.
  /// @param name the argument's name.
  /// @return the value.
  /// @throws ValueError when missing.
  const io::Json& raw(const std::string& name);
  /// Checks that every argument was read.
  /// @throws ValueError naming an unknown argument.
  void finish() const;
  /// The config path, for messages.
  /// @return the context.
  const std::string& context() const { return context_; }

 private:
  const io::Json& get(const std::string& name);
  const io::Json* args_;
  std::string context_;
  std::vector<std::string> used_;
};

/// The children a container's config lists, built, in order.
using ConfigChildren = std::vector<std::pair<std::string, std::shared_ptr<Module>>>;

/// How one module type is saved and rebuilt.
struct ModuleConfigType {
  /// The type name in configs ("Conv2d").
  std::string name;
  /// The C++ class.
  std::type_index type;
  /// The constructor's arguments read off an instance, as a JSON object.
  std::function<io::Json(const Module&)> args;
  /// Builds a module from its arguments (and, for containers, its children).
  std::function<std::shared_ptr<Module>(ConfigArgs&, ConfigChildren&)> build;
  /// Whether the config lists children given to the constructor.
  bool takes_children = false;
};

/// Registers a type (one call per built-in module, in nn/config_layers.cpp and
/// models/config.cpp); registering a name twice raises.
/// @param type the type's name, class and functions.
/// @throws ValueError when the name is registered already.
void register_module_config(ModuleConfigType type);

}  // namespace striate::nn
