// Reductions: sum, mean, var, std, max/min (over everything or along a dim), argmax/argmin, and
// their backward nodes. Each op lays its input out as (outer, R, inner) and calls kernels/reduce.h.
#include "striate/ops/reduce.h"

#include <type_traits>

#include "kernels/index.h"
#include "kernels/reduce.h"
#include "ops/dispatch.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/shape_ops.h"

namespace striate {
namespace {

// Which dims a reduction removes: `dims` wrapped (negative counts from the end), an empty list
// meaning every dim, as PyTorch.
std::vector<bool> reduced_dims(const Tensor& x, const std::vector<int64_t>& dims, const char* op) {
  std::vector<bool> reduced(x.dim(), dims.empty());
  for (int64_t dim : dims) {
    const int d = wrap_dim(dim, x.dim(), op);
    if (x.dim() == 0) continue;  // dim 0 / -1 of a 0-d tensor is the tensor itself
    STRIATE_CHECK(!reduced[d], op, ": dim ", d, " appears multiple times in the list of dims");
    reduced[d] = true;
  }
  return reduced;
}

std::vector<int64_t> reduced_dim_list(const std::vector<bool>& reduced) {
  std::vector<int64_t> dims;
  for (size_t d = 0; d < reduced.size(); ++d)
    if (reduced[d]) dims.push_back(static_cast<int64_t>(d));
  return dims;
}

// The output shape of a reduction (a pure function of the input shape).
Shape reduced_shape(const Shape& sizes, const std::vector<bool>& reduced, bool keepdim) {
  Shape out;
  for (int d = 0; d < sizes.size(); ++d) {
    if (!reduced[d]) {
      out.push_back(sizes[d]);
    } else if (keepdim) {
      out.push_back(1);
    }
  }
  return out;
}

// a * b over the sizes of one tensor: 0 absorbs and an overflow saturates. The dims of an empty
// tensor can multiply past int64 before its zero dim (an expanded (2^62, 2^62, 0) view: UBSan,
// found by the atheris shape harness); its counts are then 0 or never used.
int64_t size_product(int64_t a, int64_t b) {
  if (a == 0 || b == 0) return 0;
  int64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? INT64_MAX : out;
}

int64_t reduced_count(const Shape& sizes, const std::vector<bool>& reduced) {
  int64_t count = 1;
  for (int d = 0; d < sizes.size(); ++d)
    if (reduced[d]) count = size_product(count, sizes[d]);
  return count;
}

// The input as a contiguous (outer, R, inner) block whose (outer, inner) order is the output's.
struct ReducePlan {
  Tensor data;
  int64_t outer = 1;
  int64_t R = 1;
  int64_t inner = 1;
};

ReducePlan plan_reduction(const Tensor& x, const std::vector<bool>& reduced) {
  const Shape& sizes = x.sizes();
  ReducePlan plan;
  if (x.is_contiguous()) {
    // Read in place when the reduced dims (ignoring extent-1 dims) form one run.
    enum { kBefore, kInRun, kAfter } state = kBefore;
    bool one_run = true;
    for (int d = 0; d < sizes.size(); ++d) {
      if (sizes[d] == 1) continue;
      if (reduced[d]) {
        if (state == kAfter) one_run = false;
        state = kInRun;
      } else if (state == kInRun) {
        state = kAfter;
      }
    }
    if (one_run) {
      plan.data = x;
      bool seen_reduced = false;
      for (int d = 0; d < sizes.size(); ++d) {
        if (reduced[d] && sizes[d] != 1) seen_reduced = true;
        if (reduced[d]) {
          plan.R = size_product(plan.R, sizes[d]);
        } else if (seen_reduced) {
          plan.inner = size_product(plan.inner, sizes[d]);
        } else {
          plan.outer = size_product(plan.outer, sizes[d]);
        }
      }
      return plan;
    }
  }
  std::vector<int64_t> order;
  for (int d = 0; d < sizes.size(); ++d) {
    if (!reduced[d]) {
      order.push_back(d);
      plan.outer = size_product(plan.outer, sizes[d]);
    }
  }
  for (int d = 0; d < sizes.size(); ++d) {
    if (reduced[d]) {
      order.push_back(d);
      plan.R = size_product(plan.R, sizes[d]);
    }
  }
  plan.data = x.permute(order).contiguous();
  return plan;
}

// Sum, or mean when `average`, with no autograd; integers and bool sum to int64.
Tensor sum_forward(const Tensor& x, const std::vector<bool>& reduced, bool keepdim, bool average, const char* op) {
  ReducePlan plan = plan_reduction(x, reduced);
  const DType out_dtype = x.is_floating_point() ? x.dtype() : DType::Int64;
  Tensor out = empty(reduced_shape(x.sizes(), reduced, keepdim), TensorOptions(out_dtype).set_device(x.device()));
  const double scale = average ? 1.0 / static_cast<double>(plan.R) : 1.0;
  STRIATE_DISPATCH_ALL(x.dtype(), op, [&] {
    using out_t = std::conditional_t<std::is_floating_point_v<scalar_t>, scalar_t, int64_t>;
    STRIATE_PROFILE_BYTES(plan.data.numel() * sizeof(scalar_t) + out.numel() * sizeof(out_t));
    kernels::sum_reduce<scalar_t, out_t>(out.device(), out.data<out_t>(), plan.data.data<scalar_t>(), plan.outer,
                                         plan.R, plan.inner, scale);
  });
  return out;
}

// Broadcasts the gradient of a reduction back over the dims it removed.
Tensor expand_reduced_grad(const Tensor& grad, const Shape& input_shape, const std::vector<bool>& reduced,
                           bool keepdim) {
  Tensor g = grad;
  if (!keepdim)
    for (int d = 0; d < input_shape.size(); ++d)
      if (reduced[d]) g = g.unsqueeze(d);
  return g.expand(input_shape);
}

}  // namespace

// ---- sum / mean ---------------------------------------------------------------------

namespace {

struct SumBackward : autograd::Node {
  Shape input_shape;
  std::vector<bool> reduced;
  bool keepdim = false;
  int64_t count = 1;  // divides the gradient for mean
  bool average = false;
  bool all_dims = false;  // torch: SumBackward0 over every dim, SumBackward1 over given dims
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor g = average ? div(grads[0], Scalar(static_cast<double>(count))) : grads[0];
    return {expand_reduced_grad(g, input_shape, reduced, keepdim)};
  }
  std::string name() const override { return average ? "MeanBackward" : "SumBackward"; }
  std::string torch_name() const override { return name() + (all_dims ? "0" : "1"); }
};

Tensor sum_or_mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, bool average) {
  const char* op = average ? "mean" : "sum";
  dispatch::device_of(op, x);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), sum_or_mean, x, dims, keepdim, average);
  if (average) {
    STRIATE_CHECK_TYPE(x.is_floating_point(), "mean: expected a floating-point input (float32 or float64), got ",
                       x.dtype(), "; convert it first, e.g. x.to(float32)");
  }
  std::vector<bool> reduced = reduced_dims(x, dims, op);
  Tensor y = sum_forward(x, reduced, keepdim, average, op);
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<SumBackward>();
    node->input_shape = x.sizes();
    node->reduced = reduced;
    node->keepdim = keepdim;
    node->count = reduced_count(x.sizes(), reduced);
    node->average = average;
    node->all_dims = dims.empty();
    autograd::record(node, {&x}, y);
  }
  return y;
}
}  // namespace

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return sum_or_mean(x, dims, keepdim, false);
}

Tensor sum(const Tensor& x, std::optional<DType> dtype) {
  return sum_or_mean(dtype ? to_dtype(x, *dtype) : x, std::vector<int64_t>{}, false, false);
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return sum_or_mean(x, dims, keepdim, true);
}

Tensor mean(const Tensor& x) { return sum_or_mean(x, std::vector<int64_t>{}, false, true); }

// ---- var / std ------------------------------------------------------------------------

namespace {

// var: dx = grad * 2 (x - mean) / (n - correction); std: the same with grad / (2 std).
struct VarianceBackward : autograd::Node {
  autograd::SavedTensor input;
  autograd::SavedTensor result;  // std only
  std::vector<bool> reduced;
  bool keepdim = false;
  int64_t count = 1;
  int64_t correction = 1;
  bool take_sqrt = false;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack(name().c_str());
    Tensor g = grads[0];
    if (take_sqrt) {
      // Where std is 0 the derivative is taken as 0 (PyTorch's choice), not inf * 0.
      Tensor y = result.unpack(name().c_str());
      g = masked_fill(div(g, mul(y, Scalar(2.0))), eq(y, Scalar(0)), 0);
    }
    // Unclamped, unlike the forward's max(0, n - correction): PyTorch's gradient is -0, not NaN,
    // when the correction exceeds the count.
    const double denominator = static_cast<double>(count - correction);
    Tensor centered = sub(x, mean(x, reduced_dim_list(reduced), /*keepdim=*/true));
    Tensor scaled = mul(expand_reduced_grad(g, x.sizes(), reduced, keepdim), Scalar(2.0 / denominator));
    return {mul(scaled, centered)};
  }
  std::string name() const override { return take_sqrt ? "StdBackward" : "VarBackward"; }
  void release_saved() override {
    input.reset();
    result.reset();
  }
};

Tensor variance(const Tensor& x, const std::vector<int64_t>& dims, int64_t correction, bool keepdim, bool take_sqrt) {
  const char* op = take_sqrt ? "std" : "var";
  dispatch::device_of(op, x);
  STRIATE_CHECK_TYPE(x.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     x.dtype());
  STRIATE_CHECK(correction >= 0, op, ": expected a non-negative correction, got ", correction);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), variance, x, dims, correction, keepdim, take_sqrt);
  std::vector<bool> reduced = reduced_dims(x, dims, op);
  ReducePlan plan = plan_reduction(x, reduced);
  Tensor y = empty(reduced_shape(x.sizes(), reduced, keepdim), options_of(x));
  STRIATE_DISPATCH_FLOATING(x.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES((plan.data.numel() + y.numel()) * sizeof(scalar_t));
    kernels::var_reduce<scalar_t>(y.device(), y.data<scalar_t>(), plan.data.data<scalar_t>(), plan.outer, plan.R,
                                  plan.inner, correction, take_sqrt);
  });
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<VarianceBackward>();
    node->input = autograd::SavedTensor(x);
    if (take_sqrt) node->result = autograd::SavedTensor(y);
    node->reduced = reduced;
    node->keepdim = keepdim;
    node->count = reduced_count(x.sizes(), reduced);
    node->correction = correction;
    node->take_sqrt = take_sqrt;
    autograd::record(node, {&x}, y);
  }
  return y;
}
}  // namespace

Tensor var(const Tensor& x, const std::vector<int64_t>& dims, int64_t correction, bool keepdim) {
  return variance(x, dims, correction, keepdim, false);
}

Tensor std(const Tensor& x, const std::vector<int64_t>& dims, int64_t correction, bool keepdim) {
  return variance(x, dims, correction, keepdim, true);
}

// ---- max / min over everything ------------------------------------------------------------

namespace {

// The gradient goes to every position holding the extreme value, split evenly (PyTorch's rule).
struct ExtremeAllBackward : autograd::Node {
  autograd::SavedTensor input;
  autograd::SavedTensor result;
  bool is_max = true;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack(name().c_str());
    Tensor ties = eq(x, result.unpack(name().c_str())).to(x.dtype());
    return {mul(ties, div(grads[0], sum(ties)))};
  }
  std::string name() const override { return is_max ? "MaxBackward" : "MinBackward"; }
  std::string torch_name() const override { return name() + "1"; }  // torch: max() over all
  void release_saved() override {
    input.reset();
    result.reset();
  }
};

// Values and int64 indices along the reduced dims, without autograd.
std::tuple<Tensor, Tensor> extreme_forward(const Tensor& x, const std::vector<bool>& reduced, bool keepdim, bool is_max,
                                           const char* op) {
  ReducePlan plan = plan_reduction(x, reduced);
  Shape out_shape = reduced_shape(x.sizes(), reduced, keepdim);
  Tensor values = empty(out_shape, options_of(x));
  Tensor indices = empty(out_shape, TensorOptions(DType::Int64).set_device(x.device()));
  if (values.numel() == 0) return {values, indices};
  STRIATE_DISPATCH_ALL(x.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES((plan.data.numel() + values.numel()) * sizeof(scalar_t) + indices.numel() * sizeof(int64_t));
    kernels::extreme_reduce<scalar_t>(values.device(), values.data<scalar_t>(), indices.data<int64_t>(),
                                      plan.data.data<scalar_t>(), plan.outer, plan.R, plan.inner, is_max);
  });
  return {values, indices};
}

Tensor extreme_all(const Tensor& x, bool is_max) {
  const char* op = is_max ? "max" : "min";
  dispatch::device_of(op, x);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), extreme_all, x, is_max);
  STRIATE_CHECK(x.numel() > 0, op,
                ": expected a non-empty tensor when no dim is given (the reduction has no "
                "identity), got shape ",
                x.sizes());
  Tensor values = std::get<0>(extreme_forward(x, std::vector<bool>(x.dim(), true), false, is_max, op));
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<ExtremeAllBackward>();
    node->input = autograd::SavedTensor(x);
    node->result = autograd::SavedTensor(values);
    node->is_max = is_max;
    autograd::record(node, {&x}, values);
  }
  return values;
}
}  // namespace

Tensor max(const Tensor& x) { return extreme_all(x, true); }
Tensor min(const Tensor& x) { return extreme_all(x, false); }

// ---- max / min along a dim ------------------------------------------------------------------

namespace {

// Routes each output gradient to the input position its index names.
struct ExtremeDimBackward : autograd::Node {
  autograd::SavedTensor indices;
  Shape input_shape;
  DType dtype = DType::Float32;
  int dim = 0;
  bool keepdim = false;
  bool is_max = true;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor g = grads[0];
    Tensor index = indices.unpack(name().c_str());
    if (input_shape.size() == 0) return {g.clone()};
    if (!keepdim) {
      g = g.unsqueeze(dim);
      index = index.unsqueeze(dim);
    }
    g = g.contiguous();
    index = index.contiguous();
    Tensor dx = zeros(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    Shape dx_strides = contiguous_strides(input_shape);
    kernels::GatherGeometry geometry{input_shape.size(), dim, input_shape[dim], index.sizes().data(),
                                     dx_strides.data()};
    STRIATE_DISPATCH_FLOATING(dtype, name().c_str(), [&] {
      kernels::scatter_add<scalar_t>(dx.device(), dx.data<scalar_t>(), g.data<scalar_t>(), index.data<int64_t>(),
                                     geometry);
    });
    return {dx};
  }
  std::string name() const override { return is_max ? "MaxBackward" : "MinBackward"; }
  void release_saved() override { indices.reset(); }
};

std::tuple<Tensor, Tensor> extreme_dim(const Tensor& x, int64_t dim, bool keepdim, bool is_max, const char* op) {
  dispatch::device_of(op, x);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), extreme_dim, x, dim, keepdim, is_max, op);
  std::vector<bool> reduced = reduced_dims(x, {dim}, op);
  const int d = wrap_dim(dim, x.dim(), op);
  STRIATE_CHECK_INDEX(x.dim() == 0 || x.size(d) > 0, op, ": expected reduction dim ", dim,
                      " to have non-zero size, got a tensor of shape ", x.sizes());
  auto [values, indices] = extreme_forward(x, reduced, keepdim, is_max, op);
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<ExtremeDimBackward>();
    node->indices = autograd::SavedTensor(indices);
    node->input_shape = x.sizes();
    node->dtype = x.dtype();
    node->dim = d;
    node->keepdim = keepdim;
    node->is_max = is_max;
    autograd::record(node, {&x}, values);
  }
  return {values, indices};
}

Tensor arg_extreme(const Tensor& x, std::optional<int64_t> dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "argmax" : "argmin";
  dispatch::device_of(op, x);
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), arg_extreme, x, dim, keepdim, is_max);
  if (dim) {
    std::vector<bool> reduced = reduced_dims(x, {*dim}, op);
    STRIATE_CHECK_INDEX(x.dim() == 0 || x.size(*dim) > 0, op, ": expected reduction dim ", *dim,
                        " to have non-zero size, got a tensor of shape ", x.sizes());
    return std::get<1>(extreme_forward(x, reduced, keepdim, is_max, op));
  }
  STRIATE_CHECK(x.numel() > 0, op, ": expected a non-empty tensor when no dim is given, got shape ", x.sizes());
  // Without a dim the index is into the flattened tensor; keepdim keeps every dim as extent 1.
  Tensor index = std::get<1>(extreme_forward(x, std::vector<bool>(x.dim(), true), keepdim, is_max, op));
  return index;
}
}  // namespace

std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_dim(x, dim, keepdim, true, "max");
}
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_dim(x, dim, keepdim, false, "min");
}
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_extreme(x, dim, keepdim, true); }
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_extreme(x, dim, keepdim, false); }

// ---- Tensor methods ----------------------------------------------------------------------

Tensor Tensor::sum() const { return striate::sum(*this); }
Tensor Tensor::sum(const std::vector<int64_t>& dims, bool keepdim) const { return striate::sum(*this, dims, keepdim); }
Tensor Tensor::mean() const { return striate::mean(*this); }
Tensor Tensor::mean(const std::vector<int64_t>& dims, bool keepdim) const {
  return striate::mean(*this, dims, keepdim);
}
Tensor Tensor::argmax(int64_t dim, bool keepdim) const { return striate::argmax(*this, dim, keepdim); }

STRIATE_REGISTER_OP("sum", &kernels::sum_reduce<float, float>);
STRIATE_REGISTER_OP("mean", &kernels::sum_reduce<float, float>);
STRIATE_REGISTER_OP("var", &kernels::var_reduce<float>, &kernels::sum_reduce<float, float>);
STRIATE_REGISTER_OP("std", &kernels::var_reduce<float>, &kernels::sum_reduce<float, float>);
STRIATE_REGISTER_OP("max", &kernels::extreme_reduce<float>, &kernels::scatter_add<float>);
STRIATE_REGISTER_OP("min", &kernels::extreme_reduce<float>, &kernels::scatter_add<float>);
STRIATE_REGISTER_OP("argmax", &kernels::extreme_reduce<float>, &kernels::scatter_add<float>);
STRIATE_REGISTER_OP("argmin", &kernels::extreme_reduce<float>, &kernels::scatter_add<float>);

}  // namespace striate
