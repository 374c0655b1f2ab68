// max_pool2d and avg_pool2d: argument checks, the output-shape rule (PyTorch's, ceil_mode
// included), the CPU kernel calls and the backward nodes.
#include "striate/ops/pool.h"

#include <string>
#include <vector>

#include "kernels/pool.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"

namespace striate {
namespace {

std::string pair_str(const std::array<int64_t, 2>& v) { return detail::str("(", v[0], ", ", v[1], ")"); }

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// PyTorch's pooling_output_shape: with ceil_mode the last window may hang over the input's
// end, but it must start inside the input or the left padding.
int64_t pooled_size(int64_t size, int64_t kernel, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode) {
  int64_t span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t out = floor_div(span, stride) + 1;
  if (ceil_mode && (out - 1) * stride >= size + pad) --out;
  return out;
}

kernels::cpu::Pool2dGeometry make_geometry(const Shape& input, const Shape& output, const Pool2dOptions& options) {
  int d = input.size();
  kernels::cpu::Pool2dGeometry g;
  g.planes = input.numel() / (input[d - 1] * input[d - 2]);
  g.H = input[d - 2];
  g.W = input[d - 1];
  g.P = output[d - 2];
  g.Q = output[d - 1];
  g.kernel_h = options.kernel_size()[0];
  g.kernel_w = options.kernel_size()[1];
  g.stride_h = options.stride()[0];
  g.stride_w = options.stride()[1];
  g.pad_h = options.padding()[0];
  g.pad_w = options.padding()[1];
  g.dilation_h = options.dilation()[0];
  g.dilation_w = options.dilation()[1];
  g.count_include_pad = options.count_include_pad();
  g.divisor_override = options.divisor_override().value_or(0);
  return g;
}

void check_pool_input(const Tensor& input, const char* op) {
  STRIATE_CHECK(input.defined(), op, ": expected an input tensor, got None");
  STRIATE_CHECK_TYPE(input.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     input.dtype());
}

}  // namespace

Shape pool2d_output_shape(const Shape& input, const Pool2dOptions& options, const char* op) {
  STRIATE_CHECK_SHAPE(input.size() == 3 || input.size() == 4, op,
                      ": expected input of shape (N, C, H, W) or (C, H, W), got ", input);
  int d = input.size();
  STRIATE_CHECK_SHAPE(input[d - 3] > 0 && input[d - 2] > 0 && input[d - 1] > 0, op,
                      ": expected input with non-zero C, H and W, got ", input);
  const auto& kernel = options.kernel_size();
  const auto& stride = options.stride();
  const auto& padding = options.padding();
  const auto& dilation = options.dilation();
  STRIATE_CHECK(kernel[0] > 0 && kernel[1] > 0, op, ": expected kernel_size > 0, got ", pair_str(kernel));
  STRIATE_CHECK(stride[0] > 0 && stride[1] > 0, op, ": expected stride > 0, got ", pair_str(stride));
  STRIATE_CHECK(dilation[0] > 0 && dilation[1] > 0, op, ": expected dilation > 0, got ", pair_str(dilation));
  STRIATE_CHECK(padding[0] >= 0 && padding[1] >= 0, op, ": expected padding >= 0, got ", pair_str(padding));
  STRIATE_CHECK(padding[0] <= kernel[0] / 2 && padding[1] <= kernel[1] / 2, op,
                ": expected padding at most half of kernel_size, got padding ", pair_str(padding),
                " for kernel_size ", pair_str(kernel));
  STRIATE_CHECK(options.divisor_override().value_or(1) != 0, op, ": expected a non-zero divisor_override, got 0");
  int64_t P = pooled_size(input[d - 2], kernel[0], padding[0], stride[0], dilation[0], options.ceil_mode());
  int64_t Q = pooled_size(input[d - 1], kernel[1], padding[1], stride[1], dilation[1], options.ceil_mode());
  STRIATE_CHECK_SHAPE(P > 0 && Q > 0, op, ": output size (", P, ", ", Q, ") is too small for input ", input,
                      " with kernel_size ", pair_str(kernel), ", stride ", pair_str(stride), ", padding ",
                      pair_str(padding), " and dilation ", pair_str(dilation));
  Shape out = input;
  out[d - 2] = P;
  out[d - 1] = Q;
  return out;
}

// ---- max pooling -------------------------------------------------------------------------

struct MaxPool2dBackward : autograd::Node {
  autograd::SavedTensor indices;
  kernels::cpu::Pool2dGeometry geometry;
  Shape input_shape;
  DType dtype = DType::Float32;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor index = indices.unpack("MaxPool2dBackward");
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, dtype);
    STRIATE_DISPATCH_FLOATING(dtype, "max_pool2d backward", [&] {
      kernels::cpu::max_pool2d_backward<scalar_t>(dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                                  index.data<int64_t>(), geometry);
    });
    return {dinput};
  }
  std::string name() const override { return "MaxPool2dBackward"; }
  void release_saved() override { indices.reset(); }
};

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Pool2dOptions& options) {
  check_pool_input(input, "max_pool2d");
  const Shape out_shape = pool2d_output_shape(input.sizes(), options, "max_pool2d");
  const auto geometry = make_geometry(input.sizes(), out_shape, options);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, input.dtype());
  Tensor indices = empty(out_shape, DType::Int64);
  STRIATE_DISPATCH_FLOATING(input.dtype(), "max_pool2d", [&] {
    kernels::cpu::max_pool2d_forward<scalar_t>(y.data<scalar_t>(), indices.data<int64_t>(), x.data<scalar_t>(),
                                               geometry);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<MaxPool2dBackward>();
    node->indices = autograd::SavedTensor(indices);
    node->geometry = geometry;
    node->input_shape = input.sizes();
    node->dtype = input.dtype();
    autograd::record(node, {&input}, y);
  }
  return {y, indices};
}

Tensor max_pool2d(const Tensor& input, const Pool2dOptions& options) {
  return std::get<0>(max_pool2d_with_indices(input, options));
}

// ---- average pooling ---------------------------------------------------------------------

struct AvgPool2dBackward : autograd::Node {
  kernels::cpu::Pool2dGeometry geometry;
  Shape input_shape;
  DType dtype = DType::Float32;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, dtype);
    STRIATE_DISPATCH_FLOATING(dtype, "avg_pool2d backward", [&] {
      kernels::cpu::avg_pool2d_backward<scalar_t>(dinput.data<scalar_t>(), dout.data<scalar_t>(), geometry);
    });
    return {dinput};
  }
  std::string name() const override { return "AvgPool2dBackward"; }
};

Tensor avg_pool2d(const Tensor& input, const Pool2dOptions& options) {
  check_pool_input(input, "avg_pool2d");
  // Dilation is a max-pooling option; average pooling always uses dense windows.
  Pool2dOptions dense = options;
  dense.dilation({1, 1});
  const Shape out_shape = pool2d_output_shape(input.sizes(), dense, "avg_pool2d");
  const auto geometry = make_geometry(input.sizes(), out_shape, dense);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, input.dtype());
  STRIATE_DISPATCH_FLOATING(input.dtype(), "avg_pool2d", [&] {
    kernels::cpu::avg_pool2d_forward<scalar_t>(y.data<scalar_t>(), x.data<scalar_t>(), geometry);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<AvgPool2dBackward>();
    node->geometry = geometry;
    node->input_shape = input.sizes();
    node->dtype = input.dtype();
    autograd::record(node, {&input}, y);
  }
  return y;
}

}  // namespace striate
