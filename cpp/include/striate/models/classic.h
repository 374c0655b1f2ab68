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

// features -> [ReLU + global average pool] -> [avgpool] -> flatten -> classifier, the layout of
// torchvision's AlexNet, VGG and DenseNet (global_pool: DenseNet's functional ReLU and pool);
// flatten_last runs the classifier before flattening (SqueezeNet's convolutional classifier).
// avgpool may be null (no such child).
struct ClassicNetLayout {
  bool global_pool = false;
  bool flatten_last = false;
};
class ClassicNetImpl : public nn::Module {
 public:
  ClassicNetImpl(std::string type_name, std::shared_ptr<nn::Module> features, std::shared_ptr<nn::Module> avgpool,
                 std::shared_ptr<nn::Module> classifier, ClassicNetLayout layout = {});
  Tensor forward(const Tensor& input) override;
  ClassicNetLayout layout;
};
STRIATE_MODULE(ClassicNet);

// GoogLeNet: in training with aux_logits, forward_with_aux returns (logits, aux1, aux2); in
// eval (or without aux heads) aux1 and aux2 are undefined. forward returns the logits only.
class GoogLeNetImpl : public nn::Module {
 public:
  GoogLeNetImpl(int64_t num_classes, int64_t in_channels, bool aux_logits, double dropout = 0.2,
                double dropout_aux = 0.7);
  Tensor forward(const Tensor& input) override;
  std::tuple<Tensor, Tensor, Tensor> forward_with_aux(const Tensor& input);
  bool aux_logits;
};
STRIATE_MODULE(GoogLeNet);

// LeNet-5 (LeCun et al. 1998). "modern": conv5x5(6, pad 2)-ReLU-maxpool-conv5x5(16)-ReLU-maxpool-
// FC120-ReLU-FC84-ReLU-FC10 on 28x28. "classic" on 32x32: C1 conv5x5(6) -> S2 Subsampling
// (sigmoid) -> C3 conv5x5(16) with the connection table -> S4 -> C5 conv5x5(120) -> F6 FC84, each
// C and F layer followed by LeCun's scaled tanh 1.7159 tanh(2x/3) (ScaledTanh), -> FC10; the RBF
// output layer is replaced by a linear layer returning logits.
std::shared_ptr<nn::Module> lenet5(const std::string& variant = "modern", int64_t num_classes = 10,
                                   int64_t in_channels = 1);
// The ConvNetJS MNIST demo (24x24 crops) and CIFAR-10 demo (32x32) networks of the notes.
std::shared_ptr<nn::Module> convnetjs_mnist(int64_t num_classes = 10, int64_t in_channels = 1);
std::shared_ptr<nn::Module> convnetjs_cifar10(int64_t num_classes = 10, int64_t in_channels = 3);
// AlexNet (Krizhevsky et al. 2012), torchvision's single-tower layout.
std::shared_ptr<nn::Module> alexnet(int64_t num_classes = 1000, int64_t in_channels = 3, double dropout = 0.5);
// VGG (Simonyan and Zisserman 2015) configurations A, B, D, E; vgg11_lrn is config A-LRN.
std::shared_ptr<nn::Module> vgg11(bool batch_norm = false, int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> vgg13(bool batch_norm = false, int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> vgg16(bool batch_norm = false, int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> vgg19(bool batch_norm = false, int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> vgg11_lrn(int64_t num_classes = 1000, int64_t in_channels = 3);
// Network in Network (Lin et al. 2014), the CIFAR-10 model.
std::shared_ptr<nn::Module> nin(int64_t num_classes = 10, int64_t in_channels = 3);
// SqueezeNet (Iandola et al. 2016) 1.0 and 1.1.
std::shared_ptr<nn::Module> squeezenet1_0(int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> squeezenet1_1(int64_t num_classes = 1000, int64_t in_channels = 3);
// GoogLeNet (Szegedy et al. 2015).
GoogLeNet googlenet(bool aux_logits = true, int64_t num_classes = 1000, int64_t in_channels = 3);
// The paper's training loss: cross entropy of the logits plus aux_weight times each auxiliary
// head's (aux undefined: the logits' loss alone).
Tensor googlenet_loss(const Tensor& logits, const Tensor& aux1, const Tensor& aux2, const Tensor& target,
                      double aux_weight = 0.3);
// DenseNet (Huang et al. 2017), ImageNet models and the CIFAR DenseNet-BC.
std::shared_ptr<nn::Module> densenet121(int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> densenet161(int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> densenet169(int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> densenet201(int64_t num_classes = 1000, int64_t in_channels = 3);
std::shared_ptr<nn::Module> densenet_bc(int64_t depth = 100, int64_t growth_rate = 12, int64_t num_classes = 10,
                                        int64_t in_channels = 3);
// FractalNet (Larsson et al. 2017) for CIFAR: features (num_blocks FractalBlocks of num_columns
// columns, each followed by 2x2 max pooling, channels 64, 128, 256, 512, 512), avgpool, classifier.
// Drop-path, training only: with probability global_drop a forward runs one column, drawn once
// and the same in every block (global); otherwise every join drops its inputs with probability
// local_drop (local). The paper trains with local_drop 0.15 and global_drop 0.5; the defaults
// (0, 0) train every path at every step.
class FractalNetImpl : public nn::Module {
 public:
  FractalNetImpl(int64_t num_classes, int64_t in_channels, int64_t num_columns, int64_t num_blocks,
                 double local_drop = 0.0, double global_drop = 0.0);
  Tensor forward(const Tensor& input) override;
  int64_t num_columns;
  double global_drop;
};
STRIATE_MODULE(FractalNet);
FractalNet fractalnet(int64_t num_classes = 10, int64_t in_channels = 3, int64_t num_columns = 3,
                      int64_t num_blocks = 5, double local_drop = 0.0, double global_drop = 0.0);

}  // namespace striate::models
