// Elementwise math with NumPy broadcasting and PyTorch's type promotion; every floating op is
// differentiable (gradients are summed back over broadcast dimensions).
//   auto y = striate::add(a, b);  auto z = a * b + 1.0;  auto m = striate::where(a > 0, a, b);
#pragma once
#include <optional>

#include "striate/core/scalar.h"
#include "striate/core/tensor.h"

namespace striate {

// The broadcast shape of a and b; raises ShapeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op = "broadcast");
// Sums `grad` down to `shape` (the reverse of broadcasting), used by every backward.
Tensor sum_to(const Tensor& grad, const Shape& shape);

Tensor add(const Tensor& a, const Tensor& b, Scalar alpha = 1);
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha = 1);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, Scalar b);
Tensor sub(const Tensor& a, Scalar b);
Tensor rsub(const Tensor& a, Scalar b);  // b - a
Tensor mul(const Tensor& a, Scalar b);
Tensor div(const Tensor& a, Scalar b);
Tensor rdiv(const Tensor& a, Scalar b);  // b / a
Tensor pow(const Tensor& a, Scalar exponent);
Tensor rpow(const Tensor& a, Scalar base);  // base ** a

Tensor neg(const Tensor& a);
Tensor abs(const Tensor& a);
Tensor exp(const Tensor& a);
Tensor log(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor sign(const Tensor& a);
Tensor clamp(const Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max);

// Comparisons return bool tensors (not differentiable).
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, Scalar b);
Tensor ne(const Tensor& a, Scalar b);
Tensor lt(const Tensor& a, Scalar b);
Tensor le(const Tensor& a, Scalar b);
Tensor gt(const Tensor& a, Scalar b);
Tensor ge(const Tensor& a, Scalar b);
Tensor logical_not(const Tensor& a);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);

// Picks a where cond is true, else b (cond: bool tensor; all three broadcast).
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

// In place: the result is written into `a` (which must already have the broadcast shape and
// a dtype the result can be cast to, as PyTorch requires). Raises on leaves that require grad.
Tensor& add_(Tensor& a, const Tensor& b, Scalar alpha = 1);
Tensor& sub_(Tensor& a, const Tensor& b, Scalar alpha = 1);
Tensor& mul_(Tensor& a, const Tensor& b);
Tensor& div_(Tensor& a, const Tensor& b);
Tensor& add_(Tensor& a, Scalar b);
Tensor& sub_(Tensor& a, Scalar b);
Tensor& mul_(Tensor& a, Scalar b);
Tensor& div_(Tensor& a, Scalar b);
Tensor& pow_(Tensor& a, Scalar b);
Tensor& clamp_(Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max);

// Casts (differentiable between floating types).
Tensor to_dtype(const Tensor& a, DType dtype);
// Copies src (broadcast) into dst's memory, casting; differentiable w.r.t. src.
Tensor& copy_(Tensor& dst, const Tensor& src);
Tensor& fill_(Tensor& dst, Scalar value);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator+(const Tensor& a, Scalar b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, Scalar b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, Scalar b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, Scalar b) { return div(a, b); }
inline Tensor operator+(Scalar a, const Tensor& b) { return add(b, a); }
inline Tensor operator-(Scalar a, const Tensor& b) { return rsub(b, a); }
inline Tensor operator*(Scalar a, const Tensor& b) { return mul(b, a); }
inline Tensor operator/(Scalar a, const Tensor& b) { return rdiv(b, a); }
inline Tensor operator-(const Tensor& a) { return neg(a); }
inline Tensor operator>(const Tensor& a, Scalar b) { return gt(a, b); }
inline Tensor operator<(const Tensor& a, Scalar b) { return lt(a, b); }
inline Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }

}  // namespace striate
