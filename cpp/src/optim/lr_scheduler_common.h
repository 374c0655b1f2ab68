// Helpers the learning-rate schedule files share (internal to cpp/src/optim/).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "striate/core/error.h"

namespace striate::optim::internal {

constexpr double kPi = 3.14159265358979323846;

inline std::vector<double> scaled(std::vector<double> lrs, double factor) {
  for (double& lr : lrs) lr *= factor;
  return lrs;
}

// The number of milestones <= epoch, milestones sorted.
inline int64_t milestones_passed(const std::vector<int64_t>& milestones, int64_t epoch) {
  return std::upper_bound(milestones.begin(), milestones.end(), epoch) - milestones.begin();
}

// One value for every group, or one per group.
inline std::vector<double> per_group(const std::vector<double>& values, size_t groups, const char* schedule,
                                     const char* name) {
  if (values.size() == 1) return std::vector<double>(groups, values[0]);
  STRIATE_CHECK(values.size() == groups, schedule, ": expected ", groups, " values for ", name, ", got ",
                values.size());
  return values;
}

}  // namespace striate::optim::internal
