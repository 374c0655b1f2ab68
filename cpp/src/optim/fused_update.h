// The parameters of one group collected for a fused update (kernels/optimizer.h), by dtype.
#pragma once
#include <cstdint>
#include <type_traits>
#include <vector>

#include "striate/core/device.h"
#include "striate/core/dtype.h"
#include "striate/core/half.h"

namespace striate::optim::detail {

template <template <typename> class Entry>
struct FusedBatch {
  // The entries of one dtype and their device (only devices with the kernel are collected; one
  // launch takes one device, so a parameter of the dtype on another device goes op by op: takes()).
  template <typename T>
  struct Part {
    using type = T;
    std::vector<Entry<T>> entries;
    Device device;
    int64_t size() const { return static_cast<int64_t>(entries.size()); }
  };
  Part<float> floats;
  Part<double> doubles;
  Part<Half> halves;
  Part<BFloat16> bfloat16s;

  // Whether a parameter of this dtype on this device can join the batch.
  bool takes(DType dtype, Device device) const {
    switch (dtype) {
      case DType::Float32: return floats.entries.empty() || floats.device == device;
      case DType::Float64: return doubles.entries.empty() || doubles.device == device;
      case DType::Float16: return halves.entries.empty() || halves.device == device;
      case DType::BFloat16: return bfloat16s.entries.empty() || bfloat16s.device == device;
      default: return false;
    }
  }
  template <typename T>
  void add(const Entry<T>& entry, Device device) {
    Part<T>& part = part_of<T>();
    part.entries.push_back(entry);
    part.device = device;
  }
  // Calls launch(part) for every dtype with entries; part's type names the dtype.
  template <typename Launch>
  void launch(const Launch& f) {
    if (!floats.entries.empty()) f(floats);
    if (!doubles.entries.empty()) f(doubles);
    if (!halves.entries.empty()) f(halves);
    if (!bfloat16s.entries.empty()) f(bfloat16s);
  }

 private:
  template <typename T>
  Part<T>& part_of() {
    if constexpr (std::is_same_v<T, float>) return floats;
    if constexpr (std::is_same_v<T, double>) return doubles;
    if constexpr (std::is_same_v<T, Half>) return halves;
    if constexpr (std::is_same_v<T, BFloat16>) return bfloat16s;
  }
};

}  // namespace striate::optim::detail
