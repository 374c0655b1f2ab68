// Helpers shared by the elementwise op files (elementwise.cpp, copy.cpp): type promotion, the
// in-place rule and the raw strided copy.
#pragma once
#include "striate/core/tensor.h"

namespace striate::elementwise {

// 0 bool, 1 integer, 2 floating.
int category(DType t);
// PyTorch's rule: a 0-dim tensor does not widen a dimensioned tensor of the same category.
DType result_dtype(const Tensor& a, const Tensor& b);
// In-place writes into a leaf that requires grad raise, as in PyTorch; so do writes into a tensor
// whose elements share memory (check_no_internal_overlap).
void check_inplace_allowed(const Tensor& self, const char* op);
// A tensor written in place must not have two elements at one address (an expanded view: a
// stride-0 dimension of size > 1): the result would depend on the kernel's order. RuntimeError
// naming the op, as PyTorch's "unsupported operation".
void check_no_internal_overlap(const Tensor& self, const char* op);
// Copies src (broadcast to dst's shape) into dst's memory, casting; records nothing.
void copy_kernel(const Tensor& dst, const Tensor& src);

}  // namespace striate::elementwise
