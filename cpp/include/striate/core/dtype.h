// Element types of a Tensor and the compile-time mapping between DType and C++ scalar types.
//   STRIATE_DISPATCH_FLOATING(x.dtype(), "relu", [&] { kernel<scalar_t>(...); });
#pragma once
#include <cstdint>
#include <ostream>
#include <string>

#include "striate/core/error.h"
#include "striate/core/half.h"

namespace striate {

/// The element type of a tensor.
/// Float16 and BFloat16 are storage types: ops compute them in float32 (ops/reduced_precision.h).
enum class DType : uint8_t { Float32, Float64, Int64, UInt8, Bool, Float16, BFloat16 };
/// @var DType::Float32
/// 32-bit IEEE float (the default).
/// @var DType::Float64
/// 64-bit IEEE float.
/// @var DType::Int64
/// 64-bit signed integer.
/// @var DType::UInt8
/// 8-bit unsigned integer (images).
/// @var DType::Bool
/// Boolean, one byte.
/// @var DType::Float16
/// IEEE half precision (storage type).
/// @var DType::BFloat16
/// bfloat16 (storage type).

/// The size of one element.
/// @param t the dtype.
/// @return its size in bytes.
inline size_t element_size(DType t) {
  switch (t) {
    case DType::Float32: return 4;
    case DType::Float64: return 8;
    case DType::Int64: return 8;
    case DType::UInt8: return 1;
    case DType::Bool: return 1;
    case DType::Float16: return 2;
    case DType::BFloat16: return 2;
  }
  return 0;
}

/// @param t the dtype.
/// @return its name ("float32").
inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int64: return "int64";
    case DType::UInt8: return "uint8";
    case DType::Bool: return "bool";
    case DType::Float16: return "float16";
    case DType::BFloat16: return "bfloat16";
  }
  return "?";
}

/// Writes dtype_name(t).
/// @param out the stream.
/// @param t the dtype.
/// @return out.
inline std::ostream& operator<<(std::ostream& out, DType t) { return out << dtype_name(t); }

/// float16 and bfloat16: stored in 16 bits, computed in float32.
/// @param t the dtype.
/// @return the flag.
inline bool is_reduced_float(DType t) { return t == DType::Float16 || t == DType::BFloat16; }
/// Whether t is a floating type.
/// @param t the dtype.
/// @return the flag.
inline bool is_floating(DType t) { return t == DType::Float32 || t == DType::Float64 || is_reduced_float(t); }
/// Whether t is an integer type.
/// @param t the dtype.
/// @param include_bool count bool as integral (default false).
/// @return the flag.
inline bool is_integral(DType t, bool include_bool = false) {
  return t == DType::Int64 || t == DType::UInt8 || (include_bool && t == DType::Bool);
}

/// Type promotion for binary ops, as NumPy/PyTorch do it for tensors of equal rank category:
/// bool < uint8 < int64 < float16, bfloat16 < float32 < float64; float16 with bfloat16 gives float32.
/// @param t the dtype.
/// @return its rank.
inline int dtype_rank(DType t) {
  switch (t) {
    case DType::Bool: return 0;
    case DType::UInt8: return 1;
    case DType::Int64: return 2;
    case DType::Float16: return 3;
    case DType::BFloat16: return 3;
    case DType::Float32: return 4;
    case DType::Float64: return 5;
  }
  return 0;
}
/// The result type of a binary op on a and b.
/// @param a the first dtype.
/// @param b the second dtype.
/// @return the promoted dtype.
inline DType promote_types(DType a, DType b) {
  if (a != b && is_reduced_float(a) && is_reduced_float(b)) return DType::Float32;
  return dtype_rank(a) >= dtype_rank(b) ? a : b;
}

/// The DType of a C++ scalar type (`dtype_of<float>::value` is Float32).
/// @tparam T the C++ type.
template <typename T>
struct dtype_of;
template <>
/// float is Float32.
struct dtype_of<float> {
  /// The DType.
  static constexpr DType value = DType::Float32;
};
template <>
/// double is Float64.
struct dtype_of<double> {
  /// The DType.
  static constexpr DType value = DType::Float64;
};
template <>
/// int64_t is Int64.
struct dtype_of<int64_t> {
  /// The DType.
  static constexpr DType value = DType::Int64;
};
template <>
/// uint8_t is UInt8.
struct dtype_of<uint8_t> {
  /// The DType.
  static constexpr DType value = DType::UInt8;
};
template <>
/// bool is Bool.
struct dtype_of<bool> {
  /// The DType.
  static constexpr DType value = DType::Bool;
};
template <>
/// Half is Float16.
struct dtype_of<Half> {
  /// The DType.
  static constexpr DType value = DType::Float16;
};
template <>
/// BFloat16 is BFloat16.
struct dtype_of<BFloat16> {
  /// The DType.
  static constexpr DType value = DType::BFloat16;
};

}  // namespace striate

#define STRIATE_DTYPE_CASE(enum_value, type, ...) \
  case enum_value: {                              \
    using scalar_t = type;                        \
    return __VA_ARGS__();                         \
  }

// Calls the lambda with scalar_t bound to float or double.
#define STRIATE_DISPATCH_FLOATING(DTYPE, NAME, ...)                                                                \
  [&] {                                                                                                            \
    switch (DTYPE) {                                                                                               \
      STRIATE_DTYPE_CASE(::striate::DType::Float32, float, __VA_ARGS__)                                            \
      STRIATE_DTYPE_CASE(::striate::DType::Float64, double, __VA_ARGS__)                                           \
      default:                                                                                                     \
        throw ::striate::TypeError(                                                                                \
            ::striate::detail::str(NAME, ": expected a floating-point tensor (float32 or float64), got ", DTYPE)); \
    }                                                                                                              \
  }()

// Calls the lambda with scalar_t bound to every supported type.
#define STRIATE_DISPATCH_ALL(DTYPE, NAME, ...)                                               \
  [&] {                                                                                      \
    switch (DTYPE) {                                                                         \
      STRIATE_DTYPE_CASE(::striate::DType::Float32, float, __VA_ARGS__)                      \
      STRIATE_DTYPE_CASE(::striate::DType::Float64, double, __VA_ARGS__)                     \
      STRIATE_DTYPE_CASE(::striate::DType::Int64, int64_t, __VA_ARGS__)                      \
      STRIATE_DTYPE_CASE(::striate::DType::UInt8, uint8_t, __VA_ARGS__)                      \
      STRIATE_DTYPE_CASE(::striate::DType::Bool, bool, __VA_ARGS__)                          \
      default: break;                                                                        \
    }                                                                                        \
    throw ::striate::TypeError(::striate::detail::str(NAME, ": unsupported dtype ", DTYPE)); \
  }()

// Every type except bool (arithmetic that bool does not support).
#define STRIATE_DISPATCH_NUMERIC(DTYPE, NAME, ...)                                                            \
  [&] {                                                                                                       \
    switch (DTYPE) {                                                                                          \
      STRIATE_DTYPE_CASE(::striate::DType::Float32, float, __VA_ARGS__)                                       \
      STRIATE_DTYPE_CASE(::striate::DType::Float64, double, __VA_ARGS__)                                      \
      STRIATE_DTYPE_CASE(::striate::DType::Int64, int64_t, __VA_ARGS__)                                       \
      STRIATE_DTYPE_CASE(::striate::DType::UInt8, uint8_t, __VA_ARGS__)                                       \
      default: throw ::striate::TypeError(::striate::detail::str(NAME, ": not supported for dtype ", DTYPE)); \
    }                                                                                                         \
  }()

// Every type, float16 and bfloat16 included: for the kernels that move or convert values (copy,
// fill, where, gather, printing), which need no arithmetic.
#define STRIATE_DISPATCH_ALL_AND_REDUCED(DTYPE, NAME, ...)                             \
  [&] {                                                                                \
    switch (DTYPE) {                                                                   \
      STRIATE_DTYPE_CASE(::striate::DType::Float16, ::striate::Half, __VA_ARGS__)      \
      STRIATE_DTYPE_CASE(::striate::DType::BFloat16, ::striate::BFloat16, __VA_ARGS__) \
      default: return STRIATE_DISPATCH_ALL(DTYPE, NAME, __VA_ARGS__);                  \
    }                                                                                  \
  }()
