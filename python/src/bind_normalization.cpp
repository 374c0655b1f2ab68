// Normalization in striate._C: batch, layer, group, instance and local response norm in
// _C._functional (wrapped with PyTorch's signatures by striate.nn), and the layers of
// nn/normalization.h (with SqueezeExcite) in _C._nn under torch.nn's names and constructor signatures.
#include <optional>
#include <string>
#include <vector>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_normalization.h"
#include "striate/nn/normalization.h"
#include "striate/ops/normalization.h"

namespace striate::python {
namespace {

// An int or a sequence of ints (torch's normalized_shape).
std::vector<int64_t> int_list(const py::handle& value, const char* op, const char* argument) {
  if (py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value)) return {value.cast<int64_t>()};
  if (py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value)) {
    std::vector<int64_t> result;
    for (const auto& item : value.cast<py::sequence>()) {
      if (!py::isinstance<py::int_>(item) || py::isinstance<py::bool_>(item)) break;
      result.push_back(item.cast<int64_t>());
    }
    if (result.size() == py::len(value)) return result;
  }
  throw TypeError(detail::str(op, ": expected ", argument, " to be an int or a sequence of ints, got ",
                              std::string(py::repr(value))));
}

std::optional<double> optional_double(const py::handle& value) {
  if (value.is_none()) return std::nullopt;
  return value.cast<double>();
}

void bind_functional(py::module_& functional) {
  functional.def("batch_norm", &batch_norm, py::arg("input"), py::arg("running_mean"), py::arg("running_var"),
                 py::arg("weight") = py::none(), py::arg("bias") = py::none(), py::arg("training") = false,
                 py::arg("momentum") = 0.1, py::arg("eps") = 1e-5, release_gil());
  // The fused path BatchNorm -> ReLU modules take (private: reached through the modules; bound for
  // the tests that compare it with the two ops and with PyTorch).
  functional.def("_batch_norm_relu", &batch_norm_relu, py::arg("input"), py::arg("running_mean"),
                 py::arg("running_var"), py::arg("weight") = py::none(), py::arg("bias") = py::none(),
                 py::arg("training") = false, py::arg("momentum") = 0.1, py::arg("eps") = 1e-5, release_gil());
  // relu(batch_norm(input) + residual), the residual blocks' fused tail (private likewise).
  functional.def("_batch_norm_add_relu", &batch_norm_add_relu, py::arg("input"), py::arg("residual"),
                 py::arg("running_mean"), py::arg("running_var"), py::arg("weight") = py::none(),
                 py::arg("bias") = py::none(), py::arg("training") = false, py::arg("momentum") = 0.1,
                 py::arg("eps") = 1e-5, release_gil());
  functional.def(
      "layer_norm",
      [](const Tensor& input, const py::object& normalized_shape, const Tensor& weight, const Tensor& bias,
         double eps) {
        std::vector<int64_t> shape = int_list(normalized_shape, "layer_norm", "normalized_shape");
        py::gil_scoped_release release;
        return layer_norm(input, shape, weight, bias, eps);
      },
      py::arg("input"), py::arg("normalized_shape"), py::arg("weight") = py::none(), py::arg("bias") = py::none(),
      py::arg("eps") = 1e-5);
  functional.def("group_norm", &group_norm, py::arg("input"), py::arg("num_groups"), py::arg("weight") = py::none(),
                 py::arg("bias") = py::none(), py::arg("eps") = 1e-5, release_gil());
  functional.def("instance_norm", &instance_norm, py::arg("input"), py::arg("running_mean") = py::none(),
                 py::arg("running_var") = py::none(), py::arg("weight") = py::none(), py::arg("bias") = py::none(),
                 py::arg("use_input_stats") = true, py::arg("momentum") = 0.1, py::arg("eps") = 1e-5, release_gil());
  functional.def("local_response_norm", &local_response_norm, py::arg("input"), py::arg("size"),
                 py::arg("alpha") = 1e-4, py::arg("beta") = 0.75, py::arg("k") = 1.0, release_gil());
}

// ---- layers ----------------------------------------------------------------------------------

template <typename Impl>
void bind_batch_norm(py::module_& nn_module, const char* name, const char* doc) {
  auto make = [](int64_t num_features, double eps, const py::object& momentum, bool affine, bool track) {
    return nn::BatchNormOptions(num_features)
        .eps(eps)
        .momentum(optional_double(momentum))
        .affine(affine)
        .track_running_stats(track);
  };
  LayerClass<Impl>(nn_module, name, doc, py::dynamic_attr())
      .def(py::init(
               [make](int64_t num_features, double eps, const py::object& momentum, bool affine, bool track) {
                 return std::make_unique<Impl>(make(num_features, eps, momentum, affine, track));
               },
               [make](int64_t num_features, double eps, const py::object& momentum, bool affine, bool track) {
                 return std::make_unique<PyModule<Impl>>(make(num_features, eps, momentum, affine, track));
               }),
           py::arg("num_features"), py::arg("eps") = 1e-5, py::arg("momentum") = 0.1, py::arg("affine") = true,
           py::arg("track_running_stats") = true)
      .def_property_readonly("num_features", [](const Impl& self) { return self.options.num_features(); })
      .def_property(
          "eps", [](const Impl& self) { return self.options.eps(); },
          [](Impl& self, double eps) { self.options.eps(eps); })
      .def_property(
          "momentum", [](const Impl& self) { return self.options.momentum(); },
          [](Impl& self, const py::object& momentum) { self.options.momentum(optional_double(momentum)); })
      .def_property_readonly("affine", [](const Impl& self) { return self.options.affine(); })
      .def_property_readonly("track_running_stats", [](const Impl& self) { return self.options.track_running_stats(); })
      .def("reset_running_stats", &Impl::reset_running_stats, docstrings::kResetRunningStats)
      .def("reset_parameters", &Impl::reset_parameters, docstrings::kResetParameters);
}

template <typename Impl>
void bind_instance_norm(py::module_& nn_module, const char* name, const char* doc) {
  LayerClass<Impl>(nn_module, name, doc, py::dynamic_attr())
      .def(direct_init<Impl, int64_t, double, double, bool, bool>(), py::arg("num_features"), py::arg("eps") = 1e-5,
           py::arg("momentum") = 0.1, py::arg("affine") = false, py::arg("track_running_stats") = false)
      .def_readonly("num_features", &Impl::num_features)
      .def_readonly("eps", &Impl::eps)
      .def_readonly("momentum", &Impl::momentum)
      .def_readonly("affine", &Impl::affine)
      .def_readonly("track_running_stats", &Impl::track_running_stats);
}

void bind_normalization_layers(py::module_& nn_module) {
  bind_batch_norm<nn::BatchNorm1dImpl>(nn_module, "BatchNorm1d", docstrings::kBatchNorm1d);
  bind_batch_norm<nn::BatchNorm2dImpl>(nn_module, "BatchNorm2d", docstrings::kBatchNorm2d);
  bind_batch_norm<nn::BatchNorm3dImpl>(nn_module, "BatchNorm3d", docstrings::kBatchNorm3d);
  bind_instance_norm<nn::InstanceNorm1dImpl>(nn_module, "InstanceNorm1d", docstrings::kInstanceNorm1d);
  bind_instance_norm<nn::InstanceNorm2dImpl>(nn_module, "InstanceNorm2d", docstrings::kInstanceNorm2d);

  using nn::LayerNormImpl;
  auto make_layer_norm = [](const py::object& shape, double eps, bool affine, bool bias) {
    return std::make_tuple(int_list(shape, "LayerNorm", "normalized_shape"), eps, affine, bias);
  };
  LayerClass<LayerNormImpl>(nn_module, "LayerNorm", docstrings::kLayerNorm, py::dynamic_attr())
      .def(py::init(
               [make_layer_norm](const py::object& shape, double eps, bool affine, bool bias) {
                 auto args = make_layer_norm(shape, eps, affine, bias);
                 return std::make_unique<LayerNormImpl>(std::get<0>(args), eps, affine, bias);
               },
               [make_layer_norm](const py::object& shape, double eps, bool affine, bool bias) {
                 auto args = make_layer_norm(shape, eps, affine, bias);
                 return std::make_unique<PyModule<LayerNormImpl>>(std::get<0>(args), eps, affine, bias);
               }),
           py::arg("normalized_shape"), py::arg("eps") = 1e-5, py::arg("elementwise_affine") = true,
           py::arg("bias") = true)
      .def_property_readonly("normalized_shape",
                             [](const LayerNormImpl& self) { return py::tuple(py::cast(self.normalized_shape)); })
      .def_readonly("eps", &LayerNormImpl::eps)
      .def_readonly("elementwise_affine", &LayerNormImpl::elementwise_affine)
      .def("reset_parameters", &LayerNormImpl::reset_parameters, docstrings::kResetParameters);

  using nn::GroupNormImpl;
  LayerClass<GroupNormImpl>(nn_module, "GroupNorm", docstrings::kGroupNorm, py::dynamic_attr())
      .def(direct_init<GroupNormImpl, int64_t, int64_t, double, bool>(), py::arg("num_groups"), py::arg("num_channels"),
           py::arg("eps") = 1e-5, py::arg("affine") = true)
      .def_readonly("num_groups", &GroupNormImpl::num_groups)
      .def_readonly("num_channels", &GroupNormImpl::num_channels)
      .def_readonly("eps", &GroupNormImpl::eps)
      .def_readonly("affine", &GroupNormImpl::affine)
      .def("reset_parameters", &GroupNormImpl::reset_parameters, docstrings::kResetParameters);

  using nn::LocalResponseNormImpl;
  LayerClass<LocalResponseNormImpl>(nn_module, "LocalResponseNorm", docstrings::kLocalResponseNorm, py::dynamic_attr())
      .def(direct_init<LocalResponseNormImpl, int64_t, double, double, double>(), py::arg("size"),
           py::arg("alpha") = 1e-4, py::arg("beta") = 0.75, py::arg("k") = 1.0)
      .def_readonly("size", &LocalResponseNormImpl::size)
      .def_readonly("alpha", &LocalResponseNormImpl::alpha)
      .def_readonly("beta", &LocalResponseNormImpl::beta)
      .def_readonly("k", &LocalResponseNormImpl::k);

  using nn::SqueezeExciteImpl;
  LayerClass<SqueezeExciteImpl>(nn_module, "SqueezeExcite", docstrings::kSqueezeExcite, py::dynamic_attr())
      .def(direct_init<SqueezeExciteImpl, int64_t, int64_t>(), py::arg("channels"), py::arg("reduction") = 16)
      .def_readonly("channels", &SqueezeExciteImpl::channels)
      .def_readonly("squeeze_channels", &SqueezeExciteImpl::squeeze_channels);
}

}  // namespace

void init_normalization(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  bind_functional(functional);
  py::module_ nn_module = m.attr("_nn");
  bind_normalization_layers(nn_module);
}

}  // namespace striate::python
