// The op registry: which ops exist and, per device, whether every kernel an op runs is implemented
// there. The single source of truth for striate.backends.supported_ops(), show_config(), the docs
// and the device tests.
//   for (const auto& op : striate::backends::supported_ops(striate::DeviceType::CUDA)) ...
#pragma once
#include <string>
#include <vector>

#include "striate/core/device.h"

namespace striate::backends {

/// Every registered op, sorted by name.
/// @return the op names.
std::vector<std::string> registered_ops();
/// The ops whose kernels all have an implementation on `device`, sorted by name.
/// @param device the device type.
/// @return the op names.
std::vector<std::string> supported_ops(DeviceType device);
/// The ops registered but not runnable on `device`, sorted by name.
/// @param device the device type.
/// @return the op names.
std::vector<std::string> unsupported_ops(DeviceType device);
/// Whether `op` is registered and runs on `device`.
/// @param op the op's name.
/// @param device the device type.
/// @return the flag (false for an unknown op).
bool has_kernel(const std::string& op, DeviceType device);
/// The names of the kernels `op` runs (empty for ops that only rearrange metadata); raises
/// ValueError for an unknown op.
/// @param op the op's name.
/// @return the kernel names.
/// @throws ValueError for an unknown op.
std::vector<std::string> op_kernels(const std::string& op);

}  // namespace striate::backends
