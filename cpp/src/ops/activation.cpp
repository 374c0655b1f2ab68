// Activations and output normalizations (relu, relu_, sigmoid, tanh, softmax, log_softmax) with
// their backward nodes; the arithmetic lives in kernels/activation.h.
#include "striate/ops/activation.h"

#include "kernels/activation.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate {
namespace {

void check_input(const Tensor& x, const char* op) {
  STRIATE_CHECK(x.defined(), op, ": expected a tensor, got None");
  if (!x.device().is_cpu()) STRIATE_NOT_IMPLEMENTED(op, ": tensors on ", x.device(), " are not supported yet");
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
void activation_forward(Activation kind, T* y, const T* x, int64_t n) {
  switch (kind) {
    case Activation::Relu: kernels::cpu::relu_forward(y, x, n); return;
    case Activation::Sigmoid: kernels::cpu::sigmoid_forward(y, x, n); return;
    case Activation::Tanh: kernels::cpu::tanh_forward(y, x, n); return;
  }
}

template <typename T>
void activation_backward(Activation kind, T* dx, const T* dy, const T* y, int64_t n) {
  switch (kind) {
    case Activation::Relu: kernels::cpu::relu_backward(dx, dy, y, n); return;
    case Activation::Sigmoid: kernels::cpu::sigmoid_backward(dx, dy, y, n); return;
    case Activation::Tanh: kernels::cpu::tanh_backward(dx, dy, y, n); return;
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
    Tensor dx = empty(y.sizes(), TensorOptions(y.dtype()));
    STRIATE_DISPATCH_FLOATING(y.dtype(), name().c_str(), [&] {
      activation_backward(kind, dx.data<scalar_t>(), dy.data<scalar_t>(), y.data<scalar_t>(), y.numel());
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
  Tensor input = x.contiguous();
  Tensor y = empty(x.sizes(), TensorOptions(x.dtype()));
  STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
    activation_forward(kind, y.data<scalar_t>(), input.data<scalar_t>(), x.numel());
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
  STRIATE_CHECK_STATE(!(grad_mode_enabled() && x.requires_grad() && x.is_leaf()),
                      "relu_: a leaf Variable that requires grad is being used in an in-place operation.");
  const bool track = autograd::needs_grad(x);
  // Recording on a view would leave its base's history stale (no view rebasing yet).
  if (track && x.impl()->is_view())
    STRIATE_NOT_IMPLEMENTED("relu_: in-place operations on views of tensors that require grad are not supported yet");
  if (x.is_contiguous()) {
    STRIATE_DISPATCH_FLOATING(x.dtype(), "relu_", [&] {
      kernels::cpu::relu_forward(x.data<scalar_t>(), x.data<scalar_t>(), x.numel());
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

// ---- softmax / log_softmax -----------------------------------------------------------------

namespace {

struct SoftmaxBackward : autograd::Node {
  autograd::SavedTensor result;
  int64_t outer = 1, C = 1, inner = 1;
  bool log = false;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor y = result.unpack(name().c_str());
    Tensor dy = grads[0].contiguous();
    Tensor dx = empty(y.sizes(), TensorOptions(y.dtype()));
    if (y.numel() == 0) return {dx};
    STRIATE_DISPATCH_FLOATING(y.dtype(), name().c_str(), [&] {
      kernels::cpu::softmax_backward(dx.data<scalar_t>(), dy.data<scalar_t>(), y.data<scalar_t>(), outer, C, inner,
                                     log);
    });
    return {dx};
  }
  std::string name() const override { return log ? "LogSoftmaxBackward" : "SoftmaxBackward"; }
  void release_saved() override { result.reset(); }
};

Tensor softmax_common(const Tensor& input, int64_t dim, std::optional<DType> dtype, bool log) {
  const char* op = log ? "log_softmax" : "softmax";
  STRIATE_CHECK(input.defined(), op, ": expected a tensor, got None");
  if (dtype) {
    STRIATE_CHECK_TYPE(is_floating(*dtype), op, ": expected a floating-point dtype, got ", *dtype);
  }
  Tensor x = dtype && *dtype != input.dtype() ? to_dtype(input, *dtype) : input;
  check_input(x, op);
  const int d = wrap_dim(dim, x.dim(), op);
  int64_t outer = 1, C = 1, inner = 1;
  for (int i = 0; i < x.dim(); ++i) {
    if (i < d) outer *= x.size(i);
    if (i == d) C = x.size(i);
    if (i > d) inner *= x.size(i);
  }
  Tensor contiguous_x = x.contiguous();
  Tensor y = empty(x.sizes(), TensorOptions(x.dtype()));
  if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
      kernels::cpu::softmax_forward(y.data<scalar_t>(), contiguous_x.data<scalar_t>(), outer, C, inner, log);
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

}  // namespace striate
