// The extension module striate._C: calls each topic's init function (one file per topic).
#include <Python.h>

#include "bindings.h"
#include "striate/core/parallel.h"

namespace {
// Long C++ loops poll this (from the thread that released the GIL) to honour Ctrl-C.
bool python_interrupt_pending() {
  if (!Py_IsInitialized()) return false;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) {
    PyErr_Clear();  // the C++ side raises striate::Interrupted, mapped to KeyboardInterrupt
    return true;
  }
  return false;
}
}  // namespace

PYBIND11_MODULE(_C, m) {
  m.doc() = "striate's C++ core (bindings only; see the striate package for the Python API)";
  striate::set_interrupt_checker(&python_interrupt_pending);
  striate::python::register_errors(m);
  striate::python::init_tensor(m);
  striate::python::init_interop(m);
  striate::python::init_autograd(m);
  striate::python::init_reduce_shape(m);
  m.def_submodule("_functional", "functional ops; wrapped by striate.nn.functional");
  striate::python::init_functional_conv(m);
  striate::python::init_functional_activation(m);
  striate::python::init_nn(m);
  striate::python::init_optim(m);
  striate::python::init_data(m);
  striate::python::init_transforms(m);
  striate::python::init_conv_family(m);
  striate::python::init_pool_shape_family(m);
  striate::python::init_activation_loss_family(m);
  striate::python::init_norm_reg_rnn_family(m);
  m.def_submodule("_models", "the model zoo; wrapped by striate.models");
  striate::python::init_models_resnet_family(m);
  striate::python::init_models_classic_family(m);
  striate::python::init_config(m);
}
