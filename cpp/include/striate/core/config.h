// Build and run-time configuration, for show_config() and bug reports.
#pragma once
#include <string>

namespace striate {

/// @return striate's version.
std::string version();
/// @return the build and run-time configuration, as text.
std::string show_config();
/// @return whether the CUDA backend was compiled in.
bool cuda_built();
/// @return whether the CUDA backend was compiled in and a device is present.
bool cuda_is_available();
/// @return the number of CUDA devices.
int cuda_device_count();

}  // namespace striate
