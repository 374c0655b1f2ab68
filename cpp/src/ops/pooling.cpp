// 1-, 2- and 3-D max and average pooling: argument checks, the output-shape rule (PyTorch's,
// ceil_mode included), the CPU kernel calls and the backward nodes. 1-D pools a height-1 view.
#include "striate/ops/pooling.h"

#include <string>
#include <vector>

#include "kernels/pooling.h"
#include "ops/dispatch.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"

namespace striate {
namespace {

std::string pair_str(const std::array<int64_t, 2>& v) { return detail::str("(", v[0], ", ", v[1], ")"); }

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// PyTorch's pooling_output_shape: with ceil_mode the last window may hang over the input's
// end, but it must start inside the input or the left padding.
// Every step is checked: kernel, stride, dilation and padding come from the user.
int64_t pooled_size(int64_t size, int64_t kernel, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode,
                    const char* op) {
  const char* what = "the pooling window arithmetic";
  const int64_t padded = checked_add(size, checked_mul(2, pad, op, what), op, what);
  const int64_t reach = checked_add(checked_mul(dilation, kernel - 1, op, what), 1, op, what);
  int64_t span = checked_add(padded - reach, ceil_mode ? stride - 1 : 0, op, what);
  int64_t out = floor_div(span, stride) + 1;
  if (ceil_mode && (out - 1) * stride >= size + pad) --out;
  return out;
}

kernels::Pool2dGeometry make_geometry(const Shape& input, const Shape& output, const Pool2dOptions& options) {
  int d = input.size();
  kernels::Pool2dGeometry g;
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
                ": expected padding at most half of kernel_size, got padding ", pair_str(padding), " for kernel_size ",
                pair_str(kernel));
  STRIATE_CHECK(options.divisor_override().value_or(1) != 0, op, ": expected a non-zero divisor_override, got 0");
  int64_t P = pooled_size(input[d - 2], kernel[0], padding[0], stride[0], dilation[0], options.ceil_mode(), op);
  int64_t Q = pooled_size(input[d - 1], kernel[1], padding[1], stride[1], dilation[1], options.ceil_mode(), op);
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
  // The forward's indices; or, for a plain 2x2 pooling on the CPU (from_values), its input, in
  // which the backward finds each window's maximum again: reading it costs less than writing and
  // reading 8 bytes of index per output. (The output is not kept: a later in-place op on it, as
  // MaxPool2d -> ReLU(inplace=True), must stay legal, as in PyTorch.)
  autograd::SavedTensor indices, input;
  bool from_values = false;
  kernels::Pool2dGeometry geometry;
  Shape input_shape;
  DType dtype = DType::Float32;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    if (from_values) {
      Tensor x = input.unpack("MaxPool2dBackward");
      STRIATE_DISPATCH_FLOATING(dtype, "max_pool2d backward", [&] {
        STRIATE_PROFILE_BYTES((2 * dinput.numel() + dout.numel()) * sizeof(scalar_t));
        kernels::max_pool2d_2x2_backward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                                   x.data<scalar_t>(), geometry);
      });
      return {dinput};
    }
    Tensor index = indices.unpack("MaxPool2dBackward");
    STRIATE_DISPATCH_FLOATING(dtype, "max_pool2d backward", [&] {
      STRIATE_PROFILE_BYTES((dinput.numel() + dout.numel()) * sizeof(scalar_t) + dout.numel() * sizeof(int64_t));
      kernels::max_pool2d_backward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                             index.data<int64_t>(), geometry);
    });
    return {dinput};
  }
  std::string name() const override { return "MaxPool2dBackward"; }
  void release_saved() override {
    indices.reset();
    input.reset();
  }
};

namespace {

// with_indices: the caller returns them. Without, on the CPU, the kernel skips them: at
// inference, and in training for a plain 2x2 pooling, whose backward reads the input and output.
std::tuple<Tensor, Tensor> max_pool2d_impl(const Tensor& input, const Pool2dOptions& options, const char* op,
                                           bool with_indices = true) {
  dispatch::device_of(op, input);
  check_pool_input(input, op);
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), max_pool2d_impl, input, options, op, with_indices);
  const Shape out_shape = pool2d_output_shape(input.sizes(), options, op);
  const auto geometry = make_geometry(input.sizes(), out_shape, options);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, options_of(input));
  const bool grad = autograd::needs_grad(input);
  const bool cpu = input.device().is_cpu();
  const bool from_values = grad && !with_indices && cpu && kernels::is_plain_2x2(geometry);
  const bool indices_needed = with_indices || (grad && !from_values) || !cpu;
  Tensor indices = indices_needed ? empty(out_shape, TensorOptions(DType::Int64).set_device(input.device())) : Tensor();
  STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES((x.numel() + y.numel()) * sizeof(scalar_t) +
                          (indices_needed ? y.numel() * sizeof(int64_t) : 0));
    kernels::max_pool2d_forward<scalar_t>(y.device(), y.data<scalar_t>(),
                                          indices_needed ? indices.data<int64_t>() : nullptr, x.data<scalar_t>(),
                                          geometry);
  });
  if (grad) {
    auto node = std::make_shared<MaxPool2dBackward>();
    node->from_values = from_values;
    if (from_values) {
      node->input = autograd::SavedTensor(x);
    } else {
      node->indices = autograd::SavedTensor(indices);
    }
    node->geometry = geometry;
    node->input_shape = input.sizes();
    node->dtype = input.dtype();
    autograd::record(node, {&input}, y);
  }
  return {y, indices};
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Pool2dOptions& options) {
  return max_pool2d_impl(input, options, "max_pool2d");
}

Tensor max_pool2d(const Tensor& input, const Pool2dOptions& options) {
  return std::get<0>(max_pool2d_impl(input, options, "max_pool2d", false));
}

// ---- average pooling ---------------------------------------------------------------------

struct AvgPool2dBackward : autograd::Node {
  kernels::Pool2dGeometry geometry;
  Shape input_shape;
  DType dtype = DType::Float32;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    STRIATE_DISPATCH_FLOATING(dtype, "avg_pool2d backward", [&] {
      STRIATE_PROFILE_BYTES((dinput.numel() + dout.numel()) * sizeof(scalar_t));
      kernels::avg_pool2d_backward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(), geometry);
    });
    return {dinput};
  }
  std::string name() const override { return "AvgPool2dBackward"; }
};

namespace {

Tensor avg_pool2d_impl(const Tensor& input, const Pool2dOptions& options, const char* op) {
  dispatch::device_of(op, input);
  check_pool_input(input, op);
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), avg_pool2d_impl, input, options, op);
  // Dilation is a max-pooling option; average pooling always uses dense windows.
  Pool2dOptions dense = options;
  dense.dilation({1, 1});
  const Shape out_shape = pool2d_output_shape(input.sizes(), dense, op);
  const auto geometry = make_geometry(input.sizes(), out_shape, dense);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, options_of(input));
  STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES((x.numel() + y.numel()) * sizeof(scalar_t));
    kernels::avg_pool2d_forward<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(), geometry);
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

}  // namespace

Tensor avg_pool2d(const Tensor& input, const Pool2dOptions& options) {
  return avg_pool2d_impl(input, options, "avg_pool2d");
}

// ---- 1-D pooling -------------------------------------------------------------------------

namespace {

// Checks the 1-D arguments (so errors speak of L, not of the height-1 view) and builds the
// equivalent 2-D options.
Pool2dOptions pool1d_as_2d(const Tensor& input, const Pool1dOptions& options, const char* op) {
  STRIATE_CHECK(input.defined(), op, ": expected an input tensor, got None");
  STRIATE_CHECK_SHAPE(input.dim() == 2 || input.dim() == 3, op, ": expected input of shape (N, C, L) or (C, L), got ",
                      input.sizes());
  STRIATE_CHECK(options.kernel_size() > 0, op, ": expected kernel_size > 0, got ", options.kernel_size());
  STRIATE_CHECK(options.stride() > 0, op, ": expected stride > 0, got ", options.stride());
  STRIATE_CHECK(options.dilation() > 0, op, ": expected dilation > 0, got ", options.dilation());
  STRIATE_CHECK(options.padding() >= 0, op, ": expected padding >= 0, got ", options.padding());
  STRIATE_CHECK(options.padding() <= options.kernel_size() / 2, op,
                ": expected padding at most half of kernel_size, got padding ", options.padding(), " for kernel_size ",
                options.kernel_size());
  Pool2dOptions result({1, options.kernel_size()});
  result.stride({1, options.stride()})
      .padding({0, options.padding()})
      .dilation({1, options.dilation()})
      .ceil_mode(options.ceil_mode())
      .count_include_pad(options.count_include_pad());
  return result;
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const Pool1dOptions& options) {
  Pool2dOptions as_2d = pool1d_as_2d(input, options, "max_pool1d");
  auto [y, indices] = max_pool2d_impl(input.unsqueeze(-2), as_2d, "max_pool1d");
  return {y.squeeze(-2), indices.squeeze(-2)};  // the flat index h * L + l is l, as height is 1
}

Tensor max_pool1d(const Tensor& input, const Pool1dOptions& options) {
  return std::get<0>(max_pool1d_with_indices(input, options));
}

Tensor avg_pool1d(const Tensor& input, const Pool1dOptions& options) {
  Pool2dOptions as_2d = pool1d_as_2d(input, options, "avg_pool1d");
  return avg_pool2d_impl(input.unsqueeze(-2), as_2d, "avg_pool1d").squeeze(-2);
}

// ---- 3-D pooling -------------------------------------------------------------------------

namespace {

std::string triple_str(const IntTriple& v) { return detail::str("(", v[0], ", ", v[1], ", ", v[2], ")"); }

kernels::Pool3dGeometry make_geometry3d(const Shape& input, const Shape& output, const Pool3dOptions& options) {
  int d = input.size();
  kernels::Pool3dGeometry g;
  g.planes = input.numel() / (input[d - 3] * input[d - 2] * input[d - 1]);
  g.D = input[d - 3];
  g.H = input[d - 2];
  g.W = input[d - 1];
  g.OD = output[d - 3];
  g.P = output[d - 2];
  g.Q = output[d - 1];
  for (int axis = 0; axis < 3; ++axis) {
    g.kernel[axis] = options.kernel_size()[axis];
    g.stride[axis] = options.stride()[axis];
    g.pad[axis] = options.padding()[axis];
    g.dilation[axis] = options.dilation()[axis];
  }
  g.count_include_pad = options.count_include_pad();
  g.divisor_override = options.divisor_override().value_or(0);
  return g;
}

}  // namespace

Shape pool3d_output_shape(const Shape& input, const Pool3dOptions& options, const char* op) {
  STRIATE_CHECK_SHAPE(input.size() == 4 || input.size() == 5, op,
                      ": expected input of shape (N, C, D, H, W) or (C, D, H, W), got ", input);
  int d = input.size();
  STRIATE_CHECK_SHAPE(input[d - 4] > 0 && input[d - 3] > 0 && input[d - 2] > 0 && input[d - 1] > 0, op,
                      ": expected input with non-zero C, D, H and W, got ", input);
  const auto& kernel = options.kernel_size();
  const auto& stride = options.stride();
  const auto& padding = options.padding();
  const auto& dilation = options.dilation();
  Shape out = input;
  for (int axis = 0; axis < 3; ++axis) {
    STRIATE_CHECK(kernel[axis] > 0, op, ": expected kernel_size > 0, got ", triple_str(kernel));
    STRIATE_CHECK(stride[axis] > 0, op, ": expected stride > 0, got ", triple_str(stride));
    STRIATE_CHECK(dilation[axis] > 0, op, ": expected dilation > 0, got ", triple_str(dilation));
    STRIATE_CHECK(padding[axis] >= 0, op, ": expected padding >= 0, got ", triple_str(padding));
    STRIATE_CHECK(padding[axis] <= kernel[axis] / 2, op, ": expected padding at most half of kernel_size, got padding ",
                  triple_str(padding), " for kernel_size ", triple_str(kernel));
  }
  STRIATE_CHECK(options.divisor_override().value_or(1) != 0, op, ": expected a non-zero divisor_override, got 0");
  for (int axis = 0; axis < 3; ++axis) {
    int64_t size = pooled_size(input[d - 3 + axis], kernel[axis], padding[axis], stride[axis], dilation[axis],
                               options.ceil_mode(), op);
    STRIATE_CHECK_SHAPE(size > 0, op, ": output size is too small for input ", input, " with kernel_size ",
                        triple_str(kernel), ", stride ", triple_str(stride), ", padding ", triple_str(padding),
                        " and dilation ", triple_str(dilation));
    out[d - 3 + axis] = size;
  }
  return out;
}

// The scatter kernel of 2-D max pooling serves 3-D too: it only needs positions per plane.
struct MaxPool3dBackward : autograd::Node {
  autograd::SavedTensor indices;
  kernels::Pool2dGeometry geometry;  // H = D, W = H * W, P = OD, Q = P * Q
  Shape input_shape;
  DType dtype = DType::Float32;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor index = indices.unpack("MaxPool3dBackward");
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    STRIATE_DISPATCH_FLOATING(dtype, "max_pool3d backward", [&] {
      STRIATE_PROFILE_BYTES((dinput.numel() + dout.numel()) * sizeof(scalar_t) + dout.numel() * sizeof(int64_t));
      kernels::max_pool2d_backward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                             index.data<int64_t>(), geometry);
    });
    return {dinput};
  }
  std::string name() const override { return "MaxPool3dBackward"; }
  void release_saved() override { indices.reset(); }
};

std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, const Pool3dOptions& options) {
  dispatch::device_of("max_pool3d", input);
  check_pool_input(input, "max_pool3d");
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), max_pool3d_with_indices, input, options);
  const Shape out_shape = pool3d_output_shape(input.sizes(), options, "max_pool3d");
  const auto geometry = make_geometry3d(input.sizes(), out_shape, options);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, options_of(input));
  Tensor indices = empty(out_shape, TensorOptions(DType::Int64).set_device(input.device()));
  STRIATE_DISPATCH_FLOATING(input.dtype(), "max_pool3d", [&] {
    STRIATE_PROFILE_BYTES((x.numel() + y.numel()) * sizeof(scalar_t) + y.numel() * sizeof(int64_t));
    kernels::max_pool3d_forward<scalar_t>(y.device(), y.data<scalar_t>(), indices.data<int64_t>(), x.data<scalar_t>(),
                                          geometry);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<MaxPool3dBackward>();
    node->indices = autograd::SavedTensor(indices);
    node->geometry.planes = geometry.planes;
    node->geometry.H = geometry.D;
    node->geometry.W = geometry.H * geometry.W;
    node->geometry.P = geometry.OD;
    node->geometry.Q = geometry.P * geometry.Q;
    node->input_shape = input.sizes();
    node->dtype = input.dtype();
    autograd::record(node, {&input}, y);
  }
  return {y, indices};
}

Tensor max_pool3d(const Tensor& input, const Pool3dOptions& options) {
  return std::get<0>(max_pool3d_with_indices(input, options));
}

struct AvgPool3dBackward : autograd::Node {
  kernels::Pool3dGeometry geometry;
  Shape input_shape;
  DType dtype = DType::Float32;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    STRIATE_DISPATCH_FLOATING(dtype, "avg_pool3d backward", [&] {
      STRIATE_PROFILE_BYTES((dinput.numel() + dout.numel()) * sizeof(scalar_t));
      kernels::avg_pool3d_backward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(), geometry);
    });
    return {dinput};
  }
  std::string name() const override { return "AvgPool3dBackward"; }
};

Tensor avg_pool3d(const Tensor& input, const Pool3dOptions& options) {
  dispatch::device_of("avg_pool3d", input);
  check_pool_input(input, "avg_pool3d");
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), avg_pool3d, input, options);
  Pool3dOptions dense = options;
  dense.dilation({1, 1, 1});
  const Shape out_shape = pool3d_output_shape(input.sizes(), dense, "avg_pool3d");
  const auto geometry = make_geometry3d(input.sizes(), out_shape, dense);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, options_of(input));
  STRIATE_DISPATCH_FLOATING(input.dtype(), "avg_pool3d", [&] {
    STRIATE_PROFILE_BYTES((x.numel() + y.numel()) * sizeof(scalar_t));
    kernels::avg_pool3d_forward<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(), geometry);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<AvgPool3dBackward>();
    node->geometry = geometry;
    node->input_shape = input.sizes();
    node->dtype = input.dtype();
    autograd::record(node, {&input}, y);
  }
  return y;
}

STRIATE_REGISTER_OP("max_pool1d", &kernels::max_pool2d_forward<float>, &kernels::max_pool2d_backward<float>);
STRIATE_REGISTER_OP("max_pool2d", &kernels::max_pool2d_forward<float>, &kernels::max_pool2d_backward<float>);
STRIATE_REGISTER_OP("avg_pool1d", &kernels::avg_pool2d_forward<float>, &kernels::avg_pool2d_backward<float>);
STRIATE_REGISTER_OP("avg_pool2d", &kernels::avg_pool2d_forward<float>, &kernels::avg_pool2d_backward<float>);
STRIATE_REGISTER_OP("max_pool3d", &kernels::max_pool3d_forward<float>, &kernels::max_pool2d_backward<float>);
STRIATE_REGISTER_OP("avg_pool3d", &kernels::avg_pool3d_forward<float>, &kernels::avg_pool3d_backward<float>);

}  // namespace striate
