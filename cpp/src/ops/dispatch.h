// The one dispatch point of every op: the device its tensors live on, checked to be one device and
// to have a kernel for the op, before anything is allocated.
//   const Device device = dispatch::device_of("conv2d", {{"input", input}, {"weight", weight}, {"bias", bias}});
//   Tensor y = empty(shape, TensorOptions(input.dtype()).set_device(device));
//   kernels::conv2d_forward<scalar_t>(device, ...);
// Every op is registered (STRIATE_REGISTER_OP) with the kernels it runs, forward and backward, so
// the registry answers "does conv2d run on CUDA?" from the kernels themselves.
#pragma once
#include <initializer_list>
#include <optional>

#include "kernels/kernel.h"
#include "striate/core/tensor.h"

namespace striate::dispatch {

// One tensor argument of an op, with the name error messages use; undefined tensors are skipped.
struct TensorArg {
  TensorArg(const char* name, const Tensor& tensor) : name(name), tensor(tensor.defined() ? &tensor : nullptr) {}
  TensorArg(const char* name, const std::optional<Tensor>& tensor)
      : name(name), tensor(tensor && tensor->defined() ? &*tensor : nullptr) {}
  const char* name;
  const Tensor* tensor;
};

// The device of op's first defined tensor argument. Raises ValueError when another argument lives on
// another device (naming both), and NotImplementedError ("conv2d: no CUDA kernel yet (input on
// cuda:0)") when a kernel the op needs has no implementation there. CPU: every op has its kernels.
Device device_of(const char* op, std::initializer_list<TensorArg> args);
// The same check for one tensor.
inline Device device_of(const char* op, const Tensor& input) { return device_of(op, {{"input", input}}); }
// Raises NotImplementedError unless every kernel of `op` is implemented on `device`; `arg` names the
// tensor that lives there.
void require_kernels(const char* op, Device device, const char* arg = "input");

// Adds an op and the kernels it runs to the registry (at load time, from the op's file).
struct OpRegistration {
  OpRegistration(const char* op, std::initializer_list<const kernels::KernelBase*> kernels);
};

}  // namespace striate::dispatch

#define STRIATE_REGISTER_OP(op, ...)                                                                                 \
  [[maybe_unused]] static const ::striate::dispatch::OpRegistration STRIATE_KERNEL_CONCAT(striate_op_, __COUNTER__)( \
      op, {__VA_ARGS__})
