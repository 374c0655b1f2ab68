// Docstrings of the reductions and indexing functions bound in bind_reduce.cpp: the striate.*
// functions and the matching Tensor methods (Google style; the examples run as doctests).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kSum = R"doc(Sum of the elements, over all of them or over ``dim``.

Args:
    input (Tensor): The input.
    dim (int or tuple of ints, optional): The dimension(s) to reduce; None reduces all.
        Default: None.
    keepdim (bool): Keep the reduced dimensions with size 1. Default: False.
    dtype (dtype, optional): Cast ``input`` to this dtype before summing. Default: None.

Returns:
    Tensor: A 0-dimensional tensor, or ``input``'s shape without (or with size 1 at) ``dim``.

Raises:
    IndexError: ``dim`` is out of range.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.sum(x)
    tensor(11.)
    >>> st.sum(x, dim=0, keepdim=True)
    tensor([[4., 7.]])
)doc";

inline constexpr const char* kMean = R"doc(Arithmetic mean of the elements, over all of them or over ``dim``.

Args:
    input (Tensor): The input (floating point, or pass ``dtype``).
    dim (int or tuple of ints, optional): The dimension(s) to reduce; None reduces all.
        Default: None.
    keepdim (bool): Keep the reduced dimensions with size 1. Default: False.
    dtype (dtype, optional): Cast ``input`` to this dtype first. Default: None.

Returns:
    Tensor: The mean, shaped as for :func:`striate.sum`.

Raises:
    IndexError: ``dim`` is out of range.

Example:
    >>> st.mean(st.tensor([[1., 5.], [3., 2.]]))
    tensor(2.7500)
)doc";

inline constexpr const char* kVar =
    R"doc(Variance: ``sum((x - mean(x))**2) / (n - correction)`` over all elements or ``dim``.

Args:
    input (Tensor): The input (floating point).
    dim (int or tuple of ints, optional): The dimension(s) to reduce; None reduces all.
        Default: None.
    unbiased (bool, optional): True for Bessel's correction (``correction=1``), False for the
        population variance (``correction=0``). Default: None (correction 1).
    keepdim (bool): Keep the reduced dimensions with size 1. Default: False.
    correction (int, optional): The ``n - correction`` divisor's offset (keyword only);
        pass either this or ``unbiased``. Default: None (1).

Returns:
    Tensor: The variance, shaped as for :func:`striate.sum`.

Raises:
    ValueError: Both ``unbiased`` and ``correction`` are given.
    IndexError: ``dim`` is out of range.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.var(x)
    tensor(2.9167)
    >>> st.var(x, dim=1, correction=0)
    tensor([4.0000, 0.2500])
)doc";

inline constexpr const char* kStd = R"doc(Standard deviation: the square root of :func:`striate.var`, same arguments.

Args:
    input (Tensor): The input (floating point).
    dim (int or tuple of ints, optional): The dimension(s) to reduce. Default: None (all).
    unbiased (bool, optional): Bessel's correction on (True) or off. Default: None (on).
    keepdim (bool): Keep the reduced dimensions with size 1. Default: False.
    correction (int, optional): The divisor is ``n - correction`` (keyword only). Default: None (1).

Returns:
    Tensor: The standard deviation, shaped as for :func:`striate.sum`.

Example:
    >>> st.std(st.tensor([[1., 5.], [3., 2.]]), dim=0)
    tensor([1.4142, 2.1213])
)doc";

inline constexpr const char* kMax =
    R"doc(Maximum: of all elements, along ``dim`` (with indices), or elementwise with a tensor.

``max(input)`` returns the largest element; ``max(input, dim)`` returns the named tuple
``(values, indices)`` along ``dim``; ``max(input, other)`` with a tensor is
:func:`striate.maximum`. The gradient flows to the selected elements.

Args:
    input (Tensor): The input.
    dim (int or Tensor, optional): The dimension to reduce, or a second tensor. Default: None.
    keepdim (bool): Keep ``dim`` with size 1. Default: False.

Returns:
    Tensor or (Tensor, Tensor): The maximum, or ``(values, indices)`` (indices int64).

Raises:
    IndexError: ``dim`` is out of range.
    ValueError: ``input`` is empty.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.max(x)
    tensor(5.)
    >>> st.max(x, dim=1)
    max(values=tensor([5., 3.]), indices=tensor([1, 0]))
)doc";

inline constexpr const char* kMin =
    R"doc(Minimum: of all elements, along ``dim`` (with indices), or elementwise with a tensor.

The counterpart of :func:`striate.max`, same arguments and results.

Args:
    input (Tensor): The input.
    dim (int or Tensor, optional): The dimension to reduce, or a second tensor. Default: None.
    keepdim (bool): Keep ``dim`` with size 1. Default: False.

Returns:
    Tensor or (Tensor, Tensor): The minimum, or ``(values, indices)``.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.min(x)
    tensor(1.)
    >>> st.min(x, dim=0).indices
    tensor([0, 1])
)doc";

inline constexpr const char* kArgmax = R"doc(Index of the maximum: of the flattened tensor, or along ``dim``.

Ties give the first index.

Args:
    input (Tensor): The input.
    dim (int, optional): The dimension to reduce; None flattens first. Default: None.
    keepdim (bool): Keep ``dim`` with size 1. Default: False.

Returns:
    Tensor: int64 indices.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.argmax(x)
    tensor(1)
    >>> st.argmax(x, dim=0)
    tensor([1, 0])
)doc";

inline constexpr const char* kArgmin = R"doc(Index of the minimum: of the flattened tensor, or along ``dim``.

Args:
    input (Tensor): The input.
    dim (int, optional): The dimension to reduce; None flattens first. Default: None.
    keepdim (bool): Keep ``dim`` with size 1. Default: False.

Returns:
    Tensor: int64 indices.

Example:
    >>> st.argmin(st.tensor([[1., 5.], [3., 2.]]), dim=1)
    tensor([0, 1])
)doc";

inline constexpr const char* kGather =
    R"doc(Gathers values along ``dim``: ``out[i][j] = input[i][index[i][j]]`` for ``dim=1``.

Args:
    input (Tensor): The source.
    dim (int): The dimension to index along.
    index (Tensor): int64 indices, of ``input``'s number of dimensions.

Returns:
    Tensor: A tensor of ``index``'s shape; the gradient scatters back into ``input``.

Raises:
    TypeError: ``index`` is not int64.
    IndexError: An index is out of range.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.gather(x, 1, st.tensor([[1], [0]]))
    tensor([[5.],
            [3.]])
)doc";

inline constexpr const char* kIndexSelect = R"doc(Selects the entries ``index`` along ``dim``.

Args:
    input (Tensor): The source.
    dim (int): The dimension to index.
    index (Tensor): 1-D int64 indices.

Returns:
    Tensor: ``input``'s shape with ``dim`` of size ``len(index)``.

Raises:
    IndexError: An index is out of range.

Example:
    >>> st.index_select(st.tensor([[1., 5.], [3., 2.]]), 0, st.tensor([1]))
    tensor([[3., 2.]])
)doc";

inline constexpr const char* kMaskedSelect = R"doc(The elements of ``input`` where ``mask`` is True, as a 1-D tensor.

Args:
    input (Tensor): The source.
    mask (Tensor): A bool tensor broadcastable to ``input``.

Returns:
    Tensor: 1-D, in row-major order.

Raises:
    TypeError: ``mask`` is not a bool tensor.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.masked_select(x, x > 2)
    tensor([5., 3.])
)doc";

inline constexpr const char* kTensorSum = R"doc(Sum over all elements or ``dim``; see :func:`striate.sum`.

Example:
    >>> st.tensor([[1., 2.], [3., 4.]]).sum(dim=1)
    tensor([3., 7.])
)doc";

inline constexpr const char* kTensorMean = R"doc(Mean over all elements or ``dim``; see :func:`striate.mean`.

Example:
    >>> st.tensor([[1., 2.], [3., 4.]]).mean(dim=0)
    tensor([2., 3.])
)doc";

inline constexpr const char* kTensorVar = R"doc(Variance; see :func:`striate.var`.

Example:
    >>> st.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
)doc";

inline constexpr const char* kTensorStd = R"doc(Standard deviation; see :func:`striate.std`.

Example:
    >>> st.tensor([1., 3.]).std(unbiased=False)
    tensor(1.)
)doc";

inline constexpr const char* kTensorMax =
    R"doc(Maximum, or ``(values, indices)`` along ``dim``; see :func:`striate.max`.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).max(dim=0).values
    tensor([3., 5.])
)doc";

inline constexpr const char* kTensorMin =
    R"doc(Minimum, or ``(values, indices)`` along ``dim``; see :func:`striate.min`.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).min()
    tensor(1.)
)doc";

inline constexpr const char* kTensorArgmax = R"doc(Index of the maximum; see :func:`striate.argmax`.

Example:
    >>> st.tensor([1., 5., 3.]).argmax()
    tensor(1)
)doc";

inline constexpr const char* kTensorArgmin = R"doc(Index of the minimum; see :func:`striate.argmin`.

Example:
    >>> st.tensor([1., 5., 3.]).argmin()
    tensor(0)
)doc";

inline constexpr const char* kTensorMaskedFill = R"doc(A copy of ``self`` with ``value`` where ``mask`` is True.

Args:
    mask (Tensor): A bool tensor that broadcasts against ``self`` from the trailing dimensions.
    value (number or 0-dim Tensor): The fill value.

Returns:
    Tensor: A new tensor of ``self``'s shape; the gradient is zero at the filled places.

Raises:
    TypeError: ``mask`` is not a bool tensor.
    ValueError: ``mask`` does not broadcast to ``self``'s shape.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> x.masked_fill(x > 2, 0.)
    tensor([[1., 0.],
            [0., 2.]])
)doc";

inline constexpr const char* kTensorMaskedFillInplace =
    R"doc(In-place :meth:`masked_fill`: writes ``value`` where ``mask`` is True; returns ``self``.

Example:
    >>> x = st.tensor([1., 5., 3.])
    >>> x.masked_fill_(x > 2, -1.)
    tensor([ 1., -1., -1.])
)doc";

inline constexpr const char* kTensorGather = R"doc(Gathers values along ``dim``; see :func:`striate.gather`.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).gather(1, st.tensor([[0], [1]]))
    tensor([[1.],
            [2.]])
)doc";

inline constexpr const char* kTensorIndexSelect = R"doc(Selects entries along ``dim``; see :func:`striate.index_select`.

Example:
    >>> st.tensor([10., 20., 30.]).index_select(0, st.tensor([2, 0]))
    tensor([30., 10.])
)doc";

inline constexpr const char* kTensorMaskedSelect =
    R"doc(Elements where ``mask`` is True, 1-D; see :func:`striate.masked_select`.

Example:
    >>> x = st.tensor([1., 5., 3.])
    >>> x.masked_select(x > 2)
    tensor([5., 3.])
)doc";

}  // namespace striate::python::docstrings
