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
    return _tensor(input, "reshape").reshape(shape)


def squeeze(input, dim=None):
    input = _tensor(input, "squeeze")
    return input.squeeze() if dim is None else input.squeeze(dim)


def unsqueeze(input, dim):
    return _tensor(input, "unsqueeze").unsqueeze(dim)


def transpose(input, dim0, dim1):
    return _tensor(input, "transpose").transpose(dim0, dim1)


def permute(input, dims):
    return _tensor(input, "permute").permute(dims)


def narrow(input, dim, start, length):
    return _tensor(input, "narrow").narrow(dim, start, length)


def movedim(input, source, destination):
    return _tensor(input, "movedim").movedim(source, destination)


def concatenate(tensors, dim=0):
    return _st().cat(tensors, dim)


concat = concatenate


@_method("clip")
def clip(input, min=None, max=None):
    return _tensor(input, "clip").clamp(min, max)


# ---- comparisons and predicates ------------------------------------------------------------


def _compare(name, symbol):
    def compare(input, other):
        return getattr(_tensor(input, name), symbol)(other)

    compare.__name__ = name
    compare.__doc__ = f"input {symbol.strip('_')} other, elementwise (a bool tensor; broadcasts)."
    setattr(Tensor, name, compare)
    return compare


ne = _compare("ne", "__ne__")
lt = _compare("lt", "__lt__")
le = _compare("le", "__le__")
gt = _compare("gt", "__gt__")
ge = _compare("ge", "__ge__")


@_method()
def isnan(input):
    """Where input is NaN (a bool tensor; all False for integer and bool tensors)."""
    input = _tensor(input, "isnan")
    if not input.is_floating_point():
        return _st().zeros(input.shape, dtype=_C.dtype.bool, device=input.device)
    return input != input


@_method()
def isinf(input):
    """Where input is +inf or -inf (a bool tensor)."""
    input = _tensor(input, "isinf")
    if not input.is_floating_point():
        return _st().zeros(input.shape, dtype=_C.dtype.bool, device=input.device)
    return input.detach().abs() == float("inf")


@_method()
def isfinite(input):
    """Where input is neither NaN nor infinite (a bool tensor)."""
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
    """Whether every element (along dim) is nonzero: a bool tensor."""
    return _reduce_bool(input, dim, keepdim, "all", True)


@_method()
def any(input, dim=None, keepdim=False):
    """Whether any element (along dim) is nonzero: a bool tensor."""
    return _reduce_bool(input, dim, keepdim, "any", False)


# ---- splitting and rearranging -------------------------------------------------------------


@_method()
def split(tensor, split_size_or_sections, dim=0):
    """Pieces of `split_size_or_sections` along dim (the last may be smaller), or pieces of the
    given sizes (a list that must add up to the dim's size). Views, as narrow's."""
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
    """At most `chunks` pieces of equal size (the last smaller) along dim, as torch.chunk."""
    input = _tensor(input, "chunk")
    chunks = _int(chunks, "chunk", "chunks")
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    d = _dim(dim, input.dim(), "chunk")
    length = input.shape[d]
    return split(input, builtins.max(1, -(-length // chunks)), d)


@_method()
def unbind(input, dim=0):
    """The slices along dim, each without that dim."""
    input = _tensor(input, "unbind")
    d = _dim(dim, input.dim(), "unbind")
    return tuple(input.select(d, i) for i in range(input.shape[d]))


@_method()
def flip(input, dims):
    """input with the order of elements along each of dims reversed (a copy)."""
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
    """self tiled sizes[i] times along dim i (leading new dims when sizes is longer)."""
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
    """input repeated dims[i] times along dim i; fewer dims than input's are padded with 1s."""
    input = _tensor(input, "tile")
    dims = _repeat_sizes((dims,), "tile")
    return repeat(input, [1] * (input.dim() - len(dims)) + dims)


def broadcast_to(input, size):
    return _tensor(input, "broadcast_to").expand(list(size))


# ---- products -------------------------------------------------------------------------------


def dot(input, other):
    """The inner product of two 1-D tensors of one length (a 0-d tensor)."""
    for name, t in (("input", input), ("other", other)):
        if _tensor(t, "dot", name).dim() != 1:
            raise ValueError(f"dot: expected {name} as a 1-D tensor, got {t.dim()}-D")
    if input.shape[0] != other.shape[0]:
        raise ValueError(f"dot: expected tensors of one length, got {input.shape[0]} and "
                         f"{other.shape[0]}")
    return (input * other).sum()


def outer(input, vec2):
    """The outer product of two 1-D tensors: (n, m)."""
    for name, t in (("input", input), ("vec2", vec2)):
        if _tensor(t, "outer", name).dim() != 1:
            raise ValueError(f"outer: expected {name} as a 1-D tensor, got {t.dim()}-D")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


@_method()
def mm(input, mat2):
    """The matrix product of two 2-D tensors (no broadcasting; matmul broadcasts)."""
    for name, t in (("input", input), ("mat2", mat2)):
        if _tensor(t, "mm", name).dim() != 2:
            raise ValueError(f"mm: expected {name} as a 2-D matrix, got {t.dim()}-D")
    return input.matmul(mat2)


@_method()
def bmm(input, mat2):
    """Batched matrix products of two 3-D tensors with one batch size."""
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
    """data as a tensor, sharing memory when it already is one of that dtype and device."""
    st = _st()
    if isinstance(data, Tensor):
        if (dtype is None or data.dtype == dtype) and (device is None or
                                                       str(data.device) == str(st.device(device))):
            return data
        return data.to(device=device, dtype=dtype) if device is not None else data.to(dtype)
    return st.tensor(data, dtype=dtype, device=device)


def seed():
    """Seeds the default generator from the operating system's entropy and returns the seed."""
    value = int.from_bytes(os.urandom(8), "little") & ((1 << 63) - 1)
    _st().manual_seed(value)
    return value


@_method("new_empty")
def _new_empty(self, size, *, dtype=None, device=None, requires_grad=False):
    return self.new_zeros(size, dtype=dtype, device=device, requires_grad=requires_grad)


Tensor.nbytes = property(lambda self: self.numel() * self.element_size(),
                         doc="The bytes the tensor's elements occupy (numel x element_size).")


@_method("uniform_")
def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fills self in place with draws from U(a, b) (outside autograd, as torch's init does)."""
    st = _st()
    if not self.is_floating_point():
        raise TypeError(f"uniform_: expected a floating-point tensor, got {self.dtype}")
    with st.no_grad():
        draws = st.rand(list(self.shape), dtype=self.dtype, generator=generator)
        self.copy_((draws * (b - a) + a).to(self.device))
    return self


@_method("normal_")
def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills self in place with draws from N(mean, std^2) (outside autograd)."""
    st = _st()
    if not self.is_floating_point():
        raise TypeError(f"normal_: expected a floating-point tensor, got {self.dtype}")
    if std < 0:
        raise ValueError(f"normal_: expected std >= 0, got {std}")
    with st.no_grad():
        draws = st.randn(list(self.shape), dtype=self.dtype, generator=generator)
        self.copy_((draws * std + mean).to(self.device))
    return self
