// conv2d: argument checks, the output-shape rule (a pure function), the CPU kernel call and
// the Conv2dBackward node that gives the gradients of input, weight and bias. conv1d, conv3d and
// conv_transpose2d live in conv_nd.cpp and conv_transpose.cpp.
#include "striate/ops/conv.h"

#include <string>
#include <vector>

#include "kernels/conv.h"
#include "ops/conv_common.h"
#include "ops/conv_weight_cache.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate {
namespace {

using conv_common::pair_str;

Shape batched(const Shape& shape) { return conv_common::batched(shape, 2); }

// conv2d's kernels, for the shared backward node.
struct Conv2dKernels {
  using Geometry = kernels::Conv2dGeometry;
  static constexpr const char* name = "Conv2dBackward";
  static Shape bias_shape(const Geometry& g) { return {g.K}; }
  template <typename T>
  static void backward_input(Device d, T* dinput, const T* doutput, const T* weight, const Geometry& g) {
    kernels::conv2d_backward_input<T>(d, dinput, doutput, weight, g);
  }
  template <typename T>
  static void backward_weight(Device d, T* dweight, T* dbias, const T* doutput, const T* input, const Geometry& g) {
    kernels::conv2d_backward_weight<T>(d, dweight, dbias, doutput, input, g);
  }
};

}  // namespace

Conv2dOptions& Conv2dOptions::padding(const std::string& mode) {
  padding_mode_ = conv_common::padding_mode_from(mode, "conv2d");
  padding4_ = {0, 0, 0, 0};
  return *this;
}

std::array<int64_t, 4> conv2d_resolve_padding(const Shape& weight, const Conv2dOptions& options) {
  if (options.padding_mode() == PaddingMode::Valid) return {0, 0, 0, 0};
  if (options.padding_mode() == PaddingMode::Explicit) return options.padding4();
  const int64_t total_h = checked_mul(options.dilation()[0], weight[2] - 1, "conv2d", "the padding dilation * (R - 1)");
  const int64_t total_w = checked_mul(options.dilation()[1], weight[3] - 1, "conv2d", "the padding dilation * (S - 1)");
  if (options.padding_mode() == PaddingMode::Full) return {total_h, total_h, total_w, total_w};
  // 'same': total padding dilation * (kernel - 1), the odd one out on the bottom / right as PyTorch.
  return {total_h / 2, total_h - total_h / 2, total_w / 2, total_w - total_w / 2};
}

Shape conv2d_output_shape(const Shape& input, const Shape& weight, const Conv2dOptions& options, const char* op) {
  STRIATE_CHECK_SHAPE(input.size() == 3 || input.size() == 4, op,
                      ": expected input of shape (N, C, H, W) or (C, H, W), got ", input);
  STRIATE_CHECK_SHAPE(weight.size() == 4, op, ": expected weight of shape (K, C / groups, R, S), got ", weight);
  for (int64_t extent : weight)
    STRIATE_CHECK_SHAPE(extent > 0, op, ": expected weight with positive sizes, got ", weight);
  const auto& stride = options.stride();
  const auto& dilation = options.dilation();
  const int64_t groups = options.groups();
  STRIATE_CHECK(stride[0] > 0 && stride[1] > 0, op, ": expected stride > 0, got ", pair_str(stride));
  STRIATE_CHECK(dilation[0] > 0 && dilation[1] > 0, op, ": expected dilation > 0, got ", pair_str(dilation));
  STRIATE_CHECK(groups > 0, op, ": expected groups > 0, got ", groups);
  const auto& p4 = options.padding4();
  STRIATE_CHECK(p4[0] >= 0 && p4[1] >= 0 && p4[2] >= 0 && p4[3] >= 0, op,
                ": expected padding >= 0, got (top, bottom, left, right) = (", p4[0], ", ", p4[1], ", ", p4[2], ", ",
                p4[3], ")");
  STRIATE_CHECK(options.padding_mode() != PaddingMode::Same || (stride[0] == 1 && stride[1] == 1), op,
                ": padding='same' requires stride 1, got stride ", pair_str(stride));

  const Shape x = batched(input);
  const int64_t K = weight[0];
  STRIATE_CHECK_SHAPE(K % groups == 0, op, ": expected out channels (weight.size(0) = ", K,
                      ") divisible by groups = ", groups);
  STRIATE_CHECK_SHAPE(x[1] == weight[1] * groups, op,
                      ": expected input with C = weight.size(1) * groups = ", weight[1] * groups, " channels, got ",
                      x[1], " (input shape ", input, ", weight shape ", weight, ", groups ", groups, ")");
  const auto padding = conv2d_resolve_padding(weight, options);
  // Checked: padding and dilation come from the user.
  const char* what = "the convolution window arithmetic";
  const int64_t padded_h = checked_add(checked_add(x[2], padding[0], op, what), padding[1], op, what);
  const int64_t padded_w = checked_add(checked_add(x[3], padding[2], op, what), padding[3], op, what);
  const int64_t kernel_h = checked_mul(dilation[0], weight[2] - 1, op, what) + 1;
  const int64_t kernel_w = checked_mul(dilation[1], weight[3] - 1, op, what) + 1;
  STRIATE_CHECK_SHAPE(x[2] > 0 && x[3] > 0 && kernel_h <= padded_h && kernel_w <= padded_w, op,
                      ": kernel size (after dilation) (", kernel_h, ", ", kernel_w,
                      ") is larger than the padded input (", padded_h, ", ", padded_w, ") (input shape ", input,
                      ", weight shape ", weight, ")");
  Shape out = input;
  out[out.size() - 3] = K;
  out[out.size() - 2] = (padded_h - kernel_h) / stride[0] + 1;
  out[out.size() - 1] = (padded_w - kernel_w) / stride[1] + 1;
  return out;
}

namespace {

Tensor conv2d_impl(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                   const Conv2dOptions& options, bool relu, const char* op,
                   kernels::ConvWeightCache* weight_cache = nullptr, const Tensor* residual = nullptr) {
  STRIATE_AUTOCAST(CastPolicy::LowerPrecision, conv2d_impl, input, weight, bias, options, relu, op);
  const bool has_bias = conv_common::check_weighted_op(input, weight, bias, op);
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), conv2d_impl, input, weight, bias, options, relu, op);
  const Shape out_shape = conv2d_output_shape(input.sizes(), weight.sizes(), options, op);
  if (has_bias)
    STRIATE_CHECK_SHAPE(bias->dim() == 1 && bias->size(0) == weight.size(0), op, ": expected bias of shape (",
                        weight.size(0), "), got ", bias->sizes());

  Tensor x = input.detach().reshape(batched(input.sizes())).contiguous();
  Tensor w = weight.detach().contiguous();
  Tensor b = has_bias ? bias->detach().contiguous() : Tensor();
  // The unbatched output (K, P, Q) has the same memory layout as (1, K, P, Q).
  Tensor y = empty(out_shape, options_of(input));
  auto geometry = conv_common::conv2d_geometry(x.sizes(), w.sizes(), batched(out_shape), options);
  geometry.relu = relu;
  // Only the weight itself, unconverted and uncopied, may use the cache: a copy would be a new
  // address each call (the cache then misses; it never serves another address).
  if (weight_cache && w.data_ptr() == weight.data_ptr() && weight.dtype() == input.dtype())
    geometry.weight_cache = weight_cache;
  Tensor skip;
  if (residual) {
    STRIATE_CHECK_SHAPE(residual->defined() && residual->sizes() == out_shape, op, ": expected residual of shape ",
                        out_shape, ", got ", residual->defined() ? residual->sizes() : Shape{});
    STRIATE_CHECK_TYPE(residual->dtype() == input.dtype(), op, ": expected residual of dtype ",
                       dtype_name(input.dtype()), ", got ", dtype_name(residual->dtype()));
    STRIATE_CHECK(residual->device() == input.device() && input.device().is_cpu(), op,
                  ": expected residual and input on the CPU, got ", residual->device().str(), " and ",
                  input.device().str());
    skip = residual->detach().contiguous();
    geometry.residual = skip.data_ptr();
  }
  if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
      STRIATE_PROFILE_COST(conv_common::pass_flops(geometry), conv_common::pass_bytes<scalar_t>(geometry, w.numel()));
      kernels::conv2d_forward<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(), w.data<scalar_t>(),
                                        has_bias ? b.data<scalar_t>() : nullptr, geometry);
    });
  }
  if (!relu && !residual)
    conv_common::record_weighted_op<conv_common::ConvBackward<Conv2dKernels>>(input, weight, bias, x, w, geometry, y);
  return y;
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
              const Conv2dOptions& options) {
  return conv2d_impl(input, weight, bias, options, false, "conv2d");
}

Tensor conv2d_relu(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                   const Conv2dOptions& options) {
  const bool needs_graph = grad_mode_enabled() && (input.requires_grad() || weight.requires_grad() ||
                                                   (bias && bias->defined() && bias->requires_grad()));
  if (needs_graph) return relu(conv2d(input, weight, bias, options));
  return conv2d_impl(input, weight, bias, options, true, "conv2d_relu");
}

namespace {

// Whether conv2d_impl computes this call in the given dtype as it is (no autocast or float32 detour,
// which would convert the weight and drop a residual).
bool computes_as_given(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias) {
  if (!input.defined() || (input.dtype() != DType::Float32 && input.dtype() != DType::Float64)) return false;
  return !reduced_precision::autocast_target(reduced_precision::CastPolicy::LowerPrecision, input, weight, bias);
}

}  // namespace

Tensor conv2d_with_weight_cache(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                                const Conv2dOptions& options, bool relu, kernels::ConvWeightCache& weight_cache) {
  const bool needs_graph = grad_mode_enabled() && (input.requires_grad() || weight.requires_grad() ||
                                                   (bias && bias->defined() && bias->requires_grad()));
  if (needs_graph || !computes_as_given(input, weight, bias))
    return relu ? conv2d_relu(input, weight, bias, options) : conv2d(input, weight, bias, options);
  return conv2d_impl(input, weight, bias, options, relu, relu ? "conv2d_relu" : "conv2d", &weight_cache);
}

Tensor conv2d_add_with_weight_cache(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                                    const Conv2dOptions& options, const Tensor& residual, bool relu,
                                    kernels::ConvWeightCache& weight_cache) {
  const char* op = "conv2d_add";
  const bool needs_graph =
      grad_mode_enabled() && (input.requires_grad() || weight.requires_grad() ||
                              (bias && bias->defined() && bias->requires_grad()) || residual.requires_grad());
  STRIATE_CHECK(!needs_graph, op, ": no gradient (an inference-only op), but an argument requires grad");
  if (!computes_as_given(input, weight, bias)) {
    const Tensor sum = add(conv2d(input, weight, bias, options), residual);
    return relu ? striate::relu(sum) : sum;
  }
  return conv2d_impl(input, weight, bias, options, relu, op, &weight_cache, &residual);
}

Conv2dAlgorithms conv2d_algorithms(const Shape& input, const Shape& weight, const Conv2dOptions& options, DType dtype,
                                   Device device) {
  const Shape out_shape = conv2d_output_shape(input, weight, options, "conv2d_algorithms");
  const auto g = conv_common::conv2d_geometry(batched(input), weight, batched(out_shape), options);
  Conv2dAlgorithms result{};
  STRIATE_DISPATCH_FLOATING(dtype, "conv2d_algorithms", [&] {
    result.forward = kernels::conv2d_algorithm<scalar_t>(device, g, ConvPass::Forward);
    result.backward_input = kernels::conv2d_algorithm<scalar_t>(device, g, ConvPass::BackwardInput);
    result.backward_weight = kernels::conv2d_algorithm<scalar_t>(device, g, ConvPass::BackwardWeight);
  });
  return result;
}

STRIATE_REGISTER_OP("conv2d", &kernels::conv2d_forward<float>, &kernels::conv2d_backward_input<float>,
                    &kernels::conv2d_backward_weight<float>);

}  // namespace striate
