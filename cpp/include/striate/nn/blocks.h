// Merge blocks: the generic Residual / Concat / Parallel combinators and the ResNets'
// residual units (BasicBlock, Bottleneck incl. ResNeXt's grouped one, PreActBlock, WideBlock).
// Child names follow torchvision so that state dicts line up.
//   striate::nn::BasicBlock block(64, 128, /*stride=*/2);   // projection shortcut "downsample"
//   striate::nn::Residual unit(body, /*shortcut=*/nullptr, /*post=*/std::make_shared<ReLUImpl>());
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "striate/nn/activation.h"
#include "striate/nn/containers.h"
#include "striate/nn/conv.h"
#include "striate/nn/dropout.h"
#include "striate/nn/module.h"
#include "striate/nn/normalization.h"

namespace striate::nn {

// ---- generic combinators ----------------------------------------------------------------------

// y = post(drop_path(body(x)) + shortcut(x)); an absent shortcut is the identity, an absent post
// is skipped. drop_path is stochastic depth on the body (per sample, training only).
class ResidualImpl : public Module {
 public:
  ResidualImpl(std::shared_ptr<Module> body, std::shared_ptr<Module> shortcut = nullptr,
               std::shared_ptr<Module> post = nullptr, double drop_path = 0.0);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double drop_path;

 private:
  std::optional<Tensor> fused_tail(Module& body, Module* shortcut, Module* post, const Tensor& input);
};
STRIATE_MODULE(Residual);

// Runs every branch on the same input and concatenates the outputs along `dim`.
class ConcatImpl : public Module {
 public:
  explicit ConcatImpl(const std::vector<std::shared_ptr<Module>>& branches, int64_t dim = 1);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t dim;
};
STRIATE_MODULE(Concat);

// Runs every branch on the same input and merges the outputs: "cat" along channels or "sum".
class ParallelImpl : public Module {
 public:
  explicit ParallelImpl(const std::vector<std::shared_ptr<Module>>& branches, std::string merge = "cat");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  std::string merge;
};
STRIATE_MODULE(Parallel);

// He et al. 2016's option A shortcut for the CIFAR ResNets: keep every stride-th pixel and pad the
// new channels with zeros, so the shortcut has no parameters.
class ZeroPadShortcutImpl : public Module {
 public:
  ZeroPadShortcutImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t in_channels, out_channels, stride;
};
STRIATE_MODULE(ZeroPadShortcut);

// ---- residual units ---------------------------------------------------------------------------

// conv3x3(stride)-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU (torchvision's BasicBlock).
// When the shape changes the shortcut "downsample" is a 1x1 conv + BN (shortcut "B") or the
// parameter-free ZeroPadShortcut (shortcut "A").
class BasicBlockImpl : public Module {
 public:
  static constexpr int64_t expansion = 1;
  BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1, const std::string& shortcut = "B");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t in_channels, out_channels, stride;
  Conv2d conv1{nullptr}, conv2{nullptr};
  BatchNorm2d bn1{nullptr}, bn2{nullptr};
  std::shared_ptr<Module> downsample;  // null for the identity
};
STRIATE_MODULE(BasicBlock);

// torchvision's Bottleneck (ResNet v1.5: the stride sits on the 3x3): 1x1 to width, grouped 3x3,
// 1x1 to planes * 4, each followed by BN. width = planes * base_width / 64 * groups, so groups=32,
// base_width=4 is ResNeXt's grouped bottleneck. se_reduction > 0 inserts a SqueezeExcite "se"
// after bn3, before the addition (SE-ResNet).
class BottleneckImpl : public Module {
 public:
  static constexpr int64_t expansion = 4;
  BottleneckImpl(int64_t in_channels, int64_t planes, int64_t stride = 1, int64_t groups = 1, int64_t base_width = 64,
                 int64_t se_reduction = 0);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t in_channels, planes, stride, groups, base_width;
  Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  std::shared_ptr<Module> se;          // null without squeeze-excitation
  std::shared_ptr<Module> downsample;  // null for the identity
};
STRIATE_MODULE(Bottleneck);

// He et al.'s pre-activation unit: BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 plus the shortcut,
// with no activation after the addition. A shape change uses a 1x1 conv "shortcut" on the
// pre-activated input.
class PreActBlockImpl : public Module {
 public:
  PreActBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t in_channels, out_channels, stride;
  BatchNorm2d bn1{nullptr}, bn2{nullptr};
  Conv2d conv1{nullptr}, conv2{nullptr};
  Conv2d shortcut{nullptr};  // empty for the identity
};
STRIATE_MODULE(PreActBlock);

// Zagoruyko & Komodakis' wide unit: the pre-activation unit with dropout between the two convs.
class WideBlockImpl : public Module {
 public:
  WideBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1, double dropout = 0.0);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t in_channels, out_channels, stride;
  double dropout;
  BatchNorm2d bn1{nullptr}, bn2{nullptr};
  Conv2d conv1{nullptr}, conv2{nullptr};
  Dropout drop{nullptr};
  Conv2d shortcut{nullptr};  // empty for the identity
};
STRIATE_MODULE(WideBlock);

}  // namespace striate::nn
