// GradScaler's fused unscale and inf/NaN check (striate/ops/amp.h).
#include "striate/ops/amp.h"

#include "kernels/amp.h"
#include "ops/dispatch.h"
#include "striate/autograd.h"

namespace striate {

void amp_non_finite_check_and_unscale_(const std::vector<Tensor>& grads, const Tensor& found_inf,
                                       const Tensor& inv_scale) {
  const char* op = "amp_non_finite_check_and_unscale_";
  STRIATE_CHECK(found_inf.defined() && inv_scale.defined(), op, ": expected found_inf and inv_scale tensors, got None");
  const Device device = dispatch::device_of(op, {{"found_inf", found_inf}, {"inv_scale", inv_scale}});
  for (const Tensor* t : {&found_inf, &inv_scale}) {
    const char* name = t == &found_inf ? "found_inf" : "inv_scale";
    STRIATE_CHECK_TYPE(t->dtype() == DType::Float32, op, ": expected ", name, " of dtype float32, got ", t->dtype());
    STRIATE_CHECK_SHAPE(t->numel() == 1, op, ": expected ", name, " with one element, got shape ", t->sizes());
  }
  NoGradGuard no_grad;
  const Tensor found = found_inf.contiguous(), scale = inv_scale.contiguous();
  for (size_t i = 0; i < grads.size(); ++i) {
    const Tensor& grad = grads[i];
    if (!grad.defined()) continue;
    STRIATE_CHECK(grad.device() == device, op, ": expected every gradient on ", device, " (found_inf's device), got ",
                  "gradient ", i, " on ", grad.device());
    STRIATE_CHECK_TYPE(grad.dtype() == DType::Float32 || grad.dtype() == DType::Float64, op,
                       ": expected float32 or float64 gradients (unscaling float16 gradients loses them; keep the ",
                       "parameters float32 under autocast), got gradient ", i, " of dtype ", grad.dtype());
    STRIATE_CHECK(grad.is_contiguous(), op, ": expected contiguous gradients, got gradient ", i, " with strides ",
                  grad.strides());
    kernels::non_finite_check_and_unscale(device, grad, found, scale);
    grad.bump_version();
  }
  if (found.storage() != found_inf.storage()) {
    Tensor target = found_inf;
    target.copy_(found);
  }
}

STRIATE_REGISTER_OP("amp_non_finite_check_and_unscale_", &kernels::non_finite_check_and_unscale);

}  // namespace striate
