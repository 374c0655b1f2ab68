// load_checkpoint / save_checkpoint: the "model" and "optimizer" entries of a checkpoint's object
// tree (the layout serialization.py writes), decoded in C++.
#include <cmath>

#include "striate/core/config.h"
#include "striate/io/model.h"
#include "striate/optim/optimizer.h"

namespace striate::io {

void check_format(const Metadata& metadata, const std::string& expected, const std::string& path,
                  const std::string& operation);  // model.cpp

namespace {

class TreeReader {
 public:
  TreeReader(const SafetensorsContent& content, std::string path, std::string operation)
      : content_(content), path_(std::move(path)), operation_(std::move(operation)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw IOError(operation_ + ": '" + path_ + "': " + where + ": " + problem);
  }

  const Json& member(const Json& object, const std::string& key, const std::string& where) const {
    const Json* value = object.find(key);
    if (!object.is_object()) fail(where, std::string("expected an object, got ") + object.kind_name());
    if (value == nullptr) fail(where, "has no entry '" + key + "'");
    return *value;
  }

  Tensor tensor(const Json& value, const std::string& where) const {
    const Json* name = value.find("__tensor__");
    if (name == nullptr || !name->is_string()) fail(where, std::string("expected a tensor, got ") + value.kind_name());
    const Tensor* found = content_.tensors.find(name->as_string());
    if (found == nullptr) fail(where, "refers to tensor '" + name->as_string() + "', which the file does not hold");
    return *found;
  }

  // A JSON object, or {"__dict__": [[key, value], ...]} with keys that are strings or integers.
  std::vector<std::pair<Json, const Json*>> dict_items(const Json& value, const std::string& where) const {
    std::vector<std::pair<Json, const Json*>> items;
    if (!value.is_object()) fail(where, std::string("expected a dict, got ") + value.kind_name());
    // An OrderedDict: {"__ordered__": dict}.
    if (const Json* ordered = value.find("__ordered__")) return dict_items(*ordered, where);
    const Json* tagged = value.find("__dict__");
    if (tagged == nullptr) {
      for (const auto& member : value.as_object()) items.emplace_back(Json(member.first), &member.second);
      return items;
    }
    if (!tagged->is_array()) fail(where, "__dict__ must be an array of [key, value] pairs");
    for (const auto& pair : tagged->as_array()) {
      if (!pair.is_array() || pair.as_array().size() != 2) fail(where, "__dict__ must hold [key, value] pairs");
      items.emplace_back(pair.as_array()[0], &pair.as_array()[1]);
    }
    return items;
  }

  optim::OptionValue option(const Json& value, const std::string& where) const {
    switch (value.kind()) {
      case Json::Kind::Null: return optim::OptionValue();
      case Json::Kind::Bool: return value.as_bool();
      case Json::Kind::Int: return value.as_int();
      case Json::Kind::Number: return value.as_number();
      case Json::Kind::String: return value.as_string();
      case Json::Kind::Object: {
        const Json* tuple = value.find("__tuple__");
        const Json* special = value.find("__float__");
        if (special && special->is_string()) {
          const std::string& text = special->as_string();
          if (text == "inf") return HUGE_VAL;
          if (text == "-inf") return -HUGE_VAL;
          if (text == "nan") return std::nan("");
        }
        if (tuple && tuple->is_array()) {
          std::vector<double> numbers;
          for (const auto& item : tuple->as_array()) {
            if (!item.is_number()) fail(where, "expected a tuple of numbers");
            numbers.push_back(item.as_number());
          }
          return numbers;
        }
        break;
      }
      default: break;
    }
    fail(where, std::string("an option value cannot be ") + value.kind_name());
  }

  OrderedDict<Tensor> state_dict(const Json& value, const std::string& where) const {
    OrderedDict<Tensor> state;
    for (const auto& [key, item] : dict_items(value, where)) {
      if (!key.is_string()) fail(where, "state dict keys must be strings");
      state.insert(key.as_string(), tensor(*item, where + "." + key.as_string()));
    }
    return state;
  }

  optim::OptimizerStateDict optimizer_state(const Json& value, const std::string& where) const {
    optim::OptimizerStateDict result;
    for (const auto& [key, entry] : dict_items(member(value, "state", where), where + ".state")) {
      if (!key.is_int()) fail(where + ".state", "parameter numbers must be integers");
      optim::NamedTensors tensors;
      const std::string entry_where = where + ".state." + std::to_string(key.as_int());
      for (const auto& [name, item] : dict_items(*entry, entry_where)) {
        if (!name.is_string()) fail(entry_where, "state names must be strings");
        // Non-tensor state entries (torch's "step" as a number) are not part of striate's state.
        if (item->find("__tensor__") == nullptr) continue;
        tensors.emplace_back(name.as_string(), tensor(*item, entry_where + "." + name.as_string()));
      }
      result.state.emplace(key.as_int(), std::move(tensors));
    }
    const Json& groups = member(value, "param_groups", where);
    if (!groups.is_array()) fail(where + ".param_groups", "expected a list");
    for (size_t g = 0; g < groups.as_array().size(); ++g) {
      const std::string group_where = where + ".param_groups[" + std::to_string(g) + "]";
      optim::OptimizerStateDict::Group group;
      for (const auto& [key, item] : dict_items(groups.as_array()[g], group_where)) {
        if (!key.is_string()) fail(group_where, "option names must be strings");
        if (key.as_string() == "params") {
          if (!item->is_array()) fail(group_where, "params must be a list of integers");
          for (const auto& index : item->as_array()) {
            if (!index.is_int()) fail(group_where, "params must be a list of integers");
            group.params.push_back(index.as_int());
          }
        } else {
          group.options.emplace_back(key.as_string(), option(*item, group_where + "." + key.as_string()));
        }
      }
      result.param_groups.push_back(std::move(group));
    }
    return result;
  }

 private:
  const SafetensorsContent& content_;
  std::string path_, operation_;
};

Json tensor_ref(const std::string& name) { return Json::object({{"__tensor__", name}}); }

Json option_json(const optim::OptionValue& value) {
  if (std::holds_alternative<bool>(value)) return Json(std::get<bool>(value));
  if (std::holds_alternative<int64_t>(value)) return Json(std::get<int64_t>(value));
  if (std::holds_alternative<double>(value)) {
    double number = std::get<double>(value);
    if (std::isfinite(number)) return Json(number);
    return Json::object({{"__float__", std::isnan(number) ? "nan" : number > 0 ? "inf" : "-inf"}});
  }
  if (std::holds_alternative<std::string>(value)) return Json(std::get<std::string>(value));
  if (std::holds_alternative<std::vector<double>>(value)) {
    return Json::object({{"__tuple__", Json(std::get<std::vector<double>>(value))}});
  }
  return Json();
}

}  // namespace

CheckpointInfo load_checkpoint(const std::string& path, nn::Module& model, optim::Optimizer* optimizer) {
  const std::string operation = "load_checkpoint";
  SafetensorsContent content = detail::load_safetensors(path, operation);
  check_format(content.metadata, kCheckpointFormat, path, operation);
  auto tree_text = content.metadata.find("tree");
  if (tree_text == content.metadata.end()) throw IOError(operation + ": '" + path + "': the metadata has no \"tree\"");
  CheckpointInfo info;
  try {
    info.tree = Json::parse(tree_text->second, "tree");
  } catch (const Error& error) {
    throw IOError(operation + ": '" + path + "': " + error.what());
  }
  TreeReader reader(content, path, operation);
  OrderedDict<Tensor> state = reader.state_dict(reader.member(info.tree, "model", "checkpoint"), "model");
  std::optional<optim::OptimizerStateDict> optimizer_state;
  if (optimizer != nullptr) {
    optimizer_state = reader.optimizer_state(reader.member(info.tree, "optimizer", "checkpoint"), "optimizer");
  }
  for (const char* key : {"epoch", "step"}) {
    const Json* value = info.tree.find(key);
    if (value == nullptr) continue;
    if (!value->is_int() || value->as_int() < 0) reader.fail(key, "expected a non-negative integer");
    (std::string(key) == "epoch" ? info.epoch : info.step) = value->as_int();
  }
  try {
    model.load_state_dict(state, /*strict=*/true);
    if (optimizer != nullptr) optimizer->load_state_dict(*optimizer_state);
  } catch (const Error& error) {
    throw IOError(operation + ": '" + path + "': " + error.what());
  }
  info.metadata = std::move(content.metadata);
  return info;
}

void save_checkpoint(const std::string& path, const nn::Module& model, const optim::Optimizer* optimizer, int64_t epoch,
                     int64_t step) {
  OrderedDict<Tensor> tensors;
  Json model_tree = Json::object();
  for (const auto& item : model.state_dict()) {
    std::string name = "model/" + item.key;
    model_tree.set(item.key, tensor_ref(name));
    tensors.insert(name, item.value);
  }
  Json tree = Json::object({{"model", std::move(model_tree)}});
  if (optimizer != nullptr) {
    optim::OptimizerStateDict state = optimizer->state_dict();
    Json entries = Json::array();
    for (const auto& [index, named] : state.state) {
      Json entry = Json::object();
      for (const auto& [name, tensor] : named) {
        std::string tensor_name = "optimizer/state/" + std::to_string(index) + "/" + name;
        entry.set(name, tensor_ref(tensor_name));
        tensors.insert(tensor_name, tensor);
      }
      entries.push_back(Json::array({Json(index), std::move(entry)}));
    }
    Json groups = Json::array();
    for (const auto& group : state.param_groups) {
      Json options = Json::object();
      for (const auto& [name, value] : group.options) options.set(name, option_json(value));
      options.set("params", Json(group.params));
      groups.push_back(std::move(options));
    }
    tree.set("optimizer", Json::object({{"state", Json::object({{"__dict__", std::move(entries)}})},
                                        {"param_groups", std::move(groups)}}));
  }
  tree.set("epoch", epoch);
  tree.set("step", step);
  Metadata metadata{{"format", kCheckpointFormat},
                    {"format_version", std::to_string(kFormatVersion)},
                    {"striate_version", striate::version()},
                    {"tree", tree.dump()}};
  detail::save_safetensors(path, tensors, metadata, "save_checkpoint");
}

}  // namespace striate::io
