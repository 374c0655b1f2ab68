// The architecture configs of the blocks that build their own children (residual units,
// Inception, Fire, dense layers, ...). Arguments a block does not keep as fields are read off its
// children (an Inception's channel counts are its convolutions' sizes).
#include <typeindex>

#include "config_registry.h"
#include "striate/core/error.h"
#include "striate/nn/blocks.h"
#include "striate/nn/blocks_classic.h"
#include "striate/nn/conv.h"
#include "striate/nn/linear.h"
#include "striate/nn/normalization.h"

namespace striate::nn::detail {

// The child at a dotted path below `module` (raises naming the path when it is missing).
const Module& child_at(const Module& module, const std::string& path) {
  const Module* current = &module;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('.', start);
    if (end == std::string::npos) end = path.size();
    const std::string name = path.substr(start, end - start);
    const std::shared_ptr<Module>* child = current->local_children().find(name);
    STRIATE_CHECK_TYPE(child != nullptr && *child != nullptr, "module_config: ", module.name(), " has no child '", path,
                       "' (was it changed after construction?)");
    current = child->get();
    start = end + 1;
  }
  return *current;
}

namespace {

using io::Json;

template <typename Impl, typename ToArgs, typename Build>
void add(const char* name, ToArgs to_args, Build build) {
  ModuleConfigType type{name, std::type_index(typeid(Impl)),
                        [to_args](const Module& module) { return to_args(static_cast<const Impl&>(module)); },
                        [build](ConfigArgs& args, ConfigChildren&) -> std::shared_ptr<Module> { return build(args); },
                        false};
  add_module_config(std::move(type));
}

const Conv2dImpl& conv(const Module& module, const std::string& path) { return child_as<Conv2dImpl>(module, path); }

}  // namespace

void register_block_configs() {
  add<ZeroPadShortcutImpl>(
      "ZeroPadShortcut",
      [](const ZeroPadShortcutImpl& m) {
        return Json::object({{"in_channels", m.in_channels}, {"out_channels", m.out_channels}, {"stride", m.stride}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<ZeroPadShortcutImpl>(a.integer("in_channels"), a.integer("out_channels"),
                                                     a.integer("stride", 1));
      });
  add<BasicBlockImpl>(
      "BasicBlock",
      [](const BasicBlockImpl& m) {
        bool option_a = m.downsample && dynamic_cast<const ZeroPadShortcutImpl*>(m.downsample.get()) != nullptr;
        return Json::object({{"in_channels", m.in_channels},
                             {"out_channels", m.out_channels},
                             {"stride", m.stride},
                             {"shortcut", option_a ? "A" : "B"}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<BasicBlockImpl>(a.integer("in_channels"), a.integer("out_channels"),
                                                a.integer("stride", 1), a.string("shortcut", "B"));
      });
  add<BottleneckImpl>(
      "Bottleneck",
      [](const BottleneckImpl& m) {
        int64_t se_reduction = 0;
        if (m.se) {
          const auto& se = dynamic_cast<const SqueezeExciteImpl&>(*m.se);
          se_reduction = se.channels / se.squeeze_channels;
        }
        return Json::object({{"in_channels", m.in_channels},
                             {"planes", m.planes},
                             {"stride", m.stride},
                             {"groups", m.groups},
                             {"base_width", m.base_width},
                             {"se_reduction", se_reduction}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<BottleneckImpl>(a.integer("in_channels"), a.integer("planes"), a.integer("stride", 1),
                                                a.integer("groups", 1), a.integer("base_width", 64),
                                                a.integer("se_reduction", 0));
      });
  add<PreActBlockImpl>(
      "PreActBlock",
      [](const PreActBlockImpl& m) {
        return Json::object({{"in_channels", m.in_channels}, {"out_channels", m.out_channels}, {"stride", m.stride}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<PreActBlockImpl>(a.integer("in_channels"), a.integer("out_channels"),
                                                 a.integer("stride", 1));
      });
  add<WideBlockImpl>(
      "WideBlock",
      [](const WideBlockImpl& m) {
        return Json::object({{"in_channels", m.in_channels},
                             {"out_channels", m.out_channels},
                             {"stride", m.stride},
                             {"dropout", m.dropout}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<WideBlockImpl>(a.integer("in_channels"), a.integer("out_channels"),
                                               a.integer("stride", 1), a.number("dropout", 0.0));
      });
  add<SubsamplingImpl>(
      "Subsampling", [](const SubsamplingImpl& m) { return Json::object({{"channels", m.channels}}); },
      [](ConfigArgs& a) { return std::make_shared<SubsamplingImpl>(a.integer("channels")); });
  add<BasicConv2dImpl>(
      "BasicConv2d",
      [](const BasicConv2dImpl& m) {
        const auto& c = conv(m, "conv").options;
        return Json::object({{"in_channels", c.in_channels()},
                             {"out_channels", c.out_channels()},
                             {"kernel_size", c.kernel_size()[0]},
                             {"stride", c.stride()[0]},
                             {"padding", c.padding()[0]}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<BasicConv2dImpl>(a.integer("in_channels"), a.integer("out_channels"),
                                                 a.integer("kernel_size"), a.integer("stride", 1),
                                                 a.integer("padding", 0));
      });
  add<FireImpl>(
      "Fire",
      [](const FireImpl& m) {
        return Json::object({{"in_channels", m.in_channels},
                             {"squeeze_channels", m.squeeze_channels},
                             {"expand1x1_channels", m.expand1x1_channels},
                             {"expand3x3_channels", m.expand3x3_channels}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<FireImpl>(a.integer("in_channels"), a.integer("squeeze_channels"),
                                          a.integer("expand1x1_channels"), a.integer("expand3x3_channels"));
      });
  add<InceptionImpl>(
      "Inception",
      [](const InceptionImpl& m) {
        return Json::object({{"in_channels", conv(m, "branch1.conv").options.in_channels()},
                             {"ch1x1", conv(m, "branch1.conv").options.out_channels()},
                             {"ch3x3_reduce", conv(m, "branch2.0.conv").options.out_channels()},
                             {"ch3x3", conv(m, "branch2.1.conv").options.out_channels()},
                             {"ch5x5_reduce", conv(m, "branch3.0.conv").options.out_channels()},
                             {"ch5x5", conv(m, "branch3.1.conv").options.out_channels()},
                             {"pool_proj", conv(m, "branch4.1.conv").options.out_channels()}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<InceptionImpl>(a.integer("in_channels"), a.integer("ch1x1"), a.integer("ch3x3_reduce"),
                                               a.integer("ch3x3"), a.integer("ch5x5_reduce"), a.integer("ch5x5"),
                                               a.integer("pool_proj"));
      });
  add<InceptionAuxImpl>(
      "InceptionAux",
      [](const InceptionAuxImpl& m) {
        return Json::object({{"in_channels", conv(m, "conv.conv").options.in_channels()},
                             {"num_classes", child_as<LinearImpl>(m, "fc2").options.out_features()},
                             {"dropout", m.dropout}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<InceptionAuxImpl>(a.integer("in_channels"), a.integer("num_classes"),
                                                  a.number("dropout", 0.7));
      });
  add<MlpConvImpl>(
      "MlpConv",
      [](const MlpConvImpl& m) {
        const auto& first = conv(m, "0").options;
        std::vector<int64_t> channels;
        for (size_t i = 0; i < m.size(); i += 2) channels.push_back(conv(m, std::to_string(i)).options.out_channels());
        return Json::object({{"in_channels", first.in_channels()},
                             {"channels", Json(channels)},
                             {"kernel_size", first.kernel_size()[0]},
                             {"stride", first.stride()[0]},
                             {"padding", first.padding()[0]}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<MlpConvImpl>(a.integer("in_channels"), a.integers("channels"), a.integer("kernel_size"),
                                             a.integer("stride", 1), a.integer("padding", 0));
      });
  add<DenseLayerImpl>(
      "DenseLayer",
      [](const DenseLayerImpl& m) {
        int64_t in_channels = child_as<BatchNorm2dImpl>(m, "norm1").options.num_features();
        bool bottleneck = m.local_children().contains("norm2");
        int64_t growth = bottleneck ? conv(m, "conv2").options.out_channels() : conv(m, "conv1").options.out_channels();
        int64_t bn_size = bottleneck ? conv(m, "conv1").options.out_channels() / growth : 4;
        return Json::object({{"in_channels", in_channels},
                             {"growth_rate", growth},
                             {"bottleneck", bottleneck},
                             {"bn_size", bn_size},
                             {"drop_rate", m.drop_rate}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<DenseLayerImpl>(a.integer("in_channels"), a.integer("growth_rate"),
                                                a.boolean("bottleneck", true), a.integer("bn_size", 4),
                                                a.number("drop_rate", 0.0));
      });
  add<DenseBlockImpl>(
      "DenseBlock",
      [](const DenseBlockImpl& m) {
        const auto& first = dynamic_cast<const DenseLayerImpl&>(child_at(m, "denselayer1"));
        bool bottleneck = first.local_children().contains("norm2");
        int64_t bn_size = bottleneck ? conv(first, "conv1").options.out_channels() / m.growth_rate : 4;
        return Json::object({{"num_layers", m.num_layers},
                             {"in_channels", m.in_channels},
                             {"growth_rate", m.growth_rate},
                             {"bottleneck", bottleneck},
                             {"drop_rate", first.drop_rate},
                             {"bn_size", bn_size},
                             {"shared_buffer", m.shared_buffer}});
      },
      [](ConfigArgs& a) {
        int64_t num_layers = a.integer("num_layers");
        STRIATE_CHECK(num_layers >= 1 && num_layers <= 4096, a.context(), ": num_layers must be in [1, 4096], got ",
                      num_layers);
        return std::make_shared<DenseBlockImpl>(num_layers, a.integer("in_channels"), a.integer("growth_rate"),
                                                a.boolean("bottleneck", true), a.number("drop_rate", 0.0),
                                                a.integer("bn_size", 4), a.boolean("shared_buffer", true));
      });
  add<TransitionImpl>(
      "Transition",
      [](const TransitionImpl& m) {
        return Json::object({{"in_channels", child_as<BatchNorm2dImpl>(m, "norm").options.num_features()},
                             {"out_channels", conv(m, "conv").options.out_channels()}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<TransitionImpl>(a.integer("in_channels"), a.integer("out_channels"));
      });
  add<FractalBlockImpl>(
      "FractalBlock",
      [](const FractalBlockImpl& m) {
        return Json::object({{"in_channels", m.in_channels},
                             {"out_channels", m.out_channels},
                             {"num_columns", m.num_columns},
                             {"local_drop", m.local_drop},
                             {"global_drop", m.global_drop}});
      },
      [](ConfigArgs& a) {
        int64_t columns = a.integer("num_columns");
        STRIATE_CHECK(columns >= 1 && columns <= 16, a.context(), ": num_columns must be in [1, 16], got ", columns);
        return std::make_shared<FractalBlockImpl>(a.integer("in_channels"), a.integer("out_channels"), columns,
                                                  a.number("local_drop", 0.0), a.number("global_drop", 0.0));
      });
}

}  // namespace striate::nn::detail
