// The model zoo in striate._C._models: the ResNets of models/resnet.h and the classic CNNs of
// models/classic.h, each constructor with a one-line docstring citing its paper.
#include <string>
#include <tuple>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/models/classic.h"
#include "striate/models/resnet.h"

namespace striate::python {
namespace {

using nn::Module;

template <typename Impl>
using ModelClass = py::class_<Impl, Module, py::smart_holder>;

// A zoo constructor taking (num_classes, in_channels) as keywords.
template <typename Holder>
void def_model(py::module_& models, const char* name, Holder (*make)(int64_t, int64_t), int64_t num_classes,
               const char* doc) {
  models.def(
      name, [make](int64_t classes, int64_t channels) { return make(classes, channels).ptr(); }, doc, py::kw_only(),
      py::arg("num_classes") = num_classes, py::arg("in_channels") = 3, release_gil());
}

void bind_resnets(py::module_& models) {
  ModelClass<models::ResNetImpl>(models, "ResNet", py::dynamic_attr());
  ModelClass<models::CifarResNetImpl>(models, "CifarResNet", py::dynamic_attr());
  ModelClass<models::PreActResNetImpl>(models, "PreActResNet", py::dynamic_attr());
  ModelClass<models::WideResNetImpl>(models, "WideResNet", py::dynamic_attr());

  // He et al. 2016, "Deep Residual Learning for Image Recognition"; 50 and deeper are v1.5.
#define HE2016 " (He et al. 2016, Deep Residual Learning for Image Recognition)."
  def_model(models, "resnet18", &models::resnet18, 1000, "ResNet-18" HE2016);
  def_model(models, "resnet34", &models::resnet34, 1000, "ResNet-34" HE2016);
  def_model(models, "resnet50", &models::resnet50, 1000, "ResNet-50, torchvision's v1.5" HE2016);
  def_model(models, "resnet101", &models::resnet101, 1000, "ResNet-101, torchvision's v1.5" HE2016);
  def_model(models, "resnet152", &models::resnet152, 1000, "ResNet-152, torchvision's v1.5" HE2016);
  def_model(models, "resnext50_32x4d", &models::resnext50_32x4d, 1000,
            "ResNeXt-50 32x4d (Xie et al. 2017, Aggregated Residual Transformations for Deep Neural Networks).");
  def_model(models, "se_resnet50", &models::se_resnet50, 1000,
            "SE-ResNet-50, reduction 16 (Hu et al. 2018, Squeeze-and-Excitation Networks).");
#define HE2016_CIFAR " for CIFAR, option-A shortcuts" HE2016
  def_model(models, "resnet20", &models::resnet20, 10, "ResNet-20" HE2016_CIFAR);
  def_model(models, "resnet32", &models::resnet32, 10, "ResNet-32" HE2016_CIFAR);
  def_model(models, "resnet44", &models::resnet44, 10, "ResNet-44" HE2016_CIFAR);
  def_model(models, "resnet56", &models::resnet56, 10, "ResNet-56" HE2016_CIFAR);
  def_model(models, "resnet110", &models::resnet110, 10, "ResNet-110" HE2016_CIFAR);
#undef HE2016_CIFAR
#undef HE2016
  def_model(models, "preact_resnet18", &models::preact_resnet18, 10,
            "Pre-activation ResNet-18 for CIFAR (He et al. 2016, Identity Mappings in Deep Residual Networks).");
  models.def(
      "wide_resnet",
      [](int64_t depth, int64_t widen_factor, double dropout, int64_t num_classes, int64_t in_channels) {
        return models::wide_resnet(depth, widen_factor, dropout, num_classes, in_channels).ptr();
      },
      "WRN-depth-k for CIFAR (Zagoruyko & Komodakis 2016, Wide Residual Networks).", py::arg("depth"), py::arg("k"),
      py::arg("dropout") = 0.0, py::kw_only(), py::arg("num_classes") = 10, py::arg("in_channels") = 3, release_gil());
  models.def(
      "wide_resnet28_10",
      [](int64_t num_classes, int64_t in_channels, double dropout) {
        return models::wide_resnet28_10(num_classes, in_channels, dropout).ptr();
      },
      "WRN-28-10 for CIFAR (Zagoruyko & Komodakis 2016, Wide Residual Networks).", py::kw_only(),
      py::arg("num_classes") = 10, py::arg("in_channels") = 3, py::arg("dropout") = 0.0, release_gil());
}

py::object aux_output(const Tensor& aux) { return aux.defined() ? py::cast(aux) : py::none(); }

void bind_classic_models(py::module_& models) {
  using namespace striate::models;
  // The layout is read by striate.summary, which replays the forward child by child.
  py::class_<ClassicNetImpl, Module, py::smart_holder>(models, "ClassicNet", py::dynamic_attr())
      .def_property_readonly("global_pool", [](const ClassicNetImpl& self) { return self.layout.global_pool; })
      .def_property_readonly("flatten_last", [](const ClassicNetImpl& self) { return self.layout.flatten_last; });
  py::class_<FractalNetImpl, Module, py::smart_holder>(models, "FractalNet", py::dynamic_attr())
      .def_readonly("num_columns", &FractalNetImpl::num_columns)
      .def_readwrite("global_drop", &FractalNetImpl::global_drop);
  py::class_<GoogLeNetImpl, Module, py::smart_holder>(models, "GoogLeNet", py::dynamic_attr())
      .def_readonly("aux_logits", &GoogLeNetImpl::aux_logits)
      // (logits, aux1, aux2) in training with aux heads, else the logits, as torchvision.
      .def(
          "forward",
          [](GoogLeNetImpl& self, const Tensor& input) -> py::object {
            std::tuple<Tensor, Tensor, Tensor> result;
            {
              py::gil_scoped_release release;
              result = self.forward_with_aux(input);
            }
            if (!(self.aux_logits && self.is_training())) return py::cast(std::get<0>(result));
            return py::make_tuple(std::get<0>(result), aux_output(std::get<1>(result)),
                                  aux_output(std::get<2>(result)));
          },
          py::arg("input"));

  models.def("lenet5", &lenet5, py::arg("variant") = "modern", py::arg("num_classes") = 10, py::arg("in_channels") = 1,
             release_gil(), "LeNet-5 (LeCun et al. 1998, Gradient-based learning applied to document recognition).");
  models.def("convnetjs_mnist", &convnetjs_mnist, py::arg("num_classes") = 10, py::arg("in_channels") = 1,
             release_gil(), "The ConvNetJS MNIST demo network (Karpathy, ConvNetJS 2014), on 24x24 crops.");
  models.def("convnetjs_cifar10", &convnetjs_cifar10, py::arg("num_classes") = 10, py::arg("in_channels") = 3,
             release_gil(), "The ConvNetJS CIFAR-10 demo network (Karpathy, ConvNetJS 2014).");
  models.def("alexnet", &alexnet, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, py::arg("dropout") = 0.5,
             release_gil(), "AlexNet (Krizhevsky et al. 2012, ImageNet classification with deep CNNs).");
  const char* vgg_doc =
      "VGG (Simonyan and Zisserman 2015, Very deep convolutional networks for large-scale image recognition).";
  models.def("vgg11", &vgg11, py::arg("batch_norm") = false, py::arg("num_classes") = 1000, py::arg("in_channels") = 3,
             release_gil(), vgg_doc);
  models.def("vgg13", &vgg13, py::arg("batch_norm") = false, py::arg("num_classes") = 1000, py::arg("in_channels") = 3,
             release_gil(), vgg_doc);
  models.def("vgg16", &vgg16, py::arg("batch_norm") = false, py::arg("num_classes") = 1000, py::arg("in_channels") = 3,
             release_gil(), vgg_doc);
  models.def("vgg19", &vgg19, py::arg("batch_norm") = false, py::arg("num_classes") = 1000, py::arg("in_channels") = 3,
             release_gil(), vgg_doc);
  models.def("vgg11_lrn", &vgg11_lrn, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(),
             "VGG config A-LRN (Simonyan and Zisserman 2015), LRN after the first conv block.");
  models.def("nin", &nin, py::arg("num_classes") = 10, py::arg("in_channels") = 3, release_gil(),
             "Network in Network for CIFAR (Lin, Chen and Yan 2014).");
  const char* squeeze_doc = "SqueezeNet (Iandola et al. 2016, AlexNet-level accuracy with 50x fewer parameters).";
  models.def("squeezenet1_0", &squeezenet1_0, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(),
             squeeze_doc);
  models.def("squeezenet1_1", &squeezenet1_1, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(),
             squeeze_doc);
  models.def(
      "googlenet",
      [](bool aux_logits, int64_t num_classes, int64_t in_channels) {
        py::gil_scoped_release release;
        return googlenet(aux_logits, num_classes, in_channels).ptr();
      },
      py::arg("aux_logits") = true, py::arg("num_classes") = 1000, py::arg("in_channels") = 3,
      "GoogLeNet (Szegedy et al. 2015, Going deeper with convolutions).");
  models.def(
      "googlenet_loss",
      [](const py::object& outputs, const Tensor& target, double aux_weight) {
        Tensor logits, aux1, aux2;
        if (py::isinstance<py::tuple>(outputs)) {
          auto items = outputs.cast<py::tuple>();
          STRIATE_CHECK(items.size() == 3, "googlenet_loss: expected outputs (logits, aux1, aux2), got a tuple of ",
                        items.size());
          logits = items[0].cast<Tensor>();
          aux1 = items[1].cast<Tensor>();
          aux2 = items[2].cast<Tensor>();
        } else {
          logits = outputs.cast<Tensor>();
        }
        py::gil_scoped_release release;
        return googlenet_loss(logits, aux1, aux2, target, aux_weight);
      },
      py::arg("outputs"), py::arg("target"), py::arg("aux_weight") = 0.3,
      "GoogLeNet's training loss (Szegedy et al. 2015): CE(logits) + aux_weight * (CE(aux1) + CE(aux2)).");
  const char* dense_doc = "DenseNet (Huang et al. 2017, Densely connected convolutional networks).";
  models.def("densenet121", &densenet121, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(),
             dense_doc);
  models.def("densenet161", &densenet161, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(),
             dense_doc);
  models.def("densenet169", &densenet169, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(),
             dense_doc);
  models.def("densenet201", &densenet201, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(),
             dense_doc);
  models.def("densenet_bc", &densenet_bc, py::arg("depth") = 100, py::arg("growth_rate") = 12,
             py::arg("num_classes") = 10, py::arg("in_channels") = 3, release_gil(),
             "DenseNet-BC for CIFAR (Huang et al. 2017).");
  models.def(
      "fractalnet",
      [](int64_t num_classes, int64_t in_channels, int64_t num_columns, int64_t num_blocks, double local_drop,
         double global_drop) {
        py::gil_scoped_release release;
        return fractalnet(num_classes, in_channels, num_columns, num_blocks, local_drop, global_drop).ptr();
      },
      py::arg("num_classes") = 10, py::arg("in_channels") = 3, py::arg("num_columns") = 3, py::arg("num_blocks") = 5,
      py::arg("local_drop") = 0.0, py::arg("global_drop") = 0.0,
      "FractalNet for CIFAR (Larsson, Maire and Shakhnarovich 2017, Ultra-deep neural networks without residuals); "
      "the paper's drop-path: local_drop=0.15, global_drop=0.5.");
}

}  // namespace

void init_models(py::module_& m) {
  py::module_ models = m.attr("_models");
  bind_resnets(models);
  bind_classic_models(models);
}

}  // namespace striate::python
