// The registration lists of the built-in modules, called once when the config registry is first used.
#pragma once
#include <string>

#include "striate/core/error.h"
#include "striate/nn/config.h"

namespace striate::nn::detail {
void add_module_config(ModuleConfigType type);
void register_layer_configs();  // nn/config_layers.cpp
void register_model_configs();  // models/config.cpp

// The child at a dotted path below `module` ("branch2.0.conv"); TypeError naming the path when it
// is missing (a block changed after construction). Defined in config_blocks.cpp.
const Module& child_at(const Module& module, const std::string& path);
// The same, as the layer class the block builds there.
template <typename Impl>
const Impl& child_as(const Module& module, const std::string& path) {
  const Module& child = child_at(module, path);
  const Impl* typed = dynamic_cast<const Impl*>(&child);
  STRIATE_CHECK_TYPE(typed != nullptr, "module_config: ", module.name(), "'s child '", path, "' is a ", child.name(),
                     ", not the layer the block builds (was it replaced after construction?)");
  return *typed;
}
}  // namespace striate::nn::detail
