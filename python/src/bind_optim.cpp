// Bindings of optim::Optimizer, its optimizers and gradient clipping into striate._C._optim;
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
#include "striate/optim/adadelta.h"
#include "striate/optim/adagrad.h"
#include "striate/optim/adam.h"
#include "striate/optim/adamax.h"
#include "striate/optim/asgd.h"
#include "striate/optim/clip_grad.h"
#include "striate/optim/lbfgs.h"
#include "striate/optim/nadam.h"
#include "striate/optim/radam.h"
#include "striate/optim/rmsprop.h"
#include "striate/optim/rprop.h"
#include "striate/optim/sgd.h"

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

// The options of an optimizer written in Python (a subclass of striate.optim.Optimizer that
// defines its own step): whatever names its defaults have, each holding any option value. They
// live in C++ like the built-in optimizers' options, so the C++ LR schedules drive them and the
// Python step reads what the schedules wrote.
class PythonOptions : public optim::OptimizerOptions {
 public:
  std::unique_ptr<optim::OptimizerOptions> clone() const override { return std::make_unique<PythonOptions>(*this); }
  double get_lr() const override {
    const optim::OptionValue& lr = slot("lr");
    if (const auto* number = std::get_if<double>(&lr)) return *number;
    if (const auto* integer = std::get_if<int64_t>(&lr)) return static_cast<double>(*integer);
    throw TypeError(
        ::striate::detail::str("optimizer option lr: expected a number, got ", optim::detail::option_value_kind(lr)));
  }
  void set_lr(double lr) override { slot("lr") = lr; }
  std::vector<std::string> names() const override {
    std::vector<std::string> names;
    for (const auto& entry : values_) names.push_back(entry.first);
    return names;
  }
  optim::OptionValue get(const std::string& name) const override { return slot(name); }
  // Any value replaces any other: a Python optimizer's options have no declared types.
  void set(const std::string& name, const optim::OptionValue& value) override { slot(name) = value; }
  void add(const std::string& name, const optim::OptionValue& value) {
    STRIATE_CHECK(!has(name), "optimizer: option '", name, "' given twice");
    values_.emplace_back(name, value);
  }

 private:
  const optim::OptionValue& slot(const std::string& name) const {
    for (const auto& entry : values_) {
      if (entry.first == name) return entry.second;
    }
    optim::detail::throw_unknown_option(name, names());
  }
  optim::OptionValue& slot(const std::string& name) {
    return const_cast<optim::OptionValue&>(static_cast<const PythonOptions&>(*this).slot(name));
  }
  std::vector<std::pair<std::string, optim::OptionValue>> values_;
};

// The C++ side of a Python optimizer: its groups and their options (for the LR schedules and the
// live param_groups). Its state lives in Python, and so does its step.
class PythonOptimizer : public optim::Optimizer {
 public:
  PythonOptimizer(std::vector<optim::OptimizerParamGroup> param_groups, std::unique_ptr<PythonOptions> defaults,
                  std::string name)
      : Optimizer(std::move(param_groups), std::move(defaults)), name_(std::move(name)) {}
  void step() override {
    throw NotImplementedError(::striate::detail::str(name_, ".step: a Python optimizer defines its own step"));
  }
  void load_param_state(const Tensor& /*param*/, const optim::NamedTensors& /*tensors*/) override {}

 protected:
  std::string name() const override { return name_; }

 private:
  std::string name_;
};

std::unique_ptr<PythonOptions> python_options(const std::vector<std::string>& names, const py::dict& values) {
  auto options = std::make_unique<PythonOptions>();
  for (const auto& name : names) {
    STRIATE_CHECK(values.contains(name), "optimizer: a parameter group lacks the option '", name, "'");
    options->add(name, option_from_python(name, values[py::str(name)]));
  }
  return options;
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
  bind_optimizer<optim::Adadelta, optim::AdadeltaOptions>(optim_module, "Adadelta");
  bind_optimizer<optim::Adamax, optim::AdamaxOptions>(optim_module, "Adamax");
  bind_optimizer<optim::NAdam, optim::NAdamOptions>(optim_module, "NAdam");
  bind_optimizer<optim::RAdam, optim::RAdamOptions>(optim_module, "RAdam");
  bind_optimizer<optim::Rprop, optim::RpropOptions>(optim_module, "Rprop");
  bind_optimizer<optim::ASGD, optim::ASGDOptions>(optim_module, "ASGD");

  // The groups of an optimizer written in Python: (groups, per-group {name: value}, defaults,
  // the option names every group holds, the class's name for messages).
  py::class_<PythonOptimizer, optim::Optimizer, py::smart_holder>(optim_module, "PythonOptimizer")
      .def(py::init([](const std::vector<std::vector<Tensor>>& groups, const std::vector<py::dict>& options,
                       const py::dict& defaults, const std::vector<std::string>& names, const std::string& name) {
             STRIATE_CHECK(groups.size() == options.size(), name, ": expected one options dict per group");
             std::vector<optim::OptimizerParamGroup> param_groups;
             for (size_t i = 0; i < groups.size(); ++i) {
               param_groups.emplace_back(groups[i], python_options(names, options[i]));
             }
             return std::make_unique<PythonOptimizer>(std::move(param_groups), python_options(names, defaults), name);
           }),
           py::arg("groups"), py::arg("options"), py::arg("defaults"), py::arg("names"), py::arg("name"))
      .def("_add_param_group", [](PythonOptimizer& self, const std::vector<Tensor>& params, const py::dict& options) {
        self.add_param_group(optim::OptimizerParamGroup(params, python_options(self.defaults().names(), options)));
      });

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

  optim_module.def("clip_grad_norm_", &nn::utils::clip_grad_norm_, py::arg("parameters"), py::arg("max_norm"),
                   py::arg("norm_type") = 2.0, py::arg("error_if_nonfinite") = false,
                   py::call_guard<py::gil_scoped_release>());
  optim_module.def("clip_grad_value_", &nn::utils::clip_grad_value_, py::arg("parameters"), py::arg("clip_value"),
                   py::call_guard<py::gil_scoped_release>());
}

}  // namespace striate::python
