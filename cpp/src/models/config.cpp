// The architecture configs of the zoo's model classes (ResNet, CifarResNet, PreActResNet,
// WideResNet, GoogLeNet, FractalNet, and ClassicNet, the container behind AlexNet, VGG, SqueezeNet
// and DenseNet): each by its constructor's arguments, so a saved zoo model is rebuilt by name.
#include <typeindex>

#include "../nn/config_registry.h"
#include "striate/core/error.h"
#include "striate/models/classic.h"
#include "striate/models/resnet.h"
#include "striate/nn/blocks.h"
#include "striate/nn/blocks_classic.h"
#include "striate/nn/linear.h"

namespace striate::nn::detail {

namespace {

using io::Json;
using namespace striate::models;

template <typename Impl, typename ToArgs, typename Build>
void add(const char* name, ToArgs to_args, Build build, bool takes_children = false) {
  ModuleConfigType type{
      name, std::type_index(typeid(Impl)),
      [to_args](const Module& module) { return to_args(static_cast<const Impl&>(module)); },
      [build](ConfigArgs& args, ConfigChildren& children) -> std::shared_ptr<Module> { return build(args, children); },
      takes_children};
  add_module_config(std::move(type));
}

int64_t out_features(const Module& module, const std::string& path) {
  return child_as<LinearImpl>(module, path).options.out_features();
}

int64_t stage_length(const Module& module, const std::string& stage) {
  return static_cast<int64_t>(child_at(module, stage).local_children().size());
}

int64_t checked_range(ConfigArgs& a, const char* name, int64_t low, int64_t high) {
  int64_t value = a.integer(name);
  STRIATE_CHECK(value >= low && value <= high, a.context(), ": argument '", name, "' must be in [", low, ", ", high,
                "], got ", value);
  return value;
}

}  // namespace

void register_model_configs() {
  add<ResNetImpl>(
      "ResNet",
      [](const ResNetImpl& m) {
        return Json::object({{"block", m.config.block},
                             {"layers", Json(m.config.layers)},
                             {"groups", m.config.groups},
                             {"width_per_group", m.config.width_per_group},
                             {"se_reduction", m.config.se_reduction},
                             {"num_classes", out_features(m, "fc")},
                             {"in_channels", m.in_channels}});
      },
      [](ConfigArgs& a, ConfigChildren&) {
        ResNetConfig config;
        config.block = a.string("block");
        config.layers = a.integers("layers", 4);
        for (int64_t n : config.layers) {
          STRIATE_CHECK(n >= 1 && n <= 1024, a.context(), ": every entry of 'layers' must be in [1, 1024], got ", n);
        }
        config.groups = a.integer("groups", 1);
        config.width_per_group = a.integer("width_per_group", 64);
        config.se_reduction = a.integer("se_reduction", 0);
        return std::make_shared<ResNetImpl>(config, a.integer("num_classes"), a.integer("in_channels"));
      });
  add<CifarResNetImpl>(
      "CifarResNet",
      [](const CifarResNetImpl& m) {
        return Json::object(
            {{"depth", m.depth}, {"num_classes", out_features(m, "fc")}, {"in_channels", m.in_channels}});
      },
      [](ConfigArgs& a, ConfigChildren&) {
        int64_t depth = checked_range(a, "depth", 8, 6 * 1024 + 2);
        return std::make_shared<CifarResNetImpl>(depth, a.integer("num_classes"), a.integer("in_channels"));
      });
  add<PreActResNetImpl>(
      "PreActResNet",
      [](const PreActResNetImpl& m) {
        std::vector<int64_t> layers;
        for (int stage = 1; stage <= 4; ++stage) layers.push_back(stage_length(m, "layer" + std::to_string(stage)));
        return Json::object(
            {{"layers", Json(layers)}, {"num_classes", out_features(m, "fc")}, {"in_channels", m.in_channels}});
      },
      [](ConfigArgs& a, ConfigChildren&) {
        auto layers = a.integers("layers", 4);
        for (int64_t n : layers) {
          STRIATE_CHECK(n >= 1 && n <= 1024, a.context(), ": every entry of 'layers' must be in [1, 1024], got ", n);
        }
        return std::make_shared<PreActResNetImpl>(layers, a.integer("num_classes"), a.integer("in_channels"));
      });
  add<WideResNetImpl>(
      "WideResNet",
      [](const WideResNetImpl& m) {
        const auto& block = child_as<WideBlockImpl>(m, "layer1.0");
        return Json::object({{"depth", m.depth},
                             {"widen_factor", m.widen_factor},
                             {"dropout", block.dropout},
                             {"num_classes", out_features(m, "fc")},
                             {"in_channels", m.in_channels}});
      },
      [](ConfigArgs& a, ConfigChildren&) {
        int64_t depth = checked_range(a, "depth", 10, 6 * 1024 + 4);
        int64_t widen = checked_range(a, "widen_factor", 1, 64);
        return std::make_shared<WideResNetImpl>(depth, widen, a.number("dropout", 0.0), a.integer("num_classes"),
                                                a.integer("in_channels"));
      });
  add<GoogLeNetImpl>(
      "GoogLeNet",
      [](const GoogLeNetImpl& m) {
        double dropout_aux = m.aux_logits ? child_as<InceptionAuxImpl>(m, "aux1").dropout : 0.7;
        return Json::object({{"num_classes", out_features(m, "fc")},
                             {"in_channels", child_as<Conv2dImpl>(m, "conv1.conv").options.in_channels()},
                             {"aux_logits", m.aux_logits},
                             {"dropout", child_as<DropoutImpl>(m, "dropout").p},
                             {"dropout_aux", dropout_aux}});
      },
      [](ConfigArgs& a, ConfigChildren&) {
        return std::make_shared<GoogLeNetImpl>(a.integer("num_classes"), a.integer("in_channels"),
                                               a.boolean("aux_logits"), a.number("dropout", 0.2),
                                               a.number("dropout_aux", 0.7));
      });
  add<FractalNetImpl>(
      "FractalNet",
      [](const FractalNetImpl& m) {
        const auto& first = child_as<FractalBlockImpl>(m, "features.0");
        return Json::object({{"num_classes", out_features(m, "classifier")},
                             {"in_channels", first.in_channels},
                             {"num_columns", m.num_columns},
                             {"num_blocks", stage_length(m, "features") / 2},
                             {"local_drop", first.local_drop},
                             {"global_drop", m.global_drop}});
      },
      [](ConfigArgs& a, ConfigChildren&) {
        return std::make_shared<FractalNetImpl>(a.integer("num_classes"), a.integer("in_channels"),
                                                checked_range(a, "num_columns", 1, 16), a.integer("num_blocks"),
                                                a.number("local_drop", 0.0), a.number("global_drop", 0.0));
      });
  add<ClassicNetImpl>(
      "ClassicNet",
      [](const ClassicNetImpl& m) {
        return Json::object(
            {{"name", m.name()}, {"global_pool", m.layout.global_pool}, {"flatten_last", m.layout.flatten_last}});
      },
      [](ConfigArgs& a, ConfigChildren& children) {
        std::shared_ptr<Module> features, avgpool, classifier;
        for (auto& child : children) {
          if (child.first == "features") {
            features = child.second;
          } else if (child.first == "avgpool") {
            avgpool = child.second;
          } else if (child.first == "classifier") {
            classifier = child.second;
          } else {
            STRIATE_CHECK(false, a.context(), ": unexpected child '", child.first, "'");
          }
        }
        STRIATE_CHECK(features && classifier, a.context(), ": expected children 'features' and 'classifier'");
        ClassicNetLayout layout;
        layout.global_pool = a.boolean("global_pool", false);
        layout.flatten_last = a.boolean("flatten_last", false);
        return std::make_shared<ClassicNetImpl>(a.string("name"), features, avgpool, classifier, layout);
      },
      true);
}

}  // namespace striate::nn::detail
