// The architecture configs of the layers, merge blocks and containers of nn/: one registration per
// module type, reading the constructor's arguments off an instance and building one from them.
#include <typeindex>

#include "config_registry.h"
#include "striate/core/error.h"
#include "striate/nn/activation.h"
#include "striate/nn/blocks.h"
#include "striate/nn/blocks_classic.h"
#include "striate/nn/containers.h"
#include "striate/nn/conv.h"
#include "striate/nn/dropout.h"
#include "striate/nn/linear.h"
#include "striate/nn/normalization.h"
#include "striate/nn/pooling.h"
#include "striate/nn/recurrent.h"
#include "striate/nn/shape.h"
#include "striate/ops/creation.h"

namespace striate::nn::detail {

namespace {

using io::Json;

// One registration: `to_args(const Impl&)` returns the args object, `build(ConfigArgs&)` the module.
template <typename Impl, typename ToArgs, typename Build>
void add(const char* name, ToArgs to_args, Build build) {
  ModuleConfigType type{name, std::type_index(typeid(Impl)),
                        [to_args](const Module& module) { return to_args(static_cast<const Impl&>(module)); },
                        [build](ConfigArgs& args, ConfigChildren&) -> std::shared_ptr<Module> { return build(args); },
                        false};
  add_module_config(std::move(type));
}

// A container: `build(ConfigArgs&, ConfigChildren&)`.
template <typename Impl, typename ToArgs, typename Build>
void add_container(const char* name, ToArgs to_args, Build build) {
  ModuleConfigType type{
      name, std::type_index(typeid(Impl)),
      [to_args](const Module& module) { return to_args(static_cast<const Impl&>(module)); },
      [build](ConfigArgs& args, ConfigChildren& children) -> std::shared_ptr<Module> { return build(args, children); },
      true};
  add_module_config(std::move(type));
}

// A module without constructor arguments.
template <typename Impl>
void add_plain(const char* name) {
  add<Impl>(name, [](const Impl&) { return Json::object(); }, [](ConfigArgs&) { return std::make_shared<Impl>(); });
}

Json pair(const IntPair& value) { return Json(std::vector<int64_t>{value[0], value[1]}); }
Json triple(const IntTriple& value) { return Json(std::vector<int64_t>{value[0], value[1], value[2]}); }
template <size_t N>
Json ints(const std::array<int64_t, N>& value) {
  return Json(std::vector<int64_t>(value.begin(), value.end()));
}
template <size_t N>
std::array<int64_t, N> to_array(const std::vector<int64_t>& values) {
  std::array<int64_t, N> result{};
  for (size_t i = 0; i < N; ++i) result[i] = values[i];
  return result;
}
template <typename T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json();
}
Json optional_pair(const std::optional<IntPair>& value) { return value ? pair(*value) : Json(); }
Json optional_doubles(const std::optional<std::array<double, 2>>& value) {
  return value ? Json(std::vector<double>{(*value)[0], (*value)[1]}) : Json();
}

const char* padding_mode_name(PaddingMode mode) {
  switch (mode) {
    case PaddingMode::Same: return "same";
    case PaddingMode::Valid: return "valid";
    case PaddingMode::Full: return "full";
    default: return "explicit";
  }
}

std::optional<IntPair> read_optional_pair(ConfigArgs& args, const char* name) {
  if (!args.has(name)) {
    args.optional_integer(name);  // marks an explicit null as read
    return std::nullopt;
  }
  return to_array<2>(args.integers(name, 2));
}
std::optional<std::array<double, 2>> read_optional_doubles(ConfigArgs& args, const char* name) {
  if (!args.has(name)) {
    args.optional_number(name);
    return std::nullopt;
  }
  auto values = args.numbers(name, 2);
  return std::array<double, 2>{values[0], values[1]};
}

// ---- convolutions ----

Json connection_table_json(const Tensor& table) {
  if (!table.defined()) return Json();
  Tensor values = table.to(kCPU).to(DType::Int64).contiguous();
  const int64_t* data = values.data<int64_t>();
  std::vector<int64_t> flat(data, data + values.numel());
  return Json::object({{"shape", Json(values.sizes().vec())}, {"values", Json(flat)}});
}

Tensor connection_table_from(ConfigArgs& args) {
  if (!args.has("connection_table")) {
    args.optional_integer("connection_table");
    return Tensor();
  }
  const Json& json = args.raw("connection_table");
  const std::string what = args.context() + ": argument 'connection_table'";
  ConfigArgs table(json, what);
  std::vector<int64_t> shape = table.integers("shape", 2);
  std::vector<int64_t> values = table.integers("values", std::nullopt, size_t{1} << 22);
  table.finish();
  STRIATE_CHECK(shape[0] >= 0 && shape[1] >= 0 && shape[0] <= (1 << 20) && shape[1] <= (1 << 20) &&
                    static_cast<uint64_t>(shape[0]) * static_cast<uint64_t>(shape[1]) == values.size(),
                what, ": shape (", shape[0], ", ", shape[1], ") does not match its ", values.size(), " values");
  std::vector<double> as_double(values.begin(), values.end());
  return tensor(as_double, Shape(shape));
}

void register_convolutions() {
  add<Conv1dImpl>(
      "Conv1d",
      [](const Conv1dImpl& m) {
        const auto& o = m.options;
        const auto& f = o.functional();
        return Json::object({{"in_channels", o.in_channels()},
                             {"out_channels", o.out_channels()},
                             {"kernel_size", o.kernel_size()},
                             {"stride", f.stride()},
                             {"padding", pair(f.padding2())},
                             {"padding_mode", padding_mode_name(f.padding_mode())},
                             {"dilation", f.dilation()},
                             {"groups", f.groups()},
                             {"bias", o.bias()}});
      },
      [](ConfigArgs& a) {
        Conv1dOptions o(a.integer("in_channels"), a.integer("out_channels"), a.integer("kernel_size"));
        o.bias(a.boolean("bias", true)).stride(a.integer("stride", 1)).dilation(a.integer("dilation", 1));
        o.groups(a.integer("groups", 1));
        std::string mode = a.string("padding_mode", "explicit");
        if (mode == "explicit") {
          o.padding_sides(to_array<2>(a.integers("padding", 2)));
        } else {
          a.integers("padding", 2);
          o.padding(mode);
        }
        return std::make_shared<Conv1dImpl>(o);
      });
  add<Conv2dImpl>(
      "Conv2d",
      [](const Conv2dImpl& m) {
        const auto& o = m.options;
        return Json::object({{"in_channels", o.in_channels()},
                             {"out_channels", o.out_channels()},
                             {"kernel_size", pair(o.kernel_size())},
                             {"stride", pair(o.stride())},
                             {"padding", pair(o.padding())},
                             {"padding_mode", padding_mode_name(o.padding_mode())},
                             {"padding_sides", o.padding_sides() ? ints(*o.padding_sides()) : Json()},
                             {"dilation", pair(o.dilation())},
                             {"groups", o.groups()},
                             {"bias", o.bias()},
                             {"connection_table", connection_table_json(o.connection_table())}});
      },
      [](ConfigArgs& a) {
        Conv2dOptions o(a.integer("in_channels"), a.integer("out_channels"), to_array<2>(a.integers("kernel_size", 2)));
        o.stride(to_array<2>(a.integers("stride", 2)));
        o.padding(to_array<2>(a.integers("padding", 2)));
        std::string mode = a.string("padding_mode", "explicit");
        if (mode != "explicit") o.padding(mode);
        if (a.has("padding_sides")) {
          o.padding_sides(to_array<4>(a.integers("padding_sides", 4)));
        } else {
          a.optional_integer("padding_sides");
        }
        o.dilation(to_array<2>(a.integers("dilation", 2))).groups(a.integer("groups", 1)).bias(a.boolean("bias", true));
        o.connection_table(connection_table_from(a));
        return std::make_shared<Conv2dImpl>(o);
      });
  add<Conv3dImpl>(
      "Conv3d",
      [](const Conv3dImpl& m) {
        const auto& o = m.options;
        const auto& f = o.functional();
        return Json::object({{"in_channels", o.in_channels()},
                             {"out_channels", o.out_channels()},
                             {"kernel_size", triple(o.kernel_size())},
                             {"stride", triple(f.stride())},
                             {"padding", ints(f.padding6())},
                             {"padding_mode", padding_mode_name(f.padding_mode())},
                             {"dilation", triple(f.dilation())},
                             {"groups", f.groups()},
                             {"bias", o.bias()}});
      },
      [](ConfigArgs& a) {
        Conv3dOptions o(a.integer("in_channels"), a.integer("out_channels"), 1);
        o.kernel_size(to_array<3>(a.integers("kernel_size", 3)));
        o.stride(to_array<3>(a.integers("stride", 3))).dilation(to_array<3>(a.integers("dilation", 3)));
        o.groups(a.integer("groups", 1)).bias(a.boolean("bias", true));
        std::string mode = a.string("padding_mode", "explicit");
        if (mode == "explicit") {
          o.padding_sides(to_array<6>(a.integers("padding", 6)));
        } else {
          a.integers("padding", 6);
          o.padding(mode);
        }
        return std::make_shared<Conv3dImpl>(o);
      });
  add<ConvTranspose2dImpl>(
      "ConvTranspose2d",
      [](const ConvTranspose2dImpl& m) {
        const auto& o = m.options;
        const auto& f = o.functional();
        return Json::object({{"in_channels", o.in_channels()},
                             {"out_channels", o.out_channels()},
                             {"kernel_size", pair(o.kernel_size())},
                             {"stride", pair(f.stride())},
                             {"padding", pair(f.padding())},
                             {"output_padding", pair(f.output_padding())},
                             {"dilation", pair(f.dilation())},
                             {"groups", f.groups()},
                             {"bias", o.bias()}});
      },
      [](ConfigArgs& a) {
        ConvTranspose2dOptions o(a.integer("in_channels"), a.integer("out_channels"),
                                 to_array<2>(a.integers("kernel_size", 2)));
        o.stride(to_array<2>(a.integers("stride", 2))).padding(to_array<2>(a.integers("padding", 2)));
        o.output_padding(to_array<2>(a.integers("output_padding", 2)));
        o.dilation(to_array<2>(a.integers("dilation", 2))).groups(a.integer("groups", 1)).bias(a.boolean("bias", true));
        return std::make_shared<ConvTranspose2dImpl>(o);
      });
  add<LocallyConnected2dImpl>(
      "LocallyConnected2d",
      [](const LocallyConnected2dImpl& m) {
        const auto& o = m.options;
        const auto& f = o.functional();
        return Json::object({{"in_channels", o.in_channels()},
                             {"out_channels", o.out_channels()},
                             {"in_size", pair(o.in_size())},
                             {"kernel_size", pair(o.kernel_size())},
                             {"stride", pair(f.stride())},
                             {"padding", pair(f.padding())},
                             {"bias", o.bias()}});
      },
      [](ConfigArgs& a) {
        LocallyConnected2dOptions o(a.integer("in_channels"), a.integer("out_channels"),
                                    to_array<2>(a.integers("in_size", 2)), to_array<2>(a.integers("kernel_size", 2)));
        o.stride(to_array<2>(a.integers("stride", 2))).padding(to_array<2>(a.integers("padding", 2)));
        o.bias(a.boolean("bias", true));
        return std::make_shared<LocallyConnected2dImpl>(o);
      });
}

// ---- activations, dropout, shape ----

template <typename Impl>
void add_inplace(const char* name) {
  add<Impl>(
      name, [](const Impl& m) { return Json::object({{"inplace", m.inplace}}); },
      [](ConfigArgs& a) { return std::make_shared<Impl>(a.boolean("inplace", false)); });
}

template <typename Impl>
void add_dim(const char* name) {
  add<Impl>(
      name, [](const Impl& m) { return Json::object({{"dim", optional_json(m.dim)}}); },
      [](ConfigArgs& a) { return std::make_shared<Impl>(a.optional_integer("dim")); });
}

void register_activations() {
  add_inplace<ReLUImpl>("ReLU");
  add_plain<SigmoidImpl>("Sigmoid");
  add_plain<TanhImpl>("Tanh");
  add<HardtanhImpl>(
      "Hardtanh",
      [](const HardtanhImpl& m) {
        return Json::object({{"min_val", m.min_val}, {"max_val", m.max_val}, {"inplace", m.inplace}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<HardtanhImpl>(a.number("min_val", -1.0), a.number("max_val", 1.0),
                                              a.boolean("inplace", false));
      });
  add_inplace<ReLU6Impl>("ReLU6");
  add<LeakyReLUImpl>(
      "LeakyReLU",
      [](const LeakyReLUImpl& m) {
        return Json::object({{"negative_slope", m.negative_slope}, {"inplace", m.inplace}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<LeakyReLUImpl>(a.number("negative_slope", 0.01), a.boolean("inplace", false));
      });
  add<PReLUImpl>(
      "PReLU",
      [](const PReLUImpl& m) { return Json::object({{"num_parameters", m.num_parameters}, {"init", m.init}}); },
      [](ConfigArgs& a) {
        return std::make_shared<PReLUImpl>(a.integer("num_parameters", 1), a.number("init", 0.25));
      });
  add<ELUImpl>(
      "ELU", [](const ELUImpl& m) { return Json::object({{"alpha", m.alpha}, {"inplace", m.inplace}}); },
      [](ConfigArgs& a) { return std::make_shared<ELUImpl>(a.number("alpha", 1.0), a.boolean("inplace", false)); });
  add_inplace<SELUImpl>("SELU");
  add<GELUImpl>(
      "GELU", [](const GELUImpl& m) { return Json::object({{"approximate", m.approximate}}); },
      [](ConfigArgs& a) { return std::make_shared<GELUImpl>(a.string("approximate", "none")); });
  add_inplace<SiLUImpl>("SiLU");
  add_inplace<HardswishImpl>("Hardswish");
  add<SoftplusImpl>(
      "Softplus", [](const SoftplusImpl& m) { return Json::object({{"beta", m.beta}, {"threshold", m.threshold}}); },
      [](ConfigArgs& a) { return std::make_shared<SoftplusImpl>(a.number("beta", 1.0), a.number("threshold", 20.0)); });
  add_plain<AbsTanhImpl>("AbsTanh");
  add_dim<SoftmaxImpl>("Softmax");
  add_dim<LogSoftmaxImpl>("LogSoftmax");
  add_dim<SoftminImpl>("Softmin");
  add_plain<ScaledTanhImpl>("ScaledTanh");
}

void register_dropout_and_shape() {
  add<DropoutImpl>(
      "Dropout",
      [](const DropoutImpl& m) { return Json::object({{"p", m.p}, {"inplace", m.inplace}, {"inverted", m.inverted}}); },
      [](ConfigArgs& a) {
        return std::make_shared<DropoutImpl>(a.number("p", 0.5), a.boolean("inplace", false),
                                             a.boolean("inverted", true));
      });
  add<Dropout2dImpl>(
      "Dropout2d", [](const Dropout2dImpl& m) { return Json::object({{"p", m.p}, {"inplace", m.inplace}}); },
      [](ConfigArgs& a) { return std::make_shared<Dropout2dImpl>(a.number("p", 0.5), a.boolean("inplace", false)); });
  add<AlphaDropoutImpl>(
      "AlphaDropout", [](const AlphaDropoutImpl& m) { return Json::object({{"p", m.p}, {"inplace", m.inplace}}); },
      [](ConfigArgs& a) {
        return std::make_shared<AlphaDropoutImpl>(a.number("p", 0.5), a.boolean("inplace", false));
      });
  add<DropPathImpl>(
      "DropPath", [](const DropPathImpl& m) { return Json::object({{"p", m.p}, {"mode", m.mode}}); },
      [](ConfigArgs& a) { return std::make_shared<DropPathImpl>(a.number("p", 0.0), a.string("mode", "row")); });
  add_container<DropConnectImpl>(
      "DropConnect", [](const DropConnectImpl& m) { return Json::object({{"p", m.p}}); },
      [](ConfigArgs& a, ConfigChildren& children) {
        STRIATE_CHECK(children.size() == 1 && children[0].first == "linear" &&
                          std::dynamic_pointer_cast<LinearImpl>(children[0].second),
                      a.context(), ": expected one child 'linear' of type Linear");
        return std::make_shared<DropConnectImpl>(Linear(std::dynamic_pointer_cast<LinearImpl>(children[0].second)),
                                                 a.number("p", 0.5));
      });
  add<FlattenImpl>(
      "Flatten",
      [](const FlattenImpl& m) { return Json::object({{"start_dim", m.start_dim}, {"end_dim", m.end_dim}}); },
      [](ConfigArgs& a) { return std::make_shared<FlattenImpl>(a.integer("start_dim", 1), a.integer("end_dim", -1)); });
  add<UnflattenImpl>(
      "Unflatten", [](const UnflattenImpl& m) { return Json::object({{"dim", m.dim}, {"sizes", Json(m.sizes)}}); },
      [](ConfigArgs& a) { return std::make_shared<UnflattenImpl>(a.integer("dim"), a.integers("sizes")); });
  add<UpsampleImpl>(
      "Upsample",
      [](const UpsampleImpl& m) {
        return Json::object({{"size", optional_pair(m.size)},
                             {"scale_factor", optional_doubles(m.scale_factor)},
                             {"mode", m.mode},
                             {"align_corners", optional_json(m.align_corners)}});
      },
      [](ConfigArgs& a) {
        auto size = read_optional_pair(a, "size");
        auto scale = read_optional_doubles(a, "scale_factor");
        return std::make_shared<UpsampleImpl>(size, scale, a.string("mode", "nearest"),
                                              a.optional_boolean("align_corners"));
      });
  add<PixelShuffleImpl>(
      "PixelShuffle", [](const PixelShuffleImpl& m) { return Json::object({{"upscale_factor", m.upscale_factor}}); },
      [](ConfigArgs& a) { return std::make_shared<PixelShuffleImpl>(a.integer("upscale_factor")); });
  add<PixelUnshuffleImpl>(
      "PixelUnshuffle",
      [](const PixelUnshuffleImpl& m) { return Json::object({{"downscale_factor", m.downscale_factor}}); },
      [](ConfigArgs& a) { return std::make_shared<PixelUnshuffleImpl>(a.integer("downscale_factor")); });
  add<LinearImpl>(
      "Linear",
      [](const LinearImpl& m) {
        return Json::object({{"in_features", m.options.in_features()},
                             {"out_features", m.options.out_features()},
                             {"bias", m.options.bias()}});
      },
      [](ConfigArgs& a) {
        LinearOptions o(a.integer("in_features"), a.integer("out_features"));
        o.bias(a.boolean("bias", true));
        return std::make_shared<LinearImpl>(o);
      });
  add<RNNCellImpl>(
      "RNNCell",
      [](const RNNCellImpl& m) {
        return Json::object({{"input_size", m.input_size},
                             {"hidden_size", m.hidden_size},
                             {"bias", m.bias},
                             {"nonlinearity", m.nonlinearity}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<RNNCellImpl>(a.integer("input_size"), a.integer("hidden_size"), a.boolean("bias", true),
                                             a.string("nonlinearity", "tanh"));
      });
  add<RNNImpl>(
      "RNN",
      [](const RNNImpl& m) {
        const auto& o = m.options;
        return Json::object({{"input_size", o.input_size()},
                             {"hidden_size", o.hidden_size()},
                             {"num_layers", o.num_layers()},
                             {"nonlinearity", o.nonlinearity()},
                             {"bias", o.bias()},
                             {"batch_first", o.batch_first()},
                             {"dropout", o.dropout()},
                             {"bidirectional", o.bidirectional()}});
      },
      [](ConfigArgs& a) {
        RNNOptions o(a.integer("input_size"), a.integer("hidden_size"));
        o.num_layers(a.integer("num_layers", 1)).nonlinearity(a.string("nonlinearity", "tanh"));
        o.bias(a.boolean("bias", true)).batch_first(a.boolean("batch_first", false));
        o.dropout(a.number("dropout", 0.0)).bidirectional(a.boolean("bidirectional", false));
        return std::make_shared<RNNImpl>(o);
      });
}

// ---- pooling ----

Json pool2d_json(const Pool2dOptions& o) {
  return Json::object({{"kernel_size", pair(o.kernel_size())},
                       {"stride", pair(o.stride())},
                       {"padding", pair(o.padding())},
                       {"dilation", pair(o.dilation())},
                       {"ceil_mode", o.ceil_mode()},
                       {"count_include_pad", o.count_include_pad()},
                       {"divisor_override", optional_json(o.divisor_override())}});
}
Pool2dOptions pool2d_from(ConfigArgs& a) {
  Pool2dOptions o(to_array<2>(a.integers("kernel_size", 2)));
  o.stride(to_array<2>(a.integers("stride", 2))).padding(to_array<2>(a.integers("padding", 2)));
  o.dilation(to_array<2>(a.integers("dilation", 2))).ceil_mode(a.boolean("ceil_mode", false));
  o.count_include_pad(a.boolean("count_include_pad", true)).divisor_override(a.optional_integer("divisor_override"));
  return o;
}
Json pool1d_json(const Pool1dOptions& o) {
  return Json::object({{"kernel_size", o.kernel_size()},
                       {"stride", o.stride()},
                       {"padding", o.padding()},
                       {"dilation", o.dilation()},
                       {"ceil_mode", o.ceil_mode()},
                       {"count_include_pad", o.count_include_pad()}});
}
Pool1dOptions pool1d_from(ConfigArgs& a) {
  Pool1dOptions o(a.integer("kernel_size"));
  o.stride(a.integer("stride")).padding(a.integer("padding", 0)).dilation(a.integer("dilation", 1));
  o.ceil_mode(a.boolean("ceil_mode", false)).count_include_pad(a.boolean("count_include_pad", true));
  return o;
}
Json pool3d_json(const Pool3dOptions& o) {
  return Json::object({{"kernel_size", triple(o.kernel_size())},
                       {"stride", triple(o.stride())},
                       {"padding", triple(o.padding())},
                       {"dilation", triple(o.dilation())},
                       {"ceil_mode", o.ceil_mode()},
                       {"count_include_pad", o.count_include_pad()},
                       {"divisor_override", optional_json(o.divisor_override())}});
}
Pool3dOptions pool3d_from(ConfigArgs& a) {
  Pool3dOptions o(to_array<3>(a.integers("kernel_size", 3)));
  o.stride(to_array<3>(a.integers("stride", 3))).padding(to_array<3>(a.integers("padding", 3)));
  o.dilation(to_array<3>(a.integers("dilation", 3))).ceil_mode(a.boolean("ceil_mode", false));
  o.count_include_pad(a.boolean("count_include_pad", true)).divisor_override(a.optional_integer("divisor_override"));
  return o;
}

template <typename Impl, typename Options>
Json with_indices(Json json, const Impl& m) {
  json.set("return_indices", m.return_indices);
  return json;
}

void register_pooling() {
  add<MaxPool2dImpl>(
      "MaxPool2d", [](const MaxPool2dImpl& m) { return with_indices<MaxPool2dImpl, int>(pool2d_json(m.options), m); },
      [](ConfigArgs& a) {
        auto o = pool2d_from(a);
        return std::make_shared<MaxPool2dImpl>(o, a.boolean("return_indices", false));
      });
  add<AvgPool2dImpl>(
      "AvgPool2d", [](const AvgPool2dImpl& m) { return pool2d_json(m.options); },
      [](ConfigArgs& a) { return std::make_shared<AvgPool2dImpl>(pool2d_from(a)); });
  add<MaxUnpool2dImpl>(
      "MaxUnpool2d", [](const MaxUnpool2dImpl& m) { return pool2d_json(m.options); },
      [](ConfigArgs& a) { return std::make_shared<MaxUnpool2dImpl>(pool2d_from(a)); });
  add<MaxPool1dImpl>(
      "MaxPool1d", [](const MaxPool1dImpl& m) { return with_indices<MaxPool1dImpl, int>(pool1d_json(m.options), m); },
      [](ConfigArgs& a) {
        auto o = pool1d_from(a);
        return std::make_shared<MaxPool1dImpl>(o, a.boolean("return_indices", false));
      });
  add<AvgPool1dImpl>(
      "AvgPool1d", [](const AvgPool1dImpl& m) { return pool1d_json(m.options); },
      [](ConfigArgs& a) { return std::make_shared<AvgPool1dImpl>(pool1d_from(a)); });
  add<MaxPool3dImpl>(
      "MaxPool3d", [](const MaxPool3dImpl& m) { return with_indices<MaxPool3dImpl, int>(pool3d_json(m.options), m); },
      [](ConfigArgs& a) {
        auto o = pool3d_from(a);
        return std::make_shared<MaxPool3dImpl>(o, a.boolean("return_indices", false));
      });
  add<AvgPool3dImpl>(
      "AvgPool3d", [](const AvgPool3dImpl& m) { return pool3d_json(m.options); },
      [](ConfigArgs& a) { return std::make_shared<AvgPool3dImpl>(pool3d_from(a)); });
  add<AdaptiveAvgPool2dImpl>(
      "AdaptiveAvgPool2d",
      [](const AdaptiveAvgPool2dImpl& m) { return Json::object({{"output_size", pair(m.output_size)}}); },
      [](ConfigArgs& a) { return std::make_shared<AdaptiveAvgPool2dImpl>(to_array<2>(a.integers("output_size", 2))); });
  add<AdaptiveMaxPool2dImpl>(
      "AdaptiveMaxPool2d",
      [](const AdaptiveMaxPool2dImpl& m) {
        return Json::object({{"output_size", pair(m.output_size)}, {"return_indices", m.return_indices}});
      },
      [](ConfigArgs& a) {
        auto size = to_array<2>(a.integers("output_size", 2));
        return std::make_shared<AdaptiveMaxPool2dImpl>(size, a.boolean("return_indices", false));
      });
  add<GlobalAvgPool2dImpl>(
      "GlobalAvgPool2d", [](const GlobalAvgPool2dImpl& m) { return Json::object({{"flatten", m.flatten}}); },
      [](ConfigArgs& a) { return std::make_shared<GlobalAvgPool2dImpl>(a.boolean("flatten", false)); });
  add<GlobalMaxPool2dImpl>(
      "GlobalMaxPool2d", [](const GlobalMaxPool2dImpl& m) { return Json::object({{"flatten", m.flatten}}); },
      [](ConfigArgs& a) { return std::make_shared<GlobalMaxPool2dImpl>(a.boolean("flatten", false)); });
  add<FractionalMaxPool2dImpl>(
      "FractionalMaxPool2d",
      [](const FractionalMaxPool2dImpl& m) {
        return Json::object({{"kernel_size", pair(m.kernel_size)},
                             {"output_size", optional_pair(m.output_size)},
                             {"output_ratio", optional_doubles(m.output_ratio)},
                             {"return_indices", m.return_indices}});
      },
      [](ConfigArgs& a) {
        auto kernel = to_array<2>(a.integers("kernel_size", 2));
        auto size = read_optional_pair(a, "output_size");
        auto ratio = read_optional_doubles(a, "output_ratio");
        return std::make_shared<FractionalMaxPool2dImpl>(kernel, size, ratio, a.boolean("return_indices", false));
      });
  add<ChannelMaxPoolImpl>(
      "ChannelMaxPool", [](const ChannelMaxPoolImpl& m) { return Json::object({{"kernel_size", m.kernel_size}}); },
      [](ConfigArgs& a) { return std::make_shared<ChannelMaxPoolImpl>(a.integer("kernel_size")); });
}

// ---- normalization ----

template <typename Impl>
void add_batch_norm(const char* name) {
  add<Impl>(
      name,
      [](const Impl& m) {
        const auto& o = m.options;
        return Json::object({{"num_features", o.num_features()},
                             {"eps", o.eps()},
                             {"momentum", optional_json(o.momentum())},
                             {"affine", o.affine()},
                             {"track_running_stats", o.track_running_stats()}});
      },
      [](ConfigArgs& a) {
        BatchNormOptions o(a.integer("num_features"));
        o.eps(a.number("eps", 1e-5)).momentum(a.optional_number("momentum")).affine(a.boolean("affine", true));
        o.track_running_stats(a.boolean("track_running_stats", true));
        return std::make_shared<Impl>(o);
      });
}

template <typename Impl>
void add_instance_norm(const char* name) {
  add<Impl>(
      name,
      [](const Impl& m) {
        return Json::object({{"num_features", m.num_features},
                             {"eps", m.eps},
                             {"momentum", m.momentum},
                             {"affine", m.affine},
                             {"track_running_stats", m.track_running_stats}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<Impl>(a.integer("num_features"), a.number("eps", 1e-5), a.number("momentum", 0.1),
                                      a.boolean("affine", false), a.boolean("track_running_stats", false));
      });
}

bool has_defined(const Module& module, const char* name) {
  const Tensor* tensor = module.local_parameters().find(name);
  return tensor != nullptr && tensor->defined();
}

void register_normalization() {
  add_batch_norm<BatchNorm1dImpl>("BatchNorm1d");
  add_batch_norm<BatchNorm2dImpl>("BatchNorm2d");
  add_batch_norm<BatchNorm3dImpl>("BatchNorm3d");
  add<LayerNormImpl>(
      "LayerNorm",
      [](const LayerNormImpl& m) {
        return Json::object({{"normalized_shape", Json(m.normalized_shape)},
                             {"eps", m.eps},
                             {"elementwise_affine", m.elementwise_affine},
                             {"bias", has_defined(m, "bias") || !m.elementwise_affine}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<LayerNormImpl>(a.integers("normalized_shape"), a.number("eps", 1e-5),
                                               a.boolean("elementwise_affine", true), a.boolean("bias", true));
      });
  add<GroupNormImpl>(
      "GroupNorm",
      [](const GroupNormImpl& m) {
        return Json::object(
            {{"num_groups", m.num_groups}, {"num_channels", m.num_channels}, {"eps", m.eps}, {"affine", m.affine}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<GroupNormImpl>(a.integer("num_groups"), a.integer("num_channels"),
                                               a.number("eps", 1e-5), a.boolean("affine", true));
      });
  add_instance_norm<InstanceNorm1dImpl>("InstanceNorm1d");
  add_instance_norm<InstanceNorm2dImpl>("InstanceNorm2d");
  add<LocalResponseNormImpl>(
      "LocalResponseNorm",
      [](const LocalResponseNormImpl& m) {
        return Json::object({{"size", m.size}, {"alpha", m.alpha}, {"beta", m.beta}, {"k", m.k}});
      },
      [](ConfigArgs& a) {
        return std::make_shared<LocalResponseNormImpl>(a.integer("size"), a.number("alpha", 1e-4),
                                                       a.number("beta", 0.75), a.number("k", 1.0));
      });
  add<SqueezeExciteImpl>(
      "SqueezeExcite",
      [](const SqueezeExciteImpl& m) {
        // reduction is not kept; squeeze_channels = max(1, channels / reduction) recovers one that rebuilds it.
        return Json::object({{"channels", m.channels}, {"squeeze_channels", m.squeeze_channels}});
      },
      [](ConfigArgs& a) {
        int64_t channels = a.integer("channels");
        int64_t squeeze = a.integer("squeeze_channels");
        STRIATE_CHECK(squeeze >= 1 && squeeze <= channels, a.context(), ": squeeze_channels must be in [1, channels]");
        auto module = std::make_shared<SqueezeExciteImpl>(channels, channels / squeeze);
        STRIATE_CHECK(module->squeeze_channels == squeeze, a.context(), ": no reduction gives squeeze_channels ",
                      squeeze, " for ", channels, " channels");
        return module;
      });
}

// ---- containers and merge blocks ----

std::shared_ptr<Module> child_named(ConfigChildren& children, const std::string& name) {
  for (auto& child : children) {
    if (child.first == name) return child.second;
  }
  return nullptr;
}

void check_child_names(const ConfigArgs& a, const ConfigChildren& children,
                       std::initializer_list<const char*> allowed) {
  for (const auto& child : children) {
    bool known = false;
    for (const char* name : allowed) known = known || child.first == name;
    STRIATE_CHECK(known, a.context(), ": unexpected child '", child.first, "'");
  }
}

std::vector<std::shared_ptr<Module>> branches_of(const ConfigArgs& a, ConfigChildren& children) {
  std::vector<std::shared_ptr<Module>> branches;
  for (size_t i = 0; i < children.size(); ++i) {
    STRIATE_CHECK(children[i].first == std::to_string(i), a.context(), ": expected branch ", i, " to be named '", i,
                  "', got '", children[i].first, "'");
    branches.push_back(children[i].second);
  }
  return branches;
}

void register_containers() {
  add_container<SequentialImpl>(
      "Sequential", [](const SequentialImpl&) { return Json::object(); },
      [](ConfigArgs&, ConfigChildren& children) {
        auto sequential = std::make_shared<SequentialImpl>();
        for (auto& child : children) sequential->push_back(child.first, child.second);
        return sequential;
      });
  add_plain<IdentityImpl>("Identity");
  add_container<ResidualImpl>(
      "Residual", [](const ResidualImpl& m) { return Json::object({{"drop_path", m.drop_path}}); },
      [](ConfigArgs& a, ConfigChildren& children) {
        check_child_names(a, children, {"body", "shortcut", "post"});
        auto body = child_named(children, "body");
        STRIATE_CHECK(body != nullptr, a.context(), ": expected a child 'body'");
        return std::make_shared<ResidualImpl>(body, child_named(children, "shortcut"), child_named(children, "post"),
                                              a.number("drop_path", 0.0));
      });
  add_container<ConcatImpl>(
      "Concat", [](const ConcatImpl& m) { return Json::object({{"dim", m.dim}}); },
      [](ConfigArgs& a, ConfigChildren& children) {
        return std::make_shared<ConcatImpl>(branches_of(a, children), a.integer("dim", 1));
      });
  add_container<ParallelImpl>(
      "Parallel", [](const ParallelImpl& m) { return Json::object({{"merge", m.merge}}); },
      [](ConfigArgs& a, ConfigChildren& children) {
        return std::make_shared<ParallelImpl>(branches_of(a, children), a.string("merge", "cat"));
      });
}

}  // namespace

void register_block_configs();  // config_blocks.cpp
void register_loss_configs();   // config_losses.cpp

void register_layer_configs() {
  register_convolutions();
  register_activations();
  register_dropout_and_shape();
  register_pooling();
  register_normalization();
  register_containers();
  register_block_configs();
  register_loss_configs();
}

}  // namespace striate::nn::detail
