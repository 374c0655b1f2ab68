// The module tree in striate._C._nn: nn::Module (the base that Python subclasses, with module(x)
// as an observable call), the call observers, the containers Sequential and Identity, and nn::init
// as _nn._init; python/striate/nn/module.py adds the Pythonic behaviour on top.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>

#include "bind_nn_module.h"
#include "bindings.h"
#include "docstrings/nn_module.h"
#include "striate/nn/containers.h"
#include "striate/nn/init.h"

namespace striate::python {

namespace {

using nn::Module;
using nn::SequentialImpl;

template <typename Value>
py::list items_to_list(const OrderedDict<Value>& dict) {
  py::list items;
  for (const auto& item : dict) items.append(py::make_tuple(item.key, item.value));
  return items;
}

// A mapping (or iterable of pairs) of name -> Tensor, in its iteration order.
OrderedDict<Tensor> state_dict_from_py(const py::handle& state) {
  OrderedDict<Tensor> result;
  py::object pairs = py::hasattr(state, "items") ? state.attr("items")() : py::reinterpret_borrow<py::object>(state);
  for (const auto& pair : pairs) {
    auto entry = pair.cast<py::tuple>();
    std::string key = py::str(entry[0]);
    py::handle value = entry[1];
    Tensor tensor;
    try {
      tensor = value.cast<Tensor>();
    } catch (const py::cast_error&) {
      throw TypeError(detail::str("load_state_dict: expected a Tensor for key '", key, "', got ",
                                  std::string(py::str(py::type::handle_of(value).attr("__name__")))));
    }
    STRIATE_CHECK_TYPE(tensor.defined(), "load_state_dict: expected a Tensor for key '", key, "', got None");
    result.insert(key, tensor);
  }
  return result;
}

void fill_sequential(SequentialImpl& sequential, const py::args& args) {
  if (args.size() == 1 && py::isinstance<py::dict>(args[0])) {
    for (const auto& item : args[0].cast<py::dict>()) {
      sequential.push_back(std::string(py::str(item.first)), item.second.cast<std::shared_ptr<Module>>());
    }
    return;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (!py::isinstance<Module>(args[i])) {
      throw TypeError(detail::str("Sequential: argument ", i, " is not a Module (got ",
                                  std::string(py::str(py::type::handle_of(args[i]).attr("__name__"))), ")"));
    }
    sequential.push_back(args[i].cast<std::shared_ptr<Module>>());
  }
}

// The C++ Module behind a Python object, or TypeError when its __init__ has not run yet (a
// subclass assigning attributes before super().__init__()); pybind11 does not check this itself.
const Module& constructed_module(const py::handle& self) {
  auto* instance = reinterpret_cast<py::detail::instance*>(self.ptr());
  if (!instance->get_value_and_holder().holder_constructed()) {
    throw py::type_error("Module.__init__() has not been called yet");
  }
  return self.cast<const Module&>();
}

// The first tensor of a forward's result (nested tuples and lists: their first item), or undefined.
// (Not `item[0]`: on a py::handle the literal 0 picks operator[](const char*), a null key.)
Tensor first_tensor(const py::handle& value) {
  PyObject* item = value.ptr();
  while (true) {
    if (PyTuple_Check(item) && PyTuple_GET_SIZE(item) > 0) {
      item = PyTuple_GET_ITEM(item, 0);
    } else if (PyList_Check(item) && PyList_GET_SIZE(item) > 0) {
      item = PyList_GET_ITEM(item, 0);
    } else {
      break;
    }
  }
  py::handle first(item);
  return py::isinstance<TensorImpl>(first) ? first.cast<Tensor>() : Tensor();
}

// module(*args, **kwargs): runs the module's forward (a Python one or the bound C++ one) as a call
// of the module, so this thread's call observer hears it as it hears nn::Module::call. Every Python
// module call passes here, so it is a plain CPython method (METH_VARARGS | METH_KEYWORDS) that hands
// the arguments on as they came: unobserved, it costs what a Python `def __call__(self, *args,
// **kwargs)` would, without pybind11's per-call argument dispatch.
PyObject* call_module(PyObject* self, PyObject* args, PyObject* kwargs) {
  auto* instance = reinterpret_cast<py::detail::instance*>(self);
  if (instance->get_value_and_holder().holder_constructed() && py::handle(self).cast<const Module&>().has_hooks()) {
    // Hooked modules take the slow path in module.py (hooks see PyTorch's argument tuples).
    auto hooked = py::reinterpret_steal<py::object>(PyImport_ImportModule("striate.nn.module"));
    if (!hooked) return nullptr;
    auto call_with_hooks = py::reinterpret_steal<py::object>(PyObject_GetAttrString(hooked.ptr(), "_call_with_hooks"));
    if (!call_with_hooks) return nullptr;
    auto with_self = py::reinterpret_steal<py::object>(PySequence_Concat(py::make_tuple(py::handle(self)).ptr(), args));
    if (!with_self) return nullptr;
    return PyObject_Call(call_with_hooks.ptr(), with_self.ptr(), kwargs);
  }
  auto forward = py::reinterpret_steal<py::object>(PyObject_GetAttrString(self, "forward"));
  if (!forward) return nullptr;
  if (!nn::calls_watched()) return PyObject_Call(forward.ptr(), args, kwargs);
  try {
    auto positional = py::reinterpret_borrow<py::tuple>(args);
    Tensor input = positional.size() > 0 ? first_tensor(positional[0]) : Tensor();
    nn::CallScope scope(py::handle(self).cast<Module&>(), input);
    auto output = py::reinterpret_steal<py::object>(PyObject_Call(forward.ptr(), args, kwargs));
    if (!output) throw py::error_already_set();
    scope.finish(first_tensor(output));
    return output.release().ptr();
  } catch (py::error_already_set& error) {
    error.restore();
    return nullptr;
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

PyMethodDef call_module_method = {"__call__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&call_module)),
                                  METH_VARARGS | METH_KEYWORDS,
                                  "Runs forward(*args, **kwargs) as a call of this module."};

// A Python callable held by a C++ hook: released with the GIL held, whichever thread drops it.
std::shared_ptr<py::object> hold_callable(py::object callable) {
  return std::shared_ptr<py::object>(new py::object(std::move(callable)), [](py::object* held) {
    if (!Py_IsInitialized()) {
      (void)held->release();  // the interpreter is gone: leak rather than touch it
      delete held;
      return;
    }
    py::gil_scoped_acquire gil;
    delete held;
  });
}

// A hook's answer: None keeps the tensor, a Tensor (or a tuple/list whose first item is one)
// replaces it; anything else is a TypeError naming the hook kind.
std::optional<Tensor> hook_result(const py::object& result, const char* kind) {
  if (result.is_none()) return std::nullopt;
  Tensor tensor = first_tensor(result);
  if (!tensor.defined()) {
    throw TypeError(detail::str(kind, ": a hook must return None or a Tensor, got ",
                                std::string(py::str(py::type::handle_of(result).attr("__name__")))));
  }
  return tensor;
}

py::tuple add_hook_bridge(Module& self, py::object pre, py::object post) {
  auto held_pre = hold_callable(std::move(pre));
  auto held_post = hold_callable(std::move(post));
  const int pre_handle = self.register_forward_pre_hook([held_pre](Module& module, const Tensor& input) {
    py::gil_scoped_acquire gil;
    return hook_result((*held_pre)(module.shared_from_this(), input), "forward pre-hook");
  });
  const int post_handle =
      self.register_forward_hook([held_post](Module& module, const Tensor& input, const Tensor& output) {
        py::gil_scoped_acquire gil;
        return hook_result((*held_post)(module.shared_from_this(), input, output), "forward hook");
      });
  return py::make_tuple(pre_handle, post_handle);
}

void bind_module(py::module_& nn_module) {
  py::class_<Module, PyModule<Module>, py::smart_holder> module_class(nn_module, "Module", docstrings::kModule,
                                                                      py::dynamic_attr());
  auto call = py::reinterpret_steal<py::object>(
      PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(module_class.ptr()), &call_module_method));
  if (!call) throw py::error_already_set();
  py::setattr(module_class, "__call__", call);
  module_class.def(py::init<>())
      .def("forward", &Module::forward, py::arg("input"), py::call_guard<py::gil_scoped_release>(),
           docstrings::kModuleForward)
      .def(
          "mult_adds",
          [](const Module& self, const std::vector<int64_t>& input_shape, const std::vector<int64_t>& output_shape) {
            return self.mult_adds(Shape(input_shape), Shape(output_shape));
          },
          py::arg("input_shape"), py::arg("output_shape"), docstrings::kModuleMultAdds)
      .def("extra_repr", &Module::extra_repr, docstrings::kModuleExtraRepr)
      .def("__repr__", &Module::repr)
      .def_property("training", &Module::is_training, &Module::set_training_flag, docstrings::kModuleTraining)
      .def("zero_grad", &Module::zero_grad, py::arg("set_to_none") = true, docstrings::kModuleZeroGrad)
      .def("num_parameters", &Module::num_parameters, docstrings::kModuleNumParameters)
      .def("_freeze", &Module::freeze, py::arg("until") = py::none())
      // Hooks: module.py keeps the Python hooks and installs one pre/post bridge pair in C++, so
      // that C++ forwards calling this module (Module::call) run them too.
      .def_property_readonly("_has_hooks", &Module::has_hooks)
      // The C++ object's identity: Python wrappers of a C++ child come and go, this stays.
      .def_property_readonly("_cpp_id", [](const Module& self) { return reinterpret_cast<uintptr_t>(&self); })
      .def("_add_hook_bridge", add_hook_bridge, py::arg("pre"), py::arg("post"))
      .def("_remove_hook", &Module::remove_hook, py::arg("handle"))
      .def("_call_hooked", &Module::call, py::arg("input"), py::call_guard<py::gil_scoped_release>())
      .def("_unfreeze", &Module::unfreeze)
      // The registries, for module.py's attribute handling.
      .def("_register_parameter", &Module::register_parameter, py::arg("name"), py::arg("tensor"),
           py::arg("requires_grad") = true)
      .def("_register_buffer", &Module::register_buffer, py::arg("name"), py::arg("tensor"),
           py::arg("persistent") = true)
      .def("_register_module", [](Module& self, const std::string& name,
                                  std::shared_ptr<Module> child) { self.register_module(name, std::move(child)); })
      .def("_is_persistent_buffer", &Module::is_persistent_buffer)
      .def("_unregister",
           [](Module& self, const std::string& name) {
             return self.unregister_parameter(name) || self.unregister_buffer(name) || self.unregister_module(name);
           })
      // "parameter", "buffer", "module" or None: which registry holds `name`.
      .def("_registry_of",
           [](const py::handle& handle, const std::string& name) -> py::object {
             const Module& self = constructed_module(handle);
             if (self.local_parameters().contains(name)) return py::str("parameter");
             if (self.local_buffers().contains(name)) return py::str("buffer");
             if (self.local_children().contains(name)) return py::str("module");
             return py::none();
           })
      // The registered value under `name`; AttributeError when there is none.
      .def("_lookup",
           [](const py::handle& handle, const std::string& name) -> py::object {
             const Module& self = constructed_module(handle);
             if (const Tensor* parameter = self.local_parameters().find(name)) return py::cast(*parameter);
             if (const Tensor* buffer = self.local_buffers().find(name)) return py::cast(*buffer);
             if (const auto* child = self.local_children().find(name)) return py::cast(*child);
             throw py::attribute_error(detail::str("'", self.name(), "' object has no attribute '", name, "'"));
           })
      .def("_local_names",
           [](const Module& self) {
             std::vector<std::string> names = self.local_parameters().keys();
             for (const auto& key : self.local_buffers().keys()) names.push_back(key);
             for (const auto& key : self.local_children().keys()) names.push_back(key);
             return names;
           })
      .def("_named_parameters", [](const Module& self, const std::string& prefix,
                                   bool recurse) { return items_to_list(self.named_parameters(prefix, recurse)); })
      .def("_named_buffers", [](const Module& self, const std::string& prefix,
                                bool recurse) { return items_to_list(self.named_buffers(prefix, recurse)); })
      .def("_named_children", [](const Module& self) { return items_to_list(self.named_children()); })
      .def("_state_dict", [](const Module& self) { return items_to_list(self.state_dict()); })
      .def("_load_state_dict", [](Module& self, const py::handle& state, bool strict) {
        nn::LoadStateDictResult result = self.load_state_dict(state_dict_from_py(state), strict);
        return py::make_tuple(result.missing_keys, result.unexpected_keys);
      });
}

// A Python CallObserver: enter(module, input) and exit(module, output) as Python methods (input
// and output None when not a tensor). They run with the GIL, taken here when a C++ forward had
// released it.
class PyCallObserver : public nn::CallObserver {
 public:
  void enter(Module& module, const Tensor& input) override { notify("enter", module, input); }
  void exit(Module& module, const Tensor& output) override { notify("exit", module, output); }

 private:
  void notify(const char* name, Module& module, const Tensor& tensor) {
    py::gil_scoped_acquire gil;
    py::function method = py::get_override(static_cast<const nn::CallObserver*>(this), name);
    if (!method) throw NotImplementedError(detail::str("CallObserver: ", name, "() is not implemented"));
    // Through its owning pointer, so the module comes back as its existing Python object.
    std::shared_ptr<Module> owner = module.weak_from_this().lock();
    method(owner ? py::cast(owner) : py::cast(&module, py::return_value_policy::reference), tensor);
  }
};

// `with ObserveCalls(observer):` installs observer on this thread for the block (nn::ObserveCalls).
class PyObserveCalls {
 public:
  explicit PyObserveCalls(py::object observer) : observer_(std::move(observer)) {
    if (!py::isinstance<nn::CallObserver>(observer_)) {
      throw TypeError(detail::str("ObserveCalls: expected a CallObserver, got ",
                                  std::string(py::str(py::type::handle_of(observer_).attr("__name__")))));
    }
  }
  void enter() {
    STRIATE_CHECK_STATE(!guard_, "ObserveCalls: already active (a `with` block cannot be entered twice)");
    guard_.emplace(observer_.cast<nn::CallObserver&>());
  }
  void exit() { guard_.reset(); }

 private:
  py::object observer_;  // kept alive while installed
  std::optional<nn::ObserveCalls> guard_;
};

void bind_call_observer(py::module_& nn_module) {
  py::class_<nn::CallObserver, PyCallObserver>(nn_module, "CallObserver").def(py::init<>());
  py::class_<PyObserveCalls>(nn_module, "ObserveCalls")
      .def(py::init<py::object>(), py::arg("observer"))
      .def("__enter__", &PyObserveCalls::enter)
      .def("__exit__", [](PyObserveCalls& self, const py::args&) { self.exit(); });
}

void bind_sequential(py::module_& nn_module) {
  py::class_<SequentialImpl, Module, PyModule<SequentialImpl>, py::smart_holder>(
      nn_module, "Sequential", docstrings::kSequential, py::dynamic_attr())
      .def(py::init(
          [](const py::args& args) {
            auto sequential = std::make_unique<SequentialImpl>();
            fill_sequential(*sequential, args);
            return sequential;
          },
          [](const py::args& args) {
            auto sequential = std::make_unique<PyModule<SequentialImpl>>();
            fill_sequential(*sequential, args);
            return sequential;
          }))
      .def("__len__", &SequentialImpl::size)
      .def("__getitem__", [](const SequentialImpl& self, int64_t index) { return self[index]; })
      .def("__getitem__",
           [](const SequentialImpl& self, const py::slice& slice) {
             size_t start = 0, stop = 0, step = 0, length = 0;
             if (!slice.compute(self.size(), &start, &stop, &step, &length)) throw py::error_already_set();
             auto result = std::make_shared<SequentialImpl>();
             const auto& children = self.local_children().items();
             for (size_t i = 0; i < length; ++i) {
               const auto& item = children[start + i * step];
               result->push_back(item.key, item.value);
             }
             return result;
           })
      .def("__iter__",
           [](const SequentialImpl& self) {
             py::list children;
             for (const auto& item : self.local_children()) children.append(py::cast(item.value));
             return py::iter(children);
           })
      .def(
          "append",
          [](SequentialImpl& self, std::shared_ptr<Module> module) -> SequentialImpl& {
            self.push_back(std::move(module));
            return self;
          },
          py::return_value_policy::reference, docstrings::kSequentialAppend);
}

// Identity ignores its arguments, as torch.nn.Identity does.
void bind_identity(py::module_& nn_module) {
  using nn::IdentityImpl;
  LayerClass<IdentityImpl>(nn_module, "Identity", docstrings::kIdentity, py::dynamic_attr())
      .def(py::init([](const py::args&, const py::kwargs&) { return std::make_unique<IdentityImpl>(); },
                    [](const py::args&, const py::kwargs&) { return std::make_unique<PyModule<IdentityImpl>>(); }));
}

// nn.init: in place on the given tensor, which is returned (as torch.nn.init does).
void bind_init(py::module_& nn_module) {
  auto init = nn_module.def_submodule("_init", "nn.init; wrapped by striate.nn.init");
  init.def("calculate_gain", &nn::init::calculate_gain, py::arg("nonlinearity"), py::arg("param") = 0.01);
  init.def("calculate_fan_in_and_fan_out", &nn::init::calculate_fan_in_and_fan_out, py::arg("tensor"));
  init.def("uniform_", [](Tensor t, double a, double b) { return nn::init::uniform_(t, a, b); });
  init.def("normal_", [](Tensor t, double mean, double std) { return nn::init::normal_(t, mean, std); });
  init.def("constant_", [](Tensor t, double value) { return nn::init::constant_(t, value); });
  init.def("zeros_", [](Tensor t) { return nn::init::zeros_(t); });
  init.def("ones_", [](Tensor t) { return nn::init::ones_(t); });
  init.def("kaiming_uniform_", [](Tensor t, double a, const std::string& mode, const std::string& nonlinearity) {
    return nn::init::kaiming_uniform_(t, a, mode, nonlinearity);
  });
  init.def("kaiming_normal_", [](Tensor t, double a, const std::string& mode, const std::string& nonlinearity) {
    return nn::init::kaiming_normal_(t, a, mode, nonlinearity);
  });
  init.def("xavier_uniform_", [](Tensor t, double gain) { return nn::init::xavier_uniform_(t, gain); });
  init.def("xavier_normal_", [](Tensor t, double gain) { return nn::init::xavier_normal_(t, gain); });
  init.def("trunc_normal_", [](Tensor t, double mean, double std, double a, double b) {
    return nn::init::trunc_normal_(t, mean, std, a, b);
  });
  init.def("orthogonal_", [](Tensor t, double gain) { return nn::init::orthogonal_(t, gain); });
  init.def("eye_", [](Tensor t) { return nn::init::eye_(t); });
  init.def("dirac_", [](Tensor t, int64_t groups) { return nn::init::dirac_(t, groups); });
  init.def("sparse_", [](Tensor t, double sparsity, double std) { return nn::init::sparse_(t, sparsity, std); });
}

}  // namespace

void init_nn_module(py::module_& m) {
  auto nn_module = m.def_submodule("_nn", "nn modules; wrapped by striate.nn");
  // The parameter mark behind isinstance(t, nn.Parameter).
  tensor_class(m)
      .def_property_readonly("_is_parameter", [](const Tensor& self) { return self.is_parameter(); })
      .def("_mark_parameter", [](const Tensor& self, bool value) { self.mark_parameter(value); });
  bind_module(nn_module);
  bind_call_observer(nn_module);
  bind_sequential(nn_module);
  bind_identity(nn_module);
  bind_init(nn_module);
}

}  // namespace striate::python
