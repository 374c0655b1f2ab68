// Shared by the layer binding files: the Module trampoline, the constructors that build either the
// built-in class or its trampoline (for Python subclasses); the argument helpers every layer uses
// come with it from bind_args.h.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "bind_args.h"
#include "bindings.h"
#include "striate/nn/module.h"
#include "striate/ops/pooling.h"

namespace striate::python {

using release_gil = py::call_guard<py::gil_scoped_release>;

inline py::tuple shape_tuple(const Shape& shape) {
  py::tuple result(shape.size());
  for (int i = 0; i < shape.size(); ++i) result[i] = py::int_(shape[i]);
  return result;
}

// Lets a Python subclass override forward, mult_adds and extra_repr, and report its own class
// name. Only instances of Python subclasses are trampolines, so built-in layers called from C++
// (a Sequential's forward with the GIL released) never touch Python.
template <typename Base>
class PyModule : public Base, public py::trampoline_self_life_support {
 public:
  using Base::Base;
  Tensor forward(const Tensor& input) override { PYBIND11_OVERRIDE_NAME(Tensor, Base, "forward", forward, input); }
  // Python's mult_adds(input_shape, output_shape) takes tuples and returns an int or None.
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override {
    py::gil_scoped_acquire gil;
    py::function method = py::get_override(static_cast<const Base*>(this), "mult_adds");
    if (!method) return Base::mult_adds(input, output);
    return method(shape_tuple(input), shape_tuple(output)).template cast<std::optional<int64_t>>();
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

// A bound layer class: a Module (or a subclass of one, such as Sequential) with its trampoline.
template <typename Impl, typename Base = nn::Module>
using LayerClass = py::class_<Impl, Base, PyModule<Impl>, py::smart_holder>;

// py::init for a layer: `make` builds the options from the Python arguments; the built-in class
// is constructed for the bound type itself, the trampoline for a Python subclass.
template <typename Impl, typename Options, typename... Args>
auto layer_init(Options (*make)(Args...)) {
  return py::init([make](Args... args) { return std::make_unique<Impl>(make(args...)); },
                  [make](Args... args) { return std::make_unique<PyModule<Impl>>(make(args...)); });
}

// For layers whose Python arguments are the C++ constructor's.
template <typename Impl, typename... Args>
auto direct_init() {
  return py::init([](Args... args) { return std::make_unique<Impl>(args...); },
                  [](Args... args) { return std::make_unique<PyModule<Impl>>(args...); });
}

// Setting layer.weight / layer.bias from Python: a Parameter, or None to drop an optional one.
inline void assign_parameter(nn::Module& layer, Tensor& slot, const char* name, const Tensor& value) {
  STRIATE_CHECK_TYPE(!value.defined() || value.is_parameter(), layer.name(), ": cannot assign a plain Tensor to '",
                     name, "' (wrap it in striate.nn.Parameter, or assign None)");
  slot = layer.register_parameter(name, value, value.defined() && value.requires_grad());
}

// py::init for a layer whose constructor arguments `make` builds (as a tuple) from the Python
// ones: the built-in class for the bound type, the trampoline for a Python subclass.
template <typename Impl, typename... CtorArgs, typename... Args>
auto tuple_init(std::tuple<CtorArgs...> (*make)(Args...)) {
  return py::init(
      [make](Args... args) {
        return std::apply([](auto&&... a) { return std::make_unique<Impl>(a...); }, make(args...));
      },
      [make](Args... args) {
        return std::apply([](auto&&... a) { return std::make_unique<PyModule<Impl>>(a...); }, make(args...));
      });
}

template <typename Impl>
LayerClass<Impl> layer_class(py::module_& nn_module, const char* name, const char* doc) {
  return LayerClass<Impl>(nn_module, name, doc, py::dynamic_attr());
}

}  // namespace striate::python
