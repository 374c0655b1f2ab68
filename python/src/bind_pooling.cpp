// Pooling in striate._C: max and average pooling in 1-D, 2-D and 3-D, unpooling, adaptive, fractional
// and channel (maxout) pooling in _C._functional with PyTorch's signatures (raw arguments, normalized
// by bind_args.h and the window helpers here), and the layers of nn/pooling.h in _C._nn under
// PyTorch's constructor signatures.
#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_pooling.h"
#include "striate/nn/pooling.h"
#include "striate/ops/pooling.h"

namespace striate::python {
namespace {

// The functional 3-D pooling ops word the accepted tuple "a triple of ints"; the layers and the
// 3-D convolutions say "a tuple of 3 ints".
constexpr const char* kTriple = "a triple of ints";

// A normalized window argument as the options take it: an int in 1-D, an array otherwise.
template <size_t Dims>
auto window_value(const std::array<int64_t, Dims>& values) {
  if constexpr (Dims == 1)
    return values[0];
  else
    return values;
}

// kernel_size, stride (None or (): the kernel) and padding, shared by every pooling op and layer.
template <typename Options, size_t Dims>
Options window_options(const char* op, const py::handle& kernel_size, const py::handle& stride,
                       const py::handle& padding, const char* words = nullptr) {
  Options options(window_value(int_tuple<Dims>(kernel_size, op, "kernel_size", words)));
  if (auto s = pooling_stride<Dims>(stride, op, words)) options.stride(window_value(*s));
  options.padding(window_value(int_tuple<Dims>(padding, op, "padding", words)));
  return options;
}

// Max pooling options: the window, dilation and ceil_mode.
template <typename Options, size_t Dims>
Options max_pool_options(const char* op, const py::handle& kernel_size, const py::handle& stride,
                         const py::handle& padding, const py::handle& dilation, bool ceil_mode,
                         const char* words = nullptr) {
  Options options = window_options<Options, Dims>(op, kernel_size, stride, padding, words);
  options.dilation(window_value(int_tuple<Dims>(dilation, op, "dilation", words))).ceil_mode(ceil_mode);
  return options;
}

// Runs `pool` without the GIL; a (values, indices) result becomes a Python tuple.
template <typename Pool>
py::object without_gil(Pool pool) {
  auto result = [&] {
    py::gil_scoped_release release;
    return pool();
  }();
  if constexpr (std::is_same_v<decltype(result), Tensor>)
    return py::cast(result);
  else
    return py::make_tuple(std::get<0>(result), std::get<1>(result));
}

template <typename Options, size_t Dims, auto Pool, auto PoolWithIndices>
void def_max_pool(py::module_& functional, const char* name, const char* words) {
  functional.def(
      name,
      [name, words](const Tensor& input, const py::object& kernel_size, const py::object& stride,
                    const py::object& padding, const py::object& dilation, bool ceil_mode, bool return_indices) {
        Options options =
            max_pool_options<Options, Dims>(name, kernel_size, stride, padding, dilation, ceil_mode, words);
        if (return_indices) return without_gil([&] { return PoolWithIndices(input, options); });
        return without_gil([&] { return Pool(input, options); });
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride") = py::none(), py::arg("padding") = 0,
      py::arg("dilation") = 1, py::arg("ceil_mode") = false, py::arg("return_indices") = false);
}

template <typename Options, size_t Dims, auto Pool>
void def_avg_pool(py::module_& functional, const char* name, const char* words) {
  functional.def(
      name,
      [name, words](const Tensor& input, const py::object& kernel_size, const py::object& stride,
                    const py::object& padding, bool ceil_mode, bool count_include_pad,
                    const py::object& divisor_override) {
        Options options = window_options<Options, Dims>(name, kernel_size, stride, padding, words);
        options.ceil_mode(ceil_mode).count_include_pad(count_include_pad);
        options.divisor_override(optional_int(divisor_override, name, "divisor_override"));
        return without_gil([&] { return Pool(input, options); });
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride") = py::none(), py::arg("padding") = 0,
      py::arg("ceil_mode") = false, py::arg("count_include_pad") = true, py::arg("divisor_override") = py::none());
}

// max_unpool2d's output_size: None, or a sequence whose last two entries are used (as in PyTorch).
std::optional<IntPair> unpool_output_size(const py::handle& value, const char* op) {
  if (value.is_none()) return std::nullopt;
  py::tuple items(py::reinterpret_borrow<py::sequence>(value));
  STRIATE_CHECK(items.size() >= 2, op, ": expected output_size with at least 2 entries, got ",
                std::string(py::repr(items)));
  return int_tuple<2>(py::make_tuple(items[items.size() - 2], items[items.size() - 1]), op, "output_size");
}

// The adaptive ops' output_size: an int, or a pair whose None entries keep the input's size.
IntPair adaptive_output_size(const py::handle& value, const Tensor& input, const char* op) {
  if (!is_sequence(value) || py::len(value) != 2) return int_tuple<2>(value, op, "output_size");
  py::tuple items(py::reinterpret_borrow<py::sequence>(value));
  IntPair size{};
  for (size_t i = 0; i < 2; ++i) {
    if (items[i].is_none()) {
      STRIATE_CHECK(input.dim() >= 2, op, ": expected input of shape (N, C, H, W) or (C, H, W), got ", input.shape());
      size[i] = input.shape()[input.dim() - 2 + i];
    } else {
      size[i] = to_int(items[i], op, "output_size");
    }
  }
  return size;
}

// fractional_max_pool2d's output size: output_size, or int(input size * output_ratio).
IntPair fractional_output_size(const Tensor& input, const py::handle& output_size, const py::handle& output_ratio) {
  const char* op = "fractional_max_pool2d";
  STRIATE_CHECK(!output_size.is_none() || !output_ratio.is_none(), op,
                ": expected output_size or output_ratio, got neither");
  STRIATE_CHECK(output_size.is_none() || output_ratio.is_none(), op,
                ": expected only one of output_size and output_ratio, got both");
  if (!output_size.is_none()) return int_tuple<2>(output_size, op, "output_size");
  auto ratio = *float_pair(output_ratio, op, "output_ratio");
  STRIATE_CHECK(ratio[0] > 0 && ratio[0] < 1 && ratio[1] > 0 && ratio[1] < 1, op,
                ": expected output_ratio in (0, 1), got ", std::string(py::repr(output_ratio)));
  STRIATE_CHECK(input.dim() == 3 || input.dim() == 4, op, ": expected input of shape (N, C, H, W) or (C, H, W), got ",
                input.shape());
  return {static_cast<int64_t>(input.shape()[input.dim() - 2] * ratio[0]),
          static_cast<int64_t>(input.shape()[input.dim() - 1] * ratio[1])};
}

void bind_functional(py::module_& functional) {
  def_max_pool<Pool1dOptions, 1, &max_pool1d, &max_pool1d_with_indices>(functional, "max_pool1d", nullptr);
  def_max_pool<Pool2dOptions, 2, &max_pool2d, &max_pool2d_with_indices>(functional, "max_pool2d", nullptr);
  def_max_pool<Pool3dOptions, 3, &max_pool3d, &max_pool3d_with_indices>(functional, "max_pool3d", kTriple);
  def_avg_pool<Pool2dOptions, 2, &avg_pool2d>(functional, "avg_pool2d", nullptr);
  def_avg_pool<Pool3dOptions, 3, &avg_pool3d>(functional, "avg_pool3d", kTriple);
  functional.def(
      "avg_pool1d",
      [](const Tensor& input, const py::object& kernel_size, const py::object& stride, const py::object& padding,
         bool ceil_mode, bool count_include_pad) {
        auto options = window_options<Pool1dOptions, 1>("avg_pool1d", kernel_size, stride, padding);
        options.ceil_mode(ceil_mode).count_include_pad(count_include_pad);
        return without_gil([&] { return avg_pool1d(input, options); });
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride") = py::none(), py::arg("padding") = 0,
      py::arg("ceil_mode") = false, py::arg("count_include_pad") = true);

  functional.def(
      "max_unpool2d",
      [](const Tensor& input, const Tensor& indices, const py::object& kernel_size, const py::object& stride,
         const py::object& padding, const py::object& output_size) {
        auto options = window_options<Pool2dOptions, 2>("max_unpool2d", kernel_size, stride, padding);
        auto size = unpool_output_size(output_size, "max_unpool2d");
        return without_gil([&] { return max_unpool2d(input, indices, options, size); });
      },
      py::arg("input"), py::arg("indices"), py::arg("kernel_size"), py::arg("stride") = py::none(),
      py::arg("padding") = 0, py::arg("output_size") = py::none());

  functional.def(
      "adaptive_avg_pool2d",
      [](const Tensor& input, const py::object& output_size) {
        IntPair size = adaptive_output_size(output_size, input, "adaptive_avg_pool2d");
        return without_gil([&] { return adaptive_avg_pool2d(input, size); });
      },
      py::arg("input"), py::arg("output_size"));
  functional.def(
      "adaptive_max_pool2d",
      [](const Tensor& input, const py::object& output_size, bool return_indices) {
        IntPair size = adaptive_output_size(output_size, input, "adaptive_max_pool2d");
        if (return_indices) return without_gil([&] { return adaptive_max_pool2d_with_indices(input, size); });
        return without_gil([&] { return adaptive_max_pool2d(input, size); });
      },
      py::arg("input"), py::arg("output_size"), py::arg("return_indices") = false);
  functional.def(
      "fractional_max_pool2d",
      [](const Tensor& input, const py::object& kernel_size, const py::object& output_size,
         const py::object& output_ratio, bool return_indices, const Tensor& random_samples) {
        IntPair kernel = int_tuple<2>(kernel_size, "fractional_max_pool2d", "kernel_size");
        IntPair size = fractional_output_size(input, output_size, output_ratio);
        // A (C, 2) sample for an unbatched (C, H, W) input gets its batch dimension.
        bool unbatched = random_samples.defined() && input.dim() == 3 && random_samples.dim() == 2;
        Tensor samples = unbatched ? random_samples.unsqueeze(0) : random_samples;
        auto result = [&] {
          py::gil_scoped_release release;
          return fractional_max_pool2d_with_indices(input, kernel, size, samples);
        }();
        if (return_indices) return py::object(py::make_tuple(std::get<0>(result), std::get<1>(result)));
        return py::cast(std::get<0>(result));
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("output_size") = py::none(),
      py::arg("output_ratio") = py::none(), py::arg("return_indices") = false, py::arg("_random_samples") = py::none());
  functional.def(
      "channel_max_pool",
      [](const Tensor& input, const py::object& kernel_size) {
        int64_t group = to_int(kernel_size, "channel_max_pool", "kernel_size");
        return without_gil([&] { return channel_max_pool(input, group); });
      },
      py::arg("input"), py::arg("kernel_size"));
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
  return {max_pool_options<Pool1dOptions, 1>("MaxPool1d", kernel_size, stride, padding, dilation, ceil_mode),
          return_indices};
}

std::tuple<Pool1dOptions> avg_pool1d_args(const py::object& kernel_size, const py::object& stride,
                                          const py::object& padding, bool ceil_mode, bool count_include_pad) {
  auto options = window_options<Pool1dOptions, 1>("AvgPool1d", kernel_size, stride, padding);
  options.ceil_mode(ceil_mode).count_include_pad(count_include_pad);
  return {options};
}

std::tuple<Pool3dOptions, bool> max_pool3d_args(const py::object& kernel_size, const py::object& stride,
                                                const py::object& padding, const py::object& dilation,
                                                bool return_indices, bool ceil_mode) {
  return {max_pool_options<Pool3dOptions, 3>("MaxPool3d", kernel_size, stride, padding, dilation, ceil_mode),
          return_indices};
}

std::tuple<Pool3dOptions> avg_pool3d_args(const py::object& kernel_size, const py::object& stride,
                                          const py::object& padding, bool ceil_mode, bool count_include_pad,
                                          const py::object& divisor_override) {
  auto options = window_options<Pool3dOptions, 3>("AvgPool3d", kernel_size, stride, padding);
  options.ceil_mode(ceil_mode).count_include_pad(count_include_pad);
  options.divisor_override(optional_int(divisor_override, "AvgPool3d", "divisor_override"));
  return {options};
}

std::tuple<Pool2dOptions> max_unpool2d_args(const py::object& kernel_size, const py::object& stride,
                                            const py::object& padding) {
  return {window_options<Pool2dOptions, 2>("MaxUnpool2d", kernel_size, stride, padding)};
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
  return {int_tuple<2>(kernel_size, layer, "kernel_size"), optional_tuple<2>(output_size, layer, "output_size"),
          float_pair(output_ratio, layer, "output_ratio"), return_indices};
}

Pool2dOptions max_pool2d_options(const py::object& kernel_size, const py::object& stride, const py::object& padding,
                                 const py::object& dilation, bool ceil_mode) {
  return max_pool_options<Pool2dOptions, 2>("MaxPool2d", kernel_size, stride, padding, dilation, ceil_mode);
}

Pool2dOptions avg_pool2d_options(const py::object& kernel_size, const py::object& stride, const py::object& padding,
                                 bool ceil_mode, bool count_include_pad, const py::object& divisor_override) {
  auto options = window_options<Pool2dOptions, 2>("AvgPool2d", kernel_size, stride, padding);
  options.ceil_mode(ceil_mode).count_include_pad(count_include_pad);
  options.divisor_override(optional_int(divisor_override, "AvgPool2d", "divisor_override"));
  return options;
}

void bind_pool2d_layers(py::module_& nn_module) {
  using nn::AvgPool2dImpl;
  using nn::MaxPool2dImpl;
  LayerClass<MaxPool2dImpl>(nn_module, "MaxPool2d", docstrings::kMaxPool2d, py::dynamic_attr())
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
          py::arg("input"), docstrings::kPoolForward)
      .def_property_readonly("kernel_size",
                             [](const MaxPool2dImpl& self) { return int_or_pair(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.stride()); })
      .def_property_readonly("padding", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.padding()); })
      .def_property_readonly("dilation", [](const MaxPool2dImpl& self) { return int_or_pair(self.options.dilation()); })
      .def_property_readonly("ceil_mode", [](const MaxPool2dImpl& self) { return self.options.ceil_mode(); })
      .def_readonly("return_indices", &MaxPool2dImpl::return_indices);

  LayerClass<AvgPool2dImpl>(nn_module, "AvgPool2d", docstrings::kAvgPool2d, py::dynamic_attr())
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
  layer_class<MaxPool1dImpl>(nn_module, "MaxPool1d", docstrings::kMaxPool1d)
      .def(tuple_init<MaxPool1dImpl>(&max_pool1d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("dilation") = 1, py::arg("return_indices") = false,
           py::arg("ceil_mode") = false)
      .def("forward", &forward_maybe_indices<MaxPool1dImpl>, py::arg("input"), docstrings::kPoolForward)
      .def_property_readonly("kernel_size", [](const MaxPool1dImpl& self) { return self.options.kernel_size(); })
      .def_property_readonly("stride", [](const MaxPool1dImpl& self) { return self.options.stride(); })
      .def_property_readonly("padding", [](const MaxPool1dImpl& self) { return self.options.padding(); })
      .def_property_readonly("dilation", [](const MaxPool1dImpl& self) { return self.options.dilation(); })
      .def_property_readonly("ceil_mode", [](const MaxPool1dImpl& self) { return self.options.ceil_mode(); })
      .def_readonly("return_indices", &MaxPool1dImpl::return_indices);

  layer_class<AvgPool1dImpl>(nn_module, "AvgPool1d", docstrings::kAvgPool1d)
      .def(tuple_init<AvgPool1dImpl>(&avg_pool1d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("ceil_mode") = false, py::arg("count_include_pad") = true)
      .def_property_readonly("kernel_size", [](const AvgPool1dImpl& self) { return self.options.kernel_size(); })
      .def_property_readonly("stride", [](const AvgPool1dImpl& self) { return self.options.stride(); })
      .def_property_readonly("padding", [](const AvgPool1dImpl& self) { return self.options.padding(); })
      .def_property_readonly("ceil_mode", [](const AvgPool1dImpl& self) { return self.options.ceil_mode(); })
      .def_property_readonly("count_include_pad",
                             [](const AvgPool1dImpl& self) { return self.options.count_include_pad(); });

  layer_class<MaxPool3dImpl>(nn_module, "MaxPool3d", docstrings::kMaxPool3d)
      .def(tuple_init<MaxPool3dImpl>(&max_pool3d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0, py::arg("dilation") = 1, py::arg("return_indices") = false,
           py::arg("ceil_mode") = false)
      .def("forward", &forward_maybe_indices<MaxPool3dImpl>, py::arg("input"), docstrings::kPoolForward)
      .def_property_readonly("kernel_size",
                             [](const MaxPool3dImpl& self) { return int_or_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const MaxPool3dImpl& self) { return int_or_tuple(self.options.stride()); })
      .def_property_readonly("padding", [](const MaxPool3dImpl& self) { return int_or_tuple(self.options.padding()); })
      .def_property_readonly("dilation",
                             [](const MaxPool3dImpl& self) { return int_or_tuple(self.options.dilation()); })
      .def_property_readonly("ceil_mode", [](const MaxPool3dImpl& self) { return self.options.ceil_mode(); })
      .def_readonly("return_indices", &MaxPool3dImpl::return_indices);

  layer_class<AvgPool3dImpl>(nn_module, "AvgPool3d", docstrings::kAvgPool3d)
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

  layer_class<MaxUnpool2dImpl>(nn_module, "MaxUnpool2d", docstrings::kMaxUnpool2d)
      .def(tuple_init<MaxUnpool2dImpl>(&max_unpool2d_args), py::arg("kernel_size"), py::arg("stride") = py::none(),
           py::arg("padding") = 0)
      .def(
          "forward",
          [](MaxUnpool2dImpl& self, const Tensor& input, const Tensor& indices, const py::object& output_size) {
            std::optional<IntPair> size = unpool_output_size(output_size, "MaxUnpool2d");
            py::gil_scoped_release release;
            return self.forward(input, indices, size);
          },
          py::arg("input"), py::arg("indices"), py::arg("output_size") = py::none(), docstrings::kMaxUnpoolForward)
      .def_property_readonly("kernel_size",
                             [](const MaxUnpool2dImpl& self) { return int_or_tuple(self.options.kernel_size()); })
      .def_property_readonly("stride", [](const MaxUnpool2dImpl& self) { return int_or_tuple(self.options.stride()); })
      .def_property_readonly("padding",
                             [](const MaxUnpool2dImpl& self) { return int_or_tuple(self.options.padding()); });

  layer_class<AdaptiveAvgPool2dImpl>(nn_module, "AdaptiveAvgPool2d", docstrings::kAdaptiveAvgPool2d)
      .def(tuple_init<AdaptiveAvgPool2dImpl>(&adaptive_avg_args), py::arg("output_size"))
      .def_property_readonly("output_size",
                             [](const AdaptiveAvgPool2dImpl& self) { return int_or_tuple(self.output_size); });

  layer_class<AdaptiveMaxPool2dImpl>(nn_module, "AdaptiveMaxPool2d", docstrings::kAdaptiveMaxPool2d)
      .def(tuple_init<AdaptiveMaxPool2dImpl>(&adaptive_max_args), py::arg("output_size"),
           py::arg("return_indices") = false)
      .def("forward", &forward_maybe_indices<AdaptiveMaxPool2dImpl>, py::arg("input"), docstrings::kPoolForward)
      .def_property_readonly("output_size",
                             [](const AdaptiveMaxPool2dImpl& self) { return int_or_tuple(self.output_size); })
      .def_readonly("return_indices", &AdaptiveMaxPool2dImpl::return_indices);

  LayerClass<GlobalAvgPool2dImpl>(nn_module, "GlobalAvgPool2d", docstrings::kGlobalAvgPool2d, py::dynamic_attr())
      .def(py::init<bool>(), py::arg("flatten") = false)
      .def_readonly("flatten", &GlobalAvgPool2dImpl::flatten);
  LayerClass<GlobalMaxPool2dImpl>(nn_module, "GlobalMaxPool2d", docstrings::kGlobalMaxPool2d, py::dynamic_attr())
      .def(py::init<bool>(), py::arg("flatten") = false)
      .def_readonly("flatten", &GlobalMaxPool2dImpl::flatten);

  layer_class<FractionalMaxPool2dImpl>(nn_module, "FractionalMaxPool2d", docstrings::kFractionalMaxPool2d)
      .def(tuple_init<FractionalMaxPool2dImpl>(&fractional_args), py::arg("kernel_size"),
           py::arg("output_size") = py::none(), py::arg("output_ratio") = py::none(), py::arg("return_indices") = false)
      .def("forward", &forward_maybe_indices<FractionalMaxPool2dImpl>, py::arg("input"), docstrings::kPoolForward)
      .def_property_readonly("kernel_size",
                             [](const FractionalMaxPool2dImpl& self) { return int_or_tuple(self.kernel_size); })
      .def_readonly("output_size", &FractionalMaxPool2dImpl::output_size)
      .def_readonly("output_ratio", &FractionalMaxPool2dImpl::output_ratio)
      .def_readonly("return_indices", &FractionalMaxPool2dImpl::return_indices);

  LayerClass<ChannelMaxPoolImpl>(nn_module, "ChannelMaxPool", docstrings::kChannelMaxPool, py::dynamic_attr())
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
