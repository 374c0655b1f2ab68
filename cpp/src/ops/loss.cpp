// Losses: cross_entropy (fused, log-sum-exp stable, backward = softmax - one-hot), nll_loss and
// mse_loss, with the class-target checks they share. The reductions reuse sum / mean.
#include "striate/ops/loss.h"

#include "kernels/loss.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/reduce.h"

namespace striate {

Reduction parse_reduction(const std::string& name, const char* op) {
  if (name == "none") return Reduction::None;
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  throw ValueError(detail::str(op, ": reduction must be 'none', 'mean' or 'sum', got '", name, "'"));
}

namespace {

Tensor reduce_losses(const Tensor& losses, Reduction reduction) {
  switch (reduction) {
    case Reduction::None: return losses;
    case Reduction::Sum: return sum(losses);
    case Reduction::Mean: return mean(losses);
  }
  return losses;
}

// Class-index targets over input (N, C, d1, ...) or unbatched (C): the sizes the kernels see
// and the shape of the per-sample losses.
struct ClassLayout {
  int64_t N = 1, C = 1, S = 1;
  Shape loss_shape;
};

ClassLayout check_class_target(const Tensor& input, const Tensor& target, const char* op) {
  STRIATE_CHECK(input.defined() && target.defined(), op, ": expected 'input' and 'target' tensors, got None");
  if (!input.device().is_cpu()) STRIATE_NOT_IMPLEMENTED(op, ": tensors on ", input.device(), " are not supported yet");
  STRIATE_CHECK_TYPE(input.is_floating_point(), op, ": expected a floating-point 'input' (float32 or float64), got ",
                     input.dtype());
  STRIATE_CHECK_TYPE(target.dtype() == DType::Int64, op, ": expected 'target' to hold int64 class indices, got ",
                     "dtype ", target.dtype(),
                     target.is_floating_point() ? " (class-probability targets are not supported yet)" : "");
  STRIATE_CHECK_SHAPE(input.dim() >= 1, op, ": expected 'input' of shape (N, C), (N, C, d1, ...) or (C), got ",
                      "a 0-d tensor");
  ClassLayout layout;
  if (input.dim() == 1) {
    STRIATE_CHECK_SHAPE(target.dim() == 0, op, ": an unbatched 'input' of shape ", input.sizes(),
                        " expects a 0-d 'target' (one class index), got shape ", target.sizes());
    layout.C = input.size(0);
  } else {
    layout.N = input.size(0);
    layout.C = input.size(1);
    STRIATE_CHECK_SHAPE(target.dim() >= 1 && target.size(0) == layout.N, op, ": expected 'input' batch size (",
                        layout.N, ") to match 'target' batch size (", target.dim() >= 1 ? target.size(0) : 0,
                        "); input shape ", input.sizes(), ", target shape ", target.sizes());
    Shape expected{layout.N};
    for (int d = 2; d < input.dim(); ++d) {
      expected.push_back(input.size(d));
      layout.S *= input.size(d);
    }
    STRIATE_CHECK_SHAPE(target.sizes() == expected, op, ": expected 'target' of shape ", expected,
                        " for 'input' of shape ", input.sizes(), ", got ", target.sizes());
    layout.loss_shape = expected;
  }
  STRIATE_CHECK_SHAPE(layout.C > 0, op, ": expected at least one class in 'input' dim ", input.dim() == 1 ? 0 : 1,
                      ", got shape ", input.sizes());
  return layout;
}

void check_labels(const Tensor& target, int64_t C, const char* op) {
  const int64_t* labels = target.data<int64_t>();
  for (int64_t i = 0; i < target.numel(); ++i) {
    STRIATE_CHECK_INDEX(labels[i] >= 0 && labels[i] < C, op, ": target label ", labels[i], " is out of range for ",
                        C, " classes (expected 0 <= label < ", C, ")",
                        labels[i] == -100 ? "; skipping targets equal to ignore_index is not supported yet" : "");
  }
}

}  // namespace

// ---- cross_entropy ----------------------------------------------------------------------------

namespace {

struct CrossEntropyBackward : autograd::Node {
  autograd::SavedTensor logits;  // contiguous (N, C, S)
  autograd::SavedTensor target;
  autograd::SavedTensor max_logit;
  autograd::SavedTensor log_total;
  ClassLayout layout;
  Shape input_shape;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = logits.unpack("CrossEntropyBackward");
    Tensor labels = target.unpack("CrossEntropyBackward");
    Tensor row_max = max_logit.unpack("CrossEntropyBackward");
    Tensor log_sum = log_total.unpack("CrossEntropyBackward");
    Tensor dloss = grads[0].contiguous();
    Tensor dx = empty(input_shape, TensorOptions(x.dtype()));
    STRIATE_DISPATCH_FLOATING(x.dtype(), "CrossEntropyBackward", [&] {
      kernels::cpu::cross_entropy_backward(dx.data<scalar_t>(), dloss.data<scalar_t>(), x.data<scalar_t>(),
                                           row_max.data<scalar_t>(), log_sum.data<scalar_t>(),
                                           labels.data<int64_t>(), layout.N, layout.C, layout.S, 1);
    });
    return {dx};
  }
  std::string name() const override { return "CrossEntropyBackward"; }
  void release_saved() override {
    logits.reset();
    target.reset();
    max_logit.reset();
    log_total.reset();
  }
};

}  // namespace

Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction) {
  ClassLayout layout = check_class_target(input, target, "cross_entropy");
  Tensor labels = target.contiguous();
  check_labels(labels, layout.C, "cross_entropy");
  Tensor x = input.contiguous();
  const TensorOptions options(x.dtype());
  Tensor losses = empty(layout.loss_shape, options);
  Tensor max_logit = empty({layout.N * layout.S}, options);
  Tensor log_total = empty({layout.N * layout.S}, options);
  STRIATE_DISPATCH_FLOATING(x.dtype(), "cross_entropy", [&] {
    kernels::cpu::cross_entropy_forward(losses.data<scalar_t>(), max_logit.data<scalar_t>(),
                                        log_total.data<scalar_t>(), x.data<scalar_t>(), labels.data<int64_t>(),
                                        layout.N, layout.C, layout.S);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<CrossEntropyBackward>();
    node->logits = autograd::SavedTensor(x);
    node->target = autograd::SavedTensor(labels);
    node->max_logit = autograd::SavedTensor(max_logit);
    node->log_total = autograd::SavedTensor(log_total);
    node->layout = layout;
    node->input_shape = input.sizes();
    autograd::record(node, {&input}, losses);
  }
  return reduce_losses(losses, reduction);
}

// ---- nll_loss -----------------------------------------------------------------------------------

namespace {

struct NllLossBackward : autograd::Node {
  autograd::SavedTensor target;
  ClassLayout layout;
  Shape input_shape;
  DType dtype = DType::Float32;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor labels = target.unpack("NllLossBackward");
    Tensor dloss = grads[0].contiguous();
    Tensor dx = empty(input_shape, TensorOptions(dtype));
    STRIATE_DISPATCH_FLOATING(dtype, "NllLossBackward", [&] {
      kernels::cpu::nll_loss_backward(dx.data<scalar_t>(), dloss.data<scalar_t>(), labels.data<int64_t>(), layout.N,
                                      layout.C, layout.S, 1);
    });
    return {dx};
  }
  std::string name() const override { return "NllLossBackward"; }
  void release_saved() override { target.reset(); }
};

}  // namespace

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction) {
  ClassLayout layout = check_class_target(log_probs, target, "nll_loss");
  Tensor labels = target.contiguous();
  check_labels(labels, layout.C, "nll_loss");
  Tensor x = log_probs.contiguous();
  Tensor losses = empty(layout.loss_shape, TensorOptions(x.dtype()));
  STRIATE_DISPATCH_FLOATING(x.dtype(), "nll_loss", [&] {
    kernels::cpu::nll_loss_forward(losses.data<scalar_t>(), x.data<scalar_t>(), labels.data<int64_t>(), layout.N,
                                   layout.C, layout.S);
  });
  if (autograd::needs_grad(log_probs)) {
    auto node = std::make_shared<NllLossBackward>();
    node->target = autograd::SavedTensor(labels);
    node->layout = layout;
    node->input_shape = log_probs.sizes();
    node->dtype = x.dtype();
    autograd::record(node, {&log_probs}, losses);
  }
  return reduce_losses(losses, reduction);
}

// ---- mse_loss -------------------------------------------------------------------------------------

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  STRIATE_CHECK(input.defined() && target.defined(), "mse_loss: expected 'input' and 'target' tensors, got None");
  STRIATE_CHECK_TYPE(input.is_floating_point() && target.is_floating_point(),
                     "mse_loss: expected floating-point 'input' and 'target', got ", input.dtype(), " and ",
                     target.dtype());
  STRIATE_CHECK_TYPE(input.dtype() == target.dtype(), "mse_loss: expected 'input' and 'target' of the same dtype, got ",
                     input.dtype(), " and ", target.dtype());
  broadcast_shapes(input.sizes(), target.sizes(), "mse_loss");
  // Composed from differentiable ops: d/dx (x - t)^2 = 2 (x - t), summed back over broadcasting.
  Tensor difference = sub(input, target);
  return reduce_losses(mul(difference, difference), reduction);
}

}  // namespace striate
