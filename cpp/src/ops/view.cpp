// View ops (Tensor methods that alias storage: view/reshape, permute, transpose, narrow/slice/
// select, expand, squeeze/unsqueeze, flatten) with their backward nodes, plus contiguous/clone/to.
#include <algorithm>
#include <numeric>

#include "core/cuda_runtime.h"
#include "striate/autograd.h"
#include "striate/core/cuda.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/linalg.h"

namespace striate {
namespace {

Tensor make_view(const Tensor& base, const Shape& sizes, const Shape& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>(base.storage(), sizes, strides, offset, base.dtype());
  impl->set_is_view(true);
  return Tensor(std::move(impl));
}

// Backward of every view: grads[0] has the view's shape; scatter it back into the input's shape.
struct ViewBackward : autograd::Node {
  enum class Kind { Reshape, Permute, Slice, Expand } kind;
  std::string op_name;
  Shape input_sizes;
  std::vector<int64_t> dims;                      // Permute: the permutation
  int64_t dim = 0, start = 0, end = 0, step = 1;  // Slice (select is a slice then reshape)
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    switch (kind) {
      case Kind::Reshape: return {g.reshape(input_sizes)};
      case Kind::Permute: {
        std::vector<int64_t> inverse(dims.size());
        for (size_t i = 0; i < dims.size(); ++i) inverse[dims[i]] = static_cast<int64_t>(i);
        return {g.permute(inverse)};
      }
      case Kind::Slice: {
        Tensor dx = zeros(input_sizes, options_of(g));
        Tensor window = dx.slice(dim, start, end, step);
        Shape window_shape = window.sizes();
        copy_(window, g.reshape(window_shape));
        return {dx};
      }
      case Kind::Expand: return {sum_to(g, input_sizes)};
    }
    return {Tensor()};
  }
  std::string name() const override { return op_name; }
};

Tensor record_view(const Tensor& input, Tensor out, std::shared_ptr<ViewBackward> node) {
  if (autograd::needs_grad(input)) {
    node->input_sizes = input.sizes();
    autograd::record(node, {&input}, out);
  }
  return out;
}

std::shared_ptr<ViewBackward> view_node(ViewBackward::Kind kind, const char* name) {
  auto node = std::make_shared<ViewBackward>();
  node->kind = kind;
  node->op_name = name;
  return node;
}

// Resolves one -1 in a requested shape and checks the element count.
Shape infer_shape(const Shape& requested, int64_t numel, const char* op) {
  Shape shape = requested;
  int infer = -1;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      STRIATE_CHECK_SHAPE(infer < 0, op, ": only one dimension can be inferred (-1), got shape ", requested);
      infer = i;
    } else {
      STRIATE_CHECK_SHAPE(shape[i] >= 0, op, ": invalid size ", shape[i], " in shape ", requested);
    }
  }
  if (infer >= 0) {
    Shape known_sizes = shape;
    known_sizes.erase(infer);
    const int64_t known = known_sizes.numel(op);
    STRIATE_CHECK_SHAPE(known != 0 && numel % known == 0, op, ": shape ", requested, " is invalid for input of size ",
                        numel);
    shape[infer] = numel / known;
  }
  STRIATE_CHECK_SHAPE(shape.numel(op) == numel, op, ": shape ", requested, " is invalid for input of size ", numel);
  contiguous_strides(shape, op);  // every stride of the result must fit int64, even with no elements
  return shape;
}

// Strides for viewing `t` as `shape` without a copy, if possible (PyTorch's computeStride idea:
// split/merge only within runs of dims that are contiguous with each other).
std::optional<Shape> view_strides(const Tensor& t, const Shape& shape) {
  if (t.is_contiguous()) return contiguous_strides(shape);
  const Shape& old_sizes = t.sizes();
  const Shape& old_strides = t.strides();
  Shape new_strides = Shape::filled(shape.size(), 1);
  int view_d = shape.size() - 1;
  int64_t chunk_base_stride = old_strides.size() ? old_strides.back() : 1;
  int64_t tensor_numel = 1, view_numel = 1;
  for (int tensor_d = old_sizes.size() - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_sizes[tensor_d];
    if (tensor_d == 0 ||
        (old_sizes[tensor_d - 1] != 1 && old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        new_strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        view_d--;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return new_strides;
}

}  // namespace

Tensor Tensor::view(const Shape& requested) const {
  Shape shape = infer_shape(requested, numel(), "view");
  auto strides = view_strides(*this, shape);
  STRIATE_CHECK_SHAPE(strides.has_value(), "view: size ", requested, " is not compatible with the input's size ",
                      sizes(), " and stride ", this->strides(),
                      " (at least one dimension spans two contiguous subspaces); use "
                      ".reshape(...) instead");
  return record_view(*this, make_view(*this, shape, *strides, storage_offset()),
                     view_node(ViewBackward::Kind::Reshape, "ViewBackward"));
}

Tensor Tensor::reshape(const Shape& requested) const {
  Shape shape = infer_shape(requested, numel(), "reshape");
  if (auto strides = view_strides(*this, shape))
    return record_view(*this, make_view(*this, shape, *strides, storage_offset()),
                       view_node(ViewBackward::Kind::Reshape, "ReshapeBackward"));
  return contiguous().view(shape);
}

Tensor Tensor::permute(const std::vector<int64_t>& dims) const {
  STRIATE_CHECK_SHAPE(static_cast<int>(dims.size()) == dim(), "permute: number of dims in the permutation (",
                      dims.size(), ") doesn't match the tensor's ", dim(), " dims");
  Shape sizes, strides;
  std::vector<int64_t> wrapped;
  std::vector<bool> seen(dim(), false);
  for (int64_t d : dims) {
    int w = wrap_dim(d, dim(), "permute");
    STRIATE_CHECK_SHAPE(!seen[w], "permute: repeated dim ", d, " in the permutation");
    seen[w] = true;
    wrapped.push_back(w);
    sizes.push_back(this->sizes()[w]);
    strides.push_back(this->strides()[w]);
  }
  auto node = view_node(ViewBackward::Kind::Permute, "PermuteBackward");
  node->dims = wrapped;
  return record_view(*this, make_view(*this, sizes, strides, storage_offset()), node);
}

Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  if (dim() == 0) return *this;
  std::vector<int64_t> perm(dim());
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[wrap_dim(dim0, dim(), "transpose")], perm[wrap_dim(dim1, dim(), "transpose")]);
  return permute(perm);
}

Tensor Tensor::t() const {
  STRIATE_CHECK_SHAPE(dim() <= 2, "t: expects a tensor with <= 2 dimensions, got ", dim(), "-D (use transpose or mT)");
  return dim() < 2 ? *this : transpose(0, 1);
}

Tensor Tensor::slice(int64_t d, int64_t start, int64_t end, int64_t step) const {
  int w = wrap_dim(d, dim(), "slice");
  STRIATE_CHECK(step > 0, "slice: step must be positive, got ", step);
  int64_t n = sizes()[w];
  // Clamped before any arithmetic, so start + n and end + n cannot overflow.
  start = std::clamp<int64_t>(start, -n, n);
  end = std::clamp<int64_t>(end, -n, n);
  if (start < 0) start += n;
  if (end < 0) end += n;
  end = std::max(end, start);
  Shape new_sizes = sizes(), new_strides = strides();
  new_sizes[w] = end == start ? 0 : (end - start - 1) / step + 1;
  // A dim of one element never moves along its stride, whatever the step.
  new_strides[w] = new_sizes[w] > 1 ? checked_mul(strides()[w], step, "slice", "the stride") : strides()[w];
  auto node = view_node(ViewBackward::Kind::Slice, "SliceBackward");
  node->dim = w;
  node->start = start;
  node->end = end;
  node->step = step;
  return record_view(*this, make_view(*this, new_sizes, new_strides, storage_offset() + start * strides()[w]), node);
}

Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
  int w = wrap_dim(d, dim(), "narrow");
  int64_t n = sizes()[w];
  if (start < 0) start += n;
  STRIATE_CHECK_INDEX(start >= 0 && start <= n, "narrow: start ", start, " is out of range for dim ", d, " of size ",
                      n);
  STRIATE_CHECK_INDEX(length >= 0 && length <= n - start, "narrow: start (", start, ") + length (", length,
                      ") exceeds dimension size (", n, ")");
  return slice(w, start, start + length, 1);
}

Tensor Tensor::select(int64_t d, int64_t index) const {
  STRIATE_CHECK_INDEX(dim() > 0, "select: cannot index a 0-d tensor");
  int w = wrap_dim(d, dim(), "select");
  int64_t n = sizes()[w];
  STRIATE_CHECK_INDEX(index >= -n && index < n, "select: index ", index, " is out of bounds for dimension ", w,
                      " with size ", n);
  if (index < 0) index += n;
  Tensor s = slice(w, index, index + 1, 1);
  Shape new_sizes = s.sizes();
  new_sizes.erase(w);
  return s.view(new_sizes);
}

Tensor Tensor::expand(const Shape& shape) const {
  STRIATE_CHECK_SHAPE(shape.size() >= dim(), "expand: the number of sizes provided (", shape.size(),
                      ") must be greater or equal to the number of dimensions in the tensor (", dim(), ")");
  if (shape == sizes()) return *this;
  int lead = shape.size() - dim();
  Shape new_sizes = Shape::filled(shape.size(), 0), new_strides = Shape::filled(shape.size(), 0);
  for (int i = 0; i < shape.size(); ++i) {
    int j = i - lead;
    int64_t want = shape[i];
    if (j < 0) {
      STRIATE_CHECK_SHAPE(want >= 0, "expand: -1 is not allowed in a leading, non-existing dimension ", i);
      new_sizes[i] = want;
      new_strides[i] = 0;
      continue;
    }
    int64_t have = sizes()[j];
    if (want == -1) want = have;
    STRIATE_CHECK_SHAPE(have == want || have == 1, "expand: the expanded size of the tensor (", want,
                        ") must match the existing size (", have, ") at non-singleton dimension ", i,
                        ". Target sizes: ", shape, ". Tensor sizes: ", sizes());
    new_sizes[i] = want;
    new_strides[i] = have == want ? strides()[j] : 0;
  }
  new_sizes.numel("expand");  // a size too large is refused here, naming the op
  return record_view(*this, make_view(*this, new_sizes, new_strides, storage_offset()),
                     view_node(ViewBackward::Kind::Expand, "ExpandBackward"));
}

Tensor Tensor::squeeze() const {
  Shape s;
  for (int64_t v : sizes())
    if (v != 1) s.push_back(v);
  return view_strides(*this, s) ? view(s) : reshape(s);
}

Tensor Tensor::squeeze(int64_t d) const {
  if (dim() == 0) return *this;
  int w = wrap_dim(d, dim(), "squeeze");
  if (sizes()[w] != 1) return *this;
  Shape s = sizes(), st = strides();
  s.erase(w);
  st.erase(w);
  return record_view(*this, make_view(*this, s, st, storage_offset()),
                     view_node(ViewBackward::Kind::Reshape, "SqueezeBackward"));
}

Tensor Tensor::unsqueeze(int64_t d) const {
  int w = wrap_dim(d, dim() + 1, "unsqueeze");
  Shape s = sizes(), st = strides();
  int64_t stride = w < dim() ? checked_mul(strides()[w], sizes()[w], "unsqueeze", "the stride") : 1;
  s.insert(w, 1);
  st.insert(w, stride);
  return record_view(*this, make_view(*this, s, st, storage_offset()),
                     view_node(ViewBackward::Kind::Reshape, "UnsqueezeBackward"));
}

Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  if (dim() == 0) return reshape({1});
  int s = wrap_dim(start_dim, dim(), "flatten"), e = wrap_dim(end_dim, dim(), "flatten");
  STRIATE_CHECK(s <= e, "flatten: start_dim (", start_dim, ") cannot come after end_dim (", end_dim, ")");
  Shape shape;
  for (int i = 0; i < s; ++i) shape.push_back(sizes()[i]);
  shape.push_back(checked_numel(sizes().begin() + s, sizes().begin() + e + 1, "flatten"));
  for (int i = e + 1; i < dim(); ++i) shape.push_back(sizes()[i]);
  return reshape(shape);
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

Tensor Tensor::pin_memory() const {
  STRIATE_CHECK(device().is_cpu(), "pin_memory: expected a CPU tensor, got one on ", device());
  if (is_pinned() && is_contiguous()) return *this;
  size_t nbytes = checked_nbytes(numel(), element_size(dtype()), "pin_memory");
  Tensor out(
      std::make_shared<TensorImpl>(Storage::allocate_pinned(nbytes), sizes(), contiguous_strides(sizes()), 0, dtype()));
  striate::copy_(out, detach());
  return out;
}

bool Tensor::is_pinned() const { return defined() && impl_->storage() && impl_->storage()->is_pinned(); }

Tensor Tensor::clone() const {
  Tensor out = empty(sizes(), TensorOptions(dtype()).set_device(device()));
  if (device().is_cuda()) {
    STRIATE_CHECK(is_contiguous(), "clone: non-contiguous CUDA tensors are not supported yet");
    backend::cuda_memcpy_device_to_device(out.data_ptr(), data_ptr(), numel() * element_size(dtype()), device().index);
    return out;
  }
  striate::copy_(out, *this);  // records CopyBackward when *this requires grad
  return out;
}

Tensor Tensor::to(DType dtype) const { return to_dtype(*this, dtype); }

Tensor Tensor::to(Device target) const { return to_device(*this, target, false); }

Tensor to_device(const Tensor& self, Device target, bool non_blocking) {
  if (target == self.device()) return self;
  STRIATE_CHECK(!self.requires_grad() || !grad_mode_enabled(),
                "to: moving a tensor that requires grad between devices is not differentiable yet; detach() first");
  Tensor src = self.contiguous();
  const Shape& sizes = self.sizes();
  const DType dtype = self.dtype();
  size_t nbytes = self.numel() * element_size(dtype);
  if (target.is_cpu() && src.device().is_cuda()) {
    // A non-blocking copy to the host needs page-locked memory to be asynchronous.
    Tensor out = non_blocking && nbytes > 0
                     ? Tensor(std::make_shared<TensorImpl>(Storage::allocate_pinned(nbytes), sizes,
                                                           contiguous_strides(sizes), 0, dtype))
                     : empty(sizes, TensorOptions(dtype).set_device(target));
    backend::cuda_memcpy_device_to_host(out.data_ptr(), src.data_ptr(), nbytes, src.device().index,
                                        non_blocking && out.is_pinned());
    return out;
  }
  Tensor out = empty(sizes, TensorOptions(dtype).set_device(target));
  if (target.is_cuda() && src.device().is_cpu())
    // Only a page-locked source can be copied asynchronously (CUDA stages pageable memory).
    backend::cuda_memcpy_host_to_device(out.data_ptr(), src.data_ptr(), nbytes, target.index,
                                        non_blocking && src.is_pinned());
  else
    backend::cuda_memcpy_device_to_device(out.data_ptr(), src.data_ptr(), nbytes, target.index);
  return out;
}

Tensor& Tensor::add_(const Tensor& other, double alpha) { return striate::add_(*this, other, alpha); }
Tensor& Tensor::mul_(double value) { return striate::mul_(*this, Scalar(value)); }
Tensor& Tensor::zero_() { return striate::fill_(*this, 0); }
Tensor& Tensor::fill_(double value) { return striate::fill_(*this, value); }
Tensor& Tensor::copy_(const Tensor& src) { return striate::copy_(*this, src); }

}  // namespace striate
