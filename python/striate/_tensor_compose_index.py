"""torch's ordering and indexing functions composed from striate's ops, under torch's names and
signatures: sort, argsort, topk, scatter / scatter_ / scatter_add_, nonzero, roll and
repeat_interleave. The order of elements (a permutation, never differentiable) is found on a host
copy; values move by gather / index_select, so gradients flow as in torch.

    values, indices = x.topk(3, dim=1);  onehot = striate.zeros(10).scatter_(0, label, value=1)
"""

import builtins
import collections

import numpy as np

from . import _C
from ._C import Tensor
from ._tensor_compose import _dim, _int, _method, _st, _tensor

__all__ = ["sort", "argsort", "topk", "scatter", "nonzero", "roll", "repeat_interleave", "diag"]

#: torch.return_types.sort / topk: a (values, indices) tuple with names.
SortResult = collections.namedtuple("sort", ["values", "indices"])
TopkResult = collections.namedtuple("topk", ["values", "indices"])


def _host(t):
    t = t.detach()
    if str(t.device) != "cpu":
        t = t.cpu()
    if t.dtype == _C.dtype.bfloat16:  # NumPy has no bfloat16: float32 holds it exactly, same order
        t = t.float()
    return t.numpy()


def _order(input, dim):
    """The int64 permutation that sorts input ascending along dim (stable; NaN last)."""
    values = _host(input)
    if values.dtype == np.bool_:
        values = values.astype(np.uint8)
    return np.argsort(values, axis=dim, kind="stable")


def _order_descending(input, dim):
    """Descending and stable, NaN first (torch's order): ascending order of a reversed key."""
    values = _host(input)
    if values.dtype == np.bool_:
        values = values.astype(np.uint8)
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        key = np.where(nan, 0, -values)
        return np.lexsort((key, ~nan), axis=dim)  # the last key sorts first: NaN (False) first
    key = ~values if values.dtype.kind == "i" else np.iinfo(values.dtype).max - values
    return np.argsort(key, axis=dim, kind="stable")


@_method()
def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices) of input sorted along dim. striate's sort is always stable.

    Example:
        >>> x = st.tensor([[3.0, 1.0, 2.0], [0.5, -1.0, 4.0]])
        >>> values, indices = st.sort(x)
        >>> values
        tensor([[ 1.0000,  2.0000,  3.0000],
                [-1.0000,  0.5000,  4.0000]])
        >>> indices
        tensor([[1, 2, 0],
                [1, 0, 2]])
        >>> x.sort(dim=0, descending=True).values
        tensor([[ 3.0000,  1.0000,  4.0000],
                [ 0.5000, -1.0000,  2.0000]])
    """
    input = _tensor(input, "sort")
    if input.dim() == 0:
        _dim(dim, 0, "sort")
        return SortResult(input.clone(), _st().zeros([], dtype=_C.dtype.int64, device=input.device))
    d = _dim(dim, input.dim(), "sort")
    order = _order_descending(input, d) if descending else _order(input, d)
    indices = _st().tensor(np.ascontiguousarray(order).astype(np.int64), device=input.device)
    return SortResult(input.gather(d, indices), indices)


@_method()
def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort input along dim (int64).

    Example:
        >>> st.argsort(st.tensor([3.0, 1.0, 2.0]))
        tensor([1, 2, 0])
        >>> st.tensor([3, 1, 2]).argsort(descending=True)
        tensor([0, 2, 1])
    """
    return sort(input, dim, descending, stable).indices


@_method()
def topk(input, k, dim=None, largest=True, sorted=True):
    """(values, indices) of the k largest (or smallest) elements along dim (default: the last),
    in sorted order.

    Example:
        >>> x = st.tensor([1.0, 5.0, 3.0, 4.0])
        >>> st.topk(x, 2)
        topk(values=tensor([5., 4.]), indices=tensor([1, 3]))
        >>> x.topk(2, largest=False).indices
        tensor([0, 2])
    """
    input = _tensor(input, "topk")
    k = _int(k, "topk", "k")
    dim = -1 if dim is None else dim
    d = _dim(dim, input.dim(), "topk") if input.dim() else 0
    size = input.shape[d] if input.dim() else 1
    if not 0 <= k <= size:
        raise IndexError(f"topk: k ({k}) is out of range for dimension {d} of size {size}")
    ordered = sort(input, d, descending=largest)
    if input.dim() == 0:
        return TopkResult(*ordered)
    return TopkResult(ordered.values.narrow(d, 0, k), ordered.indices.narrow(d, 0, k))


def _check_scatter(input, dim, index, src, op):
    if not isinstance(index, Tensor) or index.dtype != _C.dtype.int64:
        got = index.dtype if isinstance(index, Tensor) else type(index).__name__
        raise TypeError(f"{op}: expected index as an int64 tensor, got {got}")
    if index.dim() == 0 and input.dim() <= 1:
        index = index.reshape([1])
    d = _dim(dim, input.dim(), op)
    if index.dim() != builtins.max(input.dim(), 1):
        raise ValueError(f"{op}: expected index with as many dims as input ({input.dim()}), got "
                         f"{index.dim()}")
    shape = list(input.shape) if input.dim() else [1]
    for axis, n in enumerate(index.shape):
        if axis != d and n > shape[axis]:
            raise ValueError(f"{op}: index of shape {list(index.shape)} is larger than input of "
                             f"shape {shape} in dim {axis}")
        if src is not None and n > src.shape[axis]:
            raise ValueError(f"{op}: index of shape {list(index.shape)} is larger than src of "
                             f"shape {list(src.shape)} in dim {axis}")
    if index.numel():
        low, high = builtins.int(index.min().item()), builtins.int(index.max().item())
        if low < 0 or high >= shape[d]:
            bad = low if low < 0 else high
            raise IndexError(f"{op}: index {bad} is out of bounds for dim {d} with size {shape[d]}")
    return d, index


def _scattered(input, dim, index, src, value, op):
    """(sum of the values sent to each position, where any value was sent), both of input's
    shape, from a one-hot comparison of index against each position along dim."""
    scalar_input = input.dim() == 0
    target = input.reshape([1]) if scalar_input else input
    if src is not None:
        src = _tensor(src, op, "src")
        if src.dtype != input.dtype:
            raise TypeError(f"{op}: expected src of the input's dtype {input.dtype}, got "
                            f"{src.dtype}")
        if src.dim() == 0:
            src = src.reshape([1] * builtins.max(input.dim(), 1))
    d, index = _check_scatter(target, dim, index, src, op)
    if src is None:
        src = _st().full(list(index.shape), value, dtype=input.dtype, device=input.device)
    else:
        src = src[tuple(slice(0, n) for n in index.shape)]
    n = target.shape[d]
    moved_index = index.movedim(d, -1)  # (..., k)
    moved_src = src.movedim(d, -1)
    positions = _st().arange(n, device=input.device)
    onehot = moved_index.unsqueeze(-1) == positions  # (..., k, n)
    sent = (moved_src.unsqueeze(-1) * onehot.to(input.dtype)).sum(-2)  # (..., n)
    hit = onehot.any(-2)
    # index may cover only a leading block of input's other dims: pad to input's extent
    full = list(target.movedim(d, -1).shape)
    for axis in range(len(full) - 1):
        missing = full[axis] - sent.shape[axis]
        if missing:
            pad_shape = list(sent.shape)
            pad_shape[axis] = missing
            sent = _st().cat([sent, _st().zeros(pad_shape, dtype=sent.dtype, device=sent.device)],
                             axis)
            hit = _st().cat([hit, _st().zeros(pad_shape, dtype=hit.dtype, device=hit.device)],
                            axis)
    sent, hit = sent.movedim(-1, d), hit.movedim(-1, d)
    if scalar_input:
        sent, hit = sent.reshape([]), hit.reshape([])
    return sent, hit


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of input with the values of src (or the scalar value) written at index along dim:
    out[i][index[i][j]][k] = src[i][j][k] for dim 1. reduce='add' adds instead (torch's
    scatter_add); with repeated indices and no reduce, torch leaves the winner unspecified and
    striate writes their sum.

    Example:
        >>> index = st.tensor([[0, 2], [1, 0]])
        >>> src = st.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> st.scatter(st.zeros(2, 3), 1, index, src)
        tensor([[1., 0., 2.],
                [4., 3., 0.]])
        >>> st.scatter(st.zeros(2, 3), 1, index, value=9.0)
        tensor([[9., 0., 9.],
                [9., 9., 0.]])
    """
    input = _tensor(input, "scatter")
    if (src is None) == (value is None):
        if isinstance(src, (int, float, builtins.bool)) and value is None:
            src, value = None, src  # torch.scatter(input, dim, index, 1.0)
        else:
            raise TypeError("scatter: expected exactly one of src (a tensor) and value (a number)")
    if reduce not in (None, "add", "sum"):
        raise ValueError(f"scatter: reduce must be None or 'add', got {reduce!r} (multiply is not "
                         "supported)")
    sent, hit = _scattered(input, dim, index, src, value, "scatter")
    if reduce is not None:
        return input + sent
    return _st().where(hit, sent, input)


@_method("scatter")
def _scatter_method(self, dim, index, src=None, *, value=None, reduce=None):
    """A copy of self with src (or value) written at index along dim (see striate.scatter).

    Example:
        >>> x = st.zeros(2, 3)
        >>> x.scatter(1, st.tensor([[2], [0]]), st.tensor([[1.0], [2.0]]))
        tensor([[0., 0., 1.],
                [2., 0., 0.]])
    """
    return scatter(self, dim, index, src, value=value, reduce=reduce)


@_method("scatter_")
def _scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    """In place: scatter's result written into self.

    Example:
        >>> x = st.zeros(3)
        >>> x.scatter_(0, st.tensor([2, 0]), st.tensor([5.0, 7.0]))
        tensor([7., 0., 5.])
        >>> x
        tensor([7., 0., 5.])
    """
    return self.copy_(scatter(self, dim, index, src, value=value, reduce=reduce))


@_method("scatter_add")
def _scatter_add(self, dim, index, src):
    """A copy of self with src added at index along dim (repeated indices all add).

    Example:
        >>> counts = st.zeros(3)
        >>> counts.scatter_add(0, st.tensor([0, 2, 2, 2]), st.ones(4))
        tensor([1., 0., 3.])
    """
    return scatter(self, dim, index, src, reduce="add")


@_method("scatter_add_")
def _scatter_add_(self, dim, index, src):
    """In place: self[index[i][j]][j] += src[i][j] along dim (repeated indices all add).

    Example:
        >>> x = st.zeros(2, 2)
        >>> x.scatter_add_(0, st.tensor([[1, 1], [1, 0]]), st.ones(2, 2))
        tensor([[0., 1.],
                [2., 1.]])
    """
    return self.copy_(scatter(self, dim, index, src, reduce="add"))


@_method()
def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: (count, dims) int64, or a tuple of one index tensor
    per dim with as_tuple=True.

    Example:
        >>> x = st.tensor([[0.0, 1.5], [2.0, 0.0]])
        >>> st.nonzero(x)
        tensor([[0, 1],
                [1, 0]])
        >>> x.nonzero(as_tuple=True)
        (tensor([0, 1]), tensor([1, 0]))
    """
    input = _tensor(input, "nonzero")
    values = _host(input)
    found = np.nonzero(np.atleast_1d(values))
    if as_tuple:
        return tuple(_st().tensor(axis.astype(np.int64), device=input.device) for axis in found)
    stacked = np.stack(found, 1) if input.dim() else np.zeros((len(found[0]), 0), np.int64)
    return _st().tensor(stacked.astype(np.int64).reshape(len(found[0]), input.dim()),
                        device=input.device)


@_method()
def roll(input, shifts, dims=None):
    """input rolled by shifts along dims (elements leaving one end enter at the other); without
    dims, the flattened input rolls and keeps its shape.

    Example:
        >>> x = st.arange(6).reshape(2, 3)
        >>> st.roll(x, 1, dims=1)
        tensor([[2, 0, 1],
                [5, 3, 4]])
        >>> x.roll(1)
        tensor([[5, 0, 1],
                [2, 3, 4]])
    """
    input = _tensor(input, "roll")
    shifts = [shifts] if isinstance(shifts, int) else list(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise ValueError(f"roll: expected one shift without dims, got {len(shifts)}")
        return roll(input.reshape([-1]), shifts, 0).reshape(list(input.shape))
    dims = [dims] if isinstance(dims, int) else list(dims)
    if len(shifts) != len(dims):
        raise ValueError(f"roll: expected as many shifts as dims, got {len(shifts)} and "
                         f"{len(dims)}")
    out = input
    for shift, dim in zip(shifts, dims):
        d = _dim(dim, input.dim(), "roll")
        n = input.shape[d]
        k = _int(shift, "roll", "each shift") % n if n else 0
        if k:
            out = _st().cat([out.narrow(d, n - k, k), out.narrow(d, 0, n - k)], d)
    return out if out is not input else input.clone()


@_method()
def repeat_interleave(input, repeats, dim=None, *, output_size=None):
    """Each element (or slice along dim) repeated repeats times (an int, or one count each).

    Example:
        >>> st.repeat_interleave(st.tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
        >>> st.tensor([[1, 2], [3, 4]]).repeat_interleave(st.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
    """
    input = _tensor(input, "repeat_interleave")
    if dim is None:
        input, d = input.reshape([-1]), 0
    else:
        d = _dim(dim, input.dim(), "repeat_interleave")
    n = input.shape[d] if input.dim() else 1
    counts = _host(repeats) if isinstance(repeats, Tensor) else np.asarray(repeats)
    if counts.ndim == 0:
        counts = np.full(n, _int(builtins.int(counts), "repeat_interleave", "repeats"))
    if counts.shape != (n,):
        raise ValueError(f"repeat_interleave: expected repeats as an int or {n} counts, got "
                         f"shape {list(counts.shape)}")
    if (counts < 0).any():
        raise ValueError("repeat_interleave: repeats must be non-negative")
    index = np.repeat(np.arange(n, dtype=np.int64), counts.astype(np.int64))
    if output_size is not None and output_size != len(index):
        raise ValueError(f"repeat_interleave: output_size {output_size} differs from the "
                         f"{len(index)} repeated elements")
    return input.index_select(d, _st().tensor(index, device=input.device))


@_method()
def diag(input, diagonal=0):
    """The diagonal of a 2-D input (above it for diagonal > 0, below for < 0) as 1-D, or a 1-D
    input as the diagonal of a square 2-D tensor.

    Example:
        >>> st.diag(st.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [0., 2.]])
        >>> st.diag(st.arange(9).reshape(3, 3), 1)
        tensor([1, 5])
    """
    input = _tensor(input, "diag")
    k = _int(diagonal, "diag", "diagonal")
    if input.dim() == 1:
        n = input.shape[0]
        square = _st().eye(n, dtype=input.dtype, device=input.device) * input.unsqueeze(0)
        if k == 0:
            return square
        from .nn import functional as F

        return F.pad(square, (k, 0, 0, k) if k > 0 else (0, -k, -k, 0))
    if input.dim() != 2:
        raise ValueError(f"diag: expected a 1-D or 2-D input, got {input.dim()}-D")
    rows, cols = input.shape
    start_row, start_col = (0, k) if k >= 0 else (-k, 0)
    length = builtins.max(0, builtins.min(rows - start_row, cols - start_col))
    index = np.arange(length, dtype=np.int64)
    flat = (start_row + index) * cols + start_col + index
    return input.reshape([-1]).index_select(0, _st().tensor(flat, device=input.device))
