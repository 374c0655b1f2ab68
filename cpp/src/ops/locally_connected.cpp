// locally_connected2d: a convolution with one filter bank per output position (unshared
// weights); checks and the output-size rule (its backward node is the shared one, conv_common.h).
#include <string>
#include <vector>

#include "kernels/conv.h"
#include "ops/conv_common.h"
#include "striate/autograd.h"
#include "striate/ops/conv.h"
#include "striate/ops/creation.h"

namespace striate {
namespace {

using conv_common::pair_str;

// locally_connected2d's kernels, for the shared backward node.
struct LocallyConnected2dKernels {
  using Geometry = kernels::Conv2dGeometry;
  static constexpr const char* name = "LocallyConnected2dBackward";
  static Shape bias_shape(const Geometry& g) { return {g.K, g.P, g.Q}; }
  template <typename T>
  static void backward_input(Device d, T* dinput, const T* doutput, const T* weight, const Geometry& g) {
    kernels::locally_connected2d_backward_input<T>(d, dinput, doutput, weight, g);
  }
  template <typename T>
  static void backward_weight(Device d, T* dweight, T* dbias, const T* doutput, const T* input, const Geometry& g) {
    kernels::locally_connected2d_backward_weight<T>(d, dweight, dbias, doutput, input, g);
  }
};

}  // namespace

IntPair locally_connected2d_output_size(const IntPair& input_size, const IntPair& kernel_size,
                                        const LocallyConnected2dOptions& options, const char* op) {
  const auto& stride = options.stride();
  const auto& padding = options.padding();
  STRIATE_CHECK(kernel_size[0] > 0 && kernel_size[1] > 0, op, ": expected kernel_size > 0, got ",
                pair_str(kernel_size));
  STRIATE_CHECK(stride[0] > 0 && stride[1] > 0, op, ": expected stride > 0, got ", pair_str(stride));
  STRIATE_CHECK(padding[0] >= 0 && padding[1] >= 0, op, ": expected padding >= 0, got ", pair_str(padding));
  IntPair out;
  for (int d = 0; d < 2; ++d) {
    const int64_t padded =
        checked_add(input_size[d], checked_mul(2, padding[d], op, "the padded size"), op, "the padded size");
    STRIATE_CHECK_SHAPE(input_size[d] > 0 && kernel_size[d] <= padded, op, ": kernel size ", pair_str(kernel_size),
                        " is larger than the padded input (", input_size[0] + 2 * padding[0], ", ",
                        input_size[1] + 2 * padding[1], ")");
    out[d] = (padded - kernel_size[d]) / stride[d] + 1;
  }
  return out;
}

Tensor locally_connected2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                           const LocallyConnected2dOptions& options) {
  const char* op = "locally_connected2d";
  const bool has_bias = conv_common::check_weighted_op(input, weight, bias, op);
  STRIATE_CHECK_SHAPE(input.dim() == 3 || input.dim() == 4, op,
                      ": expected input of shape (N, C, H, W) or (C, H, W), got ", input.sizes());
  STRIATE_CHECK_SHAPE(weight.dim() == 6, op, ": expected weight of shape (P, Q, K, C, R, S), got ", weight.sizes());
  const Shape x_shape = conv_common::batched(input.sizes(), 2);
  const Shape& w_shape = weight.sizes();
  STRIATE_CHECK_SHAPE(x_shape[1] == w_shape[3], op, ": expected input with C = weight.size(3) = ", w_shape[3],
                      " channels, got ", x_shape[1], " (input shape ", input.sizes(), ")");
  const IntPair out_size =
      locally_connected2d_output_size({x_shape[2], x_shape[3]}, {w_shape[4], w_shape[5]}, options, op);
  STRIATE_CHECK_SHAPE(w_shape[0] == out_size[0] && w_shape[1] == out_size[1], op,
                      ": expected weight of shape (P, Q, ...) = (", out_size[0], ", ", out_size[1],
                      ", ...) for this input, kernel, stride and padding, got ", w_shape);
  const int64_t K = w_shape[2];
  if (has_bias)
    STRIATE_CHECK_SHAPE(bias->sizes() == Shape({K, out_size[0], out_size[1]}), op, ": expected bias of shape (", K,
                        ", ", out_size[0], ", ", out_size[1], "), got ", bias->sizes());
  Shape out_shape = input.sizes();
  out_shape[out_shape.size() - 3] = K;
  out_shape[out_shape.size() - 2] = out_size[0];
  out_shape[out_shape.size() - 1] = out_size[1];

  Tensor x = input.detach().reshape(x_shape).contiguous();
  Tensor w = weight.detach().contiguous();
  Tensor b = has_bias ? bias->detach().contiguous() : Tensor();
  kernels::Conv2dGeometry g;
  g.N = x_shape[0], g.C = x_shape[1], g.H = x_shape[2], g.W = x_shape[3];
  g.K = K, g.R = w_shape[4], g.S = w_shape[5], g.P = out_size[0], g.Q = out_size[1];
  g.stride_h = options.stride()[0], g.stride_w = options.stride()[1];
  g.pad_top = options.padding()[0], g.pad_left = options.padding()[1];
  g.dilation_h = 1, g.dilation_w = 1, g.groups = 1;
  Tensor y = empty(out_shape, options_of(input));
  if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
      STRIATE_PROFILE_COST(conv_common::pass_flops(g), conv_common::pass_bytes<scalar_t>(g, w.numel()));
      kernels::locally_connected2d_forward<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(),
                                                     w.data<scalar_t>(), has_bias ? b.data<scalar_t>() : nullptr, g);
    });
  }

  conv_common::record_weighted_op<conv_common::ConvBackward<LocallyConnected2dKernels>>(input, weight, bias, x, w, g,
                                                                                        y);
  return y;
}

STRIATE_REGISTER_OP("locally_connected2d", &kernels::locally_connected2d_forward<float>,
                    &kernels::locally_connected2d_backward_input<float>,
                    &kernels::locally_connected2d_backward_weight<float>);

}  // namespace striate
