// Shape: a small fixed-capacity vector of extents (or strides), at most 8 dims, no heap traffic.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <vector>

#include "striate/core/checked_math.h"
#include "striate/core/error.h"

namespace striate {

/// The most dims a tensor has.
constexpr int kMaxDims = 8;

/// A value type, cheap to copy; at most kMaxDims entries (more raise ShapeError).
class Shape {
 public:
  /// An empty shape (a scalar's).
  Shape() = default;
  /// @param dims the extents.
  /// @throws ShapeError for more than kMaxDims.
  Shape(std::initializer_list<int64_t> dims) { assign(dims.begin(), dims.end()); }
  /// @param dims the extents.
  /// @throws ShapeError for more than kMaxDims.
  Shape(const std::vector<int64_t>& dims) { assign(dims.begin(), dims.end()); }
  /// @tparam It an input iterator of integers.
  /// @param first the first extent.
  /// @param last one past the last.
  /// @throws ShapeError for more than kMaxDims.
  template <typename It>
  Shape(It first, It last) {
    assign(first, last);
  }
  /// n copies of value.
  /// @param n the number of dims.
  /// @param value the extent.
  /// @return the shape.
  static Shape filled(int n, int64_t value) {
    Shape s;
    for (int i = 0; i < n; ++i) s.push_back(value);
    return s;
  }

  /// @return the number of dims.
  int size() const { return n_; }
  /// @return whether there are no dims.
  bool empty() const { return n_ == 0; }
  /// @param i the dim, in [0, size()) (unchecked).
  /// @return its extent.
  int64_t operator[](int i) const { return d_[i]; }
  /// @param i the dim, in [0, size()) (unchecked).
  /// @return its extent, mutable.
  int64_t& operator[](int i) { return d_[i]; }
  /// @return the first extent.
  const int64_t* begin() const { return d_; }
  /// @return one past the last extent.
  const int64_t* end() const { return d_ + n_; }
  /// @return the first extent, mutable.
  int64_t* begin() { return d_; }
  /// @return one past the last extent, mutable.
  int64_t* end() { return d_ + n_; }
  /// @return the extents.
  const int64_t* data() const { return d_; }
  /// @return the last extent (non-empty shapes only).
  int64_t back() const { return d_[n_ - 1]; }

  /// Appends a dim.
  /// @param v its extent.
  /// @throws ShapeError at kMaxDims dims.
  void push_back(int64_t v) {
    STRIATE_CHECK_SHAPE(n_ < kMaxDims, "tensors have at most ", kMaxDims, " dimensions");
    d_[n_++] = v;
  }
  /// Inserts a dim.
  /// @param pos its position, in [0, size()].
  /// @param v its extent.
  /// @throws ShapeError at kMaxDims dims.
  void insert(int pos, int64_t v) {
    STRIATE_CHECK_SHAPE(n_ < kMaxDims, "tensors have at most ", kMaxDims, " dimensions");
    for (int i = n_; i > pos; --i) d_[i] = d_[i - 1];
    d_[pos] = v;
    ++n_;
  }
  /// Removes a dim.
  /// @param pos its position, in [0, size()).
  void erase(int pos) {
    for (int i = pos; i + 1 < n_; ++i) d_[i] = d_[i + 1];
    --n_;
  }
  /// Sets the number of dims.
  /// @param n the new count.
  /// @param fill the extent of added dims (default 0).
  /// @throws ShapeError for more than kMaxDims.
  void resize(int n, int64_t fill = 0) {
    STRIATE_CHECK_SHAPE(n <= kMaxDims, "tensors have at most ", kMaxDims, " dimensions, got ", n);
    for (int i = n_; i < n; ++i) d_[i] = fill;
    n_ = n;
  }
  /// The element count; ValueError naming `op` when it does not fit int64.
  /// @param op the op named in the error (default "tensor").
  /// @return the product of the extents.
  int64_t numel(const char* op = "tensor") const { return checked_numel(begin(), end(), op); }
  /// @return the extents as a vector.
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }

  /// @param o the other shape.
  /// @return whether the dims are equal.
  bool operator==(const Shape& o) const {
    if (n_ != o.n_) return false;
    for (int i = 0; i < n_; ++i)
      if (d_[i] != o.d_[i]) return false;
    return true;
  }
  /// @param o the other shape.
  /// @return whether the dims differ.
  bool operator!=(const Shape& o) const { return !(*this == o); }

 private:
  template <typename It>
  void assign(It first, It last) {
    n_ = 0;
    for (; first != last; ++first) push_back(static_cast<int64_t>(*first));
  }
  int64_t d_[kMaxDims] = {};
  int n_ = 0;
};

/// Prints like PyTorch's sizes: [2, 3, 4]
/// @param out the stream.
/// @param s the shape.
/// @return out.
inline std::ostream& operator<<(std::ostream& out, const Shape& s) {
  out << "[";
  for (int i = 0; i < s.size(); ++i) out << (i ? ", " : "") << s[i];
  return out << "]";
}

/// Contiguous (row-major) strides for a shape. Every stride must fit int64, zero-size tensors
/// included (sizes [0, 2^40, 2^40] are refused): ValueError naming `op` otherwise.
/// @param sizes the extents.
/// @param op the op named in the error (default "tensor").
/// @return the strides, in elements.
inline Shape contiguous_strides(const Shape& sizes, const char* op = "tensor") {
  Shape strides = Shape::filled(sizes.size(), 1);
  int64_t acc = 1;
  for (int i = sizes.size() - 1; i >= 0; --i) {
    strides[i] = acc;
    if (i > 0 && sizes[i] > 1 && mul_overflows(acc, sizes[i], &acc)) {
      throw ValueError(detail::str(op, ": size too large: the strides of a tensor of sizes ",
                                   detail::extents_text(sizes.begin(), sizes.end()), " do not fit a 64-bit integer"));
    }
  }
  return strides;
}

/// Wraps a possibly negative dim into [0, ndim); names the op in the error.
/// @param dim the dim, negative counting from the end.
/// @param ndim the tensor's number of dims (a scalar counts as 1).
/// @param op the op named in the error.
/// @return the dim in [0, ndim).
/// @throws IndexError when dim is out of range.
inline int wrap_dim(int64_t dim, int ndim, const char* op) {
  int64_t n = ndim > 0 ? ndim : 1;
  STRIATE_CHECK_INDEX(dim >= -n && dim < n, op, ": dim ", dim, " is out of range for a tensor of ", ndim,
                      " dimension(s) (expected in [", -n, ", ", n - 1, "])");
  return static_cast<int>(dim < 0 ? dim + n : dim);
}

}  // namespace striate
