// Where a tensor's memory lives. Every op dispatches on Device in one place (ops/dispatch.h).
#pragma once
#include <ostream>
#include <string>

#include "striate/core/error.h"

namespace striate {

/// The kind of device: the host CPU or a CUDA GPU.
enum class DeviceType : uint8_t { CPU, CUDA };

/// A device: its type and, for CUDA, its index. A value type.
struct Device {
  /// The device type (default CPU).
  DeviceType type = DeviceType::CPU;
  /// The CUDA device index (0 for the CPU).
  int index = 0;

  /// The CPU.
  Device() = default;
  /// @param t the device type.
  /// @param i the index (default 0).
  Device(DeviceType t, int i = 0) : type(t), index(i) {}
  /// Parses "cpu", "cuda", "cuda:1".
  /// @param spec the device's name.
  /// @throws ValueError for another name or a negative index.
  explicit Device(const std::string& spec);

  /// @return whether this is the CPU.
  bool is_cpu() const { return type == DeviceType::CPU; }
  /// @return whether this is a CUDA device.
  bool is_cuda() const { return type == DeviceType::CUDA; }
  /// Equal types, and equal indices for CUDA.
  /// @param o the other device.
  /// @return the comparison.
  bool operator==(const Device& o) const { return type == o.type && (is_cpu() || index == o.index); }
  /// @param o the other device.
  /// @return !(*this == o).
  bool operator!=(const Device& o) const { return !(*this == o); }
  /// @return "cpu" or "cuda:N".
  std::string str() const;
};

/// Writes d.str().
/// @param out the stream.
/// @param d the device.
/// @return out.
inline std::ostream& operator<<(std::ostream& out, const Device& d) { return out << d.str(); }

/// The CPU device.
inline const Device kCPU{DeviceType::CPU, 0};

}  // namespace striate
