// Reductions and indexing in striate._C: sum / mean / var / std / max / min / argmax / argmin / gather /
// index_select / masked_select, the indexing helpers behind Tensor.__getitem__ / __setitem__ (_take,
// _masked_select, _masked_fill_, _masked_scatter_, _index_put_), and the matching Tensor methods.
#include "bindings.h"
#include "docstrings/tensor_reduce.h"
#include "py_scalar.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/reduce.h"
#include "striate/ops/shape_ops.h"

namespace striate::python {
namespace {

using release_gil = py::call_guard<py::gil_scoped_release>;

std::string type_name(const py::handle& obj) { return py::str(py::type::of(obj).attr("__name__")); }

int64_t int_from_py(const py::handle& obj, const char* op, const char* name) {
  if (py::isinstance<py::bool_>(obj) || !PyIndex_Check(obj.ptr()))
    throw TypeError(detail::str(op, ": expected ", name, " to be an int, got ", type_name(obj)));
  return py::cast<int64_t>(py::int_(py::reinterpret_borrow<py::object>(obj)));
}

// dim as None (every dim), an int, or a tuple / list of ints.
std::vector<int64_t> dims_from_py(const py::handle& dim, const char* op) {
  if (dim.is_none()) return {};
  if (py::isinstance<py::tuple>(dim) || py::isinstance<py::list>(dim)) {
    std::vector<int64_t> dims;
    for (const py::handle& item : dim) dims.push_back(int_from_py(item, op, "each dim"));
    return dims;
  }
  return {int_from_py(dim, op, "dim (or a tuple of ints)")};
}

std::optional<DType> optional_dtype(const py::handle& dtype, const char* op) {
  if (dtype.is_none()) return std::nullopt;
  return dtype_from_py(dtype, op);
}

// A fill value: a Python number or a one-element tensor.
Scalar scalar_from_py(const py::handle& value, const char* op) {
  if (py::isinstance<TensorImpl>(value)) {
    Tensor t = value.cast<Tensor>();
    STRIATE_CHECK(t.numel() == 1, op, ": expected a number or a one-element tensor as value, got a tensor of shape ",
                  t.sizes());
    if (t.is_floating_point()) return Scalar(t.item<double>());
    if (t.dtype() == DType::Bool) return Scalar(t.item<bool>());
    return Scalar(t.item<int64_t>());
  }
  return value.cast<Scalar>();
}

Tensor sum_py(const Tensor& x, const py::object& dim, bool keepdim, const py::object& dtype) {
  std::vector<int64_t> dims = dims_from_py(dim, "sum");
  std::optional<DType> cast_to = optional_dtype(dtype, "sum");
  py::gil_scoped_release release;
  return sum(cast_to ? to_dtype(x, *cast_to) : x, dims, keepdim);
}

Tensor mean_py(const Tensor& x, const py::object& dim, bool keepdim, const py::object& dtype) {
  std::vector<int64_t> dims = dims_from_py(dim, "mean");
  std::optional<DType> cast_to = optional_dtype(dtype, "mean");
  py::gil_scoped_release release;
  return mean(cast_to ? to_dtype(x, *cast_to) : x, dims, keepdim);
}

// var / std with PyTorch's two spellings: (dim, unbiased, keepdim) and (dim, correction=, keepdim=);
// a bool in dim's place is the legacy x.var(unbiased).
Tensor variance_py(const Tensor& x, py::object dim, py::object unbiased, bool keepdim, const py::object& correction,
                   bool take_sqrt) {
  const char* op = take_sqrt ? "std" : "var";
  if (py::isinstance<py::bool_>(dim)) {
    STRIATE_CHECK_TYPE(unbiased.is_none(), op, ": got unbiased twice (positionally as dim and by name)");
    unbiased = dim;
    dim = py::none();
  }
  int64_t correction_value = 1;
  if (!correction.is_none()) {
    STRIATE_CHECK(unbiased.is_none(), op, ": pass either unbiased or correction, not both");
    correction_value = int_from_py(correction, op, "correction");
  } else if (!unbiased.is_none()) {
    correction_value = unbiased.cast<bool>() ? 1 : 0;
  }
  std::vector<int64_t> dims = dims_from_py(dim, op);
  py::gil_scoped_release release;
  return take_sqrt ? striate::std(x, dims, correction_value, keepdim) : var(x, dims, correction_value, keepdim);
}

// max(x) -> tensor; max(x, dim) -> (values, indices); max(x, other_tensor) -> elementwise maximum.
py::object extreme_py(const py::object& result_type, const Tensor& x, const py::object& dim, bool keepdim,
                      bool is_max) {
  const char* op = is_max ? "max" : "min";
  if (dim.is_none()) {
    Tensor result;
    {
      py::gil_scoped_release release;
      result = is_max ? max(x) : min(x);
    }
    return py::cast(result);
  }
  if (py::isinstance<TensorImpl>(dim)) {
    Tensor other = dim.cast<Tensor>();
    Tensor result;
    {
      py::gil_scoped_release release;
      result = is_max ? maximum(x, other) : minimum(x, other);
    }
    return py::cast(result);
  }
  const int64_t d = int_from_py(dim, op, "dim");
  Tensor values, indices;
  {
    py::gil_scoped_release release;
    std::tie(values, indices) = is_max ? max(x, d, keepdim) : min(x, d, keepdim);
  }
  return result_type(values, indices);
}

Tensor arg_extreme_py(const Tensor& x, const py::object& dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "argmax" : "argmin";
  std::optional<int64_t> d;
  if (!dim.is_none()) d = int_from_py(dim, op, "dim");
  py::gil_scoped_release release;
  return is_max ? argmax(x, d, keepdim) : argmin(x, d, keepdim);
}

// Tensor.masked_fill follows PyTorch: the mask broadcasts against x from the trailing dims.
// (x[mask] = value aligns a shorter mask with the leading dims instead; see _masked_fill_.)
Tensor broadcast_mask(const Tensor& x, const Tensor& mask, const char* op) {
  STRIATE_CHECK(mask.defined(), op, ": expected a 'mask' tensor, got None");
  Shape shape = broadcast_shapes(x.sizes(), mask.sizes(), op);
  STRIATE_CHECK_SHAPE(shape == x.sizes(), op, ": mask of shape ", mask.sizes(),
                      " must broadcast to the tensor's shape ", x.sizes());
  return mask.expand(x.sizes());
}

Tensor var_py(const Tensor& x, py::object dim, py::object unbiased, bool keepdim, py::object correction) {
  return variance_py(x, std::move(dim), std::move(unbiased), keepdim, correction, false);
}

Tensor std_py(const Tensor& x, py::object dim, py::object unbiased, bool keepdim, py::object correction) {
  return variance_py(x, std::move(dim), std::move(unbiased), keepdim, correction, true);
}

Tensor argmax_py(const Tensor& x, const py::object& dim, bool keepdim) { return arg_extreme_py(x, dim, keepdim, true); }

Tensor argmin_py(const Tensor& x, const py::object& dim, bool keepdim) {
  return arg_extreme_py(x, dim, keepdim, false);
}

Tensor masked_fill_method(const Tensor& x, const Tensor& mask, const py::object& value) {
  Scalar fill = scalar_from_py(value, "masked_fill");
  py::gil_scoped_release release;
  return masked_fill(x, broadcast_mask(x, mask, "masked_fill"), fill);
}

Tensor masked_fill_inplace_method(Tensor& x, const Tensor& mask, const py::object& value) {
  Scalar fill = scalar_from_py(value, "masked_fill_");
  py::gil_scoped_release release;
  return masked_fill_(x, broadcast_mask(x, mask, "masked_fill_"), fill);
}

// x[mask] = value: the mask covers x's leading dims.
Tensor masked_fill_leading(Tensor& x, const Tensor& mask, const py::object& value) {
  Scalar fill = scalar_from_py(value, "masked_fill_");
  py::gil_scoped_release release;
  return masked_fill_(x, mask, fill);
}

}  // namespace

void init_reduce(py::module_& m) {
  // (values, indices) results, like torch.return_types.max.
  py::object namedtuple = py::module_::import("collections").attr("namedtuple");
  py::object max_type = namedtuple("max", py::make_tuple("values", "indices"));
  py::object min_type = namedtuple("min", py::make_tuple("values", "indices"));
  max_type.attr("__module__") = "striate.return_types";
  min_type.attr("__module__") = "striate.return_types";
  auto max_py = [max_type](const Tensor& x, const py::object& dim, bool keepdim) {
    return extreme_py(max_type, x, dim, keepdim, true);
  };
  auto min_py = [min_type](const Tensor& x, const py::object& dim, bool keepdim) {
    return extreme_py(min_type, x, dim, keepdim, false);
  };
  const auto input = py::arg("input");
  const auto no_dim = py::arg("dim") = py::none();
  const auto keepdim = py::arg("keepdim") = false;
  const auto no_dtype = py::arg("dtype") = py::none();
  const auto no_unbiased = py::arg("unbiased") = py::none();
  const auto no_correction = py::arg("correction") = py::none();

  m.def("sum", &sum_py, input, no_dim, keepdim, no_dtype, docstrings::kSum);
  m.def("mean", &mean_py, input, no_dim, keepdim, no_dtype, docstrings::kMean);
  m.def("var", &var_py, input, no_dim, no_unbiased, keepdim, py::kw_only(), no_correction, docstrings::kVar);
  m.def("std", &std_py, input, no_dim, no_unbiased, keepdim, py::kw_only(), no_correction, docstrings::kStd);
  m.def("max", max_py, input, no_dim, keepdim, docstrings::kMax);
  m.def("min", min_py, input, no_dim, keepdim, docstrings::kMin);
  m.def("argmax", &argmax_py, input, no_dim, keepdim, docstrings::kArgmax);
  m.def("argmin", &argmin_py, input, no_dim, keepdim, docstrings::kArgmin);
  m.def("gather", &gather, input, py::arg("dim"), py::arg("index"), release_gil(), docstrings::kGather);
  m.def("index_select", &index_select, input, py::arg("dim"), py::arg("index"), release_gil(),
        docstrings::kIndexSelect);
  m.def("masked_select", &masked_select, input, py::arg("mask"), release_gil(), docstrings::kMaskedSelect);

  // The indexing primitives of Tensor.__getitem__ / __setitem__ (python/striate/_tensor.py).
  m.def("_index_select", &index_select, input, py::arg("dim"), py::arg("index"), release_gil());
  m.def("_take", &take_along_dim0, input, py::arg("index"), release_gil());
  m.def("_masked_select", &masked_select, input, py::arg("mask"), release_gil());
  m.def("_masked_fill_", &masked_fill_leading, input, py::arg("mask"), py::arg("value"));
  m.def("_masked_scatter_", &masked_scatter_, input, py::arg("mask"), py::arg("source"), release_gil());
  m.def("_index_put_", &index_put_, input, py::arg("index"), py::arg("source"), release_gil());

  TensorClass cls = tensor_class(m);
  cls.def("sum", &sum_py, no_dim, keepdim, no_dtype, docstrings::kTensorSum);
  cls.def("mean", &mean_py, no_dim, keepdim, no_dtype, docstrings::kTensorMean);
  cls.def("var", &var_py, no_dim, no_unbiased, keepdim, py::kw_only(), no_correction, docstrings::kTensorVar);
  cls.def("std", &std_py, no_dim, no_unbiased, keepdim, py::kw_only(), no_correction, docstrings::kTensorStd);
  cls.def("max", max_py, no_dim, keepdim, docstrings::kTensorMax);
  cls.def("min", min_py, no_dim, keepdim, docstrings::kTensorMin);
  cls.def("argmax", &argmax_py, no_dim, keepdim, docstrings::kTensorArgmax);
  cls.def("argmin", &argmin_py, no_dim, keepdim, docstrings::kTensorArgmin);
  cls.def("masked_fill", &masked_fill_method, py::arg("mask"), py::arg("value"), docstrings::kTensorMaskedFill);
  cls.def("masked_fill_", &masked_fill_inplace_method, py::arg("mask"), py::arg("value"),
          docstrings::kTensorMaskedFillInplace);
  cls.def("gather", &gather, py::arg("dim"), py::arg("index"), release_gil(), docstrings::kTensorGather);
  cls.def("index_select", &index_select, py::arg("dim"), py::arg("index"), release_gil(),
          docstrings::kTensorIndexSelect);
  cls.def("masked_select", &masked_select, py::arg("mask"), release_gil(), docstrings::kTensorMaskedSelect);
}

}  // namespace striate::python
