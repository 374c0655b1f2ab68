// Bindings of the issue-4 resnet family: the merge blocks of nn/blocks.h into _C._nn under
// torch-like signatures (branches as varargs), the models of models/resnet.h into _C._models.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/models/resnet.h"
#include "striate/nn/blocks.h"

namespace striate::python {
namespace {

using nn::Module;
using release_gil = py::call_guard<py::gil_scoped_release>;

template <typename Impl>
using LayerClass = py::class_<Impl, Module, PyModule<Impl>, py::smart_holder>;

template <typename Impl, typename... Args>
auto direct_init() {
  return py::init([](Args... args) { return std::make_unique<Impl>(args...); },
                  [](Args... args) { return std::make_unique<PyModule<Impl>>(args...); });
}

// The varargs of Concat / Parallel, each required to be a striate.nn.Module.
std::vector<std::shared_ptr<Module>> branch_list(const py::args& args, const char* block) {
  py::object module_type = py::type::of<Module>();
  std::vector<std::shared_ptr<Module>> branches;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string type_name = py::str(py::type::handle_of(args[i]).attr("__name__"));
    STRIATE_CHECK_TYPE(py::isinstance(args[i], module_type), block, ": expected branch ", i,
                       " to be a striate.nn.Module, got ", type_name);
    branches.push_back(args[i].cast<std::shared_ptr<Module>>());
  }
  return branches;
}

void bind_blocks(py::module_& nn_module) {
  using nn::ResidualImpl;
  LayerClass<ResidualImpl>(nn_module, "Residual", py::dynamic_attr())
      .def(direct_init<ResidualImpl, std::shared_ptr<Module>, std::shared_ptr<Module>, std::shared_ptr<Module>,
                       double>(),
           py::arg("body").none(true), py::arg("shortcut").none(true) = py::none(),
           py::arg("post").none(true) = py::none(), py::arg("drop_path") = 0.0)
      .def_readonly("drop_path", &ResidualImpl::drop_path);

  using nn::ConcatImpl;
  LayerClass<ConcatImpl>(nn_module, "Concat", py::dynamic_attr())
      .def(py::init(
               [](const py::args& args, int64_t dim) {
                 return std::make_unique<ConcatImpl>(branch_list(args, "Concat"), dim);
               },
               [](const py::args& args, int64_t dim) {
                 return std::make_unique<PyModule<ConcatImpl>>(branch_list(args, "Concat"), dim);
               }),
           py::arg("dim") = 1)
      .def_readonly("dim", &ConcatImpl::dim);

  using nn::ParallelImpl;
  LayerClass<ParallelImpl>(nn_module, "Parallel", py::dynamic_attr())
      .def(py::init(
               [](const py::args& args, const std::string& merge) {
                 return std::make_unique<ParallelImpl>(branch_list(args, "Parallel"), merge);
               },
               [](const py::args& args, const std::string& merge) {
                 return std::make_unique<PyModule<ParallelImpl>>(branch_list(args, "Parallel"), merge);
               }),
           py::arg("merge") = "cat")
      .def_readonly("merge", &ParallelImpl::merge);

  using nn::ZeroPadShortcutImpl;
  LayerClass<ZeroPadShortcutImpl>(nn_module, "ZeroPadShortcut", py::dynamic_attr())
      .def(direct_init<ZeroPadShortcutImpl, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("stride") = 1);

  using nn::BasicBlockImpl;
  LayerClass<BasicBlockImpl>(nn_module, "BasicBlock", py::dynamic_attr())
      .def(direct_init<BasicBlockImpl, int64_t, int64_t, int64_t, std::string>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("stride") = 1, py::arg("shortcut") = "B")
      .def_readonly_static("expansion", &BasicBlockImpl::expansion);

  using nn::BottleneckImpl;
  LayerClass<BottleneckImpl>(nn_module, "Bottleneck", py::dynamic_attr())
      .def(direct_init<BottleneckImpl, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("planes"), py::arg("stride") = 1, py::arg("groups") = 1, py::arg("base_width") = 64,
           py::arg("se_reduction") = 0)
      .def_readonly_static("expansion", &BottleneckImpl::expansion);

  using nn::PreActBlockImpl;
  LayerClass<PreActBlockImpl>(nn_module, "PreActBlock", py::dynamic_attr())
      .def(direct_init<PreActBlockImpl, int64_t, int64_t, int64_t>(), py::arg("in_channels"), py::arg("out_channels"),
           py::arg("stride") = 1);

  using nn::WideBlockImpl;
  LayerClass<WideBlockImpl>(nn_module, "WideBlock", py::dynamic_attr())
      .def(direct_init<WideBlockImpl, int64_t, int64_t, int64_t, double>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("stride") = 1, py::arg("dropout") = 0.0);
}

template <typename Impl>
using ModelClass = py::class_<Impl, Module, py::smart_holder>;

// A zoo constructor taking (num_classes, in_channels) as keywords.
template <typename Holder>
void def_model(py::module_& models, const char* name, Holder (*make)(int64_t, int64_t), int64_t num_classes,
               const char* doc) {
  models.def(name, [make](int64_t classes, int64_t channels) { return make(classes, channels).ptr(); }, doc,
             py::kw_only(), py::arg("num_classes") = num_classes, py::arg("in_channels") = 3, release_gil());
}

void bind_models(py::module_& models) {
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
      "WRN-depth-k for CIFAR (Zagoruyko & Komodakis 2016, Wide Residual Networks).", py::arg("depth"),
      py::arg("k"), py::arg("dropout") = 0.0, py::kw_only(), py::arg("num_classes") = 10, py::arg("in_channels") = 3,
      release_gil());
  models.def(
      "wide_resnet28_10",
      [](int64_t num_classes, int64_t in_channels, double dropout) {
        return models::wide_resnet28_10(num_classes, in_channels, dropout).ptr();
      },
      "WRN-28-10 for CIFAR (Zagoruyko & Komodakis 2016, Wide Residual Networks).", py::kw_only(),
      py::arg("num_classes") = 10, py::arg("in_channels") = 3, py::arg("dropout") = 0.0, release_gil());
}

}  // namespace

void init_models_resnet_family(py::module_& m) {
  py::module_ nn_module = m.attr("_nn");
  py::module_ models_module = m.attr("_models");
  bind_blocks(nn_module);
  bind_models(models_module);
}

}  // namespace striate::python
