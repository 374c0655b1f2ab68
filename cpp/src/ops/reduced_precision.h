// float16 / bfloat16 compute: the one path every op takes for 16-bit floating tensors. The op's
// 16-bit tensor arguments are cast to float32, the float32 op runs (kernels exist for float32 on
// every device), and its floating results are rounded back to the 16-bit dtype. The casts are
// ordinary differentiable to_dtype calls, so autograd records them: gradients flow back in the
// argument's own dtype, as PyTorch gives a float16 parameter a float16 gradient. An argument the
// op writes in place (batch_norm's running statistics) is copied back after the call.
//   Tensor relu(const Tensor& x) {
//     STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), relu, x);   // returns early for float16/bfloat16
//     ...                                               // the float32/float64 op as before
// The first argument is the dtype the results take: the input's dtype for unary-like ops (placed
// after the op's own dtype checks), the promoted dtype for binary ops.
#pragma once
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "ops/elementwise_internal.h"
#include "striate/autograd.h"
#include "striate/core/autocast.h"
#include "striate/ops/elementwise.h"

namespace striate::reduced_precision {

// The tensors of one call, cast up, remembered to copy back what the op wrote into them.
class Upcast {
 public:
  Tensor up(const Tensor& t) {
    if (!t.defined() || !is_reduced_float(t.dtype())) return t;
    Tensor wide = to_dtype(t, DType::Float32);
    written_.push_back({t, wide, wide.storage()->version()});
    return wide;
  }
  std::optional<Tensor> up(const std::optional<Tensor>& t) {
    if (!t) return t;
    return up(*t);
  }
  std::vector<Tensor> up(const std::vector<Tensor>& ts) {
    std::vector<Tensor> out;
    out.reserve(ts.size());
    for (const Tensor& t : ts) out.push_back(up(t));
    return out;
  }
  template <typename T>
  const T& up(const T& value) {
    return value;
  }
  // Copies the values the op wrote into an upcast argument back into the 16-bit original.
  void write_back() {
    for (auto& w : written_) {
      if (w.wide.storage()->version() == w.version) continue;
      NoGradGuard no_grad;
      elementwise::copy_kernel(w.original, w.wide);
      w.original.bump_version();
    }
  }

 private:
  struct Written {
    Tensor original, wide;
    uint32_t version;
  };
  std::vector<Written> written_;
};

// Rounds the float32 floating results of the float32 op to `dtype`; other results pass through.
inline Tensor down(const Tensor& t, DType dtype) {
  if (!t.defined() || t.dtype() != DType::Float32) return t;
  return to_dtype(t, dtype);
}
inline std::vector<Tensor> down(std::vector<Tensor> ts, DType dtype) {
  for (Tensor& t : ts) t = down(t, dtype);
  return ts;
}
template <typename... T>
std::tuple<T...> down(const std::tuple<T...>& ts, DType dtype) {
  return std::apply([&](const auto&... t) { return std::tuple<T...>(down(t, dtype)...); }, ts);
}
template <typename A, typename B>
std::pair<A, B> down(const std::pair<A, B>& ts, DType dtype) {
  return {down(ts.first, dtype), down(ts.second, dtype)};
}

// Autocast off while the float32 op runs: it would cast the upcast arguments down again.
class AutocastSuspended {
 public:
  AutocastSuspended() : cpu_(autocast::is_enabled(DeviceType::CPU)), cuda_(autocast::is_enabled(DeviceType::CUDA)) {
    autocast::set_enabled(DeviceType::CPU, false);
    autocast::set_enabled(DeviceType::CUDA, false);
  }
  ~AutocastSuspended() {
    autocast::set_enabled(DeviceType::CPU, cpu_);
    autocast::set_enabled(DeviceType::CUDA, cuda_);
  }
  AutocastSuspended(const AutocastSuspended&) = delete;
  AutocastSuspended& operator=(const AutocastSuspended&) = delete;

 private:
  bool cpu_, cuda_;
};

template <typename F, typename... A>
auto call_in_float32(DType dtype, const F& f, const A&... args) {
  AutocastSuspended autocast_off;
  Upcast upcast;
  auto result = f(upcast.up(args)...);
  upcast.write_back();
  return down(result, dtype);
}

// ---- autocast -------------------------------------------------------------------------------

// What an op does under autocast (torch's lists for CNNs): LowerPrecision casts its floating
// arguments to the autocast dtype (conv, linear, matmul); Float32 to float32 (losses);
// Float32OnCuda to float32 on CUDA only (softmax, log_softmax, layer_norm, group_norm: on the CPU
// PyTorch runs them in the input's dtype). float64 tensors are never cast, as in PyTorch.
enum class CastPolicy { LowerPrecision, Float32, Float32OnCuda };

inline bool autocast_eligible(const Tensor& t) {
  return t.defined() && is_floating(t.dtype()) && t.dtype() != DType::Float64;
}
inline const Tensor* first_tensor(const Tensor& t) { return t.defined() ? &t : nullptr; }
inline const Tensor* first_tensor(const std::optional<Tensor>& t) { return t && t->defined() ? &*t : nullptr; }
template <typename T>
const Tensor* first_tensor(const T&) {
  return nullptr;
}
inline bool needs_cast(const Tensor& t, DType target) { return autocast_eligible(t) && t.dtype() != target; }
inline bool needs_cast(const std::optional<Tensor>& t, DType target) { return t && needs_cast(*t, target); }
template <typename T>
bool needs_cast(const T&, DType) {
  return false;
}

// The dtype autocast casts this call's arguments to, or nullopt (autocast off for their device,
// or nothing to cast: the call after the cast lands here again and runs).
template <typename... A>
std::optional<DType> autocast_target(CastPolicy policy, const A&... args) {
  const Tensor* first = nullptr;
  ((first = first ? first : first_tensor(args)), ...);
  if (!first) return std::nullopt;
  const DeviceType device = first->device().type;
  if (!autocast::is_enabled(device)) return std::nullopt;
  if (policy == CastPolicy::Float32OnCuda && device != DeviceType::CUDA) return std::nullopt;
  const DType target = policy == CastPolicy::LowerPrecision ? autocast::dtype(device) : DType::Float32;
  if (!(needs_cast(args, target) || ...)) return std::nullopt;
  return target;
}

inline Tensor autocast_cast(const Tensor& t, DType target) {
  if (!needs_cast(t, target)) return t;
  return autocast::cached_cast(t, target, &to_dtype);
}
inline std::optional<Tensor> autocast_cast(const std::optional<Tensor>& t, DType target) {
  if (!t) return t;
  return autocast_cast(*t, target);
}
template <typename T>
const T& autocast_cast(const T& value, DType) {
  return value;
}

}  // namespace striate::reduced_precision

// Under striate.autocast, calls `function` again with its floating arguments cast as `policy`
// says, and returns that; does nothing when autocast is off or the arguments are cast already.
#define STRIATE_AUTOCAST(policy, function, ...)                                                         \
  do {                                                                                                  \
    using ::striate::reduced_precision::CastPolicy;                                                     \
    if (const auto striate_target = ::striate::reduced_precision::autocast_target(policy, __VA_ARGS__)) \
      return [&](const auto&... striate_args) {                                                         \
        return function(::striate::reduced_precision::autocast_cast(striate_args, *striate_target)...); \
      }(__VA_ARGS__);                                                                                   \
  } while (0)

// Runs `function` in float32 and returns its results rounded to `result_dtype` when that is
// float16 or bfloat16; does nothing otherwise.
#define STRIATE_COMPUTE_IN_FLOAT32(result_dtype, function, ...)                                                       \
  do {                                                                                                                \
    const ::striate::DType striate_result_dtype = (result_dtype);                                                     \
    if (::striate::is_reduced_float(striate_result_dtype))                                                            \
      return ::striate::reduced_precision::call_in_float32(                                                           \
          striate_result_dtype, [&](const auto&... striate_args) { return function(striate_args...); }, __VA_ARGS__); \
  } while (0)

// Calls the lambda with scalar_t bound to float, double, Half or BFloat16: for the kernels that
// add or update values in the tensor's own dtype (the 16-bit types compute in float32 and round
// each stored value, as PyTorch's CPU kernels do), where the float32 detour above would cost a
// copy of the whole tensor.
#define STRIATE_DISPATCH_FLOATING_AND_REDUCED(DTYPE, NAME, ...)                        \
  [&] {                                                                                \
    switch (DTYPE) {                                                                   \
      STRIATE_DTYPE_CASE(::striate::DType::Float16, ::striate::Half, __VA_ARGS__)      \
      STRIATE_DTYPE_CASE(::striate::DType::BFloat16, ::striate::BFloat16, __VA_ARGS__) \
      default: return STRIATE_DISPATCH_FLOATING(DTYPE, NAME, __VA_ARGS__);             \
    }                                                                                  \
  }()
