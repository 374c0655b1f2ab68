// Matrix products: matmul (NumPy semantics: 1-D promotion, broadcast batch dims) and linear,
// each with its backward node. Strided operands go to the GEMM as they are when one of their
// two matrix dims has unit stride; only other layouts are copied.
#include "striate/ops/linalg.h"

#include <vector>

#include "kernels/elementwise.h"
#include "kernels/gemm.h"
#include "ops/dispatch.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/core/parallel.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/reduce.h"

namespace striate {
namespace {

// How the GEMM reads the trailing (rows, cols) matrices of a tensor: rows with unit column
// stride, or (transposed) columns with unit row stride.
struct MatrixLayout {
  bool transposed;
  int64_t leading;  // the GEMM's lda / ldb
};

bool gemm_layout(const Tensor& t, MatrixLayout& layout) {
  int d = t.dim();
  int64_t rows = t.size(d - 2), cols = t.size(d - 1);
  int64_t row_stride = t.stride(d - 2), col_stride = t.stride(d - 1);
  if (col_stride == 1 || cols == 1) {
    layout = {false, rows == 1 ? cols : row_stride};
    return true;
  }
  if (row_stride == 1 || rows == 1) {
    layout = {true, col_stride};
    return true;
  }
  return false;
}

// A matrix operand ready for the GEMM: a copy only when the layout needs one.
Tensor gemm_ready(const Tensor& t, MatrixLayout& layout) {
  if (gemm_layout(t, layout)) return t;
  Tensor copy = t.contiguous();
  gemm_layout(copy, layout);
  return copy;
}

// Element offsets of every batch matrix of t, whose first batch.size() dims are the batch.
std::vector<int64_t> batch_offsets(const Tensor& t, const Shape& batch) {
  std::vector<int64_t> offsets(batch.numel());
  std::vector<int64_t> index(batch.size(), 0);
  for (auto& offset : offsets) {
    offset = 0;
    for (int d = 0; d < batch.size(); ++d) offset += index[d] * t.stride(d);
    for (int d = batch.size() - 1; d >= 0; --d) {
      if (++index[d] < batch[d]) break;
      index[d] = 0;
    }
  }
  return offsets;
}

// out (batch..., M, N) = a (batch..., M, K) @ b (batch..., K, N); a and b already expanded.
template <typename T>
void batched_gemm(Tensor& out, const Tensor& a, const Tensor& b, const Shape& batch) {
  int d = a.dim();
  int64_t M = a.size(d - 2), K = a.size(d - 1), N = b.size(d - 1);
  MatrixLayout a_layout, b_layout;
  Tensor a_ready = gemm_ready(a, a_layout);
  Tensor b_ready = gemm_ready(b, b_layout);
  const T* a_data = a_ready.data<T>();
  const T* b_data = b_ready.data<T>();
  T* out_data = out.data<T>();
  std::vector<int64_t> a_offsets = batch_offsets(a_ready, batch);
  std::vector<int64_t> b_offsets = batch_offsets(b_ready, batch);
  auto products = [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; ++i) {
      STRIATE_PROFILE_COST(2 * M * N * K, (M * K + K * N + M * N) * static_cast<int64_t>(sizeof(T)));
      kernels::gemm<T>(out.device(), a_layout.transposed, b_layout.transposed, M, N, K, T(1), a_data + a_offsets[i],
                       a_layout.leading, b_data + b_offsets[i], b_layout.leading, T(0), out_data + i * M * N, N);
    }
  };
  // On a GPU the products queue on one stream from this thread (the device and stream are
  // per-thread state, which OpenMP workers would not share). On the CPU, many small products:
  // one per task (each GEMM then runs single-threaded); a single product lets the GEMM split
  // itself over the threads.
  if (!out.device().is_cpu())
    products(0, batch.numel());
  else
    parallel_for(0, batch.numel(), 1, products);
}

void check_floating_pair(const Tensor& a, const Tensor& b, const char* op, const char* a_name, const char* b_name) {
  STRIATE_CHECK_TYPE(a.is_floating_point(), op, ": expected a floating-point ", a_name, " (float32 or float64), got ",
                     a.dtype());
  STRIATE_CHECK_TYPE(b.dtype() == a.dtype(), op, ": expected ", b_name, " of dtype ", a.dtype(), " (the ", a_name,
                     "'s), got ", b.dtype());
  dispatch::device_of(op, {{a_name, a}, {b_name, b}});
}

// The broadcast of the batch dims of a (..., M, K) and b (..., K, N), NumPy style.
Shape matmul_batch_shape(const Tensor& a, const Tensor& b, const Shape& a_shape, const Shape& b_shape) {
  int a_batch = a.dim() - 2, b_batch = b.dim() - 2;
  int rank = a_batch > b_batch ? a_batch : b_batch;
  Shape batch = Shape::filled(rank, 1);
  for (int i = 0; i < rank; ++i) {
    int ia = i - (rank - a_batch), ib = i - (rank - b_batch);
    int64_t da = ia >= 0 ? a.size(ia) : 1, db = ib >= 0 ? b.size(ib) : 1;
    STRIATE_CHECK_SHAPE(da == db || da == 1 || db == 1, "matmul: batch dimensions of shapes ", a_shape, " and ",
                        b_shape, " do not broadcast (", da, " vs ", db, " at batch dim ", i, ")");
    batch[i] = da == 1 ? db : da;
  }
  return batch;
}

// The number of rows of x (*, features) seen as a matrix.
int64_t leading_rows(const Shape& shape) {
  int64_t rows = 1;
  for (int d = 0; d + 1 < shape.size(); ++d) rows *= shape[d];
  return rows;
}

Shape concat(Shape shape, std::initializer_list<int64_t> tail) {
  for (int64_t extent : tail) shape.push_back(extent);
  return shape;
}

}  // namespace

// ---- matmul ------------------------------------------------------------------------------

struct MatmulBackward : autograd::Node {
  autograd::SavedTensor a, b;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor a_value = a.unpack("MatmulBackward");
    Tensor b_value = b.unpack("MatmulBackward");
    // Work on the promoted operands, whose product has the batch + (M, N) shape.
    Tensor a2 = a_value.dim() == 1 ? a_value.unsqueeze(0) : a_value;
    Tensor b2 = b_value.dim() == 1 ? b_value.unsqueeze(1) : b_value;
    Shape batch = matmul_batch_shape(a2, b2, a_value.sizes(), b_value.sizes());
    int64_t M = a2.size(-2), K = a2.size(-1), N = b2.size(-1);
    Tensor grad = grads[0].reshape(concat(batch, {M, N}));
    Tensor da, db;
    if (should_compute_input_grad(0)) {
      da = sum_to(matmul(grad, b2.transpose(-2, -1)), a2.sizes()).reshape(a_value.sizes());
    }
    if (should_compute_input_grad(1)) {
      if (b2.dim() == 2 && a2.dim() > 2) {
        // The batch folds into the rows: one (K, rows) x (rows, N) product, no batch-sized temporary.
        db = matmul(a2.reshape({leading_rows(a2.sizes()), K}).t(), grad.reshape({leading_rows(grad.sizes()), N}));
      } else {
        db = sum_to(matmul(a2.transpose(-2, -1), grad), b2.sizes());
      }
      db = db.reshape(b_value.sizes());
    }
    return {da, db};
  }
  std::string name() const override { return "MatmulBackward"; }
  void release_saved() override {
    a.reset();
    b.reset();
  }
};

Tensor matmul(const Tensor& a, const Tensor& b) {
  STRIATE_CHECK(a.defined() && b.defined(), "matmul: expected two tensors, got an undefined operand");
  STRIATE_AUTOCAST(CastPolicy::LowerPrecision, matmul, a, b);
  STRIATE_CHECK_TYPE(a.is_floating_point() && b.is_floating_point(),
                     "matmul: expected floating-point operands (float32 or float64), got ", a.dtype(), " and ",
                     b.dtype());
  check_floating_pair(a, b, "matmul", "first operand", "second operand");
  STRIATE_COMPUTE_IN_FLOAT32(a.dtype(), matmul, a, b);
  STRIATE_CHECK_SHAPE(a.dim() >= 1 && b.dim() >= 1, "matmul: expected operands with at least 1 dimension, got shapes ",
                      a.sizes(), " and ", b.sizes());
  Tensor out;
  {
    NoGradGuard no_grad;  // the promotions and expands below are plumbing, not graph
    Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
    Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
    int64_t M = a2.size(-2), K = a2.size(-1), N = b2.size(-1);
    STRIATE_CHECK_SHAPE(b2.size(-2) == K, "matmul: shapes ", a.sizes(), " and ", b.sizes(),
                        " cannot be multiplied (inner dimensions ", K, " and ", b2.size(-2), " differ)");
    Shape batch = matmul_batch_shape(a2, b2, a.sizes(), b.sizes());
    Shape out_shape = batch;
    if (a.dim() > 1) out_shape.push_back(M);
    if (b.dim() > 1) out_shape.push_back(N);
    out = empty(out_shape, options_of(a));
    if (out.numel() > 0) {
      Tensor out_matrices = out.view(concat(batch, {M, N}));
      if (b2.dim() == 2 && a2.dim() > 2 && a2.is_contiguous()) {
        // A stack of matrices times one matrix is a single taller product.
        a2 = a2.view({batch.numel() * M, K});
        out_matrices = out_matrices.view({batch.numel() * M, N});
        batch = Shape();
      } else {
        a2 = a2.expand(concat(batch, {M, K}));
        b2 = b2.expand(concat(batch, {K, N}));
      }
      STRIATE_DISPATCH_FLOATING(a.dtype(), "matmul", [&] { batched_gemm<scalar_t>(out_matrices, a2, b2, batch); });
    }
  }
  if (autograd::needs_grad(a, b)) {
    auto node = std::make_shared<MatmulBackward>();
    node->a = autograd::SavedTensor(a);
    node->b = autograd::SavedTensor(b);
    autograd::record(node, {&a, &b}, out);
  }
  return out;
}

Tensor Tensor::matmul(const Tensor& other) const { return striate::matmul(*this, other); }

// ---- linear --------------------------------------------------------------------------------

struct LinearBackward : autograd::Node {
  autograd::SavedTensor input, weight;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack("LinearBackward");
    Tensor w = weight.unpack("LinearBackward");
    int64_t out_features = w.size(0), in_features = w.size(1);
    int64_t rows = leading_rows(x.sizes());
    Tensor grad = grads[0].reshape({rows, out_features});
    Tensor dx, dw, db;
    if (should_compute_input_grad(0)) dx = matmul(grad, w).reshape(x.sizes());
    if (should_compute_input_grad(1)) dw = matmul(grad.t(), x.reshape({rows, in_features}));
    if (should_compute_input_grad(2)) db = sum(grad, {0});
    return {dx, dw, db};
  }
  std::string name() const override { return "LinearBackward"; }
  // torch records addmm (mm without bias) of the input and weight.t(), with views around a
  // non-2-d input: ViewBackward0 -> AddmmBackward0 -> (bias, ViewBackward0 -> input, TBackward0);
  // without bias UnsafeViewBackward0 -> MmBackward0 -> (ViewBackward0 -> input, TBackward0).
  std::string torch_name() const override {
    if (input_dim == 2) return matrix_name();
    if (input_dim == 1) return "SqueezeBackward4";
    return next_edges().size() > 2 ? "ViewBackward0" : "UnsafeViewBackward0";
  }
  std::vector<autograd::Edge> torch_next_edges() const override {
    const auto& edges = next_edges();
    autograd::Edge x = edges[0], w = edges[1];
    if (input_dim != 2 && x.valid())
      x = {autograd::presented_node(input_dim == 1 ? "UnsqueezeBackward0" : "ViewBackward0", {x}), 0};
    if (w.valid()) w = {autograd::presented_node("TBackward0", {w}), 0};
    std::vector<autograd::Edge> shown;
    if (edges.size() > 2) shown.push_back(edges[2]);
    shown.push_back(x);
    shown.push_back(w);
    if (input_dim == 2) return shown;
    return {autograd::Edge{autograd::presented_node(matrix_name(), shown), 0}};
  }
  std::string matrix_name() const { return next_edges().size() > 2 ? "AddmmBackward0" : "MmBackward0"; }
  int64_t input_dim = 2;
  void release_saved() override {
    input.reset();
    weight.reset();
  }
};

Tensor linear(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias) {
  STRIATE_AUTOCAST(CastPolicy::LowerPrecision, linear, x, weight, bias);
  check_floating_pair(x, weight, "linear", "input", "weight");
  STRIATE_CHECK_SHAPE(weight.dim() == 2, "linear: expected weight of shape (out_features, in_features), got ",
                      weight.sizes());
  STRIATE_CHECK_SHAPE(x.dim() >= 1, "linear: expected input of shape (*, in_features), got a 0-d tensor");
  int64_t out_features = weight.size(0), in_features = weight.size(1);
  STRIATE_CHECK_SHAPE(x.size(-1) == in_features,
                      "linear: expected input with last dimension in_features = ", in_features, " (weight shape ",
                      weight.sizes(), "), got input shape ", x.sizes());
  const bool has_bias = bias.has_value() && bias->defined();
  if (has_bias) {
    check_floating_pair(x, *bias, "linear", "input", "bias");
    STRIATE_CHECK_SHAPE(bias->dim() == 1 && bias->size(0) == out_features, "linear: expected bias of shape (",
                        out_features, "), got ", bias->sizes());
  }
  STRIATE_COMPUTE_IN_FLOAT32(x.dtype(), linear, x, weight, bias);
  Shape out_shape = x.sizes();
  out_shape[out_shape.size() - 1] = out_features;
  Tensor y = empty(out_shape, options_of(x));
  int64_t rows = leading_rows(x.sizes());
  if (y.numel() > 0) {
    NoGradGuard no_grad;
    MatrixLayout x_layout, w_layout;
    Tensor x2 = gemm_ready(x.reshape({rows, in_features}), x_layout);
    Tensor w2 = gemm_ready(weight, w_layout);
    // The bias is broadcast into y first (the copy kernel), and the product accumulates onto it.
    if (has_bias) kernels::copy(y.device(), y.view({rows, out_features}), bias->expand({rows, out_features}));
    STRIATE_DISPATCH_FLOATING(x.dtype(), "linear", [&] {
      scalar_t* out = y.data<scalar_t>();
      const scalar_t beta = has_bias ? scalar_t(1) : scalar_t(0);
      // y (rows, out) = x (rows, in) @ W^T: reading W as stored transposed flips its flag.
      STRIATE_PROFILE_COST(2 * rows * out_features * in_features,
                           (rows * in_features + in_features * out_features + rows * out_features) * sizeof(scalar_t));
      kernels::gemm<scalar_t>(y.device(), x_layout.transposed, !w_layout.transposed, rows, out_features, in_features,
                              scalar_t(1), x2.data<scalar_t>(), x_layout.leading, w2.data<scalar_t>(), w_layout.leading,
                              beta, out, out_features);
    });
  }
  const Tensor bias_tensor = has_bias ? *bias : Tensor();
  if (autograd::any_requires_grad({&x, &weight, &bias_tensor})) {
    auto node = std::make_shared<LinearBackward>();
    node->input = autograd::SavedTensor(x);
    node->weight = autograd::SavedTensor(weight);
    node->input_dim = x.dim();
    std::vector<const Tensor*> inputs{&x, &weight};
    if (has_bias) inputs.push_back(&bias_tensor);
    autograd::record(node, inputs, std::vector<Tensor*>{&y});
  }
  return y;
}

STRIATE_REGISTER_OP("matmul", &kernels::gemm<float>);
STRIATE_REGISTER_OP("linear", &kernels::gemm<float>, &kernels::copy);

}  // namespace striate
