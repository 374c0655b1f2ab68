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

/// y = post(drop_path(body(x)) + shortcut(x)); an absent shortcut is the identity, an absent post
/// is skipped. drop_path is stochastic depth on the body (per sample, training only).
class ResidualImpl : public Module {
 public:
  /// @param body the residual branch.
  /// @param shortcut the shortcut branch (default nullptr: the identity).
  /// @param post applied after the addition (default nullptr: none).
  /// @param drop_path the probability of dropping the body per sample in training (default 0).
  /// @throws ValueError when body is null or drop_path is outside [0, 1).
  ResidualImpl(std::shared_ptr<Module> body, std::shared_ptr<Module> shortcut = nullptr,
               std::shared_ptr<Module> post = nullptr, double drop_path = 0.0);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The stochastic-depth probability.
  double drop_path;

 private:
  std::optional<Tensor> fused_tail(Module& body, Module* shortcut, Module* post, const Tensor& input);
};
/// The holder of ResidualImpl.
STRIATE_MODULE(Residual);

/// Runs every branch on the same input and concatenates the outputs along `dim`.
class ConcatImpl : public Module {
 public:
  /// @param branches the branches (at least one), children "0", "1", ...
  /// @param dim the dim along which the outputs are concatenated (default 1: channels).
  /// @throws ValueError when there are no branches.
  explicit ConcatImpl(const std::vector<std::shared_ptr<Module>>& branches, int64_t dim = 1);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The concatenation dim.
  int64_t dim;
};
/// The holder of ConcatImpl.
STRIATE_MODULE(Concat);

/// Runs every branch on the same input and merges the outputs: "cat" along channels or "sum".
class ParallelImpl : public Module {
 public:
  /// @param branches the branches (at least one).
  /// @param merge "cat" (default) or "sum".
  /// @throws ValueError when there are no branches or merge is unknown.
  explicit ParallelImpl(const std::vector<std::shared_ptr<Module>>& branches, std::string merge = "cat");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// "cat" or "sum".
  std::string merge;
};
/// The holder of ParallelImpl.
STRIATE_MODULE(Parallel);

/// He et al. 2016's option A shortcut for the CIFAR ResNets: keep every stride-th pixel and pad the
/// new channels with zeros, so the shortcut has no parameters.
class ZeroPadShortcutImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param out_channels the output's channels (>= in_channels).
  /// @param stride the spatial subsampling (default 1).
  /// @throws ValueError when out_channels < in_channels or stride <= 0.
  ZeroPadShortcutImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The channels in and out and the stride.
  int64_t in_channels, out_channels, stride;
  ///@}
};
/// The holder of ZeroPadShortcutImpl.
STRIATE_MODULE(ZeroPadShortcut);

// ---- residual units ---------------------------------------------------------------------------

/// conv3x3(stride)-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU (torchvision's BasicBlock).
/// When the shape changes the shortcut "downsample" is a 1x1 conv + BN (shortcut "B") or the
/// parameter-free ZeroPadShortcut (shortcut "A").
///
/// Input (N, in_channels, H, W), output (N, out_channels, H / stride, W / stride).
class BasicBlockImpl : public Module {
 public:
  /// Output channels per planes (1).
  static constexpr int64_t expansion = 1;
  /// @param in_channels the input's channels.
  /// @param out_channels the output's channels.
  /// @param stride the first conv's stride (default 1).
  /// @param shortcut "B" (default: 1x1 conv + BN) or "A" (zero padding).
  /// @throws ValueError for a non-positive size or an unknown shortcut.
  BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1, const std::string& shortcut = "B");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The channels in and out and the stride.
  int64_t in_channels, out_channels, stride;
  ///@}
  ///@{
  /// The two 3x3 convolutions.
  Conv2d conv1{nullptr}, conv2{nullptr};
  ///@}
  ///@{
  /// Their batch norms.
  BatchNorm2d bn1{nullptr}, bn2{nullptr};
  ///@}
  /// The projection shortcut; null for the identity.
  std::shared_ptr<Module> downsample;  // null for the identity
};
/// The holder of BasicBlockImpl.
STRIATE_MODULE(BasicBlock);

/// torchvision's Bottleneck (ResNet v1.5: the stride sits on the 3x3): 1x1 to width, grouped 3x3,
/// 1x1 to planes * 4, each followed by BN. width = planes * base_width / 64 * groups, so groups=32,
/// base_width=4 is ResNeXt's grouped bottleneck. se_reduction > 0 inserts a SqueezeExcite "se"
/// after bn3, before the addition (SE-ResNet).
///
/// Input (N, in_channels, H, W), output (N, planes * 4, H / stride, W / stride).
class BottleneckImpl : public Module {
 public:
  /// Output channels per planes (4).
  static constexpr int64_t expansion = 4;
  /// @param in_channels the input's channels.
  /// @param planes the bottleneck's channels (output: planes * 4).
  /// @param stride the 3x3 conv's stride (default 1).
  /// @param groups the 3x3 conv's groups (default 1).
  /// @param base_width the width per group (default 64).
  /// @param se_reduction the SqueezeExcite ratio, 0 (default) for none.
  /// @throws ValueError for a non-positive size.
  BottleneckImpl(int64_t in_channels, int64_t planes, int64_t stride = 1, int64_t groups = 1, int64_t base_width = 64,
                 int64_t se_reduction = 0);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The constructor's arguments.
  int64_t in_channels, planes, stride, groups, base_width;
  ///@}
  ///@{
  /// The 1x1, 3x3 and 1x1 convolutions.
  Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  ///@}
  ///@{
  /// Their batch norms.
  BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  ///@}
  /// The SqueezeExcite unit; null without one.
  std::shared_ptr<Module> se;  // null without squeeze-excitation
  /// The projection shortcut; null for the identity.
  std::shared_ptr<Module> downsample;  // null for the identity
};
/// The holder of BottleneckImpl.
STRIATE_MODULE(Bottleneck);

/// He et al.'s pre-activation unit: BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 plus the shortcut,
/// with no activation after the addition. A shape change uses a 1x1 conv "shortcut" on the
/// pre-activated input.
class PreActBlockImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param out_channels the output's channels.
  /// @param stride the first conv's stride (default 1).
  /// @throws ValueError for a non-positive size.
  PreActBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The channels in and out and the stride.
  int64_t in_channels, out_channels, stride;
  ///@}
  ///@{
  /// The batch norms before each convolution.
  BatchNorm2d bn1{nullptr}, bn2{nullptr};
  ///@}
  ///@{
  /// The two 3x3 convolutions.
  Conv2d conv1{nullptr}, conv2{nullptr};
  ///@}
  /// The 1x1 projection shortcut; empty for the identity.
  Conv2d shortcut{nullptr};  // empty for the identity
};
/// The holder of PreActBlockImpl.
STRIATE_MODULE(PreActBlock);

/// Zagoruyko & Komodakis' wide unit: the pre-activation unit with dropout between the two convs.
class WideBlockImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param out_channels the output's channels.
  /// @param stride the first conv's stride (default 1).
  /// @param dropout the dropout probability between the convs (default 0).
  /// @throws ValueError for a non-positive size or dropout outside [0, 1).
  WideBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1, double dropout = 0.0);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The channels in and out and the stride.
  int64_t in_channels, out_channels, stride;
  ///@}
  /// The dropout probability.
  double dropout;
  ///@{
  /// The batch norms before each convolution.
  BatchNorm2d bn1{nullptr}, bn2{nullptr};
  ///@}
  ///@{
  /// The two 3x3 convolutions.
  Conv2d conv1{nullptr}, conv2{nullptr};
  ///@}
  /// The dropout between them.
  Dropout drop{nullptr};
  /// The 1x1 projection shortcut; empty for the identity.
  Conv2d shortcut{nullptr};  // empty for the identity
};
/// The holder of WideBlockImpl.
STRIATE_MODULE(WideBlock);

}  // namespace striate::nn
