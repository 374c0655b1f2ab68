// The ResNets of the model zoo: torchvision's ImageNet ResNets (and ResNeXt, SE-ResNet), the
// CIFAR ResNets of He et al. 2016 with option-A shortcuts, the pre-activation ResNet-18 and the
// wide ResNets. Child names are torchvision's, so state dicts line up.
//   auto model = striate::models::resnet18(/*num_classes=*/1000, /*in_channels=*/3);
//   auto logits = model->forward(images);  // (N, 3, 224, 224) -> (N, 1000)
#pragma once
#include <string>
#include <vector>

#include "striate/nn/blocks.h"
#include "striate/nn/pooling.h"
#include "striate/nn/shape.h"

namespace striate::models {

// What the ImageNet ResNet builder varies: the unit, the blocks per stage, ResNeXt's groups and
// width per group, and SE's reduction (0: none).
struct ResNetConfig {
  std::string block = "bottleneck";  // "basic" or "bottleneck"
  std::vector<int64_t> layers;
  int64_t groups = 1;
  int64_t width_per_group = 64;
  int64_t se_reduction = 0;
};

// torchvision's ResNet: conv1 7x7/2, bn1, relu, maxpool 3x3/2, layer1..layer4, avgpool, fc.
class ResNetImpl : public nn::Module {
 public:
  ResNetImpl(const ResNetConfig& config, int64_t num_classes = 1000, int64_t in_channels = 3);
  Tensor forward(const Tensor& input) override;
  ResNetConfig config;
  int64_t in_channels;
};
STRIATE_MODULE(ResNet);

// CIFAR ResNet (He et al. 2016, section 4.2): conv1 3x3 16, bn1, relu, layer1..layer3 of
// BasicBlocks with 16, 32, 64 channels (option-A shortcuts), avgpool, fc; depth = 6n + 2.
class CifarResNetImpl : public nn::Module {
 public:
  CifarResNetImpl(int64_t depth, int64_t num_classes = 10, int64_t in_channels = 3);
  Tensor forward(const Tensor& input) override;
  int64_t depth, in_channels;
};
STRIATE_MODULE(CifarResNet);

// Pre-activation ResNet for 32x32 inputs: conv1 3x3 64, layer1..layer4 of PreActBlocks,
// the final bn + relu the pre-activation design needs, avgpool, fc.
class PreActResNetImpl : public nn::Module {
 public:
  PreActResNetImpl(const std::vector<int64_t>& layers, int64_t num_classes = 10, int64_t in_channels = 3);
  Tensor forward(const Tensor& input) override;
  int64_t in_channels;
};
STRIATE_MODULE(PreActResNet);

// Wide ResNet WRN-depth-k: conv1 3x3 16, three stages of (depth - 4) / 6 WideBlocks with 16k, 32k,
// 64k channels, bn1, relu, avgpool, fc.
class WideResNetImpl : public nn::Module {
 public:
  WideResNetImpl(int64_t depth, int64_t widen_factor, double dropout = 0.0, int64_t num_classes = 10,
                 int64_t in_channels = 3);
  Tensor forward(const Tensor& input) override;
  int64_t depth, widen_factor, in_channels;
};
STRIATE_MODULE(WideResNet);

ResNet resnet18(int64_t num_classes = 1000, int64_t in_channels = 3);
ResNet resnet34(int64_t num_classes = 1000, int64_t in_channels = 3);
ResNet resnet50(int64_t num_classes = 1000, int64_t in_channels = 3);
ResNet resnet101(int64_t num_classes = 1000, int64_t in_channels = 3);
ResNet resnet152(int64_t num_classes = 1000, int64_t in_channels = 3);
ResNet resnext50_32x4d(int64_t num_classes = 1000, int64_t in_channels = 3);
ResNet se_resnet50(int64_t num_classes = 1000, int64_t in_channels = 3);
CifarResNet resnet20(int64_t num_classes = 10, int64_t in_channels = 3);
CifarResNet resnet32(int64_t num_classes = 10, int64_t in_channels = 3);
CifarResNet resnet44(int64_t num_classes = 10, int64_t in_channels = 3);
CifarResNet resnet56(int64_t num_classes = 10, int64_t in_channels = 3);
CifarResNet resnet110(int64_t num_classes = 10, int64_t in_channels = 3);
PreActResNet preact_resnet18(int64_t num_classes = 10, int64_t in_channels = 3);
WideResNet wide_resnet(int64_t depth, int64_t widen_factor, double dropout = 0.0, int64_t num_classes = 10,
                       int64_t in_channels = 3);
WideResNet wide_resnet28_10(int64_t num_classes = 10, int64_t in_channels = 3, double dropout = 0.0);

}  // namespace striate::models
