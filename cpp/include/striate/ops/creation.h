// Creating tensors: zeros/ones/full/empty, ranges, identity, random draws from the seeded
// generator, and wrapping existing memory.
//   auto x = striate::randn({8, 1, 28, 28});   auto y = striate::randint(0, 10, {8});
#pragma once
#include <vector>

#include "striate/core/random.h"
#include "striate/core/scalar.h"
#include "striate/core/tensor.h"

namespace striate {

struct TensorOptions {
  DType dtype = DType::Float32;
  Device device = kCPU;
  bool requires_grad = false;
  TensorOptions() = default;
  TensorOptions(DType d) : dtype(d) {}
  TensorOptions& set_dtype(DType d) {
    dtype = d;
    return *this;
  }
  TensorOptions& set_device(Device d) {
    device = d;
    return *this;
  }
  TensorOptions& set_requires_grad(bool r) {
    requires_grad = r;
    return *this;
  }
};

// The dtype and device of `t`: ops allocate their outputs where their inputs live.
inline TensorOptions options_of(const Tensor& t) { return TensorOptions(t.dtype()).set_device(t.device()); }

Tensor empty(const Shape& shape, TensorOptions options = {});
// empty() on behalf of `op`: sizes too large (ValueError) and failed allocations (MemoryError) name
// `op`, the sizes and the byte count, and are raised before anything is allocated.
Tensor empty(const Shape& shape, TensorOptions options, const char* op);
Tensor zeros(const Shape& shape, TensorOptions options = {});
Tensor ones(const Shape& shape, TensorOptions options = {});
Tensor full(const Shape& shape, Scalar value, TensorOptions options = {});
Tensor empty_like(const Tensor& t);
Tensor empty_like(const Tensor& t, DType dtype);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor full_like(const Tensor& t, Scalar value);
Tensor scalar_tensor(Scalar value, DType dtype, Device device = kCPU);
Tensor arange(Scalar start, Scalar end, Scalar step = 1, std::optional<DType> dtype = std::nullopt);
Tensor arange(Scalar end);
Tensor linspace(double start, double end, int64_t steps, DType dtype = DType::Float32);
Tensor eye(int64_t n, int64_t m = -1, DType dtype = DType::Float32);
Tensor rand(const Shape& shape, TensorOptions options = {}, Generator* gen = nullptr);
Tensor randn(const Shape& shape, TensorOptions options = {}, Generator* gen = nullptr);
Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options = DType::Int64,
               Generator* gen = nullptr);
Tensor rand_like(const Tensor& t);
Tensor randn_like(const Tensor& t);
// A random permutation of 0..n-1 (int64).
Tensor randperm(int64_t n, Generator* gen = nullptr);
// In-place random fills (used by nn::init and dropout).
Tensor& uniform_(Tensor& t, double low, double high, Generator* gen = nullptr);
Tensor& normal_(Tensor& t, double mean, double std, Generator* gen = nullptr);

// Copies `values` into a new 1-D (then reshaped) tensor.
template <typename T>
Tensor tensor(const std::vector<T>& values, const Shape& shape = {});
// Wraps memory owned elsewhere; `deleter(context)` runs when the last view dies (may be null).
Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, DType dtype, Device device,
                 Storage::Deleter deleter, void* context, size_t nbytes);

}  // namespace striate
