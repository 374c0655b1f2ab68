// The one place where Python arguments are normalized for both the _C._functional ops and the layer
// constructors: ints, int tuples (PyTorch's _single / _pair / _triple), default strides, convolution
// padding ('same' / 'valid' / 'full', per dimension or per side), int lists and optional tensors.
// Every message names the op or layer and the argument, as "<op>: expected <argument> to be ...".
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "striate/core/error.h"

namespace striate::python {

// A wrong-length int tuple raises striate._C.ArgumentError, both a TypeError (not an int or an
// N-tuple) and a ValueError (a tuple of the wrong length), so that callers catching either see it.
inline py::handle argument_error_type() {
  static py::handle type = [] {
    py::tuple bases = py::make_tuple(py::handle(PyExc_TypeError), py::handle(PyExc_ValueError));
    return py::handle(PyErr_NewExceptionWithDoc("striate._C.ArgumentError",
                                                "An argument of the wrong length: a TypeError and a ValueError.",
                                                bases.ptr(), nullptr));
  }();
  return type;
}

[[noreturn]] inline void throw_argument_error(const std::string& message) {
  PyErr_SetString(argument_error_type().ptr(), message.c_str());
  throw py::error_already_set();
}

inline std::string type_name(const py::handle& value) { return py::str(py::type::handle_of(value).attr("__name__")); }

inline bool is_sequence(const py::handle& value) {
  return py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value);
}

// Anything with __index__ (Python and numpy ints) but not a bool.
inline bool is_int(const py::handle& value) { return !PyBool_Check(value.ptr()) && PyIndex_Check(value.ptr()); }

inline int64_t to_int(const py::handle& value, const char* op, const char* argument) {
  if (!is_int(value))
    throw TypeError(detail::str(op, ": expected ", argument, " to be an int, got ", type_name(value)));
  return py::reinterpret_steal<py::int_>(PyNumber_Index(value.ptr())).cast<int64_t>();
}

inline std::optional<int64_t> optional_int(const py::handle& value, const char* op, const char* argument) {
  if (value.is_none()) return std::nullopt;
  return to_int(value, op, argument);
}

// The accepted forms of an int tuple in messages: "a pair of ints", "a tuple of 3 ints".
inline std::string tuple_words(size_t size) {
  return size == 2 ? std::string("a pair of ints") : detail::str("a tuple of ", size, " ints");
}

// An int (repeated), or a tuple/list of Size ints or of one (repeated), as PyTorch's _ntuple.
// `expected` words the accepted tuple in messages (default tuple_words(Size)).
template <size_t Size>
std::array<int64_t, Size> int_tuple(const py::handle& value, const char* op, const char* argument,
                                    const char* expected = nullptr) {
  std::string words = expected ? std::string(expected) : tuple_words(Size);
  std::array<int64_t, Size> result{};
  if (is_sequence(value)) {
    py::tuple items(py::reinterpret_borrow<py::sequence>(value));
    if (items.size() != Size && items.size() != 1)
      throw_argument_error(
          detail::str(op, ": expected ", argument, " to be an int or ", words, ", got ", std::string(py::repr(items))));
    for (size_t i = 0; i < Size; ++i) result[i] = to_int(items[items.size() == 1 ? 0 : i], op, argument);
    return result;
  }
  if (py::isinstance<py::str>(value) || value.is_none())
    throw TypeError(
        detail::str(op, ": expected ", argument, " to be an int or ", words, ", got ", std::string(py::repr(value))));
  result.fill(to_int(value, op, argument));
  return result;
}

template <size_t Size>
std::optional<std::array<int64_t, Size>> optional_tuple(const py::handle& value, const char* op, const char* argument) {
  if (value.is_none()) return std::nullopt;
  return int_tuple<Size>(value, op, argument);
}

// A pooling stride: None or an empty tuple means "the kernel size" (the options' default).
template <size_t Size>
std::optional<std::array<int64_t, Size>> pooling_stride(const py::handle& value, const char* op,
                                                        const char* expected = nullptr) {
  if (value.is_none() || (is_sequence(value) && py::len(value) == 0)) return std::nullopt;
  return int_tuple<Size>(value, op, "stride", expected);
}

// A number (repeated) or a pair of numbers; None stays None.
inline std::optional<std::array<double, 2>> float_pair(const py::handle& value, const char* op, const char* argument) {
  if (value.is_none()) return std::nullopt;
  if (is_sequence(value)) {
    py::tuple items(py::reinterpret_borrow<py::sequence>(value));
    if (items.size() != 2)
      throw_argument_error(
          detail::str(op, ": expected ", argument, " to be a number or a pair, got ", std::string(py::repr(items))));
    return std::array<double, 2>{items[0].cast<double>(), items[1].cast<double>()};
  }
  double v = value.cast<double>();
  return std::array<double, 2>{v, v};
}

// A tuple or list of ints of any length (pad amounts, unflatten sizes).
inline std::vector<int64_t> int_list(const py::handle& value, const char* op, const char* argument) {
  if (!is_sequence(value))
    throw TypeError(detail::str(op, ": expected ", argument, " to be a tuple of ints, got ", type_name(value)));
  std::vector<int64_t> result;
  for (auto item : value) result.push_back(to_int(item, op, argument));
  return result;
}

// Convolution padding: a mode string ('same' / 'valid' / 'full', checked by the op or layer), or
// (before, after) per spatial dimension, outermost first. Accepts an int, a tuple of Dims ints
// (symmetric), or 2 * Dims ints per side in F.pad's order (last dimension first).
template <size_t Dims>
struct ConvPadding {
  std::optional<std::string> mode;
  std::array<int64_t, 2 * Dims> sides{};
  bool per_side = false;  // given per side rather than one value per dimension

  std::array<int64_t, Dims> symmetric() const {
    std::array<int64_t, Dims> result{};
    for (size_t d = 0; d < Dims; ++d) result[d] = sides[2 * d];
    return result;
  }
  // Sets it on conv options that take a mode string or per-side padding.
  template <typename Options>
  void apply(Options& options) const {
    if (mode)
      options.padding(*mode);
    else
      options.padding_sides(sides);
  }
};

template <size_t Dims>
ConvPadding<Dims> conv_padding(const py::handle& value, const char* op) {
  ConvPadding<Dims> result;
  if (py::isinstance<py::str>(value)) {
    result.mode = value.cast<std::string>();
    return result;
  }
  auto expected = [&] {
    return detail::str(op, ": expected padding to be an int, a tuple of ", Dims, " ints, ", 2 * Dims,
                       " ints per side (F.pad's order) or one of ('same', 'valid', 'full'), got ");
  };
  if (is_sequence(value)) {
    py::tuple items(py::reinterpret_borrow<py::sequence>(value));
    if (items.size() == 2 * Dims) {
      for (size_t d = 0; d < Dims; ++d) {  // F.pad's pair for dimension d is at 2 * (Dims - 1 - d)
        result.sides[2 * d] = to_int(items[2 * (Dims - 1 - d)], op, "padding");
        result.sides[2 * d + 1] = to_int(items[2 * (Dims - 1 - d) + 1], op, "padding");
      }
      result.per_side = true;
      return result;
    }
    if (items.size() != 1 && items.size() != Dims) throw_argument_error(expected() + std::string(py::repr(items)));
  } else if (value.is_none() || PyFloat_Check(value.ptr())) {
    throw TypeError(expected() + std::string(py::repr(value)));
  }
  auto per_dimension = int_tuple<Dims>(value, op, "padding");
  for (size_t d = 0; d < Dims; ++d) result.sides[2 * d] = result.sides[2 * d + 1] = per_dimension[d];
  return result;
}

// Transposed-convolution padding: ints only; a mode string is not supported (as in PyTorch).
inline std::array<int64_t, 2> transpose_padding(const py::handle& value, const char* op) {
  if (py::isinstance<py::str>(value))
    STRIATE_NOT_IMPLEMENTED(op, ": string padding ", std::string(py::repr(value)), " is not supported (as in PyTorch)");
  return int_tuple<2>(value, op, "padding");
}

// Optional tensors: None -> undefined; a Tensor as is; anything else (a numpy array, nested lists)
// through striate.tensor.
inline Tensor as_tensor(const py::handle& value) {
  if (value.is_none()) return Tensor();
  if (py::isinstance<TensorImpl>(value)) return value.cast<Tensor>();
  return py::module_::import("striate").attr("tensor")(value).cast<Tensor>();
}

inline std::optional<Tensor> optional_tensor(const Tensor& t) {
  return t.defined() ? std::optional<Tensor>(t) : std::nullopt;
}

}  // namespace striate::python
