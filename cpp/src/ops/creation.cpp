// Creating tensors: allocation, constant fills, ranges, identity, random draws, wrapping memory.
#include "striate/ops/creation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/cpu/loops.h"
#include "kernels/random.h"
#include "striate/autograd.h"
#include "striate/ops/elementwise.h"

namespace striate {
namespace {

void check_shape(const Shape& shape, const char* op) {
  for (int i = 0; i < shape.size(); ++i)
    STRIATE_CHECK_SHAPE(shape[i] >= 0, op, ": size must be non-negative, got ", shape[i], " at dim ", i, " of ", shape);
}

// A new contiguous tensor for `op`: sizes, strides and the byte count are checked for overflow
// (ValueError) before the allocation, and a failed allocation names the op, the bytes and the shape
// (MemoryError).
Tensor allocate(const Shape& shape, const TensorOptions& options, const char* op) {
  check_shape(shape, op);
  Shape strides = contiguous_strides(shape, op);
  size_t nbytes = checked_nbytes(shape.numel(op), element_size(options.dtype), op);
  std::shared_ptr<Storage> storage;
  try {
    storage = Storage::allocate(nbytes, options.device);
  } catch (const OutOfMemory& error) {
    throw OutOfMemory(detail::str(op, ": ", error.what(), " (a ", options.dtype, " tensor of sizes ", shape, ")"));
  }
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), shape, strides, 0, options.dtype));
}

Tensor finish(Tensor t, const TensorOptions& options) {
  if (options.requires_grad) t.requires_grad_(true);
  return t;
}

// A tensor of `shape` on the options' device, every element drawn by that device's random_draw
// kernel (the CPU: in order from `generator`, as always; CUDA: Philox, see kernels/random.h).
Tensor random_draw(const Shape& shape, TensorOptions options, const char* op, kernels::RandomDistribution distribution,
                   Generator& generator) {
  STRIATE_CHECK_TYPE(is_floating(options.dtype), op, ": expected a floating-point dtype, got ", options.dtype);
  Tensor t = allocate(shape, TensorOptions(options.dtype).set_device(options.device), op);
  kernels::random_draw(options.device, t, kernels::RandomDraw{distribution}, generator);
  return finish(t, options);
}

}  // namespace

Tensor empty(const Shape& shape, TensorOptions options) { return empty(shape, options, "empty"); }
Tensor empty(const Shape& shape, TensorOptions options, const char* op) {
  return finish(allocate(shape, options, op), options);
}

namespace {
Tensor filled(const Shape& shape, Scalar value, const TensorOptions& options, const char* op) {
  Tensor t = allocate(shape, options, op);
  fill_(t, value);
  return finish(t, options);
}
}  // namespace

Tensor full(const Shape& shape, Scalar value, TensorOptions options) { return filled(shape, value, options, "full"); }
Tensor zeros(const Shape& shape, TensorOptions options) { return filled(shape, 0, options, "zeros"); }
Tensor ones(const Shape& shape, TensorOptions options) { return filled(shape, 1, options, "ones"); }

Tensor empty_like(const Tensor& t) { return empty(t.sizes(), TensorOptions(t.dtype()).set_device(t.device())); }
Tensor empty_like(const Tensor& t, DType dtype) {
  return empty(t.sizes(), TensorOptions(dtype).set_device(t.device()));
}
Tensor zeros_like(const Tensor& t) { return zeros(t.sizes(), TensorOptions(t.dtype()).set_device(t.device())); }
Tensor ones_like(const Tensor& t) { return ones(t.sizes(), TensorOptions(t.dtype()).set_device(t.device())); }
Tensor full_like(const Tensor& t, Scalar value) {
  return full(t.sizes(), value, TensorOptions(t.dtype()).set_device(t.device()));
}

Tensor scalar_tensor(Scalar value, DType dtype, Device device) {
  return full({}, value, TensorOptions(dtype).set_device(device));
}

Tensor arange(Scalar start, Scalar end, Scalar step, std::optional<DType> dtype) {
  STRIATE_CHECK(std::isfinite(start.to_double()) && std::isfinite(end.to_double()) && std::isfinite(step.to_double()),
                "arange: unsupported range: start=", start.to_double(), ", end=", end.to_double(),
                ", step=", step.to_double(), " (expected finite numbers)");
  STRIATE_CHECK(step.to_double() != 0.0, "arange: step must be nonzero");
  double span = end.to_double() - start.to_double();
  STRIATE_CHECK((span >= 0) == (step.to_double() > 0) || span == 0,
                "arange: upper bound and larger bound inconsistent with step sign (start=", start.to_double(),
                ", end=", end.to_double(), ", step=", step.to_double(), ")");
  bool any_float = start.is_floating() || end.is_floating() || step.is_floating();
  DType out_dtype = dtype.value_or(any_float ? DType::Float32 : DType::Int64);
  double count = std::ceil(span / step.to_double());
  // 2^63 is exact in a double; a count at or past it has no int64 value.
  STRIATE_CHECK(count < 9223372036854775808.0, "arange: size too large: start=", start.to_double(),
                ", end=", end.to_double(), ", step=", step.to_double(), " give ", count, " elements");
  int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  Tensor t = allocate({n}, TensorOptions(out_dtype), "arange");
  STRIATE_DISPATCH_NUMERIC(out_dtype, "arange", [&] {
    auto* p = t.data<scalar_t>();
    for (int64_t i = 0; i < n; ++i) {
      if (any_float || std::is_floating_point_v<scalar_t>)
        p[i] = static_cast<scalar_t>(start.to_double() + static_cast<double>(i) * step.to_double());
      else  // unsigned: i * step may pass int64 on the way to a value that fits
        p[i] = static_cast<scalar_t>(static_cast<int64_t>(
            static_cast<uint64_t>(start.to_int()) + static_cast<uint64_t>(i) * static_cast<uint64_t>(step.to_int())));
    }
  });
  return t;
}

Tensor arange(Scalar end) { return arange(Scalar(int64_t(0)), end, Scalar(int64_t(1))); }

Tensor linspace(double start, double end, int64_t steps, DType dtype) {
  STRIATE_CHECK(steps >= 0, "linspace: number of steps must be non-negative, got ", steps);
  Tensor t = allocate({steps}, TensorOptions(dtype), "linspace");
  STRIATE_DISPATCH_NUMERIC(dtype, "linspace", [&] {
    auto* p = t.data<scalar_t>();
    double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
    // Symmetric evaluation as PyTorch: the second half counts back from `end` (one step: `start`).
    int64_t half = steps == 1 ? 1 : steps / 2;
    for (int64_t i = 0; i < steps; ++i)
      p[i] = static_cast<scalar_t>(i < half ? start + step * static_cast<double>(i)
                                            : end - step * static_cast<double>(steps - 1 - i));
  });
  return t;
}

Tensor eye(int64_t n, int64_t m, DType dtype) {
  if (m < 0) m = n;
  STRIATE_CHECK(n >= 0, "eye: n must be non-negative, got ", n);
  Tensor t = filled({n, m}, 0, TensorOptions(dtype), "eye");
  STRIATE_DISPATCH_ALL(dtype, "eye", [&] {
    auto* p = t.data<scalar_t>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = static_cast<scalar_t>(1);
  });
  return t;
}

Tensor rand(const Shape& shape, TensorOptions options, Generator* gen) {
  Generator& g = gen ? *gen : default_generator();
  return random_draw(shape, options, "rand", kernels::RandomDistribution::Uniform, g);
}

Tensor randn(const Shape& shape, TensorOptions options, Generator* gen) {
  Generator& g = gen ? *gen : default_generator();
  return random_draw(shape, options, "randn", kernels::RandomDistribution::Normal, g);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options, Generator* gen) {
  STRIATE_CHECK(high > low, "randint: expected low < high, got low=", low, ", high=", high);
  Generator& g = gen ? *gen : default_generator();
  Tensor t = allocate(shape, TensorOptions(options.dtype), "randint");
  std::uniform_int_distribution<int64_t> dist(low, high - 1);
  STRIATE_DISPATCH_NUMERIC(options.dtype, "randint", [&] {
    auto* p = t.data<scalar_t>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<scalar_t>(dist(g.engine()));
  });
  // Integers are drawn on the CPU (the same values whatever the device), then moved.
  return options.device.is_cpu() ? t : t.to(options.device);
}

Tensor rand_like(const Tensor& t) { return rand(t.sizes(), TensorOptions(t.dtype()).set_device(t.device())); }
Tensor randn_like(const Tensor& t) { return randn(t.sizes(), TensorOptions(t.dtype()).set_device(t.device())); }

Tensor randperm(int64_t n, Generator* gen) {
  STRIATE_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  Generator& g = gen ? *gen : default_generator();
  Tensor t = allocate({n}, TensorOptions(DType::Int64), "randperm");
  auto* p = t.data<int64_t>();
  std::iota(p, p + n, int64_t(0));
  // Fisher-Yates with our own draws, so the permutation depends only on the seed.
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = std::uniform_int_distribution<int64_t>(0, i)(g.engine());
    std::swap(p[i], p[j]);
  }
  return t;
}

Tensor& uniform_(Tensor& t, double low, double high, Generator* gen) {
  STRIATE_CHECK(low <= high, "uniform_: expected low <= high, got low=", low, ", high=", high);
  Generator& g = gen ? *gen : default_generator();
  NoGradGuard no_grad;
  Tensor values = rand(t.sizes(), TensorOptions(t.dtype()).set_device(t.device()), &g);
  copy_(t, add(mul(values, high - low), low));
  return t;
}

Tensor& normal_(Tensor& t, double mean, double std, Generator* gen) {
  STRIATE_CHECK(std >= 0, "normal_: expected std >= 0, got ", std);
  Generator& g = gen ? *gen : default_generator();
  NoGradGuard no_grad;
  Tensor values = randn(t.sizes(), TensorOptions(t.dtype()).set_device(t.device()), &g);
  copy_(t, add(mul(values, std), mean));
  return t;
}

template <typename T>
Tensor tensor(const std::vector<T>& values, const Shape& shape) {
  Shape s = shape.empty() ? Shape{static_cast<int64_t>(values.size())} : shape;
  STRIATE_CHECK_SHAPE(s.numel() == static_cast<int64_t>(values.size()), "tensor: ", values.size(),
                      " values do not fill shape ", s);
  Tensor t = empty(s, TensorOptions(dtype_of<T>::value));
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}
template Tensor tensor<float>(const std::vector<float>&, const Shape&);
template Tensor tensor<double>(const std::vector<double>&, const Shape&);
template Tensor tensor<int64_t>(const std::vector<int64_t>&, const Shape&);
template Tensor tensor<uint8_t>(const std::vector<uint8_t>&, const Shape&);

Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, DType dtype, Device device,
                 Storage::Deleter deleter, void* context, size_t nbytes) {
  auto storage = std::make_shared<Storage>(data, nbytes, device, deleter, context);
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), sizes, strides, 0, dtype));
}

}  // namespace striate
