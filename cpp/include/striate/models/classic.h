// The classic CNNs of the lecture notes, from LeNet-5 to DenseNet and FractalNet, as
// Modules whose children carry torchvision's names (so state dicts line up where torchvision
// has the model). Each constructor takes num_classes and in_channels.
//   auto model = striate::models::vgg16(/*batch_norm=*/true);
//   auto logits = model->forward(images);   // (N, 3, 224, 224) -> (N, 1000)
#pragma once
#include <memory>
#include <string>
#include <tuple>

#include "striate/nn/blocks_classic.h"
#include "striate/nn/module.h"

namespace striate::models {

/// features -> [ReLU + global average pool] -> [avgpool] -> flatten -> classifier, the layout of
/// torchvision's AlexNet, VGG and DenseNet (global_pool: DenseNet's functional ReLU and pool);
/// flatten_last runs the classifier before flattening (SqueezeNet's convolutional classifier).
/// avgpool may be null (no such child).
struct ClassicNetLayout {
  /// Apply ReLU and global average pooling after the features (DenseNet).
  bool global_pool = false;
  /// Run the classifier before flattening (SqueezeNet).
  bool flatten_last = false;
};
/// The container of the classic networks: children features, avgpool (optional) and classifier.
class ClassicNetImpl : public nn::Module {
 public:
  /// @param type_name the model's name ("VGG").
  /// @param features the feature extractor.
  /// @param avgpool the pooling before the classifier, or null.
  /// @param classifier the classifier.
  /// @param layout how they are chained (default: features, avgpool, flatten, classifier).
  /// @throws ValueError when features or classifier is null.
  ClassicNetImpl(std::string type_name, std::shared_ptr<nn::Module> features, std::shared_ptr<nn::Module> avgpool,
                 std::shared_ptr<nn::Module> classifier, ClassicNetLayout layout = {});
  Tensor forward(const Tensor& input) override;
  /// How the children are chained.
  ClassicNetLayout layout;
};
/// The holder of ClassicNetImpl.
STRIATE_MODULE(ClassicNet);

/// GoogLeNet: in training with aux_logits, forward_with_aux returns (logits, aux1, aux2); in
/// eval (or without aux heads) aux1 and aux2 are undefined. forward returns the logits only.
/// Input (N, in_channels, 224, 224), output (N, num_classes).
class GoogLeNetImpl : public nn::Module {
 public:
  /// @param num_classes the classifier's outputs.
  /// @param in_channels the input's channels.
  /// @param aux_logits build the two auxiliary heads.
  /// @param dropout the dropout before the classifier (default 0.2).
  /// @param dropout_aux the auxiliary heads' dropout (default 0.7).
  /// @throws ValueError for a non-positive size.
  GoogLeNetImpl(int64_t num_classes, int64_t in_channels, bool aux_logits, double dropout = 0.2,
                double dropout_aux = 0.7);
  Tensor forward(const Tensor& input) override;
  /// @param input (N, in_channels, H, W).
  /// @return (logits, aux1, aux2), each (N, num_classes) or undefined.
  std::tuple<Tensor, Tensor, Tensor> forward_with_aux(const Tensor& input);
  /// Whether the auxiliary heads exist.
  bool aux_logits;
};
/// The holder of GoogLeNetImpl.
STRIATE_MODULE(GoogLeNet);

/// LeNet-5 (LeCun et al. 1998). "modern": conv5x5(6, pad 2)-ReLU-maxpool-conv5x5(16)-ReLU-maxpool-
/// FC120-ReLU-FC84-ReLU-FC10 on 28x28. "classic" on 32x32: C1 conv5x5(6) -> S2 Subsampling
/// (sigmoid) -> C3 conv5x5(16) with the connection table -> S4 -> C5 conv5x5(120) -> F6 FC84, each
/// C and F layer followed by LeCun's scaled tanh 1.7159 tanh(2x/3) (ScaledTanh), -> FC10; the RBF
/// output layer is replaced by a linear layer returning logits.
/// @param variant "modern" (default) or "classic".
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 1).
/// @return the model.
/// @throws ValueError for an unknown variant.
std::shared_ptr<nn::Module> lenet5(const std::string& variant = "modern", int64_t num_classes = 10,
                                   int64_t in_channels = 1);
/// The ConvNetJS MNIST demo (24x24 crops) and CIFAR-10 demo (32x32) networks of the notes.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 1).
/// @return the MNIST demo network.
std::shared_ptr<nn::Module> convnetjs_mnist(int64_t num_classes = 10, int64_t in_channels = 1);
/// The ConvNetJS CIFAR-10 demo network (32x32).
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> convnetjs_cifar10(int64_t num_classes = 10, int64_t in_channels = 3);
/// AlexNet (Krizhevsky et al. 2012), torchvision's single-tower layout.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @param dropout the classifier's dropout (default 0.5).
/// @return the model.
std::shared_ptr<nn::Module> alexnet(int64_t num_classes = 1000, int64_t in_channels = 3, double dropout = 0.5);
/// VGG (Simonyan and Zisserman 2015) configurations A, B, D, E; vgg11_lrn is config A-LRN.
/// VGG-11 is configuration A.
/// @param batch_norm add BatchNorm after each conv (default false).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> vgg11(bool batch_norm = false, int64_t num_classes = 1000, int64_t in_channels = 3);
/// VGG configuration B.
/// @param batch_norm add BatchNorm after each conv (default false).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> vgg13(bool batch_norm = false, int64_t num_classes = 1000, int64_t in_channels = 3);
/// VGG configuration D.
/// @param batch_norm add BatchNorm after each conv (default false).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> vgg16(bool batch_norm = false, int64_t num_classes = 1000, int64_t in_channels = 3);
/// VGG configuration E.
/// @param batch_norm add BatchNorm after each conv (default false).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> vgg19(bool batch_norm = false, int64_t num_classes = 1000, int64_t in_channels = 3);
/// VGG configuration A-LRN.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> vgg11_lrn(int64_t num_classes = 1000, int64_t in_channels = 3);
/// Network in Network (Lin et al. 2014), the CIFAR-10 model.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> nin(int64_t num_classes = 10, int64_t in_channels = 3);
/// SqueezeNet (Iandola et al. 2016) 1.0 and 1.1.
/// SqueezeNet 1.0.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> squeezenet1_0(int64_t num_classes = 1000, int64_t in_channels = 3);
/// SqueezeNet 1.1.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> squeezenet1_1(int64_t num_classes = 1000, int64_t in_channels = 3);
/// GoogLeNet (Szegedy et al. 2015).
/// @param aux_logits build the auxiliary heads (default true).
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
GoogLeNet googlenet(bool aux_logits = true, int64_t num_classes = 1000, int64_t in_channels = 3);
/// The paper's training loss: cross entropy of the logits plus aux_weight times each auxiliary
/// head's (aux undefined: the logits' loss alone).
/// @param logits (N, C).
/// @param aux1 (N, C) or undefined.
/// @param aux2 (N, C) or undefined.
/// @param target class indices (N), int64.
/// @param aux_weight the auxiliary losses' weight (default 0.3).
/// @return the scalar loss.
/// @throws ShapeError when the shapes do not match.
Tensor googlenet_loss(const Tensor& logits, const Tensor& aux1, const Tensor& aux2, const Tensor& target,
                      double aux_weight = 0.3);
/// DenseNet (Huang et al. 2017), ImageNet models and the CIFAR DenseNet-BC.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return DenseNet-121.
std::shared_ptr<nn::Module> densenet121(int64_t num_classes = 1000, int64_t in_channels = 3);
/// DenseNet-161.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> densenet161(int64_t num_classes = 1000, int64_t in_channels = 3);
/// DenseNet-169.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> densenet169(int64_t num_classes = 1000, int64_t in_channels = 3);
/// DenseNet-201.
/// @param num_classes the classifier's outputs (default 1000).
/// @param in_channels the input's channels (default 3).
/// @return the model.
std::shared_ptr<nn::Module> densenet201(int64_t num_classes = 1000, int64_t in_channels = 3);
/// The CIFAR DenseNet-BC.
/// @param depth the depth, 6n + 4 (default 100).
/// @param growth_rate the growth rate k (default 12).
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @return the model.
/// @throws ValueError when depth is not 6n + 4.
std::shared_ptr<nn::Module> densenet_bc(int64_t depth = 100, int64_t growth_rate = 12, int64_t num_classes = 10,
                                        int64_t in_channels = 3);
/// FractalNet (Larsson et al. 2017) for CIFAR: features (num_blocks FractalBlocks of num_columns
/// columns, each followed by 2x2 max pooling, channels 64, 128, 256, 512, 512), avgpool, classifier.
/// Drop-path, training only: with probability global_drop a forward runs one column, drawn once
/// and the same in every block (global); otherwise every join drops its inputs with probability
/// local_drop (local). The paper trains with local_drop 0.15 and global_drop 0.5; the defaults
/// (0, 0) train every path at every step.
/// Input (N, in_channels, 32, 32), output (N, num_classes).
class FractalNetImpl : public nn::Module {
 public:
  /// @param num_classes the classifier's outputs.
  /// @param in_channels the input's channels.
  /// @param num_columns columns per block (>= 1).
  /// @param num_blocks blocks (1 to 5).
  /// @param local_drop the local drop-path probability (default 0).
  /// @param global_drop the global drop-path probability (default 0).
  /// @throws ValueError for a size or probability out of range.
  FractalNetImpl(int64_t num_classes, int64_t in_channels, int64_t num_columns, int64_t num_blocks,
                 double local_drop = 0.0, double global_drop = 0.0);
  Tensor forward(const Tensor& input) override;
  /// Columns per block.
  int64_t num_columns;
  /// The global drop-path probability.
  double global_drop;
};
/// The holder of FractalNetImpl.
STRIATE_MODULE(FractalNet);
/// FractalNet for CIFAR.
/// @param num_classes the classifier's outputs (default 10).
/// @param in_channels the input's channels (default 3).
/// @param num_columns columns per block (default 3).
/// @param num_blocks blocks (default 5).
/// @param local_drop the local drop-path probability (default 0).
/// @param global_drop the global drop-path probability (default 0).
/// @return the model.
/// @throws ValueError for a size or probability out of range.
FractalNet fractalnet(int64_t num_classes = 10, int64_t in_channels = 3, int64_t num_columns = 3,
                      int64_t num_blocks = 5, double local_drop = 0.0, double global_drop = 0.0);

}  // namespace striate::models
