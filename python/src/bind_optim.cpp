// Bindings of optim::Optimizer, its optimizers and gradient clipping into striate._C._optim;
// python/striate/optim/ wraps them with PyTorch's signatures and the editable param_groups dicts.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <string>
#include <tuple>

#include "bindings.h"
#include "striate/optim/adagrad.h"
#include "striate/optim/adam.h"
#include "striate/optim/clip_grad.h"
#include "striate/optim/lbfgs.h"
#include "striate/optim/rmsprop.h"
#include "striate/optim/sgd.h"

namespace striate::python {

namespace {

// Each optimizer's options as the Python side passes a group's options, in this order:
// SGD (lr, momentum, dampening, weight_decay, nesterov, momentum_form, maximize)
using SGDOptionsTuple = std::tuple<double, double, double, double, bool, std::string, bool>;
// Adam/AdamW (lr, beta1, beta2, eps, weight_decay, amsgrad, bias_correction, maximize)
using AdamOptionsTuple = std::tuple<double, double, double, double, double, bool, bool, bool>;
// Adagrad (lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize)
using AdagradOptionsTuple = std::tuple<double, double, double, double, double, bool>;
// RMSprop (lr, alpha, eps, weight_decay, momentum, centered, maximize)
using RMSpropOptionsTuple = std::tuple<double, double, double, double, double, bool, bool>;
// LBFGS (lr, max_iter, max_eval, tolerance_grad, tolerance_change, history_size, line_search_fn)
using LBFGSOptionsTuple = std::tuple<double, int64_t, int64_t, double, double, int64_t, std::string>;

std::unique_ptr<optim::SGDOptions> make_options(const SGDOptionsTuple& values) {
  auto [lr, momentum, dampening, weight_decay, nesterov, momentum_form, maximize] = values;
  auto options = std::make_unique<optim::SGDOptions>(lr);
  options->momentum(momentum).dampening(dampening).weight_decay(weight_decay).nesterov(nesterov);
  options->momentum_form(momentum_form).maximize(maximize);
  return options;
}

std::unique_ptr<optim::AdamOptions> make_options(const AdamOptionsTuple& values) {
  auto [lr, beta1, beta2, eps, weight_decay, amsgrad, bias_correction, maximize] = values;
  auto options = std::make_unique<optim::AdamOptions>(lr);
  options->betas({beta1, beta2}).eps(eps).weight_decay(weight_decay).amsgrad(amsgrad);
  options->bias_correction(bias_correction).maximize(maximize);
  return options;
}

std::unique_ptr<optim::AdagradOptions> make_options(const AdagradOptionsTuple& values) {
  auto [lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize] = values;
  auto options = std::make_unique<optim::AdagradOptions>(lr);
  options->lr_decay(lr_decay).weight_decay(weight_decay).initial_accumulator_value(initial_accumulator_value);
  options->eps(eps).maximize(maximize);
  return options;
}

std::unique_ptr<optim::RMSpropOptions> make_options(const RMSpropOptionsTuple& values) {
  auto [lr, alpha, eps, weight_decay, momentum, centered, maximize] = values;
  auto options = std::make_unique<optim::RMSpropOptions>(lr);
  options->alpha(alpha).eps(eps).weight_decay(weight_decay).momentum(momentum).centered(centered);
  options->maximize(maximize);
  return options;
}

std::unique_ptr<optim::LBFGSOptions> make_options(const LBFGSOptionsTuple& values) {
  auto [lr, max_iter, max_eval, tolerance_grad, tolerance_change, history_size, line_search_fn] = values;
  auto options = std::make_unique<optim::LBFGSOptions>(lr);
  options->max_iter(max_iter).max_eval(max_eval).tolerance_grad(tolerance_grad).tolerance_change(tolerance_change);
  options->history_size(history_size).line_search_fn(line_search_fn);
  return options;
}

optim::OptimizerParamGroup& group_at(optim::Optimizer& optimizer, size_t index) {
  STRIATE_CHECK_INDEX(index < optimizer.param_groups().size(), "optimizer: parameter group ", index,
                      " is out of range for ", optimizer.param_groups().size(), " group(s)");
  return optimizer.param_groups()[index];
}

// Binds one optimizer class: constructor from (groups, per-group options, defaults), and the
// hooks through which the Python wrapper syncs its param_groups dicts and loads state dicts.
template <typename OptimizerType, typename OptionsTuple>
py::class_<OptimizerType, optim::Optimizer, py::smart_holder> bind_optimizer(py::module_& optim_module,
                                                                             const char* name) {
  return py::class_<OptimizerType, optim::Optimizer, py::smart_holder>(optim_module, name)
      .def(py::init([name](const std::vector<std::vector<Tensor>>& groups, const std::vector<OptionsTuple>& options,
                           const OptionsTuple& defaults) {
             STRIATE_CHECK(groups.size() == options.size(), name, ": expected one options tuple per group");
             std::vector<optim::OptimizerParamGroup> param_groups;
             for (size_t i = 0; i < groups.size(); ++i) param_groups.emplace_back(groups[i], make_options(options[i]));
             return std::make_unique<OptimizerType>(std::move(param_groups), *make_options(defaults));
           }),
           py::arg("groups"), py::arg("options"), py::arg("defaults"))
      .def("_set_group_options",
           [](OptimizerType& self, size_t index, const OptionsTuple& values) {
             group_at(self, index).set_options(make_options(values));
           })
      .def("_add_param_group",
           [](OptimizerType& self, const std::vector<Tensor>& params, const OptionsTuple& values) {
             self.add_param_group(optim::OptimizerParamGroup(params, make_options(values)));
           })
      .def("_load_state", [](OptimizerType& self, const Tensor& param, const std::map<std::string, Tensor>& state) {
        std::vector<std::pair<std::string, Tensor>> named(state.begin(), state.end());
        self.load_param_state(param, named);
      });
}

}  // namespace

void init_optim(py::module_& m) {
  auto optim_module = m.def_submodule("_optim", "optimizers; wrapped by striate.optim");
  py::class_<optim::Optimizer, py::smart_holder>(optim_module, "Optimizer")
      .def("step", &optim::Optimizer::step, py::call_guard<py::gil_scoped_release>())
      .def("zero_grad", &optim::Optimizer::zero_grad, py::arg("set_to_none") = true)
      .def("_num_groups", [](const optim::Optimizer& self) { return self.param_groups().size(); })
      .def("_group_params", [](optim::Optimizer& self, size_t index) { return group_at(self, index).params(); })
      .def("_group_lr", [](optim::Optimizer& self, size_t index) { return group_at(self, index).options().get_lr(); })
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

  bind_optimizer<optim::SGD, SGDOptionsTuple>(optim_module, "SGD");
  bind_optimizer<optim::Adam, AdamOptionsTuple>(optim_module, "Adam");
  bind_optimizer<optim::AdamW, AdamOptionsTuple>(optim_module, "AdamW");
  bind_optimizer<optim::Adagrad, AdagradOptionsTuple>(optim_module, "Adagrad");
  bind_optimizer<optim::RMSprop, RMSpropOptionsTuple>(optim_module, "RMSprop");

  // The closure is a Python callable returning a float: the GIL is released around the
  // iterations and taken back for each evaluation.
  bind_optimizer<optim::LBFGS, LBFGSOptionsTuple>(optim_module, "LBFGS")
      .def("_step", [](optim::LBFGS& self, const py::function& closure) {
        py::gil_scoped_release release;
        return self.step([&closure] {
          py::gil_scoped_acquire acquire;
          return closure().cast<double>();
        });
      });

  optim_module.def("clip_grad_norm_", &nn::utils::clip_grad_norm_, py::arg("parameters"), py::arg("max_norm"),
                   py::arg("norm_type") = 2.0, py::arg("error_if_nonfinite") = false,
                   py::call_guard<py::gil_scoped_release>());
  optim_module.def("clip_grad_value_", &nn::utils::clip_grad_value_, py::arg("parameters"), py::arg("clip_value"),
                   py::call_guard<py::gil_scoped_release>());
}

}  // namespace striate::python
