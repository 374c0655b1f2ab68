// The registry behind nn::module_config / module_from_config, and ConfigArgs' checked reads. The
// built-in types register on first use (register_layer_configs, register_model_configs).
#include "striate/nn/config.h"

#include <map>
#include <mutex>
#include <unordered_map>

#include "config_registry.h"
#include "core/allocation_budget.h"
#include "striate/core/error.h"

namespace striate::nn {

namespace {

struct Registry {
  std::map<std::string, ModuleConfigType> by_name;
  std::unordered_map<std::type_index, std::string> by_type;
};

Registry& registry_storage() {
  static Registry registry;
  return registry;
}

Registry& registry() {
  static std::once_flag once;
  std::call_once(once, [] {
    detail::register_layer_configs();
    detail::register_model_configs();
  });
  return registry_storage();
}

std::string shown(const std::string& text) { return text.size() > 80 ? text.substr(0, 80) + "..." : text; }

io::Json config_of(const Module& module, const std::string& path) {
  const Registry& table = registry();
  auto found = table.by_type.find(std::type_index(typeid(module)));
  if (found == table.by_type.end()) {
    throw TypeError("module_config: module '" + (path.empty() ? std::string("<root>") : path) + "' is a " +
                    module.name() +
                    ", which is not a built-in striate module, so the architecture cannot be saved; save "
                    "the weights only with save_state_dict (Python: striate.io.save_state_dict) and "
                    "rebuild the model in code");
  }
  const ModuleConfigType& type = table.by_name.at(found->second);
  io::Json config = io::Json::object();
  config.set("type", type.name);
  config.set("args", type.args(module));
  if (type.takes_children) {
    io::Json children = io::Json::array();
    for (const auto& child : module.local_children()) {
      std::string child_path = path.empty() ? child.key : path + "." + child.key;
      children.push_back(io::Json::array({io::Json(child.key), config_of(*child.value, child_path)}));
    }
    config.set("children", std::move(children));
  }
  return config;
}

const char* kPrefix = "module_from_config";

// `where` is the config's path ("children[1].children[0]"), `module_path` the module's path in the
// tree it builds ("features.3"), both for messages.
std::shared_ptr<Module> build_from(const io::Json& config, const std::string& where, const std::string& module_path) {
  const std::string at = std::string(kPrefix) + ": " + (where.empty() ? "the architecture" : where);
  STRIATE_CHECK(config.is_object(), at, ": expected an object {\"type\": ..., \"args\": {...}}, got ",
                config.kind_name());
  const io::Json* type_field = config.find("type");
  STRIATE_CHECK(type_field != nullptr && type_field->is_string(), at, ": expected a string field \"type\"");
  const std::string& name = type_field->as_string();
  const Registry& table = registry();
  auto found = table.by_name.find(name);
  STRIATE_CHECK(found != table.by_name.end(), at, ": unknown module type '", shown(name),
                "' (not a built-in striate module)");
  const ModuleConfigType& type = found->second;
  for (const auto& member : config.as_object()) {
    STRIATE_CHECK(member.first == "type" || member.first == "args" || member.first == "children", at,
                  ": unknown field '", shown(member.first), "' (expected type, args, children)");
  }
  static const io::Json empty_args = io::Json::object();
  const io::Json* args_field = config.find("args");
  const io::Json& args_json = args_field ? *args_field : empty_args;
  ConfigChildren children;
  const io::Json* children_field = config.find("children");
  if (type.takes_children) {
    STRIATE_CHECK(children_field != nullptr && children_field->is_array(), at, " (", name,
                  "): expected an array field \"children\" of [name, config] pairs");
    const auto& list = children_field->as_array();
    for (size_t i = 0; i < list.size(); ++i) {
      std::string child_where = (where.empty() ? std::string() : where + ".") + "children[" + std::to_string(i) + "]";
      const io::Json& pair = list[i];
      STRIATE_CHECK(pair.is_array() && pair.as_array().size() == 2 && pair.as_array()[0].is_string(), kPrefix, ": ",
                    child_where, ": expected a [name, config] pair");
      const std::string& child_name = pair.as_array()[0].as_string();
      std::string child_module = module_path.empty() ? child_name : module_path + "." + child_name;
      children.emplace_back(child_name, build_from(pair.as_array()[1], child_where, child_module));
    }
  } else {
    STRIATE_CHECK(children_field == nullptr, at, " (", name, "): this type takes no \"children\" field");
  }
  ConfigArgs args(args_json, at + " (" + name + ")");
  std::shared_ptr<Module> module;
  try {
    module = type.build(args, children);
  } catch (const allocation_budget::Exceeded& error) {
    // Its children were built already, so the module named is the one whose own tensors overflow.
    std::string message = error.what();
    if (message.rfind(kPrefix, 0) == 0) throw;
    throw allocation_budget::Exceeded(at + " (" + name + "), module '" +
                                      (module_path.empty() ? std::string("<root>") : module_path) + "': " + message);
  } catch (const Error& error) {
    // The constructor's own check (a negative size, a bad mode) with where it came from.
    std::string message = error.what();
    if (message.rfind(kPrefix, 0) == 0) throw;
    throw ValueError(at + " (" + name + "): the arguments were refused: " + message);
  }
  args.finish();
  return module;
}

}  // namespace

namespace detail {
void add_module_config(ModuleConfigType type) {
  Registry& table = registry_storage();
  STRIATE_CHECK(table.by_name.count(type.name) == 0, "register_module_config: '", type.name, "' is registered already");
  STRIATE_CHECK(table.by_type.count(type.type) == 0, "register_module_config: the class of '", type.name,
                "' is registered already as '", table.by_type.at(type.type), "'");
  table.by_type.emplace(type.type, type.name);
  std::string name = type.name;
  table.by_name.emplace(std::move(name), std::move(type));
}
}  // namespace detail

void register_module_config(ModuleConfigType type) {
  registry();  // the built-ins first, so a user's type cannot take their names
  detail::add_module_config(std::move(type));
}

io::Json module_config(const Module& module) { return config_of(module, ""); }

std::shared_ptr<Module> module_from_config(const io::Json& config) { return build_from(config, "", ""); }

bool has_module_config(const Module& module) {
  const Registry& table = registry();
  return table.by_type.count(std::type_index(typeid(module))) > 0;
}

// ---- ConfigArgs ----------------------------------------------------------------------------------

ConfigArgs::ConfigArgs(const io::Json& args, std::string context) : args_(&args), context_(std::move(context)) {
  STRIATE_CHECK(args.is_object(), context_, ": \"args\" must be an object, got ", args.kind_name());
}

bool ConfigArgs::has(const std::string& name) const {
  const io::Json* value = args_->find(name);
  return value != nullptr && !value->is_null();
}

const io::Json& ConfigArgs::get(const std::string& name) {
  const io::Json* value = args_->find(name);
  STRIATE_CHECK(value != nullptr, context_, ": missing argument '", name, "'");
  used_.push_back(name);
  return *value;
}

const io::Json& ConfigArgs::raw(const std::string& name) { return get(name); }

int64_t ConfigArgs::integer(const std::string& name) {
  return get(name).as_int(context_ + ": argument '" + name + "'");
}

int64_t ConfigArgs::integer(const std::string& name, int64_t fallback) {
  if (!args_->find(name)) return fallback;
  return integer(name);
}

std::optional<int64_t> ConfigArgs::optional_integer(const std::string& name) {
  if (!has(name)) {
    if (args_->find(name)) used_.push_back(name);
    return std::nullopt;
  }
  return integer(name);
}

double ConfigArgs::number(const std::string& name) {
  return get(name).as_number(context_ + ": argument '" + name + "'");
}

double ConfigArgs::number(const std::string& name, double fallback) {
  if (!args_->find(name)) return fallback;
  return number(name);
}

std::optional<double> ConfigArgs::optional_number(const std::string& name) {
  if (!has(name)) {
    if (args_->find(name)) used_.push_back(name);
    return std::nullopt;
  }
  return number(name);
}

bool ConfigArgs::boolean(const std::string& name) { return get(name).as_bool(context_ + ": argument '" + name + "'"); }

bool ConfigArgs::boolean(const std::string& name, bool fallback) {
  if (!args_->find(name)) return fallback;
  return boolean(name);
}

std::optional<bool> ConfigArgs::optional_boolean(const std::string& name) {
  if (!has(name)) {
    if (args_->find(name)) used_.push_back(name);
    return std::nullopt;
  }
  return boolean(name);
}

std::string ConfigArgs::string(const std::string& name) {
  return get(name).as_string(context_ + ": argument '" + name + "'");
}

std::string ConfigArgs::string(const std::string& name, const std::string& fallback) {
  if (!args_->find(name)) return fallback;
  return string(name);
}

std::vector<int64_t> ConfigArgs::integers(const std::string& name, std::optional<size_t> length, size_t max_count) {
  const std::string what = context_ + ": argument '" + name + "'";
  const auto& items = get(name).as_array(what);
  STRIATE_CHECK(!length || items.size() == *length, what, ": expected ", length.value_or(0), " integers, got ",
                items.size());
  STRIATE_CHECK(items.size() <= max_count, what, ": expected at most ", max_count, " integers, got ", items.size());
  std::vector<int64_t> values;
  for (const auto& item : items) values.push_back(item.as_int(what));
  return values;
}

std::vector<double> ConfigArgs::numbers(const std::string& name, std::optional<size_t> length) {
  const std::string what = context_ + ": argument '" + name + "'";
  const auto& items = get(name).as_array(what);
  STRIATE_CHECK(!length || items.size() == *length, what, ": expected ", length.value_or(0), " numbers, got ",
                items.size());
  STRIATE_CHECK(items.size() <= 64, what, ": expected at most 64 numbers, got ", items.size());
  std::vector<double> values;
  for (const auto& item : items) values.push_back(item.as_number(what));
  return values;
}

void ConfigArgs::finish() const {
  for (const auto& member : args_->as_object()) {
    bool used = false;
    for (const auto& name : used_) used = used || name == member.first;
    STRIATE_CHECK(used, context_, ": unknown argument '", shown(member.first), "'");
  }
}

}  // namespace striate::nn
