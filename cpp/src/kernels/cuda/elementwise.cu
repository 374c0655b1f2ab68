// The elementwise kernels on CUDA: binary arithmetic, comparisons, unary math (with clamp's bounds),
// copies with dtype casts, where and fill, over strided operands of one shape (broadcast dimensions
// have stride 0; ops expanded and cast them first). One thread per output element, grid-stride;
// offsets from the output's linear index (strided.cuh). Products and sums round separately, as the
// CPU's (no fused multiply-add contraction), so a + alpha * b gives the CPU's bits.
#include <type_traits>

#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/strided.cuh"
#include "kernels/elementwise.h"

namespace striate::kernels::cuda {
namespace {

template <int N>
StridedLayout<N> layout_of(const Tensor* const (&operands)[N]) {
  const Tensor& out = *operands[0];
  const int64_t* strides[N];
  for (int k = 0; k < N; ++k) strides[k] = operands[k]->strides().data();
  return make_strided_layout<N>(out.dim(), out.sizes().data(), strides);
}

// Rounded separately (nvcc would otherwise contract x + a * y into one fma).
__device__ inline float mul_rn(float x, float y) { return __fmul_rn(x, y); }
__device__ inline double mul_rn(double x, double y) { return __dmul_rn(x, y); }
template <typename T>
__device__ inline T mul_rn(T x, T y) {
  return static_cast<T>(x * y);
}

// ---- the strided loops ---------------------------------------------------------------------------

template <typename Out, typename In, typename F>
__global__ void unary_kernel(Out* out, const In* in, StridedLayout<2> layout, int64_t n, F f) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    int64_t at[2];
    layout.offsets(i, at);
    out[at[0]] = f(in[at[1]]);
  }
}

template <typename Out, typename In, typename F>
__global__ void binary_kernel(Out* out, const In* a, const In* b, StridedLayout<3> layout, int64_t n, F f) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    int64_t at[3];
    layout.offsets(i, at);
    out[at[0]] = f(a[at[1]], b[at[2]]);
  }
}

template <typename T>
__global__ void where_kernel(T* out, const bool* condition, const T* a, const T* b, StridedLayout<4> layout,
                             int64_t n) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    int64_t at[4];
    layout.offsets(i, at);
    out[at[0]] = condition[at[1]] ? a[at[2]] : b[at[3]];
  }
}

template <typename T>
__global__ void fill_kernel(T* out, T value, StridedLayout<1> layout, int64_t n) {
  for (int64_t i = grid_index(); i < n; i += grid_step()) {
    int64_t at[1];
    layout.offsets(i, at);
    out[at[0]] = value;
  }
}

template <typename Out, typename In, typename F>
void launch_unary(const Tensor& out, const Tensor& in, F f, const char* name) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const Tensor* operands[2] = {&out, &in};
  unary_kernel<<<blocks_for(n), kThreads, 0, stream(out.device().index)>>>(out.data<Out>(), in.data<In>(),
                                                                           layout_of(operands), n, f);
  backend::cuda_check_launch(name);
}

template <typename Out, typename In, typename F>
void launch_binary(const Tensor& out, const Tensor& a, const Tensor& b, F f, const char* name) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const Tensor* operands[3] = {&out, &a, &b};
  binary_kernel<<<blocks_for(n), kThreads, 0, stream(out.device().index)>>>(out.data<Out>(), a.data<In>(), b.data<In>(),
                                                                            layout_of(operands), n, f);
  backend::cuda_check_launch(name);
}

// ---- binary arithmetic ---------------------------------------------------------------------------

template <typename T>
struct AddOp {
  T alpha;
  bool unit;
  __device__ T operator()(T x, T y) const {
    return unit ? static_cast<T>(x + y) : static_cast<T>(x + mul_rn(alpha, y));
  }
};
template <typename T>
struct SubOp {
  T alpha;
  __device__ T operator()(T x, T y) const { return static_cast<T>(x - mul_rn(alpha, y)); }
};
template <typename T>
struct MulOp {
  __device__ T operator()(T x, T y) const { return mul_rn(x, y); }
};
template <typename T>
struct DivOp {
  __device__ T operator()(T x, T y) const {
    if constexpr (std::is_integral_v<T>) {
      return y == 0 ? T(0) : static_cast<T>(x / y);
    } else {
      return x / y;
    }
  }
};
template <typename T>
struct PowOp {
  __device__ T operator()(T x, T y) const {
    if constexpr (std::is_same_v<T, float>) {
      return powf(x, y);
    } else {
      return static_cast<T>(pow(static_cast<double>(x), static_cast<double>(y)));
    }
  }
};
template <typename T>
struct MaximumOp {  // NaN propagates
  __device__ T operator()(T x, T y) const { return (x != x || x > y) ? x : y; }
};
template <typename T>
struct MinimumOp {
  __device__ T operator()(T x, T y) const { return (x != x || x < y) ? x : y; }
};
struct BoolOrOp {
  __device__ bool operator()(bool x, bool y) const { return x || y; }
};
struct BoolAndOp {
  __device__ bool operator()(bool x, bool y) const { return x && y; }
};

void binary(const Tensor& out, const Tensor& a, const Tensor& b, BinaryOp op, Scalar alpha) {
  const char* name = kernels::binary(op).name();
  if (out.dtype() == DType::Bool) {
    STRIATE_CHECK_TYPE(op == BinaryOp::Add || op == BinaryOp::Mul || op == BinaryOp::Maximum || op == BinaryOp::Minimum,
                       name, ": not supported for bool tensors");
    if (op == BinaryOp::Add || op == BinaryOp::Maximum)
      launch_binary<bool, bool>(out, a, b, BoolOrOp{}, name);
    else
      launch_binary<bool, bool>(out, a, b, BoolAndOp{}, name);
    return;
  }
  STRIATE_DISPATCH_NUMERIC(out.dtype(), name, [&] {
    using T = scalar_t;
    const T al = alpha.to<T>();
    switch (op) {
      case BinaryOp::Add: launch_binary<T, T>(out, a, b, AddOp<T>{al, alpha.to_double() == 1.0}, name); break;
      case BinaryOp::Sub: launch_binary<T, T>(out, a, b, SubOp<T>{al}, name); break;
      case BinaryOp::Mul: launch_binary<T, T>(out, a, b, MulOp<T>{}, name); break;
      case BinaryOp::Div: launch_binary<T, T>(out, a, b, DivOp<T>{}, name); break;
      case BinaryOp::Pow: launch_binary<T, T>(out, a, b, PowOp<T>{}, name); break;
      case BinaryOp::Maximum: launch_binary<T, T>(out, a, b, MaximumOp<T>{}, name); break;
      case BinaryOp::Minimum: launch_binary<T, T>(out, a, b, MinimumOp<T>{}, name); break;
    }
  });
}

// ---- comparisons ---------------------------------------------------------------------------------

template <typename T>
struct CompareFn {
  CompareOp op;
  __device__ bool operator()(T x, T y) const {
    switch (op) {
      case CompareOp::Eq: return x == y;
      case CompareOp::Ne: return x != y;
      case CompareOp::Lt: return x < y;
      case CompareOp::Le: return x <= y;
      case CompareOp::Gt: return x > y;
      case CompareOp::Ge: return x >= y;
      case CompareOp::And: return static_cast<bool>(x) && static_cast<bool>(y);
      case CompareOp::Or: return static_cast<bool>(x) || static_cast<bool>(y);
    }
    return false;
  }
};

void compare(const Tensor& out, const Tensor& a, const Tensor& b, CompareOp op) {
  STRIATE_DISPATCH_ALL(a.dtype(), "compare",
                       [&] { launch_binary<bool, scalar_t>(out, a, b, CompareFn<scalar_t>{op}, "compare"); });
}

// ---- unary math ----------------------------------------------------------------------------------

// Integers go through double, as std::exp(int) does on the CPU.
template <typename T>
using MathType = std::conditional_t<std::is_same_v<T, float>, float, double>;

// v < 0, without the "always false" comparison for unsigned types.
template <typename T>
__device__ inline bool is_negative(T v) {
  if constexpr (std::is_unsigned_v<T>) {
    return false;
  } else {
    return v < T(0);
  }
}

template <typename T>
struct UnaryFn {
  UnaryOp op;
  bool has_low, has_high;
  T low, high;
  __device__ T operator()(T v) const {
    using M = MathType<T>;
    switch (op) {
      case UnaryOp::Neg: return static_cast<T>(-v);
      case UnaryOp::Abs: return is_negative(v) ? static_cast<T>(-v) : v;
      case UnaryOp::Exp: return static_cast<T>(exp(static_cast<M>(v)));
      case UnaryOp::Log: return static_cast<T>(log(static_cast<M>(v)));
      case UnaryOp::Sqrt: return static_cast<T>(sqrt(static_cast<M>(v)));
      case UnaryOp::Sign: return static_cast<T>((T(0) < v) - is_negative(v));
      case UnaryOp::Clamp:
        if (v != v) return v;  // NaN passes through
        if (has_low && v < low) v = low;
        if (has_high && v > high) v = high;
        return v;
    }
    return v;
  }
};

struct BoolIdentity {
  __device__ bool operator()(bool v) const { return v; }
};

void unary(const Tensor& out, const Tensor& in, UnaryOp op, std::optional<Scalar> low, std::optional<Scalar> high) {
  if (out.dtype() == DType::Bool) {
    launch_unary<bool, bool>(out, in, BoolIdentity{}, "unary");
    return;
  }
  STRIATE_DISPATCH_NUMERIC(out.dtype(), "unary", [&] {
    using T = scalar_t;
    const UnaryFn<T> f{op, low.has_value(), high.has_value(), low ? low->to<T>() : T(0), high ? high->to<T>() : T(0)};
    launch_unary<T, T>(out, in, f, "unary");
  });
}

// ---- copy with a cast, where, fill ---------------------------------------------------------------

template <typename Out, typename In>
struct CastFn {
  __device__ Out operator()(In v) const { return convert<Out>(v); }
};

void copy(const Tensor& dst, const Tensor& src) {
  STRIATE_DISPATCH_ALL_AND_REDUCED(dst.dtype(), "copy_", [&] {
    using Out = scalar_t;
    STRIATE_DISPATCH_ALL_AND_REDUCED(src.dtype(), "copy_",
                                     [&] { launch_unary<Out, scalar_t>(dst, src, CastFn<Out, scalar_t>{}, "copy_"); });
  });
}

void where(const Tensor& out, const Tensor& condition, const Tensor& a, const Tensor& b) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const Tensor* operands[4] = {&out, &condition, &a, &b};
  const StridedLayout<4> layout = layout_of(operands);
  STRIATE_DISPATCH_ALL_AND_REDUCED(out.dtype(), "where", [&] {
    where_kernel<scalar_t><<<blocks_for(n), kThreads, 0, stream(out.device().index)>>>(
        out.data<scalar_t>(), condition.data<bool>(), a.data<scalar_t>(), b.data<scalar_t>(), layout, n);
  });
  backend::cuda_check_launch("where");
}

// Writes only: the destination's old bytes are never read.
void fill(const Tensor& dst, Scalar value) {
  const int64_t n = dst.numel();
  if (n == 0) return;
  const Tensor* operands[1] = {&dst};
  const StridedLayout<1> layout = layout_of(operands);
  STRIATE_DISPATCH_ALL_AND_REDUCED(dst.dtype(), "fill_", [&] {
    fill_kernel<scalar_t><<<blocks_for(n), kThreads, 0, stream(dst.device().index)>>>(dst.data<scalar_t>(),
                                                                                      value.to<scalar_t>(), layout, n);
  });
  backend::cuda_check_launch("fill_");
}

}  // namespace

// One implementation serves every binary op's kernel object.
[[maybe_unused]] static const bool binary_implemented = [] {
  for (BinaryOp op : {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::Pow, BinaryOp::Maximum,
                      BinaryOp::Minimum})
    kernels::binary(op).implement(DeviceType::CUDA, &binary);
  return true;
}();
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, compare);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, unary);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, copy);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, where);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, fill);

}  // namespace striate::kernels::cuda
