// where, dtype casts, copy_ and fill_, with their backward nodes, and the helpers the elementwise
// op files share (declared in elementwise_internal.h).
#include "ops/elementwise_internal.h"

#include "kernels/elementwise.h"
#include "ops/dispatch.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate {

namespace elementwise {

int category(DType t) { return t == DType::Bool ? 0 : is_floating(t) ? 2 : 1; }

// PyTorch's rule: a 0-dim tensor does not widen a dimensioned tensor of the same category.
DType result_dtype(const Tensor& a, const Tensor& b) {
  bool a_zero = a.dim() == 0, b_zero = b.dim() == 0;
  if (a_zero != b_zero) {
    const Tensor& dimmed = a_zero ? b : a;
    const Tensor& zero = a_zero ? a : b;
    if (category(zero.dtype()) <= category(dimmed.dtype())) return dimmed.dtype();
    return zero.dtype();  // a higher category: the 0-dim tensor's own dtype (PyTorch's rule)
  }
  return promote_types(a.dtype(), b.dtype());
}

void check_inplace_allowed(const Tensor& self, const char* op) {
  STRIATE_CHECK_STATE(!(grad_mode_enabled() && self.requires_grad() && self.is_leaf()), op,
                      ": a leaf Variable that requires grad is being used in an in-place operation.");
  check_no_internal_overlap(self, op);
}

void check_no_internal_overlap(const Tensor& self, const char* op) {
  if (self.numel() == 0) return;  // nothing is written
  for (int d = 0; d < self.dim(); ++d) {
    STRIATE_CHECK_STATE(!(self.size(d) > 1 && self.stride(d) == 0), op,
                        ": unsupported operation: more than one element of the written-to tensor refers to a "
                        "single memory location (an expanded view, shape ",
                        self.sizes(), "); clone() it before writing in place");
  }
}

// Raw strided copy with cast, src broadcast to dst.
void copy_kernel(const Tensor& dst, const Tensor& src_in) {
  NoGradGuard no_grad;
  kernels::copy(dst.device(), dst, src_in.expand(dst.sizes()));
}

}  // namespace elementwise

namespace {

using autograd::SavedTensor;
using elementwise::check_inplace_allowed;
using elementwise::copy_kernel;
using elementwise::result_dtype;

// ---- where, casts, copies ------------------------------------------------------------

struct WhereBackward : autograd::Node {
  SavedTensor condition;
  Shape a_shape, b_shape;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    Tensor c = condition.unpack("WhereBackward");
    Tensor zero = zeros({}, options_of(g));
    Tensor ga, gb;
    if (should_compute_input_grad(0)) ga = sum_to(where(c, g, zero), a_shape);
    if (should_compute_input_grad(1)) gb = sum_to(where(c, zero, g), b_shape);
    return {ga, gb};
  }
  std::string name() const override { return "WhereBackward"; }
  void release_saved() override { condition.reset(); }
};

struct ToDtypeBackward : autograd::Node {
  DType input_dtype;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {to_dtype(grads[0], input_dtype)}; }
  std::string name() const override { return "ToCopyBackward"; }
};

struct CopyBackward : autograd::Node {
  Shape src_shape;
  DType src_dtype;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {to_dtype(sum_to(grads[0], src_shape), src_dtype)};
  }
  std::string name() const override { return "CopyBackward"; }
};

struct ConstantBackward : autograd::Node {  // the value no longer depends on any input
  std::vector<Tensor> apply(std::vector<Tensor>&&) override { return {}; }
  std::string name() const override { return "FillBackward"; }
};

}  // namespace

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  STRIATE_CHECK_TYPE(cond.dtype() == DType::Bool, "where: expected a bool condition tensor, got dtype ", cond.dtype());
  const Device device = dispatch::device_of("where", {{"condition", cond}, {"input", a}, {"other", b}});
  Shape shape = broadcast_shapes(broadcast_shapes(cond.sizes(), a.sizes(), "where"), b.sizes(), "where");
  DType dtype = result_dtype(a, b);
  Tensor out = empty(shape, TensorOptions(dtype).set_device(device));
  Tensor c, av, bv;
  {
    NoGradGuard no_grad;
    c = cond.expand(shape);
    av = to_dtype(a, dtype).expand(shape);
    bv = to_dtype(b, dtype).expand(shape);
  }
  kernels::where(device, out, c, av, bv);
  if (autograd::needs_grad(a, b)) {
    auto node = std::make_shared<WhereBackward>();
    node->condition = SavedTensor(cond);
    node->a_shape = a.sizes();
    node->b_shape = b.sizes();
    autograd::record(node, {&a, &b}, out);
  }
  return out;
}

Tensor to_dtype(const Tensor& a, DType dtype) {
  if (a.dtype() == dtype) return a;
  const Device device = dispatch::device_of("to_dtype", a);
  Tensor out = empty(a.sizes(), TensorOptions(dtype).set_device(device));
  copy_kernel(out, a);
  if (autograd::needs_grad(a) && is_floating(dtype)) {
    auto node = std::make_shared<ToDtypeBackward>();
    node->input_dtype = a.dtype();
    autograd::record(node, {&a}, out);
  }
  return out;
}

Tensor& copy_(Tensor& dst, const Tensor& src) {
  dispatch::device_of("copy_", {{"self", dst}, {"src", src}});
  Shape shape = broadcast_shapes(dst.sizes(), src.sizes(), "copy_");
  STRIATE_CHECK_SHAPE(shape == dst.sizes(), "copy_: source of shape ", src.sizes(),
                      " cannot be broadcast to the destination shape ", dst.sizes());
  check_inplace_allowed(dst, "copy_");
  bool track = autograd::needs_grad(dst, src);
  if (track && dst.impl()->is_view())
    STRIATE_NOT_IMPLEMENTED("copy_: in-place writes into views of tensors that require grad are not supported yet");
  // Copying from an overlapping source (e.g. x[1:] = x[:-1]) must read before writing.
  Tensor source = src.storage() == dst.storage() ? src.clone() : src;
  {
    NoGradGuard no_grad;
    copy_kernel(dst, source);
  }
  dst.bump_version();
  if (track) {
    auto& meta = dst.impl()->ensure_autograd();
    if (src.requires_grad()) {
      auto node = std::make_shared<CopyBackward>();
      node->src_shape = src.sizes();
      node->src_dtype = src.dtype();
      autograd::record(node, {&src}, dst);
    } else {
      auto node = std::make_shared<ConstantBackward>();
      autograd::record(node, {}, dst);
    }
    (void)meta;
  }
  return dst;
}

Tensor& fill_(Tensor& dst, Scalar value) {
  check_inplace_allowed(dst, "fill_");
  kernels::fill(dispatch::device_of("fill_", dst), dst, value);
  dst.bump_version();
  if (dst.requires_grad() && grad_mode_enabled()) {
    if (dst.impl()->is_view())
      STRIATE_NOT_IMPLEMENTED("fill_: in-place writes into views of tensors that require grad are not supported yet");
    autograd::record(std::make_shared<ConstantBackward>(), {}, dst);
  }
  return dst;
}

STRIATE_REGISTER_OP("where", &kernels::where, &kernels::copy, &kernels::fill);
STRIATE_REGISTER_OP("copy_", &kernels::copy);
STRIATE_REGISTER_OP("to_dtype", &kernels::copy);
STRIATE_REGISTER_OP("fill_", &kernels::fill);

}  // namespace striate
