// Shape ops in striate._C: cat and stack, pad, interpolate, pixel (un)shuffle, one_hot and unflatten
// in _C and _C._functional (arguments normalized by striate.nn), Tensor.unflatten, and the shape
// layers of nn/shape.h (Flatten, Unflatten, Upsample, PixelShuffle, PixelUnshuffle) in _C._nn.
#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/nn/shape.h"
#include "striate/ops/shape_helpers.h"
#include "striate/ops/shape_ops.h"

namespace striate::python {
namespace {

void bind_functional(py::module_& functional, py::module_& m) {
  functional.def("pad", &pad, py::arg("input"), py::arg("pad"), py::arg("mode"), py::arg("value"), release_gil());
  functional.def("interpolate", &interpolate, py::arg("input"), py::arg("size"), py::arg("scale_factor"),
                 py::arg("mode"), py::arg("align_corners"), release_gil());
  functional.def("pixel_shuffle", &pixel_shuffle, py::arg("input"), py::arg("upscale_factor"), release_gil());
  functional.def("pixel_unshuffle", &pixel_unshuffle, py::arg("input"), py::arg("downscale_factor"), release_gil());
  functional.def("one_hot", &one_hot, py::arg("input"), py::arg("num_classes"), release_gil());
  functional.def("unflatten", &unflatten, py::arg("input"), py::arg("dim"), py::arg("sizes"), release_gil());
  TensorClass cls = tensor_class(m);
  cls.def("unflatten", &unflatten, py::arg("dim"), py::arg("sizes"), release_gil());
}

std::tuple<std::optional<IntPair>, std::optional<std::array<double, 2>>, std::string, std::optional<bool>>
upsample_args(const py::object& size, const py::object& scale_factor, const std::string& mode,
              std::optional<bool> align_corners, const py::object& recompute_scale_factor) {
  if (!recompute_scale_factor.is_none() && recompute_scale_factor.cast<bool>())
    STRIATE_NOT_IMPLEMENTED("Upsample: recompute_scale_factor=True is not supported");
  return {optional_pair(size, "Upsample", "size"), float_pair(scale_factor, "Upsample", "scale_factor"), mode,
          align_corners};
}

void bind_shape_layers(py::module_& nn_module) {
  using namespace nn;
  LayerClass<FlattenImpl>(nn_module, "Flatten", py::dynamic_attr())
      .def(direct_init<FlattenImpl, int64_t, int64_t>(), py::arg("start_dim") = 1, py::arg("end_dim") = -1)
      .def_readonly("start_dim", &FlattenImpl::start_dim)
      .def_readonly("end_dim", &FlattenImpl::end_dim);

  LayerClass<UnflattenImpl>(nn_module, "Unflatten", py::dynamic_attr())
      .def(py::init<int64_t, std::vector<int64_t>>(), py::arg("dim"), py::arg("unflattened_size"))
      .def_readonly("dim", &UnflattenImpl::dim)
      .def_property_readonly("unflattened_size",
                             [](const UnflattenImpl& self) { return py::tuple(py::cast(self.sizes)); });

  layer_class<UpsampleImpl>(nn_module, "Upsample")
      .def(tuple_init<UpsampleImpl>(&upsample_args), py::arg("size") = py::none(), py::arg("scale_factor") = py::none(),
           py::arg("mode") = "nearest", py::arg("align_corners") = py::none(),
           py::arg("recompute_scale_factor") = py::none())
      .def_readonly("size", &UpsampleImpl::size)
      .def_readonly("scale_factor", &UpsampleImpl::scale_factor)
      .def_readonly("mode", &UpsampleImpl::mode)
      .def_readonly("align_corners", &UpsampleImpl::align_corners);

  LayerClass<PixelShuffleImpl>(nn_module, "PixelShuffle", py::dynamic_attr())
      .def(py::init<int64_t>(), py::arg("upscale_factor"))
      .def_readonly("upscale_factor", &PixelShuffleImpl::upscale_factor);
  LayerClass<PixelUnshuffleImpl>(nn_module, "PixelUnshuffle", py::dynamic_attr())
      .def(py::init<int64_t>(), py::arg("downscale_factor"))
      .def_readonly("downscale_factor", &PixelUnshuffleImpl::downscale_factor);
}

}  // namespace

void init_shape(py::module_& m) {
  m.def("cat", &cat, py::arg("tensors"), py::arg("dim") = 0, release_gil());
  m.def("stack", &stack, py::arg("tensors"), py::arg("dim") = 0, release_gil());
  py::module_ functional = m.attr("_functional");
  bind_functional(functional, m);
  py::module_ nn_module = m.attr("_nn");
  bind_shape_layers(nn_module);
}

}  // namespace striate::python
