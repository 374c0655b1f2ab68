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

/// Whether autocast is on for `device` on this thread.
/// @param device the device type.
/// @return the flag.
bool is_enabled(DeviceType device);
/// Turns autocast on or off for `device` on this thread.
/// @param device the device type.
/// @param enabled the flag.
void set_enabled(DeviceType device, bool enabled);
/// The low dtype of `device`: bfloat16 on the CPU and float16 on CUDA unless set.
/// @param device the device type.
/// @return the dtype.
DType dtype(DeviceType device);
/// Sets the low dtype of `device` on this thread.
/// @param device the device type.
/// @param dtype Float16 or BFloat16.
/// @throws ValueError for another dtype.
void set_dtype(DeviceType device, DType dtype);
/// Whether casts of parameters are cached.
/// @return the flag.
bool is_cache_enabled();
/// Turns the cast cache on or off.
/// @param enabled the flag.
void set_cache_enabled(bool enabled);
/// The nesting depth of autocast regions; leaving the outermost one clears the cast cache.
/// @return the new depth.
int increment_nesting();
/// Leaves a region (clears the cache at depth 0).
/// @return the new depth.
int decrement_nesting();
/// Drops every cached cast.
void clear_cache();

/// `t` cast to `dtype` by `cast`, cached while the outermost autocast region lasts when `t` is a
/// leaf that requires grad (a parameter, cast once per forward however often it is used).
/// @param t the tensor.
/// @param dtype the target dtype.
/// @param cast the cast function.
/// @return the cast tensor.
Tensor cached_cast(const Tensor& t, DType dtype, Tensor (*cast)(const Tensor&, DType));

/// Sets one device type's state for a scope and restores it after (C++ users and tests).
/// Not copyable.
class Guard {
 public:
  /// @param device the device type.
  /// @param dtype the low dtype.
  /// @param enabled autocast on (default true) or off in the scope.
  /// @throws ValueError for a dtype other than Float16 and BFloat16.
  Guard(DeviceType device, DType dtype, bool enabled = true);
  /// Restores the saved state.
  ~Guard();
  /// Not copyable.
  Guard(const Guard&) = delete;
  /// Not copy-assignable.
  Guard& operator=(const Guard&) = delete;

 private:
  DeviceType device_;
  bool was_enabled_;
  DType old_dtype_;
};

}  // namespace striate::autocast
