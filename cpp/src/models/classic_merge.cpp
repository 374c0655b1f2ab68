// The classic models built from merge blocks: SqueezeNet (Fire), GoogLeNet (Inception, with its
// auxiliary heads and loss), DenseNet (DenseBlock, Transition) and FractalNet (FractalBlock).
#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "striate/core/error.h"
#include "striate/core/random.h"
#include "striate/models/classic.h"
#include "striate/nn/dropout.h"
#include "striate/nn/init.h"
#include "striate/nn/normalization.h"
#include "striate/nn/pooling.h"
#include "striate/nn/shape.h"
#include "striate/ops/activation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/loss.h"
#include "striate/ops/pooling.h"

namespace striate::models {

using namespace striate::nn;

namespace {

void check_sizes(int64_t num_classes, int64_t in_channels, const char* model) {
  STRIATE_CHECK(num_classes > 0, model, ": expected num_classes to be positive, got ", num_classes);
  STRIATE_CHECK(in_channels > 0, model, ": expected in_channels to be positive, got ", in_channels);
}

Conv2d conv(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride = 1, int64_t padding = 0,
            bool bias = true) {
  return Conv2d(nn::Conv2dOptions(in_channels, out_channels, kernel).stride(stride).padding(padding).bias(bias));
}

MaxPool2d max_pool(int64_t kernel, int64_t stride, int64_t padding = 0, bool ceil_mode = false) {
  return MaxPool2d(
      Pool2dOptions(kernel).stride(IntPair{stride, stride}).padding(IntPair{padding, padding}).ceil_mode(ceil_mode));
}

// Calls fn on `module` and every module below it; unlike Module::modules() this works inside a
// constructor, before a shared_ptr owns the module.
void for_each_module(Module& module, const std::function<void(Module&)>& fn) {
  fn(module);
  for (const auto& child : module.local_children()) for_each_module(*child.value, fn);
}

void init_batch_norms(Module& model) {
  for_each_module(model, [](Module& module) {
    if (auto* layer = dynamic_cast<BatchNormImpl*>(&module)) {
      Tensor weight = layer->local_parameters()["weight"], bias = layer->local_parameters()["bias"];
      init::ones_(weight);
      init::zeros_(bias);
    }
  });
}

}  // namespace

// ---- SqueezeNet -------------------------------------------------------------------------------

namespace {

// torchvision's init: the final conv N(0, 0.01), the others kaiming_uniform_, biases zero.
std::shared_ptr<Module> squeezenet(Sequential features, int64_t num_classes) {
  Conv2d final_conv = conv(512, num_classes, 1);
  for (const auto& module : features->modules()) {
    if (auto* layer = dynamic_cast<Conv2dImpl*>(module.get())) {
      init::kaiming_uniform_(layer->weight);
      init::zeros_(layer->bias);
    }
  }
  init::normal_(final_conv->weight, 0.0, 0.01);
  init::zeros_(final_conv->bias);
  Sequential classifier(Dropout(0.5), final_conv, ReLU(), AdaptiveAvgPool2d(IntPair{1, 1}));
  ClassicNetLayout layout;
  layout.flatten_last = true;
  return ClassicNet("SqueezeNet", features.ptr(), nullptr, classifier.ptr(), layout).ptr();
}

}  // namespace

std::shared_ptr<Module> squeezenet1_0(int64_t num_classes, int64_t in_channels) {
  check_sizes(num_classes, in_channels, "squeezenet1_0");
  Sequential features(conv(in_channels, 96, 7, 2), ReLU(), max_pool(3, 2, 0, true), Fire(96, 16, 64, 64),
                      Fire(128, 16, 64, 64), Fire(128, 32, 128, 128), max_pool(3, 2, 0, true), Fire(256, 32, 128, 128),
                      Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256),
                      max_pool(3, 2, 0, true), Fire(512, 64, 256, 256));
  return squeezenet(features, num_classes);
}

std::shared_ptr<Module> squeezenet1_1(int64_t num_classes, int64_t in_channels) {
  check_sizes(num_classes, in_channels, "squeezenet1_1");
  Sequential features(conv(in_channels, 64, 3, 2), ReLU(), max_pool(3, 2, 0, true), Fire(64, 16, 64, 64),
                      Fire(128, 16, 64, 64), max_pool(3, 2, 0, true), Fire(128, 32, 128, 128), Fire(256, 32, 128, 128),
                      max_pool(3, 2, 0, true), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
                      Fire(384, 64, 256, 256), Fire(512, 64, 256, 256));
  return squeezenet(features, num_classes);
}

// ---- GoogLeNet --------------------------------------------------------------------------------

GoogLeNetImpl::GoogLeNetImpl(int64_t num_classes, int64_t in_channels, bool aux_logits, double dropout,
                             double dropout_aux)
    : Module("GoogLeNet"), aux_logits(aux_logits) {
  check_sizes(num_classes, in_channels, "googlenet");
  register_module("conv1", BasicConv2d(in_channels, 64, 7, 2, 3));
  register_module("maxpool1", max_pool(3, 2, 0, true));
  register_module("conv2", BasicConv2d(64, 64, 1));
  register_module("conv3", BasicConv2d(64, 192, 3, 1, 1));
  register_module("maxpool2", max_pool(3, 2, 0, true));
  register_module("inception3a", Inception(192, 64, 96, 128, 16, 32, 32));
  register_module("inception3b", Inception(256, 128, 128, 192, 32, 96, 64));
  register_module("maxpool3", max_pool(3, 2, 0, true));
  register_module("inception4a", Inception(480, 192, 96, 208, 16, 48, 64));
  register_module("inception4b", Inception(512, 160, 112, 224, 24, 64, 64));
  register_module("inception4c", Inception(512, 128, 128, 256, 24, 64, 64));
  register_module("inception4d", Inception(512, 112, 144, 288, 32, 64, 64));
  register_module("inception4e", Inception(528, 256, 160, 320, 32, 128, 128));
  register_module("maxpool4", max_pool(2, 2, 0, true));
  register_module("inception5a", Inception(832, 256, 160, 320, 32, 128, 128));
  register_module("inception5b", Inception(832, 384, 192, 384, 48, 128, 128));
  if (aux_logits) {
    register_module("aux1", InceptionAux(512, num_classes, dropout_aux));
    register_module("aux2", InceptionAux(528, num_classes, dropout_aux));
  }
  register_module("avgpool", AdaptiveAvgPool2d(IntPair{1, 1}));
  register_module("dropout", Dropout(dropout));
  register_module("fc", Linear(1024, num_classes));
  // torchvision: convs and linears from a (±2-truncated) N(0, 0.01) — at std 0.01 the truncation
  // never triggers — and BatchNorm weight 1, bias 0.
  for_each_module(*this, [](Module& module) {
    if (auto* layer = dynamic_cast<Conv2dImpl*>(&module)) init::normal_(layer->weight, 0.0, 0.01);
    if (auto* layer = dynamic_cast<LinearImpl*>(&module)) {
      init::normal_(layer->weight, 0.0, 0.01);
      init::zeros_(layer->bias);
    }
  });
  init_batch_norms(*this);
}

std::tuple<Tensor, Tensor, Tensor> GoogLeNetImpl::forward_with_aux(const Tensor& input) {
  STRIATE_CHECK_SHAPE(input.dim() == 4, "googlenet: expected a 4-d input (N, C, H, W), got ", input.sizes());
  const auto& child = local_children();
  Tensor x = input, aux1, aux2;
  const bool with_aux = aux_logits && is_training();
  for (const char* name :
       {"conv1", "maxpool1", "conv2", "conv3", "maxpool2", "inception3a", "inception3b", "maxpool3", "inception4a"})
    x = child[name]->call(x);
  if (with_aux) aux1 = child["aux1"]->call(x);
  for (const char* name : {"inception4b", "inception4c", "inception4d"}) x = child[name]->call(x);
  if (with_aux) aux2 = child["aux2"]->call(x);
  for (const char* name : {"inception4e", "maxpool4", "inception5a", "inception5b", "avgpool"})
    x = child[name]->call(x);
  x = child["fc"]->call(child["dropout"]->call(x.flatten(1)));
  return {x, aux1, aux2};
}

Tensor GoogLeNetImpl::forward(const Tensor& input) { return std::get<0>(forward_with_aux(input)); }

GoogLeNet googlenet(bool aux_logits, int64_t num_classes, int64_t in_channels) {
  return GoogLeNet(num_classes, in_channels, aux_logits);
}

Tensor googlenet_loss(const Tensor& logits, const Tensor& aux1, const Tensor& aux2, const Tensor& target,
                      double aux_weight) {
  Tensor loss = cross_entropy(logits, target);
  if (aux1.defined()) loss = add(loss, mul(cross_entropy(aux1, target), aux_weight));
  if (aux2.defined()) loss = add(loss, mul(cross_entropy(aux2, target), aux_weight));
  return loss;
}

// ---- DenseNet ---------------------------------------------------------------------------------

namespace {

// torchvision's init: convs kaiming_normal_, BN 1 / 0, the linear's bias 0.
void init_densenet(Module& model) {
  for (const auto& module : model.modules()) {
    if (auto* layer = dynamic_cast<Conv2dImpl*>(module.get())) init::kaiming_normal_(layer->weight);
    if (auto* layer = dynamic_cast<LinearImpl*>(module.get())) init::zeros_(layer->bias);
  }
  init_batch_norms(model);
}

// Dense blocks with transitions (compression 0.5) after all but the last, then norm5; the stem
// is already in `features`.
std::shared_ptr<Module> densenet(Sequential features, int64_t channels, int64_t growth_rate,
                                 const std::vector<int64_t>& block_layers, int64_t num_classes) {
  for (size_t i = 0; i < block_layers.size(); ++i) {
    const std::string index = std::to_string(i + 1);
    features->push_back("denseblock" + index, DenseBlock(block_layers[i], channels, growth_rate));
    channels += block_layers[i] * growth_rate;
    if (i + 1 < block_layers.size()) {
      features->push_back("transition" + index, Transition(channels, channels / 2));
      channels /= 2;
    }
  }
  features->push_back("norm5", BatchNorm2d(BatchNormOptions(channels)));
  ClassicNetLayout layout;
  layout.global_pool = true;
  auto model = ClassicNet("DenseNet", features.ptr(), nullptr, Linear(channels, num_classes).ptr(), layout);
  init_densenet(*model);
  return model.ptr();
}

std::shared_ptr<Module> imagenet_densenet(int64_t growth_rate, const std::vector<int64_t>& block_layers,
                                          int64_t init_channels, int64_t num_classes, int64_t in_channels,
                                          const char* name) {
  check_sizes(num_classes, in_channels, name);
  Sequential features;
  features->push_back("conv0", conv(in_channels, init_channels, 7, 2, 3, false));
  features->push_back("norm0", BatchNorm2d(BatchNormOptions(init_channels)));
  features->push_back("relu0", ReLU());
  features->push_back("pool0", max_pool(3, 2, 1));
  return densenet(features, init_channels, growth_rate, block_layers, num_classes);
}

}  // namespace

std::shared_ptr<Module> densenet121(int64_t num_classes, int64_t in_channels) {
  return imagenet_densenet(32, {6, 12, 24, 16}, 64, num_classes, in_channels, "densenet121");
}
std::shared_ptr<Module> densenet161(int64_t num_classes, int64_t in_channels) {
  return imagenet_densenet(48, {6, 12, 36, 24}, 96, num_classes, in_channels, "densenet161");
}
std::shared_ptr<Module> densenet169(int64_t num_classes, int64_t in_channels) {
  return imagenet_densenet(32, {6, 12, 32, 32}, 64, num_classes, in_channels, "densenet169");
}
std::shared_ptr<Module> densenet201(int64_t num_classes, int64_t in_channels) {
  return imagenet_densenet(32, {6, 12, 48, 32}, 64, num_classes, in_channels, "densenet201");
}

// DenseNet-BC for CIFAR: a 3x3 stem of 2k channels, three bottleneck blocks of (depth - 4) / 6
// layers, transitions halving the channels.
std::shared_ptr<Module> densenet_bc(int64_t depth, int64_t growth_rate, int64_t num_classes, int64_t in_channels) {
  check_sizes(num_classes, in_channels, "densenet_bc");
  STRIATE_CHECK(depth >= 10 && (depth - 4) % 6 == 0, "densenet_bc: expected depth = 6n + 4 with n >= 1, got ", depth);
  STRIATE_CHECK(growth_rate > 0, "densenet_bc: expected growth_rate to be positive, got ", growth_rate);
  const int64_t layers = (depth - 4) / 6;
  Sequential features;
  features->push_back("conv0", conv(in_channels, 2 * growth_rate, 3, 1, 1, false));
  return densenet(features, 2 * growth_rate, growth_rate, {layers, layers, layers}, num_classes);
}

// ---- FractalNet -------------------------------------------------------------------------------

FractalNetImpl::FractalNetImpl(int64_t num_classes, int64_t in_channels, int64_t num_columns, int64_t num_blocks,
                               double local_drop, double global_drop)
    : Module("FractalNet"), num_columns(num_columns), global_drop(global_drop) {
  check_sizes(num_classes, in_channels, "fractalnet");
  STRIATE_CHECK(num_blocks >= 1 && num_blocks <= 5, "fractalnet: expected num_blocks in [1, 5], got ", num_blocks);
  STRIATE_CHECK(global_drop >= 0 && global_drop <= 1, "fractalnet: expected global_drop in [0, 1], got ", global_drop);
  const int64_t widths[] = {64, 128, 256, 512, 512};
  Sequential features;
  int64_t channels = in_channels;
  for (int64_t i = 0; i < num_blocks; ++i) {
    // Global drop-path is drawn here, once for all blocks, so the blocks only drop locally.
    features->push_back(FractalBlock(channels, widths[i], num_columns, local_drop, 0.0));
    features->push_back(max_pool(2, 2));
    channels = widths[i];
  }
  register_module("features", features);
  register_module("avgpool", AdaptiveAvgPool2d(IntPair{1, 1}));
  register_module("classifier", Linear(channels, num_classes));
}

Tensor FractalNetImpl::forward(const Tensor& input) {
  STRIATE_CHECK_SHAPE(input.dim() == 4, "fractalnet: expected a 4-d input (N, C, H, W), got ", input.sizes());
  const auto& child = local_children();
  Tensor x = input;
  if (is_training() && global_drop > 0.0 && default_generator().uniform() < global_drop) {
    auto column = static_cast<int64_t>(default_generator().uniform() * static_cast<double>(num_columns));
    column = std::min(column, num_columns - 1);
    // features runs layer by layer here; the scopes let call observers see it as its usual call.
    CallScope features(*child["features"], x);
    for (const auto& layer : child["features"]->children()) {
      auto* block = dynamic_cast<FractalBlockImpl*>(layer.get());
      if (block) {
        CallScope block_call(*block, x);
        x = block_call.finish(block->forward_column(x, column));
      } else {
        x = layer->call(x);
      }
    }
    features.finish(x);
  } else {
    x = child["features"]->call(x);
  }
  return child["classifier"]->call(child["avgpool"]->call(x).flatten(1));
}

FractalNet fractalnet(int64_t num_classes, int64_t in_channels, int64_t num_columns, int64_t num_blocks,
                      double local_drop, double global_drop) {
  return FractalNet(num_classes, in_channels, num_columns, num_blocks, local_drop, global_drop);
}

}  // namespace striate::models
