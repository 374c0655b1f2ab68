// Merge blocks in striate._C._nn: the generic combinators (Residual, Concat and Parallel, branches as
// varargs) and the ResNets' residual units of nn/blocks.h, and the classic CNNs' blocks of
// nn/blocks_classic.h, under torch-like signatures.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_blocks.h"
#include "striate/nn/blocks.h"
#include "striate/nn/blocks_classic.h"
#include "striate/nn/containers.h"
#include "striate/nn/merge_check.h"

namespace striate::python {
namespace {

using nn::Module;
using nn::SequentialImpl;

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

// A merge block built with input_shape=(C, H, W) runs once on it, so that branches whose outputs
// cannot be merged fail at construction with the fix hint (nn/merge_check.h).
template <typename Block>
std::unique_ptr<Block> checked(std::unique_ptr<Block> block, const std::optional<std::vector<int64_t>>& input_shape) {
  if (input_shape) nn::check_merge_on(*block, *input_shape);
  return block;
}

void bind_residual_blocks(py::module_& nn_module) {
  using nn::ResidualImpl;
  LayerClass<ResidualImpl>(nn_module, "Residual", docstrings::kResidual, py::dynamic_attr())
      .def(py::init(
               [](std::shared_ptr<Module> body, std::shared_ptr<Module> shortcut, std::shared_ptr<Module> post,
                  double drop_path, const std::optional<std::vector<int64_t>>& input_shape) {
                 return checked(std::make_unique<ResidualImpl>(body, shortcut, post, drop_path), input_shape);
               },
               [](std::shared_ptr<Module> body, std::shared_ptr<Module> shortcut, std::shared_ptr<Module> post,
                  double drop_path, const std::optional<std::vector<int64_t>>& input_shape) {
                 return checked(std::make_unique<PyModule<ResidualImpl>>(body, shortcut, post, drop_path), input_shape);
               }),
           py::arg("body").none(true), py::arg("shortcut").none(true) = py::none(),
           py::arg("post").none(true) = py::none(), py::arg("drop_path") = 0.0, py::kw_only(),
           py::arg("input_shape") = py::none())
      .def_readonly("drop_path", &ResidualImpl::drop_path);

  using nn::ConcatImpl;
  LayerClass<ConcatImpl>(nn_module, "Concat", docstrings::kConcat, py::dynamic_attr())
      .def(py::init(
               [](const py::args& args, int64_t dim, const std::optional<std::vector<int64_t>>& input_shape) {
                 return checked(std::make_unique<ConcatImpl>(branch_list(args, "Concat"), dim), input_shape);
               },
               [](const py::args& args, int64_t dim, const std::optional<std::vector<int64_t>>& input_shape) {
                 return checked(std::make_unique<PyModule<ConcatImpl>>(branch_list(args, "Concat"), dim), input_shape);
               }),
           py::arg("dim") = 1, py::arg("input_shape") = py::none())
      .def_readonly("dim", &ConcatImpl::dim);

  using nn::ParallelImpl;
  LayerClass<ParallelImpl>(nn_module, "Parallel", docstrings::kParallel, py::dynamic_attr())
      .def(py::init(
               [](const py::args& args, const std::string& merge,
                  const std::optional<std::vector<int64_t>>& input_shape) {
                 return checked(std::make_unique<ParallelImpl>(branch_list(args, "Parallel"), merge), input_shape);
               },
               [](const py::args& args, const std::string& merge,
                  const std::optional<std::vector<int64_t>>& input_shape) {
                 return checked(std::make_unique<PyModule<ParallelImpl>>(branch_list(args, "Parallel"), merge),
                                input_shape);
               }),
           py::arg("merge") = "cat", py::arg("input_shape") = py::none())
      .def_readonly("merge", &ParallelImpl::merge);

  using nn::ZeroPadShortcutImpl;
  LayerClass<ZeroPadShortcutImpl>(nn_module, "ZeroPadShortcut", docstrings::kZeroPadShortcut, py::dynamic_attr())
      .def(direct_init<ZeroPadShortcutImpl, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("stride") = 1)
      .def_readonly("in_channels", &ZeroPadShortcutImpl::in_channels)
      .def_readonly("out_channels", &ZeroPadShortcutImpl::out_channels)
      .def_readonly("stride", &ZeroPadShortcutImpl::stride);

  using nn::BasicBlockImpl;
  LayerClass<BasicBlockImpl>(nn_module, "BasicBlock", docstrings::kBasicBlock, py::dynamic_attr())
      .def(direct_init<BasicBlockImpl, int64_t, int64_t, int64_t, std::string>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("stride") = 1, py::arg("shortcut") = "B")
      .def_readonly_static("expansion", &BasicBlockImpl::expansion);

  using nn::BottleneckImpl;
  LayerClass<BottleneckImpl>(nn_module, "Bottleneck", docstrings::kBottleneck, py::dynamic_attr())
      .def(direct_init<BottleneckImpl, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("planes"), py::arg("stride") = 1, py::arg("groups") = 1, py::arg("base_width") = 64,
           py::arg("se_reduction") = 0)
      .def_readonly_static("expansion", &BottleneckImpl::expansion);

  using nn::PreActBlockImpl;
  LayerClass<PreActBlockImpl>(nn_module, "PreActBlock", docstrings::kPreActBlock, py::dynamic_attr())
      .def(direct_init<PreActBlockImpl, int64_t, int64_t, int64_t>(), py::arg("in_channels"), py::arg("out_channels"),
           py::arg("stride") = 1);

  using nn::WideBlockImpl;
  LayerClass<WideBlockImpl>(nn_module, "WideBlock", docstrings::kWideBlock, py::dynamic_attr())
      .def(direct_init<WideBlockImpl, int64_t, int64_t, int64_t, double>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("stride") = 1, py::arg("dropout") = 0.0);
}

void bind_blocks_classic(py::module_& nn_module) {
  using namespace nn;
  LayerClass<SubsamplingImpl>(nn_module, "Subsampling", docstrings::kSubsampling, py::dynamic_attr())
      .def(direct_init<SubsamplingImpl, int64_t>(), py::arg("channels"))
      .def_readonly("channels", &SubsamplingImpl::channels);
  LayerClass<ScaledTanhImpl>(nn_module, "ScaledTanh", docstrings::kScaledTanh, py::dynamic_attr())
      .def(direct_init<ScaledTanhImpl>())
      .def_property_readonly_static("amplitude", [](const py::object&) { return ScaledTanhImpl::amplitude; })
      .def_property_readonly_static("slope", [](const py::object&) { return ScaledTanhImpl::slope; });
  LayerClass<BasicConv2dImpl>(nn_module, "BasicConv2d", docstrings::kBasicConv2d, py::dynamic_attr())
      .def(direct_init<BasicConv2dImpl, int64_t, int64_t, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0);
  LayerClass<FireImpl>(nn_module, "Fire", docstrings::kFire, py::dynamic_attr())
      .def(direct_init<FireImpl, int64_t, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("squeeze_channels"), py::arg("expand1x1_channels"), py::arg("expand3x3_channels"))
      .def_readonly("in_channels", &FireImpl::in_channels)
      .def_readonly("squeeze_channels", &FireImpl::squeeze_channels)
      .def_readonly("expand1x1_channels", &FireImpl::expand1x1_channels)
      .def_readonly("expand3x3_channels", &FireImpl::expand3x3_channels);
  LayerClass<InceptionImpl>(nn_module, "Inception", docstrings::kInception, py::dynamic_attr())
      .def(direct_init<InceptionImpl, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t>(),
           py::arg("in_channels"), py::arg("ch1x1"), py::arg("ch3x3red"), py::arg("ch3x3"), py::arg("ch5x5red"),
           py::arg("ch5x5"), py::arg("pool_proj"))
      .def_property_readonly("out_channels", &InceptionImpl::out_channels);
  LayerClass<InceptionAuxImpl>(nn_module, "InceptionAux", docstrings::kInceptionAux, py::dynamic_attr())
      .def(direct_init<InceptionAuxImpl, int64_t, int64_t, double>(), py::arg("in_channels"), py::arg("num_classes"),
           py::arg("dropout") = 0.7);
  LayerClass<MlpConvImpl, SequentialImpl>(nn_module, "MlpConv", docstrings::kMlpConv, py::dynamic_attr())
      .def(direct_init<MlpConvImpl, int64_t, std::vector<int64_t>, int64_t, int64_t, int64_t>(), py::arg("in_channels"),
           py::arg("channels"), py::arg("kernel_size"), py::arg("stride") = 1, py::arg("padding") = 0)
      .def_readonly("out_channels", &MlpConvImpl::out_channels);
  LayerClass<DenseLayerImpl>(nn_module, "DenseLayer", docstrings::kDenseLayer, py::dynamic_attr())
      .def(direct_init<DenseLayerImpl, int64_t, int64_t, bool, int64_t, double>(), py::arg("in_channels"),
           py::arg("growth_rate"), py::arg("bottleneck") = true, py::arg("bn_size") = 4, py::arg("drop_rate") = 0.0)
      .def_readonly("drop_rate", &DenseLayerImpl::drop_rate);
  LayerClass<DenseBlockImpl>(nn_module, "DenseBlock", docstrings::kDenseBlock, py::dynamic_attr())
      .def(direct_init<DenseBlockImpl, int64_t, int64_t, int64_t, bool, double, int64_t, bool>(), py::arg("num_layers"),
           py::arg("in_channels"), py::arg("growth_rate"), py::arg("bottleneck") = true, py::arg("drop_rate") = 0.0,
           py::arg("bn_size") = 4, py::arg("shared_buffer") = true)
      .def_readonly("num_layers", &DenseBlockImpl::num_layers)
      .def_readonly("in_channels", &DenseBlockImpl::in_channels)
      .def_readonly("growth_rate", &DenseBlockImpl::growth_rate)
      .def_readonly("out_channels", &DenseBlockImpl::out_channels)
      .def_readwrite("shared_buffer", &DenseBlockImpl::shared_buffer);
  LayerClass<TransitionImpl, SequentialImpl>(nn_module, "Transition", docstrings::kTransition, py::dynamic_attr())
      .def(direct_init<TransitionImpl, int64_t, int64_t>(), py::arg("in_channels"), py::arg("out_channels"));
  LayerClass<FractalBlockImpl>(nn_module, "FractalBlock", docstrings::kFractalBlock, py::dynamic_attr())
      .def(direct_init<FractalBlockImpl, int64_t, int64_t, int64_t, double, double>(), py::arg("in_channels"),
           py::arg("out_channels"), py::arg("num_columns"), py::arg("local_drop") = 0.0, py::arg("global_drop") = 0.0)
      .def("forward_column", &FractalBlockImpl::forward_column, py::arg("input"), py::arg("column"), release_gil(),
           docstrings::kFractalBlockForwardColumn)
      .def_readonly("in_channels", &FractalBlockImpl::in_channels)
      .def_readonly("out_channels", &FractalBlockImpl::out_channels)
      .def_readonly("num_columns", &FractalBlockImpl::num_columns)
      .def_readwrite("local_drop", &FractalBlockImpl::local_drop)
      .def_readwrite("global_drop", &FractalBlockImpl::global_drop);
  nn_module.def("_lenet5_c3_table_cpp", &lenet5_c3_table);
}

}  // namespace

void init_blocks(py::module_& m) {
  py::module_ nn_module = m.attr("_nn");
  bind_residual_blocks(nn_module);
  bind_blocks_classic(nn_module);
}

}  // namespace striate::python
