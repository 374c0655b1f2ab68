"""torch's elementwise and reduction functions composed from striate's ops, under torch's names
and signatures (functions in ``striate`` and Tensor methods): rounding (floor, ceil, round, trunc),
log1p, rsqrt, closeness (isclose, allclose), prod, cumsum and norm. Autograd and devices come from
the parts; rounding has a zero gradient, as in torch.

    y = x.floor();  p = striate.prod(x, 1);  c = x.cumsum(0);  n = x.norm(dim=1)
"""

import builtins
import math

from . import _C
from ._C import Tensor
from ._tensor_compose import _dim, _int, _method, _st, _tensor

__all__ = ["log1p", "rsqrt", "floor", "ceil", "round", "trunc", "isclose", "allclose", "prod",
           "cumsum", "norm"]

_EXACT = {_C.dtype.float32: 2.0 ** 23, _C.dtype.float64: 2.0 ** 52}


def _floating(input, op):
    input = _tensor(input, op)
    if not input.is_floating_point():
        raise TypeError(f"{op}: expected a floating-point input (float32 or float64), got "
                        f"{input.dtype}")
    return input


def _zero_gradient(value, input):
    """value (computed outside autograd) as the op's result: it requires grad when input does,
    with a zero gradient (torch's rule for rounding)."""
    if not (input.requires_grad and _st().is_grad_enabled()):
        return value
    never = _st().zeros(input.shape, dtype=_C.dtype.bool, device=input.device)
    return _st().where(never, input, value)


def _trunc_values(x):
    # Past 2**23 (float32) / 2**52 (float64) every value is an integer already, and NaN / inf stay
    # themselves; only the rest goes through int64 (never cast out of its range).
    small = x.abs() < _EXACT[x.dtype]
    safe = _st().where(small, x, _st().zeros_like(x))
    return _st().where(small, safe.to(_C.dtype.int64).to(x.dtype), x)


def _rounded(input, op, rule):
    input = _tensor(input, op)
    if not input.is_floating_point():
        return input.clone()  # integers are their own floor / ceil / round / trunc
    with _st().no_grad():
        value = rule(input.detach())
    return _zero_gradient(value, input)


def _floor_values(x):
    t = _trunc_values(x)
    return t - (x < t).to(x.dtype)


def _ceil_values(x):
    t = _trunc_values(x)
    return t + (x > t).to(x.dtype)


def _round_half_even(x):
    low = _floor_values(x)
    fraction = x - low
    up = low + 1
    low_is_even = _floor_values(low / 2) * 2 == low
    tie = _st().where(low_is_even, low, up)
    return _st().where(fraction > 0.5, up, _st().where(fraction < 0.5, low, tie))


@_method()
def trunc(input):
    """input rounded toward zero.

    Example:
        >>> st.trunc(st.tensor([-1.7, -0.5, 0.5, 1.7]))
        tensor([-1.,  0.,  0.,  1.])
    """
    return _rounded(input, "trunc", _trunc_values)


@_method()
def floor(input):
    """The largest integer <= each element.

    Example:
        >>> st.floor(st.tensor([-1.5, -0.5, 0.5, 1.5]))
        tensor([-2., -1.,  0.,  1.])
    """
    return _rounded(input, "floor", _floor_values)


@_method()
def ceil(input):
    """The smallest integer >= each element.

    Example:
        >>> st.tensor([-1.5, -0.5, 0.5, 1.5]).ceil()
        tensor([-1.,  0.,  1.,  2.])
    """
    return _rounded(input, "ceil", _ceil_values)


@_method()
def round(input, *, decimals=0):
    """input rounded to `decimals` decimal places, halves to even (torch's rule).

    Example:
        >>> st.round(st.tensor([0.5, 1.5, 2.5, -0.5]))
        tensor([0., 2., 2., 0.])
        >>> st.round(st.tensor([1.2345, 2.3456]), decimals=2)
        tensor([1.2300, 2.3500])
    """
    decimals = _int(decimals, "round", "decimals")
    if decimals == 0:
        return _rounded(input, "round", _round_half_even)
    scale = 10.0 ** decimals
    return _rounded(input, "round", lambda x: _round_half_even(x * scale) / scale)


@_method()
def log1p(input):
    """log(1 + input), accurate for tiny inputs: log(u) * x / (u - 1) with u = 1 + x (exact
    where u rounds to 1, where log1p(x) = x).

    Example:
        >>> st.log1p(st.tensor([0.0, 1e-10, 1.0]))
        tensor([0.0000e+00, 1.0000e-10, 6.9315e-01])
    """
    x = _floating(input, "log1p")
    u = x + 1
    rounded_to_one = u == 1
    denominator = _st().where(rounded_to_one, _st().ones_like(u), u - 1)
    return _st().where(rounded_to_one, x, u.log() * (x / denominator))


@_method()
def rsqrt(input):
    """1 / sqrt(input).

    Example:
        >>> st.rsqrt(st.tensor([1.0, 4.0, 16.0]))
        tensor([1.0000, 0.5000, 0.2500])
    """
    return _floating(input, "rsqrt").pow(-0.5)


@_method()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other| elementwise (infinities equal only themselves;
    NaN equals NaN only with equal_nan).

    Example:
        >>> a = st.tensor([1.0, 2.0, float("nan")])
        >>> b = st.tensor([1.0 + 1e-7, 2.1, float("nan")])
        >>> st.isclose(a, b)
        tensor([True, False, False])
        >>> st.isclose(a, b, equal_nan=True)
        tensor([True, False, True])
    """
    input = _tensor(input, "isclose")
    other = _tensor(other, "isclose", "other")
    if input.dtype != other.dtype:
        raise TypeError(f"isclose: expected input and other of one dtype, got {input.dtype} and "
                        f"{other.dtype}")
    if rtol < 0 or atol < 0:
        raise ValueError(f"isclose: expected non-negative rtol and atol, got {rtol} and {atol}")
    with _st().no_grad():
        a, b = input.detach(), other.detach()
        equal = a == b
        if not a.is_floating_point():
            a, b = a.to(_C.dtype.float64), b.to(_C.dtype.float64)
        finite = a.isfinite() & b.isfinite()
        near = finite & ((a - b).abs() <= atol + rtol * b.abs())
        close = equal | near
        if equal_nan:
            close = close | (a.isnan() & b.isnan())
    return close


@_method()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of input is close to other's (isclose, then all): a bool.

    Example:
        >>> st.allclose(st.tensor([1.0, 2.0]), st.tensor([1.0, 2.0 + 1e-6]))
        True
        >>> st.allclose(st.tensor([1.0]), st.tensor([1.1]), atol=0.2)
        True
    """
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).all().item())


def _product_along_last(x):
    # Pairwise halving: log2(n) multiplications of halves, so autograd stays exact with zeros.
    while x.shape[-1] > 1:
        n = x.shape[-1]
        if n % 2:
            x = _st().cat([x, _st().ones(list(x.shape[:-1]) + [1], dtype=x.dtype,
                                         device=x.device)], -1)
            n += 1
        x = x.narrow(-1, 0, n // 2) * x.narrow(-1, n // 2, n // 2)
    return x


@_method()
def prod(input, dim=None, keepdim=False, *, dtype=None):
    """The product of all elements, or along dim (keepdim keeps it with size 1).

    Example:
        >>> x = st.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> st.prod(x)
        tensor(24.)
        >>> x.prod(dim=0)
        tensor([3., 8.])
        >>> x.prod(1, keepdim=True).shape
        striate.Size([2, 1])
    """
    input = _tensor(input, "prod")
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype in (_C.dtype.bool, _C.dtype.uint8):
        input = input.to(_C.dtype.int64)  # torch promotes small integers to int64
    if dim is None:
        flat = input.reshape([-1])
        if flat.shape[0] == 0:
            return _st().ones([], dtype=input.dtype, device=input.device)
        return _product_along_last(flat).reshape([])
    d = _dim(dim, input.dim(), "prod")
    x = input.movedim(d, -1) if input.dim() else input.reshape([1])
    if x.shape[-1] == 0:
        out = _st().ones(list(x.shape[:-1]) + [1], dtype=input.dtype, device=input.device)
    else:
        out = _product_along_last(x)
    out = out.squeeze(-1) if input.dim() else out.reshape([])
    return out.unsqueeze(d) if keepdim and input.dim() else out


@_method()
def cumsum(input, dim, *, dtype=None):
    """Running sums along dim (a Hillis-Steele scan: log2(n) shifted additions).

    Example:
        >>> st.cumsum(st.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  3,  6, 10])
        >>> st.tensor([[1.0, 2.0], [3.0, 4.0]]).cumsum(1)
        tensor([[1., 3.],
                [3., 7.]])
    """
    input = _tensor(input, "cumsum")
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype in (_C.dtype.bool, _C.dtype.uint8):
        input = input.to(_C.dtype.int64)
    if input.dim() == 0:
        _dim(dim, 0, "cumsum")
        return input.clone()
    d = _dim(dim, input.dim(), "cumsum")
    x = input.movedim(d, -1)
    n = x.shape[-1]
    shift = 1
    out = x
    while shift < n:
        pad = _st().zeros(list(x.shape[:-1]) + [shift], dtype=x.dtype, device=x.device)
        out = out + _st().cat([pad, out.narrow(-1, 0, n - shift)], -1)
        shift *= 2
    if out is x:
        out = x.clone()
    return out.movedim(-1, d)


@_method()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The vector p-norm of all elements or along dim(s): 'fro' and 2 (Euclidean), 1, inf, -inf,
    0 (count of nonzeros) or any other number (sum |x|^p)^(1/p).

    Example:
        >>> x = st.tensor([[3.0, 4.0], [-6.0, 8.0]])
        >>> st.norm(x[0])
        tensor(5.)
        >>> x.norm(dim=1)
        tensor([ 5., 10.])
        >>> st.norm(x, p=1, dim=0)
        tensor([ 9., 12.])
        >>> st.norm(x, p=float("inf"))
        tensor(8.)
    """
    input = _floating(input, "norm")
    if dtype is not None:
        input = input.to(dtype)
    if isinstance(p, str):
        if p != "fro":
            raise ValueError(f"norm: expected p as a number or 'fro', got '{p}' ('nuc' is a "
                             "matrix norm striate does not have)")
        p = 2.0
    dims = [] if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    dims = [_dim(d, input.dim(), "norm") for d in dims]
    magnitude = input.abs()

    def reduce(fn):
        return fn(magnitude, dims, keepdim) if dims else fn(magnitude, None, False)

    if p == math.inf:
        return reduce(_amax)
    if p == -math.inf:
        return reduce(_amin)
    if p == 0:
        return reduce(lambda m, d, k: _sum((m != 0).to(input.dtype), d, k))
    if p == 1:
        return reduce(_sum)
    if p == 2:
        return reduce(lambda m, d, k: _sum(input * input, d, k).sqrt())
    return reduce(lambda m, d, k: _sum(m.pow(p), d, k).pow(1.0 / p))


def _sum(x, dims, keepdim):
    return x.sum() if dims is None else x.sum(dims, keepdim)


def _amax(x, dims, keepdim):
    if dims is None:
        return x.max()
    for d in sorted(dims, reverse=True):
        x = x.max(d, keepdim=True)[0]
    return x if keepdim else _squeeze_all(x, dims)


def _amin(x, dims, keepdim):
    return -_amax(-x, dims, keepdim)


def _squeeze_all(x, dims):
    for d in sorted(dims, reverse=True):
        x = x.squeeze(d)
    return x
