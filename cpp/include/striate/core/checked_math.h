// Overflow-checked arithmetic for sizes, strides, offsets and byte counts that come from user input
// or file contents. Every product that decides an allocation or an address goes through here, so a
// shape claiming more elements than memory can hold is refused before anything is allocated:
//   int64_t n = checked_numel(dims, dims + ndim, "zeros");   // ValueError "zeros: size too large ..."
//   size_t bytes = checked_nbytes(n, 4, "zeros");
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <sstream>

#include "striate/core/error.h"

namespace striate {

/// True when a * b (a + b) does not fit int64; *out holds the product (sum) when it does.
/// @param a the first factor.
/// @param b the second factor.
/// @param out receives the product.
/// @return whether it overflowed.
inline bool mul_overflows(int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); }
/// Whether a + b overflows int64.
/// @param a the first term.
/// @param b the second term.
/// @param out receives the sum.
/// @return whether it overflowed.
inline bool add_overflows(int64_t a, int64_t b, int64_t* out) { return __builtin_add_overflow(a, b, out); }

namespace detail {
// "[2147483648, 2147483648]" for the extents [first, last).
inline std::string extents_text(const int64_t* first, const int64_t* last) {
  std::ostringstream out;
  out << "[";
  for (const int64_t* p = first; p != last; ++p) out << (p == first ? "" : ", ") << *p;
  out << "]";
  return out.str();
}
}  // namespace detail

/// a * b, or ValueError "<op>: size too large: <what> a * b does not fit a 64-bit integer".
/// @param a the first factor.
/// @param b the second factor.
/// @param op the op named in the error.
/// @param what what is computed, for the error.
/// @return a * b.
/// @throws ValueError on overflow.
inline int64_t checked_mul(int64_t a, int64_t b, const char* op, const char* what) {
  int64_t out = 0;
  if (mul_overflows(a, b, &out)) {
    throw ValueError(detail::str(op, ": size too large: ", what, " ", a, " * ", b, " does not fit a 64-bit integer"));
  }
  return out;
}

/// a + b, or ValueError "<op>: size too large: <what> a + b does not fit a 64-bit integer".
/// @param a the first term.
/// @param b the second term.
/// @param op the op named in the error.
/// @param what what is computed, for the error.
/// @return a + b.
/// @throws ValueError on overflow.
inline int64_t checked_add(int64_t a, int64_t b, const char* op, const char* what) {
  int64_t out = 0;
  if (add_overflows(a, b, &out)) {
    throw ValueError(detail::str(op, ": size too large: ", what, " ", a, " + ", b, " does not fit a 64-bit integer"));
  }
  return out;
}

/// The number of elements of the extents [first, last) (non-negative, checked by the caller).
/// Any zero extent makes it 0; otherwise the product must fit int64.
/// @param first the first extent.
/// @param last one past the last.
/// @param op the op named in the error.
/// @return the product.
/// @throws ValueError on overflow.
inline int64_t checked_numel(const int64_t* first, const int64_t* last, const char* op) {
  for (const int64_t* p = first; p != last; ++p)
    if (*p == 0) return 0;
  int64_t product = 1;
  for (const int64_t* p = first; p != last; ++p) {
    if (mul_overflows(product, *p, &product)) {
      throw ValueError(detail::str(op, ": size too large: a tensor of sizes ", detail::extents_text(first, last),
                                   " would have more than ", std::numeric_limits<int64_t>::max(), " elements"));
    }
  }
  return product;
}

/// Bytes for `numel` elements of `element_size` bytes, or ValueError naming both when the count does
/// not fit int64 (addresses inside one buffer must fit ptrdiff_t).
/// @param numel the element count.
/// @param element_size bytes per element.
/// @param op the op named in the error.
/// @return the byte count.
/// @throws ValueError on overflow or a negative count.
inline size_t checked_nbytes(int64_t numel, size_t element_size, const char* op) {
  int64_t bytes = 0;
  if (numel < 0 || mul_overflows(numel, static_cast<int64_t>(element_size), &bytes)) {
    throw ValueError(detail::str(op, ": size too large: ", numel, " elements of ", element_size,
                                 " bytes do not fit a 64-bit byte count"));
  }
  return static_cast<size_t>(bytes);
}

}  // namespace striate
