// Activations and output normalizations (relu, sigmoid, tanh, the parameterized pointwise family,
// prelu, softmax, log_softmax, softmin) with their backward nodes; arithmetic in kernels/activation.h.
#include "striate/ops/activation.h"

#include "kernels/activation.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"
#include "ops/dispatch.h"
#include "ops/elementwise_internal.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/shape_ops.h"

namespace striate {
namespace {

void check_input(const Tensor& x, const char* op) {
  STRIATE_CHECK(x.defined(), op, ": expected a tensor, got None");
  dispatch::device_of(op, x);
  STRIATE_CHECK_TYPE(x.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     x.dtype());
}

enum class Activation { Relu, Sigmoid, Tanh };

const char* activation_name(Activation kind) {
  switch (kind) {
    case Activation::Relu: return "relu";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Tanh: return "tanh";
  }
  return "?";
}

// y = activation(x) over contiguous buffers of n elements (y may alias x).
template <typename T>
void activation_forward(Device device, Activation kind, T* y, const T* x, int64_t n) {
  STRIATE_PROFILE_BYTES(2 * n * sizeof(T));
  switch (kind) {
    case Activation::Relu: kernels::relu_forward<T>(device, y, x, n); return;
    case Activation::Sigmoid: kernels::sigmoid_forward<T>(device, y, x, n); return;
    case Activation::Tanh: kernels::tanh_forward<T>(device, y, x, n); return;
  }
}

template <typename T>
void activation_backward(Device device, Activation kind, T* dx, const T* dy, const T* y, int64_t n) {
  STRIATE_PROFILE_BYTES(3 * n * sizeof(T));
  switch (kind) {
    case Activation::Relu: kernels::relu_backward<T>(device, dx, dy, y, n); return;
    case Activation::Sigmoid: kernels::sigmoid_backward<T>(device, dx, dy, y, n); return;
    case Activation::Tanh: kernels::tanh_backward<T>(device, dx, dy, y, n); return;
  }
}

}  // namespace

namespace {

// relu, sigmoid and tanh all differentiate from their result y.
struct ActivationBackward : autograd::Node {
  autograd::SavedTensor result;
  Activation kind = Activation::Relu;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor y = result.unpack(name().c_str()).contiguous();
    Tensor dy = grads[0].contiguous();
    Tensor dx = empty(y.sizes(), options_of(y));
    STRIATE_DISPATCH_FLOATING(y.dtype(), name().c_str(), [&] {
      activation_backward(dx.device(), kind, dx.data<scalar_t>(), dy.data<scalar_t>(), y.data<scalar_t>(), y.numel());
    });
    return {dx};
  }
  std::string name() const override {
    switch (kind) {
      case Activation::Relu: return "ReluBackward";
      case Activation::Sigmoid: return "SigmoidBackward";
      case Activation::Tanh: return "TanhBackward";
    }
    return "ActivationBackward";
  }
  void release_saved() override { result.reset(); }
};

Tensor activation(const Tensor& x, Activation kind) {
  const char* op = activation_name(kind);
  check_input(x, op);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), activation, x, kind);
  Tensor input = x.contiguous();
  Tensor y = empty(x.sizes(), options_of(x));
  STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
    activation_forward(y.device(), kind, y.data<scalar_t>(), input.data<scalar_t>(), x.numel());
  });
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<ActivationBackward>();
    node->result = autograd::SavedTensor(y);
    node->kind = kind;
    autograd::record(node, {&x}, y);
  }
  return y;
}
}  // namespace

Tensor relu(const Tensor& x) { return activation(x, Activation::Relu); }
Tensor sigmoid(const Tensor& x) { return activation(x, Activation::Sigmoid); }
Tensor tanh(const Tensor& x) { return activation(x, Activation::Tanh); }

Tensor& relu_(Tensor& x) {
  check_input(x, "relu_");
  elementwise::check_no_internal_overlap(x, "relu_");
  STRIATE_CHECK_STATE(!(grad_mode_enabled() && x.requires_grad() && x.is_leaf()),
                      "relu_: a leaf Variable that requires grad is being used in an in-place operation.");
  const bool track = autograd::needs_grad(x);
  // Recording on a view would leave its base's history stale (no view rebasing yet).
  if (track && x.impl()->is_view())
    STRIATE_NOT_IMPLEMENTED("relu_: in-place operations on views of tensors that require grad are not supported yet");
  if (is_reduced_float(x.dtype())) return copy_(x, relu(x));  // computed in float32
  if (x.is_contiguous()) {
    STRIATE_DISPATCH_FLOATING(x.dtype(), "relu_", [&] {
      STRIATE_PROFILE_BYTES(2 * x.numel() * sizeof(scalar_t));
      kernels::relu_forward<scalar_t>(x.device(), x.data<scalar_t>(), x.data<scalar_t>(), x.numel());
    });
  } else {
    // A strided view: compute on a contiguous copy and write the values back through the view.
    Tensor values = relu(x.detach());
    NoGradGuard no_grad;
    Tensor target = x.detach();
    copy_(target, values);
  }
  x.bump_version();
  if (track) {
    auto node = std::make_shared<ActivationBackward>();
    node->result = autograd::SavedTensor(x);
    node->kind = Activation::Relu;
    autograd::record(node, {&x}, x);
  }
  return x;
}

// ---- parameterized pointwise activations ----------------------------------------------------

namespace {

using kernels::PointwiseActivation;

struct PointwiseSpec {
  PointwiseActivation kind;
  double a = 0, b = 0;
  const char* op;         // the user-facing name, for errors
  const char* node_name;  // the backward node's name
};

// Differentiates from the input x; for the in-place variants that is a copy of x taken before
// it was overwritten, so every parameter value (negative slopes included) gets exact gradients.
struct PointwiseBackward : autograd::Node {
  autograd::SavedTensor input;  // contiguous
  PointwiseSpec spec{PointwiseActivation::Hardtanh, 0, 0, "", ""};
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack(spec.node_name);
    Tensor dy = grads[0].contiguous();
    Tensor dx = empty(x.sizes(), options_of(x));
    STRIATE_DISPATCH_FLOATING(x.dtype(), spec.node_name, [&] {
      STRIATE_PROFILE_BYTES(3 * x.numel() * sizeof(scalar_t));
      kernels::pointwise_activation_backward<scalar_t>(dx.device(), dx.data<scalar_t>(), dy.data<scalar_t>(),
                                                       x.data<scalar_t>(), x.numel(), spec.kind, spec.a, spec.b);
    });
    return {dx};
  }
  std::string name() const override { return spec.node_name; }
  void release_saved() override { input.reset(); }
};

Tensor pointwise(const Tensor& x, const PointwiseSpec& spec) {
  check_input(x, spec.op);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), pointwise, x, spec);
  Tensor input = x.contiguous();
  Tensor y = empty(x.sizes(), options_of(x));
  STRIATE_DISPATCH_FLOATING(x.dtype(), spec.op, [&] {
    STRIATE_PROFILE_BYTES(2 * x.numel() * sizeof(scalar_t));
    kernels::pointwise_activation_forward<scalar_t>(y.device(), y.data<scalar_t>(), input.data<scalar_t>(), x.numel(),
                                                    spec.kind, spec.a, spec.b);
  });
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<PointwiseBackward>();
    node->input = autograd::SavedTensor(input);
    node->spec = spec;
    autograd::record(node, {&x}, y);
  }
  return y;
}

// Overwrites x and rebases its history onto the new node, as relu_ does.
Tensor& pointwise_(Tensor& x, const PointwiseSpec& spec) {
  check_input(x, spec.op);
  elementwise::check_no_internal_overlap(x, spec.op);
  STRIATE_CHECK_STATE(!(grad_mode_enabled() && x.requires_grad() && x.is_leaf()), spec.op,
                      ": a leaf Variable that requires grad is being used in an in-place operation.");
  const bool track = autograd::needs_grad(x);
  if (track && x.impl()->is_view())
    STRIATE_NOT_IMPLEMENTED(spec.op,
                            ": in-place operations on views of tensors that require grad are not supported yet");
  if (is_reduced_float(x.dtype())) return copy_(x, pointwise(x, spec));  // computed in float32
  Tensor original;
  if (track) original = x.detach().clone();
  if (x.is_contiguous()) {
    STRIATE_DISPATCH_FLOATING(x.dtype(), spec.op, [&] {
      STRIATE_PROFILE_BYTES(2 * x.numel() * sizeof(scalar_t));
      kernels::pointwise_activation_forward<scalar_t>(x.device(), x.data<scalar_t>(), x.data<scalar_t>(), x.numel(),
                                                      spec.kind, spec.a, spec.b);
    });
  } else {
    Tensor values = pointwise(x.detach(), spec);
    NoGradGuard no_grad;
    Tensor target = x.detach();
    copy_(target, values);
  }
  x.bump_version();
  if (track) {
    auto node = std::make_shared<PointwiseBackward>();
    node->input = autograd::SavedTensor(original);
    node->spec = spec;
    autograd::record(node, {&x}, x);
  }
  return x;
}

PointwiseSpec hardtanh_spec(double min_val, double max_val, const char* op) {
  STRIATE_CHECK(max_val >= min_val, op, ": expected max_val >= min_val, got min_val=", min_val,
                " and max_val=", max_val);
  return {PointwiseActivation::Hardtanh, min_val, max_val, op, "HardtanhBackward"};
}

PointwiseSpec leaky_relu_spec(double negative_slope, const char* op) {
  return {PointwiseActivation::LeakyRelu, negative_slope, 0, op, "LeakyReluBackward"};
}

PointwiseSpec elu_spec(double alpha, const char* op) { return {PointwiseActivation::Elu, alpha, 0, op, "EluBackward"}; }

}  // namespace

Tensor hardtanh(const Tensor& x, double min_val, double max_val) {
  return pointwise(x, hardtanh_spec(min_val, max_val, "hardtanh"));
}
Tensor& hardtanh_(Tensor& x, double min_val, double max_val) {
  return pointwise_(x, hardtanh_spec(min_val, max_val, "hardtanh_"));
}
Tensor relu6(const Tensor& x) { return pointwise(x, hardtanh_spec(0, 6, "relu6")); }
Tensor& relu6_(Tensor& x) { return pointwise_(x, hardtanh_spec(0, 6, "relu6_")); }
Tensor leaky_relu(const Tensor& x, double negative_slope) {
  return pointwise(x, leaky_relu_spec(negative_slope, "leaky_relu"));
}
Tensor& leaky_relu_(Tensor& x, double negative_slope) {
  return pointwise_(x, leaky_relu_spec(negative_slope, "leaky_relu_"));
}
Tensor elu(const Tensor& x, double alpha) { return pointwise(x, elu_spec(alpha, "elu")); }
Tensor& elu_(Tensor& x, double alpha) { return pointwise_(x, elu_spec(alpha, "elu_")); }
Tensor selu(const Tensor& x) { return pointwise(x, {PointwiseActivation::Selu, 0, 0, "selu", "SeluBackward"}); }
Tensor& selu_(Tensor& x) { return pointwise_(x, {PointwiseActivation::Selu, 0, 0, "selu_", "SeluBackward"}); }
Tensor hardswish(const Tensor& x) {
  return pointwise(x, {PointwiseActivation::Hardswish, 0, 0, "hardswish", "HardswishBackward"});
}
Tensor& hardswish_(Tensor& x) {
  return pointwise_(x, {PointwiseActivation::Hardswish, 0, 0, "hardswish_", "HardswishBackward"});
}
Tensor silu(const Tensor& x) { return pointwise(x, {PointwiseActivation::Silu, 0, 0, "silu", "SiluBackward"}); }
Tensor& silu_(Tensor& x) { return pointwise_(x, {PointwiseActivation::Silu, 0, 0, "silu_", "SiluBackward"}); }
Tensor abs_tanh(const Tensor& x) {
  return pointwise(x, {PointwiseActivation::AbsTanh, 0, 0, "abs_tanh", "AbsTanhBackward"});
}

Tensor gelu(const Tensor& x, const std::string& approximate) {
  STRIATE_CHECK(approximate == "none" || approximate == "tanh", "gelu: approximate must be 'none' or 'tanh', got '",
                approximate, "'");
  const auto kind = approximate == "tanh" ? PointwiseActivation::GeluTanh : PointwiseActivation::Gelu;
  return pointwise(x, {kind, 0, 0, "gelu", "GeluBackward"});
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
  STRIATE_CHECK(beta != 0, "softplus: expected a nonzero beta, got ", beta);
  return pointwise(x, {PointwiseActivation::Softplus, beta, threshold, "softplus", "SoftplusBackward"});
}

// Composed from clamp, mul and add, so gradients reach both x and the slopes (summed over
// broadcasting by the elementwise ops).
Tensor prelu(const Tensor& x, const Tensor& weight) {
  check_input(x, "prelu");
  STRIATE_CHECK(weight.defined(), "prelu: expected a 'weight' tensor, got None");
  dispatch::device_of("prelu", {{"input", x}, {"weight", weight}});
  STRIATE_CHECK_TYPE(weight.dtype() == x.dtype(), "prelu: expected 'weight' of the input's dtype ", x.dtype(), ", got ",
                     weight.dtype());
  STRIATE_CHECK_SHAPE(weight.dim() <= 1, "prelu: expected a 0-d or 1-d 'weight', got shape ", weight.sizes());
  const int64_t channels = x.dim() >= 2 ? x.size(1) : 1;
  STRIATE_CHECK_SHAPE(weight.numel() == 1 || weight.numel() == channels,
                      "prelu: expected 'weight' to hold 1 slope or one per channel (", channels,
                      ", dim 1 of input of shape ", x.sizes(), "), got ", weight.numel());
  Shape slope_shape;  // broadcasts over every dim but the channels
  if (weight.numel() > 1) {
    for (int d = 0; d < x.dim(); ++d) slope_shape.push_back(d == 1 ? channels : 1);
  }
  Tensor slope = weight.reshape(slope_shape);
  return add(clamp(x, Scalar(0), std::nullopt), mul(slope, clamp(x, std::nullopt, Scalar(0))));
}

// ---- softmax / log_softmax -----------------------------------------------------------------

namespace {

struct SoftmaxBackward : autograd::Node {
  autograd::SavedTensor result;
  int64_t outer = 1, C = 1, inner = 1;
  bool log = false;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor y = result.unpack(name().c_str());
    Tensor dy = grads[0].contiguous();
    Tensor dx = empty(y.sizes(), options_of(y));
    if (y.numel() == 0) return {dx};
    STRIATE_DISPATCH_FLOATING(y.dtype(), name().c_str(), [&] {
      STRIATE_PROFILE_BYTES(3 * y.numel() * sizeof(scalar_t));
      kernels::softmax_backward<scalar_t>(dx.device(), dx.data<scalar_t>(), dy.data<scalar_t>(), y.data<scalar_t>(),
                                          outer, C, inner, log);
    });
    return {dx};
  }
  std::string name() const override { return log ? "LogSoftmaxBackward" : "SoftmaxBackward"; }
  void release_saved() override { result.reset(); }
};

Tensor softmax_common(const Tensor& input, int64_t dim, std::optional<DType> dtype, bool log) {
  const char* op = log ? "log_softmax" : "softmax";
  STRIATE_AUTOCAST(CastPolicy::Float32OnCuda, softmax_common, input, dim, dtype, log);
  STRIATE_CHECK(input.defined(), op, ": expected a tensor, got None");
  if (dtype) {
    STRIATE_CHECK_TYPE(is_floating(*dtype), op, ": expected a floating-point dtype, got ", *dtype);
  }
  Tensor x = dtype && *dtype != input.dtype() ? to_dtype(input, *dtype) : input;
  check_input(x, op);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), softmax_common, x, dim, std::optional<DType>(), log);
  const int d = wrap_dim(dim, x.dim(), op);
  int64_t outer = 1, C = 1, inner = 1;
  for (int i = 0; i < x.dim(); ++i) {
    if (i < d) outer *= x.size(i);
    if (i == d) C = x.size(i);
    if (i > d) inner *= x.size(i);
  }
  Tensor contiguous_x = x.contiguous();
  Tensor y = empty(x.sizes(), options_of(x));
  if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
      STRIATE_PROFILE_BYTES(2 * y.numel() * sizeof(scalar_t));
      kernels::softmax_forward<scalar_t>(y.device(), y.data<scalar_t>(), contiguous_x.data<scalar_t>(), outer, C, inner,
                                         log);
    });
  }
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<SoftmaxBackward>();
    node->result = autograd::SavedTensor(y);
    node->outer = outer;
    node->C = C;
    node->inner = inner;
    node->log = log;
    autograd::record(node, {&x}, y);
  }
  return y;
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  return softmax_common(x, dim, dtype, false);
}

Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  return softmax_common(x, dim, dtype, true);
}

Tensor softmin(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  STRIATE_CHECK(x.defined(), "softmin: expected a tensor, got None");
  Tensor input = dtype && *dtype != x.dtype() ? to_dtype(x, *dtype) : x;
  check_input(input, "softmin");
  wrap_dim(dim, input.dim(), "softmin");  // a bad dim is reported as softmin's, not softmax's
  return softmax_common(neg(input), dim, std::nullopt, false);
}

STRIATE_REGISTER_OP("relu", &kernels::relu_forward<float>, &kernels::relu_backward<float>);
STRIATE_REGISTER_OP("relu_", &kernels::relu_forward<float>, &kernels::relu_backward<float>);
STRIATE_REGISTER_OP("sigmoid", &kernels::sigmoid_forward<float>, &kernels::sigmoid_backward<float>);
STRIATE_REGISTER_OP("tanh", &kernels::tanh_forward<float>, &kernels::tanh_backward<float>);
STRIATE_REGISTER_OP("hardtanh", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("hardtanh_", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("relu6", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("relu6_", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("leaky_relu", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("leaky_relu_", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("elu", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("elu_", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("selu", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("selu_", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("silu", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("silu_", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("hardswish", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("hardswish_", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("gelu", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("softplus", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("abs_tanh", &kernels::pointwise_activation_forward<float>,
                    &kernels::pointwise_activation_backward<float>);
STRIATE_REGISTER_OP("softmax", &kernels::softmax_forward<float>, &kernels::softmax_backward<float>);
STRIATE_REGISTER_OP("log_softmax", &kernels::softmax_forward<float>, &kernels::softmax_backward<float>);
STRIATE_REGISTER_OP("softmin", &kernels::softmax_forward<float>, &kernels::softmax_backward<float>);
STRIATE_REGISTER_OP("prelu", &kernels::binary_add, &kernels::binary_sub, &kernels::binary_mul, &kernels::binary_div,
                    &kernels::compare, &kernels::where, &kernels::sum_reduce<float, float>);

}  // namespace striate
