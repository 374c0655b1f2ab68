// Dropout, dropout2d, alpha_dropout and stochastic_depth: a Bernoulli mask drawn from the default
// generator, applied with the recorded elementwise ops, so gradients flow through kept units only.
#include "striate/ops/dropout.h"

#include <cmath>

#include "kernels/elementwise.h"
#include "kernels/random.h"
#include "ops/dispatch.h"

#include "striate/autograd.h"
#include "striate/core/random.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate {
namespace {

void check_dropout_input(const Tensor& x, double p, const char* op) {
  STRIATE_CHECK(x.defined(), op, ": expected a tensor, got None");
  dispatch::device_of(op, x);
  STRIATE_CHECK_TYPE(x.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     x.dtype());
  STRIATE_CHECK(p >= 0.0 && p <= 1.0, op, ": expected the probability p to be between 0 and 1, got p=", p);
}

// A tensor of `shape` on `device` holding `keep_value` with probability 1 - p and 0 otherwise, drawn
// by the device's random_draw kernel from the default generator (so manual_seed makes masks
// reproducible; on the CPU in element order, as always).
Tensor bernoulli_mask(const Shape& shape, DType dtype, double p, double keep_value, Device device) {
  if (is_reduced_float(dtype)) return to_dtype(bernoulli_mask(shape, DType::Float32, p, keep_value, device), dtype);
  Tensor mask = empty(shape, TensorOptions(dtype).set_device(device));
  kernels::random_draw(device, mask, kernels::RandomDraw{kernels::RandomDistribution::Bernoulli, p, keep_value},
                       default_generator());
  return mask;
}

// (N, C, 1, ..., 1) for dropout2d, (N, 1, ..., 1) for row-wise stochastic depth.
Shape broadcast_mask_shape(const Tensor& x, int kept_dims) {
  Shape shape = x.sizes();
  for (int d = kept_dims; d < x.dim(); ++d) shape[d] = 1;
  return shape;
}

}  // namespace

Tensor dropout(const Tensor& input, double p, bool training, bool inverted) {
  check_dropout_input(input, p, "dropout");
  if (!training) return inverted ? input : mul(input, 1.0 - p);
  if (p == 0.0) return input;
  const double keep_value = (inverted && p < 1.0) ? 1.0 / (1.0 - p) : 1.0;
  return mul(input, bernoulli_mask(input.sizes(), input.dtype(), p, keep_value, input.device()));
}

Tensor& dropout_(Tensor& input, double p, bool training, bool inverted) {
  check_dropout_input(input, p, "dropout_");
  if (!training) return inverted ? input : mul_(input, 1.0 - p);
  if (p == 0.0) return input;
  const double keep_value = (inverted && p < 1.0) ? 1.0 / (1.0 - p) : 1.0;
  return mul_(input, bernoulli_mask(input.sizes(), input.dtype(), p, keep_value, input.device()));
}

Tensor dropout2d(const Tensor& input, double p, bool training) {
  check_dropout_input(input, p, "dropout2d");
  STRIATE_CHECK_SHAPE(input.dim() >= 2, "dropout2d: expected an input of shape (N, C, *), got shape ", input.sizes());
  if (!training || p == 0.0) return input;
  const double keep_value = p < 1.0 ? 1.0 / (1.0 - p) : 1.0;
  return mul(input, bernoulli_mask(broadcast_mask_shape(input, 2), input.dtype(), p, keep_value, input.device()));
}

Tensor alpha_dropout(const Tensor& input, double p, bool training) {
  check_dropout_input(input, p, "alpha_dropout");
  if (!training || p == 0.0) return input;
  if (p == 1.0) return mul(input, 0.0);
  // SELU's negative saturation is -scale * alpha; a and b restore zero mean and unit variance.
  const double saturation = 1.7580993408473766;
  const double a = 1.0 / std::sqrt((saturation * saturation * p + 1.0) * (1.0 - p));
  Tensor keep = bernoulli_mask(input.sizes(), input.dtype(), p, 1.0, input.device());
  Tensor shift = add(mul(sub(keep, 1.0), saturation * a), saturation * a * p);
  return add(mul(input, mul(keep, a)), shift);
}

Tensor stochastic_depth(const Tensor& input, double p, const std::string& mode, bool training) {
  check_dropout_input(input, p, "stochastic_depth");
  STRIATE_CHECK(mode == "row" || mode == "batch", "stochastic_depth: expected mode 'row' or 'batch', got '", mode, "'");
  if (!training || p == 0.0) return input;
  STRIATE_CHECK_SHAPE(mode == "batch" || input.dim() >= 1,
                      "stochastic_depth: expected an input with a batch dimension for mode 'row', got shape ",
                      input.sizes());
  const double survival = 1.0 - p;
  const Shape shape = mode == "row" ? broadcast_mask_shape(input, 1) : Shape::filled(input.dim(), 1);
  return mul(input, bernoulli_mask(shape, input.dtype(), p, survival > 0.0 ? 1.0 / survival : 1.0, input.device()));
}

STRIATE_REGISTER_OP("dropout", &kernels::random_draw, &kernels::binary_mul);
STRIATE_REGISTER_OP("dropout_", &kernels::random_draw, &kernels::binary_mul);
STRIATE_REGISTER_OP("dropout2d", &kernels::random_draw, &kernels::binary_mul);
STRIATE_REGISTER_OP("alpha_dropout", &kernels::random_draw, &kernels::binary_mul);
STRIATE_REGISTER_OP("stochastic_depth", &kernels::random_draw, &kernels::binary_mul);

}  // namespace striate
