// Bindings of optim::Optimizer, its optimizers, gradient clipping and weight averaging into striate._C._optim;
// python/striate/optim/ wraps them with PyTorch's signatures; its param_groups are live views of the C++
// groups' options, read and written by name here.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "bindings.h"
#include "striate/optim/adagrad.h"
#include "striate/optim/adam.h"
#include "striate/optim/clip_grad.h"
#include "striate/optim/lbfgs.h"
#include "striate/optim/lr_scheduler.h"
#include "striate/optim/rmsprop.h"
#include "striate/optim/sgd.h"
#include "striate/optim/swa_utils.h"

namespace striate::python {

namespace {

// An option's value from Python: None, a bool, an int, a number (anything with __float__ but a
// string), a string, or a tuple/list of numbers; a TypeError naming the option otherwise.
optim::OptionValue option_from_python(const std::string& name, py::handle value) {
  if (value.is_none()) return std::monostate();
  if (PyBool_Check(value.ptr())) return value.cast<bool>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (PyLong_Check(value.ptr())) {
    int overflow = 0;
    const long long integer = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow == 0) return static_cast<int64_t>(integer);
    const double number = PyLong_AsDouble(value.ptr());  // beyond int64: a number
    if (number == -1.0 && PyErr_Occurred()) {            // beyond double: infinite
      PyErr_Clear();
      return Py_SIZE(value.ptr()) < 0 ? -HUGE_VAL : HUGE_VAL;
    }
    return number;
  }
  if (py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value)) {
    std::vector<double> numbers;
    for (py::handle item : value) {
      STRIATE_CHECK_TYPE(!py::isinstance<py::str>(item) && py::hasattr(item, "__float__"), "optimizer option ", name,
                         ": expected a tuple of numbers, got an item of type ",
                         py::str(py::type::handle_of(item).attr("__name__")).cast<std::string>());
      numbers.push_back(py::float_(py::reinterpret_borrow<py::object>(item)).cast<double>());
    }
    return numbers;
  }
  if (py::hasattr(value, "__index__") && !py::hasattr(value, "is_floating_point")) {
    return py::int_(py::reinterpret_borrow<py::object>(value)).cast<int64_t>();
  }
  STRIATE_CHECK_TYPE(py::hasattr(value, "__float__"), "optimizer option ", name,
                     ": expected None, a bool, a number, a string or a tuple of numbers, got ",
                     py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>());
  return py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();
}

py::object option_to_python(const optim::OptionValue& value) {
  if (const auto* numbers = std::get_if<std::vector<double>>(&value)) return py::tuple(py::cast(*numbers));
  return std::visit([](const auto& item) -> py::object { return py::cast(item); }, value);
}

// Options of type OptionsType from a {name: value} dict (every name must be one of its options).
template <typename OptionsType>
std::unique_ptr<OptionsType> options_from_dict(const py::dict& values) {
  auto options = std::make_unique<OptionsType>(0.0);  // every option is set from the dict
  for (const auto& [key, value] : values) {
    const auto name = py::cast<std::string>(key);
    options->set(name, option_from_python(name, value));
  }
  return options;
}

py::dict options_to_dict(const std::vector<std::pair<std::string, optim::OptionValue>>& options) {
  py::dict values;
  for (const auto& [name, value] : options) values[py::str(name)] = option_to_python(value);
  return values;
}

optim::OptimizerParamGroup& group_at(optim::Optimizer& optimizer, size_t index) {
  STRIATE_CHECK_INDEX(index < optimizer.param_groups().size(), "optimizer: parameter group ", index,
                      " is out of range for ", optimizer.param_groups().size(), " group(s)");
  return optimizer.param_groups()[index];
}

// Binds one optimizer class: its option names, and a constructor from (groups, per-group options,
// defaults), the options as {name: value} dicts.
template <typename OptimizerType, typename OptionsType>
py::class_<OptimizerType, optim::Optimizer, py::smart_holder> bind_optimizer(py::module_& optim_module,
                                                                             const char* name) {
  return py::class_<OptimizerType, optim::Optimizer, py::smart_holder>(optim_module, name)
      .def(py::init([name](const std::vector<std::vector<Tensor>>& groups, const std::vector<py::dict>& options,
                           const py::dict& defaults) {
             STRIATE_CHECK(groups.size() == options.size(), name, ": expected one options dict per group");
             std::vector<optim::OptimizerParamGroup> param_groups;
             for (size_t i = 0; i < groups.size(); ++i) {
               param_groups.emplace_back(groups[i], options_from_dict<OptionsType>(options[i]));
             }
             return std::make_unique<OptimizerType>(std::move(param_groups), *options_from_dict<OptionsType>(defaults));
           }),
           py::arg("groups"), py::arg("options"), py::arg("defaults"))
      .def_static("_option_names", [] { return OptionsType(0.0).names(); })
      .def("_add_param_group", [](OptimizerType& self, const std::vector<Tensor>& params, const py::dict& options) {
        self.add_param_group(optim::OptimizerParamGroup(params, options_from_dict<OptionsType>(options)));
      });
}

// The C++ schedules, for embedding programs; Python's striate.optim.lr_scheduler works on the
// param_groups dicts instead. Bound (as _C._optim.StepLR, ...) so their values are tested.
void init_lr_schedulers(py::module_& optim_module) {
  using optim::Optimizer;
  py::class_<optim::LRScheduler, py::smart_holder>(optim_module, "LRScheduler")
      .def("step", &optim::LRScheduler::step)
      .def("get_last_lr", &optim::LRScheduler::get_last_lr)
      .def_property_readonly("last_epoch", &optim::LRScheduler::last_epoch)
      .def_property_readonly("base_lrs", &optim::LRScheduler::base_lrs);
  py::class_<optim::StepLR, optim::LRScheduler, py::smart_holder>(optim_module, "StepLR")
      .def(py::init<Optimizer&, int64_t, double>(), py::arg("optimizer"), py::arg("step_size"), py::arg("gamma") = 0.1,
           py::keep_alive<1, 2>());
  py::class_<optim::MultiStepLR, optim::LRScheduler, py::smart_holder>(optim_module, "MultiStepLR")
      .def(py::init<Optimizer&, std::vector<int64_t>, double>(), py::arg("optimizer"), py::arg("milestones"),
           py::arg("gamma") = 0.1, py::keep_alive<1, 2>());
  py::class_<optim::ExponentialLR, optim::LRScheduler, py::smart_holder>(optim_module, "ExponentialLR")
      .def(py::init<Optimizer&, double>(), py::arg("optimizer"), py::arg("gamma"), py::keep_alive<1, 2>());
  py::class_<optim::InverseTimeLR, optim::LRScheduler, py::smart_holder>(optim_module, "InverseTimeLR")
      .def(py::init<Optimizer&, double>(), py::arg("optimizer"), py::arg("decay_rate"), py::keep_alive<1, 2>());
  py::class_<optim::LinearLR, optim::LRScheduler, py::smart_holder>(optim_module, "LinearLR")
      .def(py::init<Optimizer&, double, double, int64_t>(), py::arg("optimizer"), py::arg("start_factor") = 1.0 / 3,
           py::arg("end_factor") = 1.0, py::arg("total_iters") = 5, py::keep_alive<1, 2>());
  py::class_<optim::CosineAnnealingLR, optim::LRScheduler, py::smart_holder>(optim_module, "CosineAnnealingLR")
      .def(py::init<Optimizer&, int64_t, double>(), py::arg("optimizer"), py::arg("T_max"), py::arg("eta_min") = 0.0,
           py::keep_alive<1, 2>());
  py::class_<optim::CosineAnnealingWarmRestarts, optim::LRScheduler, py::smart_holder>(optim_module,
                                                                                       "CosineAnnealingWarmRestarts")
      .def(py::init<Optimizer&, int64_t, int64_t, double>(), py::arg("optimizer"), py::arg("T_0"),
           py::arg("T_mult") = 1, py::arg("eta_min") = 0.0, py::keep_alive<1, 2>());
  py::class_<optim::OneCycleLR, optim::LRScheduler, py::smart_holder>(optim_module, "OneCycleLR")
      .def(py::init([](Optimizer& optimizer, const std::vector<double>& max_lr, int64_t total_steps, double pct_start,
                       const std::string& anneal_strategy, bool cycle_momentum, double base_momentum,
                       double max_momentum, double div_factor, double final_div_factor, bool three_phase) {
             optim::OneCycleLROptions options(max_lr, total_steps);
             options.pct_start(pct_start).anneal_strategy(anneal_strategy).cycle_momentum(cycle_momentum);
             options.base_momentum(base_momentum).max_momentum(max_momentum).div_factor(div_factor);
             options.final_div_factor(final_div_factor).three_phase(three_phase);
             return std::make_unique<optim::OneCycleLR>(optimizer, options);
           }),
           py::arg("optimizer"), py::arg("max_lr"), py::arg("total_steps"), py::arg("pct_start") = 0.3,
           py::arg("anneal_strategy") = "cos", py::arg("cycle_momentum") = true, py::arg("base_momentum") = 0.85,
           py::arg("max_momentum") = 0.95, py::arg("div_factor") = 25.0, py::arg("final_div_factor") = 1e4,
           py::arg("three_phase") = false, py::keep_alive<1, 2>());
  using Lambda = std::function<double(int64_t)>;
  // One function for every group, or a list with one per group (as torch's lr_lambda).
  auto lambdas = [](const py::object& lr_lambda) {
    if (py::isinstance<py::list>(lr_lambda) || py::isinstance<py::tuple>(lr_lambda)) {
      return lr_lambda.cast<std::vector<Lambda>>();
    }
    return std::vector<Lambda>{lr_lambda.cast<Lambda>()};
  };
  py::class_<optim::LambdaLR, optim::LRScheduler, py::smart_holder>(optim_module, "LambdaLR")
      .def(py::init([lambdas](Optimizer& optimizer, const py::object& lr_lambda) {
             return std::make_unique<optim::LambdaLR>(optimizer, lambdas(lr_lambda));
           }),
           py::arg("optimizer"), py::arg("lr_lambda"), py::keep_alive<1, 2>(), py::keep_alive<1, 3>());
  py::class_<optim::MultiplicativeLR, optim::LRScheduler, py::smart_holder>(optim_module, "MultiplicativeLR")
      .def(py::init([lambdas](Optimizer& optimizer, const py::object& lr_lambda) {
             return std::make_unique<optim::MultiplicativeLR>(optimizer, lambdas(lr_lambda));
           }),
           py::arg("optimizer"), py::arg("lr_lambda"), py::keep_alive<1, 2>(), py::keep_alive<1, 3>());
  py::class_<optim::ConstantLR, optim::LRScheduler, py::smart_holder>(optim_module, "ConstantLR")
      .def(py::init<Optimizer&, double, int64_t>(), py::arg("optimizer"), py::arg("factor") = 1.0 / 3,
           py::arg("total_iters") = 5, py::keep_alive<1, 2>());
  py::class_<optim::PolynomialLR, optim::LRScheduler, py::smart_holder>(optim_module, "PolynomialLR")
      .def(py::init<Optimizer&, int64_t, double>(), py::arg("optimizer"), py::arg("total_iters") = 5,
           py::arg("power") = 1.0, py::keep_alive<1, 2>());
  py::class_<optim::CyclicLR, optim::LRScheduler, py::smart_holder>(optim_module, "CyclicLR")
      .def(py::init([](Optimizer& optimizer, const py::object& base_lr, const py::object& max_lr, double step_size_up,
                       std::optional<double> step_size_down, const std::string& mode, double gamma,
                       std::optional<std::function<double(double)>> scale_fn, const std::string& scale_mode,
                       bool cycle_momentum, double base_momentum, double max_momentum) {
             auto values = [](const py::object& value) {
               if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
                 return value.cast<std::vector<double>>();
               }
               return std::vector<double>{value.cast<double>()};
             };
             optim::CyclicLROptions options(values(base_lr), values(max_lr));
             options.step_size_up(step_size_up).step_size_down(step_size_down.value_or(0)).mode(mode).gamma(gamma);
             if (scale_fn) options.scale_fn(*scale_fn);
             options.scale_mode(scale_mode).cycle_momentum(cycle_momentum);
             options.base_momentum(base_momentum).max_momentum(max_momentum);
             return std::make_unique<optim::CyclicLR>(optimizer, options);
           }),
           py::arg("optimizer"), py::arg("base_lr"), py::arg("max_lr"), py::arg("step_size_up") = 2000.0,
           py::arg("step_size_down") = py::none(), py::arg("mode") = "triangular", py::arg("gamma") = 1.0,
           py::arg("scale_fn") = py::none(), py::arg("scale_mode") = "cycle", py::arg("cycle_momentum") = true,
           py::arg("base_momentum") = 0.8, py::arg("max_momentum") = 0.9, py::keep_alive<1, 2>(),
           py::keep_alive<1, 9>());
  py::class_<optim::ChainedScheduler, optim::LRScheduler, py::smart_holder>(optim_module, "ChainedScheduler")
      .def(py::init<std::vector<std::shared_ptr<optim::LRScheduler>>>(), py::arg("schedulers"), py::keep_alive<1, 2>());
  py::class_<optim::SequentialLR, optim::LRScheduler, py::smart_holder>(optim_module, "SequentialLR")
      .def(py::init<Optimizer&, std::vector<std::shared_ptr<optim::LRScheduler>>, std::vector<int64_t>>(),
           py::arg("optimizer"), py::arg("schedulers"), py::arg("milestones"), py::keep_alive<1, 2>(),
           py::keep_alive<1, 3>());
  py::class_<optim::ReduceLROnPlateau, py::smart_holder>(optim_module, "ReduceLROnPlateau")
      .def(py::init<Optimizer&, const std::string&, double, int64_t, double, const std::string&, int64_t, double,
                    double>(),
           py::arg("optimizer"), py::arg("mode") = "min", py::arg("factor") = 0.1, py::arg("patience") = 10,
           py::arg("threshold") = 1e-4, py::arg("threshold_mode") = "rel", py::arg("cooldown") = 0,
           py::arg("min_lr") = 0.0, py::arg("eps") = 1e-8, py::keep_alive<1, 2>())
      .def("step", &optim::ReduceLROnPlateau::step, py::arg("metrics"))
      .def("get_last_lr", &optim::ReduceLROnPlateau::get_last_lr);
}

// The C++ AveragedModel, driven by striate.optim.swa_utils.AveragedModel (a Python Module that
// holds the averaged copy and the n_averaged buffer). A Python averaging function receives the two
// tensor lists and the count.
void init_swa_utils(py::module_& optim_module) {
  py::class_<optim::AveragedModel, py::smart_holder>(optim_module, "AveragedModel")
      .def(py::init([](std::shared_ptr<nn::Module> averaged, const py::object& multi_avg_fn, bool use_buffers) {
             optim::MultiAveragingFn fn;
             if (!multi_avg_fn.is_none()) fn = multi_avg_fn.cast<optim::MultiAveragingFn>();
             return std::make_unique<optim::AveragedModel>(std::move(averaged), std::move(fn), use_buffers);
           }),
           py::arg("module"), py::arg("multi_avg_fn") = py::none(), py::arg("use_buffers") = false)
      .def("update_parameters", &optim::AveragedModel::update_parameters, py::arg("model"))
      .def_property_readonly("n_averaged", &optim::AveragedModel::n_averaged);
  optim_module.def("_swa_multi_avg_",
                   [](const std::vector<Tensor>& averaged, const std::vector<Tensor>& current, int64_t num_averaged) {
                     optim::swa_multi_avg_fn()(averaged, current, num_averaged);
                   });
  optim_module.def("_ema_multi_avg_",
                   [](const std::vector<Tensor>& averaged, const std::vector<Tensor>& current, int64_t num_averaged,
                      double decay) { optim::ema_multi_avg_fn(decay)(averaged, current, num_averaged); });
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
      // One option of one group, by name (the live param_groups views of Python).
      .def("_get_option",
           [](optim::Optimizer& self, size_t index, const std::string& name) {
             return option_to_python(group_at(self, index).options().get(name));
           })
      .def("_set_option",
           [](optim::Optimizer& self, size_t index, const std::string& name, py::handle value) {
             group_at(self, index).options().set(name, option_from_python(name, value));
           })
      // The named state tensors of one parameter ({} before its first step).
      .def("_state",
           [](const optim::Optimizer& self, const Tensor& param) {
             py::dict state;
             if (const auto* param_state = self.state(param)) {
               for (const auto& [name, tensor] : param_state->tensors()) {
                 if (tensor.defined()) state[py::str(name)] = tensor;
               }
             }
             return state;
           })
      // (state {index: {name: tensor}}, [(options {name: value}, [indices]) per group]).
      .def("_state_dict",
           [](const optim::Optimizer& self) {
             const optim::OptimizerStateDict dict = self.state_dict();
             py::dict state;
             for (const auto& [index, tensors] : dict.state) {
               py::dict named;
               for (const auto& [name, tensor] : tensors) named[py::str(name)] = tensor;
               state[py::int_(index)] = named;
             }
             py::list groups;
             for (const auto& group : dict.param_groups) {
               groups.append(py::make_tuple(options_to_dict(group.options), py::cast(group.params)));
             }
             return py::make_tuple(state, groups);
           })
      .def("_load_state_dict", [](optim::Optimizer& self, const std::map<int64_t, std::map<std::string, Tensor>>& state,
                                  const std::vector<std::pair<py::dict, std::vector<int64_t>>>& groups) {
        optim::OptimizerStateDict dict;
        for (const auto& [index, named] : state) dict.state[index] = optim::NamedTensors(named.begin(), named.end());
        for (const auto& [options, params] : groups) {
          optim::OptimizerStateDict::Group group;
          for (const auto& [key, value] : options) {
            const auto name = py::cast<std::string>(key);
            group.options.emplace_back(name, option_from_python(name, value));
          }
          group.params = params;
          dict.param_groups.push_back(std::move(group));
        }
        self.load_state_dict(dict);
      });

  bind_optimizer<optim::SGD, optim::SGDOptions>(optim_module, "SGD");
  bind_optimizer<optim::Adam, optim::AdamOptions>(optim_module, "Adam");
  bind_optimizer<optim::AdamW, optim::AdamWOptions>(optim_module, "AdamW");
  bind_optimizer<optim::Adagrad, optim::AdagradOptions>(optim_module, "Adagrad");
  bind_optimizer<optim::RMSprop, optim::RMSpropOptions>(optim_module, "RMSprop");

  // The closure is a Python callable returning a float: the GIL is released around the
  // iterations and taken back for each evaluation.
  bind_optimizer<optim::LBFGS, optim::LBFGSOptions>(optim_module, "LBFGS")
      .def("_step", [](optim::LBFGS& self, const py::function& closure) {
        py::gil_scoped_release release;
        return self.step([&closure] {
          py::gil_scoped_acquire acquire;
          return closure().cast<double>();
        });
      });

  init_lr_schedulers(optim_module);
  init_swa_utils(optim_module);

  optim_module.def("clip_grad_norm_", &nn::utils::clip_grad_norm_, py::arg("parameters"), py::arg("max_norm"),
                   py::arg("norm_type") = 2.0, py::arg("error_if_nonfinite") = false,
                   py::call_guard<py::gil_scoped_release>());
  optim_module.def("clip_grad_value_", &nn::utils::clip_grad_value_, py::arg("parameters"), py::arg("clip_value"),
                   py::call_guard<py::gil_scoped_release>());
}

}  // namespace striate::python
