// Scalar: a Python-like number (bool, integer or floating) used by tensor-scalar ops and fill.
#pragma once
#include <cstdint>

#include "striate/core/dtype.h"

namespace striate {

/// A value type; converts implicitly from bool, int, int64_t, float and double.
class Scalar {
 public:
  /// What the number was made from.
  enum class Kind : uint8_t { Bool, Int, Float };
  /// A floating scalar.
  /// @param v the value.
  Scalar(double v) : kind_(Kind::Float), d_(v), i_(saturate(v)) {}
  /// A floating scalar.
  /// @param v the value.
  Scalar(float v) : Scalar(static_cast<double>(v)) {}
  /// An integer scalar.
  /// @param v the value.
  Scalar(int64_t v) : kind_(Kind::Int), d_(static_cast<double>(v)), i_(v) {}
  /// An integer scalar.
  /// @param v the value.
  Scalar(int v) : Scalar(static_cast<int64_t>(v)) {}
  /// A bool scalar.
  /// @param v the value.
  Scalar(bool v) : kind_(Kind::Bool), d_(v ? 1.0 : 0.0), i_(v ? 1 : 0) {}

  /// @return the kind.
  Kind kind() const { return kind_; }
  /// @return whether the kind is Float.
  bool is_floating() const { return kind_ == Kind::Float; }
  /// @return the value as a double.
  double to_double() const { return d_; }
  /// @return the value as int64 (a float saturated, see saturate()).
  int64_t to_int() const { return i_; }
  /// The value as T.
  /// @tparam T the target type.
  /// @return the converted value.
  template <typename T>
  T to() const {
    if constexpr (std::is_floating_point_v<T>)
      return static_cast<T>(d_);
    else if constexpr (is_reduced_float_v<T>)
      return T(static_cast<float>(d_));  // through float, as PyTorch rounds a number to float16
    else if constexpr (std::is_same_v<T, bool>)
      return d_ != 0.0;
    else
      return static_cast<T>(i_);
  }
  /// A double as int64: truncated, clamped to the range, NaN as 0 (casting NaN, +-Inf or a value
  /// out of range is undefined behaviour; UBSan caught full((2,), nan) doing it).
  /// @param v the value.
  /// @return the int64.
  static int64_t saturate(double v) {
    if (!(v == v)) return 0;
    if (v >= 9223372036854775807.0) return INT64_MAX;
    if (v <= -9223372036854775808.0) return INT64_MIN;
    return static_cast<int64_t>(v);
  }
  /// The dtype this number takes when combined with a tensor of dtype `t` (PyTorch's rule:
  /// a Python number never widens a tensor of its own category; a float turns integers float32).
  /// @param t the tensor's dtype.
  /// @return the result dtype.
  DType result_type_with(DType t) const {
    if (kind_ == Kind::Float && !striate::is_floating(t)) return DType::Float32;
    if (kind_ == Kind::Int && t == DType::Bool) return DType::Int64;
    return t;
  }

 private:
  Kind kind_;
  double d_;
  int64_t i_;
};

}  // namespace striate
