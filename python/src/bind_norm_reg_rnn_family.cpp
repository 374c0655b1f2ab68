// Bindings of the normalization, regularization and recurrent family: functional ops into
// _C._functional (wrapped with PyTorch's signatures by striate.nn._functional_norm_reg_rnn_family)
// and the layers into _C._nn under torch.nn's names and constructor signatures.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind_nn_module.h"
#include "bindings.h"
#include "striate/nn/dropout.h"
#include "striate/nn/normalization.h"
#include "striate/nn/recurrent.h"
#include "striate/ops/dropout.h"
#include "striate/ops/normalization.h"

namespace striate::python {
namespace {

using nn::Module;
using release_gil = py::call_guard<py::gil_scoped_release>;

template <typename Impl>
using LayerClass = py::class_<Impl, Module, PyModule<Impl>, py::smart_holder>;

// For layers whose Python arguments are the C++ constructor's.
template <typename Impl, typename... Args>
auto direct_init() {
  return py::init([](Args... args) { return std::make_unique<Impl>(args...); },
                  [](Args... args) { return std::make_unique<PyModule<Impl>>(args...); });
}

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
  functional.def("dropout", &dropout, py::arg("input"), py::arg("p") = 0.5, py::arg("training") = true,
                 py::arg("inverted") = true, release_gil());
  functional.def(
      "dropout_", [](Tensor& input, double p, bool training, bool inverted) { return dropout_(input, p, training, inverted); },
      py::arg("input"), py::arg("p") = 0.5, py::arg("training") = true, py::arg("inverted") = true, release_gil());
  functional.def("dropout2d", &dropout2d, py::arg("input"), py::arg("p") = 0.5, py::arg("training") = true,
                 release_gil());
  functional.def("alpha_dropout", &alpha_dropout, py::arg("input"), py::arg("p") = 0.5, py::arg("training") = true,
                 release_gil());
  functional.def("stochastic_depth", &stochastic_depth, py::arg("input"), py::arg("p"), py::arg("mode") = "row",
                 py::arg("training") = true, release_gil());
}

// ---- normalization layers ----------------------------------------------------------------------

template <typename Impl>
void bind_batch_norm(py::module_& nn_module, const char* name) {
  auto make = [](int64_t num_features, double eps, const py::object& momentum, bool affine, bool track) {
    return nn::BatchNormOptions(num_features).eps(eps).momentum(optional_double(momentum)).affine(affine)
        .track_running_stats(track);
  };
  LayerClass<Impl>(nn_module, name, py::dynamic_attr())
      .def(py::init([make](int64_t num_features, double eps, const py::object& momentum, bool affine, bool track) {
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
      .def("reset_running_stats", &Impl::reset_running_stats)
      .def("reset_parameters", &Impl::reset_parameters);
}

template <typename Impl>
void bind_instance_norm(py::module_& nn_module, const char* name) {
  LayerClass<Impl>(nn_module, name, py::dynamic_attr())
      .def(direct_init<Impl, int64_t, double, double, bool, bool>(), py::arg("num_features"), py::arg("eps") = 1e-5,
           py::arg("momentum") = 0.1, py::arg("affine") = false, py::arg("track_running_stats") = false)
      .def_readonly("num_features", &Impl::num_features)
      .def_readonly("eps", &Impl::eps)
      .def_readonly("momentum", &Impl::momentum)
      .def_readonly("affine", &Impl::affine)
      .def_readonly("track_running_stats", &Impl::track_running_stats);
}

void bind_normalization_layers(py::module_& nn_module) {
  bind_batch_norm<nn::BatchNorm1dImpl>(nn_module, "BatchNorm1d");
  bind_batch_norm<nn::BatchNorm2dImpl>(nn_module, "BatchNorm2d");
  bind_batch_norm<nn::BatchNorm3dImpl>(nn_module, "BatchNorm3d");
  bind_instance_norm<nn::InstanceNorm1dImpl>(nn_module, "InstanceNorm1d");
  bind_instance_norm<nn::InstanceNorm2dImpl>(nn_module, "InstanceNorm2d");

  using nn::LayerNormImpl;
  auto make_layer_norm = [](const py::object& shape, double eps, bool affine, bool bias) {
    return std::make_tuple(int_list(shape, "LayerNorm", "normalized_shape"), eps, affine, bias);
  };
  LayerClass<LayerNormImpl>(nn_module, "LayerNorm", py::dynamic_attr())
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
      .def("reset_parameters", &LayerNormImpl::reset_parameters);

  using nn::GroupNormImpl;
  LayerClass<GroupNormImpl>(nn_module, "GroupNorm", py::dynamic_attr())
      .def(direct_init<GroupNormImpl, int64_t, int64_t, double, bool>(), py::arg("num_groups"),
           py::arg("num_channels"), py::arg("eps") = 1e-5, py::arg("affine") = true)
      .def_readonly("num_groups", &GroupNormImpl::num_groups)
      .def_readonly("num_channels", &GroupNormImpl::num_channels)
      .def_readonly("eps", &GroupNormImpl::eps)
      .def_readonly("affine", &GroupNormImpl::affine)
      .def("reset_parameters", &GroupNormImpl::reset_parameters);

  using nn::LocalResponseNormImpl;
  LayerClass<LocalResponseNormImpl>(nn_module, "LocalResponseNorm", py::dynamic_attr())
      .def(direct_init<LocalResponseNormImpl, int64_t, double, double, double>(), py::arg("size"),
           py::arg("alpha") = 1e-4, py::arg("beta") = 0.75, py::arg("k") = 1.0)
      .def_readonly("size", &LocalResponseNormImpl::size)
      .def_readonly("alpha", &LocalResponseNormImpl::alpha)
      .def_readonly("beta", &LocalResponseNormImpl::beta)
      .def_readonly("k", &LocalResponseNormImpl::k);

  using nn::SqueezeExciteImpl;
  LayerClass<SqueezeExciteImpl>(nn_module, "SqueezeExcite", py::dynamic_attr())
      .def(direct_init<SqueezeExciteImpl, int64_t, int64_t>(), py::arg("channels"), py::arg("reduction") = 16)
      .def_readonly("channels", &SqueezeExciteImpl::channels)
      .def_readonly("squeeze_channels", &SqueezeExciteImpl::squeeze_channels);
}

// ---- dropout layers ------------------------------------------------------------------------------

void bind_dropout_layers(py::module_& nn_module) {
  using nn::DropoutImpl;
  LayerClass<DropoutImpl>(nn_module, "Dropout", py::dynamic_attr())
      .def(direct_init<DropoutImpl, double, bool, bool>(), py::arg("p") = 0.5, py::arg("inplace") = false,
           py::arg("inverted") = true)
      .def_readonly("p", &DropoutImpl::p)
      .def_readonly("inplace", &DropoutImpl::inplace)
      .def_readonly("inverted", &DropoutImpl::inverted);

  using nn::Dropout2dImpl;
  LayerClass<Dropout2dImpl>(nn_module, "Dropout2d", py::dynamic_attr())
      .def(direct_init<Dropout2dImpl, double, bool>(), py::arg("p") = 0.5, py::arg("inplace") = false)
      .def_readonly("p", &Dropout2dImpl::p)
      .def_readonly("inplace", &Dropout2dImpl::inplace);

  using nn::AlphaDropoutImpl;
  LayerClass<AlphaDropoutImpl>(nn_module, "AlphaDropout", py::dynamic_attr())
      .def(direct_init<AlphaDropoutImpl, double, bool>(), py::arg("p") = 0.5, py::arg("inplace") = false)
      .def_readonly("p", &AlphaDropoutImpl::p)
      .def_readonly("inplace", &AlphaDropoutImpl::inplace);

  using nn::DropPathImpl;
  LayerClass<DropPathImpl>(nn_module, "DropPath", py::dynamic_attr())
      .def(direct_init<DropPathImpl, double, std::string>(), py::arg("p") = 0.0, py::arg("mode") = "row")
      .def_readonly("p", &DropPathImpl::p)
      .def_readonly("mode", &DropPathImpl::mode);

  using nn::DropConnectImpl;
  auto make_drop_connect = [](std::shared_ptr<nn::LinearImpl> linear) {
    STRIATE_CHECK_TYPE(linear != nullptr, "DropConnect: expected a striate.nn.Linear, got None");
    return nn::Linear(std::move(linear));
  };
  LayerClass<DropConnectImpl>(nn_module, "DropConnect", py::dynamic_attr())
      .def(py::init(
               [make_drop_connect](std::shared_ptr<nn::LinearImpl> linear, double p) {
                 return std::make_unique<DropConnectImpl>(make_drop_connect(std::move(linear)), p);
               },
               [make_drop_connect](std::shared_ptr<nn::LinearImpl> linear, double p) {
                 return std::make_unique<PyModule<DropConnectImpl>>(make_drop_connect(std::move(linear)), p);
               }),
           py::arg("linear"), py::arg("p") = 0.5)
      .def_readonly("p", &DropConnectImpl::p);
}

// ---- recurrent layers ------------------------------------------------------------------------------

void bind_recurrent_layers(py::module_& nn_module) {
  using nn::RNNCellImpl;
  LayerClass<RNNCellImpl>(nn_module, "RNNCell", py::dynamic_attr())
      .def(direct_init<RNNCellImpl, int64_t, int64_t, bool, std::string>(), py::arg("input_size"),
           py::arg("hidden_size"), py::arg("bias") = true, py::arg("nonlinearity") = "tanh")
      .def(
          "forward",
          [](RNNCellImpl& self, const Tensor& input, const Tensor& hx) { return self.forward(input, hx); },
          py::arg("input"), py::arg("hx") = py::none(), release_gil())
      .def_readonly("input_size", &RNNCellImpl::input_size)
      .def_readonly("hidden_size", &RNNCellImpl::hidden_size)
      .def_readonly("bias", &RNNCellImpl::bias)
      .def_readonly("nonlinearity", &RNNCellImpl::nonlinearity)
      .def("reset_parameters", &RNNCellImpl::reset_parameters);

  using nn::RNNImpl;
  auto make_rnn = [](int64_t input_size, int64_t hidden_size, int64_t num_layers, const std::string& nonlinearity,
                     bool bias, bool batch_first, double dropout, bool bidirectional) {
    return nn::RNNOptions(input_size, hidden_size).num_layers(num_layers).nonlinearity(nonlinearity).bias(bias)
        .batch_first(batch_first).dropout(dropout).bidirectional(bidirectional);
  };
  LayerClass<RNNImpl>(nn_module, "RNN", py::dynamic_attr())
      .def(layer_init<RNNImpl>(+make_rnn), py::arg("input_size"), py::arg("hidden_size"), py::arg("num_layers") = 1,
           py::arg("nonlinearity") = "tanh", py::arg("bias") = true, py::arg("batch_first") = false,
           py::arg("dropout") = 0.0, py::arg("bidirectional") = false)
      // (output, h_n), as torch.nn.RNN.
      .def(
          "forward",
          [](RNNImpl& self, const Tensor& input, const Tensor& hx) {
            std::tuple<Tensor, Tensor> result;
            {
              py::gil_scoped_release release;
              result = self.forward_with_state(input, hx);
            }
            return py::make_tuple(std::get<0>(result), std::get<1>(result));
          },
          py::arg("input"), py::arg("hx") = py::none())
      .def_property_readonly("input_size", [](const RNNImpl& self) { return self.options.input_size(); })
      .def_property_readonly("hidden_size", [](const RNNImpl& self) { return self.options.hidden_size(); })
      .def_property_readonly("num_layers", [](const RNNImpl& self) { return self.options.num_layers(); })
      .def_property_readonly("nonlinearity", [](const RNNImpl& self) { return self.options.nonlinearity(); })
      .def_property_readonly("bias", [](const RNNImpl& self) { return self.options.bias(); })
      .def_property_readonly("batch_first", [](const RNNImpl& self) { return self.options.batch_first(); })
      .def_property_readonly("dropout", [](const RNNImpl& self) { return self.options.dropout(); })
      .def_property_readonly("bidirectional", [](const RNNImpl& self) { return self.options.bidirectional(); })
      .def("reset_parameters", &RNNImpl::reset_parameters);
}

}  // namespace

void init_norm_reg_rnn_family(py::module_& m) {
  py::module_ functional = py::module_(m.attr("_functional"));
  py::module_ nn_module = py::module_(m.attr("_nn"));
  bind_functional(functional);
  bind_normalization_layers(nn_module);
  bind_dropout_layers(nn_module);
  bind_recurrent_layers(nn_module);
}

}  // namespace striate::python
