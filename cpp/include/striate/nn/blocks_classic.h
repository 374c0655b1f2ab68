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

// LeNet-5's S layers: each map is average-pooled 2x2, scaled by a trainable coefficient, shifted
// by a trainable bias and squashed by a sigmoid. Parameters weight (C) and bias (C).
class SubsamplingImpl : public Module {
 public:
  explicit SubsamplingImpl(int64_t channels);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  int64_t channels;
  Tensor weight;
  Tensor bias;
};
STRIATE_MODULE(Subsampling);

// LeNet-5's squashing function (LeCun et al. 1998, appendix A): f(a) = A tanh(S a) with
// A = 1.7159, S = 2/3, so f(1) = 1 and f(-1) = -1, and the gain is largest around |a| < 1.
class ScaledTanhImpl : public Module {
 public:
  ScaledTanhImpl() : Module("ScaledTanh") {}
  Tensor forward(const Tensor& input) override;
  static constexpr double amplitude = 1.7159;
  static constexpr double slope = 2.0 / 3.0;
};
STRIATE_MODULE(ScaledTanh);

// torchvision's BasicConv2d for GoogLeNet: conv (no bias) -> BatchNorm (eps 1e-3) -> ReLU.
class BasicConv2dImpl : public Module {
 public:
  BasicConv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride = 1,
                  int64_t padding = 0);
  Tensor forward(const Tensor& input) override;
  std::shared_ptr<Module> conv;
  std::shared_ptr<Module> bn;
};
STRIATE_MODULE(BasicConv2d);

// SqueezeNet: squeeze 1x1 -> ReLU, then expand 1x1 and expand 3x3 (each -> ReLU) concatenated.
class FireImpl : public Module {
 public:
  FireImpl(int64_t in_channels, int64_t squeeze_channels, int64_t expand1x1_channels, int64_t expand3x3_channels);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t in_channels, squeeze_channels, expand1x1_channels, expand3x3_channels;
};
STRIATE_MODULE(Fire);

// GoogLeNet's Inception (v1): four branches concatenated on channels, 1x1 | 1x1->3x3 |
// 1x1->"5x5" | maxpool 3x3->1x1. The third branch uses a 3x3 kernel as torchvision does (its
// pretrained weights were trained so), which the published parameter count assumes.
class InceptionImpl : public Module {
 public:
  InceptionImpl(int64_t in_channels, int64_t ch1x1, int64_t ch3x3_reduce, int64_t ch3x3, int64_t ch5x5_reduce,
                int64_t ch5x5, int64_t pool_proj);
  Tensor forward(const Tensor& input) override;
  int64_t out_channels() const { return out_channels_; }

 private:
  int64_t out_channels_;
};
STRIATE_MODULE(Inception);

// GoogLeNet's auxiliary classifier: adaptive avgpool 4x4 -> 1x1 conv 128 -> fc 1024 -> ReLU ->
// dropout -> fc num_classes.
class InceptionAuxImpl : public Module {
 public:
  InceptionAuxImpl(int64_t in_channels, int64_t num_classes, double dropout = 0.7);
  Tensor forward(const Tensor& input) override;
  double dropout;
};
STRIATE_MODULE(InceptionAux);

// NiN's mlpconv: a kxk conv then 1x1 convs, each followed by ReLU; `channels` lists the output
// channels of each conv (the first is the kxk one). Children "0".."2n-1" as a Sequential.
class MlpConvImpl : public SequentialImpl {
 public:
  MlpConvImpl(int64_t in_channels, const std::vector<int64_t>& channels, int64_t kernel_size, int64_t stride = 1,
              int64_t padding = 0);
  std::string name() const override { return "MlpConv"; }
  int64_t out_channels;
};
STRIATE_MODULE(MlpConv);

// One DenseNet layer: BN -> ReLU -> 1x1 conv (bn_size * growth) -> BN -> ReLU -> 3x3 conv
// (growth) with bottleneck, else BN -> ReLU -> 3x3 conv; dropout after when drop_rate > 0.
// Children norm1, relu1, conv1, norm2, relu2, conv2 as torchvision's _DenseLayer.
class DenseLayerImpl : public Module {
 public:
  DenseLayerImpl(int64_t in_channels, int64_t growth_rate, bool bottleneck, int64_t bn_size, double drop_rate);
  Tensor forward(const Tensor& input) override;
  double drop_rate;
};
STRIATE_MODULE(DenseLayer);

// num_layers DenseLayers (children denselayer1..), layer i reading the concatenation of the
// block input and the i - 1 earlier layers' features; the output is the full concatenation
// (in_channels + num_layers * growth_rate channels).
// Memory: the block allocates one (N, C_out, H, W) buffer per forward and copies each new
// feature map once into its channel slice; layer i reads a view of the buffer's first channels,
// so the concatenations cost O(C_out) memory instead of torchvision-style per-layer cat's
// O(num_layers * C_out). shared_buffer=false keeps the per-layer cat (for measurements; also
// used off the CPU). The output is a view of the buffer: modifying it in place before backward
// raises (the layers saved views of the same storage), where a cat'ed output would not.
class DenseBlockImpl : public Module {
 public:
  DenseBlockImpl(int64_t num_layers, int64_t in_channels, int64_t growth_rate, bool bottleneck = true,
                 double drop_rate = 0.0, int64_t bn_size = 4, bool shared_buffer = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t num_layers, in_channels, growth_rate, out_channels;
  bool shared_buffer;

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};
STRIATE_MODULE(DenseBlock);

// DenseNet's transition: BN -> ReLU -> 1x1 conv (in -> out, no bias) -> avgpool 2x2; children
// norm, relu, conv, pool.
class TransitionImpl : public SequentialImpl {
 public:
  TransitionImpl(int64_t in_channels, int64_t out_channels);
  std::string name() const override { return "Transition"; }
};
STRIATE_MODULE(Transition);

// FractalNet's block with num_columns columns: f_1 = conv-BN-ReLU, f_{C+1}(z) = join(f_C(f_C(z)),
// conv(z)), the consecutive joins flattened into one as in the paper's figure; join = elementwise
// mean of the columns arriving there. Column c (0 = the single conv, num_columns - 1 the deepest)
// holds 2^c convs.
// Drop-path (Larsson et al. 2017, section 3.1), training only, drawn from the default generator:
// local_drop drops each input of every join with that probability, keeping at least one (the
// join averages the survivors); with probability global_drop a forward instead runs one column,
// chosen uniformly, through the whole block. The paper trains with local_drop 0.15 and half the
// mini-batches global. The outermost block's settings govern its inner blocks.
class FractalBlockImpl : public Module {
 public:
  FractalBlockImpl(int64_t in_channels, int64_t out_channels, int64_t num_columns, double local_drop = 0.0,
                   double global_drop = 0.0);
  Tensor forward(const Tensor& input) override;
  // Only column `column`, as global drop-path runs it (fractalnet draws one column for every block).
  Tensor forward_column(const Tensor& input, int64_t column);
  std::string extra_repr() const override;
  int64_t in_channels, out_channels, num_columns;
  double local_drop, global_drop;

 private:
  Tensor joined(const Tensor& input, double drop);
  Tensor column_path(const Tensor& input, int64_t column);
  // The outputs of the columns kept at the final join (undefined where keep is false), by column.
  std::vector<Tensor> column_outputs(const Tensor& input, const std::vector<bool>& keep, double drop);
  std::shared_ptr<Module> shallow_;
  std::shared_ptr<FractalBlockImpl> deep_first_, deep_second_;
};
STRIATE_MODULE(FractalBlock);

// LeNet-5's C3 table (LeCun et al. 1998, Table I) as a (16, 6) bool tensor.
Tensor lenet5_c3_table();

}  // namespace striate::nn
