// Automatic mixed precision: the per-thread autocast state that striate.autocast sets, as
// torch.autocast keeps it (one state per device type, a nesting depth, a cache of casts).
//   striate::autocast::Guard guard(DeviceType::CPU, DType::BFloat16);  // conv2d/linear/matmul in bfloat16
//   Tensor y = striate::conv2d(x, w, b, {});                           // x, w, b float32; y bfloat16
// Ops read it through ops/reduced_precision.h (STRIATE_AUTOCAST): lower-precision ops cast their
// floating arguments to the low dtype, float32 ops (losses; softmax and norms on CUDA) to float32.
#pragma once
#include "striate/core/device.h"
#include "striate/core/dtype.h"
#include "striate/core/tensor.h"

namespace striate::autocast {

bool is_enabled(DeviceType device);
void set_enabled(DeviceType device, bool enabled);
// The low dtype of `device`: bfloat16 on the CPU and float16 on CUDA unless set.
DType dtype(DeviceType device);
void set_dtype(DeviceType device, DType dtype);
bool is_cache_enabled();
void set_cache_enabled(bool enabled);
// The nesting depth of autocast regions; leaving the outermost one clears the cast cache.
int increment_nesting();
int decrement_nesting();
void clear_cache();

// `t` cast to `dtype` by `cast`, cached while the outermost autocast region lasts when `t` is a
// leaf that requires grad (a parameter, cast once per forward however often it is used).
Tensor cached_cast(const Tensor& t, DType dtype, Tensor (*cast)(const Tensor&, DType));

// Sets one device type's state for a scope and restores it after (C++ users and tests).
class Guard {
 public:
  Guard(DeviceType device, DType dtype, bool enabled = true);
  ~Guard();
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  DeviceType device_;
  bool was_enabled_;
  DType old_dtype_;
};

}  // namespace striate::autocast
