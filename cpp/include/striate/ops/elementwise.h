// Elementwise math with NumPy broadcasting and PyTorch's type promotion; every floating op is
// differentiable (gradients are summed back over broadcast dimensions).
//   auto y = striate::add(a, b);  auto z = a * b + 1.0;  auto m = striate::where(a > 0, a, b);
#pragma once
#include <optional>

#include "striate/core/scalar.h"
#include "striate/core/tensor.h"

namespace striate {

/// The broadcast shape of a and b; raises ShapeError naming `op` when they do not broadcast.
/// @param a the first shape.
/// @param b the second shape.
/// @param op the op named in errors (default "broadcast").
/// @return the broadcast shape.
/// @throws ShapeError when the shapes do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op = "broadcast");
/// Sums `grad` down to `shape` (the reverse of broadcasting), used by every backward.
/// @param grad a gradient of the broadcast shape.
/// @param shape the shape to reduce to (grad's shape must be a broadcast of it).
/// @return grad summed over the broadcast dims, shaped `shape`.
Tensor sum_to(const Tensor& grad, const Shape& shape);

/// a + alpha * b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @param alpha the multiplier of b (default 1).
/// @return the sum, of the promoted dtype.
/// @throws ShapeError when a and b do not broadcast.
Tensor add(const Tensor& a, const Tensor& b, Scalar alpha = 1);
/// a - alpha * b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @param alpha the multiplier of b (default 1).
/// @return the difference, of the promoted dtype.
/// @throws ShapeError when a and b do not broadcast.
/// @throws TypeError for bool operands.
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha = 1);
/// a * b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return the result, of the promoted dtype.
/// @throws ShapeError when a and b do not broadcast.
Tensor mul(const Tensor& a, const Tensor& b);
/// a / b (true division: integers give floating), elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return the result, of the promoted dtype.
/// @throws ShapeError when a and b do not broadcast.
Tensor div(const Tensor& a, const Tensor& b);
/// a ** b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return the result, of the promoted dtype.
/// @throws ShapeError when a and b do not broadcast.
Tensor pow(const Tensor& a, const Tensor& b);
/// max(a, b) (NaN propagates), elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return the result, of the promoted dtype.
/// @throws ShapeError when a and b do not broadcast.
Tensor maximum(const Tensor& a, const Tensor& b);
/// min(a, b) (NaN propagates), elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return the result, of the promoted dtype.
/// @throws ShapeError when a and b do not broadcast.
Tensor minimum(const Tensor& a, const Tensor& b);
/// a + b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return the result (a scalar does not widen a's dtype beyond its category).
Tensor add(const Tensor& a, Scalar b);
/// a - b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return the result (a scalar does not widen a's dtype beyond its category).
Tensor sub(const Tensor& a, Scalar b);
/// b - a with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return the result (a scalar does not widen a's dtype beyond its category).
Tensor rsub(const Tensor& a, Scalar b);  // b - a
/// a * b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return the result (a scalar does not widen a's dtype beyond its category).
Tensor mul(const Tensor& a, Scalar b);
/// a / b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return the result (a scalar does not widen a's dtype beyond its category).
Tensor div(const Tensor& a, Scalar b);
/// b / a with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return the result (a scalar does not widen a's dtype beyond its category).
Tensor rdiv(const Tensor& a, Scalar b);  // b / a
/// a ** exponent, elementwise.
/// @param a the base.
/// @param exponent the exponent.
/// @return the power.
Tensor pow(const Tensor& a, Scalar exponent);
/// base ** a, elementwise.
/// @param a the exponent.
/// @param base the base.
/// @return the power.
Tensor rpow(const Tensor& a, Scalar base);  // base ** a

/// -a, elementwise.
/// @param a the input.
/// @return the result, same shape.
Tensor neg(const Tensor& a);
/// |a|, elementwise.
/// @param a the input.
/// @return the result, same shape.
Tensor abs(const Tensor& a);
/// e^a, elementwise.
/// @param a the input.
/// @return the result, same shape.
Tensor exp(const Tensor& a);
/// The natural logarithm ln(a) (-inf at 0, NaN below), elementwise.
/// @param a the input.
/// @return the result, same shape.
Tensor log(const Tensor& a);
/// The square root (NaN below 0), elementwise.
/// @param a the input.
/// @return the result, same shape.
Tensor sqrt(const Tensor& a);
/// -1, 0 or 1 by the sign of a, elementwise.
/// @param a the input.
/// @return the result, same shape.
Tensor sign(const Tensor& a);
/// min(max(a, min), max), elementwise; the gradient flows where a is inside the bounds.
/// @param a the input.
/// @param min the lower bound, or std::nullopt for none.
/// @param max the upper bound, or std::nullopt for none.
/// @return the clamped tensor.
/// @throws ValueError when both bounds are std::nullopt.
Tensor clamp(const Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max);

/// Comparisons return bool tensors (not differentiable).
/// a == b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
/// @throws ShapeError when a and b do not broadcast.
Tensor eq(const Tensor& a, const Tensor& b);
/// a != b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
/// @throws ShapeError when a and b do not broadcast.
Tensor ne(const Tensor& a, const Tensor& b);
/// a < b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
/// @throws ShapeError when a and b do not broadcast.
Tensor lt(const Tensor& a, const Tensor& b);
/// a <= b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
/// @throws ShapeError when a and b do not broadcast.
Tensor le(const Tensor& a, const Tensor& b);
/// a > b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
/// @throws ShapeError when a and b do not broadcast.
Tensor gt(const Tensor& a, const Tensor& b);
/// a >= b, elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
/// @throws ShapeError when a and b do not broadcast.
Tensor ge(const Tensor& a, const Tensor& b);
/// a == b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return a bool tensor.
Tensor eq(const Tensor& a, Scalar b);
/// a != b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return a bool tensor.
Tensor ne(const Tensor& a, Scalar b);
/// a < b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return a bool tensor.
Tensor lt(const Tensor& a, Scalar b);
/// a <= b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return a bool tensor.
Tensor le(const Tensor& a, Scalar b);
/// a > b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return a bool tensor.
Tensor gt(const Tensor& a, Scalar b);
/// a >= b with a scalar, elementwise.
/// @param a the tensor.
/// @param b the scalar.
/// @return a bool tensor.
Tensor ge(const Tensor& a, Scalar b);
/// Logical not (nonzero is true), elementwise.
/// @param a the input.
/// @return a bool tensor.
Tensor logical_not(const Tensor& a);
/// Logical and (nonzero is true), elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
/// @throws ShapeError when a and b do not broadcast.
Tensor logical_and(const Tensor& a, const Tensor& b);
/// Logical or (nonzero is true), elementwise with broadcasting.
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
/// @throws ShapeError when a and b do not broadcast.
Tensor logical_or(const Tensor& a, const Tensor& b);

/// Picks a where cond is true, else b (cond: bool tensor; all three broadcast).
/// @param cond the condition, bool.
/// @param a the values where cond is true.
/// @param b the values where cond is false.
/// @return the broadcast result, of a's and b's promoted dtype.
/// @throws ShapeError when the three do not broadcast.
/// @throws TypeError when cond is not bool.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

/// In place: the result is written into `a` (which must already have the broadcast shape and
/// a dtype the result can be cast to, as PyTorch requires). Raises on leaves that require grad.
/// a += alpha * b, in place.
/// @param a the tensor written.
/// @param b the second operand.
/// @param alpha the multiplier of b (default 1).
/// @return a.
/// @throws ShapeError when b does not broadcast to a's shape.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& add_(Tensor& a, const Tensor& b, Scalar alpha = 1);
/// a -= alpha * b, in place.
/// @param a the tensor written.
/// @param b the second operand.
/// @param alpha the multiplier of b (default 1).
/// @return a.
/// @throws ShapeError when b does not broadcast to a's shape.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& sub_(Tensor& a, const Tensor& b, Scalar alpha = 1);
/// a *= b, in place.
/// @param a the tensor written.
/// @param b the second operand.
/// @return a.
/// @throws ShapeError when b does not broadcast to a's shape.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& mul_(Tensor& a, const Tensor& b);
/// a /= b, in place.
/// @param a the tensor written.
/// @param b the second operand.
/// @return a.
/// @throws ShapeError when b does not broadcast to a's shape.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& div_(Tensor& a, const Tensor& b);
/// a += b with a scalar, in place.
/// @param a the tensor written.
/// @param b the scalar.
/// @return a.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& add_(Tensor& a, Scalar b);
/// a -= b with a scalar, in place.
/// @param a the tensor written.
/// @param b the scalar.
/// @return a.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& sub_(Tensor& a, Scalar b);
/// a *= b with a scalar, in place.
/// @param a the tensor written.
/// @param b the scalar.
/// @return a.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& mul_(Tensor& a, Scalar b);
/// a /= b with a scalar, in place.
/// @param a the tensor written.
/// @param b the scalar.
/// @return a.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& div_(Tensor& a, Scalar b);
/// a = a ** b with a scalar, in place.
/// @param a the tensor written.
/// @param b the scalar.
/// @return a.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& pow_(Tensor& a, Scalar b);
/// clamp() in place.
/// @param a the tensor written.
/// @param min the lower bound, or std::nullopt.
/// @param max the upper bound, or std::nullopt.
/// @return a.
/// @throws RuntimeError when a is a leaf that requires grad.
Tensor& clamp_(Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max);

/// Casts (differentiable between floating types).
/// @param a the input.
/// @param dtype the target dtype.
/// @return a converted copy (a itself when it has that dtype).
Tensor to_dtype(const Tensor& a, DType dtype);
/// Copies src (broadcast) into dst's memory, casting; differentiable w.r.t. src.
/// @param dst the tensor written.
/// @param src the source, broadcastable to dst's shape.
/// @return dst.
/// @throws ShapeError when src does not broadcast to dst's shape.
Tensor& copy_(Tensor& dst, const Tensor& src);
/// Sets every element of dst to value, in place.
/// @param dst the tensor written.
/// @param value the value (converted to dst's dtype).
/// @return dst.
Tensor& fill_(Tensor& dst, Scalar value);

/// add(a, b).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
/// sub(a, b).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
/// mul(a, b).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
/// div(a, b).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
/// add(a, b).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator+(const Tensor& a, Scalar b) { return add(a, b); }
/// sub(a, b).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator-(const Tensor& a, Scalar b) { return sub(a, b); }
/// mul(a, b).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator*(const Tensor& a, Scalar b) { return mul(a, b); }
/// div(a, b).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator/(const Tensor& a, Scalar b) { return div(a, b); }
/// add(b, a).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator+(Scalar a, const Tensor& b) { return add(b, a); }
/// rsub(b, a).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator-(Scalar a, const Tensor& b) { return rsub(b, a); }
/// mul(b, a).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator*(Scalar a, const Tensor& b) { return mul(b, a); }
/// rdiv(b, a).
/// @param a the first operand.
/// @param b the second operand.
/// @return the result.
inline Tensor operator/(Scalar a, const Tensor& b) { return rdiv(b, a); }
/// neg(a).
/// @param a the operand.
/// @return -a.
inline Tensor operator-(const Tensor& a) { return neg(a); }
/// gt(a, b).
/// @param a the tensor.
/// @param b the scalar.
/// @return a bool tensor.
inline Tensor operator>(const Tensor& a, Scalar b) { return gt(a, b); }
/// lt(a, b).
/// @param a the tensor.
/// @param b the scalar.
/// @return a bool tensor.
inline Tensor operator<(const Tensor& a, Scalar b) { return lt(a, b); }
/// eq(a, b): elementwise, not an identity test (see Tensor::is_same).
/// @param a the first operand.
/// @param b the second operand.
/// @return a bool tensor.
inline Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }

}  // namespace striate
