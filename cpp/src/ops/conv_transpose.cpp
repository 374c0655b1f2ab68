// conv_transpose2d, the adjoint of conv2d: its forward is conv2d's input-gradient pass (col2im of
// W^T x), its backward conv2d's forward (input gradient) and weight pass, on the same kernels.
#include <string>
#include <vector>

#include "kernels/conv.h"
#include "kernels/elementwise.h"
#include "ops/conv_common.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/conv.h"
#include "striate/ops/creation.h"
#include "striate/ops/reduce.h"

namespace striate {
namespace {

using conv_common::pair_str;

Shape batched(const Shape& shape) { return conv_common::batched(shape, 2); }

// The conv2d whose input gradient this transposed convolution is: its input is our output
// (C = C_out channels), its output our input (K = C_in channels, P x Q = H x W).
kernels::Conv2dGeometry adjoint_geometry(const Shape& input, const Shape& weight, const Shape& output,
                                         const ConvTranspose2dOptions& options) {
  kernels::Conv2dGeometry g;
  g.N = input[0];
  g.K = input[1];
  g.P = input[2];
  g.Q = input[3];
  g.C = output[1];
  g.H = output[2];
  g.W = output[3];
  g.R = weight[2];
  g.S = weight[3];
  g.stride_h = options.stride()[0];
  g.stride_w = options.stride()[1];
  g.pad_top = options.padding()[0];
  g.pad_left = options.padding()[1];
  g.dilation_h = options.dilation()[0];
  g.dilation_w = options.dilation()[1];
  g.groups = options.groups();
  return g;
}

}  // namespace

Shape conv_transpose2d_output_shape(const Shape& input, const Shape& weight, const ConvTranspose2dOptions& options) {
  const char* op = "conv_transpose2d";
  STRIATE_CHECK_SHAPE(input.size() == 3 || input.size() == 4, op,
                      ": expected input of shape (N, C_in, H, W) or (C_in, H, W), got ", input);
  STRIATE_CHECK_SHAPE(weight.size() == 4, op, ": expected weight of shape (C_in, C_out / groups, R, S), got ", weight);
  for (int64_t extent : weight)
    STRIATE_CHECK_SHAPE(extent > 0, op, ": expected weight with positive sizes, got ", weight);
  const auto& stride = options.stride();
  const auto& padding = options.padding();
  const auto& output_padding = options.output_padding();
  const auto& dilation = options.dilation();
  const int64_t groups = options.groups();
  STRIATE_CHECK(stride[0] > 0 && stride[1] > 0, op, ": expected stride > 0, got ", pair_str(stride));
  STRIATE_CHECK(dilation[0] > 0 && dilation[1] > 0, op, ": expected dilation > 0, got ", pair_str(dilation));
  STRIATE_CHECK(padding[0] >= 0 && padding[1] >= 0, op, ": expected padding >= 0, got ", pair_str(padding));
  STRIATE_CHECK(groups > 0, op, ": expected groups > 0, got ", groups);
  for (int d = 0; d < 2; ++d) {
    STRIATE_CHECK(output_padding[d] >= 0 && (output_padding[d] < stride[d] || output_padding[d] < dilation[d]), op,
                  ": expected 0 <= output_padding < stride or < dilation, got output_padding ",
                  pair_str(output_padding), ", stride ", pair_str(stride), ", dilation ", pair_str(dilation));
  }
  const Shape x = batched(input);
  STRIATE_CHECK_SHAPE(x[1] == weight[0], op, ": expected input with C_in = weight.size(0) = ", weight[0],
                      " channels, got ", x[1], " (input shape ", input, ", weight shape ", weight, ")");
  STRIATE_CHECK_SHAPE(weight[0] % groups == 0, op, ": expected in channels (weight.size(0) = ", weight[0],
                      ") divisible by groups = ", groups);
  Shape out = input;
  out[out.size() - 3] = weight[1] * groups;
  for (int d = 0; d < 2; ++d) {
    // Checked: stride, padding, dilation and output_padding come from the user.
    const char* what = "the transposed convolution's output size";
    const int64_t spread = checked_mul(x[2 + d] - 1, stride[d], op, what);
    const int64_t reach = checked_mul(dilation[d], weight[2 + d] - 1, op, what);
    const int64_t extent = checked_add(checked_add(spread - checked_mul(2, padding[d], op, what), reach, op, what),
                                       output_padding[d] + 1, op, what);
    STRIATE_CHECK_SHAPE(x[2 + d] > 0 && extent > 0, op, ": the output would be empty (size ", extent,
                        " in spatial dimension ", d, ") for input shape ", input, ", weight shape ", weight,
                        " and padding ", pair_str(padding));
    out[out.size() - 2 + d] = extent;
  }
  return out;
}

struct ConvTranspose2dBackward : autograd::Node {
  autograd::SavedTensor input, weight;  // input batched and contiguous; weight contiguous
  kernels::Conv2dGeometry geometry;
  Shape input_shape;  // as the user passed it (maybe unbatched)
  bool has_bias = false;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack("ConvTranspose2dBackward");
    Tensor w = weight.unpack("ConvTranspose2dBackward");
    Tensor dout = grads[0].contiguous();
    Tensor dinput, dweight, dbias;
    STRIATE_DISPATCH_FLOATING(x.dtype(), "conv_transpose2d backward", [&] {
      if (should_compute_input_grad(0)) {
        // d input = conv2d(d output, W): the adjoint's forward pass.
        dinput = empty(input_shape, options_of(x));
        STRIATE_PROFILE_COST(conv_common::pass_flops(geometry), conv_common::pass_bytes<scalar_t>(geometry, w.numel()));
        kernels::conv2d_forward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                          w.data<scalar_t>(), nullptr, geometry);
      }
      if (should_compute_input_grad(1)) {
        // The adjoint's weight gradient with the roles of its input and output gradient swapped.
        dweight = empty(w.sizes(), options_of(w));
        STRIATE_PROFILE_COST(conv_common::pass_flops(geometry), conv_common::pass_bytes<scalar_t>(geometry, w.numel()));
        kernels::conv2d_backward_weight<scalar_t>(dweight.device(), dweight.data<scalar_t>(), nullptr,
                                                  x.data<scalar_t>(), dout.data<scalar_t>(), geometry);
      }
    });
    if (has_bias && should_compute_input_grad(2)) dbias = sum(grads[0].reshape(batched(grads[0].sizes())), {0, 2, 3});
    std::vector<Tensor> result{dinput, dweight};
    if (has_bias) result.push_back(dbias);
    return result;
  }
  std::string name() const override { return "ConvTranspose2dBackward"; }
  void release_saved() override {
    input.reset();
    weight.reset();
  }
};

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                        const ConvTranspose2dOptions& options) {
  const char* op = "conv_transpose2d";
  STRIATE_AUTOCAST(CastPolicy::LowerPrecision, conv_transpose2d, input, weight, bias, options);
  const bool has_bias = conv_common::check_weighted_op(input, weight, bias, op);
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), conv_transpose2d, input, weight, bias, options);
  const Shape out_shape = conv_transpose2d_output_shape(input.sizes(), weight.sizes(), options);
  const int64_t out_channels = out_shape[out_shape.size() - 3];
  if (has_bias)
    STRIATE_CHECK_SHAPE(bias->dim() == 1 && bias->size(0) == out_channels, op, ": expected bias of shape (",
                        out_channels, "), got ", bias->sizes());

  Tensor x = input.detach().reshape(batched(input.sizes())).contiguous();
  Tensor w = weight.detach().contiguous();
  Tensor y = empty(out_shape, options_of(input));
  const Shape out = batched(out_shape);
  const auto geometry = adjoint_geometry(x.sizes(), w.sizes(), out, options);
  if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
      STRIATE_PROFILE_COST(conv_common::pass_flops(geometry), conv_common::pass_bytes<scalar_t>(geometry, w.numel()));
      kernels::conv2d_backward_input<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(), w.data<scalar_t>(),
                                               geometry);
    });
    if (has_bias) {  // y += bias over (N, ., P, Q), in place with the add kernel
      const Tensor y4 = y.view(out);
      kernels::binary_add(y.device(), y4, y4, bias->detach().reshape({1, out[1], 1, 1}).expand(out),
                          kernels::BinaryOp::Add, 1);
    }
  }

  conv_common::record_weighted_op<ConvTranspose2dBackward>(input, weight, bias, x, w, geometry, y);
  return y;
}

STRIATE_REGISTER_OP("conv_transpose2d", &kernels::conv2d_forward<float>, &kernels::conv2d_backward_input<float>,
                    &kernels::conv2d_backward_weight<float>, &kernels::binary_add);

}  // namespace striate
