// Creating tensors: zeros/ones/full/empty, ranges, identity, random draws from the seeded
// generator, and wrapping existing memory.
//   auto x = striate::randn({8, 1, 28, 28});   auto y = striate::randint(0, 10, {8});
#pragma once
#include <vector>

#include "striate/core/random.h"
#include "striate/core/scalar.h"
#include "striate/core/tensor.h"

namespace striate {

/// The dtype, device and requires_grad of a new tensor (setters chain).
struct TensorOptions {
  /// The element type (default Float32).
  DType dtype = DType::Float32;
  /// The device (default the CPU).
  Device device = kCPU;
  /// Whether the tensor records autograd history (default false).
  bool requires_grad = false;
  /// Float32 on the CPU, no grad.
  TensorOptions() = default;
  /// Options of dtype d on the CPU.
  /// @param d the dtype.
  TensorOptions(DType d) : dtype(d) {}
  /// @param d the dtype.
  /// @return *this.
  TensorOptions& set_dtype(DType d) {
    dtype = d;
    return *this;
  }
  /// @param d the device.
  /// @return *this.
  TensorOptions& set_device(Device d) {
    device = d;
    return *this;
  }
  /// @param r the flag.
  /// @return *this.
  TensorOptions& set_requires_grad(bool r) {
    requires_grad = r;
    return *this;
  }
};

/// The dtype and device of `t`: ops allocate their outputs where their inputs live.
/// @param t the tensor.
/// @return t's dtype and device.
inline TensorOptions options_of(const Tensor& t) { return TensorOptions(t.dtype()).set_device(t.device()); }

/// An uninitialized tensor.
/// @param shape the shape (sizes >= 0).
/// @param options dtype, device and requires_grad (default: Float32 on the CPU).
/// @return the tensor.
/// @throws ValueError when a size is negative or the byte count overflows.
/// @throws OutOfMemory when the allocation fails.
Tensor empty(const Shape& shape, TensorOptions options = {});
/// empty() on behalf of `op`: sizes too large (ValueError) and failed allocations (MemoryError) name
/// `op`, the sizes and the byte count, and are raised before anything is allocated.
/// @param shape the shape (sizes >= 0).
/// @param options dtype, device and requires_grad.
/// @param op the op named in errors.
/// @return the tensor.
/// @throws ValueError when a size is negative or the byte count overflows.
/// @throws OutOfMemory when the allocation fails.
Tensor empty(const Shape& shape, TensorOptions options, const char* op);
/// A tensor of zeros.
/// @param shape the shape (sizes >= 0).
/// @param options dtype, device and requires_grad (default: Float32 on the CPU).
/// @return the tensor.
/// @throws ValueError when a size is negative or the byte count overflows.
/// @throws OutOfMemory when the allocation fails.
Tensor zeros(const Shape& shape, TensorOptions options = {});
/// A tensor of ones.
/// @param shape the shape (sizes >= 0).
/// @param options dtype, device and requires_grad (default: Float32 on the CPU).
/// @return the tensor.
/// @throws ValueError when a size is negative or the byte count overflows.
/// @throws OutOfMemory when the allocation fails.
Tensor ones(const Shape& shape, TensorOptions options = {});
/// A tensor filled with value.
/// @param shape the shape (sizes >= 0).
/// @param value the fill value.
/// @param options dtype, device and requires_grad (default: Float32 on the CPU).
/// @return the tensor.
/// @throws ValueError when a size is negative or the byte count overflows.
/// @throws OutOfMemory when the allocation fails.
Tensor full(const Shape& shape, Scalar value, TensorOptions options = {});
/// An uninitialized tensor of t's shape, dtype and device.
/// @param t the model tensor.
/// @return the tensor.
Tensor empty_like(const Tensor& t);
/// An uninitialized tensor of t's shape and device.
/// @param t the model tensor.
/// @param dtype the dtype.
/// @return the tensor.
Tensor empty_like(const Tensor& t, DType dtype);
/// Zeros of t's shape, dtype and device.
/// @param t the model tensor.
/// @return the tensor.
Tensor zeros_like(const Tensor& t);
/// Ones of t's shape, dtype and device.
/// @param t the model tensor.
/// @return the tensor.
Tensor ones_like(const Tensor& t);
/// value in t's shape, dtype and device.
/// @param t the model tensor.
/// @param value the fill value.
/// @return the tensor.
Tensor full_like(const Tensor& t, Scalar value);
/// A 0-dim tensor.
/// @param value the value.
/// @param dtype the dtype.
/// @param device the device (default the CPU).
/// @return the tensor.
Tensor scalar_tensor(Scalar value, DType dtype, Device device = kCPU);
/// The values start, start + step, ... below end (above, for a negative step).
/// @param start the first value.
/// @param end the bound, excluded.
/// @param step the step, non-zero (default 1).
/// @param dtype the dtype (default: Int64 for integer arguments, else Float32).
/// @return a 1-D tensor.
/// @throws ValueError when step is 0 or has the wrong sign.
Tensor arange(Scalar start, Scalar end, Scalar step = 1, std::optional<DType> dtype = std::nullopt);
/// 0, 1, ..., end - 1.
/// @param end the bound, excluded.
/// @return a 1-D tensor.
Tensor arange(Scalar end);
/// `steps` evenly spaced values from start to end, both included.
/// @param start the first value.
/// @param end the last value.
/// @param steps the number of values (>= 0).
/// @param dtype the dtype (default Float32).
/// @return a 1-D tensor.
/// @throws ValueError when steps < 0.
Tensor linspace(double start, double end, int64_t steps, DType dtype = DType::Float32);
/// The identity matrix.
/// @param n the rows.
/// @param m the columns (default -1: n).
/// @param dtype the dtype (default Float32).
/// @return (n, m), ones on the diagonal.
/// @throws ValueError for a negative size.
Tensor eye(int64_t n, int64_t m = -1, DType dtype = DType::Float32);
/// Uniform draws in [0, 1).
/// @param shape the shape (sizes >= 0).
/// @param options dtype, device and requires_grad (default: Float32 on the CPU).
/// @param gen the generator (default nullptr: the default generator).
/// @return the tensor.
/// @throws ValueError when a size is negative or the byte count overflows.
/// @throws OutOfMemory when the allocation fails.
Tensor rand(const Shape& shape, TensorOptions options = {}, Generator* gen = nullptr);
/// Standard normal draws.
/// @param shape the shape (sizes >= 0).
/// @param options dtype, device and requires_grad (default: Float32 on the CPU).
/// @param gen the generator (default nullptr: the default generator).
/// @return the tensor.
/// @throws ValueError when a size is negative or the byte count overflows.
/// @throws OutOfMemory when the allocation fails.
Tensor randn(const Shape& shape, TensorOptions options = {}, Generator* gen = nullptr);
/// Uniform integers in [low, high).
/// @param low the least value.
/// @param high the bound, excluded (> low).
/// @param shape the shape (sizes >= 0).
/// @param options dtype (default Int64), device, requires_grad.
/// @param gen the generator (default nullptr: the default generator).
/// @return the tensor.
/// @throws ValueError when high <= low.
Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options = DType::Int64,
               Generator* gen = nullptr);
/// Uniform draws in [0, 1) in t's shape, dtype and device.
/// @param t the model tensor.
/// @return the tensor.
Tensor rand_like(const Tensor& t);
/// Standard normal draws in t's shape, dtype and device.
/// @param t the model tensor.
/// @return the tensor.
Tensor randn_like(const Tensor& t);
/// A random permutation of 0..n-1 (int64).
/// @param n the size (>= 0).
/// @param gen the generator (default nullptr: the default generator).
/// @return (n), int64.
/// @throws ValueError when n < 0.
Tensor randperm(int64_t n, Generator* gen = nullptr);
/// In-place random fills (used by nn::init and dropout).
/// @param t the tensor filled with uniform draws in [low, high).
/// @param low the least value.
/// @param high the bound.
/// @param gen the generator (default nullptr: the default generator).
/// @return t.
Tensor& uniform_(Tensor& t, double low, double high, Generator* gen = nullptr);
/// Fills t with normal draws.
/// @param t the tensor filled.
/// @param mean the mean.
/// @param std the standard deviation (>= 0).
/// @param gen the generator (default nullptr: the default generator).
/// @return t.
/// @throws ValueError when std < 0.
Tensor& normal_(Tensor& t, double mean, double std, Generator* gen = nullptr);

/// Copies `values` into a new 1-D (then reshaped) tensor.
/// @tparam T the element type (float, double, int64_t, int32_t, uint8_t, bool).
/// @param values the elements, row major.
/// @param shape the shape (default: 1-D of values.size()).
/// @return the tensor.
/// @throws ValueError when the shape's numel differs from values.size().
template <typename T>
Tensor tensor(const std::vector<T>& values, const Shape& shape = {});
/// Wraps memory owned elsewhere; `deleter(context)` runs when the last view dies (may be null).
/// @param data the memory.
/// @param sizes the shape.
/// @param strides the strides, in elements.
/// @param dtype the element type.
/// @param device where the memory lives.
/// @param deleter called with context when the last view dies, or null.
/// @param context the deleter's argument.
/// @param nbytes the memory's size in bytes (the view must fit).
/// @return a tensor viewing the memory.
/// @throws ValueError when the view does not fit in nbytes.
Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, DType dtype, Device device,
                 Storage::Deleter deleter, void* context, size_t nbytes);

}  // namespace striate
