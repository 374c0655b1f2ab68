// Bindings of the issue-4 classic family: the merge blocks of nn/classic_blocks.h into _C._nn and
// the models of models/classic.h into _C._models, each model with a one-line docstring citing its paper.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/models/classic.h"
#include "striate/nn/classic_blocks.h"

namespace striate::python {
namespace {

using nn::Module;
using release_gil = py::call_guard<py::gil_scoped_release>;

template <typename Impl, typename Base = Module>
using LayerClass = py::class_<Impl, Base, PyModule<Impl>, py::smart_holder>;

template <typename Impl, typename... Args>
auto direct_init() {
  return py::init([](Args... args) { return std::make_unique<Impl>(args...); },
                  [](Args... args) { return std::make_unique<PyModule<Impl>>(args...); });
}

void bind_blocks(py::module_& nn_module) {
  using namespace nn;
  LayerClass<SubsamplingImpl>(nn_module, "Subsampling", py::dynamic_attr())
      .def(direct_init<SubsamplingImpl, int64_t>(), py::arg("channels"))
      .def_readonly("channels", &SubsamplingImpl::channels);
  LayerClass<ScaledTanhImpl>(nn_module, "ScaledTanh", py::dynamic_attr()).def(direct_init<ScaledTanhImpl>());
  LayerClass<BasicConv2dImpl>(nn_module, "BasicConv2d", py::dynamic_attr())
      .def(direct_init<BasicConv2dImpl, int64_t, int64_t, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0);
  LayerClass<FireImpl>(nn_module, "Fire", py::dynamic_attr())
      .def(direct_init<FireImpl, int64_t, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("squeeze_channels"), py::arg("expand1x1_channels"), py::arg("expand3x3_channels"))
      .def_readonly("in_channels", &FireImpl::in_channels)
      .def_readonly("squeeze_channels", &FireImpl::squeeze_channels)
      .def_readonly("expand1x1_channels", &FireImpl::expand1x1_channels)
      .def_readonly("expand3x3_channels", &FireImpl::expand3x3_channels);
  LayerClass<InceptionImpl>(nn_module, "Inception", py::dynamic_attr())
      .def(direct_init<InceptionImpl, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t>(),
           py::arg("in_channels"), py::arg("ch1x1"), py::arg("ch3x3red"), py::arg("ch3x3"), py::arg("ch5x5red"),
           py::arg("ch5x5"), py::arg("pool_proj"))
      .def_property_readonly("out_channels", &InceptionImpl::out_channels);
  LayerClass<InceptionAuxImpl>(nn_module, "InceptionAux", py::dynamic_attr())
      .def(direct_init<InceptionAuxImpl, int64_t, int64_t, double>(), py::arg("in_channels"), py::arg("num_classes"),
           py::arg("dropout") = 0.7);
  LayerClass<MlpConvImpl, SequentialImpl>(nn_module, "MlpConv", py::dynamic_attr())
      .def(direct_init<MlpConvImpl, int64_t, std::vector<int64_t>, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("channels"), py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0)
      .def_readonly("out_channels", &MlpConvImpl::out_channels);
  LayerClass<DenseLayerImpl>(nn_module, "DenseLayer", py::dynamic_attr())
      .def(direct_init<DenseLayerImpl, int64_t, int64_t, bool, int64_t, double>(), py::arg("in_channels"),
           py::arg("growth_rate"), py::arg("bottleneck") = true, py::arg("bn_size") = 4, py::arg("drop_rate") = 0.0);
  LayerClass<DenseBlockImpl>(nn_module, "DenseBlock", py::dynamic_attr())
      .def(direct_init<DenseBlockImpl, int64_t, int64_t, int64_t, bool, double, int64_t, bool>(), py::arg("num_layers"),
           py::arg("in_channels"), py::arg("growth_rate"), py::arg("bottleneck") = true, py::arg("drop_rate") = 0.0,
           py::arg("bn_size") = 4, py::arg("shared_buffer") = true)
      .def_readonly("num_layers", &DenseBlockImpl::num_layers)
      .def_readonly("in_channels", &DenseBlockImpl::in_channels)
      .def_readonly("growth_rate", &DenseBlockImpl::growth_rate)
      .def_readonly("out_channels", &DenseBlockImpl::out_channels)
      .def_readwrite("shared_buffer", &DenseBlockImpl::shared_buffer);
  LayerClass<TransitionImpl, SequentialImpl>(nn_module, "Transition", py::dynamic_attr())
      .def(direct_init<TransitionImpl, int64_t, int64_t>(), py::arg("in_channels"), py::arg("out_channels"));
  LayerClass<FractalBlockImpl>(nn_module, "FractalBlock", py::dynamic_attr())
      .def(direct_init<FractalBlockImpl, int64_t, int64_t, int64_t, double, double>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("num_columns"), py::arg("local_drop") = 0.0, py::arg("global_drop") = 0.0)
      .def("forward_column", &FractalBlockImpl::forward_column, py::arg("input"), py::arg("column"), release_gil(),
           "Runs column `column` alone (0: the single conv, num_columns - 1: the deepest), as global drop-path does.")
      .def_readonly("in_channels", &FractalBlockImpl::in_channels)
      .def_readonly("out_channels", &FractalBlockImpl::out_channels)
      .def_readonly("num_columns", &FractalBlockImpl::num_columns)
      .def_readwrite("local_drop", &FractalBlockImpl::local_drop)
      .def_readwrite("global_drop", &FractalBlockImpl::global_drop);
  nn_module.def("_lenet5_c3_table_cpp", &lenet5_c3_table);
}

py::object aux_output(const Tensor& aux) { return aux.defined() ? py::cast(aux) : py::none(); }

void bind_models(py::module_& models) {
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
            return py::make_tuple(std::get<0>(result), aux_output(std::get<1>(result)), aux_output(std::get<2>(result)));
          },
          py::arg("input"));

  models.def("lenet5", &lenet5, py::arg("variant") = "modern", py::arg("num_classes") = 10, py::arg("in_channels") = 1,
             release_gil(), "LeNet-5 (LeCun et al. 1998, Gradient-based learning applied to document recognition).");
  models.def("convnetjs_mnist", &convnetjs_mnist, py::arg("num_classes") = 10, py::arg("in_channels") = 1, release_gil(),
             "The ConvNetJS MNIST demo network (Karpathy, ConvNetJS 2014), on 24x24 crops.");
  models.def("convnetjs_cifar10", &convnetjs_cifar10, py::arg("num_classes") = 10, py::arg("in_channels") = 3,
             release_gil(), "The ConvNetJS CIFAR-10 demo network (Karpathy, ConvNetJS 2014).");
  models.def("alexnet", &alexnet, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, py::arg("dropout") = 0.5,
             release_gil(), "AlexNet (Krizhevsky et al. 2012, ImageNet classification with deep CNNs).");
  const char* vgg_doc = "VGG (Simonyan and Zisserman 2015, Very deep convolutional networks for large-scale image recognition).";
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
  models.def("googlenet", [](bool aux_logits, int64_t num_classes, int64_t in_channels) {
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
  models.def("densenet121", &densenet121, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(), dense_doc);
  models.def("densenet161", &densenet161, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(), dense_doc);
  models.def("densenet169", &densenet169, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(), dense_doc);
  models.def("densenet201", &densenet201, py::arg("num_classes") = 1000, py::arg("in_channels") = 3, release_gil(), dense_doc);
  models.def("densenet_bc", &densenet_bc, py::arg("depth") = 100, py::arg("growth_rate") = 12, py::arg("num_classes") = 10,
             py::arg("in_channels") = 3, release_gil(), "DenseNet-BC for CIFAR (Huang et al. 2017).");
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

void init_models_classic_family(py::module_& m) {
  py::module_ nn_module = py::module_(m.attr("_nn"));
  py::module_ models = py::module_(m.attr("_models"));
  bind_blocks(nn_module);
  bind_models(models);
}

}  // namespace striate::python
