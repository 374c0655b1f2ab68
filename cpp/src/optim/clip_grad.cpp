// clip_grad_norm_ and clip_grad_value_ with torch.nn.utils' rules:
//   total = || (||g_1||_p, ..., ||g_n||_p) ||_p          (the p-norm of all gradients together)
//   g_i = g_i * min(1, max_norm / (total + 1e-6))         (every gradient, even when unclipped)
//   clip_grad_value_: g_i = clamp(g_i, -clip_value, clip_value)
// Norms are accumulated in float64 so a long parameter list loses no precision.
#include "striate/optim/clip_grad.h"

#include <algorithm>
#include <cmath>

#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/reduce.h"

namespace striate::nn::utils {

namespace {

// The norm_type norm of a list of non-negative magnitudes (already |x|).
double norm_of_magnitudes(const std::vector<double>& magnitudes, double norm_type) {
  double total = 0;
  if (std::isinf(norm_type)) {
    if (magnitudes.empty()) return 0;
    return norm_type > 0 ? *std::max_element(magnitudes.begin(), magnitudes.end())
                         : *std::min_element(magnitudes.begin(), magnitudes.end());
  }
  if (norm_type == 0) {
    for (double value : magnitudes) total += value != 0 ? 1 : 0;
    return total;
  }
  for (double value : magnitudes) total += std::pow(value, norm_type);
  return std::pow(total, 1.0 / norm_type);
}

// The norm_type norm of one gradient tensor.
double tensor_norm(const Tensor& grad, double norm_type) {
  if (grad.numel() == 0) return 0;
  Tensor magnitude = abs(grad.to(DType::Float64));
  if (std::isinf(norm_type)) return (norm_type > 0 ? max(magnitude) : min(magnitude)).item_double();
  if (norm_type == 0) return sum(ne(magnitude, 0.0).to(DType::Float64)).item_double();
  if (norm_type == 1) return sum(magnitude).item_double();
  if (norm_type == 2) return std::sqrt(sum(mul(magnitude, magnitude)).item_double());
  return std::pow(sum(pow(magnitude, norm_type)).item_double(), 1.0 / norm_type);
}

}  // namespace

Tensor clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  STRIATE_CHECK(!std::isnan(norm_type) && (norm_type >= 0 || std::isinf(norm_type)),
                "clip_grad_norm_: expected norm_type >= 0 or +-inf, got ", norm_type);
  NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (const auto& param : parameters) {
    if (param.defined() && param.grad().defined()) grads.push_back(param.grad());
  }
  if (grads.empty()) return scalar_tensor(0.0, DType::Float32);

  std::vector<double> norms;
  norms.reserve(grads.size());
  for (const auto& grad : grads) norms.push_back(tensor_norm(grad, norm_type));
  const double total = norm_of_magnitudes(norms, norm_type);
  STRIATE_CHECK_STATE(!error_if_nonfinite || std::isfinite(total), "clip_grad_norm_: the total norm of order ",
                      norm_type, " for gradients from `parameters` is non-finite (", total,
                      "), so it cannot be clipped. To disable this error and scale the gradients by the "
                      "non-finite norm anyway, set `error_if_nonfinite=False`");
  const double clip_coef = std::min(max_norm / (total + 1e-6), 1.0);
  for (auto& grad : grads) {
    Tensor target = grad;
    target.mul_(clip_coef);
    target.bump_version();
  }
  return scalar_tensor(total, grads.front().dtype());
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  STRIATE_CHECK(clip_value >= 0, "clip_grad_value_: expected clip_value >= 0, got ", clip_value);
  NoGradGuard no_grad;
  for (const auto& param : parameters) {
    if (!param.defined() || !param.grad().defined()) continue;
    Tensor grad = param.grad();
    clamp_(grad, -clip_value, clip_value);
    grad.bump_version();
  }
}

}  // namespace striate::nn::utils
