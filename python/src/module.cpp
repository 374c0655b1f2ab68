// The extension module striate._C: calls each concept's init function (one binding file per concept).
#include <Python.h>

#include "bindings.h"
#include "striate/core/parallel.h"

namespace striate::python {
void init_amp(py::module_& m);   // bind_amp.cpp: autocast state and GradScaler's unscale into _amp
void init_cuda(py::module_& m);  // bind_cuda.cpp: the CUDA runtime into _cuda (streams, events, memory)
}  // namespace striate::python

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
  striate::python::init_reduce(m);
  m.def_submodule("_functional", "functional ops; wrapped by striate.nn.functional");
  // Base classes before subclasses: init_nn_module registers Module and Sequential, which every
  // layer derives from; the layers come before the blocks and models that take them as arguments.
  striate::python::init_nn_module(m);
  striate::python::init_linear(m);
  striate::python::init_conv(m);
  striate::python::init_pooling(m);
  striate::python::init_activation(m);
  striate::python::init_loss(m);
  striate::python::init_shape(m);
  striate::python::init_normalization(m);
  striate::python::init_dropout(m);
  striate::python::init_recurrent(m);
  striate::python::init_optim(m);
  striate::python::init_lr_scheduler(m);
  striate::python::init_swa_utils(m);
  striate::python::init_data(m);
  striate::python::init_transforms(m);
  m.def_submodule("_models", "the model zoo; wrapped by striate.models");
  striate::python::init_blocks(m);
  striate::python::init_models(m);
  striate::python::init_config(m);
  striate::python::init_cuda(m);
  striate::python::init_amp(m);
  striate::python::init_cuda_libraries(m);
  striate::python::init_io(m);
  striate::python::init_profiler(m);
}
