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
class Node;
}
class Tensor;
struct AutogradMeta;
using TensorHook = std::function<Tensor(const Tensor&)>;  // returns an undefined Tensor to keep the grad

class TensorImpl {
 public:
  TensorImpl(std::shared_ptr<Storage> storage, Shape sizes, Shape strides, int64_t offset, DType dtype);
  ~TensorImpl();

  const std::shared_ptr<Storage>& storage() const { return storage_; }
  const Shape& sizes() const { return sizes_; }
  const Shape& strides() const { return strides_; }
  int64_t offset() const { return offset_; }
  DType dtype() const { return dtype_; }
  Device device() const { return storage_->device(); }
  int64_t numel() const { return numel_; }
  bool is_contiguous() const { return contiguous_; }
  void* data() const {
    return static_cast<char*>(storage_->data()) + offset_ * static_cast<int64_t>(element_size(dtype_));
  }

  AutogradMeta* autograd() const { return autograd_.get(); }
  AutogradMeta& ensure_autograd();

  // Points this tensor at `source`'s memory, shape, strides and dtype (Python's `t.data = source`,
  // Module.to); autograd state (requires_grad, .grad, hooks, history) stays with this tensor.
  void set_data(const TensorImpl& source);
  // Set on tensors made by view ops (they alias another tensor's memory).
  bool is_view() const { return is_view_; }
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

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }

  // ---- geometry ----
  const Shape& sizes() const { return impl_->sizes(); }
  const Shape& shape() const { return impl_->sizes(); }
  const Shape& strides() const { return impl_->strides(); }
  int64_t size(int64_t dim) const;
  int64_t stride(int64_t dim) const;
  int dim() const { return impl_->sizes().size(); }
  int64_t numel() const { return impl_->numel(); }
  int64_t storage_offset() const { return impl_->offset(); }
  DType dtype() const { return impl_->dtype(); }
  Device device() const { return impl_->device(); }
  bool is_contiguous() const { return impl_->is_contiguous(); }
  bool is_floating_point() const { return is_floating(dtype()); }
  void* data_ptr() const { return impl_->data(); }
  // See TensorImpl::set_data. As in PyTorch, this bypasses autograd: no version bump, no history.
  void set_data(const Tensor& source) const;
  template <typename T>
  T* data() const;  // checks that T matches dtype()
  const std::shared_ptr<Storage>& storage() const { return impl_->storage(); }
  std::string str() const;  // PyTorch-like repr

  // ---- autograd ----
  bool requires_grad() const;
  Tensor& requires_grad_(bool requires_grad = true);
  bool is_leaf() const;
  const Tensor& grad() const;  // undefined when no gradient has arrived
  void set_grad(const Tensor& grad) const;
  std::shared_ptr<autograd::Node> grad_fn() const;
  void backward(const Tensor& gradient = Tensor(), bool retain_graph = false) const;
  Tensor detach() const;  // shares storage, no history
  Tensor& detach_();
  void retain_grad() const;
  // The hook sees the gradient flowing into this tensor and may return a replacement.
  // Returns a handle for remove_hook().
  int register_hook(TensorHook hook) const;
  void remove_hook(int handle) const;
  bool is_parameter() const;
  void mark_parameter(bool value = true) const;
  // Bumps the storage version after an in-place write (autograd checks it on saved tensors).
  void bump_version() const { storage()->bump_version(); }

  // ---- scalar access ----
  template <typename T>
  T item() const;
  double item_double() const;

  // ---- views (no copy) ----
  Tensor view(const Shape& shape) const;
  Tensor reshape(const Shape& shape) const;  // a view when possible, else a copy
  Tensor permute(const std::vector<int64_t>& dims) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor expand(const Shape& shape) const;
  Tensor expand_as(const Tensor& other) const { return expand(other.sizes()); }
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor contiguous() const;
  // A contiguous copy in page-locked memory (CPU tensors; needs the CUDA backend and a device),
  // or *this when it is pinned already.
  Tensor pin_memory() const;
  bool is_pinned() const;
  Tensor clone() const;
  Tensor to(DType dtype) const;
  Tensor to(Device device) const;

  // ---- math (see ops/ for the free-function forms and their options) ----
  Tensor sum() const;
  Tensor sum(const std::vector<int64_t>& dims, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(const std::vector<int64_t>& dims, bool keepdim = false) const;
  Tensor argmax(int64_t dim, bool keepdim = false) const;
  Tensor matmul(const Tensor& other) const;
  Tensor& add_(const Tensor& other, double alpha = 1.0);
  Tensor& mul_(double value);
  Tensor& zero_();
  Tensor& fill_(double value);
  Tensor& copy_(const Tensor& src);

 private:
  std::shared_ptr<TensorImpl> impl_;
};

struct AutogradMeta {
  bool requires_grad = false;
  bool retains_grad = false;
  bool is_parameter = false;
  Tensor grad;
  std::shared_ptr<autograd::Node> grad_fn;  // null for leaves
  uint32_t output_nr = 0;
  std::weak_ptr<autograd::Node> grad_accumulator;  // leaves only, created on demand
  std::vector<std::pair<int, TensorHook>> hooks;
  int next_hook_id = 0;
};

std::ostream& operator<<(std::ostream& out, const Tensor& t);

}  // namespace striate
