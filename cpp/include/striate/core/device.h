// Where a tensor's memory lives. Every op dispatches on Device in one place (ops/dispatch.h).
#pragma once
#include <ostream>
#include <string>

#include "striate/core/error.h"

namespace striate {

enum class DeviceType : uint8_t { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  Device() = default;
  Device(DeviceType t, int i = 0) : type(t), index(i) {}
  // Parses "cpu", "cuda", "cuda:1".
  explicit Device(const std::string& spec);

  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool operator==(const Device& o) const { return type == o.type && (is_cpu() || index == o.index); }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const;
};

inline std::ostream& operator<<(std::ostream& out, const Device& d) { return out << d.str(); }

inline const Device kCPU{DeviceType::CPU, 0};

}  // namespace striate
