// The parameters of one group collected for a fused update (kernels/optimizer.h), by dtype.
#pragma once
#include <vector>

#include "striate/core/device.h"

namespace striate::optim::detail {

template <template <typename> class Entry>
struct FusedBatch {
  std::vector<Entry<float>> floats;
  std::vector<Entry<double>> doubles;
  Device float_device, double_device;  // the CPU: only devices with the kernel are collected
  void add(const Entry<float>& entry, Device device) {
    floats.push_back(entry);
    float_device = device;
  }
  void add(const Entry<double>& entry, Device device) {
    doubles.push_back(entry);
    double_device = device;
  }
};

}  // namespace striate::optim::detail
