// Shape ops in striate._C: cat and stack, pad, interpolate, pixel (un)shuffle, one_hot and unflatten
// in _C and _C._functional with PyTorch's signatures (raw arguments, normalized by bind_args.h),
// Tensor.unflatten, and the shape layers of nn/shape.h (Flatten, Unflatten, Upsample, PixelShuffle, PixelUnshuffle) in
// _C._nn.
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_shape.h"
#include "docstrings/tensor.h"
#include "striate/nn/shape.h"
#include "striate/ops/shape_helpers.h"
#include "striate/ops/shape_ops.h"

namespace striate::python {
namespace {

// An int argument of a shape op: checked (GIL held), then the op runs without the GIL.
template <auto Op>
auto int_argument_op(const char* op, const char* argument) {
  return [op, argument](const Tensor& input, const py::object& value) {
    int64_t n = to_int(value, op, argument);
    py::gil_scoped_release release;
    return Op(input, n);
  };
}

Tensor pad_op(const Tensor& input, const py::object& pad_amounts, const py::object& mode, const py::object& value) {
  std::vector<int64_t> amounts = int_list(pad_amounts, "pad", "pad");
  STRIATE_CHECK_TYPE(py::isinstance<py::str>(mode), "pad: expected mode to be a string, got ", type_name(mode));
  auto mode_name = mode.cast<std::string>();
  STRIATE_CHECK(value.is_none() || mode_name == "constant", "pad: expected no value for mode '", mode_name, "', got ",
                std::string(py::str(value)));
  double fill = value.is_none() ? 0.0 : value.cast<double>();
  py::gil_scoped_release release;
  return pad(input, amounts, mode_name, fill);
}

Tensor interpolate_op(const Tensor& input, const py::object& size, const py::object& scale_factor,
                      const std::string& mode, const py::object& align_corners,
                      const py::object& recompute_scale_factor, bool antialias) {
  if (antialias) STRIATE_NOT_IMPLEMENTED("interpolate: antialias=True is not supported");
  auto out_size = optional_tuple<2>(size, "interpolate", "size");
  auto factors = float_pair(scale_factor, "interpolate", "scale_factor");
  if (factors && !recompute_scale_factor.is_none() && recompute_scale_factor.cast<bool>()) {
    // The output size computed from the factors, which are then dropped (PyTorch's rule).
    if (input.dim() != 4)
      STRIATE_NOT_IMPLEMENTED("interpolate: only 4-D input (N, C, H, W) is supported, got shape ", input.shape());
    out_size = IntPair{static_cast<int64_t>(std::floor(input.shape()[2] * (*factors)[0])),
                       static_cast<int64_t>(std::floor(input.shape()[3] * (*factors)[1]))};
    factors.reset();
  }
  std::optional<bool> corners;
  if (!align_corners.is_none()) corners = align_corners.cast<bool>();
  py::gil_scoped_release release;
  return interpolate(input, out_size, factors, mode, corners);
}

Tensor unflatten_op(const Tensor& input, const py::object& dim, const py::object& sizes) {
  int64_t d = to_int(dim, "unflatten", "dim");
  std::vector<int64_t> split = int_list(sizes, "unflatten", "sizes");
  py::gil_scoped_release release;
  return unflatten(input, d, split);
}

void bind_functional(py::module_& functional, py::module_& m) {
  functional.def("pad", &pad_op, py::arg("input"), py::arg("pad"), py::arg("mode") = "constant",
                 py::arg("value") = py::none());
  functional.def("interpolate", &interpolate_op, py::arg("input"), py::arg("size") = py::none(),
                 py::arg("scale_factor") = py::none(), py::arg("mode") = "nearest",
                 py::arg("align_corners") = py::none(), py::arg("recompute_scale_factor") = py::none(),
                 py::arg("antialias") = false);
  functional.def("pixel_shuffle", int_argument_op<&pixel_shuffle>("pixel_shuffle", "upscale_factor"), py::arg("input"),
                 py::arg("upscale_factor"));
  functional.def("pixel_unshuffle", int_argument_op<&pixel_unshuffle>("pixel_unshuffle", "downscale_factor"),
                 py::arg("input"), py::arg("downscale_factor"));
  functional.def("one_hot", int_argument_op<&one_hot>("one_hot", "num_classes"), py::arg("tensor"),
                 py::arg("num_classes") = -1);
  functional.def("unflatten", &unflatten_op, py::arg("input"), py::arg("dim"), py::arg("sizes"));
  TensorClass cls = tensor_class(m);
  cls.def("unflatten", &unflatten_op, py::arg("dim"), py::arg("sizes"), docstrings::kTensorUnflatten);
}

std::tuple<std::optional<IntPair>, std::optional<std::array<double, 2>>, std::string, std::optional<bool>>
upsample_args(const py::object& size, const py::object& scale_factor, const std::string& mode,
              std::optional<bool> align_corners, const py::object& recompute_scale_factor) {
  if (!recompute_scale_factor.is_none() && recompute_scale_factor.cast<bool>())
    STRIATE_NOT_IMPLEMENTED("Upsample: recompute_scale_factor=True is not supported");
  return {optional_tuple<2>(size, "Upsample", "size"), float_pair(scale_factor, "Upsample", "scale_factor"), mode,
          align_corners};
}

void bind_shape_layers(py::module_& nn_module) {
  using namespace nn;
  LayerClass<FlattenImpl>(nn_module, "Flatten", docstrings::kFlatten, py::dynamic_attr())
      .def(direct_init<FlattenImpl, int64_t, int64_t>(), py::arg("start_dim") = 1, py::arg("end_dim") = -1)
      .def_readonly("start_dim", &FlattenImpl::start_dim)
      .def_readonly("end_dim", &FlattenImpl::end_dim);

  LayerClass<UnflattenImpl>(nn_module, "Unflatten", docstrings::kUnflatten, py::dynamic_attr())
      .def(py::init<int64_t, std::vector<int64_t>>(), py::arg("dim"), py::arg("unflattened_size"))
      .def_readonly("dim", &UnflattenImpl::dim)
      .def_property_readonly("unflattened_size",
                             [](const UnflattenImpl& self) { return py::tuple(py::cast(self.sizes)); });

  layer_class<UpsampleImpl>(nn_module, "Upsample", docstrings::kUpsample)
      .def(tuple_init<UpsampleImpl>(&upsample_args), py::arg("size") = py::none(), py::arg("scale_factor") = py::none(),
           py::arg("mode") = "nearest", py::arg("align_corners") = py::none(),
           py::arg("recompute_scale_factor") = py::none())
      .def_readonly("size", &UpsampleImpl::size)
      .def_readonly("scale_factor", &UpsampleImpl::scale_factor)
      .def_readonly("mode", &UpsampleImpl::mode)
      .def_readonly("align_corners", &UpsampleImpl::align_corners);

  LayerClass<PixelShuffleImpl>(nn_module, "PixelShuffle", docstrings::kPixelShuffle, py::dynamic_attr())
      .def(py::init<int64_t>(), py::arg("upscale_factor"))
      .def_readonly("upscale_factor", &PixelShuffleImpl::upscale_factor);
  LayerClass<PixelUnshuffleImpl>(nn_module, "PixelUnshuffle", docstrings::kPixelUnshuffle, py::dynamic_attr())
      .def(py::init<int64_t>(), py::arg("downscale_factor"))
      .def_readonly("downscale_factor", &PixelUnshuffleImpl::downscale_factor);
}

}  // namespace

void init_shape(py::module_& m) {
  m.def("cat", &cat, py::arg("tensors"), py::arg("dim") = 0, release_gil(), docstrings::kCat);
  m.def("stack", &stack, py::arg("tensors"), py::arg("dim") = 0, release_gil(), docstrings::kStack);
  py::module_ functional = m.attr("_functional");
  bind_functional(functional, m);
  py::module_ nn_module = m.attr("_nn");
  bind_shape_layers(nn_module);
}

}  // namespace striate::python
