"""PyTorch's tensor functions that are compositions of striate's ops, under PyTorch's names and
signatures: as functions in ``striate`` and, where PyTorch has one, as Tensor methods. Each is
built from registered ops (narrow, index_select, expand, comparisons, sums, matmul), so autograd,
devices and error checking come from those; nothing here touches tensor memory itself.

    a, b = x.chunk(2, dim=1);  y = striate.flip(x, [0]);  mask = x.isfinite().all()
"""

import builtins
import operator
import os

from . import _C
from ._C import Tensor

__all__ = [
    "reshape", "squeeze", "unsqueeze", "transpose", "permute", "narrow", "movedim", "concatenate",
    "concat", "clip", "ne", "lt", "le", "gt", "ge", "isnan", "isinf", "isfinite", "split", "chunk",
    "unbind", "flip", "tile", "broadcast_to", "all", "any", "dot", "outer", "mm", "bmm",
    "as_tensor", "seed",
]


def _method(name=None):
    def attach(fn):
        setattr(Tensor, name or fn.__name__, fn)
        return fn

    return attach


def _st():
    import striate

    return striate


def _int(value, op, what):
    if isinstance(value, builtins.bool):
        raise TypeError(f"{op}: expected {what} as an int, got bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: expected {what} as an int, got {type(value).__name__}") from None


def _dim(dim, ndim, op):
    d = _int(dim, op, "dim")
    rank = builtins.max(ndim, 1)
    if not -rank <= d < rank:
        raise IndexError(f"{op}: dim {d} is out of range for a tensor of {ndim} dimensions "
                         f"(expected a value in [{-rank}, {rank - 1}])")
    return d + rank if d < 0 else d


def _tensor(value, op, name="input"):
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: expected {name} as a striate.Tensor, got {type(value).__name__}")
    return value


# ---- delegations: functions for methods the Tensor already has ---------------------------


def reshape(input, shape):
    """Returns ``input`` with a new shape: a view when possible, else a copy.

    Args:
        input (Tensor): The tensor.
        shape (sequence of ints): The new shape; one entry may be -1.

    Returns:
        Tensor: See :meth:`Tensor.reshape`.

    Raises:
        TypeError: ``input`` is not a Tensor.
        ValueError: The shape does not match the number of elements.

    Example:
        >>> st.reshape(st.arange(4), (2, 2))
        tensor([[0, 1],
                [2, 3]])
    """
    return _tensor(input, "reshape").reshape(shape)


def squeeze(input, dim=None):
    """Removes dimensions of size 1: all of them, or ``dim`` if it has size 1 (a view).

    Args:
        input (Tensor): The tensor.
        dim (int, optional): The one dimension to remove. Default: None (all of size 1).

    Returns:
        Tensor: A view sharing memory with ``input``.

    Example:
        >>> st.squeeze(st.zeros(2, 1, 3)).shape
        striate.Size([2, 3])
    """
    input = _tensor(input, "squeeze")
    return input.squeeze() if dim is None else input.squeeze(dim)


def unsqueeze(input, dim):
    """Inserts a dimension of size 1 at ``dim`` (a view).

    Args:
        input (Tensor): The tensor.
        dim (int): Position of the new dimension, in ``[-ndim - 1, ndim]``.

    Returns:
        Tensor: A view sharing memory with ``input``.

    Example:
        >>> st.unsqueeze(st.zeros(3), 1).shape
        striate.Size([3, 1])
    """
    return _tensor(input, "unsqueeze").unsqueeze(dim)


def transpose(input, dim0, dim1):
    """Swaps dimensions ``dim0`` and ``dim1`` (a view).

    Args:
        input (Tensor): The tensor.
        dim0 (int): The first dimension.
        dim1 (int): The second dimension.

    Returns:
        Tensor: A view sharing memory with ``input``.

    Raises:
        IndexError: A dimension is out of range.

    Example:
        >>> st.transpose(st.zeros(2, 3), 0, 1).shape
        striate.Size([3, 2])
    """
    return _tensor(input, "transpose").transpose(dim0, dim1)


def permute(input, dims):
    """Reorders the dimensions: dimension ``i`` of the result is ``dims[i]`` (a view).

    Args:
        input (Tensor): The tensor.
        dims (sequence of ints): A permutation of ``0 .. ndim-1``.

    Returns:
        Tensor: A view sharing memory with ``input``.

    Example:
        >>> st.permute(st.zeros(2, 3, 4), (2, 0, 1)).shape
        striate.Size([4, 2, 3])
    """
    return _tensor(input, "permute").permute(dims)


def narrow(input, dim, start, length):
    """The slice ``start:start + length`` of dimension ``dim`` (a view).

    Args:
        input (Tensor): The tensor.
        dim (int): The dimension.
        start (int): The first index.
        length (int): How many entries.

    Returns:
        Tensor: A view sharing memory with ``input``.

    Raises:
        IndexError: The range leaves the dimension.

    Example:
        >>> st.narrow(st.arange(6), 0, 2, 3)
        tensor([2, 3, 4])
    """
    return _tensor(input, "narrow").narrow(dim, start, length)


def movedim(input, source, destination):
    """Moves dimension(s) ``source`` to position(s) ``destination`` (a view).

    Args:
        input (Tensor): The tensor.
        source (int or sequence of ints): The dimensions to move.
        destination (int or sequence of ints): Their new positions.

    Returns:
        Tensor: A view; the other dimensions keep their order.

    Raises:
        ValueError: ``source`` and ``destination`` differ in length.

    Example:
        >>> st.movedim(st.zeros(2, 3, 4), 0, -1).shape
        striate.Size([3, 4, 2])
    """
    return _tensor(input, "movedim").movedim(source, destination)


def concatenate(tensors, dim=0):
    """Concatenates tensors along an existing dimension (alias of :func:`striate.cat`).

    ``striate.concat`` is the same function.

    Args:
        tensors (sequence of Tensor): Tensors whose sizes agree except in ``dim``.
        dim (int): The dimension to join along. Default: 0.

    Returns:
        Tensor: A new tensor.

    Raises:
        ValueError: The list is empty or the other sizes disagree.

    Example:
        >>> st.concatenate([st.zeros(1, 2), st.ones(1, 2)]).shape
        striate.Size([2, 2])
    """
    return _st().cat(tensors, dim)


concat = concatenate


@_method("clip")
def clip(input, min=None, max=None):
    """Clamps every element into ``[min, max]`` (alias of :func:`striate.clamp`).

    Also a Tensor method: ``x.clip(min, max)``.

    Args:
        input (Tensor): The tensor.
        min (number, optional): Lower bound. Default: None (unbounded).
        max (number, optional): Upper bound. Default: None (unbounded).

    Returns:
        Tensor: A new tensor of the same shape.

    Raises:
        ValueError: Both bounds are None.

    Example:
        >>> st.clip(st.tensor([-2., 0.5, 2.]), -1., 1.)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return _tensor(input, "clip").clamp(min, max)


# ---- comparisons and predicates ------------------------------------------------------------


_COMPARE_EXAMPLES = {
    "ne": "tensor([True, False, True])",
    "lt": "tensor([True, False, False])",
    "le": "tensor([True, True, False])",
    "gt": "tensor([False, False, True])",
    "ge": "tensor([False, True, True])",
}


def _compare(name, symbol):
    def compare(input, other):
        return getattr(_tensor(input, name), symbol)(other)

    compare.__name__ = name
    op = {"ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[name]
    compare.__doc__ = (
        f"Elementwise ``input {op} other``, as a bool tensor (the operands broadcast).\n\n"
        "Also a Tensor method and the operator.\n\n"
        "Args:\n    input (Tensor): The first operand.\n"
        "    other (Tensor or number): The second operand.\n\n"
        "Returns:\n    Tensor: bool, of the broadcast shape.\n\n"
        f"Example:\n    >>> st.{name}(st.tensor([1, 2, 3]), 2)\n"
        f"    {_COMPARE_EXAMPLES[name]}\n"
    )
    setattr(Tensor, name, compare)
    return compare


ne = _compare("ne", "__ne__")
lt = _compare("lt", "__lt__")
le = _compare("le", "__le__")
gt = _compare("gt", "__gt__")
ge = _compare("ge", "__ge__")


@_method()
def isnan(input):
    """Where ``input`` is NaN, as a bool tensor (all False for integer and bool tensors).

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.

    Returns:
        Tensor: bool, of ``input``'s shape.

    Example:
        >>> st.isnan(st.tensor([1., float('nan'), float('inf')]))
        tensor([False, True, False])
    """
    input = _tensor(input, "isnan")
    if not input.is_floating_point():
        return _st().zeros(input.shape, dtype=_C.dtype.bool, device=input.device)
    return input != input


@_method()
def isinf(input):
    """Where ``input`` is +inf or -inf, as a bool tensor.

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.

    Returns:
        Tensor: bool, of ``input``'s shape.

    Example:
        >>> st.isinf(st.tensor([1., float('nan'), float('inf')]))
        tensor([False, False, True])
    """
    input = _tensor(input, "isinf")
    if not input.is_floating_point():
        return _st().zeros(input.shape, dtype=_C.dtype.bool, device=input.device)
    return input.detach().abs() == float("inf")


@_method()
def isfinite(input):
    """Where ``input`` is neither NaN nor infinite, as a bool tensor.

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.

    Returns:
        Tensor: bool, of ``input``'s shape.

    Example:
        >>> st.isfinite(st.tensor([1., float('nan'), float('inf')]))
        tensor([True, False, False])
    """
    input = _tensor(input, "isfinite")
    if not input.is_floating_point():
        return _st().ones(input.shape, dtype=_C.dtype.bool, device=input.device)
    return _st().logical_not(_st().logical_or(isnan(input), isinf(input)))


def _reduce_bool(input, dim, keepdim, op, every):
    input = _tensor(input, op)
    count = (input.detach() != 0).long()
    if dim is None:
        total = count.sum()
        size = input.numel()
    else:
        d = _dim(dim, input.dim(), op)
        total = count.sum(d, keepdim=keepdim)
        size = input.shape[d] if input.dim() else 1
    return total == size if every else total > 0


@_method()
def all(input, dim=None, keepdim=False):
    """Whether every element (along ``dim``) is non-zero, as a bool tensor.

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.
        dim (int, optional): The dimension to reduce. Default: None (all elements).
        keepdim (bool): Keep ``dim`` with size 1. Default: False.

    Returns:
        Tensor: bool.

    Example:
        >>> x = st.tensor([[True, False], [True, True]])
        >>> st.all(x), st.all(x, dim=1)
        (tensor(False), tensor([False, True]))
    """
    return _reduce_bool(input, dim, keepdim, "all", True)


@_method()
def any(input, dim=None, keepdim=False):
    """Whether any element (along ``dim``) is non-zero, as a bool tensor.

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.
        dim (int, optional): The dimension to reduce. Default: None (all elements).
        keepdim (bool): Keep ``dim`` with size 1. Default: False.

    Returns:
        Tensor: bool.

    Example:
        >>> st.any(st.tensor([[0., 1.], [0., 0.]]), dim=1)
        tensor([True, False])
    """
    return _reduce_bool(input, dim, keepdim, "any", False)


# ---- splitting and rearranging -------------------------------------------------------------


@_method()
def split(tensor, split_size_or_sections, dim=0):
    """Splits ``tensor`` along ``dim`` into views of one size, or of the given sizes.

    With an int, every piece has that size except perhaps the last; with a list, the pieces have
    those sizes, which must add up to the dimension's size. Also a Tensor method.

    Args:
        tensor (Tensor): The tensor.
        split_size_or_sections (int or list of ints): The piece size, or each piece's size.
        dim (int): The dimension to split. Default: 0.

    Returns:
        tuple of Tensor: Views sharing memory with ``tensor``.

    Raises:
        ValueError: The sizes do not add up, or the size is not positive.

    Example:
        >>> [t.tolist() for t in st.split(st.arange(5), 2)]
        [[0, 1], [2, 3], [4]]
        >>> [t.tolist() for t in st.split(st.arange(5), [1, 4])]
        [[0], [1, 2, 3, 4]]
    """
    tensor = _tensor(tensor, "split", "tensor")
    d = _dim(dim, tensor.dim(), "split")
    length = tensor.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [_int(s, "split", "each section size") for s in split_size_or_sections]
        if builtins.any(s < 0 for s in sizes) or builtins.sum(sizes) != length:
            raise ValueError(f"split: section sizes {sizes} must be non-negative and add up to "
                             f"the size of dim {d}, {length}")
    else:
        size = _int(split_size_or_sections, "split", "split_size")
        if size <= 0 and not (size == 0 and length == 0):
            raise ValueError(f"split: split_size must be positive, got {size}")
        sizes = [builtins.min(size, length - start) for start in range(0, length, size)] or [0]
    pieces, start = [], 0
    for s in sizes:
        pieces.append(tensor.narrow(d, start, s))
        start += s
    return tuple(pieces)


@_method()
def chunk(input, chunks, dim=0):
    """Splits ``input`` into at most ``chunks`` equal views along ``dim`` (the last smaller).

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.
        chunks (int): The number of pieces wanted.
        dim (int): The dimension to split. Default: 0.

    Returns:
        tuple of Tensor: Views sharing memory with ``input``.

    Raises:
        ValueError: ``chunks`` is not positive.

    Example:
        >>> a, b = st.arange(6).view(2, 3).chunk(2, dim=0)
        >>> b
        tensor([[3, 4, 5]])
    """
    input = _tensor(input, "chunk")
    chunks = _int(chunks, "chunk", "chunks")
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    d = _dim(dim, input.dim(), "chunk")
    length = input.shape[d]
    return split(input, builtins.max(1, -(-length // chunks)), d)


@_method()
def unbind(input, dim=0):
    """The slices of ``input`` along ``dim``, each without that dimension (views).

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.
        dim (int): The dimension to remove. Default: 0.

    Returns:
        tuple of Tensor: ``input.shape[dim]`` views.

    Example:
        >>> st.unbind(st.tensor([[1, 2], [3, 4]]), dim=1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    input = _tensor(input, "unbind")
    d = _dim(dim, input.dim(), "unbind")
    return tuple(input.select(d, i) for i in range(input.shape[d]))


@_method()
def flip(input, dims):
    """Reverses the order of the elements along each of ``dims`` (a copy).

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.
        dims (int or sequence of ints): The dimensions to reverse.

    Returns:
        Tensor: A new tensor of ``input``'s shape.

    Example:
        >>> st.flip(st.tensor([[1, 2], [3, 4]]), [1])
        tensor([[2, 1],
                [4, 3]])
    """
    input = _tensor(input, "flip")
    if isinstance(dims, int):
        dims = [dims]
    seen = set()
    out = input
    for dim in dims:
        d = _dim(dim, input.dim(), "flip")
        if d in seen:
            raise ValueError(f"flip: dim {d} appears more than once in dims {list(dims)}")
        seen.add(d)
        n = input.shape[d]
        index = _st().arange(n - 1, -1, -1, device=input.device) if n else \
            _st().zeros(0, dtype=_C.dtype.int64, device=input.device)
        out = out.index_select(d, index)
    return out if seen else input.clone()


def _repeat_sizes(args, op):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return [_int(a, op, "each repeat count") for a in args]


@_method()
def repeat(self, *sizes):
    """Tiles ``self`` ``sizes[i]`` times along dimension i (new leading dims for extra sizes).

    Args:
        *sizes (int or sequence of ints): The repeat counts, at least ``self.ndim`` of them.

    Returns:
        Tensor: A new tensor.

    Raises:
        ValueError: Fewer sizes than dimensions.

    Example:
        >>> st.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    sizes = _repeat_sizes(sizes, "repeat")
    if len(sizes) < self.dim():
        raise ValueError(f"repeat: expected at least {self.dim()} repeat counts (one per dim), "
                         f"got {len(sizes)}")
    if builtins.any(s < 0 for s in sizes):
        raise ValueError(f"repeat: repeat counts must be non-negative, got {sizes}")
    shape = [1] * (len(sizes) - self.dim()) + list(self.shape)
    x = self.reshape(shape)
    # (s0, d0, s1, d1, ...): expand a new axis before each dim, then merge the pairs
    interleaved = x.reshape([v for d in shape for v in (1, d)])
    expanded = interleaved.expand([v for s, d in zip(sizes, shape) for v in (s, d)])
    return expanded.reshape([s * d for s, d in zip(sizes, shape)])


@_method()
def tile(input, dims):
    """Repeats ``input`` ``dims[i]`` times along dimension i; missing leading dims count as 1.

    Also a Tensor method.

    Args:
        input (Tensor): The tensor.
        dims (sequence of ints): The repeat counts.

    Returns:
        Tensor: A new tensor.

    Example:
        >>> st.tile(st.tensor([1, 2]), (3,))
        tensor([1, 2, 1, 2, 1, 2])
    """
    input = _tensor(input, "tile")
    dims = _repeat_sizes((dims,), "tile")
    return repeat(input, [1] * (input.dim() - len(dims)) + dims)


def broadcast_to(input, size):
    """Broadcasts ``input`` to ``size`` without copying (a view; see :meth:`Tensor.expand`).

    Args:
        input (Tensor): The tensor.
        size (sequence of ints): The target shape; -1 keeps a dimension.

    Returns:
        Tensor: A view with stride 0 along the broadcast dimensions.

    Raises:
        ValueError: The shapes are not broadcast-compatible.

    Example:
        >>> st.broadcast_to(st.tensor([1., 2.]), (2, 2))
        tensor([[1., 2.],
                [1., 2.]])
    """
    return _tensor(input, "broadcast_to").expand(list(size))


# ---- products -------------------------------------------------------------------------------


def dot(input, other):
    """The inner product of two 1-D tensors of one length, as a 0-d tensor.

    Also a Tensor method.

    Args:
        input (Tensor): A 1-D tensor.
        other (Tensor): A 1-D tensor of the same length.

    Returns:
        Tensor: 0-dimensional.

    Raises:
        ValueError: An operand is not 1-D or the lengths differ.

    Example:
        >>> st.dot(st.tensor([1., 2.]), st.tensor([3., 4.]))
        tensor(11.)
    """
    for name, t in (("input", input), ("other", other)):
        if _tensor(t, "dot", name).dim() != 1:
            raise ValueError(f"dot: expected {name} as a 1-D tensor, got {t.dim()}-D")
    if input.shape[0] != other.shape[0]:
        raise ValueError(f"dot: expected tensors of one length, got {input.shape[0]} and "
                         f"{other.shape[0]}")
    return (input * other).sum()


def outer(input, vec2):
    """The outer product of two 1-D tensors: ``out[i, j] = input[i] * vec2[j]``.

    Also a Tensor method.

    Args:
        input (Tensor): A 1-D tensor of length n.
        vec2 (Tensor): A 1-D tensor of length m.

    Returns:
        Tensor: (n, m).

    Example:
        >>> st.outer(st.tensor([1., 2.]), st.tensor([1., 10.]))
        tensor([[ 1., 10.],
                [ 2., 20.]])
    """
    for name, t in (("input", input), ("vec2", vec2)):
        if _tensor(t, "outer", name).dim() != 1:
            raise ValueError(f"outer: expected {name} as a 1-D tensor, got {t.dim()}-D")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


@_method()
def mm(input, mat2):
    """The matrix product of two 2-D tensors (no broadcasting; :func:`striate.matmul` broadcasts).

    Also a Tensor method.

    Args:
        input (Tensor): (n, m).
        mat2 (Tensor): (m, p).

    Returns:
        Tensor: (n, p).

    Raises:
        ValueError: An operand is not 2-D or the inner sizes differ.

    Example:
        >>> st.mm(st.ones(2, 3), st.ones(3, 4)).shape
        striate.Size([2, 4])
    """
    for name, t in (("input", input), ("mat2", mat2)):
        if _tensor(t, "mm", name).dim() != 2:
            raise ValueError(f"mm: expected {name} as a 2-D matrix, got {t.dim()}-D")
    return input.matmul(mat2)


@_method()
def bmm(input, mat2):
    """Batched matrix products of two 3-D tensors with one batch size.

    Also a Tensor method.

    Args:
        input (Tensor): (b, n, m).
        mat2 (Tensor): (b, m, p).

    Returns:
        Tensor: (b, n, p).

    Raises:
        ValueError: An operand is not 3-D, or the batch or inner sizes differ.

    Example:
        >>> st.bmm(st.ones(5, 2, 3), st.ones(5, 3, 4)).shape
        striate.Size([5, 2, 4])
    """
    for name, t in (("input", input), ("mat2", mat2)):
        if _tensor(t, "bmm", name).dim() != 3:
            raise ValueError(f"bmm: expected {name} as a 3-D tensor (batch, n, m), got "
                             f"{t.dim()}-D")
    if input.shape[0] != mat2.shape[0]:
        raise ValueError(f"bmm: expected one batch size, got {input.shape[0]} and "
                         f"{mat2.shape[0]}")
    return input.matmul(mat2)


# ---- creation and randomness ----------------------------------------------------------------


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, sharing memory when it already is a tensor of that dtype and device.

    Args:
        data: A tensor, a NumPy array, a (nested) list or a number.
        dtype (dtype, optional): The element type. Default: None (kept or inferred).
        device (str or device, optional): Where to put it. Default: None (kept, or the CPU).

    Returns:
        Tensor: ``data`` itself when nothing changes, else a new tensor.

    Example:
        >>> x = st.ones(2)
        >>> st.as_tensor(x) is x
        True
        >>> st.as_tensor([1, 2], dtype=st.float64)
        tensor([1., 2.], dtype=striate.float64)
    """
    st = _st()
    if isinstance(data, Tensor):
        if (dtype is None or data.dtype == dtype) and (device is None or
                                                       str(data.device) == str(st.device(device))):
            return data
        return data.to(device=device, dtype=dtype) if device is not None else data.to(dtype)
    return st.tensor(data, dtype=dtype, device=device)


def seed():
    """Seeds the default generator from the operating system's entropy and returns the seed.

    Returns:
        int: The seed, below 2**63.

    Example:
        >>> s = st.seed()
        >>> st.initial_seed() == s
        True
    """
    value = int.from_bytes(os.urandom(8), "little") & ((1 << 63) - 1)
    _st().manual_seed(value)
    return value


@_method("new_empty")
def _new_empty(self, size, *, dtype=None, device=None, requires_grad=False):
    """Returns a new tensor with ``self``'s dtype and device; striate fills it with zeros.

    Args:
        size (int or sequence of ints): The shape.
        dtype (dtype, optional): The element type. Default: None (``self.dtype``).
        device (str or device, optional): Where to put it. Default: None (``self.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Example:
        >>> st.zeros(1, dtype=st.int64).new_empty((2, 3)).shape
        striate.Size([2, 3])
    """
    return self.new_zeros(size, dtype=dtype, device=device, requires_grad=requires_grad)


Tensor.nbytes = property(lambda self: self.numel() * self.element_size(),
                         doc="The bytes the tensor's elements occupy (numel x element_size).")


@_method("uniform_")
def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fills self in place with draws from U(a, b) (outside autograd, as torch's init does).

    Example:
        >>> w = st.empty(2, 3).uniform_(-1.0, 1.0)
        >>> w.shape
        striate.Size([2, 3])
        >>> bool(((w >= -1.0) & (w < 1.0)).all())
        True
    """
    st = _st()
    if not self.is_floating_point():
        raise TypeError(f"uniform_: expected a floating-point tensor, got {self.dtype}")
    with st.no_grad():
        draws = st.rand(list(self.shape), dtype=self.dtype, generator=generator)
        self.copy_((draws * (b - a) + a).to(self.device))
    return self


@_method("normal_")
def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills self in place with draws from N(mean, std^2) (outside autograd).

    Example:
        >>> w = st.empty(1000).normal_(mean=2.0, std=0.5)
        >>> round(w.mean().item(), 1), round(w.std().item(), 1)
        (2.0, 0.5)
    """
    st = _st()
    if not self.is_floating_point():
        raise TypeError(f"normal_: expected a floating-point tensor, got {self.dtype}")
    if std < 0:
        raise ValueError(f"normal_: expected std >= 0, got {std}")
    with st.no_grad():
        draws = st.randn(list(self.shape), dtype=self.dtype, generator=generator)
        self.copy_((draws * std + mean).to(self.device))
    return self
