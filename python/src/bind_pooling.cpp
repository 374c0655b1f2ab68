// Pooling in striate._C: max and average pooling in 1-D, 2-D and 3-D, unpooling, adaptive, fractional
// and channel (maxout) pooling in _C._functional (arguments normalized by striate.nn), and the layers
// of nn/pooling.h in _C._nn under PyTorch's constructor signatures.
#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/nn/pooling.h"
#include "striate/ops/pooling.h"

namespace striate::python {
namespace {

using Pair = std::array<int64_t, 2>;
using Triple = std::array<int64_t, 3>;

Pool2dOptions pool_options(Pair kernel_size, Pair stride, Pair padding, Pair dilation, bool ceil_mode) {
  Pool2dOptions options(kernel_size);
  options.stride(stride).padding(padding).dilation(dilation).ceil_mode(ceil_mode);
  return options;
}

Pool1dOptions pool1d_options(int64_t kernel_size, int64_t stride, int64_t padding, int64_t dilation, bool ceil_mode) {
  Pool1dOptions options(kernel_size);
  options.stride(stride).padding(padding).dilation(dilation).ceil_mode(ceil_mode);
  return options;
}

Pool3dOptions pool3d_options(Triple kernel_size, Triple stride, Triple padding, Triple dilation, bool ceil_mode) {
  Pool3dOptions options(kernel_size);
  options.stride(stride).padding(padding).dilation(dilation).ceil_mode(ceil_mode);
  return options;
}
void bind_functional(py::module_& functional) {
  functional.def(
      "max_pool2d",
      [](const Tensor& input, Pair kernel_size, Pair stride, Pair padding, Pair dilation, bool ceil_mode) {
        return max_pool2d(input, pool_options(kernel_size, stride, padding, dilation, ceil_mode));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("ceil_mode"), release_gil());
  functional.def(
      "max_pool2d_with_indices",
      [](const Tensor& input, Pair kernel_size, Pair stride, Pair padding, Pair dilation, bool ceil_mode) {
        return max_pool2d_with_indices(input, pool_options(kernel_size, stride, padding, dilation, ceil_mode));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("ceil_mode"), release_gil());
  functional.def(
      "avg_pool2d",
      [](const Tensor& input, Pair kernel_size, Pair stride, Pair padding, bool ceil_mode, bool count_include_pad,
         std::optional<int64_t> divisor_override) {
        Pool2dOptions options = pool_options(kernel_size, stride, padding, {1, 1}, ceil_mode);
        options.count_include_pad(count_include_pad).divisor_override(divisor_override);
        return avg_pool2d(input, options);
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("ceil_mode"),
      py::arg("count_include_pad"), py::arg("divisor_override"), release_gil());

  functional.def(
      "max_pool1d",
      [](const Tensor& input, int64_t kernel_size, int64_t stride, int64_t padding, int64_t dilation, bool ceil_mode) {
        return max_pool1d(input, pool1d_options(kernel_size, stride, padding, dilation, ceil_mode));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("ceil_mode"), release_gil());
  functional.def(
      "max_pool1d_with_indices",
      [](const Tensor& input, int64_t kernel_size, int64_t stride, int64_t padding, int64_t dilation, bool ceil_mode) {
        return max_pool1d_with_indices(input, pool1d_options(kernel_size, stride, padding, dilation, ceil_mode));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("ceil_mode"), release_gil());
  functional.def(
      "avg_pool1d",
      [](const Tensor& input, int64_t kernel_size, int64_t stride, int64_t padding, bool ceil_mode,
         bool count_include_pad) {
        Pool1dOptions options = pool1d_options(kernel_size, stride, padding, 1, ceil_mode);
        options.count_include_pad(count_include_pad);
        return avg_pool1d(input, options);
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("ceil_mode"),
      py::arg("count_include_pad"), release_gil());

  functional.def(
      "max_pool3d",
      [](const Tensor& input, Triple kernel_size, Triple stride, Triple padding, Triple dilation, bool ceil_mode) {
        return max_pool3d(input, pool3d_options(kernel_size, stride, padding, dilation, ceil_mode));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("ceil_mode"), release_gil());
  functional.def(
      "max_pool3d_with_indices",
      [](const Tensor& input, Triple kernel_size, Triple stride, Triple padding, Triple dilation, bool ceil_mode) {
        return max_pool3d_with_indices(input, pool3d_options(kernel_size, stride, padding, dilation, ceil_mode));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
      py::arg("ceil_mode"), release_gil());
  functional.def(
      "avg_pool3d",
      [](const Tensor& input, Triple kernel_size, Triple stride, Triple padding, bool ceil_mode, bool count_include_pad,
         std::optional<int64_t> divisor_override) {
        Pool3dOptions options = pool3d_options(kernel_size, stride, padding, {1, 1, 1}, ceil_mode);
        options.count_include_pad(count_include_pad).divisor_override(divisor_override);
        return avg_pool3d(input, options);
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"), py::arg("ceil_mode"),
      py::arg("count_include_pad"), py::arg("divisor_override"), release_gil());

  functional.def(
      "max_unpool2d",
      [](const Tensor& input, const Tensor& indices, Pair kernel_size, Pair stride, Pair padding,
         std::optional<Pair> output_size) {
        Pool2dOptions options(kernel_size);
        options.stride(stride).padding(padding);
        return max_unpool2d(input, indices, options, output_size);
      },
      py::arg("input"), py::arg("indices"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"),
      py::arg("output_size"), release_gil());

  functional.def("adaptive_avg_pool2d", &adaptive_avg_pool2d, py::arg("input"), py::arg("output_size"), release_gil());
  functional.def("adaptive_max_pool2d", &adaptive_max_pool2d, py::arg("input"), py::arg("output_size"), release_gil());
  functional.def("adaptive_max_pool2d_with_indices", &adaptive_max_pool2d_with_indices, py::arg("input"),
                 py::arg("output_size"), release_gil());
  functional.def("fractional_max_pool2d_with_indices", &fractional_max_pool2d_with_indices, py::arg("input"),
                 py::arg("kernel_size"), py::arg("output_size"), py::arg("random_samples"), release_gil());
  functional.def("channel_max_pool", &channel_max_pool, py::arg("input"), py::arg("kernel_size"), release_gil());
}

// ---- layers -----------------------------------------------------------------------------------

// Pooling sizes come back as one int when square, as users usually write them.
py::object int_or_pair(const IntPair& pair) {
  if (pair[0] == pair[1]) return py::int_(pair[0]);
  return py::make_tuple(pair[0], pair[1]);
}

template <size_t Size>
py::object int_or_tuple(const std::array<int64_t, Size>& values) {
  bool same = true;
  for (size_t i = 1; i < Size; ++i) same = same && values[i] == values[0];
  if (same) return py::int_(values[0]);
  py::tuple result(Size);
  for (size_t i = 0; i < Size; ++i) result[i] = py::int_(values[i]);
  return result;
}

// forward of a max-pooling layer: the output, or (output, indices) with return_indices.
template <typename Impl>
py::object forward_maybe_indices(Impl& self, const Tensor& input) {
  if (self.return_indices) {
    std::tuple<Tensor, Tensor> result;
    {
      py::gil_scoped_release release;
      result = self.forward_with_indices(input);
    }
    return py::make_tuple(std::get<0>(result), std::get<1>(result));
  }
  Tensor output;
  {
    py::gil_scoped_release release;
    output = self.forward(input);
  }
  return py::cast(output);
}

std::tuple<Pool1dOptions, bool> max_pool1d_args(const py::object& kernel_size, const py::object& stride,
                                                const py::object& padding, const py::object& dilation,
                                                bool return_indices, bool ceil_mode) {
  Pool1dOptions options(int_tuple<1>(kernel_size, "MaxPool1d", "kernel_size")[0]);
  if (!stride.is_none()) options.stride(int_tuple<1>(stride, "MaxPool1d", "stride")[0]);
  options.padding(int_tuple<1>(padding, "MaxPool1d", "padding")[0])
      .dilation(int_tuple<1>(dilation, "MaxPool1d", "dilation")[0])
      .ceil_mode(ceil_mode);
  return {options, return_indices};
}

std::tuple<Pool1dOptions> avg_pool1d_args(const py::object& kernel_size, const py::object& stride,
                                          const py::object& padding, bool ceil_mode, bool count_include_pad) {
  Pool1dOptions options(int_tuple<1>(kernel_size, "AvgPool1d", "kernel_size")[0]);
  if (!stride.is_none()) options.stride(int_tuple<1>(stride, "AvgPool1d", "stride")[0]);
  options.padding(int_tuple<1>(padding, "AvgPool1d", "padding")[0])
      .ceil_mode(ceil_mode)
      .count_include_pad(count_include_pad);
  return {options};
}

std::tuple<Pool3dOptions, bool> max_pool3d_args(const py::object& kernel_size, const py::object& stride,
                                                const py::object& padding, const py::object& dilation,
                                                bool return_indices, bool ceil_mode) {
  Pool3dOptions options(int_tuple<3>(kernel_size, "MaxPool3d", "kernel_size"));
  if (!stride.is_none()) options.stride(int_tuple<3>(stride, "MaxPool3d", "stride"));
  options.padding(int_tuple<3>(padding, "MaxPool3d", "padding"))
      .dilation(int_tuple<3>(dilation, "MaxPool3d", "dilation"))
      .ceil_mode(ceil_mode);
  return {options, return_indices};
}

std::tuple<Pool3dOptions> avg_pool3d_args(const py::object& kernel_size, const py::object& stride,
                                          const py::object& padding, bool ceil_mode, bool count_include_pad,
                                          std::optional<int64_t> divisor_override) {
  Pool3dOptions options(int_tuple<3>(kernel_size, "AvgPool3d", "kernel_size"));
  if (!stride.is_none()) options.stride(int_tuple<3>(stride, "AvgPool3d", "stride"));
  options.padding(int_tuple<3>(padding, "AvgPool3d", "padding"))
      .ceil_mode(ceil_mode)
      .count_include_pad(count_include_pad)
      .divisor_override(divisor_override);
  return {options};
}

std::tuple<Pool2dOptions> max_unpool2d_args(const py::object& kernel_size, const py::object& stride,
                                            const py::object& padding) {
  Pool2dOptions options(int_tuple<2>(kernel_size, "MaxUnpool2d", "kernel_size"));
  if (!stride.is_none()) options.stride(int_tuple<2>(stride, "MaxUnpool2d", "stride"));
  options.padding(int_tuple<2>(padding, "MaxUnpool2d", "padding"));
  return {options};
}

std::tuple<IntPair> adaptive_avg_args(const py::object& output_size) {
  return {int_tuple<2>(output_size, "AdaptiveAvgPool2d", "output_size")};
}

std::tuple<IntPair, bool> adaptive_max_args(const py::object& output_size, bool return_indices) {
  return {int_tuple<2>(output_size, "AdaptiveMaxPool2d", "output_size"), return_indices};
}

std::tuple<IntPair, std::optional<IntPair>, std::optional<std::array<double, 2>>, bool> fractional_args(
    const py::object& kernel_size, const py::object& output_size, const py::object& output_ratio, bool return_indices) {
  const char* layer = "FractionalMaxPool2d";
  return {int_tuple<2>(kernel_size, layer, "kernel_size"), optional_pair(output_size, layer, "output_size"),
          float_pair(output_ratio, layer, "output_ratio"), return_indices};
}

Pool2dOptions max_pool2d_options(const py::object& kernel_size, const py::object& stride, const py::object& padding,
                                 const py::object& dilation, bool ceil_mode) {
  Pool2dOptions options(int_pair(kernel_size, "MaxPool2d", "kernel_size"));
  if (!stride.is_none()) options.stride(int_pair(stride, "MaxPool2d", "stride"));
  options.padding(int_pair(padding, "MaxPool2d", "padding"))
      .dilation(int_pair(dilation, "MaxPool2d", "dilation"))
      .ceil_mode(ceil_mode);
  return options;
}

Pool2dOptions avg_pool2d_options(const py::object& kernel_size, const py::object& stride, const py::object& padding,
                                 bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override) {
  Pool2dOptions options(int_pair(kernel_size, "AvgPool2d", "kernel_size"));
  if (!stride.is_none()) options.stride(int_pair(stride, "AvgPool2d", "stride"));
  options.padding(int_pair(padding, "AvgPool2d", "padding"))
      .ceil_mode(ceil_mode)
      .count_include_pad(count_include_pad)
      .divisor_override(divisor_override);
  return options;
}

void bind_pool2d_layers(py::module_& nn_module) {
  using nn::AvgPool2dImpl;
  using nn::MaxPool2dImpl;
  LayerClass<MaxPool2dImpl>(nn_module, "MaxPool2d", py::dynamic_attr())
      .def(py::init(
               [](const py::object& kernel_size, const py::object& stride, const py::object& padding,
                  const py::object& dilation, bool return_indices, bool ceil_mode) {
                 return std::make_unique<MaxPool2dImpl>(
                     max_pool2d_options(kernel_size, stride, padding, dilation, ceil_mode), return_indices);
               },
               [](const py::object& kernel_size, const py::object& stride, const py::object& padding,
                  const py::object& dilation, bool return_indices, bool ceil_mode) {
                 return std::make_unique<PyModule<MaxPool2dImpl>>(
                     max_pool2d_options(kernel_size, stride, padding, dilation, ceil_mode), return_indices);
               }),
           py::arg("kernel_size"), py::arg("stride") = py::none(), py::arg("padding") = 0, py::arg("dilation") = 1,
           py::arg("return_indices") = false, py::arg("ceil_mode") = false)
      // With return_indices the Python forward returns (output, indices), as PyTorch's.
      .def(
          "forward",
          [](MaxPool2dImpl& self, const Tensor& input) -> py::object {
            if (!self.return_indices) {
              Tensor output;
              {
                py::gil_scoped_release release;
                output = self.forward(input);
              }
              return py::cast(output);
            }
            std::tuple<Tensor, Tensor> result;
            {
              py::gil_scoped_release release;
              result = self.forward_with_indices(input);
            }
            return py::make_tuple(std::get<0>(result), std::get<1>(result));
          },
          py::arg("input"))
      .def_property_readonly("kernel_size",
                             [](const MaxPool2dImpl& self) { return int_or_pair(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.stride()); })
      .def_property_readonly("padding", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.padding()); })
      .def_property_readonly("dilation", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.dilation()); })
      .def_property_readonly("ceil_mode", [](const MaxPool2dImpl& self) { return self.options.ceil_mode(); })
      .def_readonly("return_indices", &MaxPool2dImpl::return_indices);

  LayerClass<AvgPool2dImpl>(nn_module, "AvgPool2d", py::dynamic_attr())
      .def(layer_init<AvgPool2dImpl>(&avg_pool2d_options), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("ceil_mode") = false, py::arg("count_include_pad") = true,
           py::arg("divisor_override") = py::none())
      .def_property_readonly("kernel_size",
                             [](const AvgPool2dImpl& self) { return int_or_pair(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const AvgPool2dImpl& self) { return int_or_pair(self.options.stride()); })
      .def_property_readonly("padding", [](const AvgPool2dImpl& self) { return int_or_pair(self.options.padding()); })
      .def_property_readonly("ceil_mode", [](const AvgPool2dImpl& self) { return self.options.ceil_mode(); })
      .def_property_readonly("count_include_pad",
                             [](const AvgPool2dImpl& self) { return self.options.count_include_pad(); })
      .def_property_readonly("divisor_override",
                             [](const AvgPool2dImpl& self) { return self.options.divisor_override(); });
}

void bind_pooling_layers(py::module_& nn_module) {
  using namespace nn;
  layer_class<MaxPool1dImpl>(nn_module, "MaxPool1d")
      .def(tuple_init<MaxPool1dImpl>(&max_pool1d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("dilation") = 1, py::arg("return_indices") = false,
           py::arg("ceil_mode") = false)
      .def("forward", &forward_maybe_indices<MaxPool1dImpl>, py::arg("input"))
      .def_property_readonly("kernel_size", [](const MaxPool1dImpl& self) { return self.options.kernel_size(); })
      .def_property_readonly("stride", [](const MaxPool1dImpl& self) { return self.options.stride(); })
      .def_property_readonly("padding", [](const MaxPool1dImpl& self) { return self.options.padding(); })
      .def_property_readonly("dilation", [](const MaxPool1dImpl& self) { return self.options.dilation(); })
      .def_property_readonly("ceil_mode", [](const MaxPool1dImpl& self) { return self.options.ceil_mode(); })
      .def_readonly("return_indices", &MaxPool1dImpl::return_indices);

  layer_class<AvgPool1dImpl>(nn_module, "AvgPool1d")
      .def(tuple_init<AvgPool1dImpl>(&avg_pool1d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("ceil_mode") = false, py::arg("count_include_pad") = true)
      .def_property_readonly("kernel_size", [](const AvgPool1dImpl& self) { return self.options.kernel_size(); })
      .def_property_readonly("stride", [](const AvgPool1dImpl& self) { return self.options.stride(); })
      .def_property_readonly("padding", [](const AvgPool1dImpl& self) { return self.options.padding(); })
      .def_property_readonly("ceil_mode", [](const AvgPool1dImpl& self) { return self.options.ceil_mode(); })
      .def_property_readonly("count_include_pad",
                             [](const AvgPool1dImpl& self) { return self.options.count_include_pad(); });

  layer_class<MaxPool3dImpl>(nn_module, "MaxPool3d")
      .def(tuple_init<MaxPool3dImpl>(&max_pool3d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("dilation") = 1, py::arg("return_indices") = false,
           py::arg("ceil_mode") = false)
      .def("forward", &forward_maybe_indices<MaxPool3dImpl>, py::arg("input"))
      .def_property_readonly("kernel_size",
                             [](const MaxPool3dImpl& self) { return int_or_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const MaxPool3dImpl& self) { return int_or_tuple(self.options.stride()); })
      .def_property_readonly("padding", [](const MaxPool3dImpl& self) { return int_or_tuple(self.options.padding()); })
      .def_property_readonly("dilation",
                             [](const MaxPool3dImpl& self) { return int_or_tuple(self.options.dilation()); })
      .def_property_readonly("ceil_mode", [](const MaxPool3dImpl& self) { return self.options.ceil_mode(); })
      .def_readonly("return_indices", &MaxPool3dImpl::return_indices);

  layer_class<AvgPool3dImpl>(nn_module, "AvgPool3d")
      .def(tuple_init<AvgPool3dImpl>(&avg_pool3d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("ceil_mode") = false, py::arg("count_include_pad") = true,
           py::arg("divisor_override") = py::none())
      .def_property_readonly("kernel_size",
                             [](const AvgPool3dImpl& self) { return int_or_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const AvgPool3dImpl& self) { return int_or_tuple(self.options.stride()); })
      .def_property_readonly("padding", [](const AvgPool3dImpl& self) { return int_or_tuple(self.options.padding()); })
      .def_property_readonly("ceil_mode", [](const AvgPool3dImpl& self) { return self.options.ceil_mode(); })
      .def_property_readonly("count_include_pad",
                             [](const AvgPool3dImpl& self) { return self.options.count_include_pad(); })
      .def_property_readonly("divisor_override",
                             [](const AvgPool3dImpl& self) { return self.options.divisor_override(); });

  layer_class<MaxUnpool2dImpl>(nn_module, "MaxUnpool2d")
      .def(tuple_init<MaxUnpool2dImpl>(&max_unpool2d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0)
      .def(
          "forward",
          [](MaxUnpool2dImpl& self, const Tensor& input, const Tensor& indices, const py::object& output_size) {
            std::optional<IntPair> size;
            if (!output_size.is_none()) {
              auto items = output_size.cast<std::vector<int64_t>>();
              STRIATE_CHECK(items.size() >= 2, "MaxUnpool2d: expected output_size with at least 2 entries, got ",
                            items.size());
              size = IntPair{items[items.size() - 2], items[items.size() - 1]};
            }
            py::gil_scoped_release release;
            return self.forward(input, indices, size);
          },
          py::arg("input"), py::arg("indices"), py::arg("output_size") = py::none())
      .def_property_readonly("kernel_size",
                             [](const MaxUnpool2dImpl& self) { return int_or_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const MaxUnpool2dImpl& self) { return int_or_tuple(self.options.stride()); })
      .def_property_readonly("padding",
                             [](const MaxUnpool2dImpl& self) { return int_or_tuple(self.options.padding()); });

  layer_class<AdaptiveAvgPool2dImpl>(nn_module, "AdaptiveAvgPool2d")
      .def(tuple_init<AdaptiveAvgPool2dImpl>(&adaptive_avg_args), py::arg("output_size"))
      .def_property_readonly("output_size",
                             [](const AdaptiveAvgPool2dImpl& self) { return int_or_tuple(self.output_size); });

  layer_class<AdaptiveMaxPool2dImpl>(nn_module, "AdaptiveMaxPool2d")
      .def(tuple_init<AdaptiveMaxPool2dImpl>(&adaptive_max_args), py::arg("output_size"),
           py::arg("return_indices") = false)
      .def("forward", &forward_maybe_indices<AdaptiveMaxPool2dImpl>, py::arg("input"))
      .def_property_readonly("output_size",
                             [](const AdaptiveMaxPool2dImpl& self) { return int_or_tuple(self.output_size); })
      .def_readonly("return_indices", &AdaptiveMaxPool2dImpl::return_indices);

  LayerClass<GlobalAvgPool2dImpl>(nn_module, "GlobalAvgPool2d", py::dynamic_attr())
      .def(py::init<bool>(), py::arg("flatten") = false)
      .def_readonly("flatten", &GlobalAvgPool2dImpl::flatten);
  LayerClass<GlobalMaxPool2dImpl>(nn_module, "GlobalMaxPool2d", py::dynamic_attr())
      .def(py::init<bool>(), py::arg("flatten") = false)
      .def_readonly("flatten", &GlobalMaxPool2dImpl::flatten);

  layer_class<FractionalMaxPool2dImpl>(nn_module, "FractionalMaxPool2d")
      .def(tuple_init<FractionalMaxPool2dImpl>(&fractional_args), py::arg("kernel_size"),
           py::arg("output_size") = py::none(), py::arg("output_ratio") = py::none(), py::arg("return_indices") = false)
      .def("forward", &forward_maybe_indices<FractionalMaxPool2dImpl>, py::arg("input"))
      .def_property_readonly("kernel_size",
                             [](const FractionalMaxPool2dImpl& self) { return int_or_tuple(self.kernel_size); })
      .def_readonly("output_size", &FractionalMaxPool2dImpl::output_size)
      .def_readonly("output_ratio", &FractionalMaxPool2dImpl::output_ratio)
      .def_readonly("return_indices", &FractionalMaxPool2dImpl::return_indices);

  LayerClass<ChannelMaxPoolImpl>(nn_module, "ChannelMaxPool", py::dynamic_attr())
      .def(py::init<int64_t>(), py::arg("kernel_size"))
      .def_readonly("kernel_size", &ChannelMaxPoolImpl::kernel_size);
}

}  // namespace

void init_pooling(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  bind_functional(functional);
  py::module_ nn_module = m.attr("_nn");
  bind_pool2d_layers(nn_module);
  bind_pooling_layers(nn_module);
}

}  // namespace striate::python
