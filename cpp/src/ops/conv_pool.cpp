// conv2d_relu_max_pool2d: max_pool2d(relu(conv2d(x, w, b))) as one kernel where the backend has
// one for the shape (kernels/conv_pool.h: float32 on the CPU, a 2x2 stride-2 window, layers the
// direct convolution takes) and nothing needs a gradient; the three ops composed everywhere else.
#include <array>
#include <string>

#include "kernels/conv_pool.h"
#include "ops/conv_common.h"
#include "striate/autograd.h"
#include "striate/core/autocast.h"
#include "striate/core/conv_algorithm.h"
#include "striate/ops/conv.h"
#include "striate/ops/creation.h"
#include "striate/ops/pooling.h"

namespace striate {
namespace {

// The window the fused kernel computes: 2x2, stride 2, no padding or dilation, floor mode.
bool is_pool2x2(const Pool2dOptions& pool) {
  const IntPair two{2, 2}, zero{0, 0}, one{1, 1};
  return pool.kernel_size() == two && pool.stride() == two && pool.padding() == zero && pool.dilation() == one &&
         !pool.ceil_mode();
}

// The geometry of the convolution, with the ReLU the fused kernel applies.
kernels::Conv2dGeometry geometry_of(const Shape& x, const Shape& w, const Shape& y, const Conv2dOptions& options) {
  kernels::Conv2dGeometry g = conv_common::conv2d_geometry(x, w, y, options);
  g.relu = true;
  return g;
}

// The fused kernel applies: no graph to record, plain float32 CPU tensors (no autocast), a 4-D
// input, the window above, a non-empty pooled output, and the backend's convolution rule (or the
// user's forced choice) picking the direct algorithm that the kernel builds on.
bool fused_applies(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                   const Conv2dOptions& options, const Pool2dOptions& pool) {
  if (!is_pool2x2(pool) || !input.defined() || !weight.defined() || input.dim() != 4 || weight.dim() != 4) return false;
  const bool has_bias = bias.has_value() && bias->defined();
  if (grad_mode_enabled() && (input.requires_grad() || weight.requires_grad() || (has_bias && bias->requires_grad())))
    return false;
  if (input.dtype() != DType::Float32 || weight.dtype() != DType::Float32) return false;
  if (!input.device().is_cpu() || !weight.device().is_cpu()) return false;
  if (has_bias && (bias->dtype() != DType::Float32 || !bias->device().is_cpu() || bias->dim() != 1 ||
                   bias->size(0) != weight.size(0)))
    return false;
  if (autocast::is_enabled(DeviceType::CPU)) return false;
  if (!kernels::conv2d_relu_max_pool2x2_forward<float>.implemented_on(DeviceType::CPU)) return false;
  const Shape conv_shape = conv2d_output_shape(input.sizes(), weight.sizes(), options, "conv2d_relu_max_pool2d");
  if (input.size(0) == 0 || conv_shape[2] < 2 || conv_shape[3] < 2) return false;
  const auto g = geometry_of(input.sizes(), weight.sizes(), conv_shape, options);
  return kernels::conv2d_algorithm<float>(input.device(), g, ConvPass::Forward) == ConvAlgorithm::Direct;
}

}  // namespace

Tensor conv2d_relu_max_pool2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                              const Conv2dOptions& options, const Pool2dOptions& pool) {
  if (!fused_applies(input, weight, bias, options, pool))
    return max_pool2d(conv2d_relu(input, weight, bias, options), pool);
  const char* op = "conv2d_relu_max_pool2d";
  const bool has_bias = conv_common::check_weighted_op(input, weight, bias, op);
  const Shape conv_shape = conv2d_output_shape(input.sizes(), weight.sizes(), options, op);
  const Tensor x = input.detach().contiguous();
  const Tensor w = weight.detach().contiguous();
  const Tensor b = has_bias ? bias->detach().contiguous() : Tensor();
  const auto g = geometry_of(x.sizes(), w.sizes(), conv_shape, options);
  Tensor y = empty({g.N, g.K, g.P / 2, g.Q / 2}, options_of(input));
  STRIATE_PROFILE_COST(conv_common::pass_flops(g), (g.N * (g.C * g.H * g.W + y.numel() / g.N) + w.numel()) * 4);
  kernels::conv2d_relu_max_pool2x2_forward<float>(y.device(), y.data<float>(), x.data<float>(), w.data<float>(),
                                                  has_bias ? b.data<float>() : nullptr, g);
  return y;
}

}  // namespace striate
