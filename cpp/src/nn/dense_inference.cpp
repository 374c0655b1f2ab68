// DenseNet's dense layers and transitions at inference as fused chains (see dense_inference.h).
// A layer's norm1 -> relu1 -> conv1 (-> norm2 folded into conv1, relu2 -> conv2) reads the
// block's buffer a sample at a time and writes its growth_rate channels into the buffer's next
// slice: the normalized input and the bottleneck map stay in cache, and nothing is copied.
#include "nn/dense_inference.h"

#include <cstring>
#include <typeinfo>

#include "striate/autograd.h"
#include "striate/core/error.h"
#include "striate/core/parallel.h"
#include "striate/nn/activation.h"
#include "striate/nn/call_observer.h"
#include "striate/nn/conv.h"
#include "striate/nn/fusion.h"
#include "striate/nn/normalization.h"
#include "striate/nn/pooling.h"
#include "striate/ops/creation.h"
#include "striate/ops/fused_inference.h"

namespace striate::nn::detail {

void write_channels(const Tensor& buffer, const Tensor& piece, int64_t start) {
  Tensor source = piece.contiguous();
  const int64_t batch = buffer.size(0), plane = buffer.size(2) * buffer.size(3);
  const size_t element = element_size(buffer.dtype());
  const size_t piece_bytes = static_cast<size_t>(source.size(1) * plane) * element;
  auto* destination = static_cast<char*>(buffer.data_ptr());
  const auto* origin = static_cast<const char*>(source.data_ptr());
  for (int64_t n = 0; n < batch; ++n) {
    std::memcpy(destination + static_cast<size_t>((n * buffer.size(1) + start) * plane) * element,
                origin + static_cast<size_t>(n) * piece_bytes, piece_bytes);
  }
}

namespace {

Module* child_or_null(const Module& parent, const char* name) {
  const auto* child = parent.local_children().find(name);
  return child && *child ? child->get() : nullptr;
}

Tensor local(const OrderedDict<Tensor>& items, const char* name) {
  const Tensor* found = items.find(name);
  return found ? *found : Tensor();
}

bool usable(const Tensor& t, DType dtype) { return !t.defined() || (t.dtype() == dtype && t.device().is_cpu()); }

// The chain's input: a 4-d float32 / float64 CPU tensor under inference_mode.
bool chain_input(const Tensor& input) {
  return inference_mode_enabled() && input.defined() && input.dim() == 4 && input.device().is_cpu() &&
         (input.dtype() == DType::Float32 || input.dtype() == DType::Float64);
}

// The registered child `name` as an evaluation-mode built-in BatchNorm2d with running statistics.
std::optional<ChainBatchNorm> chain_norm(const Module& parent, const char* name, DType dtype) {
  auto* bn = dynamic_cast<BatchNormImpl*>(child_or_null(parent, name));
  if (!bn || typeid(*bn) != typeid(BatchNorm2dImpl) || bn->has_hooks() || bn->is_training()) return std::nullopt;
  ChainBatchNorm norm{local(bn->local_buffers(), "running_mean"), local(bn->local_buffers(), "running_var"),
                      local(bn->local_parameters(), "weight"), local(bn->local_parameters(), "bias"),
                      bn->options.eps()};
  if (!norm.running_mean.defined() || !norm.running_var.defined()) return std::nullopt;
  for (const Tensor* t : {&norm.running_mean, &norm.running_var, &norm.weight, &norm.bias})
    if (!usable(*t, dtype)) return std::nullopt;
  return norm;
}

bool plain_relu_child(const Module& parent, const char* name) {
  const Module* relu = child_or_null(parent, name);
  return relu && is_plain_relu(*relu);
}

// The registered child `name` as an evaluation-mode built-in Conv2d without hooks or mask.
Conv2dImpl* plain_conv(const Module& parent, const char* name, DType dtype) {
  auto* conv = dynamic_cast<Conv2dImpl*>(child_or_null(parent, name));
  if (!conv || typeid(*conv) != typeid(Conv2dImpl) || conv->has_hooks() || conv->is_training()) return nullptr;
  if (conv->connection_mask.defined() || !conv->weight.defined() || conv->weight.dim() != 4) return nullptr;
  if (!usable(conv->weight, dtype) || !usable(conv->bias, dtype)) return nullptr;
  return conv;
}

struct LayerChain {
  ChainBatchNorm norm;
  std::vector<ChainConv> convs;
};

// A dense layer's chain: norm1 -> relu1 -> conv1 [-> norm2 (folded) -> relu2 -> conv2].
std::optional<LayerChain> layer_chain(Module& layer, DType dtype) {
  if (typeid(layer) != typeid(DenseLayerImpl) || layer.has_hooks() || layer.is_training()) return std::nullopt;
  auto norm = chain_norm(layer, "norm1", dtype);
  Conv2dImpl* conv1 = plain_conv(layer, "conv1", dtype);
  if (!norm || !plain_relu_child(layer, "relu1") || !conv1) return std::nullopt;
  LayerChain chain{*norm, {}};
  if (!layer.local_children().contains("conv2")) {
    chain.convs.push_back({conv1->weight.detach(), conv1->bias.defined() ? conv1->bias.detach() : Tensor(),
                           conv1->functional_options(), false});
    return chain;
  }
  auto* norm2 = dynamic_cast<BatchNormImpl*>(child_or_null(layer, "norm2"));
  Conv2dImpl* conv2 = plain_conv(layer, "conv2", dtype);
  if (!norm2 || !conv2 || !plain_relu_child(layer, "relu2")) return std::nullopt;
  auto folded = folded_conv_bn_parameters(*conv1, *norm2, dtype);
  if (!folded) return std::nullopt;
  chain.convs.push_back({folded->first, folded->second, conv1->functional_options(), true});
  chain.convs.push_back({conv2->weight.detach(), conv2->bias.defined() ? conv2->bias.detach() : Tensor(),
                         conv2->functional_options(), false});
  return chain;
}

}  // namespace

std::optional<Tensor> dense_block_inference(DenseBlockImpl& block, const std::vector<std::shared_ptr<Module>>& layers,
                                            const Tensor& input) {
  if (!chain_input(input) || block.is_training()) return std::nullopt;
  const DType dtype = input.dtype();
  std::vector<LayerChain> chains;
  int64_t channels = block.in_channels;
  for (const auto& layer : layers) {
    auto chain = layer ? layer_chain(*layer, dtype) : std::nullopt;
    if (!chain) return std::nullopt;
    const Tensor& last = chain->convs.back().weight;
    // A layer changed after construction (another width, a strided conv): the modules run instead.
    if (chain->convs.front().weight.size(1) * chain->convs.front().options.groups() != channels) return std::nullopt;
    channels += last.size(0);
    chains.push_back(std::move(*chain));
  }
  if (channels != block.out_channels) return std::nullopt;
  Tensor buffer = empty({input.size(0), block.out_channels, input.size(2), input.size(3)}, TensorOptions(dtype));
  write_channels(buffer, input, 0);
  int64_t filled = block.in_channels;
  for (size_t i = 0; i < chains.size(); ++i) {
    check_interrupt();
    const int64_t growth = chains[i].convs.back().weight.size(0);
    const Tensor view = buffer.narrow(1, 0, filled);
    const Tensor slot = buffer.narrow(1, filled, growth);
    std::optional<CallScope> scope;
    if (calls_watched()) scope.emplace(*layers[i], view);
    batch_norm_relu_conv_chain_out(view, chains[i].norm, false, chains[i].convs, slot);
    if (scope) scope->finish(slot);
    filled += growth;
  }
  return buffer;
}

std::optional<Tensor> transition_inference(TransitionImpl& transition, const Tensor& input) {
  if (!chain_input(input) || transition.is_training() || transition.size() != 4) return std::nullopt;
  const DType dtype = input.dtype();
  auto norm = chain_norm(transition, "norm", dtype);
  Conv2dImpl* conv = plain_conv(transition, "conv", dtype);
  auto* pool = dynamic_cast<AvgPool2dImpl*>(child_or_null(transition, "pool"));
  if (!norm || !conv || !pool || !plain_relu_child(transition, "relu")) return std::nullopt;
  if (typeid(*pool) != typeid(AvgPool2dImpl) || pool->has_hooks()) return std::nullopt;
  const Pool2dOptions& o = pool->options;
  const bool two_by_two = o.kernel_size() == IntPair{2, 2} && o.stride() == IntPair{2, 2} &&
                          o.padding() == IntPair{0, 0} && !o.ceil_mode() && !o.divisor_override();
  const Tensor& w = conv->weight;
  const auto padding = conv2d_resolve_padding(w.sizes(), conv->functional_options());
  const bool pointwise = w.size(2) == 1 && w.size(3) == 1 && conv->functional_options().stride() == IntPair{1, 1} &&
                         padding == std::array<int64_t, 4>{0, 0, 0, 0};
  if (!two_by_two || !pointwise || input.size(1) != norm->running_mean.size(0)) return std::nullopt;
  if (w.size(1) * conv->functional_options().groups() != input.size(1)) return std::nullopt;
  if (input.size(2) < 2 || input.size(3) < 2) return std::nullopt;  // the modules report the error
  return batch_norm_relu_conv_chain(
      input, *norm, true,
      {{w.detach(), conv->bias.defined() ? conv->bias.detach() : Tensor(), conv->functional_options(), false}});
}

}  // namespace striate::nn::detail
