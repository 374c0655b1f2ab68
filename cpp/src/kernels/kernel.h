// The device seam under every op: a kernel is declared once, device-neutrally, as a Kernel<Signature>
// object; each backend implements it under the same name (kernels::cpu now, kernels::cuda next)
// and registers its function at load time. Ops call the object with the device their tensors live
// on; a device without an implementation raises NotImplementedError instead of ever handing its
// memory to another device's code. While a profile runs, each call is recorded under the kernel's
// name (striate/profiler.h), with the cost the op announced (STRIATE_PROFILE_COST) or, for
// tensor-level kernels, the bytes of its tensor arguments.
//   // kernels/conv.h (declaration, once):
//   template <typename T>
//   inline Kernel<void(T* output, const T* input, ...)> conv2d_forward{"conv2d_forward", dtype_of<T>::value};
//   // kernels/cpu/conv.cpp (implementation):
//   STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_forward<float>);  // inside namespace kernels::cpu
//   // ops/conv.cpp (call):
//   kernels::conv2d_forward<scalar_t>(device, y.data<scalar_t>(), ...);
#pragma once
#include <optional>
#include <type_traits>

#include "striate/core/device.h"
#include "striate/core/dtype.h"
#include "striate/profiler.h"

namespace striate {
class Tensor;
}  // namespace striate

namespace striate::kernels {

inline constexpr int kDeviceTypes = 2;  // DeviceType::CPU, DeviceType::CUDA
constexpr int device_slot(DeviceType type) { return static_cast<int>(type); }
// "CPU" / "CUDA", as error messages spell a backend.
const char* backend_name(DeviceType type);

// What every kernel object shares, whatever its signature: its name and which devices implement it
// (the op registry reads this to answer "does conv2d run on CUDA?").
class KernelBase {
 public:
  constexpr KernelBase(const char* name, std::optional<DType> dtype) : name_(name), dtype_(dtype) {}
  const char* name() const { return name_; }
  std::optional<DType> dtype() const { return dtype_; }
  bool implemented_on(DeviceType type) const { return impl_[device_slot(type)] != nullptr; }

 protected:
  using Erased = void (*)();  // every function pointer converts to this and back losslessly
  void set(DeviceType type, Erased fn) { impl_[device_slot(type)] = fn; }
  // The implementation for `device`, made current (CUDA: the device index) before the call.
  Erased get(Device device) const {
    Erased fn = impl_[device_slot(device.type)];
    if (!fn) raise_missing(device);
    if (!device.is_cpu()) make_current(device);
    return fn;
  }

 private:
  [[noreturn]] void raise_missing(Device device) const;
  static void make_current(Device device);
  const char* name_;
  std::optional<DType> dtype_;
  Erased impl_[kDeviceTypes] = {};
};

// The profiler's default cost of a call: the bytes of its tensor arguments (numel x element size,
// read or written), or -1 (unknown) for a pointer-level kernel.
int64_t tensor_bytes(const Tensor& tensor);
template <typename A>
int64_t argument_bytes(const A&) {
  return 0;
}
inline int64_t argument_bytes(const Tensor& tensor) { return tensor_bytes(tensor); }
template <typename... A>
int64_t call_bytes(const A&... args) {
  if constexpr ((std::is_same_v<A, Tensor> || ...)) {
    return (int64_t{0} + ... + argument_bytes(args));
  } else {
    return -1;
  }
}

template <typename Signature>
class Kernel;

template <typename R, typename... Args>
class Kernel<R(Args...)> : public KernelBase {
 public:
  using Function = R (*)(Args...);
  constexpr explicit Kernel(const char* name, std::optional<DType> dtype = std::nullopt) : KernelBase(name, dtype) {}

  void implement(DeviceType type, Function fn) { set(type, reinterpret_cast<Erased>(fn)); }
  R operator()(Device device, Args... args) const {
    const auto function = reinterpret_cast<Function>(get(device));
    if (__builtin_expect(profiler::is_enabled(), 0)) return profiled_call(function, args...);
    return function(args...);
  }

 private:
  // Out of line, so the unprofiled call stays as small as it was.
  [[gnu::noinline, gnu::cold]] R profiled_call(Function function, Args... args) const {
    const profiler::detail::KernelRecord record(name(), call_bytes(args...));
    return function(args...);
  }
};

}  // namespace striate::kernels

#define STRIATE_KERNEL_CONCAT_INNER(a, b) a##b
#define STRIATE_KERNEL_CONCAT(a, b) STRIATE_KERNEL_CONCAT_INNER(a, b)
// Registers the backend's function `name` (written inside its namespace, kernels::cpu or
// kernels::cuda) as the implementation of the kernel object kernels::name on `device_type`, at load
// time: STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, gemm<float>).
#define STRIATE_IMPLEMENT_KERNEL(device_type, ...)                                              \
  [[maybe_unused]] static const bool STRIATE_KERNEL_CONCAT(striate_kernel_impl_, __COUNTER__) = \
      ((::striate::kernels::__VA_ARGS__).implement(device_type, &__VA_ARGS__), true)
