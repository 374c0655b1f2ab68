// striate.Tensor: geometry, views, creation, elementwise math and operators. Thin: every method
// forwards to the C++ API; the GIL is released around compute.
#include <pybind11/functional.h>

#include "bindings.h"
#include "docstrings/tensor.h"
#include "docstrings/tensor_math.h"
#include "py_scalar.h"
#include "striate/core/cuda.h"
#include "striate/core/device.h"
#include "striate/core/parallel.h"
#include "striate/core/random.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::python {

namespace {
using release_gil = py::call_guard<py::gil_scoped_release>;

py::tuple to_tuple(const Shape& s) {
  py::tuple t(s.size());
  for (int i = 0; i < s.size(); ++i) t[i] = s[i];
  return t;
}

Shape to_shape(const std::vector<int64_t>& v) { return Shape(v); }

Device device_from_py(const py::handle& obj) {
  if (py::isinstance<Device>(obj)) return obj.cast<Device>();
  if (py::isinstance<py::str>(obj)) return Device(obj.cast<std::string>());
  throw TypeError(detail::str("device: expected a striate.device or a string like 'cpu' / 'cuda:0', got ",
                              std::string(py::str(py::type::of(obj).attr("__name__")))));
}
}  // namespace

TensorClass tensor_class(py::module_& m) { return m.attr("Tensor").cast<TensorClass>(); }

DType dtype_from_py(const py::handle& obj, const char* op) {
  if (py::isinstance<DType>(obj)) return obj.cast<DType>();
  std::string name = py::str(obj);
  for (const char* prefix : {"striate.", "torch.", "numpy.", "<class 'numpy."}) {
    if (name.rfind(prefix, 0) == 0) name = name.substr(std::string(prefix).size());
  }
  if (!name.empty() && name.back() == '>') name = name.substr(0, name.size() - 2);
  if (name == "float32" || name == "float") return DType::Float32;
  if (name == "float64" || name == "double") return DType::Float64;
  if (name == "float16" || name == "half") return DType::Float16;
  if (name == "bfloat16") return DType::BFloat16;
  if (name == "int64" || name == "long") return DType::Int64;
  if (name == "uint8") return DType::UInt8;
  if (name == "bool" || name == "bool_") return DType::Bool;
  throw TypeError(detail::str(op, ": unsupported dtype ", std::string(py::repr(obj)),
                              " (expected float32, float64, float16, bfloat16, int64, uint8 or bool)"));
}

void init_tensor(py::module_& m) {
  py::enum_<DType>(m, "dtype", docstrings::kDtype)
      .value("float32", DType::Float32)
      .value("float64", DType::Float64)
      .value("int64", DType::Int64)
      .value("uint8", DType::UInt8)
      .value("bool", DType::Bool)
      .value("float16", DType::Float16)
      .value("bfloat16", DType::BFloat16)
      .def_property_readonly(
          "is_floating_point", [](DType t) { return is_floating(t); }, docstrings::kDtypeIsFloatingPoint)
      .def_property_readonly(
          "itemsize", [](DType t) { return element_size(t); }, docstrings::kDtypeItemsize)
      .def("__repr__", [](DType t) { return std::string("striate.") + dtype_name(t); })
      .def("__str__", [](DType t) { return std::string("striate.") + dtype_name(t); });

  py::class_<Device>(m, "device", docstrings::kDevice)
      .def(py::init([](const std::string& spec) { return Device(spec); }), py::arg("type"))
      .def(py::init([](const std::string& type, int index) {
             Device d(type);
             STRIATE_CHECK(d.is_cuda() || index == 0, "device: the CPU has only index 0, got ", index);
             d.index = index;
             return d;
           }),
           py::arg("type"), py::arg("index"))
      .def_property_readonly(
          "type", [](const Device& d) { return d.is_cpu() ? "cpu" : "cuda"; }, docstrings::kDeviceType)
      .def_property_readonly(
          "index",
          [](const Device& d) -> py::object {
            if (d.is_cpu()) return py::none();
            return py::int_(d.index);
          },
          docstrings::kDeviceIndex)
      .def(
          "__eq__", [](const Device& a, const Device& b) { return a == b; }, py::is_operator())
      .def(
          "__eq__", [](const Device& a, const std::string& b) { return a == Device(b); }, py::is_operator())
      .def("__hash__", [](const Device& d) { return static_cast<int>(d.type) * 1000 + d.index; })
      .def("__str__", &Device::str)
      .def("__repr__", [](const Device& d) {
        return "device(type='" + std::string(d.is_cpu() ? "cpu" : "cuda") +
               (d.is_cpu() ? "" : "', index=" + std::to_string(d.index)) + (d.is_cpu() ? "')" : ")");
      });
  py::implicitly_convertible<std::string, Device>();

  TensorClass cls(m, "Tensor", py::buffer_protocol(), py::dynamic_attr(), docstrings::kTensor);
  cls.def_property_readonly(
         "shape", [](const Tensor& t) { return to_tuple(t.sizes()); }, docstrings::kTensorShape)
      .def_property_readonly("dtype", tensor_method(&Tensor::dtype), docstrings::kTensorDtypeProperty)
      .def_property_readonly("device", tensor_method(&Tensor::device), docstrings::kTensorDeviceProperty)
      .def_property_readonly("ndim", tensor_method(&Tensor::dim), docstrings::kTensorNdim)
      .def_property_readonly("is_leaf", tensor_method(&Tensor::is_leaf), docstrings::kTensorIsLeaf)
      .def_property_readonly(
          "itemsize", [](const Tensor& t) { return element_size(t.dtype()); }, docstrings::kTensorItemsize)
      .def_property_readonly(
          "is_cuda", [](const Tensor& t) { return t.device().is_cuda(); }, docstrings::kTensorIsCuda)
      .def_property(
          "requires_grad", tensor_method(&Tensor::requires_grad), [](Tensor& t, bool r) { t.requires_grad_(r); },
          docstrings::kTensorRequiresGrad)
      .def_property(
          "grad", [](const Tensor& t) { return t.grad(); }, [](const Tensor& t, const Tensor& g) { t.set_grad(g); },
          docstrings::kTensorGrad)
      .def_property(
          "data", tensor_method(&Tensor::detach),
          [](const Tensor& self, const py::handle& source) {
            if (!py::isinstance<TensorImpl>(source)) {
              throw TypeError(detail::str("data: expected a Tensor, got ",
                                          std::string(py::str(py::type::handle_of(source).attr("__name__")))));
            }
            self.set_data(source.cast<Tensor>());
          },
          docstrings::kTensorData)
      .def_property_readonly("_is_parameter", tensor_method(&Tensor::is_parameter))
      .def("_mark_parameter", tensor_method(&Tensor::mark_parameter), py::arg("value") = true)
      .def("_version", [](const Tensor& t) { return t.storage()->version(); })
      .def("_is_view", [](const Tensor& t) { return t.impl()->is_view(); })
      .def("_same_storage", [](const Tensor& a, const Tensor& b) { return a.storage() == b.storage(); })
      .def(
          "data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()); },
          docstrings::kTensorDataPtr)
      .def("dim", tensor_method(&Tensor::dim), docstrings::kTensorDim)
      .def("numel", tensor_method(&Tensor::numel), docstrings::kTensorNumel)
      .def(
          "element_size", [](const Tensor& t) { return element_size(t.dtype()); }, docstrings::kTensorElementSize)
      .def(
          "size",
          [](const Tensor& t, std::optional<int64_t> dim) -> py::object {
            if (dim) return py::int_(t.size(*dim));
            return to_tuple(t.sizes());
          },
          py::arg("dim") = py::none())
      .def(
          "stride",
          [](const Tensor& t, std::optional<int64_t> dim) -> py::object {
            if (dim) return py::int_(t.stride(*dim));
            return to_tuple(t.strides());
          },
          py::arg("dim") = py::none(), docstrings::kTensorStride)
      .def("storage_offset", tensor_method(&Tensor::storage_offset), docstrings::kTensorStorageOffset)
      .def("is_contiguous", tensor_method(&Tensor::is_contiguous), docstrings::kTensorIsContiguous)
      .def("is_floating_point", tensor_method(&Tensor::is_floating_point), docstrings::kTensorIsFloatingPoint)
      .def("contiguous", tensor_method(&Tensor::contiguous), release_gil(), docstrings::kTensorContiguous)
      .def("pin_memory", tensor_method(&Tensor::pin_memory), release_gil(), docstrings::kTensorPinMemory)
      .def("is_pinned", tensor_method(&Tensor::is_pinned), docstrings::kTensorIsPinned)
      .def("clone", tensor_method(&Tensor::clone), release_gil(), docstrings::kTensorClone)
      .def("detach", tensor_method(&Tensor::detach), docstrings::kTensorDetach)
      .def(
          "detach_",
          [](Tensor& t) {
            t.detach_();
            return t;
          },
          docstrings::kTensorDetachInplace)
      .def(
          "requires_grad_",
          [](Tensor& t, bool r) {
            t.requires_grad_(r);
            return t;
          },
          py::arg("requires_grad") = true, docstrings::kTensorRequiresGradInplace)
      .def("retain_grad", tensor_method(&Tensor::retain_grad), docstrings::kTensorRetainGrad)
      .def_property_readonly(
          "retains_grad",
          [](const Tensor& t) {
            auto* meta = t.impl()->autograd();
            return meta && meta->retains_grad;
          },
          docstrings::kTensorRetainsGrad)
      // views
      .def("_view", [](const Tensor& t, std::vector<int64_t> s) { return t.view(to_shape(s)); })
      .def(
          "_reshape", [](const Tensor& t, std::vector<int64_t> s) { return t.reshape(to_shape(s)); }, release_gil())
      .def("_permute", [](const Tensor& t, std::vector<int64_t> d) { return t.permute(d); })
      .def("_expand", [](const Tensor& t, std::vector<int64_t> s) { return t.expand(to_shape(s)); })
      .def("transpose", tensor_method(&Tensor::transpose), py::arg("dim0"), py::arg("dim1"),
           docstrings::kTensorTranspose)
      .def("t", tensor_method(&Tensor::t), docstrings::kTensorTransposeMatrix)
      .def_property_readonly(
          "T",
          [](const Tensor& t) {
            std::vector<int64_t> perm(t.dim());
            for (int i = 0; i < t.dim(); ++i) perm[i] = t.dim() - 1 - i;
            return t.permute(perm);
          },
          docstrings::kTensorT)
      .def_property_readonly(
          "mT",
          [](const Tensor& t) {
            STRIATE_CHECK_SHAPE(t.dim() >= 2, "mT: expected a tensor with at least 2 dimensions, got ", t.dim());
            return t.transpose(-2, -1);
          },
          docstrings::kTensorMT)
      .def("narrow", tensor_method(&Tensor::narrow), py::arg("dim"), py::arg("start"), py::arg("length"),
           docstrings::kTensorNarrow)
      .def("select", tensor_method(&Tensor::select), py::arg("dim"), py::arg("index"), docstrings::kTensorSelect)
      .def("_slice", tensor_method(&Tensor::slice))
      .def("expand_as", tensor_method(&Tensor::expand_as), docstrings::kTensorExpandAs)
      .def(
          "squeeze", [](const Tensor& t, std::optional<int64_t> dim) { return dim ? t.squeeze(*dim) : t.squeeze(); },
          py::arg("dim") = py::none(), docstrings::kTensorSqueeze)
      .def("unsqueeze", tensor_method(&Tensor::unsqueeze), py::arg("dim"), docstrings::kTensorUnsqueeze)
      .def("flatten", tensor_method(&Tensor::flatten), py::arg("start_dim") = 0, py::arg("end_dim") = -1,
           docstrings::kTensorFlatten)
      // dtype / device moves
      .def(
          "_to_dtype", [](const Tensor& t, const py::object& d) { return t.to(dtype_from_py(d, "to")); },
          py::arg("dtype"))
      .def(
          "_to_device",
          [](const Tensor& t, const py::object& d, bool non_blocking) {
            return to_device(t, device_from_py(d), non_blocking);
          },
          py::arg("device"), py::arg("non_blocking") = false)
      // elementwise
      .def(
          "abs", [](const Tensor& t) { return abs(t); }, release_gil(), docstrings::kTensorAbs)
      .def(
          "exp", [](const Tensor& t) { return exp(t); }, release_gil(), docstrings::kTensorExp)
      .def(
          "log", [](const Tensor& t) { return log(t); }, release_gil(), docstrings::kTensorLog)
      .def(
          "sqrt", [](const Tensor& t) { return sqrt(t); }, release_gil(), docstrings::kTensorSqrt)
      .def(
          "neg", [](const Tensor& t) { return neg(t); }, release_gil(), docstrings::kTensorNeg)
      .def(
          "sign", [](const Tensor& t) { return sign(t); }, release_gil(), docstrings::kTensorSign)
      .def(
          "clamp", [](const Tensor& t, std::optional<Scalar> lo, std::optional<Scalar> hi) { return clamp(t, lo, hi); },
          py::arg("min") = py::none(), py::arg("max") = py::none(), release_gil(), docstrings::kTensorClamp)
      .def(
          "clamp_", [](Tensor& t, std::optional<Scalar> lo, std::optional<Scalar> hi) { return clamp_(t, lo, hi); },
          py::arg("min") = py::none(), py::arg("max") = py::none(), release_gil(), docstrings::kTensorClampInplace)
      .def(
          "maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }, release_gil(),
          docstrings::kTensorMaximum)
      .def(
          "minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }, release_gil(),
          docstrings::kTensorMinimum)
      .def(
          "logical_not", [](const Tensor& a) { return logical_not(a); }, docstrings::kTensorLogicalNot)
      .def(
          "add", [](const Tensor& a, const Tensor& b, Scalar alpha) { return add(a, b, alpha); }, py::arg("other"),
          py::kw_only(), py::arg("alpha") = 1, release_gil(), docstrings::kTensorAdd)
      .def(
          "add",
          [](const Tensor& a, Scalar b, Scalar alpha) {
            return add(a, mul(scalar_tensor(b, b.result_type_with(a.dtype())), alpha));
          },
          py::arg("other"), py::kw_only(), py::arg("alpha") = 1)
      .def(
          "sub", [](const Tensor& a, const Tensor& b, Scalar alpha) { return sub(a, b, alpha); }, py::arg("other"),
          py::kw_only(), py::arg("alpha") = 1, release_gil(), docstrings::kTensorSub)
      .def(
          "sub", [](const Tensor& a, Scalar b) { return sub(a, b); }, py::arg("other"))
      .def(
          "mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, release_gil(), docstrings::kTensorMul)
      .def("mul", [](const Tensor& a, Scalar b) { return mul(a, b); })
      .def(
          "div", [](const Tensor& a, const Tensor& b) { return div(a, b); }, release_gil(), docstrings::kTensorDiv)
      .def("div", [](const Tensor& a, Scalar b) { return div(a, b); })
      .def(
          "pow", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, release_gil(), docstrings::kTensorPow)
      .def("pow", [](const Tensor& a, Scalar b) { return pow(a, b); })
      .def(
          "add_", [](Tensor& a, const Tensor& b, Scalar alpha) { return add_(a, b, alpha); }, py::arg("other"),
          py::kw_only(), py::arg("alpha") = 1, release_gil(), docstrings::kTensorAddInplace)
      .def("add_", [](Tensor& a, Scalar b) { return add_(a, b); })
      .def(
          "sub_", [](Tensor& a, const Tensor& b, Scalar alpha) { return sub_(a, b, alpha); }, py::arg("other"),
          py::kw_only(), py::arg("alpha") = 1, release_gil(), docstrings::kTensorSubInplace)
      .def("sub_", [](Tensor& a, Scalar b) { return sub_(a, b); })
      .def(
          "mul_", [](Tensor& a, const Tensor& b) { return mul_(a, b); }, release_gil(), docstrings::kTensorMulInplace)
      .def("mul_", [](Tensor& a, Scalar b) { return mul_(a, b); })
      .def(
          "div_", [](Tensor& a, const Tensor& b) { return div_(a, b); }, release_gil(), docstrings::kTensorDivInplace)
      .def("div_", [](Tensor& a, Scalar b) { return div_(a, b); })
      .def(
          "pow_", [](Tensor& a, Scalar b) { return pow_(a, b); }, docstrings::kTensorPowInplace)
      .def(
          "zero_", [](Tensor& a) { return fill_(a, 0); }, docstrings::kTensorZeroInplace)
      .def(
          "fill_", [](Tensor& a, Scalar v) { return fill_(a, v); }, docstrings::kTensorFillInplace)
      .def(
          "copy_", [](Tensor& a, const Tensor& src) { return copy_(a, src); }, release_gil(),
          docstrings::kTensorCopyInplace)
      .def(
          "eq", [](const Tensor& a, const Tensor& b) { return eq(a, b); }, docstrings::kTensorEq)
      .def("eq", [](const Tensor& a, Scalar b) { return eq(a, b); })
      // operators: returning NotImplemented on unknown operand types (py::is_operator)
      .def(
          "__add__", [](const Tensor& a, const Tensor& b) { return add(a, b); }, py::is_operator(), release_gil())
      .def(
          "__add__", [](const Tensor& a, Scalar b) { return add(a, b); }, py::is_operator())
      .def(
          "__radd__", [](const Tensor& a, Scalar b) { return add(a, b); }, py::is_operator())
      .def(
          "__iadd__", [](Tensor& a, const Tensor& b) { return add_(a, b); }, py::is_operator(), release_gil())
      .def(
          "__iadd__", [](Tensor& a, Scalar b) { return add_(a, b); }, py::is_operator())
      .def(
          "__sub__", [](const Tensor& a, const Tensor& b) { return sub(a, b); }, py::is_operator(), release_gil())
      .def(
          "__sub__", [](const Tensor& a, Scalar b) { return sub(a, b); }, py::is_operator())
      .def(
          "__rsub__", [](const Tensor& a, Scalar b) { return rsub(a, b); }, py::is_operator())
      .def(
          "__isub__", [](Tensor& a, const Tensor& b) { return sub_(a, b); }, py::is_operator(), release_gil())
      .def(
          "__isub__", [](Tensor& a, Scalar b) { return sub_(a, b); }, py::is_operator())
      .def(
          "__mul__", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, py::is_operator(), release_gil())
      .def(
          "__mul__", [](const Tensor& a, Scalar b) { return mul(a, b); }, py::is_operator())
      .def(
          "__rmul__", [](const Tensor& a, Scalar b) { return mul(a, b); }, py::is_operator())
      .def(
          "__imul__", [](Tensor& a, const Tensor& b) { return mul_(a, b); }, py::is_operator(), release_gil())
      .def(
          "__imul__", [](Tensor& a, Scalar b) { return mul_(a, b); }, py::is_operator())
      .def(
          "__truediv__", [](const Tensor& a, const Tensor& b) { return div(a, b); }, py::is_operator(), release_gil())
      .def(
          "__truediv__", [](const Tensor& a, Scalar b) { return div(a, b); }, py::is_operator())
      .def(
          "__rtruediv__", [](const Tensor& a, Scalar b) { return rdiv(a, b); }, py::is_operator())
      .def(
          "__itruediv__", [](Tensor& a, const Tensor& b) { return div_(a, b); }, py::is_operator(), release_gil())
      .def(
          "__itruediv__", [](Tensor& a, Scalar b) { return div_(a, b); }, py::is_operator())
      .def(
          "__pow__", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, py::is_operator())
      .def(
          "__pow__", [](const Tensor& a, Scalar b) { return pow(a, b); }, py::is_operator())
      .def(
          "__rpow__", [](const Tensor& a, Scalar b) { return rpow(a, b); }, py::is_operator())
      .def(
          "__ipow__", [](Tensor& a, Scalar b) { return pow_(a, b); }, py::is_operator())
      .def("__neg__", [](const Tensor& a) { return neg(a); })
      .def("__abs__", [](const Tensor& a) { return abs(a); })
      .def("__invert__",
           [](const Tensor& a) {
             STRIATE_CHECK_TYPE(a.dtype() == DType::Bool, "~ (bitwise_not): only supported for bool tensors here, got ",
                                a.dtype());
             return logical_not(a);
           })
      .def(
          "__and__", [](const Tensor& a, const Tensor& b) { return logical_and(a, b); }, py::is_operator())
      .def(
          "__or__", [](const Tensor& a, const Tensor& b) { return logical_or(a, b); }, py::is_operator())
      .def(
          "__eq__", [](const Tensor& a, const Tensor& b) { return eq(a, b); }, py::is_operator())
      .def(
          "__eq__", [](const Tensor& a, Scalar b) { return eq(a, b); }, py::is_operator())
      .def(
          "__ne__", [](const Tensor& a, const Tensor& b) { return ne(a, b); }, py::is_operator())
      .def(
          "__ne__", [](const Tensor& a, Scalar b) { return ne(a, b); }, py::is_operator())
      .def(
          "__lt__", [](const Tensor& a, const Tensor& b) { return lt(a, b); }, py::is_operator())
      .def(
          "__lt__", [](const Tensor& a, Scalar b) { return lt(a, b); }, py::is_operator())
      .def(
          "__le__", [](const Tensor& a, const Tensor& b) { return le(a, b); }, py::is_operator())
      .def(
          "__le__", [](const Tensor& a, Scalar b) { return le(a, b); }, py::is_operator())
      .def(
          "__gt__", [](const Tensor& a, const Tensor& b) { return gt(a, b); }, py::is_operator())
      .def(
          "__gt__", [](const Tensor& a, Scalar b) { return gt(a, b); }, py::is_operator())
      .def(
          "__ge__", [](const Tensor& a, const Tensor& b) { return ge(a, b); }, py::is_operator())
      .def(
          "__ge__", [](const Tensor& a, Scalar b) { return ge(a, b); }, py::is_operator())
      .def("__hash__",
           [](const py::object& self) { return py::hash(py::int_(reinterpret_cast<uintptr_t>(self.ptr()))); })
      .def("_str", tensor_method(&Tensor::str));

  // ---- module-level creation and math ----
  m.def("manual_seed", [](uint64_t seed) { manual_seed(seed); }, py::arg("seed"), docstrings::kManualSeed);
  // The CUDA devices' Philox generators (core/random.h); kept without a device too, as torch does.
  m.def(
      "_cuda_manual_seed", [](int device, uint64_t seed) { cuda_manual_seed(device, seed); }, py::arg("device"),
      py::arg("seed"));
  m.def("_cuda_manual_seed_all", [](uint64_t seed) { cuda_manual_seed_all(seed); }, py::arg("seed"));
  m.def(
      "_cuda_rng_state",
      [](int device) {
        PhiloxState state = cuda_rng_state(device);
        return py::make_tuple(state.seed, state.offset);
      },
      py::arg("device"));
  m.def(
      "_cuda_set_rng_state",
      [](int device, uint64_t seed, uint64_t offset) { set_cuda_rng_state(device, PhiloxState{seed, offset}); },
      py::arg("device"), py::arg("seed"), py::arg("offset"));
  m.def("initial_seed", [] { return default_generator().initial_seed(); }, docstrings::kInitialSeed);
  m.def("get_rng_state", [] { return py::bytes(default_generator().get_state()); }, docstrings::kGetRngState);
  m.def(
      "set_rng_state", [](const py::bytes& s) { default_generator().set_state(std::string(s)); },
      docstrings::kSetRngState);
  // device=None: the CPU. On a GPU the memory comes from its caching allocator and the fill runs
  // there (no host buffer of the tensor's size, which an out-of-memory request would need).
  auto options = [](const py::object& dtype, const py::object& device, const char* op) {
    TensorOptions o(dtype_from_py(dtype, op));
    if (!device.is_none()) o.set_device(device_from_py(device));
    return o;
  };
  m.def(
      "_empty",
      [options](std::vector<int64_t> s, const py::object& d, const py::object& device) {
        return empty(to_shape(s), options(d, device, "empty"));
      },
      py::arg("size"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "_full",
      [options](std::vector<int64_t> s, Scalar v, const py::object& d, const py::object& device) {
        TensorOptions o = options(d, device, "full");
        py::gil_scoped_release release;
        return full(to_shape(s), v, o);
      },
      py::arg("size"), py::arg("fill_value"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "_zeros",
      [options](std::vector<int64_t> s, const py::object& d, const py::object& device) {
        TensorOptions o = options(d, device, "zeros");
        py::gil_scoped_release release;
        return zeros(to_shape(s), o);
      },
      py::arg("size"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "_ones",
      [options](std::vector<int64_t> s, const py::object& d, const py::object& device) {
        TensorOptions o = options(d, device, "ones");
        py::gil_scoped_release release;
        return ones(to_shape(s), o);
      },
      py::arg("size"), py::arg("dtype"), py::arg("device") = py::none());
  // A private generator (striate.Generator) for the random creation functions; None: the default one.
  py::class_<Generator, std::shared_ptr<Generator>>(m, "_Generator")
      .def(py::init<>())
      .def("manual_seed", &Generator::manual_seed, py::arg("seed"))
      .def("initial_seed", &Generator::initial_seed)
      .def("get_state", [](const Generator& g) { return py::bytes(g.get_state()); })
      .def("set_state", [](Generator& g, const py::bytes& state) { g.set_state(std::string(state)); });
  m.def("_default_generator", [] { return std::shared_ptr<Generator>(&default_generator(), [](Generator*) {}); });
  m.def(
      "_rand",
      [](std::vector<int64_t> s, const py::object& d, Generator* gen) {
        return rand(to_shape(s), dtype_from_py(d, "rand"), gen);
      },
      py::arg("size"), py::arg("dtype"), py::arg("generator") = nullptr, release_gil());
  m.def(
      "_randn",
      [](std::vector<int64_t> s, const py::object& d, Generator* gen) {
        return randn(to_shape(s), dtype_from_py(d, "randn"), gen);
      },
      py::arg("size"), py::arg("dtype"), py::arg("generator") = nullptr, release_gil());
  m.def(
      "_randint",
      [](int64_t low, int64_t high, std::vector<int64_t> s, const py::object& d, Generator* gen) {
        return randint(low, high, to_shape(s), dtype_from_py(d, "randint"), gen);
      },
      py::arg("low"), py::arg("high"), py::arg("size"), py::arg("dtype"), py::arg("generator") = nullptr);
  m.def(
      "_randperm", [](int64_t n, Generator* gen) { return randperm(n, gen); }, py::arg("n"),
      py::arg("generator") = nullptr);
  m.def("_arange", [](Scalar start, Scalar end, Scalar step, const py::object& d) {
    return arange(start, end, step, d.is_none() ? std::nullopt : std::optional<DType>(dtype_from_py(d, "arange")));
  });
  m.def("_linspace", [](double start, double end, int64_t steps, const py::object& d) {
    return linspace(start, end, steps, dtype_from_py(d, "linspace"));
  });
  m.def("_eye", [](int64_t n, int64_t mm, const py::object& d) { return eye(n, mm, dtype_from_py(d, "eye")); });
  m.def("_uniform_", [](Tensor& t, double lo, double hi) { return uniform_(t, lo, hi); });
  m.def("_normal_", [](Tensor& t, double mean, double std) { return normal_(t, mean, std); });
  m.def(
      "where", [](const Tensor& c, const Tensor& a, const Tensor& b) { return where(c, a, b); }, py::arg("condition"),
      py::arg("input"), py::arg("other"), release_gil(), docstrings::kWhere);
  m.def(
      "where",
      [](const Tensor& c, const Tensor& a, Scalar b) {
        return where(c, a, scalar_tensor(b, b.result_type_with(a.dtype())));
      },
      py::arg("condition"), py::arg("input"), py::arg("other"));
  m.def(
      "where",
      [](const Tensor& c, Scalar a, const Tensor& b) {
        return where(c, scalar_tensor(a, a.result_type_with(b.dtype())), b);
      },
      py::arg("condition"), py::arg("input"), py::arg("other"));
  m.def(
      "add", [](const Tensor& a, const Tensor& b, Scalar alpha) { return add(a, b, alpha); }, py::arg("input"),
      py::arg("other"), py::kw_only(), py::arg("alpha") = 1, release_gil(), docstrings::kAdd);
  m.def("add", [](const Tensor& a, Scalar b) { return add(a, b); }, py::arg("input"), py::arg("other"));
  m.def(
      "sub", [](const Tensor& a, const Tensor& b, Scalar alpha) { return sub(a, b, alpha); }, py::arg("input"),
      py::arg("other"), py::kw_only(), py::arg("alpha") = 1, release_gil(), docstrings::kSub);
  m.def("mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, release_gil(), docstrings::kMul);
  m.def("mul", [](const Tensor& a, Scalar b) { return mul(a, b); });
  m.def("div", [](const Tensor& a, const Tensor& b) { return div(a, b); }, release_gil(), docstrings::kDiv);
  m.def("div", [](const Tensor& a, Scalar b) { return div(a, b); });
  m.def("pow", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, docstrings::kPow);
  m.def("pow", [](const Tensor& a, Scalar b) { return pow(a, b); });
  m.def("maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }, release_gil(), docstrings::kMaximum);
  m.def("minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }, release_gil(), docstrings::kMinimum);
  m.def("abs", [](const Tensor& a) { return abs(a); }, docstrings::kAbs);
  m.def("exp", [](const Tensor& a) { return exp(a); }, docstrings::kExp);
  m.def("log", [](const Tensor& a) { return log(a); }, docstrings::kLog);
  m.def("sqrt", [](const Tensor& a) { return sqrt(a); }, docstrings::kSqrt);
  m.def("neg", [](const Tensor& a) { return neg(a); }, docstrings::kNeg);
  m.def("sign", [](const Tensor& a) { return sign(a); }, docstrings::kSign);
  m.def(
      "clamp", [](const Tensor& t, std::optional<Scalar> lo, std::optional<Scalar> hi) { return clamp(t, lo, hi); },
      py::arg("input"), py::arg("min") = py::none(), py::arg("max") = py::none(), docstrings::kClamp);
  m.def("eq", [](const Tensor& a, const Tensor& b) { return eq(a, b); }, docstrings::kEq);
  m.def("logical_not", [](const Tensor& a) { return logical_not(a); }, docstrings::kLogicalNot);
  m.def("logical_and", [](const Tensor& a, const Tensor& b) { return logical_and(a, b); }, docstrings::kLogicalAnd);
  m.def("logical_or", [](const Tensor& a, const Tensor& b) { return logical_or(a, b); }, docstrings::kLogicalOr);
  m.def("broadcast_shapes", [](std::vector<int64_t> a, std::vector<int64_t> b) {
    return to_tuple(broadcast_shapes(to_shape(a), to_shape(b), "broadcast_shapes"));
  });
  m.def("set_num_threads", &set_num_threads, py::arg("n"), docstrings::kSetNumThreads);
  m.def("get_num_threads", &get_num_threads, docstrings::kGetNumThreads);
}

}  // namespace striate::python
