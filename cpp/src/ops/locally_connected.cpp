// locally_connected2d: a convolution with one filter bank per output position (unshared
// weights); checks, the output-size rule and the LocallyConnected2dBackward node.
#include <string>
#include <vector>

#include "kernels/conv.h"
#include "ops/dispatch.h"
#include "ops/record_weighted.h"
#include "striate/autograd.h"
#include "striate/ops/conv.h"
#include "striate/ops/creation.h"

namespace striate {
namespace {

std::string pair_str(const IntPair& v) { return detail::str("(", v[0], ", ", v[1], ")"); }

Shape batched(const Shape& shape) {
  Shape out = shape;
  if (out.size() == 3) out.insert(0, 1);
  return out;
}

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
    const int64_t padded = input_size[d] + 2 * padding[d];
    STRIATE_CHECK_SHAPE(input_size[d] > 0 && kernel_size[d] <= padded, op, ": kernel size ", pair_str(kernel_size),
                        " is larger than the padded input (", input_size[0] + 2 * padding[0], ", ",
                        input_size[1] + 2 * padding[1], ")");
    out[d] = (padded - kernel_size[d]) / stride[d] + 1;
  }
  return out;
}

struct LocallyConnected2dBackward : autograd::Node {
  autograd::SavedTensor input, weight;  // input batched and contiguous; weight contiguous
  kernels::Conv2dGeometry geometry;
  Shape input_shape;  // as the user passed it (maybe unbatched)
  bool has_bias = false;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack("LocallyConnected2dBackward");
    Tensor w = weight.unpack("LocallyConnected2dBackward");
    Tensor dout = grads[0].contiguous();
    Tensor dinput, dweight, dbias;
    if (should_compute_input_grad(0)) dinput = empty(input_shape, options_of(x));
    if (should_compute_input_grad(1)) dweight = empty(w.sizes(), options_of(w));
    if (has_bias && should_compute_input_grad(2)) dbias = empty({geometry.K, geometry.P, geometry.Q}, options_of(w));
    STRIATE_DISPATCH_FLOATING(x.dtype(), "locally_connected2d backward", [&] {
      if (dinput.defined())
        kernels::locally_connected2d_backward_input<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                                                   w.data<scalar_t>(), geometry);
      if (dweight.defined() || dbias.defined()) {
        Tensor dweight_target = dweight.defined() ? dweight : empty(w.sizes(), options_of(w));
        kernels::locally_connected2d_backward_weight<scalar_t>(dweight_target.device(), dweight_target.data<scalar_t>(), dbias.defined() ? dbias.data<scalar_t>() : nullptr,
            dout.data<scalar_t>(), x.data<scalar_t>(), geometry);
      }
    });
    std::vector<Tensor> result{dinput, dweight};
    if (has_bias) result.push_back(dbias);
    return result;
  }
  std::string name() const override { return "LocallyConnected2dBackward"; }
  void release_saved() override {
    input.reset();
    weight.reset();
  }
};

Tensor locally_connected2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                           const LocallyConnected2dOptions& options) {
  const char* op = "locally_connected2d";
  STRIATE_CHECK(input.defined() && weight.defined(), op, ": expected input and weight tensors, got None");
  STRIATE_CHECK_TYPE(input.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     input.dtype());
  STRIATE_CHECK_TYPE(weight.dtype() == input.dtype(), op, ": expected weight of dtype ", input.dtype(),
                     " (the input's), got ", weight.dtype());
  dispatch::device_of(op, {{"input", input}, {"weight", weight}, {"bias", bias}});
  STRIATE_CHECK_SHAPE(input.dim() == 3 || input.dim() == 4, op,
                      ": expected input of shape (N, C, H, W) or (C, H, W), got ", input.sizes());
  STRIATE_CHECK_SHAPE(weight.dim() == 6, op, ": expected weight of shape (P, Q, K, C, R, S), got ", weight.sizes());
  const Shape x_shape = batched(input.sizes());
  const Shape& w_shape = weight.sizes();
  STRIATE_CHECK_SHAPE(x_shape[1] == w_shape[3], op, ": expected input with C = weight.size(3) = ", w_shape[3],
                      " channels, got ", x_shape[1], " (input shape ", input.sizes(), ")");
  const IntPair out_size =
      locally_connected2d_output_size({x_shape[2], x_shape[3]}, {w_shape[4], w_shape[5]}, options, op);
  STRIATE_CHECK_SHAPE(w_shape[0] == out_size[0] && w_shape[1] == out_size[1], op,
                      ": expected weight of shape (P, Q, ...) = (", out_size[0], ", ", out_size[1],
                      ", ...) for this input, kernel, stride and padding, got ", w_shape);
  const int64_t K = w_shape[2];
  const bool has_bias = bias.has_value() && bias->defined();
  if (has_bias) {
    STRIATE_CHECK_TYPE(bias->dtype() == input.dtype(), op, ": expected bias of dtype ", input.dtype(),
                       " (the input's), got ", bias->dtype());
    STRIATE_CHECK_SHAPE(bias->sizes() == Shape({K, out_size[0], out_size[1]}), op, ": expected bias of shape (", K,
                        ", ", out_size[0], ", ", out_size[1], "), got ", bias->sizes());
  }
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
      kernels::locally_connected2d_forward<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(), w.data<scalar_t>(),
                                                          has_bias ? b.data<scalar_t>() : nullptr, g);
    });
  }

  record_weighted_op<LocallyConnected2dBackward>(input, weight, bias, x, w, g, y);
  return y;
}

STRIATE_REGISTER_OP("locally_connected2d", &kernels::locally_connected2d_forward<float>, &kernels::locally_connected2d_backward_input<float>, &kernels::locally_connected2d_backward_weight<float>);

}  // namespace striate
