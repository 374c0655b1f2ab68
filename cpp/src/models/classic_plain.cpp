// The plain stacks of conv, pool and fc layers among the classic models: LeNet-5, the ConvNetJS
// demos, AlexNet, VGG and NiN, plus ClassicNet, the features/classifier layout most models share.
#include <utility>
#include <vector>

#include "striate/core/error.h"
#include "striate/models/classic.h"
#include "striate/nn/dropout.h"
#include "striate/nn/init.h"
#include "striate/nn/normalization.h"
#include "striate/nn/pooling.h"
#include "striate/nn/shape.h"
#include "striate/ops/activation.h"
#include "striate/ops/pooling.h"

namespace striate::models {

using namespace striate::nn;

ClassicNetImpl::ClassicNetImpl(std::string type_name, std::shared_ptr<Module> features, std::shared_ptr<Module> avgpool,
                               std::shared_ptr<Module> classifier, ClassicNetLayout layout)
    : Module(std::move(type_name)), layout(layout) {
  register_module("features", std::move(features));
  if (avgpool) register_module("avgpool", std::move(avgpool));
  register_module("classifier", std::move(classifier));
}

Tensor ClassicNetImpl::forward(const Tensor& input) {
  const auto& child = local_children();
  Tensor x = child["features"]->call(input);
  if (layout.global_pool) x = adaptive_avg_pool2d(relu(x), {1, 1});
  if (child.contains("avgpool")) x = child["avgpool"]->call(x);
  if (layout.flatten_last) return child["classifier"]->call(x).flatten(1);
  return child["classifier"]->call(x.flatten(1));
}

namespace {

void check_sizes(int64_t num_classes, int64_t in_channels, const char* model) {
  STRIATE_CHECK(num_classes > 0, model, ": expected num_classes to be positive, got ", num_classes);
  STRIATE_CHECK(in_channels > 0, model, ": expected in_channels to be positive, got ", in_channels);
}

Conv2d conv(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride = 1, int64_t padding = 0) {
  return Conv2d(nn::Conv2dOptions(in_channels, out_channels, kernel).stride(stride).padding(padding));
}

MaxPool2d max_pool(int64_t kernel, int64_t stride, int64_t padding = 0) {
  return MaxPool2d(Pool2dOptions(kernel).stride(IntPair{stride, stride}).padding(IntPair{padding, padding}));
}

}  // namespace

// ---- LeNet-5 and the ConvNetJS demos ----------------------------------------------------------

std::shared_ptr<Module> lenet5(const std::string& variant, int64_t num_classes, int64_t in_channels) {
  check_sizes(num_classes, in_channels, "lenet5");
  STRIATE_CHECK(variant == "classic" || variant == "modern",
                "lenet5: expected variant \"classic\" or \"modern\", got \"", variant, "\"");
  Sequential model;
  if (variant == "modern") {
    model = Sequential(conv(in_channels, 6, 5, 1, 2), ReLU(), max_pool(2, 2), conv(6, 16, 5), ReLU(), max_pool(2, 2),
                       Flatten(), Linear(400, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, num_classes));
    return model.ptr();
  }
  // Every unit up to F6 is squashed (section II-A): the C and F layers by the scaled tanh,
  // the S layers inside Subsampling.
  model->push_back("c1", conv(in_channels, 6, 5));
  model->push_back("c1_activation", ScaledTanh());
  model->push_back("s2", Subsampling(6));
  model->push_back("c3", Conv2d(nn::Conv2dOptions(6, 16, 5).connection_table(lenet5_c3_table())));
  model->push_back("c3_activation", ScaledTanh());
  model->push_back("s4", Subsampling(16));
  model->push_back("c5", conv(16, 120, 5));
  model->push_back("c5_activation", ScaledTanh());
  model->push_back("flatten", Flatten());
  model->push_back("f6", Linear(120, 84));
  model->push_back("f6_activation", ScaledTanh());
  model->push_back("output", Linear(84, num_classes));
  return model.ptr();
}

std::shared_ptr<Module> convnetjs_mnist(int64_t num_classes, int64_t in_channels) {
  check_sizes(num_classes, in_channels, "convnetjs_mnist");
  return Sequential(conv(in_channels, 8, 5, 1, 2), ReLU(), max_pool(2, 2), conv(8, 16, 5, 1, 2), ReLU(), max_pool(3, 3),
                    Flatten(), Linear(16 * 4 * 4, num_classes))
      .ptr();
}

std::shared_ptr<Module> convnetjs_cifar10(int64_t num_classes, int64_t in_channels) {
  check_sizes(num_classes, in_channels, "convnetjs_cifar10");
  return Sequential(conv(in_channels, 16, 5, 1, 2), ReLU(), max_pool(2, 2), conv(16, 20, 5, 1, 2), ReLU(),
                    max_pool(2, 2), conv(20, 20, 5, 1, 2), ReLU(), max_pool(2, 2), Flatten(),
                    Linear(20 * 4 * 4, num_classes))
      .ptr();
}

// ---- AlexNet and VGG --------------------------------------------------------------------------

std::shared_ptr<Module> alexnet(int64_t num_classes, int64_t in_channels, double dropout) {
  check_sizes(num_classes, in_channels, "alexnet");
  Sequential features(conv(in_channels, 64, 11, 4, 2), ReLU(), max_pool(3, 2), conv(64, 192, 5, 1, 2), ReLU(),
                      max_pool(3, 2), conv(192, 384, 3, 1, 1), ReLU(), conv(384, 256, 3, 1, 1), ReLU(),
                      conv(256, 256, 3, 1, 1), ReLU(), max_pool(3, 2));
  Sequential classifier(Dropout(dropout), Linear(256 * 6 * 6, 4096), ReLU(), Dropout(dropout), Linear(4096, 4096),
                        ReLU(), Linear(4096, num_classes));
  return ClassicNet("AlexNet", features.ptr(), AdaptiveAvgPool2d(IntPair{6, 6}).ptr(), classifier.ptr()).ptr();
}

namespace {

// Output channels of each 3x3 conv; 0 marks a 2x2 max pool (the configurations of the paper).
const std::vector<int64_t> kVggA = {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
const std::vector<int64_t> kVggB = {64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
const std::vector<int64_t> kVggD = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
const std::vector<int64_t> kVggE = {64,  64,  0,   128, 128, 0,   256, 256, 256, 256, 0,
                                    512, 512, 512, 512, 0,   512, 512, 512, 512, 0};

// torchvision's VGG init: convs kaiming_normal_(fan_out, relu), BN 1 / 0, linears N(0, 0.01),
// biases zero.
void init_vgg(Module& model) {
  for (const auto& module : model.modules()) {
    if (auto* layer = dynamic_cast<Conv2dImpl*>(module.get())) {
      init::kaiming_normal_(layer->weight, 0.0, "fan_out", "relu");
      init::zeros_(layer->bias);
    } else if (auto* layer = dynamic_cast<LinearImpl*>(module.get())) {
      init::normal_(layer->weight, 0.0, 0.01);
      init::zeros_(layer->bias);
    }
  }
}

std::shared_ptr<Module> vgg(const std::vector<int64_t>& config, bool batch_norm, bool lrn, int64_t num_classes,
                            int64_t in_channels, const char* model_name) {
  check_sizes(num_classes, in_channels, model_name);
  Sequential features;
  int64_t channels = in_channels;
  bool first_block = true;
  for (int64_t width : config) {
    if (width == 0) {
      // Config A-LRN normalizes the first block's output, with AlexNet's constants.
      if (lrn && first_block) features->push_back(LocalResponseNorm(5, 1e-4, 0.75, 2.0));
      first_block = false;
      features->push_back(max_pool(2, 2));
      continue;
    }
    features->push_back(conv(channels, width, 3, 1, 1));
    if (batch_norm) features->push_back(BatchNorm2d(BatchNormOptions(width)));
    features->push_back(ReLU());
    channels = width;
  }
  Sequential classifier(Linear(512 * 7 * 7, 4096), ReLU(), Dropout(0.5), Linear(4096, 4096), ReLU(), Dropout(0.5),
                        Linear(4096, num_classes));
  auto model = ClassicNet("VGG", features.ptr(), AdaptiveAvgPool2d(IntPair{7, 7}).ptr(), classifier.ptr());
  init_vgg(*model);
  return model.ptr();
}

}  // namespace

std::shared_ptr<Module> vgg11(bool batch_norm, int64_t num_classes, int64_t in_channels) {
  return vgg(kVggA, batch_norm, false, num_classes, in_channels, "vgg11");
}
std::shared_ptr<Module> vgg13(bool batch_norm, int64_t num_classes, int64_t in_channels) {
  return vgg(kVggB, batch_norm, false, num_classes, in_channels, "vgg13");
}
std::shared_ptr<Module> vgg16(bool batch_norm, int64_t num_classes, int64_t in_channels) {
  return vgg(kVggD, batch_norm, false, num_classes, in_channels, "vgg16");
}
std::shared_ptr<Module> vgg19(bool batch_norm, int64_t num_classes, int64_t in_channels) {
  return vgg(kVggE, batch_norm, false, num_classes, in_channels, "vgg19");
}
std::shared_ptr<Module> vgg11_lrn(int64_t num_classes, int64_t in_channels) {
  return vgg(kVggA, false, true, num_classes, in_channels, "vgg11_lrn");
}

// ---- NiN --------------------------------------------------------------------------------------

std::shared_ptr<Module> nin(int64_t num_classes, int64_t in_channels) {
  check_sizes(num_classes, in_channels, "nin");
  return Sequential(MlpConv(in_channels, std::vector<int64_t>{192, 160, 96}, 5, 1, 2), max_pool(3, 2, 1), Dropout(0.5),
                    MlpConv(96, std::vector<int64_t>{192, 192, 192}, 5, 1, 2),
                    AvgPool2d(Pool2dOptions(3).stride(IntPair{2, 2}).padding(IntPair{1, 1})), Dropout(0.5),
                    MlpConv(192, std::vector<int64_t>{192, 192, num_classes}, 3, 1, 1),
                    AdaptiveAvgPool2d(IntPair{1, 1}), Flatten())
      .ptr();
}

}  // namespace striate::models
