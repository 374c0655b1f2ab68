// Python numbers (and NumPy scalars) <-> striate::Scalar, and a GIL-safe holder for Python
// callables kept by C++ (hooks may be destroyed on a thread that does not hold the GIL).
#pragma once
#include <memory>

#include "bindings.h"
#include "striate/core/scalar.h"

namespace pybind11::detail {
template <>
struct type_caster<striate::Scalar> {
  PYBIND11_TYPE_CASTER(striate::Scalar, const_name("float"));
  type_caster() : value(0.0) {}
  bool load(handle src, bool) {
    if (!src) return false;
    PyObject* o = src.ptr();
    if (PyBool_Check(o)) {
      value = striate::Scalar(o == Py_True);
      return true;
    }
    if (PyLong_Check(o)) {
      long long v = PyLong_AsLongLong(o);
      if (v == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return false;
      }
      value = striate::Scalar(static_cast<int64_t>(v));
      return true;
    }
    if (PyFloat_Check(o)) {
      value = striate::Scalar(PyFloat_AsDouble(o));
      return true;
    }
    // NumPy scalars: np.float32, np.int64, np.bool_ ...
    if (isinstance<striate::TensorImpl>(src)) return false;  // tensors take the Tensor overloads
    if (hasattr(src, "dtype") && hasattr(src, "ndim") && src.attr("ndim").cast<int>() == 0) {
      std::string kind = src.attr("dtype").attr("kind").cast<std::string>();
      if (kind == "f") value = striate::Scalar(src.attr("item")().cast<double>());
      else if (kind == "i" || kind == "u") value = striate::Scalar(src.attr("item")().cast<int64_t>());
      else if (kind == "b") value = striate::Scalar(src.attr("item")().cast<bool>());
      else return false;
      return true;
    }
    return false;
  }
  static handle cast(const striate::Scalar& s, return_value_policy, handle) {
    if (s.kind() == striate::Scalar::Kind::Bool) return py::bool_(s.to_int() != 0).release();
    if (s.kind() == striate::Scalar::Kind::Int) return PyLong_FromLongLong(s.to_int());
    return PyFloat_FromDouble(s.to_double());
  }
};
}  // namespace pybind11::detail

namespace striate::python {

// Holds a Python object; releases it with the GIL held, from whatever thread drops the last ref.
inline std::shared_ptr<py::object> gil_safe(py::object obj) {
  return std::shared_ptr<py::object>(new py::object(std::move(obj)), [](py::object* p) {
    if (!Py_IsInitialized()) return;  // interpreter gone: leak rather than crash at exit
    py::gil_scoped_acquire gil;
    delete p;
  });
}

}  // namespace striate::python
