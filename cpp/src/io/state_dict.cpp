// save_state_dict / load_state_dict: nn::Module's state dict through the safetensors container.
#include "striate/io/state_dict.h"

namespace striate::io {

void save_state_dict(const nn::Module& module, const std::string& path, const Metadata& metadata) {
  detail::save_safetensors(path, module.state_dict(), metadata, "save_state_dict");
}

nn::LoadStateDictResult load_state_dict(nn::Module& module, const std::string& path, bool strict) {
  SafetensorsContent content = detail::load_safetensors(path, "load_state_dict");
  return module.load_state_dict(content.tensors, strict);
}

}  // namespace striate::io
