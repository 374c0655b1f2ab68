// Classification losses: cross_entropy (fused, log-sum-exp stable, backward = softmax - one-hot;
// class weights, ignore_index, label smoothing, probability targets), nll_loss and the multiclass
// hinge multi_margin_loss, with the class-target checks they share; cosine_embedding_loss.
#include "striate/ops/loss.h"

#include "kernels/elementwise.h"
#include "kernels/loss.h"
#include "kernels/reduce.h"
#include "ops/dispatch.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/activation.h"
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

Tensor apply_reduction(const Tensor& losses, Reduction reduction) {
  switch (reduction) {
    case Reduction::None: return losses;
    case Reduction::Sum: return sum(losses);
    case Reduction::Mean: return mean(losses);
  }
  return losses;
}

namespace {

// 'mean' over class-index targets divides by the summed weight of the targets kept, not by
// their count (PyTorch's rule; 0 / 0 = NaN when every target is ignored).
Tensor reduce_class_losses(const Tensor& losses, Reduction reduction, double denominator) {
  if (reduction == Reduction::Mean) return div(sum(losses), Scalar(denominator));
  return apply_reduction(losses, reduction);
}

void check_input(const Tensor& input, const Tensor& target, const char* op) {
  STRIATE_CHECK(input.defined() && target.defined(), op, ": expected 'input' and 'target' tensors, got None");
  dispatch::device_of(op, {{"input", input}, {"target", target}});
  STRIATE_CHECK_TYPE(input.is_floating_point(), op, ": expected a floating-point 'input' (float32 or float64), got ",
                     input.dtype());
  STRIATE_CHECK_SHAPE(input.dim() >= 1, op, ": expected 'input' of shape (N, C), (N, C, d1, ...) or (C), got ",
                      "a 0-d tensor");
}

// Returns the contiguous class weights (undefined when none were given).
Tensor check_class_weight(const Tensor& weight, const Tensor& input, int64_t C, const char* op) {
  if (!weight.defined()) return weight;
  dispatch::device_of(op, {{"input", input}, {"weight", weight}});
  STRIATE_CHECK_TYPE(weight.dtype() == input.dtype(), op, ": expected 'weight' of the input's dtype ", input.dtype(),
                     ", got ", weight.dtype());
  STRIATE_CHECK_SHAPE(weight.dim() == 1 && weight.size(0) == C, op, ": expected 'weight' of shape (", C,
                      ") (one weight per class), got ", weight.sizes());
  if (grad_mode_enabled() && weight.requires_grad())
    STRIATE_NOT_IMPLEMENTED(op, ": gradients with respect to 'weight' are not supported (detach it)");
  return weight.contiguous();
}

// Class-index targets over input (N, C, d1, ...) or unbatched (C): the sizes the kernels see
// and the shape of the per-sample losses.
struct ClassLayout {
  int64_t N = 1, C = 1, S = 1;
  Shape loss_shape;
};

ClassLayout check_class_target(const Tensor& input, const Tensor& target, const char* op,
                               bool allows_probabilities = false) {
  STRIATE_CHECK_TYPE(target.dtype() == DType::Int64, op, ": expected 'target' to hold int64 class indices",
                     allows_probabilities
                         ? detail::str(" or float class probabilities of the input's shape ", input.sizes())
                         : std::string(),
                     ", got dtype ", target.dtype(), " and shape ", target.sizes());
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

// Checks every label and returns the 'mean' denominator: the summed weight of the kept targets.
double check_labels(const Tensor& target, const Tensor& weight, int64_t C, std::optional<int64_t> ignore_index,
                    const char* op) {
  // Device labels and weights are read from host copies (the kernels trust the range).
  const Device cpu(DeviceType::CPU);
  const Tensor host_target = target.device().is_cpu() ? target : target.to(cpu);
  const Tensor host_weight = !weight.defined() || weight.device().is_cpu() ? weight : weight.detach().to(cpu);
  const int64_t* labels = host_target.data<int64_t>();
  double total_weight = 0;
  for (int64_t i = 0; i < target.numel(); ++i) {
    if (ignore_index && labels[i] == *ignore_index) continue;
    STRIATE_CHECK_INDEX(labels[i] >= 0 && labels[i] < C, op, ": target label ", labels[i], " is out of range for ", C,
                        " classes (expected 0 <= label < ", C,
                        ignore_index ? detail::str(", or ignore_index=", *ignore_index, ")") : std::string(")"));
    if (!weight.defined()) {
      total_weight += 1;
    } else {
      STRIATE_DISPATCH_FLOATING(weight.dtype(), op, [&] { total_weight += host_weight.data<scalar_t>()[labels[i]]; });
    }
  }
  return total_weight;
}

// The shape that lines class weights (C) up with the class dim of input.
Shape class_shape(const Tensor& input, int64_t C) {
  Shape shape{C};
  for (int d = 2; d < input.dim(); ++d) shape.push_back(1);
  return shape;
}

template <typename T>
const T* optional_data(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}

}  // namespace

// ---- cross_entropy ----------------------------------------------------------------------------

namespace {

struct CrossEntropyBackward : autograd::Node {
  autograd::SavedTensor logits;  // contiguous (N, C, S)
  autograd::SavedTensor target;
  autograd::SavedTensor max_logit;
  autograd::SavedTensor log_total;
  Tensor class_weight;  // (C) or undefined
  int64_t ignore_index = -100;
  ClassLayout layout;
  Shape input_shape;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = logits.unpack("CrossEntropyBackward");
    Tensor labels = target.unpack("CrossEntropyBackward");
    Tensor row_max = max_logit.unpack("CrossEntropyBackward");
    Tensor log_sum = log_total.unpack("CrossEntropyBackward");
    Tensor dloss = grads[0].contiguous();
    Tensor dx = empty(input_shape, options_of(x));
    STRIATE_DISPATCH_FLOATING(x.dtype(), "CrossEntropyBackward", [&] {
      STRIATE_PROFILE_BYTES((x.numel() + dx.numel() + dloss.numel() + row_max.numel() + log_sum.numel()) *
                                sizeof(scalar_t) +
                            labels.numel() * sizeof(int64_t));
      kernels::cross_entropy_backward<scalar_t>(dx.device(), dx.data<scalar_t>(), dloss.data<scalar_t>(),
                                                x.data<scalar_t>(), row_max.data<scalar_t>(), log_sum.data<scalar_t>(),
                                                labels.data<int64_t>(), optional_data<scalar_t>(class_weight), layout.N,
                                                layout.C, layout.S, 1, ignore_index);
    });
    return {dx};
  }
  std::string name() const override { return "CrossEntropyBackward"; }
  void release_saved() override {
    logits.reset();
    target.reset();
    max_logit.reset();
    log_total.reset();
    class_weight = Tensor();
  }
};

// Soft targets: -sum_c weight[c] t[c] log_softmax(x)[c], composed from differentiable ops so the
// target gets its gradient too; 'mean' divides by the number of samples.
Tensor cross_entropy_probabilities(const Tensor& input, const Tensor& target, Reduction reduction, const Tensor& weight,
                                   int64_t ignore_index, double label_smoothing) {
  const char* op = "cross_entropy";
  STRIATE_CHECK_TYPE(target.dtype() == input.dtype(), op, ": expected class-probability 'target' of the input's ",
                     "dtype ", input.dtype(), ", got ", target.dtype());
  STRIATE_CHECK(ignore_index == -100, op, ": ignore_index (", ignore_index,
                ") is not supported with class-probability targets");
  const int class_dim = input.dim() == 1 ? 0 : 1;
  const int64_t C = input.size(class_dim);
  Tensor weights = check_class_weight(weight, input, C, op);
  Tensor probabilities = label_smoothing > 0 ? add(mul(target, Scalar(1 - label_smoothing)),
                                                   Scalar(label_smoothing / static_cast<double>(C)))
                                             : target;
  Tensor terms = mul(log_softmax(input, class_dim), probabilities);
  if (weights.defined()) terms = mul(terms, weights.reshape(class_shape(input, C)));
  Tensor losses = neg(sum(terms, {class_dim}));
  if (reduction == Reduction::Mean) {
    const double samples = C > 0 ? static_cast<double>(input.numel() / C) : 0.0;
    return div(sum(losses), Scalar(samples));
  }
  return apply_reduction(losses, reduction);
}

}  // namespace

static Tensor cross_entropy_parts(const Tensor& input, const Tensor& target, Reduction reduction, const Tensor& weight,
                                  int64_t ignore_index, double label_smoothing) {
  const char* op = "cross_entropy";
  check_input(input, target, op);
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), cross_entropy, input, target, reduction, weight, ignore_index,
                             label_smoothing);
  STRIATE_CHECK(label_smoothing >= 0.0 && label_smoothing <= 1.0, op, ": expected label_smoothing in [0, 1], got ",
                label_smoothing);
  if (target.is_floating_point() && target.sizes() == input.sizes())
    return cross_entropy_probabilities(input, target, reduction, weight, ignore_index, label_smoothing);
  ClassLayout layout = check_class_target(input, target, op, /*allows_probabilities=*/true);
  Tensor weights = check_class_weight(weight, input, layout.C, op);
  Tensor labels = target.contiguous();
  const double total_weight = check_labels(labels, weights, layout.C, ignore_index, op);
  Tensor x = input.contiguous();
  const TensorOptions options = options_of(x);
  Tensor losses = empty(layout.loss_shape, options);
  Tensor max_logit = empty({layout.N * layout.S}, options);
  Tensor log_total = empty({layout.N * layout.S}, options);
  STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES((x.numel() + losses.numel() + max_logit.numel() + log_total.numel()) * sizeof(scalar_t) +
                          labels.numel() * sizeof(int64_t));
    kernels::cross_entropy_forward<scalar_t>(losses.device(), losses.data<scalar_t>(), max_logit.data<scalar_t>(),
                                             log_total.data<scalar_t>(), x.data<scalar_t>(), labels.data<int64_t>(),
                                             optional_data<scalar_t>(weights), layout.N, layout.C, layout.S,
                                             ignore_index);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<CrossEntropyBackward>();
    node->logits = autograd::SavedTensor(x);
    node->target = autograd::SavedTensor(labels);
    node->max_logit = autograd::SavedTensor(max_logit);
    node->log_total = autograd::SavedTensor(log_total);
    node->class_weight = weights;
    node->ignore_index = ignore_index;
    node->layout = layout;
    node->input_shape = input.sizes();
    autograd::record(node, {&input}, losses);
  }
  Tensor nll = reduce_class_losses(losses, reduction, total_weight);
  if (label_smoothing == 0.0) return nll;
  // The uniform part of the smoothed target: -sum_c weight[c] log_softmax(x)[c] / C per kept
  // target, normalized as the nll part is.
  const int class_dim = input.dim() == 1 ? 0 : 1;
  Tensor terms = log_softmax(input, class_dim);
  if (weights.defined()) terms = mul(terms, weights.reshape(class_shape(input, layout.C)));
  Tensor kept = to_dtype(ne(labels, Scalar(ignore_index)), input.dtype());
  Tensor smooth = mul(neg(sum(terms, {class_dim})), kept);
  return add(mul(nll, Scalar(1 - label_smoothing)), mul(reduce_class_losses(smooth, reduction, total_weight),
                                                        Scalar(label_smoothing / static_cast<double>(layout.C))));
}

// ---- nll_loss -----------------------------------------------------------------------------------

namespace {

struct NllLossBackward : autograd::Node {
  autograd::SavedTensor target;
  Tensor class_weight;  // (C) or undefined
  int64_t ignore_index = -100;
  ClassLayout layout;
  Shape input_shape;
  DType dtype = DType::Float32;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor labels = target.unpack("NllLossBackward");
    Tensor dloss = grads[0].contiguous();
    Tensor dx = empty(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    STRIATE_DISPATCH_FLOATING(dtype, "NllLossBackward", [&] {
      STRIATE_PROFILE_BYTES((dx.numel() + dloss.numel()) * sizeof(scalar_t) + labels.numel() * sizeof(int64_t));
      kernels::nll_loss_backward<scalar_t>(dx.device(), dx.data<scalar_t>(), dloss.data<scalar_t>(),
                                           labels.data<int64_t>(), optional_data<scalar_t>(class_weight), layout.N,
                                           layout.C, layout.S, 1, ignore_index);
    });
    return {dx};
  }
  std::string name() const override { return "NllLossBackward"; }
  void release_saved() override {
    target.reset();
    class_weight = Tensor();
  }
};

}  // namespace

static Tensor nll_loss_parts(const Tensor& log_probs, const Tensor& target, Reduction reduction, const Tensor& weight,
                             int64_t ignore_index) {
  const char* op = "nll_loss";
  check_input(log_probs, target, op);
  STRIATE_COMPUTE_IN_FLOAT32(log_probs.dtype(), nll_loss, log_probs, target, reduction, weight, ignore_index);
  ClassLayout layout = check_class_target(log_probs, target, op);
  Tensor weights = check_class_weight(weight, log_probs, layout.C, op);
  Tensor labels = target.contiguous();
  const double total_weight = check_labels(labels, weights, layout.C, ignore_index, op);
  Tensor x = log_probs.contiguous();
  Tensor losses = empty(layout.loss_shape, options_of(x));
  STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES(2 * losses.numel() * sizeof(scalar_t) + labels.numel() * sizeof(int64_t));
    kernels::nll_loss_forward<scalar_t>(losses.device(), losses.data<scalar_t>(), x.data<scalar_t>(),
                                        labels.data<int64_t>(), optional_data<scalar_t>(weights), layout.N, layout.C,
                                        layout.S, ignore_index);
  });
  if (autograd::needs_grad(log_probs)) {
    auto node = std::make_shared<NllLossBackward>();
    node->target = autograd::SavedTensor(labels);
    node->class_weight = weights;
    node->ignore_index = ignore_index;
    node->layout = layout;
    node->input_shape = log_probs.sizes();
    node->dtype = x.dtype();
    autograd::record(node, {&log_probs}, losses);
  }
  return reduce_class_losses(losses, reduction, total_weight);
}

// ---- multi_margin_loss ----------------------------------------------------------------------------

namespace {

struct MultiMarginBackward : autograd::Node {
  autograd::SavedTensor input;  // contiguous (N, C)
  autograd::SavedTensor target;
  Tensor class_weight;
  int64_t N = 1, C = 1;
  int p = 1;
  double margin = 1;
  Shape input_shape;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack("MultiMarginLossBackward");
    Tensor labels = target.unpack("MultiMarginLossBackward");
    Tensor dloss = grads[0].contiguous();
    Tensor dx = empty(input_shape, options_of(x));
    STRIATE_DISPATCH_FLOATING(x.dtype(), "MultiMarginLossBackward", [&] {
      STRIATE_PROFILE_BYTES((2 * x.numel() + dloss.numel()) * sizeof(scalar_t) + labels.numel() * sizeof(int64_t));
      kernels::multi_margin_backward<scalar_t>(dx.device(), dx.data<scalar_t>(), dloss.data<scalar_t>(),
                                               x.data<scalar_t>(), labels.data<int64_t>(),
                                               optional_data<scalar_t>(class_weight), N, C, p, margin);
    });
    return {dx};
  }
  std::string name() const override { return "MultiMarginLossBackward"; }
  void release_saved() override {
    input.reset();
    target.reset();
    class_weight = Tensor();
  }
};

}  // namespace

static Tensor multi_margin_loss_parts(const Tensor& input, const Tensor& target, int64_t p, double margin,
                                      const Tensor& weight, Reduction reduction) {
  const char* op = "multi_margin_loss";
  check_input(input, target, op);
  STRIATE_CHECK(p == 1 || p == 2, op, ": expected p to be 1 or 2, got ", p);
  STRIATE_CHECK_SHAPE(input.dim() <= 2, op, ": expected 'input' of shape (N, C) or (C), got ", input.sizes());
  STRIATE_CHECK_TYPE(target.dtype() == DType::Int64, op, ": expected 'target' to hold int64 class indices, got ",
                     target.dtype());
  const int64_t N = input.dim() == 2 ? input.size(0) : 1;
  const int64_t C = input.size(input.dim() - 1);
  const Shape expected = input.dim() == 2 ? Shape{N} : Shape{};
  STRIATE_CHECK_SHAPE(target.sizes() == expected, op, ": expected 'target' of shape ", expected, " for 'input' of ",
                      "shape ", input.sizes(), ", got ", target.sizes());
  STRIATE_CHECK_SHAPE(C > 0, op, ": expected at least one class, got 'input' of shape ", input.sizes());
  Tensor weights = check_class_weight(weight, input, C, op);
  Tensor labels = target.contiguous();
  check_labels(labels, Tensor(), C, std::nullopt, op);
  Tensor x = input.contiguous();
  Tensor losses = empty(expected, options_of(x));
  STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES((x.numel() + losses.numel()) * sizeof(scalar_t) + labels.numel() * sizeof(int64_t));
    kernels::multi_margin_forward<scalar_t>(losses.device(), losses.data<scalar_t>(), x.data<scalar_t>(),
                                            labels.data<int64_t>(), optional_data<scalar_t>(weights), N, C,
                                            static_cast<int>(p), margin);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<MultiMarginBackward>();
    node->input = autograd::SavedTensor(x);
    node->target = autograd::SavedTensor(labels);
    node->class_weight = weights;
    node->N = N;
    node->C = C;
    node->p = static_cast<int>(p);
    node->margin = margin;
    node->input_shape = input.sizes();
    autograd::record(node, {&input}, losses);
  }
  return apply_reduction(losses, reduction);
}

// ---- cosine_embedding_loss -------------------------------------------------------------------------

// Composed from differentiable ops; the 1e-12 under the square root (PyTorch's) keeps a zero
// vector's cosine at 0 instead of 0 / 0.
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin,
                             Reduction reduction) {
  const char* op = "cosine_embedding_loss";
  STRIATE_CHECK(input1.defined() && input2.defined() && target.defined(), op,
                ": expected 'input1', 'input2' and 'target' tensors, got None");
  dispatch::device_of(op, {{"input1", input1}, {"input2", input2}, {"target", target}});
  STRIATE_CHECK_TYPE(input1.is_floating_point() && input1.dtype() == input2.dtype(), op,
                     ": expected floating-point 'input1' and 'input2' of one dtype, got ", input1.dtype(), " and ",
                     input2.dtype());
  STRIATE_CHECK_SHAPE(input1.sizes() == input2.sizes(), op, ": expected 'input1' and 'input2' of one shape, got ",
                      input1.sizes(), " and ", input2.sizes());
  STRIATE_CHECK_SHAPE(input1.dim() == 1 || input1.dim() == 2, op, ": expected inputs of shape (N, D) or (D), got ",
                      input1.sizes());
  const Shape expected = input1.dim() == 2 ? Shape{input1.size(0)} : Shape{};
  STRIATE_CHECK_SHAPE(target.sizes() == expected, op, ": expected 'target' of shape ", expected,
                      " for inputs of shape ", input1.sizes(), ", got ", target.sizes());
  const int64_t last = input1.dim() - 1;
  Tensor dot = sum(mul(input1, input2), {last});
  Tensor squared_norms =
      mul(add(sum(mul(input1, input1), {last}), Scalar(1e-12)), add(sum(mul(input2, input2), {last}), Scalar(1e-12)));
  Tensor cosine = div(dot, sqrt(squared_norms));
  Tensor none = zeros_like(cosine);
  Tensor pull = where(eq(target, Scalar(1)), rsub(cosine, Scalar(1)), none);
  Tensor push = where(eq(target, Scalar(-1)), clamp(sub(cosine, Scalar(margin)), Scalar(0), std::nullopt), none);
  return apply_reduction(add(pull, push), reduction);
}

STRIATE_REGISTER_OP("cross_entropy", &kernels::cross_entropy_forward<float>, &kernels::cross_entropy_backward<float>);
STRIATE_REGISTER_OP("nll_loss", &kernels::nll_loss_forward<float>, &kernels::nll_loss_backward<float>);
STRIATE_REGISTER_OP("multi_margin_loss", &kernels::multi_margin_forward<float>, &kernels::multi_margin_backward<float>);
STRIATE_REGISTER_OP("cosine_embedding_loss", &kernels::binary_add, &kernels::binary_sub, &kernels::binary_mul,
                    &kernels::binary_div, &kernels::unary, &kernels::compare, &kernels::where,
                    &kernels::sum_reduce<float, float>);

// ---- one named node per loss, as PyTorch records them -----------------------------------------

Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction, const Tensor& weight,
                     int64_t ignore_index, double label_smoothing) {
  STRIATE_AUTOCAST(CastPolicy::Float32, cross_entropy, input, target, reduction, weight, ignore_index, label_smoothing);
  auto parts = [&](const std::vector<Tensor>& in) {
    return cross_entropy_parts(in[0], target, reduction, weight, ignore_index, label_smoothing);
  };
  // torch shows class-index cross_entropy as nll_loss over log_softmax; the other forms as their parts.
  if (!input.defined() || !target.defined() || target.is_floating_point() || label_smoothing != 0.0)
    return parts({input});
  return autograd::record_composite("CrossEntropyLossBackward", "NllLossBackward0", {input}, parts,
                                    "LogSoftmaxBackward0");
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction, const Tensor& weight,
                int64_t ignore_index) {
  STRIATE_AUTOCAST(CastPolicy::Float32, nll_loss, log_probs, target, reduction, weight, ignore_index);
  return autograd::record_composite(
      "NllLossBackward", "NllLossBackward0", {log_probs},
      [&](const std::vector<Tensor>& in) { return nll_loss_parts(in[0], target, reduction, weight, ignore_index); });
}

Tensor multi_margin_loss(const Tensor& input, const Tensor& target, int64_t p, double margin, const Tensor& weight,
                         Reduction reduction) {
  return autograd::record_composite("MultiMarginLossBackward", "MultiMarginLossBackward0", {input},
                                    [&](const std::vector<Tensor>& in) {
                                      return multi_margin_loss_parts(in[0], target, p, margin, weight, reduction);
                                    });
}

}  // namespace striate
