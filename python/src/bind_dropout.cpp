// Dropout in striate._C: dropout, dropout2d, alpha_dropout and stochastic_depth in _C._functional
// (wrapped with PyTorch's signatures by striate.nn), and the layers of nn/dropout.h (Dropout,
// Dropout2d, AlphaDropout, DropPath, DropConnect) in _C._nn.
#include <memory>
#include <string>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_dropout.h"
#include "striate/nn/dropout.h"
#include "striate/nn/linear.h"
#include "striate/ops/dropout.h"

namespace striate::python {
namespace {

void bind_functional(py::module_& functional) {
  functional.def("dropout", &dropout, py::arg("input"), py::arg("p") = 0.5, py::arg("training") = true,
                 py::arg("inverted") = true, release_gil());
  functional.def(
      "dropout_",
      [](Tensor& input, double p, bool training, bool inverted) { return dropout_(input, p, training, inverted); },
      py::arg("input"), py::arg("p") = 0.5, py::arg("training") = true, py::arg("inverted") = true, release_gil());
  functional.def("dropout2d", &dropout2d, py::arg("input"), py::arg("p") = 0.5, py::arg("training") = true,
                 release_gil());
  functional.def("alpha_dropout", &alpha_dropout, py::arg("input"), py::arg("p") = 0.5, py::arg("training") = true,
                 release_gil());
  functional.def("stochastic_depth", &stochastic_depth, py::arg("input"), py::arg("p"), py::arg("mode") = "row",
                 py::arg("training") = true, release_gil());
}

void bind_dropout_layers(py::module_& nn_module) {
  using nn::DropoutImpl;
  LayerClass<DropoutImpl>(nn_module, "Dropout", docstrings::kDropout, py::dynamic_attr())
      .def(direct_init<DropoutImpl, double, bool, bool>(), py::arg("p") = 0.5, py::arg("inplace") = false,
           py::arg("inverted") = true)
      .def_readonly("p", &DropoutImpl::p)
      .def_readonly("inplace", &DropoutImpl::inplace)
      .def_readonly("inverted", &DropoutImpl::inverted);

  using nn::Dropout2dImpl;
  LayerClass<Dropout2dImpl>(nn_module, "Dropout2d", docstrings::kDropout2d, py::dynamic_attr())
      .def(direct_init<Dropout2dImpl, double, bool>(), py::arg("p") = 0.5, py::arg("inplace") = false)
      .def_readonly("p", &Dropout2dImpl::p)
      .def_readonly("inplace", &Dropout2dImpl::inplace);

  using nn::AlphaDropoutImpl;
  LayerClass<AlphaDropoutImpl>(nn_module, "AlphaDropout", docstrings::kAlphaDropout, py::dynamic_attr())
      .def(direct_init<AlphaDropoutImpl, double, bool>(), py::arg("p") = 0.5, py::arg("inplace") = false)
      .def_readonly("p", &AlphaDropoutImpl::p)
      .def_readonly("inplace", &AlphaDropoutImpl::inplace);

  using nn::DropPathImpl;
  LayerClass<DropPathImpl>(nn_module, "DropPath", docstrings::kDropPath, py::dynamic_attr())
      .def(direct_init<DropPathImpl, double, std::string>(), py::arg("p") = 0.0, py::arg("mode") = "row")
      .def_readonly("p", &DropPathImpl::p)
      .def_readonly("mode", &DropPathImpl::mode);

  using nn::DropConnectImpl;
  auto make_drop_connect = [](std::shared_ptr<nn::LinearImpl> linear) {
    STRIATE_CHECK_TYPE(linear != nullptr, "DropConnect: expected a striate.nn.Linear, got None");
    return nn::Linear(std::move(linear));
  };
  LayerClass<DropConnectImpl>(nn_module, "DropConnect", docstrings::kDropConnect, py::dynamic_attr())
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

}  // namespace

void init_dropout(py::module_& m) {
  py::module_ functional = m.attr("_functional");
  bind_functional(functional);
  py::module_ nn_module = m.attr("_nn");
  bind_dropout_layers(nn_module);
}

}  // namespace striate::python
