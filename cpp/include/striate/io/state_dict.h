// A module's state dict (parameters and persistent buffers under dotted names) as a safetensors
// file, readable by the `safetensors` package and by PyTorch users as any weights file.
//   striate::io::save_state_dict(*model, "lenet5.safetensors");
//   striate::io::load_state_dict(*model, "lenet5.safetensors");  // strict: names and shapes must match
#pragma once
#include <string>

#include "striate/io/safetensors.h"
#include "striate/nn/module.h"

namespace striate::io {

/// Writes module.state_dict() in its order (see save_safetensors for the layout and atomicity).
/// @param module the module.
/// @param path the file to write.
/// @param metadata the `__metadata__` (default empty).
/// @throws IOError when the file cannot be written.
void save_state_dict(const nn::Module& module, const std::string& path, const Metadata& metadata = {});

/// Loads the file and copies its tensors into the module (nn::Module::load_state_dict): with
/// `strict`, missing and unexpected names raise ValueError; a shape mismatch always does. A bad
/// file raises IOError before the module is touched.
/// @param module the module loaded into.
/// @param path the file.
/// @param strict raise on missing or unexpected names (default true).
/// @return the missing and unexpected names.
/// @throws IOError for a bad file.
/// @throws ValueError for mismatched names (strict) or shapes.
nn::LoadStateDictResult load_state_dict(nn::Module& module, const std::string& path, bool strict = true);

}  // namespace striate::io
