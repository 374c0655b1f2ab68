// The merge blocks of the classic CNNs: SqueezeNet's Fire, GoogLeNet's Inception (v1,
// 1x1 reductions) and its auxiliary head, NiN's MlpConv, DenseNet's DenseBlock and Transition,
// FractalNet's FractalBlock, LeNet-5's trainable Subsampling and scaled tanh. Child names follow
// torchvision.
//   striate::nn::Fire fire(96, 16, 64, 64);                 // (N, 96, H, W) -> (N, 128, H, W)
//   striate::nn::DenseBlock block(6, 64, 32);               // (N, 64, H, W) -> (N, 256, H, W)
#pragma once
#include <string>
#include <vector>

#include "striate/nn/activation.h"
#include "striate/nn/containers.h"
#include "striate/nn/conv.h"
#include "striate/nn/linear.h"
#include "striate/nn/module.h"
#include "striate/nn/pooling.h"
#include "striate/nn/shape.h"

namespace striate::nn {

/// LeNet-5's S layers: each map is average-pooled 2x2, scaled by a trainable coefficient, shifted
/// by a trainable bias and squashed by a sigmoid. Parameters weight (C) and bias (C).
/// Input (N, C, H, W), output (N, C, H / 2, W / 2).
class SubsamplingImpl : public Module {
 public:
  /// @param channels C (> 0).
  /// @throws ValueError when channels <= 0.
  explicit SubsamplingImpl(int64_t channels);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// C.
  int64_t channels;
  /// The per-map coefficients, (C).
  Tensor weight;
  /// The per-map biases, (C).
  Tensor bias;
};
/// The holder of SubsamplingImpl.
STRIATE_MODULE(Subsampling);

/// LeNet-5's squashing function (LeCun et al. 1998, appendix A): f(a) = A tanh(S a) with
/// A = 1.7159, S = 2/3, so f(1) = 1 and f(-1) = -1, and the gain is largest around |a| < 1.
/// Input: any shape; output: the same shape.
class ScaledTanhImpl : public Module {
 public:
  /// A scaled tanh layer.
  ScaledTanhImpl() : Module("ScaledTanh") {}
  Tensor forward(const Tensor& input) override;
  /// A.
  static constexpr double amplitude = 1.7159;
  /// S.
  static constexpr double slope = 2.0 / 3.0;
};
/// The holder of ScaledTanhImpl.
STRIATE_MODULE(ScaledTanh);

/// torchvision's BasicConv2d for GoogLeNet: conv (no bias) -> BatchNorm (eps 1e-3) -> ReLU.
class BasicConv2dImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param out_channels the output's channels.
  /// @param kernel_size the square kernel's side.
  /// @param stride the stride (default 1).
  /// @param padding the padding (default 0).
  /// @throws ValueError for a non-positive size.
  BasicConv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride = 1,
                  int64_t padding = 0);
  Tensor forward(const Tensor& input) override;
  /// The convolution.
  std::shared_ptr<Module> conv;
  /// The batch norm.
  std::shared_ptr<Module> bn;
};
/// The holder of BasicConv2dImpl.
STRIATE_MODULE(BasicConv2d);

/// SqueezeNet: squeeze 1x1 -> ReLU, then expand 1x1 and expand 3x3 (each -> ReLU) concatenated.
/// Input (N, in_channels, H, W), output (N, expand1x1_channels + expand3x3_channels, H, W).
class FireImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param squeeze_channels the squeeze layer's channels.
  /// @param expand1x1_channels the 1x1 expand layer's channels.
  /// @param expand3x3_channels the 3x3 expand layer's channels.
  /// @throws ValueError for a non-positive size.
  FireImpl(int64_t in_channels, int64_t squeeze_channels, int64_t expand1x1_channels, int64_t expand3x3_channels);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The constructor's arguments.
  int64_t in_channels, squeeze_channels, expand1x1_channels, expand3x3_channels;
  ///@}
};
/// The holder of FireImpl.
STRIATE_MODULE(Fire);

/// GoogLeNet's Inception (v1): four branches concatenated on channels, 1x1 | 1x1->3x3 |
/// 1x1->"5x5" | maxpool 3x3->1x1. The third branch uses a 3x3 kernel as torchvision does (its
/// pretrained weights were trained so), which the published parameter count assumes.
/// Output channels: ch1x1 + ch3x3 + ch5x5 + pool_proj.
class InceptionImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param ch1x1 the 1x1 branch's channels.
  /// @param ch3x3_reduce the 3x3 branch's reduction.
  /// @param ch3x3 the 3x3 branch's channels.
  /// @param ch5x5_reduce the third branch's reduction.
  /// @param ch5x5 the third branch's channels.
  /// @param pool_proj the pooling branch's channels.
  /// @throws ValueError for a non-positive size.
  InceptionImpl(int64_t in_channels, int64_t ch1x1, int64_t ch3x3_reduce, int64_t ch3x3, int64_t ch5x5_reduce,
                int64_t ch5x5, int64_t pool_proj);
  Tensor forward(const Tensor& input) override;
  /// @return the output's channels.
  int64_t out_channels() const { return out_channels_; }

 private:
  int64_t out_channels_;
};
/// The holder of InceptionImpl.
STRIATE_MODULE(Inception);

/// GoogLeNet's auxiliary classifier: adaptive avgpool 4x4 -> 1x1 conv 128 -> fc 1024 -> ReLU ->
/// dropout -> fc num_classes.
/// Input (N, in_channels, H, W), output (N, num_classes).
class InceptionAuxImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param num_classes the number of classes.
  /// @param dropout the dropout probability (default 0.7).
  /// @throws ValueError for a non-positive size or dropout outside [0, 1].
  InceptionAuxImpl(int64_t in_channels, int64_t num_classes, double dropout = 0.7);
  Tensor forward(const Tensor& input) override;
  /// The dropout probability.
  double dropout;
};
/// The holder of InceptionAuxImpl.
STRIATE_MODULE(InceptionAux);

/// NiN's mlpconv: a kxk conv then 1x1 convs, each followed by ReLU; `channels` lists the output
/// channels of each conv (the first is the kxk one). Children "0".."2n-1" as a Sequential.
class MlpConvImpl : public SequentialImpl {
 public:
  /// @param in_channels the input's channels.
  /// @param channels the output channels of each conv (at least one).
  /// @param kernel_size the first conv's square kernel.
  /// @param stride the first conv's stride (default 1).
  /// @param padding the first conv's padding (default 0).
  /// @throws ValueError when channels is empty or a size is not positive.
  MlpConvImpl(int64_t in_channels, const std::vector<int64_t>& channels, int64_t kernel_size, int64_t stride = 1,
              int64_t padding = 0);
  /// @return "MlpConv".
  std::string name() const override { return "MlpConv"; }
  /// The last conv's channels.
  int64_t out_channels;
};
/// The holder of MlpConvImpl.
STRIATE_MODULE(MlpConv);

/// One DenseNet layer: BN -> ReLU -> 1x1 conv (bn_size * growth) -> BN -> ReLU -> 3x3 conv
/// (growth) with bottleneck, else BN -> ReLU -> 3x3 conv; dropout after when drop_rate > 0.
/// Children norm1, relu1, conv1, norm2, relu2, conv2 as torchvision's _DenseLayer.
/// Input (N, in_channels, H, W), output (N, growth_rate, H, W): the new features only.
class DenseLayerImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param growth_rate the new features' channels.
  /// @param bottleneck use the 1x1 bottleneck.
  /// @param bn_size the bottleneck's width in multiples of growth_rate.
  /// @param drop_rate the dropout probability after the layer.
  /// @throws ValueError for a non-positive size.
  DenseLayerImpl(int64_t in_channels, int64_t growth_rate, bool bottleneck, int64_t bn_size, double drop_rate);
  Tensor forward(const Tensor& input) override;
  /// The dropout probability.
  double drop_rate;
};
/// The holder of DenseLayerImpl.
STRIATE_MODULE(DenseLayer);

/// num_layers DenseLayers (children denselayer1..), layer i reading the concatenation of the
/// block input and the i - 1 earlier layers' features; the output is the full concatenation
/// (in_channels + num_layers * growth_rate channels).
/// Memory: the block allocates one (N, C_out, H, W) buffer per forward and copies each new
/// feature map once into its channel slice; layer i reads a view of the buffer's first channels,
/// so the concatenations cost O(C_out) memory instead of torchvision-style per-layer cat's
/// O(num_layers * C_out). shared_buffer=false keeps the per-layer cat (for measurements; also
/// used off the CPU). The output is a view of the buffer: modifying it in place before backward
/// raises (the layers saved views of the same storage), where a cat'ed output would not.
class DenseBlockImpl : public Module {
 public:
  /// @param num_layers the number of layers (> 0).
  /// @param in_channels the input's channels.
  /// @param growth_rate each layer's new channels.
  /// @param bottleneck use the 1x1 bottlenecks (default true).
  /// @param drop_rate dropout after each layer (default 0).
  /// @param bn_size the bottleneck's width in multiples of growth_rate (default 4).
  /// @param shared_buffer write the features into one buffer (default true).
  /// @throws ValueError for a non-positive size.
  DenseBlockImpl(int64_t num_layers, int64_t in_channels, int64_t growth_rate, bool bottleneck = true,
                 double drop_rate = 0.0, int64_t bn_size = 4, bool shared_buffer = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The sizes; out_channels = in_channels + num_layers * growth_rate.
  int64_t num_layers, in_channels, growth_rate, out_channels;
  ///@}
  /// Whether the features share one buffer.
  bool shared_buffer;

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};
/// The holder of DenseBlockImpl.
STRIATE_MODULE(DenseBlock);

/// DenseNet's transition: BN -> ReLU -> 1x1 conv (in -> out, no bias) -> avgpool 2x2; children
/// norm, relu, conv, pool.
/// Input (N, in_channels, H, W), output (N, out_channels, H / 2, W / 2).
class TransitionImpl : public SequentialImpl {
 public:
  /// @param in_channels the input's channels.
  /// @param out_channels the output's channels.
  /// @throws ValueError for a non-positive size.
  TransitionImpl(int64_t in_channels, int64_t out_channels);
  /// The children in order; under inference_mode in eval() on the CPU, as one fused op that pools
  /// before the 1x1 convolution (they commute; a quarter of the convolution's work).
  /// @param input (N, in_channels, H, W).
  /// @return (N, out_channels, H / 2, W / 2).
  Tensor forward(const Tensor& input) override;
  /// @return "Transition".
  std::string name() const override { return "Transition"; }
};
/// The holder of TransitionImpl.
STRIATE_MODULE(Transition);

/// FractalNet's block with num_columns columns: f_1 = conv-BN-ReLU, f_{C+1}(z) = join(f_C(f_C(z)),
/// conv(z)), the consecutive joins flattened into one as in the paper's figure; join = elementwise
/// mean of the columns arriving there. Column c (0 = the single conv, num_columns - 1 the deepest)
/// holds 2^c convs.
/// Drop-path (Larsson et al. 2017, section 3.1), training only, drawn from the default generator:
/// local_drop drops each input of every join with that probability, keeping at least one (the
/// join averages the survivors); with probability global_drop a forward instead runs one column,
/// chosen uniformly, through the whole block. The paper trains with local_drop 0.15 and half the
/// mini-batches global. The outermost block's settings govern its inner blocks.
class FractalBlockImpl : public Module {
 public:
  /// @param in_channels the input's channels.
  /// @param out_channels the output's channels.
  /// @param num_columns the number of columns (>= 1).
  /// @param local_drop the local drop-path probability (default 0).
  /// @param global_drop the probability of a global drop-path forward (default 0).
  /// @throws ValueError for a non-positive size or a probability outside [0, 1).
  FractalBlockImpl(int64_t in_channels, int64_t out_channels, int64_t num_columns, double local_drop = 0.0,
                   double global_drop = 0.0);
  Tensor forward(const Tensor& input) override;
  /// Only column `column`, as global drop-path runs it (fractalnet draws one column for every block).
  /// @param input (N, in_channels, H, W).
  /// @param column the column, in [0, num_columns).
  /// @return (N, out_channels, H, W).
  /// @throws IndexError when column is out of range.
  Tensor forward_column(const Tensor& input, int64_t column);
  std::string extra_repr() const override;
  ///@{
  /// The constructor's sizes.
  int64_t in_channels, out_channels, num_columns;
  ///@}
  ///@{
  /// The drop-path probabilities.
  double local_drop, global_drop;
  ///@}

 private:
  Tensor joined(const Tensor& input, double drop);
  Tensor column_path(const Tensor& input, int64_t column);
  // The outputs of the columns kept at the final join (undefined where keep is false), by column.
  std::vector<Tensor> column_outputs(const Tensor& input, const std::vector<bool>& keep, double drop);
  std::shared_ptr<Module> shallow_;
  std::shared_ptr<FractalBlockImpl> deep_first_, deep_second_;
};
/// The holder of FractalBlockImpl.
STRIATE_MODULE(FractalBlock);

/// LeNet-5's C3 table (LeCun et al. 1998, Table I) as a (16, 6) bool tensor.
/// @return the table; true where C3 map k reads S2 map c.
Tensor lenet5_c3_table();

}  // namespace striate::nn
