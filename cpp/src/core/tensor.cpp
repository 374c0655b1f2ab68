// TensorImpl bookkeeping and the Tensor accessors that belong to floor 1 (geometry, autograd
// fields, scalar access). Methods that compute are defined with their op families in ops/, and
// the ones that reach the graph (backward, hooks, retain_grad) in autograd/tensor_methods.cpp.
#include "striate/core/tensor.h"

namespace striate {
namespace {

// The lowest and highest elements a geometry reaches must lie inside its storage: a shape that
// claims more than the buffer holds is refused here, whichever op computed it, before any kernel
// can read past the end.
void check_within_storage(const Shape& sizes, const Shape& strides, int64_t offset, DType dtype,
                          const Storage* storage) {
  int64_t lowest = offset, highest = offset;
  for (int i = 0; i < sizes.size(); ++i) {
    int64_t reach = checked_mul(sizes[i] - 1, strides[i], "tensor", "the element offset");
    if (reach < 0)
      lowest = checked_add(lowest, reach, "tensor", "the element offset");
    else
      highest = checked_add(highest, reach, "tensor", "the element offset");
  }
  const size_t width = element_size(dtype);
  const size_t storage_bytes = storage ? storage->nbytes() : 0;
  bool inside = lowest >= 0 && checked_nbytes(checked_add(highest, 1, "tensor", "the element offset"), width,
                                              "tensor") <= storage_bytes;
  STRIATE_CHECK(inside, "tensor: sizes ", sizes, " with strides ", strides, " at offset ", offset, " reach elements ",
                lowest, " to ", highest, " of ", width, " bytes, but the storage holds ", storage_bytes, " bytes");
}

}  // namespace

TensorImpl::TensorImpl(std::shared_ptr<Storage> storage, Shape sizes, Shape strides, int64_t offset, DType dtype)
    : storage_(std::move(storage)), sizes_(sizes), strides_(strides), offset_(offset), dtype_(dtype) {
  refresh();
}

TensorImpl::~TensorImpl() = default;

AutogradMeta& TensorImpl::ensure_autograd() {
  if (!autograd_) autograd_ = std::make_unique<AutogradMeta>();
  return *autograd_;
}

void TensorImpl::set_data(const TensorImpl& source) {
  storage_ = source.storage_;
  sizes_ = source.sizes_;
  strides_ = source.strides_;
  offset_ = source.offset_;
  dtype_ = source.dtype_;
  refresh();
}

void TensorImpl::refresh() {
  numel_ = sizes_.numel();
  STRIATE_CHECK(strides_.size() == sizes_.size(), "tensor: ", sizes_.size(), " sizes but ", strides_.size(),
                " strides");
  if (numel_ > 0) check_within_storage(sizes_, strides_, offset_, dtype_, storage_.get());
  contiguous_ = true;
  int64_t expected = 1;
  for (int i = sizes_.size() - 1; i >= 0; --i) {
    if (sizes_[i] == 1) continue;
    if (strides_[i] != expected) {
      contiguous_ = false;
      break;
    }
    expected *= sizes_[i];
  }
  if (numel_ == 0) contiguous_ = true;
}

int64_t Tensor::size(int64_t dim) const { return sizes()[wrap_dim(dim, this->dim(), "size")]; }
int64_t Tensor::stride(int64_t dim) const { return strides()[wrap_dim(dim, this->dim(), "stride")]; }

template <typename T>
T* Tensor::data() const {
  STRIATE_CHECK_TYPE(dtype_of<T>::value == dtype(), "data<", dtype_name(dtype_of<T>::value), ">(): tensor has dtype ",
                     dtype());
  return static_cast<T*>(data_ptr());
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template int64_t* Tensor::data<int64_t>() const;
template uint8_t* Tensor::data<uint8_t>() const;
template bool* Tensor::data<bool>() const;
template Half* Tensor::data<Half>() const;
template BFloat16* Tensor::data<BFloat16>() const;

// ---- autograd fields ------------------------------------------------------------

bool Tensor::requires_grad() const {
  auto* meta = impl_->autograd();
  return meta && meta->requires_grad;
}

Tensor& Tensor::requires_grad_(bool requires_grad) {
  if (requires_grad) {
    STRIATE_CHECK_TYPE(is_floating(dtype()),
                       "requires_grad_: only floating-point tensors can require gradients, got dtype ", dtype());
  }
  STRIATE_CHECK_STATE(is_leaf() || requires_grad,
                      "requires_grad_: you can only change requires_grad flags of leaf tensors; use detach() for a "
                      "non-leaf tensor");
  impl_->ensure_autograd().requires_grad = requires_grad;
  return *this;
}

bool Tensor::is_leaf() const {
  auto* meta = impl_->autograd();
  return !meta || !meta->grad_fn;
}

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  auto* meta = impl_->autograd();
  return meta ? meta->grad : undefined;
}

void Tensor::set_data(const Tensor& source) const {
  STRIATE_CHECK_TYPE(defined() && source.defined(), "set_data: expected defined tensors");
  if (impl_ != source.impl_) impl_->set_data(*source.impl());
}

void Tensor::set_grad(const Tensor& grad) const {
  if (grad.defined()) {
    STRIATE_CHECK_SHAPE(grad.sizes() == sizes(), "grad: assigned gradient has shape ", grad.sizes(),
                        " but the tensor has shape ", sizes());
    STRIATE_CHECK_TYPE(grad.dtype() == dtype(), "grad: assigned gradient has dtype ", grad.dtype(),
                       " but the tensor has dtype ", dtype());
  }
  impl_->ensure_autograd().grad = grad;
}

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  auto* meta = impl_->autograd();
  return meta ? meta->grad_fn : nullptr;
}

Tensor Tensor::detach() const {
  return Tensor(std::make_shared<TensorImpl>(storage(), sizes(), strides(), storage_offset(), dtype()));
}

Tensor& Tensor::detach_() {
  if (auto* meta = impl_->autograd()) {
    meta->grad_fn = nullptr;
    meta->requires_grad = false;
    meta->output_nr = 0;
  }
  return *this;
}

bool Tensor::is_parameter() const {
  auto* meta = impl_->autograd();
  return meta && meta->is_parameter;
}

void Tensor::mark_parameter(bool value) const { impl_->ensure_autograd().is_parameter = value; }

// ---- scalar access -----------------------------------------------------------------

double Tensor::item_double() const {
  STRIATE_CHECK(numel() == 1, "item: a Tensor with ", numel(), " elements cannot be converted to a scalar");
  Tensor t = device().is_cpu() ? *this : detach().to(kCPU);  // a loss that requires grad reads too
  return STRIATE_DISPATCH_ALL(t.dtype(), "item",
                              [&] { return static_cast<double>(*static_cast<scalar_t*>(t.data_ptr())); });
}

template <typename T>
T Tensor::item() const {
  STRIATE_CHECK(numel() == 1, "item: a Tensor with ", numel(), " elements cannot be converted to a scalar");
  Tensor t = device().is_cpu() ? *this : detach().to(kCPU);  // a loss that requires grad reads too
  return STRIATE_DISPATCH_ALL(t.dtype(), "item", [&] { return static_cast<T>(*static_cast<scalar_t*>(t.data_ptr())); });
}
template float Tensor::item<float>() const;
template double Tensor::item<double>() const;
template int64_t Tensor::item<int64_t>() const;
template int Tensor::item<int>() const;
template uint8_t Tensor::item<uint8_t>() const;
template bool Tensor::item<bool>() const;

}  // namespace striate
