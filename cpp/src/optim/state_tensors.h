// Internal helpers of the optimizers' state: the named tensors a state dict lists, and their
// checked reading back when a state dict is loaded.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "striate/core/error.h"
#include "striate/core/tensor.h"
#include "striate/ops/creation.h"
#include "striate/optim/optimizer.h"

namespace striate::optim::detail {

using optim::NamedTensors;

// torch keeps the step count as a float32 scalar tensor; state dicts follow it.
inline Tensor step_tensor(int64_t step) { return scalar_tensor(static_cast<double>(step), DType::Float32); }

// The tensor called name, or undefined when absent.
inline Tensor find_tensor(const NamedTensors& tensors, const std::string& name) {
  for (const auto& [key, tensor] : tensors) {
    if (key == name) return tensor;
  }
  return Tensor();
}

// A private copy of the state tensor called name, cast to the parameter's dtype; a missing tensor
// is an error when required, else undefined.
inline Tensor load_buffer(const NamedTensors& tensors, const std::string& name, const Tensor& param,
                          const std::string& optimizer, bool required = true) {
  Tensor value = find_tensor(tensors, name);
  if (!value.defined()) {
    STRIATE_CHECK(!required, optimizer, ": load_state_dict: the state of a parameter has no '", name, "' tensor");
    return Tensor();
  }
  STRIATE_CHECK_SHAPE(value.shape() == param.shape(), optimizer, ": load_state_dict: expected '", name, "' of shape ",
                      param.shape(), " (the parameter's), got ", value.shape());
  // State lives where its parameter lives (a CPU checkpoint loads into a model on a GPU).
  Tensor moved = value.detach().to(param.device());
  Tensor out = moved.to(param.dtype()).contiguous();
  return out.impl()->storage() == value.impl()->storage() ? out.clone() : out;  // never alias the dict
}

// The step count stored under "step" (0 when absent).
inline int64_t load_step(const NamedTensors& tensors, const std::string& optimizer) {
  Tensor value = find_tensor(tensors, "step");
  if (!value.defined()) return 0;
  STRIATE_CHECK(value.numel() == 1, optimizer, ": load_state_dict: expected a scalar 'step', got shape ",
                value.shape());
  double step = value.item_double();
  // Bounded before the conversion: a double past int64's range (or NaN/Inf) converts undefined
  // (UBSan, fuzz_model: a checkpoint whose 'step' was 7.6e31).
  STRIATE_CHECK(step >= 0 && step <= 9007199254740992.0, optimizer,
                ": load_state_dict: expected 'step' in [0, 2^53], got ", step);
  return static_cast<int64_t>(step);
}

// The value of the scalar state tensor called name (torch's NAdam mu_product, ASGD eta and mu),
// or fallback when absent and not required.
inline double load_scalar(const NamedTensors& tensors, const std::string& name, const std::string& optimizer,
                          double fallback, bool required = true) {
  Tensor value = find_tensor(tensors, name);
  if (!value.defined()) {
    STRIATE_CHECK(!required, optimizer, ": load_state_dict: the state of a parameter has no '", name, "' tensor");
    return fallback;
  }
  STRIATE_CHECK(value.numel() == 1, optimizer, ": load_state_dict: expected a scalar '", name, "', got shape ",
                value.shape());
  return value.item_double();
}

}  // namespace striate::optim::detail
