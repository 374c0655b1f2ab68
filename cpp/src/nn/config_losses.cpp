// The architecture configs of the loss modules (nn/loss.h). A class weight is a buffer, so its
// values travel in the state dict; the config records only its shape ("weight": [C] or null), and
// the rebuilt loss holds a placeholder of that shape until load_state_dict fills it.
#include <typeindex>

#include "config_registry.h"
#include "striate/nn/loss.h"
#include "striate/ops/creation.h"

namespace striate::nn::detail {

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

Json buffer_shape(const Module& module, const char* name) {
  const Tensor* buffer = module.local_buffers().find(name);
  if (buffer == nullptr || !buffer->defined()) return Json();
  return Json(buffer->sizes().vec());
}

Tensor placeholder(ConfigArgs& args, const char* name) {
  if (!args.has(name)) {
    args.optional_integer(name);
    return Tensor();
  }
  std::vector<int64_t> shape = args.integers(name, std::nullopt, 8);
  for (int64_t size : shape) {
    STRIATE_CHECK(size >= 0 && size <= (int64_t{1} << 24), args.context(), ": argument '", name,
                  "': sizes must be in [0, 2^24], got ", size);
  }
  return ones(Shape(shape));
}

template <typename Impl>
void add_reduction_only(const char* name) {
  add<Impl>(
      name, [](const Impl& m) { return Json::object({{"reduction", m.options.reduction()}}); },
      [](ConfigArgs& a) {
        typename std::decay_t<decltype(std::declval<Impl>().options)> o;
        o.reduction(a.string("reduction", "mean"));
        return std::make_shared<Impl>(o);
      });
}

}  // namespace

void register_loss_configs() {
  add<CrossEntropyLossImpl>(
      "CrossEntropyLoss",
      [](const CrossEntropyLossImpl& m) {
        return Json::object({{"weight", buffer_shape(m, "weight")},
                             {"ignore_index", m.options.ignore_index()},
                             {"reduction", m.options.reduction()},
                             {"label_smoothing", m.options.label_smoothing()}});
      },
      [](ConfigArgs& a) {
        CrossEntropyLossOptions o;
        o.weight(placeholder(a, "weight")).ignore_index(a.integer("ignore_index", -100));
        o.reduction(a.string("reduction", "mean")).label_smoothing(a.number("label_smoothing", 0.0));
        return std::make_shared<CrossEntropyLossImpl>(o);
      });
  add<NLLLossImpl>(
      "NLLLoss",
      [](const NLLLossImpl& m) {
        return Json::object({{"weight", buffer_shape(m, "weight")},
                             {"ignore_index", m.options.ignore_index()},
                             {"reduction", m.options.reduction()}});
      },
      [](ConfigArgs& a) {
        NLLLossOptions o;
        o.weight(placeholder(a, "weight")).ignore_index(a.integer("ignore_index", -100));
        o.reduction(a.string("reduction", "mean"));
        return std::make_shared<NLLLossImpl>(o);
      });
  add<MultiMarginLossImpl>(
      "MultiMarginLoss",
      [](const MultiMarginLossImpl& m) {
        return Json::object({{"p", m.options.p()},
                             {"margin", m.options.margin()},
                             {"weight", buffer_shape(m, "weight")},
                             {"reduction", m.options.reduction()}});
      },
      [](ConfigArgs& a) {
        MultiMarginLossOptions o;
        o.p(a.integer("p", 1)).margin(a.number("margin", 1.0)).weight(placeholder(a, "weight"));
        o.reduction(a.string("reduction", "mean"));
        return std::make_shared<MultiMarginLossImpl>(o);
      });
  add<CosineEmbeddingLossImpl>(
      "CosineEmbeddingLoss",
      [](const CosineEmbeddingLossImpl& m) {
        return Json::object({{"margin", m.options.margin()}, {"reduction", m.options.reduction()}});
      },
      [](ConfigArgs& a) {
        CosineEmbeddingLossOptions o;
        o.margin(a.number("margin", 0.0)).reduction(a.string("reduction", "mean"));
        return std::make_shared<CosineEmbeddingLossImpl>(o);
      });
  add<BCELossImpl>(
      "BCELoss",
      [](const BCELossImpl& m) {
        return Json::object({{"weight", buffer_shape(m, "weight")}, {"reduction", m.options.reduction()}});
      },
      [](ConfigArgs& a) {
        BCELossOptions o;
        o.weight(placeholder(a, "weight")).reduction(a.string("reduction", "mean"));
        return std::make_shared<BCELossImpl>(o);
      });
  add<BCEWithLogitsLossImpl>(
      "BCEWithLogitsLoss",
      [](const BCEWithLogitsLossImpl& m) {
        return Json::object({{"weight", buffer_shape(m, "weight")},
                             {"reduction", m.options.reduction()},
                             {"pos_weight", buffer_shape(m, "pos_weight")}});
      },
      [](ConfigArgs& a) {
        BCEWithLogitsLossOptions o;
        o.weight(placeholder(a, "weight")).reduction(a.string("reduction", "mean"));
        o.pos_weight(placeholder(a, "pos_weight"));
        return std::make_shared<BCEWithLogitsLossImpl>(o);
      });
  add_reduction_only<MSELossImpl>("MSELoss");
  add_reduction_only<L1LossImpl>("L1Loss");
  add<SmoothL1LossImpl>(
      "SmoothL1Loss",
      [](const SmoothL1LossImpl& m) {
        return Json::object({{"reduction", m.options.reduction()}, {"beta", m.options.beta()}});
      },
      [](ConfigArgs& a) {
        SmoothL1LossOptions o;
        o.reduction(a.string("reduction", "mean")).beta(a.number("beta", 1.0));
        return std::make_shared<SmoothL1LossImpl>(o);
      });
  add<HuberLossImpl>(
      "HuberLoss",
      [](const HuberLossImpl& m) {
        return Json::object({{"reduction", m.options.reduction()}, {"delta", m.options.delta()}});
      },
      [](ConfigArgs& a) {
        HuberLossOptions o;
        o.reduction(a.string("reduction", "mean")).delta(a.number("delta", 1.0));
        return std::make_shared<HuberLossImpl>(o);
      });
  add<KLDivLossImpl>(
      "KLDivLoss",
      [](const KLDivLossImpl& m) {
        return Json::object({{"reduction", m.options.reduction()}, {"log_target", m.options.log_target()}});
      },
      [](ConfigArgs& a) {
        KLDivLossOptions o;
        o.reduction(a.string("reduction", "mean")).log_target(a.boolean("log_target", false));
        return std::make_shared<KLDivLossImpl>(o);
      });
}

}  // namespace striate::nn::detail
