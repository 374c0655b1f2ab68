// Bindings of optim::Optimizer and SGD into striate._C._optim; python/striate/optim/ wraps them
// with PyTorch's signatures and the editable param_groups dicts.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <tuple>

#include "bindings.h"
#include "striate/optim/sgd.h"

namespace striate::python {

namespace {

// (lr, momentum, dampening, weight_decay, nesterov), as the Python side passes a group's options.
using SGDOptionsTuple = std::tuple<double, double, double, double, bool>;

std::unique_ptr<optim::SGDOptions> sgd_options(const SGDOptionsTuple& values) {
  auto [lr, momentum, dampening, weight_decay, nesterov] = values;
  auto options = std::make_unique<optim::SGDOptions>(lr);
  options->momentum(momentum).dampening(dampening).weight_decay(weight_decay).nesterov(nesterov);
  return options;
}

optim::OptimizerParamGroup& group_at(optim::Optimizer& optimizer, size_t index) {
  STRIATE_CHECK_INDEX(index < optimizer.param_groups().size(), "optimizer: parameter group ", index,
                      " is out of range for ", optimizer.param_groups().size(), " group(s)");
  return optimizer.param_groups()[index];
}

}  // namespace

void init_optim(py::module_& m) {
  auto optim_module = m.def_submodule("_optim", "optimizers; wrapped by striate.optim");
  py::class_<optim::Optimizer, py::smart_holder>(optim_module, "Optimizer")
      .def("step", &optim::Optimizer::step, py::call_guard<py::gil_scoped_release>())
      .def("zero_grad", &optim::Optimizer::zero_grad, py::arg("set_to_none") = true)
      .def("_num_groups", [](const optim::Optimizer& self) { return self.param_groups().size(); })
      .def("_group_params", [](optim::Optimizer& self, size_t index) { return group_at(self, index).params(); })
      // The named state tensors of one parameter ({} before its first step).
      .def("_state", [](const optim::Optimizer& self, const Tensor& param) {
        py::dict state;
        if (const auto* param_state = self.state(param)) {
          for (const auto& [name, tensor] : param_state->tensors()) {
            if (tensor.defined()) state[py::str(name)] = tensor;
          }
        }
        return state;
      });

  py::class_<optim::SGD, optim::Optimizer, py::smart_holder>(optim_module, "SGD")
      .def(py::init([](const std::vector<std::vector<Tensor>>& groups, const std::vector<SGDOptionsTuple>& options,
                       const SGDOptionsTuple& defaults) {
             STRIATE_CHECK(groups.size() == options.size(), "SGD: expected one options tuple per group");
             std::vector<optim::OptimizerParamGroup> param_groups;
             for (size_t i = 0; i < groups.size(); ++i) param_groups.emplace_back(groups[i], sgd_options(options[i]));
             return std::make_unique<optim::SGD>(std::move(param_groups), *sgd_options(defaults));
           }),
           py::arg("groups"), py::arg("options"), py::arg("defaults"))
      .def("_set_group_options",
           [](optim::SGD& self, size_t index, const SGDOptionsTuple& values) {
             group_at(self, index).set_options(sgd_options(values));
           })
      .def("_add_param_group", [](optim::SGD& self, const std::vector<Tensor>& params, const SGDOptionsTuple& values) {
        self.add_param_group(optim::OptimizerParamGroup(params, sgd_options(values)));
      });
}

}  // namespace striate::python
