// Shape: a small fixed-capacity vector of extents (or strides), at most 8 dims, no heap traffic.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <vector>

#include "striate/core/checked_math.h"
#include "striate/core/error.h"

namespace striate {

constexpr int kMaxDims = 8;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) { assign(dims.begin(), dims.end()); }
  Shape(const std::vector<int64_t>& dims) { assign(dims.begin(), dims.end()); }
  template <typename It>
  Shape(It first, It last) {
    assign(first, last);
  }
  static Shape filled(int n, int64_t value) {
    Shape s;
    for (int i = 0; i < n; ++i) s.push_back(value);
    return s;
  }

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t operator[](int i) const { return d_[i]; }
  int64_t& operator[](int i) { return d_[i]; }
  const int64_t* begin() const { return d_; }
  const int64_t* end() const { return d_ + n_; }
  int64_t* begin() { return d_; }
  int64_t* end() { return d_ + n_; }
  const int64_t* data() const { return d_; }
  int64_t back() const { return d_[n_ - 1]; }

  void push_back(int64_t v) {
    STRIATE_CHECK_SHAPE(n_ < kMaxDims, "tensors have at most ", kMaxDims, " dimensions");
    d_[n_++] = v;
  }
  void insert(int pos, int64_t v) {
    STRIATE_CHECK_SHAPE(n_ < kMaxDims, "tensors have at most ", kMaxDims, " dimensions");
    for (int i = n_; i > pos; --i) d_[i] = d_[i - 1];
    d_[pos] = v;
    ++n_;
  }
  void erase(int pos) {
    for (int i = pos; i + 1 < n_; ++i) d_[i] = d_[i + 1];
    --n_;
  }
  void resize(int n, int64_t fill = 0) {
    STRIATE_CHECK_SHAPE(n <= kMaxDims, "tensors have at most ", kMaxDims, " dimensions, got ", n);
    for (int i = n_; i < n; ++i) d_[i] = fill;
    n_ = n;
  }
  // The element count; ValueError naming `op` when it does not fit int64.
  int64_t numel(const char* op = "tensor") const { return checked_numel(begin(), end(), op); }
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }

  bool operator==(const Shape& o) const {
    if (n_ != o.n_) return false;
    for (int i = 0; i < n_; ++i)
      if (d_[i] != o.d_[i]) return false;
    return true;
  }
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

// Prints like PyTorch's sizes: [2, 3, 4]
inline std::ostream& operator<<(std::ostream& out, const Shape& s) {
  out << "[";
  for (int i = 0; i < s.size(); ++i) out << (i ? ", " : "") << s[i];
  return out << "]";
}

// Contiguous (row-major) strides for a shape. Every stride must fit int64, zero-size tensors
// included (sizes [0, 2^40, 2^40] are refused): ValueError naming `op` otherwise.
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

// Wraps a possibly negative dim into [0, ndim); names the op in the error.
inline int wrap_dim(int64_t dim, int ndim, const char* op) {
  int64_t n = ndim > 0 ? ndim : 1;
  STRIATE_CHECK_INDEX(dim >= -n && dim < n, op, ": dim ", dim, " is out of range for a tensor of ", ndim,
                      " dimension(s) (expected in [", -n, ", ", n - 1, "])");
  return static_cast<int>(dim < 0 ? dim + n : dim);
}

}  // namespace striate
