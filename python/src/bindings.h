// Shared by the binding files: the Tensor type caster and the init_* entry points.
// striate::Tensor is a handle around shared_ptr<TensorImpl>; Python's striate.Tensor is the
// bound TensorImpl, so the same C++ tensor always comes back as the same Python object
// (`model.weight is model.weight`), and an undefined Tensor converts to None.
#pragma once
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "striate/core/tensor.h"

namespace py = pybind11;

namespace pybind11::detail {
template <>
struct type_caster<striate::Tensor> {
  PYBIND11_TYPE_CASTER(striate::Tensor, const_name("Tensor"));
  bool load(handle src, bool convert) {
    if (src.is_none()) {
      value = striate::Tensor();
      return true;
    }
    make_caster<std::shared_ptr<striate::TensorImpl>> impl_caster;
    if (!impl_caster.load(src, convert)) return false;
    value = striate::Tensor(cast_op<std::shared_ptr<striate::TensorImpl>>(impl_caster));
    return true;
  }
  static handle cast(const striate::Tensor& t, return_value_policy /*policy*/, handle parent) {
    if (!t.defined()) return none().release();
    return make_caster<std::shared_ptr<striate::TensorImpl>>::cast(t.impl_ptr(), return_value_policy::automatic,
                                                                   parent);
  }
};
}  // namespace pybind11::detail

namespace striate::python {

using TensorClass = py::class_<TensorImpl, std::shared_ptr<TensorImpl>>;

// Binds a const member function of the Tensor handle as a method of the bound TensorImpl class:
//   cls.def("dim", tensor_method(&Tensor::dim));
template <typename R, typename... Args>
auto tensor_method(R (Tensor::*fn)(Args...) const) {
  return [fn](const Tensor& self, Args... args) -> R { return (self.*fn)(std::forward<Args>(args)...); };
}
// The bound Tensor class, for files that add methods to it.
TensorClass tensor_class(py::module_& m);

// Parses a dtype given as striate.float32 (a DType), a string, or numpy/torch-like names.
DType dtype_from_py(const py::handle& obj, const char* op);
// Converts a Python number or 0-d tensor into a Scalar.
bool is_python_scalar(const py::handle& obj);

void register_errors(py::module_& m);
void init_tensor(py::module_& m);
void init_interop(py::module_& m);
void init_autograd(py::module_& m);
void init_reduce(py::module_& m);     // reductions and indexing
void init_nn_module(py::module_& m);  // creates _nn: Module, Sequential, Identity, _nn._init
void init_linear(py::module_& m);     // the init_<concept> functions fill _functional and _nn
void init_conv(py::module_& m);
void init_pooling(py::module_& m);
void init_activation(py::module_& m);
void init_loss(py::module_& m);
void init_shape(py::module_& m);
void init_normalization(py::module_& m);
void init_dropout(py::module_& m);  // after init_linear (DropConnect wraps a Linear)
void init_recurrent(py::module_& m);
void init_optim(py::module_& m);
void init_lr_scheduler(py::module_& m);  // schedules into m._optim (after init_optim)
void init_swa_utils(py::module_& m);     // weight averaging into m._optim (after init_lr_scheduler)
void init_data(py::module_& m);
void init_transforms(py::module_& m);      // transforms into m._data (after init_data)
void init_blocks(py::module_& m);          // after the layers the blocks are built from
void init_models(py::module_& m);          // into _models (after init_blocks)
void init_config(py::module_& m);          // build info, CPU ISA, CUDA, the op registry
void init_cuda_libraries(py::module_& m);  // cuBLAS / cuDNN loading, the CUDA math switches
void init_io(py::module_& m);              // the safetensors container into _io
void init_profiler(py::module_& m);        // the profiler into _profiler

}  // namespace striate::python
