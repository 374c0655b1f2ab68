// Joining and indexing: cat (the concatenation merge; its backward splits the gradient by
// ranges), stack, integer-tensor and boolean-mask indexing, and the writes behind __setitem__.
#pragma once
#include <vector>

#include "striate/core/scalar.h"
#include "striate/core/tensor.h"

namespace striate {

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
// Selects entries along `dim` by an int64 index tensor of any shape (result dims replace dim).
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
// Advanced indexing x[index] along dim 0 with an integer tensor of any shape.
Tensor take_along_dim0(const Tensor& x, const Tensor& index);
// x[mask]: a 1-D tensor of the elements where `mask` (bool, same leading shape) is true.
Tensor masked_select(const Tensor& x, const Tensor& mask);
// x[mask] = value / x[mask] = src (in place).
Tensor& masked_fill_(Tensor& x, const Tensor& mask, Scalar value);
Tensor& masked_scatter_(Tensor& x, const Tensor& mask, const Tensor& source);
Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value);
// x[index] = src along dim 0 (in place; index int64).
Tensor& index_put_(Tensor& x, const Tensor& index, const Tensor& source);
// gather along dim (used by losses).
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);

}  // namespace striate
