// The merge blocks of nn/blocks.h: generic combinators (Residual, Concat, Parallel), the option-A
// shortcut and the ResNets' residual units, built from the existing layers.
#include "striate/nn/blocks.h"
#include "striate/nn/fusion.h"
#include "striate/nn/merge_check.h"

#include <optional>
#include <typeinfo>
#include <utility>

#include "striate/autograd.h"
#include "striate/nn/call_observer.h"

#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/dropout.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/shape_helpers.h"
#include "striate/ops/shape_ops.h"

namespace striate::nn {
namespace {

Conv2d make_conv(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride, int64_t groups = 1) {
  return Conv2d(Conv2dOptions(in_channels, out_channels, kernel_size)
                    .stride(stride)
                    .padding(kernel_size / 2)
                    .groups(groups)
                    .bias(false));
}

BatchNorm2d make_bn(int64_t channels) { return BatchNorm2d(BatchNormOptions(channels)); }

void check_positive(int64_t value, const char* block, const char* argument) {
  STRIATE_CHECK(value > 0, block, ": expected ", argument, " > 0, got ", value);
}

// The registered child `name`, or null when absent (children come from the registry so that a
// replacement assigned from Python takes effect).
Module* child_or_null(const Module& module, const std::string& name) {
  const auto* child = module.local_children().find(name);
  return child && *child ? child->get() : nullptr;
}

// The block's registered "relu" child applied to x, as torchvision's blocks call theirs (so call
// observers see it); a plain relu when the child was removed.
Tensor activate(const Module& block, const Tensor& x) {
  Module* activation = child_or_null(block, "relu");
  return activation ? activation->call(x) : relu(x);
}

// activate(block, bn(conv(x))), run as one convolution at inference when it can be, else with the
// batch norm and a plain ReLU as one op (nn/fusion.h).
Tensor conv_bn_activate(const Module& block, Conv2dImpl& conv, BatchNormImpl& bn, const Tensor& x) {
  Module* activation = child_or_null(block, "relu");
  const bool relu_fuses = !activation || is_plain_relu(*activation);
  if (auto fused = fused_conv_bn(conv, bn, relu_fuses, x)) return relu_fuses ? *fused : activation->call(*fused);
  Tensor y = conv.call(x);
  if (auto fused = fused_bn_relu(bn, activation, y)) return *fused;
  return activate(block, bn.call(y));
}

// relu(bn(x)), as one op when it can be (nn/fusion.h).
Tensor bn_relu(BatchNormImpl& bn, const Tensor& x) {
  if (auto fused = fused_bn_relu(bn, nullptr, x)) return *fused;
  return relu(bn.call(x));
}

// bn(conv(x)), folded into one convolution at inference when it can be.
Tensor conv_bn(Conv2dImpl& conv, BatchNormImpl& bn, const Tensor& x) {
  if (auto fused = fused_conv_bn(conv, bn, false, x)) return *fused;
  return bn.call(conv.call(x));
}

// A residual unit's tail activate(block, bn(conv(x)) + shortcut(input)) with the batch norm, the add and a plain ReLU
// as one op (nn/fusion.h), or std::nullopt (nothing run) when that does not apply: at inference (conv -> bn folds into
// the convolution instead), a replaced activation, hooks. Fusing runs the shortcut before bn, so a block with a
// shortcut module fuses only while no call observer, profiler or hook of the shortcut could see that order.
std::optional<Tensor> bn_add_activate(const Module& block, Conv2dImpl& conv, BatchNormImpl& bn, Module* shortcut,
                                      const Tensor& x, const Tensor& input) {
  if (inference_mode_enabled() && !conv.is_training() && !bn.is_training()) return std::nullopt;
  Module* activation = child_or_null(block, "relu");
  if (activation && !is_plain_relu(*activation)) return std::nullopt;
  if (shortcut && (calls_watched() || shortcut->has_hooks())) return std::nullopt;
  if (conv.has_hooks() || bn.has_hooks()) return std::nullopt;
  Tensor y = conv.call(x);
  Tensor skip = shortcut ? shortcut->call(input) : input;
  if (auto fused = fused_bn_add_relu(bn, activation, y, skip)) return fused;
  return activate(block, add(bn.call(y), skip));
}

// The same tail at inference: bn(conv(x)) folded into one convolution. Where the order of the
// shortcut and the convolution cannot be seen (as in bn_add_activate), the shortcut runs first and
// the convolution adds it and applies a plain ReLU as it writes; else the shortcut runs after and
// the add and ReLU run in place on the convolution's fresh output (no hook or observer can hold it:
// fused_conv_bn runs only without hooks; the ReLU's observers hear its call as usual). std::nullopt
// (nothing run) when the convolution does not fold or the activation is not a plain ReLU.
std::optional<Tensor> folded_add_activate(const Module& block, Conv2dImpl& conv, BatchNormImpl& bn, Module* shortcut,
                                          const Tensor& x, const Tensor& input) {
  Module* activation = child_or_null(block, "relu");
  if (activation && !is_plain_relu(*activation)) return std::nullopt;
  if (!folded_conv_bn_parameters(conv, bn, x.defined() ? x.dtype() : DType::Float32)) return std::nullopt;
  if (!shortcut || (!calls_watched() && !shortcut->has_hooks())) {
    const Tensor skip = shortcut ? shortcut->call(input) : input;
    if (auto fused = fused_conv_bn_add(conv, bn, true, x, skip)) {
      if (!activation) return fused;
      CallScope scope(*activation, *fused);
      return scope.finish(*fused);
    }
    // Not addable as it writes (another shape or dtype): the ops, in the same order.
    return activate(block, add(conv_bn(conv, bn, x), skip));
  }
  std::optional<Tensor> folded = fused_conv_bn(conv, bn, false, x);
  if (!folded) return std::nullopt;
  Tensor out = *folded;
  const Tensor skip = shortcut ? shortcut->call(input) : input;
  // A shortcut of another shape, dtype or device broadcasts or promotes (or fails) as add does.
  if (!skip.defined() || skip.sizes() != out.sizes() || skip.dtype() != out.dtype() || skip.device() != out.device() ||
      out.requires_grad() || skip.requires_grad())
    return activate(block, add(out, skip));
  add_(out, skip);
  relu_(out);
  if (!activation) return out;
  CallScope scope(*activation, out);
  return scope.finish(out);
}

void check_4d(const Tensor& input, const char* block, int64_t channels) {
  STRIATE_CHECK(input.defined(), block, ": expected a tensor, got None");
  STRIATE_CHECK_SHAPE(input.dim() == 4 && input.size(1) == channels, block, ": expected input of shape (N, ", channels,
                      ", H, W), got shape ", input.sizes());
}

std::vector<Tensor> run_branches(const Module& module, const Tensor& input, const char* block) {
  STRIATE_CHECK(input.defined(), block, ": expected a tensor, got None");
  std::vector<Tensor> outputs;
  for (const auto& item : module.local_children()) outputs.push_back(item.value->call(input));
  return outputs;
}

void register_branches(Module& module, const std::vector<std::shared_ptr<Module>>& branches, const char* block) {
  STRIATE_CHECK(!branches.empty(), block, ": expected at least one branch, got none");
  for (size_t i = 0; i < branches.size(); ++i) {
    STRIATE_CHECK_TYPE(branches[i] != nullptr, block, ": expected branch ", i, " to be a Module, got None");
    module.register_module(std::to_string(i), branches[i]);
  }
}

// How many times `big` is `small` (0 when it is not a whole multiple).
int64_t whole_ratio(int64_t big, int64_t small) { return small > 0 && big % small == 0 ? big / small : 0; }

// A fix hint for 4-d (N, C, H, W) branch outputs `first` (branch 0) and `other` (branch i) that
// must agree in every dim but `free_dim` (1: channels, Concat; -1: all, a sum).
std::string merge_hint(const Shape& first, const Shape& other, size_t i, int64_t free_dim) {
  if (first.size() != 4 || other.size() != 4) return "";
  std::string hint;
  const int64_t down_i = whole_ratio(other[2], first[2]), down_0 = whole_ratio(first[2], other[2]);
  const bool spatial_differs = first[2] != other[2] || first[3] != other[3];
  if (spatial_differs && down_i > 1 && whole_ratio(other[3], first[3]) == down_i) {
    hint = detail::str("branch ", i, " keeps ", down_i, "x the resolution of branch 0: give it stride ", down_i,
                       " (e.g. end it with nn.Conv2d(", other[1], ", ", free_dim == 1 ? other[1] : first[1],
                       ", kernel_size=1, stride=", down_i, "))");
  } else if (spatial_differs && down_0 > 1 && whole_ratio(first[3], other[3]) == down_0) {
    hint = detail::str("branch 0 keeps ", down_0, "x the resolution of branch ", i, ": give branch 0 stride ", down_0,
                       " (e.g. end it with nn.Conv2d(", first[1], ", ", free_dim == 1 ? first[1] : other[1],
                       ", kernel_size=1, stride=", down_0, "))");
  } else if (spatial_differs) {
    hint =
        "the spatial sizes differ by a padding, not a stride: a convolution keeps H and W at stride 1 with "
        "padding=kernel_size // 2";
  }
  if (free_dim != 1 && first[1] != other[1]) {
    hint +=
        detail::str(hint.empty() ? "" : "; ", "the channels differ (", first[1], " vs ", other[1], "): project branch ",
                    i, " with a 1x1 convolution nn.Conv2d(", other[1], ", ", first[1], ", kernel_size=1)");
  }
  return hint.empty() ? "" : detail::str(". Fix: ", hint);
}

// Every output must match the first one in all dims except `free_dim` (-1: none).
void check_same_sizes(const std::vector<Tensor>& outputs, int64_t free_dim, const char* block) {
  const Shape& first = outputs[0].sizes();
  for (size_t i = 1; i < outputs.size(); ++i) {
    const Shape& other = outputs[i].sizes();
    bool agree = other.size() == first.size();
    for (int64_t d = 0; agree && d < static_cast<int64_t>(first.size()); ++d) {
      agree = d == free_dim || first[d] == other[d];
    }
    STRIATE_CHECK_SHAPE(agree, block, ": branch outputs cannot be merged: branch 0 gave shape ", first, ", branch ", i,
                        " gave shape ", other,
                        free_dim >= 0 ? " (sizes must agree in every dim but the merged one)" : "",
                        merge_hint(first, other, i, free_dim));
  }
}

// The hint for a Residual on `input` whose body gave `body` and whose shortcut (the input itself
// when `identity`) gave a different shape, all 4-d: the projection shortcut of torchvision's ResNets.
std::string residual_hint(const Shape& input, const Shape& body, bool identity) {
  if (body.size() != 4 || input.size() != 4) return "";
  const int64_t stride = whole_ratio(input[2], body[2]);
  if (stride == 0 || whole_ratio(input[3], body[3]) != stride) {
    return detail::str(". Fix: the body changes (H, W) from (", input[2], ", ", input[3], ") to (", body[2], ", ",
                       body[3], "), not by a whole stride: keep padding=kernel_size // 2 in its convolutions");
  }
  return detail::str(". Fix: ", identity ? "give the Residual a projection shortcut" : "make the shortcut a projection",
                     ", a 1x1 convolution with stride ", stride, " from ", input[1], " to ", body[1],
                     " channels: shortcut=nn.Sequential(nn.Conv2d(", input[1], ", ", body[1],
                     ", kernel_size=1, stride=", stride, ", bias=False), nn.BatchNorm2d(", body[1], "))");
}

}  // namespace

// ---- Residual ---------------------------------------------------------------------------------

ResidualImpl::ResidualImpl(std::shared_ptr<Module> body, std::shared_ptr<Module> shortcut, std::shared_ptr<Module> post,
                           double drop_path)
    : Module("Residual"), drop_path(drop_path) {
  STRIATE_CHECK_TYPE(body != nullptr, "Residual: expected body to be a Module, got None");
  STRIATE_CHECK(drop_path >= 0.0 && drop_path < 1.0, "Residual: expected drop_path in [0, 1), got ", drop_path);
  register_module("body", std::move(body));
  if (shortcut) register_module("shortcut", std::move(shortcut));
  if (post) register_module("post", std::move(post));
}

Tensor ResidualImpl::forward(const Tensor& input) {
  STRIATE_CHECK(input.defined(), "Residual: expected a tensor, got None");
  Module* body = child_or_null(*this, "body");
  STRIATE_CHECK_STATE(body != nullptr, "Residual: body must be a module");
  Module* shortcut = child_or_null(*this, "shortcut");
  Module* post = child_or_null(*this, "post");
  if (auto fused = fused_tail(*body, shortcut, post, input)) return *fused;
  Tensor branch = body->call(input);
  Tensor skip = shortcut ? shortcut->call(input) : input;
  // Broadcasting would silently hide a wrong block, so the two must match exactly.
  STRIATE_CHECK_SHAPE(branch.sizes() == skip.sizes(), "Residual: cannot add the body's output of shape ",
                      branch.sizes(), " to the shortcut's output of shape ", skip.sizes(),
                      shortcut ? "" : " (the shortcut is the identity: the block's input)",
                      residual_hint(input.sizes(), branch.sizes(), shortcut == nullptr));
  if (drop_path > 0.0) branch = stochastic_depth(branch, drop_path, "row", is_training());
  Tensor sum = add(branch, skip);
  return post ? post->call(sum) : sum;
}

// A body ending in a BatchNorm with a ReLU after the sum: the body's other children, the shortcut, then the batch
// norm, the add and the ReLU as one op (nn/fusion.h). Only where nobody could tell the order apart (the shortcut runs
// before the batch norm): no call observer or profiler, no hooks on the body or the shortcut, a built-in Sequential
// body, no drop_path; std::nullopt (nothing run) otherwise.
std::optional<Tensor> ResidualImpl::fused_tail(Module& body, Module* shortcut, Module* post, const Tensor& input) {
  if (!post || !is_plain_relu(*post) || drop_path > 0.0 || calls_watched()) return std::nullopt;
  if (typeid(body) != typeid(SequentialImpl) || body.has_hooks() || (shortcut && shortcut->has_hooks()))
    return std::nullopt;
  auto& sequence = static_cast<SequentialImpl&>(body);
  const size_t count = sequence.size();
  if (count < 2) return std::nullopt;
  auto* bn = dynamic_cast<BatchNormImpl*>(sequence[static_cast<int64_t>(count) - 1].get());
  if (!bn || bn->has_hooks()) return std::nullopt;
  // At inference a conv -> bn pair at the end folds into the convolution instead.
  auto* conv = dynamic_cast<Conv2dImpl*>(sequence[static_cast<int64_t>(count) - 2].get());
  if (conv && inference_mode_enabled() && !conv->is_training() && !bn->is_training()) return std::nullopt;
  Tensor y = sequence.forward_prefix(input, count - 1);
  Tensor skip = shortcut ? shortcut->call(input) : input;
  if (auto fused = fused_bn_add_relu(*bn, post, y, skip)) return fused;
  Tensor branch = bn->call(y);
  STRIATE_CHECK_SHAPE(branch.sizes() == skip.sizes(), "Residual: cannot add the body's output of shape ",
                      branch.sizes(), " to the shortcut's output of shape ", skip.sizes());
  return post->call(add(branch, skip));
}

std::string ResidualImpl::extra_repr() const { return drop_path > 0.0 ? detail::str("drop_path=", drop_path) : ""; }

// ---- Concat and Parallel ------------------------------------------------------------------------

ConcatImpl::ConcatImpl(const std::vector<std::shared_ptr<Module>>& branches, int64_t dim) : Module("Concat"), dim(dim) {
  register_branches(*this, branches, "Concat");
}

Tensor ConcatImpl::forward(const Tensor& input) {
  std::vector<Tensor> outputs = run_branches(*this, input, "Concat");
  int64_t rank = outputs[0].dim();
  STRIATE_CHECK_INDEX(dim >= -rank && dim < rank, "Concat: dim ", dim, " is out of range for outputs of rank ", rank);
  int64_t cat_dim = dim < 0 ? dim + rank : dim;
  check_same_sizes(outputs, cat_dim, "Concat");
  return cat(outputs, cat_dim);
}

std::string ConcatImpl::extra_repr() const { return detail::str("dim=", dim); }

ParallelImpl::ParallelImpl(const std::vector<std::shared_ptr<Module>>& branches, std::string merge)
    : Module("Parallel"), merge(std::move(merge)) {
  STRIATE_CHECK(this->merge == "cat" || this->merge == "sum", "Parallel: expected merge to be 'cat' or 'sum', got '",
                this->merge, "'");
  register_branches(*this, branches, "Parallel");
}

Tensor ParallelImpl::forward(const Tensor& input) {
  std::vector<Tensor> outputs = run_branches(*this, input, "Parallel");
  if (merge == "sum") {
    check_same_sizes(outputs, -1, "Parallel");
    Tensor total = outputs[0];
    for (size_t i = 1; i < outputs.size(); ++i) total = add(total, outputs[i]);
    return total;
  }
  STRIATE_CHECK_SHAPE(outputs[0].dim() >= 2, "Parallel: merge='cat' joins channels (dim 1), got outputs of shape ",
                      outputs[0].sizes());
  check_same_sizes(outputs, 1, "Parallel");
  return cat(outputs, 1);
}

std::string ParallelImpl::extra_repr() const { return detail::str("merge=", merge); }

// ---- early checks ------------------------------------------------------------------------------

void check_merge_on(Module& block, const std::vector<int64_t>& input_shape) {
  Shape shape{1};
  for (int64_t size : input_shape) {
    STRIATE_CHECK(size > 0, block.name(), ": expected input_shape of positive sizes (C, H, W), got ",
                  Shape(input_shape.begin(), input_shape.end()));
    shape.push_back(size);
  }
  TensorOptions options;
  std::vector<Tensor> params = block.parameters();
  if (!params.empty()) options.set_dtype(params[0].dtype()).set_device(params[0].device());
  // Batch norm in training mode refuses a batch of one value per channel: run in eval mode.
  std::vector<std::pair<Module*, bool>> flags{{&block, block.is_training()}};
  for (const auto& item : block.named_modules("", false))
    flags.emplace_back(item.value.get(), item.value->is_training());
  for (auto& [module, flag] : flags) module->set_training_flag(false);
  try {
    NoGradGuard no_grad;
    block.forward(zeros(shape, options));
  } catch (const ShapeError& e) {
    for (auto& [module, flag] : flags) module->set_training_flag(flag);
    throw ShapeError(detail::str(e.what(), " (found at construction, on input_shape ",
                                 Shape(input_shape.begin(), input_shape.end()), ")"));
  } catch (...) {
    for (auto& [module, flag] : flags) module->set_training_flag(flag);
    throw;
  }
  for (auto& [module, flag] : flags) module->set_training_flag(flag);
}

// ---- option-A shortcut ----------------------------------------------------------------------------

ZeroPadShortcutImpl::ZeroPadShortcutImpl(int64_t in_channels, int64_t out_channels, int64_t stride)
    : Module("ZeroPadShortcut"), in_channels(in_channels), out_channels(out_channels), stride(stride) {
  check_positive(in_channels, "ZeroPadShortcut", "in_channels");
  check_positive(stride, "ZeroPadShortcut", "stride");
  STRIATE_CHECK(out_channels >= in_channels, "ZeroPadShortcut: expected out_channels >= in_channels (", in_channels,
                "), got ", out_channels);
}

Tensor ZeroPadShortcutImpl::forward(const Tensor& input) {
  check_4d(input, "ZeroPadShortcut", in_channels);
  Tensor kept = stride == 1 ? input : input.slice(2, 0, input.size(2), stride).slice(3, 0, input.size(3), stride);
  int64_t extra = out_channels - in_channels;
  if (extra == 0) return kept;
  // The new channels split evenly before and after the old ones, as the CIFAR reference code does.
  return pad(kept, {0, 0, 0, 0, extra / 2, extra - extra / 2});
}

std::string ZeroPadShortcutImpl::extra_repr() const {
  return detail::str(in_channels, ", ", out_channels, ", stride=", stride);
}

// ---- BasicBlock -------------------------------------------------------------------------------

BasicBlockImpl::BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride, const std::string& shortcut)
    : Module("BasicBlock"), in_channels(in_channels), out_channels(out_channels), stride(stride) {
  check_positive(in_channels, "BasicBlock", "in_channels");
  check_positive(out_channels, "BasicBlock", "out_channels");
  check_positive(stride, "BasicBlock", "stride");
  STRIATE_CHECK(shortcut == "A" || shortcut == "B", "BasicBlock: expected shortcut 'A' or 'B', got '", shortcut, "'");
  conv1 = register_module("conv1", make_conv(in_channels, out_channels, 3, stride));
  bn1 = register_module("bn1", make_bn(out_channels));
  register_module("relu", ReLU());
  conv2 = register_module("conv2", make_conv(out_channels, out_channels, 3, 1));
  bn2 = register_module("bn2", make_bn(out_channels));
  if (stride != 1 || in_channels != out_channels) {
    if (shortcut == "A") {
      downsample = register_module("downsample", ZeroPadShortcut(in_channels, out_channels, stride));
    } else {
      downsample = register_module("downsample",
                                   Sequential(make_conv(in_channels, out_channels, 1, stride), make_bn(out_channels)));
    }
  }
}

Tensor BasicBlockImpl::forward(const Tensor& input) {
  check_4d(input, "BasicBlock", in_channels);
  Tensor out = conv_bn_activate(*this, *conv1, *bn1, input);
  if (auto fused = bn_add_activate(*this, *conv2, *bn2, downsample.get(), out, input)) return *fused;
  if (auto fused = folded_add_activate(*this, *conv2, *bn2, downsample.get(), out, input)) return *fused;
  out = conv_bn(*conv2, *bn2, out);
  Tensor skip = downsample ? downsample->call(input) : input;
  return activate(*this, add(out, skip));
}

std::string BasicBlockImpl::extra_repr() const {
  return detail::str(in_channels, ", ", out_channels, ", stride=", stride);
}

// ---- Bottleneck -------------------------------------------------------------------------------

BottleneckImpl::BottleneckImpl(int64_t in_channels, int64_t planes, int64_t stride, int64_t groups, int64_t base_width,
                               int64_t se_reduction)
    : Module("Bottleneck"),
      in_channels(in_channels),
      planes(planes),
      stride(stride),
      groups(groups),
      base_width(base_width) {
  check_positive(in_channels, "Bottleneck", "in_channels");
  check_positive(planes, "Bottleneck", "planes");
  check_positive(stride, "Bottleneck", "stride");
  check_positive(groups, "Bottleneck", "groups");
  check_positive(base_width, "Bottleneck", "base_width");
  STRIATE_CHECK(se_reduction >= 0, "Bottleneck: expected se_reduction >= 0, got ", se_reduction);
  int64_t width = planes * base_width / 64 * groups;
  STRIATE_CHECK(width > 0, "Bottleneck: planes * base_width / 64 must be positive, got planes=", planes,
                ", base_width=", base_width);
  int64_t out_channels = planes * expansion;
  conv1 = register_module("conv1", make_conv(in_channels, width, 1, 1));
  bn1 = register_module("bn1", make_bn(width));
  conv2 = register_module("conv2", make_conv(width, width, 3, stride, groups));
  bn2 = register_module("bn2", make_bn(width));
  conv3 = register_module("conv3", make_conv(width, out_channels, 1, 1));
  bn3 = register_module("bn3", make_bn(out_channels));
  if (se_reduction > 0) se = register_module("se", SqueezeExcite(out_channels, se_reduction));
  register_module("relu", ReLU());
  if (stride != 1 || in_channels != out_channels) {
    downsample = register_module("downsample",
                                 Sequential(make_conv(in_channels, out_channels, 1, stride), make_bn(out_channels)));
  }
}

Tensor BottleneckImpl::forward(const Tensor& input) {
  check_4d(input, "Bottleneck", in_channels);
  Tensor out = conv_bn_activate(*this, *conv1, *bn1, input);
  out = conv_bn_activate(*this, *conv2, *bn2, out);
  if (!se) {
    if (auto fused = bn_add_activate(*this, *conv3, *bn3, downsample.get(), out, input)) return *fused;
  }
  out = conv_bn(*conv3, *bn3, out);
  if (se) out = se->call(out);
  Tensor skip = downsample ? downsample->call(input) : input;
  return activate(*this, add(out, skip));
}

std::string BottleneckImpl::extra_repr() const {
  std::string text = detail::str(in_channels, ", ", planes, ", stride=", stride);
  if (groups != 1 || base_width != 64) text += detail::str(", groups=", groups, ", base_width=", base_width);
  return text;
}

// ---- pre-activation units -------------------------------------------------------------------------

PreActBlockImpl::PreActBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride)
    : Module("PreActBlock"), in_channels(in_channels), out_channels(out_channels), stride(stride) {
  check_positive(in_channels, "PreActBlock", "in_channels");
  check_positive(out_channels, "PreActBlock", "out_channels");
  check_positive(stride, "PreActBlock", "stride");
  bn1 = register_module("bn1", make_bn(in_channels));
  conv1 = register_module("conv1", make_conv(in_channels, out_channels, 3, stride));
  bn2 = register_module("bn2", make_bn(out_channels));
  conv2 = register_module("conv2", make_conv(out_channels, out_channels, 3, 1));
  if (stride != 1 || in_channels != out_channels) {
    shortcut = register_module("shortcut", make_conv(in_channels, out_channels, 1, stride));
  }
}

Tensor PreActBlockImpl::forward(const Tensor& input) {
  check_4d(input, "PreActBlock", in_channels);
  Tensor activated = bn_relu(*bn1, input);
  // The projection sees the pre-activated input, as in He et al.'s identity-mapping paper.
  Tensor skip = shortcut ? shortcut(activated) : input;
  Tensor out = conv1(activated);
  out = conv2(bn_relu(*bn2, out));
  return add(out, skip);
}

std::string PreActBlockImpl::extra_repr() const {
  return detail::str(in_channels, ", ", out_channels, ", stride=", stride);
}

WideBlockImpl::WideBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride, double dropout)
    : Module("WideBlock"), in_channels(in_channels), out_channels(out_channels), stride(stride), dropout(dropout) {
  check_positive(in_channels, "WideBlock", "in_channels");
  check_positive(out_channels, "WideBlock", "out_channels");
  check_positive(stride, "WideBlock", "stride");
  STRIATE_CHECK(dropout >= 0.0 && dropout < 1.0, "WideBlock: expected dropout in [0, 1), got ", dropout);
  bn1 = register_module("bn1", make_bn(in_channels));
  conv1 = register_module("conv1", make_conv(in_channels, out_channels, 3, stride));
  if (dropout > 0.0) drop = register_module("dropout", Dropout(dropout));
  bn2 = register_module("bn2", make_bn(out_channels));
  conv2 = register_module("conv2", make_conv(out_channels, out_channels, 3, 1));
  if (stride != 1 || in_channels != out_channels) {
    shortcut = register_module("shortcut", make_conv(in_channels, out_channels, 1, stride));
  }
}

Tensor WideBlockImpl::forward(const Tensor& input) {
  check_4d(input, "WideBlock", in_channels);
  Tensor activated = bn_relu(*bn1, input);
  Tensor skip = shortcut ? shortcut(activated) : input;
  Tensor out = bn_relu(*bn2, conv1(activated));
  if (drop) out = drop(out);
  return add(conv2(out), skip);
}

std::string WideBlockImpl::extra_repr() const {
  return detail::str(in_channels, ", ", out_channels, ", stride=", stride, ", dropout=", dropout);
}

}  // namespace striate::nn
