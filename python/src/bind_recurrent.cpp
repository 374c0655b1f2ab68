// Recurrent layers in striate._C: RNNCell and RNN of nn/recurrent.h in _C._nn under torch.nn's names
// and constructor signatures; forward returns (output, h_n) as torch.nn.RNN.
#include <string>
#include <tuple>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_recurrent.h"
#include "striate/nn/recurrent.h"

namespace striate::python {
namespace {

void bind_recurrent_layers(py::module_& nn_module) {
  using nn::RNNCellImpl;
  LayerClass<RNNCellImpl>(nn_module, "RNNCell", docstrings::kRNNCell, py::dynamic_attr())
      .def(direct_init<RNNCellImpl, int64_t, int64_t, bool, std::string>(), py::arg("input_size"),
           py::arg("hidden_size"), py::arg("bias") = true, py::arg("nonlinearity") = "tanh")
      .def(
          "forward", [](RNNCellImpl& self, const Tensor& input, const Tensor& hx) { return self.forward(input, hx); },
          py::arg("input"), py::arg("hx") = py::none(), release_gil(), docstrings::kRNNCellForward)
      .def_readonly("input_size", &RNNCellImpl::input_size)
      .def_readonly("hidden_size", &RNNCellImpl::hidden_size)
      .def_readonly("bias", &RNNCellImpl::bias)
      .def_readonly("nonlinearity", &RNNCellImpl::nonlinearity)
      .def("reset_parameters", &RNNCellImpl::reset_parameters, docstrings::kResetParameters);

  using nn::RNNImpl;
  auto make_rnn = [](int64_t input_size, int64_t hidden_size, int64_t num_layers, const std::string& nonlinearity,
                     bool bias, bool batch_first, double dropout, bool bidirectional) {
    return nn::RNNOptions(input_size, hidden_size)
        .num_layers(num_layers)
        .nonlinearity(nonlinearity)
        .bias(bias)
        .batch_first(batch_first)
        .dropout(dropout)
        .bidirectional(bidirectional);
  };
  LayerClass<RNNImpl>(nn_module, "RNN", docstrings::kRNN, py::dynamic_attr())
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
          py::arg("input"), py::arg("hx") = py::none(), docstrings::kRNNForward)
      .def_property_readonly("input_size", [](const RNNImpl& self) { return self.options.input_size(); })
      .def_property_readonly("hidden_size", [](const RNNImpl& self) { return self.options.hidden_size(); })
      .def_property_readonly("num_layers", [](const RNNImpl& self) { return self.options.num_layers(); })
      .def_property_readonly("nonlinearity", [](const RNNImpl& self) { return self.options.nonlinearity(); })
      .def_property_readonly("bias", [](const RNNImpl& self) { return self.options.bias(); })
      .def_property_readonly("batch_first", [](const RNNImpl& self) { return self.options.batch_first(); })
      .def_property_readonly("dropout", [](const RNNImpl& self) { return self.options.dropout(); })
      .def_property_readonly("bidirectional", [](const RNNImpl& self) { return self.options.bidirectional(); })
      .def("reset_parameters", &RNNImpl::reset_parameters, docstrings::kResetParameters);
}

}  // namespace

void init_recurrent(py::module_& m) {
  py::module_ nn_module = m.attr("_nn");
  bind_recurrent_layers(nn_module);
}

}  // namespace striate::python
