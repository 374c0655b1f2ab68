// The SIMD vocabulary of the vector kernels: a GCC vector type of VectorBytes bytes (16 in the
// baseline SSE2 build, 32 with AVX2, 64 with AVX-512) and the few operations the kernels need
// that plain vector arithmetic does not spell (broadcast, fused multiply-add, select, bit casts,
// scaling by 2^n). Included only by the vector_math_<isa>.cpp files, each under its own flags.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace striate::kernels::cpu {
// Internal linkage on purpose, as in gemm_impl.h: each ISA file compiles these templates with its
// own flags, and a shared weak symbol would let the linker keep one ISA's copy for all of them.
namespace {

template <typename T, int VectorBytes>
struct Simd {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "float or double lanes");
  using Value = T;
  using Bits = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;
  typedef T Vector __attribute__((vector_size(VectorBytes)));
  typedef Bits Mask __attribute__((vector_size(VectorBytes)));  // comparisons give all-ones lanes
  typedef std::make_unsigned_t<Bits> Unsigned __attribute__((vector_size(VectorBytes)));
  static constexpr int kLanes = VectorBytes / static_cast<int>(sizeof(T));
  static constexpr int kMantissaBits = sizeof(T) == 4 ? 23 : 52;
  static constexpr Bits kExponentBias = sizeof(T) == 4 ? 127 : 1023;

  static Vector load(const T* source) {
    Vector v;
    std::memcpy(&v, source, sizeof(Vector));
    return v;
  }
  static void store(T* target, Vector v) { std::memcpy(target, &v, sizeof(Vector)); }

  // Every lane set to `value`, spelled with intrinsics: GCC turns a lane loop into several
  // instructions and must keep the add of Vector{} + value (it is not exact for -0.0).
  static Vector broadcast(T value) {
#if defined(__AVX512F__)
    if constexpr (VectorBytes == 64) {
      if constexpr (sizeof(T) == 4)
        return _mm512_set1_ps(value);
      else
        return _mm512_set1_pd(value);
    }
#endif
#if defined(__AVX__)
    if constexpr (VectorBytes == 32) {
      if constexpr (sizeof(T) == 4)
        return _mm256_set1_ps(value);
      else
        return _mm256_set1_pd(value);
    }
#endif
#if defined(__SSE2__)
    if constexpr (VectorBytes == 16) {
      if constexpr (sizeof(T) == 4)
        return _mm_set1_ps(value);
      else
        return _mm_set1_pd(value);
    }
#endif
    Vector v;
    for (int lane = 0; lane < kLanes; ++lane) v[lane] = value;
    return v;
  }
  static Mask broadcast_bits(Bits value) { return reinterpret_cast<Mask>(broadcast(bits_to_value(value))); }

  // a * b + c, rounded once where the ISA has FMA (the SSE2 build rounds twice; its polynomials
  // were checked in that arithmetic too). Plain a * b + c is never fused: these files build with
  // -ffp-contract=off.
  static Vector fma(Vector a, Vector b, Vector c) {
#if defined(__AVX512F__)
    if constexpr (VectorBytes == 64) {
      if constexpr (sizeof(T) == 4)
        return _mm512_fmadd_ps(a, b, c);
      else
        return _mm512_fmadd_pd(a, b, c);
    }
#endif
#if defined(__FMA__)
    if constexpr (VectorBytes == 32) {
      if constexpr (sizeof(T) == 4)
        return _mm256_fmadd_ps(a, b, c);
      else
        return _mm256_fmadd_pd(a, b, c);
    }
    if constexpr (VectorBytes == 16) {
      if constexpr (sizeof(T) == 4)
        return _mm_fmadd_ps(a, b, c);
      else
        return _mm_fmadd_pd(a, b, c);
    }
#endif
    return a * b + c;
  }

  static Vector sqrt(Vector v) {
#if defined(__AVX512F__)
    if constexpr (VectorBytes == 64) {
      // The zero-masked form: GCC 12's plain _mm512_sqrt_* warns about its undefined source.
      if constexpr (sizeof(T) == 4)
        return _mm512_maskz_sqrt_ps(static_cast<__mmask16>(0xffff), v);
      else
        return _mm512_maskz_sqrt_pd(static_cast<__mmask8>(0xff), v);
    }
#endif
#if defined(__AVX__)
    if constexpr (VectorBytes == 32) {
      if constexpr (sizeof(T) == 4)
        return _mm256_sqrt_ps(v);
      else
        return _mm256_sqrt_pd(v);
    }
#endif
#if defined(__SSE2__)
    if constexpr (VectorBytes == 16) {
      if constexpr (sizeof(T) == 4)
        return _mm_sqrt_ps(v);
      else
        return _mm_sqrt_pd(v);
    }
#endif
    for (int lane = 0; lane < kLanes; ++lane) v[lane] = __builtin_sqrt(v[lane]);
    return v;
  }

  // mask ? a : b, lane by lane (mask from a comparison).
  static Vector select(Mask mask, Vector a, Vector b) { return mask ? a : b; }
  static Mask bits(Vector v) { return reinterpret_cast<Mask>(v); }
  // Logical shift right (SSE2 and AVX2 shift 64-bit lanes only logically).
  static Mask shift_right(Mask m, int count) { return reinterpret_cast<Mask>(reinterpret_cast<Unsigned>(m) >> count); }
  static Vector from_bits(Mask m) { return reinterpret_cast<Vector>(m); }

  static Vector abs(Vector v) { return from_bits(bits(v) & ~sign_mask()); }
  // |magnitude| with the sign of `sign`.
  static Vector copysign(Vector magnitude, Vector sign) {
    return from_bits((bits(magnitude) & ~sign_mask()) | (bits(sign) & sign_mask()));
  }
  static Mask sign_mask() { return broadcast_bits(Bits(1) << (sizeof(T) * 8 - 1)); }
  // Clamps to [low, high] while letting NaN through (a NaN compares false both ways).
  static Vector clamp(Vector v, T low, T high) {
    v = select(v < broadcast(low), broadcast(low), v);
    return select(v > broadcast(high), broadcast(high), v);
  }
  // Rounds to the nearest integer (ties to even) for |v| < 2^(mantissa bits - 1): adding and
  // subtracting 1.5 * 2^mantissa leaves the integer part, which SSE2 has no instruction for.
  static constexpr T kRoundMagic = sizeof(T) == 4 ? T(12582912.0) : T(6755399441055744.0);
  // The integer a value rounded by round_magic() holds, as lane bits: the magic's low mantissa
  // bits are that integer in two's complement.
  static Mask integer_bits(Vector shifted_by_magic) { return bits(shifted_by_magic) - bits(broadcast(kRoundMagic)); }
  // The integer lanes of integral values n (|n| < 2^(mantissa bits - 1)).
  static Mask to_integer(Vector n) { return integer_bits(n + broadcast(kRoundMagic)); }
  // 2^n for integer lanes n inside the normal exponent range.
  static Vector exp2_integer(Mask n) { return from_bits((n + kExponentBias) << kMantissaBits); }
  // v * 2^n for integral values n within twice the normal exponent range, in two steps of which
  // the first is exact, so results that overflow or fall into the subnormals round once. (The
  // halves come from the values: SSE2 and AVX2 have no arithmetic shift of 64-bit lanes.)
  static Vector scale(Vector v, Vector n) {
    const Mask half = to_integer(n * broadcast(Value(0.5)));
    return v * exp2_integer(half) * exp2_integer(to_integer(n) - half);
  }

 private:
  static T bits_to_value(Bits b) {
    T v;
    std::memcpy(&v, &b, sizeof(T));
    return v;
  }
};

// Horner's rule: c[0] + c[1] x + ... + c[N-1] x^(N-1).
template <typename S, typename T, int N>
inline typename S::Vector polynomial(typename S::Vector x, const T (&c)[N]) {
  typename S::Vector sum = S::broadcast(c[N - 1]);
#pragma GCC unroll 16
  for (int i = N - 2; i >= 0; --i) sum = S::fma(sum, x, S::broadcast(c[i]));
  return sum;
}

}  // namespace
}  // namespace striate::kernels::cpu
