// Elementwise arithmetic and comparisons: broadcasting, type promotion, in-place forms, and the
// backward nodes (gradients summed back over broadcast dims). where/casts/copies: copy.cpp.
#include "striate/ops/elementwise.h"

#include <cmath>

#include "kernels/elementwise.h"
#include "ops/dispatch.h"
#include "ops/elementwise_internal.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/reduce.h"

namespace striate {
namespace {

using elementwise::category;
using elementwise::check_inplace_allowed;
using elementwise::copy_kernel;
using elementwise::result_dtype;

using autograd::SavedTensor;
using kernels::BinaryOp;
using kernels::CompareOp;
using kernels::UnaryOp;

// Writes op(a, b) into out (out has the broadcast shape and dtype; a and b are cast to it).
void binary_into(const Tensor& out, const Tensor& a_in, const Tensor& b_in, BinaryOp op, Scalar alpha) {
  NoGradGuard no_grad;
  Tensor a = to_dtype(a_in, out.dtype()).expand(out.sizes());
  Tensor b = to_dtype(b_in, out.dtype()).expand(out.sizes());
  kernels::binary(op)(out.device(), out, a, b, op, alpha);
}

struct BinaryBackward : autograd::Node {
  BinaryOp op;
  double alpha = 1.0;
  Shape a_shape, b_shape;
  DType a_dtype, b_dtype;
  SavedTensor a, b, result;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    Tensor ga, gb;
    bool need_a = should_compute_input_grad(0), need_b = should_compute_input_grad(1);
    switch (op) {
      case BinaryOp::Add:
      case BinaryOp::Sub:
        if (need_a) ga = g;
        if (need_b) gb = op == BinaryOp::Add && alpha == 1.0 ? g : mul(g, op == BinaryOp::Add ? alpha : -alpha);
        break;
      case BinaryOp::Mul:
        if (need_a) ga = mul(g, b.unpack("MulBackward"));
        if (need_b) gb = mul(g, a.unpack("MulBackward"));
        break;
      case BinaryOp::Div: {
        Tensor bv = b.unpack("DivBackward");
        if (need_a) ga = div(g, bv);
        if (need_b) gb = neg(div(mul(g, a.unpack("DivBackward")), mul(bv, bv)));
        break;
      }
      case BinaryOp::Pow: {
        Tensor av = a.unpack("PowBackward"), bv = b.unpack("PowBackward");
        if (need_a) ga = mul(g, mul(bv, pow(av, sub(bv, 1.0))));
        if (need_b) {
          // d/db a^b = a^b log a, with the convention 0 where a == 0 (as PyTorch does for b >= 0)
          Tensor y = result.unpack("PowBackward");
          Tensor log_a = where(eq(av, 0.0), zeros_like(av), log(av));
          gb = mul(g, mul(y, log_a));
        }
        break;
      }
      case BinaryOp::Maximum:
      case BinaryOp::Minimum: {
        Tensor av = a.unpack("MaxMinBackward"), bv = b.unpack("MaxMinBackward");
        Tensor a_wins = to_dtype(op == BinaryOp::Maximum ? gt(av, bv) : lt(av, bv), g.dtype());
        Tensor tie = mul(to_dtype(eq(av, bv), g.dtype()), 0.5);  // ties split evenly, as PyTorch
        if (need_a) ga = mul(g, add(a_wins, tie));
        if (need_b) gb = mul(g, rsub(add(a_wins, tie), 1.0));
        break;
      }
    }
    if (ga.defined()) ga = to_dtype(sum_to(ga, a_shape), a_dtype);
    if (gb.defined()) gb = to_dtype(sum_to(gb, b_shape), b_dtype);
    return {ga, gb};
  }
  std::string name() const override {
    switch (op) {
      case BinaryOp::Add: return "AddBackward";
      case BinaryOp::Sub: return "SubBackward";
      case BinaryOp::Mul: return "MulBackward";
      case BinaryOp::Div: return "DivBackward";
      case BinaryOp::Pow: return "PowBackward";
      case BinaryOp::Maximum: return "MaximumBackward";
      case BinaryOp::Minimum: return "MinimumBackward";
    }
    return "BinaryBackward";
  }
  void release_saved() override {
    a.reset();
    b.reset();
    result.reset();
  }
};

DType binary_result_dtype(const Tensor& a, const Tensor& b, BinaryOp op) {
  DType t = result_dtype(a, b);
  if (op == BinaryOp::Div && !is_floating(t)) return DType::Float32;  // true division
  if ((op == BinaryOp::Sub) && t == DType::Bool)
    throw TypeError("sub: subtraction of bool tensors is not supported; use logical_xor or ~ instead");
  return t;
}

Tensor binary(const Tensor& a, const Tensor& b, BinaryOp op, Scalar alpha = 1) {
  const char* name = kernels::binary(op).name();
  STRIATE_CHECK(a.defined() && b.defined(), name, ": got an undefined tensor");
  const Device device = dispatch::device_of(name, {{"self", a}, {"other", b}});
  Shape shape = broadcast_shapes(a.sizes(), b.sizes(), name);
  DType dtype = binary_result_dtype(a, b, op);
  STRIATE_COMPUTE_IN_FLOAT32(dtype, binary, a, b, op, alpha);
  Tensor out = empty(shape, TensorOptions(dtype).set_device(device));
  binary_into(out, a, b, op, alpha);
  if (autograd::needs_grad(a, b)) {
    auto node = std::make_shared<BinaryBackward>();
    node->op = op;
    node->alpha = alpha.to_double();
    node->a_shape = a.sizes();
    node->b_shape = b.sizes();
    node->a_dtype = a.dtype();
    node->b_dtype = b.dtype();
    bool a_grad = a.requires_grad(), b_grad = b.requires_grad();
    if (op == BinaryOp::Mul) {
      if (b_grad) node->a = SavedTensor(a);
      if (a_grad) node->b = SavedTensor(b);
    } else if (op != BinaryOp::Add && op != BinaryOp::Sub) {
      node->a = SavedTensor(a);
      node->b = SavedTensor(b);
      if (op == BinaryOp::Pow && b_grad) node->result = SavedTensor(out);
    }
    autograd::record(node, {&a, &b}, out);
  }
  return out;
}

// A Python number as a 0-dim operand of a's dtype; with a 16-bit tensor it stays float32 (a 0-dim
// operand does not widen the result), so the float32 computation sees the number unrounded, as
// PyTorch's CPU kernels use it.
Tensor scalar_operand(const Tensor& a, Scalar s) {
  const DType dtype = s.result_type_with(a.dtype());
  return scalar_tensor(s, is_reduced_float(dtype) ? DType::Float32 : dtype, a.device());
}

// ---- in-place ---------------------------------------------------------------------

// Makes `self` take the value and the history of `result` (computed out of place with autograd).
void rebase_history(Tensor& self, const Tensor& result, const char* op) {
  if (self.impl()->is_view())
    STRIATE_NOT_IMPLEMENTED(op, ": in-place operations on views of tensors that require grad are not supported yet");
  copy_kernel(self, result);
  self.bump_version();
  auto& meta = self.impl()->ensure_autograd();
  auto* rmeta = result.impl()->autograd();
  meta.requires_grad = rmeta && rmeta->requires_grad;
  meta.grad_fn = rmeta ? rmeta->grad_fn : nullptr;
  meta.output_nr = rmeta ? rmeta->output_nr : 0;
}

Tensor& inplace_binary(Tensor& self, const Tensor& other, BinaryOp op, Scalar alpha) {
  const char* name = kernels::binary(op).name();
  dispatch::device_of(name, {{"self", self}, {"other", other}});
  Shape shape = broadcast_shapes(self.sizes(), other.sizes(), name);
  STRIATE_CHECK_SHAPE(shape == self.sizes(), name, "_: output with shape ", self.sizes(),
                      " doesn't match the broadcast shape ", shape);
  DType wanted = binary_result_dtype(self, other, op);
  STRIATE_CHECK_TYPE(category(wanted) <= category(self.dtype()), name, "_: result type ", wanted,
                     " can't be cast to the desired output type ", self.dtype());
  check_inplace_allowed(self, name);
  if (autograd::needs_grad(self, other)) {
    rebase_history(self, binary(self, other, op, alpha), name);
    return self;
  }
  if (is_reduced_float(self.dtype()) || is_reduced_float(other.dtype())) {  // computed in float32
    copy_kernel(self, binary(self, other, op, alpha));
    self.bump_version();
    return self;
  }
  binary_into(self, self, other, op, alpha);
  self.bump_version();
  return self;
}

// ---- comparisons ------------------------------------------------------------------

Tensor compare(const Tensor& a_in, const Tensor& b_in, CompareOp op, const char* name) {
  NoGradGuard no_grad;
  const Device device = dispatch::device_of(name, {{"self", a_in}, {"other", b_in}});
  Shape shape = broadcast_shapes(a_in.sizes(), b_in.sizes(), name);
  DType common = result_dtype(a_in, b_in);
  STRIATE_COMPUTE_IN_FLOAT32(common, compare, a_in, b_in, op, name);
  Tensor a = to_dtype(a_in, common).expand(shape);
  Tensor b = to_dtype(b_in, common).expand(shape);
  Tensor out = empty(shape, TensorOptions(DType::Bool).set_device(device));
  kernels::compare(device, out, a, b, op);
  return out;
}

// ---- unary ------------------------------------------------------------------------

struct UnaryBackward : autograd::Node {
  UnaryOp op;
  SavedTensor input, result;
  std::optional<double> min, max;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    switch (op) {
      case UnaryOp::Neg: return {neg(g)};
      case UnaryOp::Abs: return {mul(g, sign(input.unpack("AbsBackward")))};
      case UnaryOp::Exp: return {mul(g, result.unpack("ExpBackward"))};
      case UnaryOp::Log: return {div(g, input.unpack("LogBackward"))};
      case UnaryOp::Sqrt: return {div(g, mul(result.unpack("SqrtBackward"), 2.0))};
      case UnaryOp::Sign: return {zeros_like(g)};
      case UnaryOp::Clamp: {
        Tensor x = input.unpack("ClampBackward");
        Tensor keep = ones_like(x).to(DType::Bool);
        if (min) keep = logical_and(keep, ge(x, *min));
        if (max) keep = logical_and(keep, le(x, *max));
        return {mul(g, to_dtype(keep, g.dtype()))};
      }
    }
    return {Tensor()};
  }
  std::string name() const override {
    switch (op) {
      case UnaryOp::Neg: return "NegBackward";
      case UnaryOp::Abs: return "AbsBackward";
      case UnaryOp::Exp: return "ExpBackward";
      case UnaryOp::Log: return "LogBackward";
      case UnaryOp::Sqrt: return "SqrtBackward";
      case UnaryOp::Sign: return "SignBackward";
      case UnaryOp::Clamp: return "ClampBackward";
    }
    return "UnaryBackward";
  }
  void release_saved() override {
    input.reset();
    result.reset();
  }
};

Tensor unary(const Tensor& x, UnaryOp op, const char* name, std::optional<Scalar> lo = std::nullopt,
             std::optional<Scalar> hi = std::nullopt) {
  const Device device = dispatch::device_of(name, x);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), unary, x, op, name, lo, hi);
  bool transcendental = op == UnaryOp::Exp || op == UnaryOp::Log || op == UnaryOp::Sqrt;
  DType dtype = x.dtype();
  if (transcendental && !is_floating(dtype)) dtype = DType::Float32;
  if (op == UnaryOp::Clamp && ((lo && lo->is_floating()) || (hi && hi->is_floating())) && !is_floating(dtype))
    dtype = DType::Float32;
  STRIATE_CHECK_TYPE(!(dtype == DType::Bool && (op == UnaryOp::Neg || op == UnaryOp::Clamp)), name,
                     ": not supported for bool tensors");
  Tensor in, out = empty(x.sizes(), TensorOptions(dtype).set_device(device));
  {
    NoGradGuard no_grad;
    in = to_dtype(x, dtype);
  }
  kernels::unary(device, out, in, op, lo, hi);
  if (autograd::needs_grad(x) && is_floating(dtype)) {
    auto node = std::make_shared<UnaryBackward>();
    node->op = op;
    if (op == UnaryOp::Abs || op == UnaryOp::Log || op == UnaryOp::Clamp) node->input = SavedTensor(x);
    if (op == UnaryOp::Exp || op == UnaryOp::Sqrt) node->result = SavedTensor(out);
    if (lo) node->min = lo->to_double();
    if (hi) node->max = hi->to_double();
    autograd::record(node, {&x}, out);
  }
  return out;
}

}  // namespace

// ---- public API ---------------------------------------------------------------------

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  int n = std::max(a.size(), b.size());
  Shape out = Shape::filled(n, 1);
  for (int i = 0; i < n; ++i) {
    int ia = a.size() - n + i, ib = b.size() - n + i;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    STRIATE_CHECK_SHAPE(da == db || da == 1 || db == 1, op, ": shapes ", a, " and ", b,
                        " cannot be broadcast together (mismatch at dim ", i, ": ", da, " vs ", db, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.sizes() == shape) return grad;
  int lead = grad.dim() - shape.size();
  std::vector<int64_t> dims;
  for (int i = 0; i < grad.dim(); ++i) {
    if (i < lead || (shape[i - lead] == 1 && grad.sizes()[i] != 1)) dims.push_back(i);
  }
  Tensor r = dims.empty() ? grad : sum(grad, dims, /*keepdim=*/true);
  return r.reshape(shape);
}

Tensor add(const Tensor& a, const Tensor& b, Scalar alpha) { return binary(a, b, BinaryOp::Add, alpha); }
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha) { return binary(a, b, BinaryOp::Sub, alpha); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(a, b, BinaryOp::Mul); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(a, b, BinaryOp::Div); }
Tensor pow(const Tensor& a, const Tensor& b) { return binary(a, b, BinaryOp::Pow); }
Tensor maximum(const Tensor& a, const Tensor& b) { return binary(a, b, BinaryOp::Maximum); }
Tensor minimum(const Tensor& a, const Tensor& b) { return binary(a, b, BinaryOp::Minimum); }
Tensor add(const Tensor& a, Scalar b) { return binary(a, scalar_operand(a, b), BinaryOp::Add); }
Tensor sub(const Tensor& a, Scalar b) { return binary(a, scalar_operand(a, b), BinaryOp::Sub); }
Tensor rsub(const Tensor& a, Scalar b) { return binary(scalar_operand(a, b), a, BinaryOp::Sub); }
Tensor mul(const Tensor& a, Scalar b) { return binary(a, scalar_operand(a, b), BinaryOp::Mul); }
Tensor div(const Tensor& a, Scalar b) { return binary(a, scalar_operand(a, b), BinaryOp::Div); }
Tensor rdiv(const Tensor& a, Scalar b) { return binary(scalar_operand(a, b), a, BinaryOp::Div); }
Tensor pow(const Tensor& a, Scalar exponent) { return binary(a, scalar_operand(a, exponent), BinaryOp::Pow); }
Tensor rpow(const Tensor& a, Scalar base) { return binary(scalar_operand(a, base), a, BinaryOp::Pow); }

Tensor neg(const Tensor& a) { return unary(a, UnaryOp::Neg, "neg"); }
Tensor abs(const Tensor& a) { return unary(a, UnaryOp::Abs, "abs"); }
Tensor exp(const Tensor& a) { return unary(a, UnaryOp::Exp, "exp"); }
Tensor log(const Tensor& a) { return unary(a, UnaryOp::Log, "log"); }
Tensor sqrt(const Tensor& a) { return unary(a, UnaryOp::Sqrt, "sqrt"); }
Tensor sign(const Tensor& a) { return unary(a, UnaryOp::Sign, "sign"); }
Tensor clamp(const Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max) {
  STRIATE_CHECK(min || max, "clamp: at least one of 'min' or 'max' must not be None");
  return unary(a, UnaryOp::Clamp, "clamp", min, max);
}

Tensor eq(const Tensor& a, const Tensor& b) { return compare(a, b, CompareOp::Eq, "eq"); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(a, b, CompareOp::Ne, "ne"); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(a, b, CompareOp::Lt, "lt"); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(a, b, CompareOp::Le, "le"); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare(a, b, CompareOp::Gt, "gt"); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(a, b, CompareOp::Ge, "ge"); }
Tensor eq(const Tensor& a, Scalar b) { return eq(a, scalar_operand(a, b)); }
Tensor ne(const Tensor& a, Scalar b) { return ne(a, scalar_operand(a, b)); }
Tensor lt(const Tensor& a, Scalar b) { return lt(a, scalar_operand(a, b)); }
Tensor le(const Tensor& a, Scalar b) { return le(a, scalar_operand(a, b)); }
Tensor gt(const Tensor& a, Scalar b) { return gt(a, scalar_operand(a, b)); }
Tensor ge(const Tensor& a, Scalar b) { return ge(a, scalar_operand(a, b)); }
Tensor logical_and(const Tensor& a, const Tensor& b) { return compare(a, b, CompareOp::And, "logical_and"); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return compare(a, b, CompareOp::Or, "logical_or"); }
Tensor logical_not(const Tensor& a) {
  return eq(a, zeros({}, TensorOptions(a.dtype()).set_device(dispatch::device_of("logical_not", a))));
}

Tensor& add_(Tensor& a, const Tensor& b, Scalar alpha) { return inplace_binary(a, b, BinaryOp::Add, alpha); }
Tensor& sub_(Tensor& a, const Tensor& b, Scalar alpha) { return inplace_binary(a, b, BinaryOp::Sub, alpha); }
Tensor& mul_(Tensor& a, const Tensor& b) { return inplace_binary(a, b, BinaryOp::Mul, 1); }
Tensor& div_(Tensor& a, const Tensor& b) { return inplace_binary(a, b, BinaryOp::Div, 1); }
Tensor& add_(Tensor& a, Scalar b) { return inplace_binary(a, scalar_operand(a, b), BinaryOp::Add, 1); }
Tensor& sub_(Tensor& a, Scalar b) { return inplace_binary(a, scalar_operand(a, b), BinaryOp::Sub, 1); }
Tensor& mul_(Tensor& a, Scalar b) { return inplace_binary(a, scalar_operand(a, b), BinaryOp::Mul, 1); }
Tensor& div_(Tensor& a, Scalar b) { return inplace_binary(a, scalar_operand(a, b), BinaryOp::Div, 1); }
Tensor& pow_(Tensor& a, Scalar b) { return inplace_binary(a, scalar_operand(a, b), BinaryOp::Pow, 1); }

Tensor& clamp_(Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max) {
  check_inplace_allowed(a, "clamp_");
  Tensor r = clamp(a, min, max);
  if (autograd::needs_grad(a)) {
    rebase_history(a, r, "clamp_");
  } else {
    copy_kernel(a, r);
    a.bump_version();
  }
  return a;
}

// With the kernels their backward runs; casts (to_dtype) and sums over broadcast dims (sum_to) are
// ops of their own and check their kernels when they run.
STRIATE_REGISTER_OP("add", &kernels::binary_add);
STRIATE_REGISTER_OP("sub", &kernels::binary_sub, &kernels::binary_mul);
STRIATE_REGISTER_OP("mul", &kernels::binary_mul);
STRIATE_REGISTER_OP("div", &kernels::binary_div, &kernels::unary);
STRIATE_REGISTER_OP("pow", &kernels::binary_pow, &kernels::unary, &kernels::compare, &kernels::where, &kernels::fill);
STRIATE_REGISTER_OP("maximum", &kernels::binary_maximum, &kernels::compare);
STRIATE_REGISTER_OP("minimum", &kernels::binary_minimum, &kernels::compare);
STRIATE_REGISTER_OP("neg", &kernels::unary);
STRIATE_REGISTER_OP("abs", &kernels::unary, &kernels::binary_mul);
STRIATE_REGISTER_OP("exp", &kernels::unary, &kernels::binary_mul);
STRIATE_REGISTER_OP("log", &kernels::unary, &kernels::binary_mul);
STRIATE_REGISTER_OP("sqrt", &kernels::unary, &kernels::binary_mul);
STRIATE_REGISTER_OP("sign", &kernels::unary, &kernels::fill);
STRIATE_REGISTER_OP("clamp", &kernels::unary, &kernels::binary_mul, &kernels::compare, &kernels::fill);
STRIATE_REGISTER_OP("eq", &kernels::compare);
STRIATE_REGISTER_OP("ne", &kernels::compare);
STRIATE_REGISTER_OP("lt", &kernels::compare);
STRIATE_REGISTER_OP("le", &kernels::compare);
STRIATE_REGISTER_OP("gt", &kernels::compare);
STRIATE_REGISTER_OP("ge", &kernels::compare);
STRIATE_REGISTER_OP("logical_and", &kernels::compare);
STRIATE_REGISTER_OP("logical_or", &kernels::compare);
STRIATE_REGISTER_OP("logical_not", &kernels::compare, &kernels::fill);

}  // namespace striate
