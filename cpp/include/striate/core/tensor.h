// Tensor: a strided view (shape, strides, offset, dtype) into refcounted Storage, plus the
// autograd fields. Copying a Tensor copies a handle; views share storage.
//   striate::Tensor x = striate::randn({8, 1, 28, 28});
//   striate::Tensor y = x.reshape({8, -1}).sum({1});
// Method bodies that compute live with their op families in cpp/src/ops/.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "striate/core/device.h"
#include "striate/core/dtype.h"
#include "striate/core/shape.h"
#include "striate/core/storage.h"

namespace striate {

namespace autograd {
/// A node of the autograd graph (autograd.h).
class Node;
}  // namespace autograd
class Tensor;
struct AutogradMeta;
/// A gradient hook: sees the gradient flowing into a tensor and returns a replacement, or an
/// undefined Tensor to keep it.
using TensorHook = std::function<Tensor(const Tensor&)>;  // returns an undefined Tensor to keep the grad

/// The storage behind a Tensor handle: a strided view (shape, strides, offset, dtype) into
/// refcounted Storage, plus the autograd fields (allocated on first use). Users work with Tensor;
/// TensorImpl is public for extensions and the bindings. Not thread-safe for writes.
class TensorImpl {
 public:
  /// @param storage the memory (not null).
  /// @param sizes the shape.
  /// @param strides the strides in elements, one per dim.
  /// @param offset the first element's offset in elements.
  /// @param dtype the element type.
  /// @throws ValueError when sizes and strides differ in length or the view exceeds the storage.
  TensorImpl(std::shared_ptr<Storage> storage, Shape sizes, Shape strides, int64_t offset, DType dtype);
  /// Releases the storage reference and the autograd fields.
  ~TensorImpl();

  /// @return the storage.
  const std::shared_ptr<Storage>& storage() const { return storage_; }
  /// @return the shape.
  const Shape& sizes() const { return sizes_; }
  /// @return the strides, in elements.
  const Shape& strides() const { return strides_; }
  /// @return the storage offset, in elements.
  int64_t offset() const { return offset_; }
  /// @return the element type.
  DType dtype() const { return dtype_; }
  /// @return the device of the storage.
  Device device() const { return storage_->device(); }
  /// @return the number of elements.
  int64_t numel() const { return numel_; }
  /// @return whether the strides are row-major contiguous.
  bool is_contiguous() const { return contiguous_; }
  /// @return the address of the first element; nullptr for a view into a storage that holds no
  /// bytes (a zero-size view may carry an offset, and null plus an offset is undefined behavior).
  void* data() const {
    char* base = static_cast<char*>(storage_->data());
    return base ? base + offset_ * static_cast<int64_t>(element_size(dtype_)) : nullptr;
  }

  /// The autograd fields.
  /// @return them, or nullptr when never needed.
  AutogradMeta* autograd() const { return autograd_.get(); }
  /// The autograd fields, created when absent.
  /// @return them.
  AutogradMeta& ensure_autograd();

  /// Points this tensor at `source`'s memory, shape, strides and dtype (Python's `t.data = source`,
  /// Module.to); autograd state (requires_grad, .grad, hooks, history) stays with this tensor.
  /// @param source the tensor whose memory and geometry are taken.
  void set_data(const TensorImpl& source);
  /// Set on tensors made by view ops (they alias another tensor's memory).
  /// @return whether this tensor aliases another's memory through a view op.
  bool is_view() const { return is_view_; }
  /// Marks this tensor as a view (set by view ops).
  /// @param v the flag.
  void set_is_view(bool v) { is_view_ = v; }

 private:
  void refresh();
  std::shared_ptr<Storage> storage_;
  Shape sizes_, strides_;
  int64_t offset_;
  DType dtype_;
  int64_t numel_ = 1;
  bool contiguous_ = true;
  bool is_view_ = false;
  std::unique_ptr<AutogradMeta> autograd_;
};

/// The n-dimensional array of striate, as torch.Tensor: a shared handle to a TensorImpl.
///
/// Copying a Tensor copies the handle (both see the same data); view ops share storage.
/// A default-constructed Tensor is undefined (defined() is false): only defined() and
/// the handle accessors may be called on it. Tensors are not synchronized: concurrent reads are
/// safe, a write concurrent with any other access is a data race.
/// @code{.cpp}
/// striate::Tensor x = striate::randn({8, 1, 28, 28});   // (N, C, H, W)
/// striate::Tensor y = x.reshape({8, -1}).sum({1});       // (8)
/// @endcode
class Tensor {
 public:
  /// An undefined tensor.
  Tensor() = default;
  /// Wraps an implementation.
  /// @param impl the implementation (may be null: undefined).
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  /// @return whether this handle refers to a tensor.
  bool defined() const { return impl_ != nullptr; }
  /// @return the implementation, or nullptr when undefined.
  TensorImpl* impl() const { return impl_.get(); }
  /// @return the shared implementation.
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  /// Whether two handles refer to the same tensor (not just equal values).
  /// @param o the other tensor.
  /// @return true for the same TensorImpl.
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }

  // ---- geometry ----
  /// @return the shape.
  const Shape& sizes() const { return impl_->sizes(); }
  /// The shape (same as sizes()).
  /// @return the shape.
  const Shape& shape() const { return impl_->sizes(); }
  /// @return the strides, in elements.
  const Shape& strides() const { return impl_->strides(); }
  /// @param dim the dim; negative counts from the end.
  /// @return the size of that dim.
  /// @throws IndexError when dim is out of range.
  int64_t size(int64_t dim) const;
  /// @param dim the dim; negative counts from the end.
  /// @return the stride of that dim, in elements.
  /// @throws IndexError when dim is out of range.
  int64_t stride(int64_t dim) const;
  /// @return the number of dims (0 for a scalar).
  int dim() const { return impl_->sizes().size(); }
  /// @return the number of elements.
  int64_t numel() const { return impl_->numel(); }
  /// @return the offset of the first element in the storage, in elements.
  int64_t storage_offset() const { return impl_->offset(); }
  /// @return the element type.
  DType dtype() const { return impl_->dtype(); }
  /// @return where the data lives.
  Device device() const { return impl_->device(); }
  /// @return whether the layout is row-major contiguous.
  bool is_contiguous() const { return impl_->is_contiguous(); }
  /// @return whether the dtype is float16, bfloat16, float32 or float64.
  bool is_floating_point() const { return is_floating(dtype()); }
  /// @return the address of the first element.
  void* data_ptr() const { return impl_->data(); }
  /// See TensorImpl::set_data. As in PyTorch, this bypasses autograd: no version bump, no history.
  /// @param source the tensor whose data is taken.
  void set_data(const Tensor& source) const;
  /// The typed address of the first element.
  /// @tparam T the C++ element type (float, double, int64_t, ...).
  /// @return the pointer.
  /// @throws TypeError when T does not match dtype().
  template <typename T>
  T* data() const;  // checks that T matches dtype()
  /// @return the storage.
  const std::shared_ptr<Storage>& storage() const { return impl_->storage(); }
  /// A PyTorch-like repr ("tensor([[1., 2.]])").
  /// @return the text.
  std::string str() const;  // PyTorch-like repr

  // ---- autograd ----
  /// @return whether autograd records operations on this tensor.
  bool requires_grad() const;
  /// Sets requires_grad in place.
  /// @param requires_grad the flag (default true).
  /// @return *this.
  /// @throws RuntimeError when setting it on a non-leaf, or on an integer tensor.
  Tensor& requires_grad_(bool requires_grad = true);
  /// @return true for tensors created by the user (no grad_fn).
  bool is_leaf() const;
  /// The accumulated gradient.
  /// @return the gradient, undefined when no gradient has arrived.
  const Tensor& grad() const;  // undefined when no gradient has arrived
  /// Replaces the gradient.
  /// @param grad the new gradient (undefined clears it); same shape as this tensor.
  /// @throws ShapeError when the shapes differ.
  void set_grad(const Tensor& grad) const;
  /// @return the node that produced this tensor, null for leaves.
  std::shared_ptr<autograd::Node> grad_fn() const;
  /// Computes the gradient of this tensor with respect to the graph's leaves and accumulates
  /// it into their grad().
  /// @param gradient d(out)/d(this), same shape; undefined (default) for a one-element tensor.
  /// @param retain_graph keep the saved tensors for another backward (default false).
  /// @throws RuntimeError when the tensor does not require grad, the graph was freed, or a saved
  ///   tensor was modified in place.
  /// @throws ValueError when gradient is undefined and the tensor has more than one element.
  void backward(const Tensor& gradient = Tensor(), bool retain_graph = false) const;
  /// A view that shares storage but has no history and does not require grad.
  /// @return the detached tensor.
  Tensor detach() const;  // shares storage, no history
  /// Detaches this tensor in place.
  /// @return *this.
  Tensor& detach_();
  /// Makes a non-leaf tensor keep its grad() during backward.
  void retain_grad() const;
  /// The hook sees the gradient flowing into this tensor and may return a replacement.
  /// Returns a handle for remove_hook().
  /// @param hook the hook.
  /// @return the handle.
  /// @throws RuntimeError when the tensor does not require grad.
  int register_hook(TensorHook hook) const;
  /// Removes a hook (an unknown handle is ignored).
  /// @param handle a handle from register_hook().
  void remove_hook(int handle) const;
  /// @return whether the tensor was marked as a module parameter.
  bool is_parameter() const;
  /// Marks (or unmarks) the tensor as a module parameter.
  /// @param value the flag (default true).
  void mark_parameter(bool value = true) const;
  /// Bumps the storage version after an in-place write (autograd checks it on saved tensors).
  void bump_version() const { storage()->bump_version(); }

  // ---- scalar access ----
  /// The value of a one-element tensor.
  /// @tparam T the C++ type to convert to.
  /// @return the value.
  /// @throws ValueError when numel() is not 1.
  template <typename T>
  T item() const;
  /// The value of a one-element tensor as a double.
  /// @return the value.
  /// @throws ValueError when numel() is not 1.
  double item_double() const;

  // ---- views (no copy) ----
  /// A view with another shape (one size may be -1).
  /// @param shape the new shape.
  /// @return the view.
  /// @throws ValueError when numel differs or the strides do not allow a view.
  Tensor view(const Shape& shape) const;
  /// @param shape the new shape (one size may be -1).
  /// @return the reshaped tensor.
  /// @throws ValueError when numel differs.
  Tensor reshape(const Shape& shape) const;  // a view when possible, else a copy
  /// A view with the dims reordered.
  /// @param dims a permutation of the dims.
  /// @return the view.
  /// @throws ValueError when dims is not a permutation.
  Tensor permute(const std::vector<int64_t>& dims) const;
  /// A view with two dims swapped.
  /// @param dim0 the first dim.
  /// @param dim1 the second dim.
  /// @return the view.
  /// @throws IndexError when a dim is out of range.
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  /// The transpose of a tensor of at most 2 dims.
  /// @return the view.
  /// @throws ValueError when dim() > 2.
  Tensor t() const;
  /// A view of `length` entries of `dim` from `start`.
  /// @param dim the dim.
  /// @param start the first index.
  /// @param length the number of entries.
  /// @return the view.
  /// @throws IndexError when the range is outside the dim.
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  /// A view of entries [start, end) of `dim`, every `step`-th (Python's x[start:end:step]).
  /// @param dim the dim.
  /// @param start the first index (clamped; negative counts from the end).
  /// @param end one past the last index (clamped).
  /// @param step the step, > 0 (default 1).
  /// @return the view.
  /// @throws ValueError when step <= 0.
  Tensor slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
  /// A view of one entry of `dim`, which is removed.
  /// @param dim the dim.
  /// @param index the entry; negative counts from the end.
  /// @return the view.
  /// @throws IndexError when index or dim is out of range.
  Tensor select(int64_t dim, int64_t index) const;
  /// A broadcast view (stride 0 on expanded dims); -1 keeps a size.
  /// @param shape the new shape.
  /// @return the view.
  /// @throws ShapeError when the shape is not a broadcast of this one.
  Tensor expand(const Shape& shape) const;
  /// expand(other.sizes()).
  /// @param other the tensor whose shape is taken.
  /// @return the view.
  /// @throws ShapeError when the shape is not a broadcast of this one.
  Tensor expand_as(const Tensor& other) const { return expand(other.sizes()); }
  /// A view without the dims of size 1.
  /// @return the view.
  Tensor squeeze() const;
  /// A view without `dim` when its size is 1 (else the same shape).
  /// @param dim the dim.
  /// @return the view.
  /// @throws IndexError when dim is out of range.
  Tensor squeeze(int64_t dim) const;
  /// A view with a new dim of size 1 at `dim`.
  /// @param dim the new dim's position, in [-dim()-1, dim()].
  /// @return the view.
  /// @throws IndexError when dim is out of range.
  Tensor unsqueeze(int64_t dim) const;
  /// Merges dims start_dim..end_dim into one.
  /// @param start_dim the first dim (default 0).
  /// @param end_dim the last dim (default -1).
  /// @return a view when possible, else a copy.
  /// @throws IndexError when a dim is out of range.
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  /// A row-major contiguous tensor with the same values.
  /// @return *this when contiguous already, else a copy.
  Tensor contiguous() const;
  /// A contiguous copy in page-locked memory (CPU tensors; needs the CUDA backend and a device),
  /// or *this when it is pinned already.
  /// @return the pinned tensor.
  /// @throws RuntimeError when the tensor is not on the CPU or CUDA is unavailable.
  Tensor pin_memory() const;
  /// @return whether the tensor's memory is page-locked.
  bool is_pinned() const;
  /// A copy with its own storage (differentiable).
  /// @return the copy.
  Tensor clone() const;
  /// A copy converted to another dtype (*this when it has it already).
  /// @param dtype the target dtype.
  /// @return the converted tensor.
  Tensor to(DType dtype) const;
  /// A copy on another device (*this when it is there already).
  /// @param device the target device.
  /// @return the moved tensor.
  /// @throws RuntimeError when the device is not available.
  Tensor to(Device device) const;

  // ---- math (see ops/ for the free-function forms and their options) ----
  /// @return the sum of all elements, a scalar.
  Tensor sum() const;
  /// The sum over `dims`.
  /// @param dims the dims to reduce.
  /// @param keepdim keep them with size 1 (default false).
  /// @return the reduced tensor.
  /// @throws IndexError when a dim is out of range.
  Tensor sum(const std::vector<int64_t>& dims, bool keepdim = false) const;
  /// @return the mean of all elements, a scalar.
  /// @throws TypeError for an integer tensor.
  Tensor mean() const;
  /// The mean over `dims`.
  /// @param dims the dims to reduce.
  /// @param keepdim keep them with size 1 (default false).
  /// @return the reduced tensor.
  /// @throws IndexError when a dim is out of range.
  /// @throws TypeError for an integer tensor.
  Tensor mean(const std::vector<int64_t>& dims, bool keepdim = false) const;
  /// The index of the largest value along `dim` (the first on ties).
  /// @param dim the dim.
  /// @param keepdim keep it with size 1 (default false).
  /// @return int64 indices.
  /// @throws IndexError when dim is out of range.
  Tensor argmax(int64_t dim, bool keepdim = false) const;
  /// The matrix product with broadcasting (torch.matmul).
  /// @param other the right operand.
  /// @return the product.
  /// @throws ShapeError when the inner sizes differ.
  Tensor matmul(const Tensor& other) const;
  /// this += alpha * other, in place.
  /// @param other broadcastable to this tensor's shape.
  /// @param alpha the multiplier (default 1.0).
  /// @return *this.
  /// @throws ShapeError when other does not broadcast.
  Tensor& add_(const Tensor& other, double alpha = 1.0);
  /// this *= value, in place.
  /// @param value the multiplier.
  /// @return *this.
  Tensor& mul_(double value);
  /// Sets every element to 0, in place.
  /// @return *this.
  Tensor& zero_();
  /// Sets every element to value, in place.
  /// @param value the value (converted to the dtype).
  /// @return *this.
  Tensor& fill_(double value);
  /// Copies src's values (broadcast, converted) into this tensor, in place.
  /// @param src the source.
  /// @return *this.
  /// @throws ShapeError when src does not broadcast to this shape.
  Tensor& copy_(const Tensor& src);

 private:
  std::shared_ptr<TensorImpl> impl_;
};

/// The autograd fields of a tensor (created on first use).
struct AutogradMeta {
  /// Whether operations on the tensor are recorded.
  bool requires_grad = false;
  /// Whether a non-leaf keeps its gradient (retain_grad()).
  bool retains_grad = false;
  /// Whether the tensor is a module parameter.
  bool is_parameter = false;
  /// The accumulated gradient.
  Tensor grad;
  /// The node that produced the tensor (null for leaves).
  std::shared_ptr<autograd::Node> grad_fn;  // null for leaves
  /// Which output of grad_fn the tensor is.
  uint32_t output_nr = 0;
  /// The leaf's AccumulateGrad node (leaves only, created on demand).
  std::weak_ptr<autograd::Node> grad_accumulator;  // leaves only, created on demand
  /// The gradient hooks with their handles.
  std::vector<std::pair<int, TensorHook>> hooks;
  /// The next hook handle.
  int next_hook_id = 0;
};

/// Writes t.str() to `out`.
/// @param out the stream.
/// @param t the tensor.
/// @return `out`.
std::ostream& operator<<(std::ostream& out, const Tensor& t);

}  // namespace striate
