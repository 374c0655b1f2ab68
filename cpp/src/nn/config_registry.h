// The registration lists of the built-in modules, called once when the config registry is first used.
#pragma once
#include "striate/nn/config.h"

namespace striate::nn::detail {
void add_module_config(ModuleConfigType type);
void register_layer_configs();  // nn/config_layers.cpp
void register_model_configs();  // models/config.cpp
}  // namespace striate::nn::detail
