// The elementwise kernels on the CPU: one strided loop (loops.h) per op, so the inner loops stay
// branch-free and vectorizable; exp and log of floating tensors run the SIMD kernels of
// vector_math.h.
#include "kernels/elementwise.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/vector_math.h"

namespace striate::kernels::cpu {
namespace {

template <typename T>
T apply_binary(BinaryOp op, T x, T y, T alpha) {
  switch (op) {
    case BinaryOp::Add: return x + alpha * y;
    case BinaryOp::Sub: return x - alpha * y;
    case BinaryOp::Mul: return x * y;
    case BinaryOp::Div: return x / y;
    case BinaryOp::Pow: return static_cast<T>(std::pow(x, y));
    case BinaryOp::Maximum: return (x != x || x > y) ? x : y;  // NaN propagates
    case BinaryOp::Minimum: return (x != x || x < y) ? x : y;
  }
  return x;
}

void binary(const Tensor& out, const Tensor& a, const Tensor& b, BinaryOp op, Scalar alpha) {
  const char* name = kernels::binary(op).name();
  if (out.dtype() == DType::Bool) {
    STRIATE_CHECK_TYPE(op == BinaryOp::Add || op == BinaryOp::Mul || op == BinaryOp::Maximum || op == BinaryOp::Minimum,
                       name, ": not supported for bool tensors");
    binary_loop<bool, bool>(out, a, b, [op](bool x, bool y) {
      return op == BinaryOp::Add || op == BinaryOp::Maximum ? (x || y) : (x && y);
    });
    return;
  }
  STRIATE_DISPATCH_NUMERIC(out.dtype(), name, [&] {
    scalar_t al = alpha.to<scalar_t>();
    switch (op) {
      case BinaryOp::Add:
        if (alpha.to_double() == 1.0)
          binary_loop<scalar_t, scalar_t>(out, a, b, [](scalar_t x, scalar_t y) { return x + y; });
        else
          binary_loop<scalar_t, scalar_t>(out, a, b, [al](scalar_t x, scalar_t y) { return x + al * y; });
        break;
      case BinaryOp::Sub:
        binary_loop<scalar_t, scalar_t>(out, a, b, [al](scalar_t x, scalar_t y) { return x - al * y; });
        break;
      case BinaryOp::Mul:
        binary_loop<scalar_t, scalar_t>(out, a, b, [](scalar_t x, scalar_t y) { return x * y; });
        break;
      case BinaryOp::Div:
        if constexpr (std::is_integral_v<scalar_t>) {
          binary_loop<scalar_t, scalar_t>(
              out, a, b, [](scalar_t x, scalar_t y) { return y == 0 ? scalar_t(0) : static_cast<scalar_t>(x / y); });
        } else {
          binary_loop<scalar_t, scalar_t>(out, a, b, [](scalar_t x, scalar_t y) { return x / y; });
        }
        break;
      default:
        binary_loop<scalar_t, scalar_t>(out, a, b,
                                        [op, al](scalar_t x, scalar_t y) { return apply_binary(op, x, y, al); });
    }
  });
}

void compare(const Tensor& out, const Tensor& a, const Tensor& b, CompareOp op) {
  STRIATE_DISPATCH_ALL(a.dtype(), "compare", [&] {
    binary_loop<bool, scalar_t>(out, a, b, [op](scalar_t x, scalar_t y) -> bool {
      switch (op) {
        case CompareOp::Eq: return x == y;
        case CompareOp::Ne: return x != y;
        case CompareOp::Lt: return x < y;
        case CompareOp::Le: return x <= y;
        case CompareOp::Gt: return x > y;
        case CompareOp::Ge: return x >= y;
        case CompareOp::And: return static_cast<bool>(x) && static_cast<bool>(y);
        case CompareOp::Or: return static_cast<bool>(x) || static_cast<bool>(y);
      }
      return false;
    });
  });
}

// out = f(in) through the SIMD map: contiguous runs directly, strided ones through a buffer.
template <typename T>
void vector_function_loop(const Tensor& out, const Tensor& in, VectorFunction f) {
  const auto& vk = vector_kernels<T>();
  auto it = make_operands<2>(out.sizes(), {&out, &in});
  for_each_run<2>(it, [&](const std::array<char*, 2>& p, int64_t n, const std::array<int64_t, 2>& s) {
    if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
      vk.map(f, reinterpret_cast<T*>(p[0]), reinterpret_cast<const T*>(p[1]), n);
      return;
    }
    constexpr int64_t kBuffer = 256;
    T buffer[kBuffer];
    for (int64_t first = 0; first < n; first += kBuffer) {
      const int64_t count = std::min(kBuffer, n - first);
      for (int64_t i = 0; i < count; ++i) buffer[i] = *reinterpret_cast<const T*>(p[1] + (first + i) * s[1]);
      vk.map(f, buffer, buffer, count);
      for (int64_t i = 0; i < count; ++i) *reinterpret_cast<T*>(p[0] + (first + i) * s[0]) = buffer[i];
    }
  });
}

void unary(const Tensor& out, const Tensor& in, UnaryOp op, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  if ((op == UnaryOp::Exp || op == UnaryOp::Log) && out.dtype() == in.dtype() &&
      (out.dtype() == DType::Float32 || out.dtype() == DType::Float64)) {
    const VectorFunction f = op == UnaryOp::Exp ? VectorFunction::Exp : VectorFunction::Log;
    if (out.dtype() == DType::Float32)
      vector_function_loop<float>(out, in, f);
    else
      vector_function_loop<double>(out, in, f);
    return;
  }
  if (out.dtype() == DType::Bool) {
    unary_loop<bool, bool>(out, in, [](bool v) { return v; });
    return;
  }
  STRIATE_DISPATCH_NUMERIC(out.dtype(), "unary", [&] {
    using T = scalar_t;
    switch (op) {
      case UnaryOp::Neg: unary_loop<T, T>(out, in, [](T v) { return static_cast<T>(-v); }); break;
      case UnaryOp::Abs: unary_loop<T, T>(out, in, [](T v) { return v < 0 ? static_cast<T>(-v) : v; }); break;
      case UnaryOp::Exp: unary_loop<T, T>(out, in, [](T v) { return static_cast<T>(std::exp(v)); }); break;
      case UnaryOp::Log: unary_loop<T, T>(out, in, [](T v) { return static_cast<T>(std::log(v)); }); break;
      case UnaryOp::Sqrt: unary_loop<T, T>(out, in, [](T v) { return static_cast<T>(std::sqrt(v)); }); break;
      case UnaryOp::Sign: unary_loop<T, T>(out, in, [](T v) { return static_cast<T>((T(0) < v) - (v < T(0))); }); break;
      case UnaryOp::Clamp: {
        bool has_lo = lo.has_value(), has_hi = hi.has_value();
        T l = has_lo ? lo->to<T>() : T(0), h = has_hi ? hi->to<T>() : T(0);
        unary_loop<T, T>(out, in, [=](T v) {
          if (v != v) return v;  // NaN passes through
          if (has_lo && v < l) v = l;
          if (has_hi && v > h) v = h;
          return v;
        });
        break;
      }
    }
  });
}

void copy(const Tensor& dst, const Tensor& src) {
  STRIATE_DISPATCH_ALL_AND_REDUCED(dst.dtype(), "copy_", [&] {
    using Out = scalar_t;
    STRIATE_DISPATCH_ALL_AND_REDUCED(
        src.dtype(), "copy_", [&] { unary_loop<Out, scalar_t>(dst, src, [](scalar_t v) { return convert<Out>(v); }); });
  });
}

void where(const Tensor& out, const Tensor& condition, const Tensor& a, const Tensor& b) {
  STRIATE_DISPATCH_ALL_AND_REDUCED(out.dtype(), "where", [&] {
    ternary_loop<scalar_t>(out, condition, a, b, [](bool k, scalar_t x, scalar_t y) { return k ? x : y; });
  });
}

// Writes only: the destination's old bytes are never read (they may be uninitialized memory,
// which is not a valid bool).
void fill(const Tensor& dst, Scalar value) {
  STRIATE_DISPATCH_ALL_AND_REDUCED(dst.dtype(), "fill_", [&] {
    const scalar_t v = value.to<scalar_t>();
    auto it = make_operands<1>(dst.sizes(), {&dst});
    for_each_run<1>(it, [&](const std::array<char*, 1>& p, int64_t n, const std::array<int64_t, 1>& s) {
      if (s[0] == static_cast<int64_t>(sizeof(scalar_t))) {
        std::fill_n(reinterpret_cast<scalar_t*>(p[0]), n, v);
      } else {
        for (int64_t i = 0; i < n; ++i) *reinterpret_cast<scalar_t*>(p[0] + i * s[0]) = v;
      }
    });
  });
}

}  // namespace

// One implementation serves every binary op's kernel object.
[[maybe_unused]] static const bool binary_implemented = [] {
  for (BinaryOp op : {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::Pow, BinaryOp::Maximum,
                      BinaryOp::Minimum})
    kernels::binary(op).implement(DeviceType::CPU, &binary);
  return true;
}();
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, compare);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, unary);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, copy);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, where);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, fill);

}  // namespace striate::kernels::cpu
