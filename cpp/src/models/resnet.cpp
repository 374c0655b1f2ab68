// The ResNets of models/resnet.h, assembled from the blocks of nn/blocks.h, with
// torchvision's initialization (kaiming normal fan_out for convs, BN weight 1 and bias 0).
#include "striate/models/resnet.h"

#include <utility>

#include "striate/nn/conv.h"
#include "striate/nn/fusion.h"
#include "striate/nn/init.h"
#include "striate/nn/normalization.h"
#include "striate/ops/activation.h"

namespace striate::models {
namespace {

using nn::BatchNorm2d;
using nn::BatchNormOptions;
using nn::Conv2d;
using nn::Conv2dOptions;
using nn::Sequential;

void check_head(int64_t num_classes, int64_t in_channels, const char* model) {
  STRIATE_CHECK(num_classes > 0, model, ": expected num_classes > 0, got ", num_classes);
  STRIATE_CHECK(in_channels > 0, model, ": expected in_channels > 0, got ", in_channels);
}

void check_input(const Tensor& input, int64_t in_channels, const char* model) {
  STRIATE_CHECK(input.defined(), model, ": expected a tensor, got None");
  STRIATE_CHECK_SHAPE(input.dim() == 4 && input.size(1) == in_channels, model, ": expected input of shape (N, ",
                      in_channels, ", H, W), got shape ", input.sizes());
}

// torchvision's ResNet init for convs; BatchNorm already starts at weight 1, bias 0 and Linear
// keeps its default, as torchvision does.
void init_resnet_weights(nn::Module& model) {
  model.apply([](nn::Module& module) {
    if (auto* conv = dynamic_cast<nn::Conv2dImpl*>(&module)) {
      nn::init::kaiming_normal_(conv->weight, 0.0, "fan_out", "relu");
    }
  });
}

// Runs the registered child `name` (read from the registry, so a replacement assigned from
// Python takes effect).
Tensor run(const nn::Module& model, const char* name, const Tensor& input) {
  const auto* child = model.local_children().find(name);
  STRIATE_CHECK_STATE(child && *child, model.name(), ": the child module '", name, "' is missing");
  return (*child)->call(input);
}

nn::Module& child(const nn::Module& model, const char* name) {
  const auto* found = model.local_children().find(name);
  STRIATE_CHECK_STATE(found && *found, model.name(), ": the child module '", name, "' is missing");
  return **found;
}

// The stem's relu(bn1(conv1(input))), as one convolution at inference when it can be, else with
// bn1 and relu as one op (nn/fusion.h).
Tensor stem(const nn::Module& model, const Tensor& input) {
  auto* conv = dynamic_cast<nn::Conv2dImpl*>(&child(model, "conv1"));
  auto* bn = dynamic_cast<nn::BatchNormImpl*>(&child(model, "bn1"));
  const bool relu_fuses = nn::is_plain_relu(child(model, "relu"));
  if (conv && bn) {
    if (auto fused = nn::fused_conv_bn(*conv, *bn, relu_fuses, input))
      return relu_fuses ? *fused : run(model, "relu", *fused);
  }
  Tensor y = run(model, "conv1", input);
  if (bn)
    if (auto fused = nn::fused_bn_relu(*bn, &child(model, "relu"), y)) return *fused;
  return run(model, "relu", run(model, "bn1", y));
}

Tensor head(const nn::Module& model, const Tensor& features) {
  return run(model, "fc", run(model, "avgpool", features).flatten(1));
}

}  // namespace

// ---- ImageNet ResNet ----------------------------------------------------------------------------

ResNetImpl::ResNetImpl(const ResNetConfig& config, int64_t num_classes, int64_t in_channels)
    : Module("ResNet"), config(config), in_channels(in_channels) {
  check_head(num_classes, in_channels, "ResNet");
  STRIATE_CHECK(config.block == "basic" || config.block == "bottleneck",
                "ResNet: expected block 'basic' or 'bottleneck', got '", config.block, "'");
  STRIATE_CHECK(config.layers.size() == 4, "ResNet: expected 4 stage sizes, got ", config.layers.size());
  register_module("conv1", Conv2d(Conv2dOptions(in_channels, 64, 7).stride(2).padding(3).bias(false)));
  register_module("bn1", BatchNorm2d(BatchNormOptions(64)));
  register_module("relu", nn::ReLU());
  register_module("maxpool", nn::MaxPool2d(nn::MaxPool2dOptions(3).stride({2, 2}).padding({1, 1})));
  bool basic = config.block == "basic";
  int64_t expansion = basic ? nn::BasicBlockImpl::expansion : nn::BottleneckImpl::expansion;
  int64_t channels = 64;
  for (int64_t stage = 0; stage < 4; ++stage) {
    int64_t planes = int64_t{64} << stage;
    Sequential blocks;
    for (int64_t i = 0; i < config.layers[stage]; ++i) {
      int64_t stride = (stage > 0 && i == 0) ? 2 : 1;
      if (basic) {
        blocks->push_back(nn::BasicBlock(channels, planes, stride));
      } else {
        blocks->push_back(
            nn::Bottleneck(channels, planes, stride, config.groups, config.width_per_group, config.se_reduction));
      }
      channels = planes * expansion;
    }
    register_module("layer" + std::to_string(stage + 1), blocks);
  }
  register_module("avgpool", nn::AdaptiveAvgPool2d(IntPair{1, 1}));
  register_module("fc", nn::Linear(channels, num_classes));
  init_resnet_weights(*this);
}

Tensor ResNetImpl::forward(const Tensor& input) {
  check_input(input, in_channels, "ResNet");
  Tensor x = run(*this, "maxpool", stem(*this, input));
  for (const char* stage : {"layer1", "layer2", "layer3", "layer4"}) x = run(*this, stage, x);
  return head(*this, x);
}

// ---- CIFAR ResNet -------------------------------------------------------------------------------

CifarResNetImpl::CifarResNetImpl(int64_t depth, int64_t num_classes, int64_t in_channels)
    : Module("CifarResNet"), depth(depth), in_channels(in_channels) {
  check_head(num_classes, in_channels, "CifarResNet");
  STRIATE_CHECK(depth >= 8 && (depth - 2) % 6 == 0, "CifarResNet: expected depth = 6n + 2 with n >= 1, got ", depth);
  int64_t blocks_per_stage = (depth - 2) / 6;
  register_module("conv1", Conv2d(Conv2dOptions(in_channels, 16, 3).padding(1).bias(false)));
  register_module("bn1", BatchNorm2d(BatchNormOptions(16)));
  register_module("relu", nn::ReLU());
  int64_t channels = 16;
  for (int64_t stage = 0; stage < 3; ++stage) {
    int64_t width = int64_t{16} << stage;
    Sequential blocks;
    for (int64_t i = 0; i < blocks_per_stage; ++i) {
      blocks->push_back(nn::BasicBlock(channels, width, (stage > 0 && i == 0) ? 2 : 1, "A"));
      channels = width;
    }
    register_module("layer" + std::to_string(stage + 1), blocks);
  }
  register_module("avgpool", nn::AdaptiveAvgPool2d(IntPair{1, 1}));
  register_module("fc", nn::Linear(channels, num_classes));
  init_resnet_weights(*this);
}

Tensor CifarResNetImpl::forward(const Tensor& input) {
  check_input(input, in_channels, "CifarResNet");
  Tensor x = stem(*this, input);
  for (const char* stage : {"layer1", "layer2", "layer3"}) x = run(*this, stage, x);
  return head(*this, x);
}

// ---- pre-activation ResNet ----------------------------------------------------------------------

PreActResNetImpl::PreActResNetImpl(const std::vector<int64_t>& layers, int64_t num_classes, int64_t in_channels)
    : Module("PreActResNet"), in_channels(in_channels) {
  check_head(num_classes, in_channels, "PreActResNet");
  STRIATE_CHECK(layers.size() == 4, "PreActResNet: expected 4 stage sizes, got ", layers.size());
  register_module("conv1", Conv2d(Conv2dOptions(in_channels, 64, 3).padding(1).bias(false)));
  int64_t channels = 64;
  for (int64_t stage = 0; stage < 4; ++stage) {
    int64_t width = int64_t{64} << stage;
    Sequential blocks;
    for (int64_t i = 0; i < layers[stage]; ++i) {
      blocks->push_back(nn::PreActBlock(channels, width, (stage > 0 && i == 0) ? 2 : 1));
      channels = width;
    }
    register_module("layer" + std::to_string(stage + 1), blocks);
  }
  register_module("bn1", BatchNorm2d(BatchNormOptions(channels)));
  register_module("relu", nn::ReLU());
  register_module("avgpool", nn::AdaptiveAvgPool2d(IntPair{1, 1}));
  register_module("fc", nn::Linear(channels, num_classes));
  init_resnet_weights(*this);
}

Tensor PreActResNetImpl::forward(const Tensor& input) {
  check_input(input, in_channels, "PreActResNet");
  Tensor x = run(*this, "conv1", input);
  for (const char* stage : {"layer1", "layer2", "layer3", "layer4"}) x = run(*this, stage, x);
  return head(*this, run(*this, "relu", run(*this, "bn1", x)));
}

// ---- wide ResNet ---------------------------------------------------------------------------------

WideResNetImpl::WideResNetImpl(int64_t depth, int64_t widen_factor, double dropout, int64_t num_classes,
                               int64_t in_channels)
    : Module("WideResNet"), depth(depth), widen_factor(widen_factor), in_channels(in_channels) {
  check_head(num_classes, in_channels, "WideResNet");
  STRIATE_CHECK(depth >= 10 && (depth - 4) % 6 == 0, "WideResNet: expected depth = 6n + 4 with n >= 1, got ", depth);
  STRIATE_CHECK(widen_factor > 0, "WideResNet: expected widen_factor > 0, got ", widen_factor);
  int64_t blocks_per_stage = (depth - 4) / 6;
  register_module("conv1", Conv2d(Conv2dOptions(in_channels, 16, 3).padding(1).bias(false)));
  int64_t channels = 16;
  for (int64_t stage = 0; stage < 3; ++stage) {
    int64_t width = (int64_t{16} << stage) * widen_factor;
    Sequential blocks;
    for (int64_t i = 0; i < blocks_per_stage; ++i) {
      blocks->push_back(nn::WideBlock(channels, width, (stage > 0 && i == 0) ? 2 : 1, dropout));
      channels = width;
    }
    register_module("layer" + std::to_string(stage + 1), blocks);
  }
  register_module("bn1", BatchNorm2d(BatchNormOptions(channels)));
  register_module("relu", nn::ReLU());
  register_module("avgpool", nn::AdaptiveAvgPool2d(IntPair{1, 1}));
  register_module("fc", nn::Linear(channels, num_classes));
  init_resnet_weights(*this);
}

Tensor WideResNetImpl::forward(const Tensor& input) {
  check_input(input, in_channels, "WideResNet");
  Tensor x = run(*this, "conv1", input);
  for (const char* stage : {"layer1", "layer2", "layer3"}) x = run(*this, stage, x);
  return head(*this, run(*this, "relu", run(*this, "bn1", x)));
}

// ---- constructors ---------------------------------------------------------------------------------

namespace {
ResNet make_resnet(const char* block, std::vector<int64_t> layers, int64_t num_classes, int64_t in_channels,
                   int64_t groups = 1, int64_t width_per_group = 64, int64_t se_reduction = 0) {
  ResNetConfig config;
  config.block = block;
  config.layers = std::move(layers);
  config.groups = groups;
  config.width_per_group = width_per_group;
  config.se_reduction = se_reduction;
  return ResNet(config, num_classes, in_channels);
}
}  // namespace

ResNet resnet18(int64_t num_classes, int64_t in_channels) {
  return make_resnet("basic", {2, 2, 2, 2}, num_classes, in_channels);
}
ResNet resnet34(int64_t num_classes, int64_t in_channels) {
  return make_resnet("basic", {3, 4, 6, 3}, num_classes, in_channels);
}
ResNet resnet50(int64_t num_classes, int64_t in_channels) {
  return make_resnet("bottleneck", {3, 4, 6, 3}, num_classes, in_channels);
}
ResNet resnet101(int64_t num_classes, int64_t in_channels) {
  return make_resnet("bottleneck", {3, 4, 23, 3}, num_classes, in_channels);
}
ResNet resnet152(int64_t num_classes, int64_t in_channels) {
  return make_resnet("bottleneck", {3, 8, 36, 3}, num_classes, in_channels);
}
ResNet resnext50_32x4d(int64_t num_classes, int64_t in_channels) {
  return make_resnet("bottleneck", {3, 4, 6, 3}, num_classes, in_channels, 32, 4);
}
ResNet se_resnet50(int64_t num_classes, int64_t in_channels) {
  return make_resnet("bottleneck", {3, 4, 6, 3}, num_classes, in_channels, 1, 64, 16);
}
CifarResNet resnet20(int64_t num_classes, int64_t in_channels) { return CifarResNet(20, num_classes, in_channels); }
CifarResNet resnet32(int64_t num_classes, int64_t in_channels) { return CifarResNet(32, num_classes, in_channels); }
CifarResNet resnet44(int64_t num_classes, int64_t in_channels) { return CifarResNet(44, num_classes, in_channels); }
CifarResNet resnet56(int64_t num_classes, int64_t in_channels) { return CifarResNet(56, num_classes, in_channels); }
CifarResNet resnet110(int64_t num_classes, int64_t in_channels) { return CifarResNet(110, num_classes, in_channels); }
PreActResNet preact_resnet18(int64_t num_classes, int64_t in_channels) {
  return PreActResNet(std::vector<int64_t>{2, 2, 2, 2}, num_classes, in_channels);
}
WideResNet wide_resnet(int64_t depth, int64_t widen_factor, double dropout, int64_t num_classes, int64_t in_channels) {
  return WideResNet(depth, widen_factor, dropout, num_classes, in_channels);
}
WideResNet wide_resnet28_10(int64_t num_classes, int64_t in_channels, double dropout) {
  return WideResNet(28, 10, dropout, num_classes, in_channels);
}

}  // namespace striate::models
