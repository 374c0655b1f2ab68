// Zero-copy interop: .numpy() / from_numpy, the buffer protocol, and DLPack capsules in both
// directions (legacy and versioned), so NumPy and PyTorch can share memory with striate.
#include <pybind11/numpy.h>

#include "bindings.h"
#include "dlpack_abi.h"
#include "docstrings/tensor.h"
#include "striate/ops/creation.h"

namespace striate::python {
namespace {

std::string buffer_format(DType t) {
  switch (t) {
    case DType::Float32: return py::format_descriptor<float>::format();
    case DType::Float64: return py::format_descriptor<double>::format();
    case DType::Int64: return py::format_descriptor<int64_t>::format();
    case DType::UInt8: return py::format_descriptor<uint8_t>::format();
    case DType::Bool: return "?";
    case DType::Float16: return "e";
    case DType::BFloat16: break;  // no buffer-protocol code; the exporters refuse it first
  }
  return "";
}

py::dtype numpy_dtype(DType t) {
  switch (t) {
    case DType::Float32: return py::dtype::of<float>();
    case DType::Float64: return py::dtype::of<double>();
    case DType::Int64: return py::dtype::of<int64_t>();
    case DType::UInt8: return py::dtype::of<uint8_t>();
    case DType::Bool: return py::dtype("bool");
    case DType::Float16: return py::dtype("float16");
    case DType::BFloat16: break;
  }
  throw TypeError(detail::str("numpy: got unsupported ScalarType ", t,
                              " (NumPy has no bfloat16); convert it first, e.g. tensor.float().numpy()"));
}

// Bytes spanned by an array of `sizes` and element `strides` (non-negative), checked for overflow:
// what an imported buffer must hold for every element to lie inside it.
size_t spanned_bytes(const Shape& sizes, const Shape& strides, DType dtype, const char* op) {
  if (sizes.numel(op) == 0) return 0;
  int64_t last = 0;
  for (int i = 0; i < sizes.size(); ++i)
    last = checked_add(last, checked_mul(sizes[i] - 1, strides[i], op, "the element offset"), op, "the element offset");
  return checked_nbytes(checked_add(last, 1, op, "the element count"), element_size(dtype), op);
}

// The NumPy array (or other owner) that backs a from_numpy tensor is released under the GIL.
void release_pyobject(void*, void* context) {
  if (!Py_IsInitialized()) return;
  py::gil_scoped_acquire gil;
  Py_XDECREF(static_cast<PyObject*>(context));
}

py::array to_numpy(const py::object& self_obj) {
  Tensor t = self_obj.cast<Tensor>();
  STRIATE_CHECK_STATE(!t.requires_grad(),
                      "numpy: can't call numpy() on a Tensor that requires grad. Use tensor.detach().numpy() instead.");
  STRIATE_CHECK_TYPE(t.device().is_cpu(), "numpy: can't convert a ", t.device(),
                     " tensor to numpy. Use tensor.cpu() to copy the tensor to host memory first.");
  std::vector<py::ssize_t> shape(t.sizes().begin(), t.sizes().end());
  std::vector<py::ssize_t> strides;
  for (int64_t s : t.strides()) strides.push_back(s * static_cast<int64_t>(element_size(t.dtype())));
  // The array keeps the Python tensor (and so its storage) alive.
  return py::array(numpy_dtype(t.dtype()), shape, strides, t.numel() ? t.data_ptr() : nullptr, self_obj);
}

DType dtype_from_numpy(const py::dtype& dt) {
  char kind = dt.kind();
  auto size = dt.itemsize();
  if (kind == 'f' && size == 4) return DType::Float32;
  if (kind == 'f' && size == 8) return DType::Float64;
  if (kind == 'f' && size == 2) return DType::Float16;
  if (kind == 'i' && size == 8) return DType::Int64;
  if (kind == 'u' && size == 1) return DType::UInt8;
  if (kind == 'b') return DType::Bool;
  throw TypeError(detail::str("from_numpy: can't convert a numpy array of dtype ", std::string(py::str(dt)),
                              "; the supported types are float64, float32, float16, int64, uint8 and bool"));
}

Tensor from_numpy(const py::array& arr) {
  DType dtype = dtype_from_numpy(arr.dtype());
  int64_t item = arr.itemsize();
  STRIATE_CHECK(arr.ndim() <= kMaxDims, "from_numpy: arrays of at most ", kMaxDims, " dimensions are supported, got ",
                arr.ndim());
  Shape sizes, strides;
  for (py::ssize_t i = 0; i < arr.ndim(); ++i) {
    STRIATE_CHECK(arr.strides(i) >= 0,
                  "from_numpy: at least one stride in the given numpy array is negative; make a "
                  "copy first (array.copy())");
    STRIATE_CHECK(arr.strides(i) % item == 0, "from_numpy: the array's strides are not multiples of its element size");
    sizes.push_back(arr.shape(i));
    strides.push_back(arr.strides(i) / item);
  }
  // The span, not arr.nbytes(): a strided view reaches past its element count.
  size_t nbytes = spanned_bytes(sizes, strides, dtype, "from_numpy");
  PyObject* owner = arr.ptr();
  Py_INCREF(owner);
  return from_blob(const_cast<void*>(arr.data()), sizes, strides, dtype, kCPU, release_pyobject, owner, nbytes);
}

// ---- DLPack ----------------------------------------------------------------------

dlpack::DataType dl_dtype(DType t) {
  switch (t) {
    case DType::Float32: return {dlpack::kFloat, 32, 1};
    case DType::Float64: return {dlpack::kFloat, 64, 1};
    case DType::Int64: return {dlpack::kInt, 64, 1};
    case DType::UInt8: return {dlpack::kUInt, 8, 1};
    case DType::Bool: return {dlpack::kBool, 8, 1};
    case DType::Float16: return {dlpack::kFloat, 16, 1};
    case DType::BFloat16: return {dlpack::kBfloat, 16, 1};
  }
  return {dlpack::kFloat, 32, 1};
}

DType dtype_from_dl(const dlpack::DataType& t) {
  STRIATE_CHECK_TYPE(t.lanes == 1, "from_dlpack: vector types (lanes=", t.lanes, ") are not supported");
  if (t.code == dlpack::kFloat && t.bits == 32) return DType::Float32;
  if (t.code == dlpack::kFloat && t.bits == 64) return DType::Float64;
  if (t.code == dlpack::kFloat && t.bits == 16) return DType::Float16;
  if (t.code == dlpack::kBfloat && t.bits == 16) return DType::BFloat16;
  if (t.code == dlpack::kInt && t.bits == 64) return DType::Int64;
  if (t.code == dlpack::kUInt && t.bits == 8) return DType::UInt8;
  if (t.code == dlpack::kBool && t.bits == 8) return DType::Bool;
  throw TypeError(detail::str("from_dlpack: unsupported DLPack dtype (code ", int(t.code), ", ", int(t.bits),
                              " bits); supported: float32, float64, float16, bfloat16, int64, uint8, bool"));
}

// What an exported capsule owns: the tensor (keeping storage alive) and the shape/stride arrays.
struct ExportContext {
  Tensor tensor;
  std::vector<int64_t> shape, strides;
};

template <typename Managed>
void fill_view(Managed* m, ExportContext* ctx) {
  const Tensor& t = ctx->tensor;
  m->dl_tensor.data = t.numel() ? t.data_ptr() : nullptr;
  m->dl_tensor.device = {t.device().is_cpu() ? dlpack::kCPU : dlpack::kCUDA,
                         t.device().is_cpu() ? 0 : t.device().index};
  m->dl_tensor.ndim = t.dim();
  m->dl_tensor.dtype = dl_dtype(t.dtype());
  m->dl_tensor.shape = ctx->shape.data();
  m->dl_tensor.strides = ctx->strides.data();
  m->dl_tensor.byte_offset = 0;
  m->manager_ctx = ctx;
}

py::capsule to_dlpack(const Tensor& t, bool versioned) {
  auto* ctx = new ExportContext{t.detach(), t.sizes().vec(), t.strides().vec()};
  if (versioned) {
    auto* m = new dlpack::ManagedTensorVersioned{};
    m->version = {1, 0};
    m->flags = 0;
    fill_view(m, ctx);
    m->deleter = [](dlpack::ManagedTensorVersioned* self) {
      delete static_cast<ExportContext*>(self->manager_ctx);
      delete self;
    };
    return py::capsule(m, "dltensor_versioned", [](PyObject* cap) {
      // Only a capsule nobody consumed still owns the tensor.
      if (PyCapsule_IsValid(cap, "dltensor_versioned")) {
        auto* mt = static_cast<dlpack::ManagedTensorVersioned*>(PyCapsule_GetPointer(cap, "dltensor_versioned"));
        if (mt && mt->deleter) mt->deleter(mt);
      }
    });
  }
  auto* m = new dlpack::ManagedTensor{};
  fill_view(m, ctx);
  m->deleter = [](dlpack::ManagedTensor* self) {
    delete static_cast<ExportContext*>(self->manager_ctx);
    delete self;
  };
  return py::capsule(m, "dltensor", [](PyObject* cap) {
    if (PyCapsule_IsValid(cap, "dltensor")) {
      auto* mt = static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(cap, "dltensor"));
      if (mt && mt->deleter) mt->deleter(mt);
    }
  });
}

template <typename Managed>
Tensor tensor_from_managed(Managed* m, Storage::Deleter deleter) {
  const dlpack::TensorView& v = m->dl_tensor;
  STRIATE_CHECK(v.device.device_type == dlpack::kCPU || v.device.device_type == dlpack::kCUDAHost,
                "from_dlpack: only CPU tensors can be imported in this build (device type ", v.device.device_type, ")");
  DType dtype = dtype_from_dl(v.dtype);
  STRIATE_CHECK(v.ndim >= 0 && v.ndim <= kMaxDims, "from_dlpack: expected 0 to ", kMaxDims, " dimensions, got ",
                v.ndim);
  STRIATE_CHECK(v.ndim == 0 || v.shape, "from_dlpack: the capsule has ", v.ndim, " dimensions but no shape");
  Shape sizes(v.shape, v.shape + v.ndim);
  for (int64_t s : sizes) STRIATE_CHECK(s >= 0, "from_dlpack: expected non-negative sizes, got ", sizes);
  Shape strides = v.strides ? Shape(v.strides, v.strides + v.ndim) : contiguous_strides(sizes, "from_dlpack");
  for (int64_t s : strides) STRIATE_CHECK(s >= 0, "from_dlpack: negative strides are not supported");
  char* data = static_cast<char*>(v.data) + v.byte_offset;
  size_t nbytes = spanned_bytes(sizes, strides, dtype, "from_dlpack");
  return from_blob(data, sizes, strides, dtype, kCPU, deleter, m, nbytes);
}

Tensor from_dlpack_capsule(const py::capsule& cap) {
  PyObject* c = cap.ptr();
  if (PyCapsule_IsValid(c, "dltensor_versioned")) {
    auto* m = static_cast<dlpack::ManagedTensorVersioned*>(PyCapsule_GetPointer(c, "dltensor_versioned"));
    STRIATE_CHECK(m->version.major == 1, "from_dlpack: unsupported DLPack major version ", m->version.major);
    Tensor t = tensor_from_managed(m, [](void*, void* ctx) {
      auto* mt = static_cast<dlpack::ManagedTensorVersioned*>(ctx);
      if (mt->deleter) mt->deleter(mt);
    });
    PyCapsule_SetName(c, "used_dltensor_versioned");
    return t;
  }
  if (PyCapsule_IsValid(c, "dltensor")) {
    auto* m = static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(c, "dltensor"));
    Tensor t = tensor_from_managed(m, [](void*, void* ctx) {
      auto* mt = static_cast<dlpack::ManagedTensor*>(ctx);
      if (mt->deleter) mt->deleter(mt);
    });
    PyCapsule_SetName(c, "used_dltensor");
    return t;
  }
  throw TypeError("from_dlpack: expected an unconsumed DLPack capsule ('dltensor' or 'dltensor_versioned')");
}

}  // namespace

void init_interop(py::module_& m) {
  TensorClass cls = tensor_class(m);
  cls.def(
         "numpy", [](const py::object& self) { return to_numpy(self); }, docstrings::kTensorNumpy)
      .def_buffer([](TensorImpl& impl) {
        STRIATE_CHECK_TYPE(impl.device().is_cpu(), "buffer protocol: only CPU tensors expose a buffer");
        STRIATE_CHECK_TYPE(impl.dtype() != DType::BFloat16,
                           "buffer protocol: bfloat16 has no buffer format; convert it first, e.g. tensor.float()");
        std::vector<py::ssize_t> shape(impl.sizes().begin(), impl.sizes().end());
        std::vector<py::ssize_t> strides;
        auto item = static_cast<py::ssize_t>(element_size(impl.dtype()));
        for (int64_t s : impl.strides()) strides.push_back(s * item);
        return py::buffer_info(impl.data(), item, buffer_format(impl.dtype()), impl.sizes().size(), shape, strides);
      })
      .def(
          "_to_dlpack", [](const Tensor& t, bool versioned) { return to_dlpack(t, versioned); }, py::arg("versioned"))
      .def("__dlpack_device__", [](const Tensor& t) {
        return py::make_tuple(t.device().is_cpu() ? int(dlpack::kCPU) : int(dlpack::kCUDA),
                              t.device().is_cpu() ? 0 : t.device().index);
      });
  m.def("_from_numpy", &from_numpy, py::arg("array"));
  m.def("_from_dlpack_capsule", &from_dlpack_capsule, py::arg("capsule"));
}

}  // namespace striate::python
