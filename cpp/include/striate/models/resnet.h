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

/// What the ImageNet ResNet builder varies: the unit, the blocks per stage, ResNeXt's groups and
/// width per group, and SE's reduction (0: none).
struct ResNetConfig {
  /// The unit: "basic" or "bottleneck" (default).
  std::string block = "bottleneck";  // "basic" or "bottleneck"
  /// Units per stage (4 stages).
  std::vector<int64_t> layers;
  /// ResNeXt's groups of the 3x3 conv (default 1).
  int64_t groups = 1;
  /// ResNeXt's width per group (default 64).
  int64_t width_per_group = 64;
  /// SE's reduction, 0 (default) for none.
  int64_t se_reduction = 0;
};

/// torchvision's ResNet: conv1 7x7/2, bn1, relu, maxpool 3x3/2, layer1..layer4, avgpool, fc.
/// Input (N, in_channels, H, W), output (N, num_classes).
class ResNetImpl : public nn::Module {
 public:
  /// @param config the unit and stage sizes.
  /// @param num_classes the classifier's outputs (default 1000).
  /// @param in_channels the input's channels (default 3).
  /// @throws ValueError for an unknown block or a stage list that is not of 4 positive sizes.
  ResNetImpl(const ResNetConfig& config, int64_t num_classes = 1000, int64_t in_channels = 3);
  Tensor forward(const Tensor& input) override;
  /// The configuration.
  ResNetConfig config;
  /// The input's channels.
  int64_t in_channels;
};
/// The holder of ResNetImpl.
STRIATE_MODULE(ResNet);

/// CIFAR ResNet (He et al. 2016, section 4.2): conv1 3x3 16, bn1, relu, layer1..layer3 of
/// BasicBlocks with 16, 32, 64 channels (option-A shortcuts), avgpool, fc; depth = 6n + 2.
/// Input (N, in_channels, 32, 32), output (N, num_classes).
class CifarResNetImpl : public nn::Module {
 public:
  /// @param depth 6n + 2 (20, 32, 44, 56, 110, ...).
  /// @param num_classes the classifier's outputs (default 10).
  /// @param in_channels the input's channels (default 3).
  /// @throws ValueError when depth is not 6n + 2.
  CifarResNetImpl(int64_t depth, int64_t num_classes = 10, int64_t in_channels = 3);
  Tensor forward(const Tensor& input) override;
  ///@{
  /// The depth and the input's channels.
  int64_t depth, in_channels;
  ///@}
};
/// The holder of CifarResNetImpl.
STRIATE_MODULE(CifarResNet);

/// Pre-activation ResNet for 32x32 inputs: conv1 3x3 64, layer1..layer4 of PreActBlocks,
/// the final bn + relu the pre-activation design needs, avgpool, fc.
/// Input (N, in_channels, 32, 32), output (N, num_classes).
class PreActResNetImpl : public nn::Module {
 public:
  /// @param layers blocks per stage (4 positive sizes).
  /// @param num_classes the classifier's outputs (default 10).
  /// @param in_channels the input's channels (default 3).
  /// @throws ValueError for a bad stage list.
  PreActResNetImpl(const std::vector<int64_t>& layers, int64_t num_classes = 10, int64_t in_channels = 3);
  Tensor forward(const Tensor& input) override;
  /// The input's channels.
  int64_t in_channels;
};
/// The holder of PreActResNetImpl.
STRIATE_MODULE(PreActResNet);

/// Wide ResNet WRN-depth-k: conv1 3x3 16, three stages of (depth - 4) / 6 WideBlocks with 16k, 32k,
/// 64k channels, bn1, relu, avgpool, fc.
/// Input (N, in_channels, 32, 32), output (N, num_classes).
class WideResNetImpl : public nn::Module {
 public:
  /// @param depth 6n + 4 (16, 28, 40, ...).
  /// @param widen_factor k, the width multiplier (> 0).
  /// @param dropout the dropout inside each block (default 0).
  /// @param num_classes the classifier's outputs (default 10).
  /// @param in_channels the input's channels (default 3).
  /// @throws ValueError when depth is not 6n + 4 or widen_factor <= 0.
  WideResNetImpl(int64_t depth, int64_t widen_factor, double dropout = 0.0, int64_t num_classes = 10,
                 int64_t in_channels = 3);
  Tensor forward(const Tensor& input) override;
  ///@{
  /// The constructor's sizes.
  int64_t depth, widen_factor, in_channels;
  ///@}
};
/// The holder of WideResNetImpl.
STRIATE_MODULE(WideResNet);

/// torchvision's ResNet-18 (basic units 2, 2, 2, 2).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
ResNet resnet18(int64_t num_classes = 1000, int64_t in_channels = 3);
/// torchvision's ResNet-34 (basic units 3, 4, 6, 3).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
ResNet resnet34(int64_t num_classes = 1000, int64_t in_channels = 3);
/// torchvision's ResNet-50 (bottlenecks 3, 4, 6, 3).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
ResNet resnet50(int64_t num_classes = 1000, int64_t in_channels = 3);
/// torchvision's ResNet-101 (bottlenecks 3, 4, 23, 3).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
ResNet resnet101(int64_t num_classes = 1000, int64_t in_channels = 3);
/// torchvision's ResNet-152 (bottlenecks 3, 8, 36, 3).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
ResNet resnet152(int64_t num_classes = 1000, int64_t in_channels = 3);
/// torchvision's ResNeXt-50 32x4d.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
ResNet resnext50_32x4d(int64_t num_classes = 1000, int64_t in_channels = 3);
/// torchvision's SE-ResNet-50 (reduction 16).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
ResNet se_resnet50(int64_t num_classes = 1000, int64_t in_channels = 3);
/// The CIFAR ResNet-20.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
CifarResNet resnet20(int64_t num_classes = 10, int64_t in_channels = 3);
/// The CIFAR ResNet-32.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
CifarResNet resnet32(int64_t num_classes = 10, int64_t in_channels = 3);
/// The CIFAR ResNet-44.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
CifarResNet resnet44(int64_t num_classes = 10, int64_t in_channels = 3);
/// The CIFAR ResNet-56.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
CifarResNet resnet56(int64_t num_classes = 10, int64_t in_channels = 3);
/// The CIFAR ResNet-110.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
CifarResNet resnet110(int64_t num_classes = 10, int64_t in_channels = 3);
/// The pre-activation ResNet-18 for 32x32 inputs.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
PreActResNet preact_resnet18(int64_t num_classes = 10, int64_t in_channels = 3);
/// WRN-depth-k.
/// @param depth 6n + 4.
/// @param widen_factor k.
/// @param dropout the dropout inside each block (default 0).
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
/// @throws ValueError when depth is not 6n + 4.
WideResNet wide_resnet(int64_t depth, int64_t widen_factor, double dropout = 0.0, int64_t num_classes = 10,
                       int64_t in_channels = 3);
/// WRN-28-10.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @param dropout the dropout inside each block (default 0).
/// @return the model.
WideResNet wide_resnet28_10(int64_t num_classes = 10, int64_t in_channels = 3, double dropout = 0.0);

}  // namespace striate::models
