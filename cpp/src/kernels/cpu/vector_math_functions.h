// Our SIMD transcendentals: exp, expm1, log, log1p, tanh, sigmoid and erf over whole vectors,
// written once over Simd<T, bytes> and compiled per ISA. Each reduces its argument to a short
// interval and evaluates a minimax polynomial fitted by tools/fit_vector_math.py (which prints
// these coefficients); special values (NaN, +-inf, +-0, subnormals, overflow and underflow)
// come out as libm's. Measured error in float and double on every ISA path
// (tests/cpp/test_vector_math.cpp, tests/test_vector_math.py): exp and log under 1.1 ulp, expm1,
// log1p, tanh and erf under 2 ulp, sigmoid (no libm twin; against 1 / (1 + exp(-x)) evaluated
// one precision up) under 2.5 ulp.
#pragma once
#include <limits>

#include "kernels/cpu/vector_math_simd.h"

namespace striate::kernels::cpu {
namespace {

template <typename T>
struct MathConstants;

template <>
struct MathConstants<float> {
  static constexpr float kLog2e = 1.44269504f;
  // ln 2 = kLn2High + kLn2Low, the high part short enough that n * kLn2High is exact.
  static constexpr float kLn2High = 0.693359375f;
  static constexpr float kLn2Low = -2.12194440e-4f;
  // exp's argument range: below, exp rounds to +0; above, to +inf (the final scaling rounds).
  static constexpr float kExpLow = -104.0f, kExpHigh = 89.0f;
  static constexpr float kExpm1Low = -30.0f;    // expm1 = -1 to working precision below
  static constexpr float kExpm1Direct = 25.0f;  // from 2^25 on, 2^n - 1 rounds to 2^n
  static constexpr float kTanhOne = 9.1f;       // tanh rounds to +-1 beyond
  static constexpr float kErfSplit = 0.75f;     // x P(x^2) below, 1 - exp(-x^2) G above
  static constexpr float kErfOne = 3.95f;       // erf rounds to +-1 beyond
  static constexpr float kErfTailCentre = 0.386724387f;
  static constexpr float kSubnormalScale = 16777216.0f;  // 2^24
  static constexpr int kSubnormalShift = 24;
  static constexpr int32_t kSqrtHalfBits = 0x3f3504f3;  // sqrt(1/2)
  // expm1(r) = r + r^2 / 2 + r^3 Q(r) on |r| <= ln2 / 2.
  static constexpr float kExpm1[] = {1.66665487e-1f, 4.16668541e-2f, 8.36603762e-3f, 1.389823e-3f};
  // log(1 + f) = f - f^2 / 2 + s (f^2 / 2 + z P(z)), s = f / (2 + f), z = s^2 <= 0.0295.
  static constexpr float kLog[] = {6.66667764e-1f, 3.99775398e-1f, 2.98717795e-1f};
  // tanh(x) = x + x z P(z), z = x^2, on |x| <= 0.625.
  static constexpr float kTanhSplit = 0.625f;
  static constexpr float kTanhSmall[] = {-3.33332839e-1f, 1.33314911e-1f, -5.37434833e-2f, 2.06505372e-2f,
                                         -5.71698695e-3f};
  // erf(x) = x (c0 + z Q(z)), z = x^2, on |x| <= 0.75, c0 = kErfHigh + kErfLow.
  static constexpr float kErfHigh = 1.1283791f, kErfLow = 5.897694e-08f;
  static constexpr float kErfSmall[] = {-3.76126188e-1f, 1.12833766e-1f, -2.68346258e-2f, 5.11434672e-3f,
                                        -6.74951449e-4f};
  // erfc(x) = exp(-x^2) G(t - centre), t = 1 / (1 + x), on 0.75 <= x <= 3.95.
  static constexpr float kErfTail[] = {3.08083868e-1f, 1.01131629f,     4.35468278e-1f,
                                       -4.3755286e-1f, -9.43255256e-2f, 3.26075451e-1f};
};

template <>
struct MathConstants<double> {
  static constexpr double kLog2e = 1.4426950408889634;
  static constexpr double kLn2High = 6.93147180369123816490e-01;  // 32 significant bits
  static constexpr double kLn2Low = 1.9082149292705877e-10;
  static constexpr double kExpLow = -746.0, kExpHigh = 710.0;
  static constexpr double kExpm1Low = -40.0;
  static constexpr double kExpm1Direct = 54.0;
  static constexpr double kTanhOne = 19.1;
  static constexpr double kErfSplit = 0.75;
  static constexpr double kErfOne = 5.95;
  static constexpr double kErfTailCentre = 0.35765673175745118;
  static constexpr double kSubnormalScale = 18014398509481984.0;  // 2^54
  static constexpr int kSubnormalShift = 54;
  static constexpr int64_t kSqrtHalfBits = 0x3fe6a09e667f3bcdLL;
  static constexpr double kExpm1[] = {1.6666666666666602e-1, 4.1666666666620028e-2, 8.3333333333883579e-3,
                                      1.3888888920485274e-3, 1.9841269709392065e-4, 2.48015163831093e-5,
                                      2.7557425049743496e-6, 2.7622211111032994e-7, 2.5045900920705245e-8};
  static constexpr double kLog[] = {6.6666666666667344e-1, 3.9999999999414619e-1, 2.8571428742401815e-1,
                                    2.2222198571623966e-1, 1.8183564412445422e-1, 1.5314048214618161e-1,
                                    1.4795974334911308e-1};
  static constexpr double kTanhSplit = 0.625;
  static constexpr double kTanhSmall[] = {-3.3333333333332878e-1, 1.3333333333264911e-1,  -5.3968253932480094e-2,
                                          2.1869487601913636e-2,  -8.8632213185784631e-3, 3.5919915651088263e-3,
                                          -1.4549704471654818e-3, 5.8635238930774264e-4,  -2.2863304913807748e-4,
                                          7.7218960174548451e-5,  -1.6107438376755324e-5};
  static constexpr double kErfHigh = 1.1283791670955126, kErfLow = 1.4454792835769023e-17;
  static constexpr double kErfSmall[] = {-3.7612638903183715e-1, 1.1283791670952481e-1,  -2.6866170644402576e-2,
                                         5.2239776151230006e-3,  -8.5483261691204124e-4, 1.2055288777878721e-4,
                                         -1.4924176643719093e-5, 1.6430388194835341e-6,  -1.5937599005249508e-7,
                                         1.1463751624771355e-8};
  static constexpr double kErfTail[] = {2.7906608521982393e-1,  9.8489881752251014e-1,  4.7283518955375837e-1,
                                        -4.1762565910156033e-1, -1.9993444400329664e-1, 5.5576854067989637e-1,
                                        -2.5238326653350891e-1, -5.1516818750703562e-1, 1.0571918915437307,
                                        -6.0941019846582963e-1, -1.0205530683569458,    2.9214663269720025,
                                        -3.3772570338434366,    1.7178612536362686};
};

// The shared reduction of exp and expm1: x = n ln2 + r with n integral and |r| <= ln2 / 2,
// expm1(r) = r + r^2 h.
template <typename S>
struct ExpReduced {
  typename S::Vector expm1_r;  // expm1(r), rounded
  typename S::Vector r, r2h;   // its two parts before that rounding
  typename S::Vector n;
};

template <typename S>
inline ExpReduced<S> reduce_exp(typename S::Vector x) {
  using T = typename S::Value;
  using C = MathConstants<T>;
  using V = typename S::Vector;
  const V n = S::fma(x, S::broadcast(C::kLog2e), S::broadcast(S::kRoundMagic)) - S::broadcast(S::kRoundMagic);
  V r = S::fma(n, S::broadcast(-C::kLn2High), x);
  r = S::fma(n, S::broadcast(-C::kLn2Low), r);
  const V r2 = r * r;
  const V h = S::fma(r, polynomial<S>(r, C::kExpm1), S::broadcast(T(0.5)));
  return {S::fma(r2, h, r), r, r2 * h, n};
}

template <typename S>
inline typename S::Vector vexp(typename S::Vector x) {
  using T = typename S::Value;
  using C = MathConstants<T>;
  // Clamped, the final scaling rounds to +inf or +0 by itself; a NaN passes the clamp and
  // propagates through the arithmetic.
  const auto reduced = reduce_exp<S>(S::clamp(x, C::kExpLow, C::kExpHigh));
  return S::scale(reduced.expm1_r + S::broadcast(T(1)), reduced.n);
}

template <typename S>
inline typename S::Vector vexpm1(typename S::Vector x) {
  using T = typename S::Value;
  using C = MathConstants<T>;
  using V = typename S::Vector;
  const auto reduced = reduce_exp<S>(S::clamp(x, C::kExpm1Low, C::kExpHigh));
  // 2^n (1 + expm1(r)) - 1 = (2^n r + (2^n - 1)) + 2^n r^2 h, where 2^n - 1 is exact for small n
  // and the larger part rounds before the smaller joins it.
  const V small_n = S::clamp(reduced.n, T(-100), C::kExpm1Direct);
  const V power = S::exp2_integer(S::to_integer(small_n));
  const V near = S::fma(power, reduced.r2h, S::fma(power, reduced.r, power - S::broadcast(T(1))));
  const V far = S::scale(reduced.expm1_r + S::broadcast(T(1)), reduced.n) - S::broadcast(T(1));
  const V result = S::select(reduced.n >= S::broadcast(C::kExpm1Direct), far, near);
  return S::select(x == S::broadcast(T(0)), x, result);  // keeps the sign of a zero
}

// log for x > 0 finite, subnormals included; other inputs give unspecified lanes that the
// callers replace.
template <typename S>
inline typename S::Vector log_positive(typename S::Vector x) {
  using T = typename S::Value;
  using C = MathConstants<T>;
  using V = typename S::Vector;
  using M = typename S::Mask;
  using Bits = typename S::Bits;
  const M subnormal = x < S::broadcast(std::numeric_limits<T>::min());
  x = S::select(subnormal, x * S::broadcast(C::kSubnormalScale), x);
  // x = 2^k m with m in [sqrt(1/2), sqrt(2)): offset the bits so that the exponent field
  // counts from sqrt(1/2).
  const Bits one_bits = Bits(S::kExponentBias) << S::kMantissaBits;
  M ix = S::bits(x) + S::broadcast_bits(one_bits - C::kSqrtHalfBits);
  const M k_bits = S::shift_right(ix, S::kMantissaBits) - S::broadcast_bits(S::kExponentBias) -
                   (subnormal & S::broadcast_bits(C::kSubnormalShift));
  ix = (ix & S::broadcast_bits((Bits(1) << S::kMantissaBits) - 1)) + S::broadcast_bits(C::kSqrtHalfBits);
  const V f = S::from_bits(ix) - S::broadcast(T(1));
  // k as a value: the integer placed in the low bits of the rounding magic (no packed
  // int64-to-double conversion before AVX-512).
  const V k = S::from_bits(k_bits + S::bits(S::broadcast(S::kRoundMagic))) - S::broadcast(S::kRoundMagic);
  const V s = f / (S::broadcast(T(2)) + f);
  const V z = s * s;
  const V half_f2 = S::broadcast(T(0.5)) * f * f;
  const V tail = S::fma(s, half_f2 + z * polynomial<S>(z, C::kLog), k * S::broadcast(C::kLn2Low));
  return S::fma(k, S::broadcast(C::kLn2High), f - (half_f2 - tail));
}

template <typename S>
inline typename S::Vector vlog(typename S::Vector x) {
  using T = typename S::Value;
  using V = typename S::Vector;
  V result = log_positive<S>(x);
  result = S::select(x == S::broadcast(T(0)), S::broadcast(-std::numeric_limits<T>::infinity()), result);
  result = S::select(x < S::broadcast(T(0)), S::broadcast(std::numeric_limits<T>::quiet_NaN()), result);
  result = S::select(x == S::broadcast(std::numeric_limits<T>::infinity()), x, result);
  return S::select(x != x, x, result);
}

template <typename S>
inline typename S::Vector vlog1p(typename S::Vector x) {
  using T = typename S::Value;
  using V = typename S::Vector;
  const V one = S::broadcast(T(1));
  // log(1 + x) = log(u) + log(1 + c / u) ~ log(u) + c / u, with u = 1 + x rounded and c its
  // rounding error, exact by Sterbenz.
  const V u = one + x;
  V result = log_positive<S>(u) + (x - (u - one)) / u;
  result = S::select(u == S::broadcast(T(0)), S::broadcast(-std::numeric_limits<T>::infinity()), result);
  result = S::select(u < S::broadcast(T(0)), S::broadcast(std::numeric_limits<T>::quiet_NaN()), result);
  result = S::select(x == S::broadcast(std::numeric_limits<T>::infinity()), x, result);
  result = S::select(x == S::broadcast(T(0)), x, result);
  return S::select(x != x, x, result);
}

template <typename S>
inline typename S::Vector vtanh(typename S::Vector x) {
  using T = typename S::Value;
  using C = MathConstants<T>;
  using V = typename S::Vector;
  // Small |x|: an odd polynomial, x plus a correction rounded once. Otherwise tanh |x| =
  // e / (e + 2), e = expm1(2 |x|) >= 0: no cancellation, and the quotient is less sensitive to
  // e's error than e itself.
  const V z = x * x;
  const V small = S::fma(x, z * polynomial<S>(z, C::kTanhSmall), x);
  const V a = S::clamp(S::abs(x), T(0), C::kTanhOne);
  const V e = vexpm1<S>(a + a);
  const V large = S::copysign(e / (e + S::broadcast(T(2))), x);
  // copysign keeps the sign of a zero, which the polynomial's x + (+0) loses.
  return S::copysign(S::select(S::abs(x) < S::broadcast(C::kTanhSplit), small, large), x);
}

template <typename S>
inline typename S::Vector vsigmoid(typename S::Vector x) {
  using T = typename S::Value;
  using C = MathConstants<T>;
  using V = typename S::Vector;
  const V one = S::broadcast(T(1));
  // e = exp(-|x|) = 2^n (1 + m) never overflows; sigmoid is 1 / (1 + e) above zero and
  // e / (1 + e) below, which keeps the tiny (even subnormal) results. With p = 2^n, n <= 0:
  // 1 + e = (1 + p) + p m and e = p + p m each round once (1 + p is exact while it matters).
  const auto reduced = reduce_exp<S>(S::clamp(-S::abs(x), C::kExpLow, T(0)));
  const auto deep = reduced.n < S::broadcast(T(-100));  // p below the normals: e is the result
  const V power = S::exp2_integer(S::to_integer(S::clamp(reduced.n, T(-100), T(0))));
  const V denominator = S::fma(power, reduced.expm1_r, one + power);
  const V e = S::select(deep, S::scale(reduced.expm1_r + one, reduced.n), S::fma(power, reduced.expm1_r, power));
  return S::select(x < S::broadcast(T(0)), e, one) / denominator;
}

template <typename S>
inline typename S::Vector verf(typename S::Vector x) {
  using T = typename S::Value;
  using C = MathConstants<T>;
  using V = typename S::Vector;
  const V one = S::broadcast(T(1));
  // x c0 rounded once with the smaller terms: c0 alone, rounded to T, would cost half an ulp.
  const V z = x * x;
  const V small =
      S::fma(x, S::broadcast(C::kErfHigh), x * S::fma(z, polynomial<S>(z, C::kErfSmall), S::broadcast(C::kErfLow)));
  const V a = S::clamp(S::abs(x), C::kErfSplit, C::kErfOne);
  const V t = one / (one + a);
  const V erfc = vexp<S>(-(a * a)) * polynomial<S>(t - S::broadcast(C::kErfTailCentre), C::kErfTail);
  const V tail = S::copysign(one - erfc, x);
  return S::select(S::abs(x) < S::broadcast(C::kErfSplit), small, tail);
}

}  // namespace
}  // namespace striate::kernels::cpu
