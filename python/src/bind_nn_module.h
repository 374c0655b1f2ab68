// Shared by bind_nn.cpp and bind_nn_layers.cpp: the Module trampoline and the factory helper
// that constructs either the built-in class or its trampoline (for Python subclasses).
#pragma once
#include <memory>
#include <string>

#include "bindings.h"
#include "striate/nn/module.h"

namespace striate::python {

// Lets a Python subclass override forward and extra_repr, and report its own class name.
// Only instances of Python subclasses are trampolines, so built-in layers called from C++
// (a Sequential's forward with the GIL released) never touch Python.
template <typename Base>
class PyModule : public Base, public py::trampoline_self_life_support {
 public:
  using Base::Base;
  Tensor forward(const Tensor& input) override {
    PYBIND11_OVERRIDE_NAME(Tensor, Base, "forward", forward, input);
  }
  std::string extra_repr() const override { PYBIND11_OVERRIDE(std::string, Base, extra_repr, ); }
  std::string name() const override {
    py::gil_scoped_acquire gil;
    py::handle self =
        py::detail::get_object_handle(static_cast<const Base*>(this), py::detail::get_type_info(typeid(Base)));
    if (!self) return Base::name();
    return py::str(py::type::handle_of(self).attr("__name__"));
  }
};

// py::init for a layer: `make` builds the options from the Python arguments; the built-in class
// is constructed for the bound type itself, the trampoline for a Python subclass.
template <typename Impl, typename Options, typename... Args>
auto layer_init(Options (*make)(Args...)) {
  return py::init([make](Args... args) { return std::make_unique<Impl>(make(args...)); },
                  [make](Args... args) { return std::make_unique<PyModule<Impl>>(make(args...)); });
}

void init_nn_layers(py::module_& nn_module);

}  // namespace striate::python
