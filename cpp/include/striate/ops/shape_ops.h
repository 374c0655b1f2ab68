// Joining and indexing: cat (the concatenation merge; its backward splits the gradient by
// ranges), stack, integer-tensor and boolean-mask indexing, and the writes behind __setitem__.
#pragma once
#include <vector>

#include "striate/core/scalar.h"
#include "striate/core/tensor.h"

namespace striate {

/// Concatenates tensors along dim.
/// @param tensors the tensors (at least one), equal shapes except along dim.
/// @param dim the dim (default 0).
/// @return the concatenation.
/// @throws ShapeError when the shapes do not match.
/// @throws ValueError when the list is empty.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// Stacks tensors of one shape along a new dim.
/// @param tensors the tensors (at least one), all of one shape.
/// @param dim the new dim's position (default 0).
/// @return the stacked tensor.
/// @throws ShapeError when the shapes differ.
/// @throws ValueError when the list is empty.
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// Selects entries along `dim` by an int64 index tensor of any shape (result dims replace dim).
/// @param x the input.
/// @param dim the dim.
/// @param index int64 indices, any shape.
/// @return the selection.
/// @throws IndexError when an index or the dim is out of range.
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
/// Advanced indexing x[index] along dim 0 with an integer tensor of any shape.
/// @param x the input.
/// @param index integer indices, any shape.
/// @return the selection, (index's shape, x's trailing shape).
/// @throws IndexError when an index is out of range.
Tensor take_along_dim0(const Tensor& x, const Tensor& index);
/// x[mask]: a 1-D tensor of the elements where `mask` (bool, same leading shape) is true.
/// @param x the input.
/// @param mask bool, x's leading shape.
/// @return the selected elements.
/// @throws ShapeError when the shapes do not match.
Tensor masked_select(const Tensor& x, const Tensor& mask);
/// x[mask] = value / x[mask] = src (in place).
/// @param x the tensor written.
/// @param mask bool, broadcastable to x.
/// @param value the value.
/// @return x.
/// @throws ShapeError when mask does not broadcast.
Tensor& masked_fill_(Tensor& x, const Tensor& mask, Scalar value);
/// Writes source's elements, in order, where mask is true (in place).
/// @param x the tensor written.
/// @param mask bool, broadcastable to x.
/// @param source at least as many elements as mask's true entries.
/// @return x.
/// @throws ShapeError when mask does not broadcast or source is too small.
Tensor& masked_scatter_(Tensor& x, const Tensor& mask, const Tensor& source);
/// A copy of x with value where mask is true.
/// @param x the input.
/// @param mask bool, broadcastable to x.
/// @param value the value.
/// @return the result.
/// @throws ShapeError when mask does not broadcast.
Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value);
/// x[index] = src along dim 0 (in place; index int64).
/// @param x the tensor written.
/// @param index int64 indices into dim 0.
/// @param source the values, broadcastable to x[index].
/// @return x.
/// @throws IndexError when an index is out of range.
Tensor& index_put_(Tensor& x, const Tensor& index, const Tensor& source);
/// gather along dim (used by losses).
/// @param x the input.
/// @param dim the dim.
/// @param index int64, x's rank.
/// @return out[i][j] = x[index[i][j]][j] (for dim 0; likewise others).
/// @throws IndexError when an index is out of range.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);

}  // namespace striate
