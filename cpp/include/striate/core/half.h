// The 16-bit floating-point element types: Half (IEEE 754 binary16, torch.float16) and BFloat16
// (the upper half of a float32, torch.bfloat16). Storage only: arithmetic converts to float
// (implicitly), so an expression of Half values computes in float32 and rounds once when stored.
//   Half h = 0.1f;              // rounds to nearest even: 0.0999755859375
//   float f = h;                // exact
// Conversions follow PyTorch bit for bit: round to nearest even, subnormals kept, overflow to
// +-inf, NaN kept as a quiet NaN (float16: payload kept as the F16C instructions keep it;
// bfloat16: 0x7fc0, c10's scalar rule). From double or an
// integer, the value goes through float first, as c10::Half and c10::BFloat16 do.
#pragma once
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define STRIATE_HOST_DEVICE __host__ __device__
#else
#define STRIATE_HOST_DEVICE
#endif

namespace striate {
namespace detail {

STRIATE_HOST_DEVICE inline uint32_t float_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}
STRIATE_HOST_DEVICE inline float bits_float(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

// binary16 from float32, rounding to nearest even.
STRIATE_HOST_DEVICE inline uint16_t float_to_half_bits(float f) {
  const uint32_t u = float_bits(f);
  const uint32_t sign = (u >> 16) & 0x8000u;
  const uint32_t magnitude = u & 0x7fffffffu;
  if (magnitude > 0x7f800000u)  // NaN: quiet, top payload bits kept (as F16C's vcvtps2ph)
    return static_cast<uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
  // 65520 (0x477ff000) is halfway between the largest half, 65504, and 2^16: it rounds to inf.
  if (magnitude >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);
  if (magnitude < 0x38800000u) {
    // Below 2^-14 the half is subnormal: a multiple of 2^-24. Adding 0.5 (whose ulp is 2^-24)
    // lets the FPU round to that grid, to nearest even; the bits above 0.5 are the count.
    const float rounded = bits_float(magnitude) + 0.5f;
    return static_cast<uint16_t>(sign | (float_bits(rounded) - 0x3f000000u));
  }
  // Normal: rebias the exponent (127 -> 15) and drop 13 mantissa bits, ties to even.
  uint32_t r = magnitude - 0x38000000u;
  r += 0x0fffu + ((r >> 13) & 1u);
  return static_cast<uint16_t>(sign | (r >> 13));
}

// binary16 to float32, exactly.
STRIATE_HOST_DEVICE inline float half_bits_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0x1f) {  // inf; NaN made quiet, payload kept (as F16C's vcvtph2ps)
    return bits_float(sign | 0x7f800000u | (mantissa << 13) | (mantissa ? 0x00400000u : 0u));
  }
  if (exponent == 0) {
    const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;  // mantissa x 2^-24
    return sign ? -magnitude : magnitude;
  }
  return bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

// bfloat16 from float32: the upper 16 bits, rounded to nearest even.
STRIATE_HOST_DEVICE inline uint16_t float_to_bfloat16_bits(float f) {
  const uint32_t u = float_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // NaN
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

STRIATE_HOST_DEVICE inline float bfloat16_bits_to_float(uint16_t b) {
  return bits_float(static_cast<uint32_t>(b) << 16);
}

}  // namespace detail

/// Tag: construct a Half or BFloat16 from its bit pattern.
struct FromBits {};

/// IEEE 754 binary16 (torch.float16); converts to and from float.
struct alignas(2) Half {
  /// The bits.
  uint16_t x;
  /// Uninitialized.
  Half() = default;
  /// @param bits the bit pattern.
  STRIATE_HOST_DEVICE constexpr Half(uint16_t bits, FromBits) : x(bits) {}
  /// Rounds to nearest even.
  /// @param value the value.
  STRIATE_HOST_DEVICE Half(float value) : x(detail::float_to_half_bits(value)) {}
  /// @return the value, exactly.
  STRIATE_HOST_DEVICE operator float() const { return detail::half_bits_to_float(x); }
};

/// bfloat16 (torch.bfloat16): the upper half of a float32.
struct alignas(2) BFloat16 {
  /// The bits.
  uint16_t x;
  /// Uninitialized.
  BFloat16() = default;
  /// @param bits the bit pattern.
  STRIATE_HOST_DEVICE constexpr BFloat16(uint16_t bits, FromBits) : x(bits) {}
  /// Rounds to nearest even.
  /// @param value the value.
  STRIATE_HOST_DEVICE BFloat16(float value) : x(detail::float_to_bfloat16_bits(value)) {}
  /// @return the value, exactly.
  STRIATE_HOST_DEVICE operator float() const { return detail::bfloat16_bits_to_float(x); }
};

static_assert(sizeof(Half) == 2 && sizeof(BFloat16) == 2, "16-bit floats must be 2 bytes");

/// True for Half and BFloat16: the types that compute through float.
/// @tparam T a type.
template <typename T>
inline constexpr bool is_reduced_float_v = false;
/// Half computes through float.
template <>
inline constexpr bool is_reduced_float_v<Half> = true;
/// BFloat16 computes through float.
template <>
inline constexpr bool is_reduced_float_v<BFloat16> = true;

/// static_cast<To>(value) as PyTorch converts: a 16-bit float goes through float on both sides.
/// @tparam To the target type.
/// @tparam From the source type.
/// @param value the value.
/// @return the converted value.
template <typename To, typename From>
STRIATE_HOST_DEVICE inline To convert(From value) {
  if constexpr (is_reduced_float_v<To>) {
    return To(static_cast<float>(value));
  } else if constexpr (is_reduced_float_v<From>) {
    return static_cast<To>(static_cast<float>(value));
  } else {
    return static_cast<To>(value);
  }
}

}  // namespace striate
