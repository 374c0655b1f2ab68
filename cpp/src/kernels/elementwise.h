// Elementwise kernels over strided tensors of one shape: binary arithmetic, comparisons, unary math,
// copies with a dtype cast, where, fill. Ops have broadcast (expanded) and cast the operands first;
// out is written, never read. Tensor-level, so each backend chooses its own loops.
#pragma once
#include <optional>

#include "kernels/kernel.h"
#include "striate/core/scalar.h"
#include "striate/core/tensor.h"

namespace striate::kernels {

enum class BinaryOp { Add, Sub, Mul, Div, Pow, Maximum, Minimum };
enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge, And, Or };
enum class UnaryOp { Neg, Abs, Exp, Log, Sqrt, Sign, Clamp };

// out = op(a, b) (Add / Sub: a + alpha * b, a - alpha * b); a, b and out share dtype and shape. One
// kernel object per op, named as the op, so the registry can tell "add runs on CUDA" from "mul
// does not yet".
using BinaryKernel = Kernel<void(const Tensor& out, const Tensor& a, const Tensor& b, BinaryOp op, Scalar alpha)>;
inline BinaryKernel binary_add{"add"}, binary_sub{"sub"}, binary_mul{"mul"}, binary_div{"div"}, binary_pow{"pow"},
    binary_maximum{"maximum"}, binary_minimum{"minimum"};
inline BinaryKernel& binary(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return binary_add;
    case BinaryOp::Sub: return binary_sub;
    case BinaryOp::Mul: return binary_mul;
    case BinaryOp::Div: return binary_div;
    case BinaryOp::Pow: return binary_pow;
    case BinaryOp::Maximum: return binary_maximum;
    case BinaryOp::Minimum: return binary_minimum;
  }
  return binary_add;
}
// out (bool) = a op b; a and b share dtype and shape.
inline Kernel<void(const Tensor& out, const Tensor& a, const Tensor& b, CompareOp op)> compare{"compare"};
// out = op(x) (Clamp: into [low, high], either bound optional; NaN passes through); same dtype.
inline Kernel<void(const Tensor& out, const Tensor& x, UnaryOp op, std::optional<Scalar> low,
                   std::optional<Scalar> high)>
    unary{"unary"};
// dst = src cast to dst's dtype (src already expanded to dst's shape).
inline Kernel<void(const Tensor& dst, const Tensor& src)> copy{"copy"};
// out = condition ? a : b (condition bool; all of out's shape; a, b of out's dtype).
inline Kernel<void(const Tensor& out, const Tensor& condition, const Tensor& a, const Tensor& b)> where{"where"};
// Every element of dst = value.
inline Kernel<void(const Tensor& dst, Scalar value)> fill{"fill"};

}  // namespace striate::kernels
