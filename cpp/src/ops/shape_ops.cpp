// Joining and indexing ops: cat (the concatenation merge) and stack, index_select / take along
// dim 0, gather, and the boolean-mask and integer-index reads and writes behind __getitem__ and
// __setitem__, each with its backward node. Kernels live in kernels/index.h.
#include "striate/ops/shape_ops.h"

#include "kernels/index.h"
#include "ops/dispatch.h"
#include "ops/elementwise_internal.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate {
namespace {

int64_t product(const Shape& sizes, int first, int last) {
  int64_t p = 1;
  for (int d = first; d < last; ++d) p *= sizes[d];
  return p;
}

int64_t element_bytes(const Tensor& t) { return static_cast<int64_t>(element_size(t.dtype())); }

void check_index_dtype(const Tensor& index, const char* op) {
  STRIATE_CHECK(index.defined(), op, ": expected an 'index' tensor, got None");
  STRIATE_CHECK_TYPE(index.dtype() == DType::Int64, op, ": expected 'index' to be an int64 tensor, got ",
                     index.dtype());
}

// Every index must lie in [0, size) (or [-size, size) where negative indices count from the end).
void check_index_range(const Tensor& index, int64_t size, bool allow_negative, int dim, const char* op) {
  // A device index is checked on a host copy (the kernels trust the range).
  const Tensor host = index.device().is_cpu() ? index : index.to(Device(DeviceType::CPU));
  const int64_t* values = host.data<int64_t>();
  const int64_t low = allow_negative ? -size : 0;
  for (int64_t i = 0; i < index.numel(); ++i) {
    STRIATE_CHECK_INDEX(values[i] >= low && values[i] < size, op, ": index ", values[i],
                        " is out of bounds for dimension ", dim, " with size ", size);
  }
}

// The mask of x[mask]: bool (or uint8) with exactly x's leading shape.
void check_mask(const Tensor& x, const Tensor& mask, const char* op) {
  STRIATE_CHECK(mask.defined(), op, ": expected a 'mask' tensor, got None");
  STRIATE_CHECK_TYPE(mask.dtype() == DType::Bool || mask.dtype() == DType::UInt8, op,
                     ": expected 'mask' to be a bool tensor, got ", mask.dtype());
  bool leading = mask.dim() <= x.dim();
  for (int d = 0; leading && d < mask.dim(); ++d) leading = mask.size(d) == x.size(d);
  STRIATE_CHECK_INDEX(leading, op, ": the shape of the mask ", mask.sizes(),
                      " does not match the leading shape of the indexed tensor ", x.sizes());
}

// In-place writes may not touch a leaf that requires grad (its .grad would silently be wrong).
void check_inplace(const Tensor& x, const char* op) {
  STRIATE_CHECK(x.defined(), op, ": expected a tensor, got None");
  STRIATE_CHECK_STATE(!(grad_mode_enabled() && x.requires_grad() && x.is_leaf()), op,
                      ": a leaf Variable that requires grad is being used in an in-place operation.");
  elementwise::check_no_internal_overlap(x, op);
}

// Recording an in-place write on a view would leave its base's history stale (no view rebasing
// yet), so it is refused rather than giving a silently wrong gradient.
void check_not_tracked_view(const Tensor& x, bool track, const char* op) {
  if (track && x.impl()->is_view())
    STRIATE_NOT_IMPLEMENTED(op, ": in-place writes into views of tensors that require grad are not supported yet");
}

// Runs write(buffer) on contiguous memory holding x's values; a strided x is staged through a
// contiguous copy that is written back.
template <typename Write>
void write_in_place(Tensor& x, const Write& write) {
  Tensor target = x.detach();
  if (x.is_contiguous()) {
    write(target);
  } else {
    Tensor staging = target.contiguous();
    write(staging);
    NoGradGuard no_grad;
    copy_(target, staging);
  }
  x.bump_version();
}

// `source` broadcast to the shape an indexed write fills, as a contiguous history-free buffer.
Tensor broadcast_source(const Tensor& x, const Tensor& source, const Shape& target_shape, const char* op) {
  STRIATE_CHECK(source.defined(), op, ": expected a 'source' tensor, got None");
  STRIATE_CHECK_TYPE(source.dtype() == x.dtype(), op, ": expected 'source' of dtype ", x.dtype(), " like the ",
                     "tensor written into, got ", source.dtype());
  bool fits = source.dim() <= target_shape.size();
  for (int i = 1; fits && i <= source.dim(); ++i) {
    const int64_t have = source.size(-i);
    fits = have == 1 || have == target_shape[target_shape.size() - i];
  }
  STRIATE_CHECK_SHAPE(fits, op, ": shape mismatch: value tensor of shape ", source.sizes(),
                      " cannot be broadcast to indexing result of shape ", target_shape);
  return source.detach().expand(target_shape).contiguous();
}

Shape replace_dim(const Shape& sizes, int dim, const Shape& with) {
  Shape out;
  for (int d = 0; d < dim; ++d) out.push_back(sizes[d]);
  for (int64_t s : with) out.push_back(s);
  for (int d = dim + 1; d < sizes.size(); ++d) out.push_back(sizes[d]);
  return out;
}

// ---- cat / stack ------------------------------------------------------------------------

// The gradient of a concatenation, split back into one range per input.
struct CatBackward : autograd::Node {
  int dim = 0;
  std::vector<int64_t> lengths;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    std::vector<Tensor> out(lengths.size());
    int64_t offset = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      if (should_compute_input_grad(i)) out[i] = grads[0].narrow(dim, offset, lengths[i]);
      offset += lengths[i];
    }
    return out;
  }
  std::string name() const override { return "CatBackward"; }
};

}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  STRIATE_CHECK(!tensors.empty(), "cat: expected a non-empty list of tensors");
  for (size_t i = 0; i < tensors.size(); ++i) STRIATE_CHECK(tensors[i].defined(), "cat: tensor ", i, " is None");
  const Tensor& first = tensors[0];
  dispatch::device_of("cat", first);
  STRIATE_CHECK(first.dim() > 0, "cat: zero-dimensional tensor (at position 0) cannot be concatenated");
  const int d = wrap_dim(dim, first.dim(), "cat");
  Shape out_shape = first.sizes();
  out_shape[d] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    STRIATE_CHECK_TYPE(t.dtype() == first.dtype(), "cat: expected all tensors to have dtype ", first.dtype(),
                       " like tensor 0, got ", t.dtype(), " for tensor ", i);
    STRIATE_CHECK(t.device() == first.device(), "cat: expected all tensors on ", first.device(), ", got ", t.device(),
                  " for tensor ", i);
    bool match = t.dim() == first.dim();
    for (int k = 0; match && k < t.dim(); ++k) match = k == d || t.size(k) == first.size(k);
    STRIATE_CHECK_SHAPE(match, "cat: sizes of tensors must match except in dimension ", d, ": tensor 0 has shape ",
                        first.sizes(), " but tensor ", i, " has shape ", t.sizes());
    out_shape[d] = checked_add(out_shape[d], t.size(d), "cat", "the concatenated size");
  }
  Tensor out = empty(out_shape, options_of(first), "cat");
  const int64_t outer = product(out_shape, 0, d);
  const int64_t inner_bytes = product(out_shape, d + 1, out_shape.size()) * element_bytes(out);
  int64_t offset = 0;
  std::vector<int64_t> lengths;
  for (const Tensor& t : tensors) {
    const int64_t length = t.size(d);
    if (length > 0 && outer > 0 && inner_bytes > 0) {
      Tensor piece = t.contiguous();
      kernels::concat_rows(out.device(), static_cast<char*>(out.data_ptr()), static_cast<const char*>(piece.data_ptr()),
                           outer, length * inner_bytes, out_shape[d] * inner_bytes, offset * inner_bytes);
    }
    lengths.push_back(length);
    offset += length;
  }
  std::vector<const Tensor*> inputs;
  bool any_requires_grad = false;
  for (const Tensor& t : tensors) {
    inputs.push_back(&t);
    any_requires_grad = any_requires_grad || t.requires_grad();
  }
  if (grad_mode_enabled() && any_requires_grad) {
    auto node = std::make_shared<CatBackward>();
    node->dim = d;
    node->lengths = lengths;
    autograd::record(node, inputs, std::vector<Tensor*>{&out});
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  STRIATE_CHECK(!tensors.empty(), "stack: expected a non-empty list of tensors");
  for (size_t i = 0; i < tensors.size(); ++i) STRIATE_CHECK(tensors[i].defined(), "stack: tensor ", i, " is None");
  const Tensor& first = tensors[0];
  dispatch::device_of("stack", first);
  const int d = wrap_dim(dim, first.dim() + 1, "stack");
  std::vector<Tensor> unsqueezed;
  for (size_t i = 0; i < tensors.size(); ++i) {
    STRIATE_CHECK(tensors[i].device() == first.device(), "stack: expected all tensors on ", first.device(), ", got ",
                  tensors[i].device(), " for tensor ", i);
    STRIATE_CHECK_TYPE(tensors[i].dtype() == first.dtype(), "stack: expected all tensors to have dtype ", first.dtype(),
                       " like tensor 0, got ", tensors[i].dtype(), " for tensor ", i);
    STRIATE_CHECK_SHAPE(tensors[i].sizes() == first.sizes(), "stack: expected each tensor to be equal size, but ",
                        "tensor 0 has shape ", first.sizes(), " and tensor ", i, " has shape ", tensors[i].sizes());
    unsqueezed.push_back(tensors[i].unsqueeze(d));
  }
  return cat(unsqueezed, d);
}

// ---- index_select / take ------------------------------------------------------------------

namespace {

// Scatter-adds the gradient rows back to the rows they were read from.
struct IndexSelectBackward : autograd::Node {
  autograd::SavedTensor index;
  Shape input_shape;
  DType dtype = DType::Float32;
  int dim = 0;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor idx = index.unpack("IndexSelectBackward");
    Tensor dy = grads[0].contiguous();
    Tensor dx = zeros(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    const int64_t A = product(input_shape, 0, dim);
    const int64_t B = product(input_shape, dim + 1, input_shape.size());
    STRIATE_DISPATCH_FLOATING_AND_REDUCED(dtype, "IndexSelectBackward", [&] {
      kernels::index_add_rows<scalar_t>(dx.device(), dx.data<scalar_t>(), dy.data<scalar_t>(), idx.data<int64_t>(), A,
                                        input_shape[dim], idx.numel(), B);
    });
    return {dx};
  }
  std::string name() const override { return "IndexSelectBackward"; }
  void release_saved() override { index.reset(); }
};

Tensor select_rows(const Tensor& input, int64_t dim, const Tensor& index, bool allow_negative, const char* op) {
  STRIATE_CHECK(input.defined(), op, ": expected a tensor, got None");
  dispatch::device_of(op, {{"input", input}, {"index", index}});
  check_index_dtype(index, op);
  // A 0-d input behaves as a 1-element vector, as in PyTorch.
  Tensor x = input.dim() == 0 ? input.reshape({1}) : input;
  const int d = wrap_dim(dim, x.dim(), op);
  Tensor idx = index.contiguous();
  check_index_range(idx, x.size(d), allow_negative, d, op);
  Shape out_shape = replace_dim(x.sizes(), d, idx.sizes());
  Tensor out = empty(out_shape, options_of(x));
  const int64_t A = product(x.sizes(), 0, d);
  const int64_t row_bytes = product(x.sizes(), d + 1, x.dim()) * element_bytes(x);
  if (out.numel() > 0) {
    Tensor contiguous_x = x.contiguous();
    kernels::index_select_rows(out.device(), static_cast<char*>(out.data_ptr()),
                               static_cast<const char*>(contiguous_x.data_ptr()), idx.data<int64_t>(), A, x.size(d),
                               idx.numel(), row_bytes);
  }
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<IndexSelectBackward>();
    node->index = autograd::SavedTensor(idx);
    node->input_shape = x.sizes();
    node->dtype = x.dtype();
    node->dim = d;
    autograd::record(node, {&x}, out);
  }
  return out;
}

}  // namespace

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  return select_rows(x, dim, index, false, "index_select");
}

Tensor take_along_dim0(const Tensor& x, const Tensor& index) {
  STRIATE_CHECK(x.defined(), "take: expected a tensor, got None");
  STRIATE_CHECK_INDEX(x.dim() > 0, "take: a 0-d tensor cannot be indexed with an integer tensor");
  return select_rows(x, 0, index, true, "take");
}

// ---- gather -------------------------------------------------------------------------------

namespace {

struct GatherBackward : autograd::Node {
  autograd::SavedTensor index;
  Shape input_shape;
  DType dtype = DType::Float32;
  int dim = 0;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor idx = index.unpack("GatherBackward");
    Tensor dy = grads[0].contiguous();
    Tensor dx = zeros(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    Shape dx_strides = contiguous_strides(input_shape);
    kernels::GatherGeometry geometry{input_shape.size(), dim, input_shape[dim], idx.sizes().data(), dx_strides.data()};
    STRIATE_DISPATCH_FLOATING_AND_REDUCED(dtype, "GatherBackward", [&] {
      kernels::scatter_add<scalar_t>(dx.device(), dx.data<scalar_t>(), dy.data<scalar_t>(), idx.data<int64_t>(),
                                     geometry);
    });
    return {dx};
  }
  std::string name() const override { return "GatherBackward"; }
  void release_saved() override { index.reset(); }
};

}  // namespace

Tensor gather(const Tensor& input, int64_t dim, const Tensor& index) {
  STRIATE_CHECK(input.defined(), "gather: expected a tensor, got None");
  dispatch::device_of("gather", {{"input", input}, {"index", index}});
  check_index_dtype(index, "gather");
  const bool scalar = input.dim() == 0;
  Tensor x = scalar ? input.reshape({1}) : input;
  Tensor idx = (index.dim() == 0 ? index.reshape({1}) : index).contiguous();
  STRIATE_CHECK_SHAPE(idx.dim() == x.dim(), "gather: expected 'index' to have as many dimensions as the input (",
                      x.dim(), "), got shape ", index.sizes());
  const int d = wrap_dim(dim, x.dim(), "gather");
  for (int k = 0; k < x.dim(); ++k) {
    STRIATE_CHECK_SHAPE(k == d || idx.size(k) <= x.size(k), "gather: expected index.size(", k, ") = ", idx.size(k),
                        " to be at most input.size(", k, ") = ", x.size(k), " (index shape ", idx.sizes(),
                        ", input shape ", x.sizes(), ")");
  }
  check_index_range(idx, x.size(d), false, d, "gather");
  Tensor out = empty(idx.sizes(), options_of(x));
  if (out.numel() > 0) {
    kernels::GatherGeometry geometry{x.dim(), d, x.size(d), idx.sizes().data(), x.strides().data()};
    STRIATE_DISPATCH_ALL_AND_REDUCED(x.dtype(), "gather", [&] {
      kernels::gather<scalar_t>(out.device(), out.data<scalar_t>(), x.data<scalar_t>(), idx.data<int64_t>(), geometry);
    });
  }
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<GatherBackward>();
    node->index = autograd::SavedTensor(idx);
    node->input_shape = x.sizes();
    node->dtype = x.dtype();
    node->dim = d;
    autograd::record(node, {&x}, out);
  }
  return scalar ? out.reshape({}) : out;
}

// ---- boolean masks ------------------------------------------------------------------------

namespace {

// x[mask]'s gradient: the selected rows written back where the mask is true, zeros elsewhere.
struct MaskedSelectBackward : autograd::Node {
  autograd::SavedTensor mask;
  Shape input_shape;
  DType dtype = DType::Float32;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor m = mask.unpack("MaskedSelectBackward");
    Tensor dy = grads[0].contiguous();
    Tensor dx = zeros(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    const int64_t row_bytes = product(input_shape, m.dim(), input_shape.size()) * element_bytes(dx);
    kernels::masked_scatter_rows(dx.device(), static_cast<char*>(dx.data_ptr()),
                                 static_cast<const char*>(dy.data_ptr()), static_cast<const uint8_t*>(m.data_ptr()),
                                 m.numel(), row_bytes);
    return {dx};
  }
  std::string name() const override { return "MaskedSelectBackward"; }
  void release_saved() override { mask.reset(); }
};

// Rows overwritten in place receive no gradient; the source gets the gradient of those rows.
struct MaskedWriteBackward : autograd::Node {
  autograd::SavedTensor mask;
  Shape source_shape;
  bool has_source = false;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor m = mask.unpack(name().c_str());
    std::vector<Tensor> out(has_source ? 2 : 1);
    if (should_compute_input_grad(0)) out[0] = masked_fill(grads[0], m, 0);
    if (has_source && should_compute_input_grad(1)) out[1] = sum_to(masked_select(grads[0], m), source_shape);
    return out;
  }
  std::string name() const override { return has_source ? "MaskedScatterBackward" : "MaskedFillBackward"; }
  void release_saved() override { mask.reset(); }
};

}  // namespace

Tensor masked_select(const Tensor& x, const Tensor& mask) {
  STRIATE_CHECK(x.defined(), "masked_select: expected a tensor, got None");
  dispatch::device_of("masked_select", {{"input", x}, {"mask", mask}});
  check_mask(x, mask, "masked_select");
  Tensor m = mask.contiguous();
  Tensor contiguous_x = x.contiguous();
  const int64_t count = kernels::count_nonzero(m.device(), static_cast<const uint8_t*>(m.data_ptr()), m.numel());
  Shape out_shape{count};
  for (int d = m.dim(); d < x.dim(); ++d) out_shape.push_back(x.size(d));
  Tensor out = empty(out_shape, options_of(x));
  const int64_t row_bytes = product(x.sizes(), m.dim(), x.dim()) * element_bytes(x);
  if (out.numel() > 0) {
    kernels::masked_select_rows(out.device(), static_cast<char*>(out.data_ptr()),
                                static_cast<const char*>(contiguous_x.data_ptr()),
                                static_cast<const uint8_t*>(m.data_ptr()), m.numel(), row_bytes);
  }
  if (autograd::needs_grad(x)) {
    auto node = std::make_shared<MaskedSelectBackward>();
    node->mask = autograd::SavedTensor(m);
    node->input_shape = x.sizes();
    node->dtype = x.dtype();
    autograd::record(node, {&x}, out);
  }
  return out;
}

Tensor& masked_fill_(Tensor& x, const Tensor& mask, Scalar value) {
  check_inplace(x, "masked_fill_");
  dispatch::device_of("masked_fill_", {{"input", x}, {"mask", mask}});
  check_mask(x, mask, "masked_fill_");
  const bool track = autograd::needs_grad(x);
  check_not_tracked_view(x, track, "masked_fill_");
  Tensor m = mask.contiguous();
  const int64_t row = product(x.sizes(), m.dim(), x.dim());
  write_in_place(x, [&](Tensor& buffer) {
    STRIATE_DISPATCH_ALL_AND_REDUCED(x.dtype(), "masked_fill_", [&] {
      kernels::masked_fill_rows<scalar_t>(buffer.device(), buffer.data<scalar_t>(),
                                          static_cast<const uint8_t*>(m.data_ptr()), value.to<scalar_t>(), m.numel(),
                                          row);
    });
  });
  if (track) {
    auto node = std::make_shared<MaskedWriteBackward>();
    node->mask = autograd::SavedTensor(m);
    autograd::record(node, {&x}, x);
  }
  return x;
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value) {
  STRIATE_CHECK(x.defined(), "masked_fill: expected a tensor, got None");
  Tensor out = x.clone();
  return masked_fill_(out, mask, value);
}

Tensor& masked_scatter_(Tensor& x, const Tensor& mask, const Tensor& source) {
  check_inplace(x, "masked_scatter_");
  dispatch::device_of("masked_scatter_", {{"input", x}, {"mask", mask}, {"source", source}});
  check_mask(x, mask, "masked_scatter_");
  Tensor m = mask.contiguous();
  const int64_t count = kernels::count_nonzero(m.device(), static_cast<const uint8_t*>(m.data_ptr()), m.numel());
  Shape selected_shape{count};
  for (int d = m.dim(); d < x.dim(); ++d) selected_shape.push_back(x.size(d));
  Tensor values = broadcast_source(x, source, selected_shape, "masked_scatter_");
  const bool track = autograd::needs_grad(x, source);
  check_not_tracked_view(x, track, "masked_scatter_");
  const int64_t row_bytes = product(x.sizes(), m.dim(), x.dim()) * element_bytes(x);
  write_in_place(x, [&](Tensor& buffer) {
    kernels::masked_scatter_rows(buffer.device(), static_cast<char*>(buffer.data_ptr()),
                                 static_cast<const char*>(values.data_ptr()), static_cast<const uint8_t*>(m.data_ptr()),
                                 m.numel(), row_bytes);
  });
  if (track) {
    auto node = std::make_shared<MaskedWriteBackward>();
    node->mask = autograd::SavedTensor(m);
    node->source_shape = source.sizes();
    node->has_source = true;
    autograd::record(node, {&x, &source}, x);
  }
  return x;
}

// ---- index_put_ -----------------------------------------------------------------------------

namespace {

// Overwritten rows receive no gradient; the source gets the gradient rows it was written to.
struct IndexPutBackward : autograd::Node {
  autograd::SavedTensor index;
  Shape source_shape;
  DType dtype = DType::Float32;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor idx = index.unpack("IndexPutBackward");
    std::vector<Tensor> out(2);
    if (should_compute_input_grad(0)) {
      out[0] = grads[0].clone();
      index_put_(out[0], idx, zeros({}, TensorOptions(dtype).set_device(out[0].device())));
    }
    if (should_compute_input_grad(1)) out[1] = sum_to(take_along_dim0(grads[0], idx), source_shape);
    return out;
  }
  std::string name() const override { return "IndexPutBackward"; }
  void release_saved() override { index.reset(); }
};

}  // namespace

Tensor& index_put_(Tensor& x, const Tensor& index, const Tensor& source) {
  check_inplace(x, "index_put_");
  dispatch::device_of("index_put_", {{"input", x}, {"index", index}, {"source", source}});
  check_index_dtype(index, "index_put_");
  STRIATE_CHECK_INDEX(x.dim() > 0, "index_put_: a 0-d tensor cannot be indexed with an integer tensor");
  Tensor idx = index.contiguous();
  check_index_range(idx, x.size(0), true, 0, "index_put_");
  Shape target_shape = replace_dim(x.sizes(), 0, idx.sizes());
  Tensor values = broadcast_source(x, source, target_shape, "index_put_");
  const bool track = autograd::needs_grad(x, source);
  check_not_tracked_view(x, track, "index_put_");
  const int64_t row_bytes = product(x.sizes(), 1, x.dim()) * element_bytes(x);
  write_in_place(x, [&](Tensor& buffer) {
    kernels::index_put_rows(buffer.device(), static_cast<char*>(buffer.data_ptr()),
                            static_cast<const char*>(values.data_ptr()), idx.data<int64_t>(), x.size(0), idx.numel(),
                            row_bytes);
  });
  if (track) {
    auto node = std::make_shared<IndexPutBackward>();
    node->index = autograd::SavedTensor(idx);
    node->source_shape = source.sizes();
    node->dtype = x.dtype();
    autograd::record(node, {&x, &source}, x);
  }
  return x;
}

STRIATE_REGISTER_OP("cat", &kernels::concat_rows);
STRIATE_REGISTER_OP("stack", &kernels::concat_rows);
STRIATE_REGISTER_OP("index_select", &kernels::index_select_rows, &kernels::index_add_rows<float>);
STRIATE_REGISTER_OP("take", &kernels::index_select_rows, &kernels::index_add_rows<float>);
STRIATE_REGISTER_OP("gather", &kernels::gather<float>, &kernels::scatter_add<float>);
STRIATE_REGISTER_OP("masked_select", &kernels::masked_select_rows, &kernels::count_nonzero,
                    &kernels::masked_scatter_rows);
STRIATE_REGISTER_OP("masked_fill_", &kernels::masked_fill_rows<float>);
STRIATE_REGISTER_OP("masked_scatter_", &kernels::masked_scatter_rows, &kernels::count_nonzero);
STRIATE_REGISTER_OP("index_put_", &kernels::index_put_rows);

}  // namespace striate
