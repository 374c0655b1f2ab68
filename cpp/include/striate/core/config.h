// Build and run-time configuration, for show_config() and bug reports.
#pragma once
#include <string>

namespace striate {

std::string version();
std::string show_config();
bool cuda_built();              // the CUDA backend was compiled in
bool cuda_is_available();       // ... and a device is present
int cuda_device_count();

}  // namespace striate
