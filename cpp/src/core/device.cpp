// Parsing and printing devices.
#include "striate/core/device.h"

namespace striate {

Device::Device(const std::string& spec) {
  if (spec == "cpu") {
    type = DeviceType::CPU;
    index = 0;
    return;
  }
  if (spec.rfind("cuda", 0) == 0) {
    type = DeviceType::CUDA;
    index = 0;
    if (spec.size() > 4) {
      STRIATE_CHECK(spec[4] == ':' && spec.size() > 5, "device: expected 'cpu', 'cuda' or 'cuda:N', got '", spec, "'");
      try {
        index = std::stoi(spec.substr(5));
      } catch (const std::exception&) {
        throw ValueError(detail::str("device: expected 'cpu', 'cuda' or 'cuda:N', got '", spec, "'"));
      }
      STRIATE_CHECK(index >= 0, "device: CUDA index must be >= 0, got ", index);
    }
    return;
  }
  throw ValueError(detail::str("device: expected 'cpu', 'cuda' or 'cuda:N', got '", spec, "'"));
}

std::string Device::str() const { return is_cpu() ? "cpu" : "cuda:" + std::to_string(index); }

}  // namespace striate
