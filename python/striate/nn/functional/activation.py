"""Activation ops with PyTorch's signatures: relu and its parameterized relatives, their in-place
variants, sigmoid, tanh, softmax / log_softmax / softmin and prelu; the work is done by
striate._C._functional."""

from ... import _C
from ._args import _require_dim

__all__ = [
    "relu", "relu_", "sigmoid", "tanh", "softmax", "log_softmax",
    "hardtanh", "hardtanh_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "elu", "elu_", "selu",
    "gelu", "silu", "hardswish", "softplus", "abs_tanh", "softmin",
]

_F = _C._functional


def relu(input, inplace=False):
    """max(input, 0) elementwise; inplace=True overwrites input.

    Arguments, shapes and errors as :class:`striate.nn.ReLU`.

    Example:
        >>> F.relu(st.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return _F.relu_(input) if inplace else _F.relu(input)


def relu_(input):
    """In-place :func:`relu`: ``input = max(input, 0)``; returns input.

    Example:
        >>> x = st.tensor([-1.0, 2.0])
        >>> F.relu_(x) is x, x.tolist()
        (True, [0.0, 2.0])
    """
    return _F.relu_(input)


def sigmoid(input):
    """Logistic sigmoid elementwise: ``1 / (1 + exp(-input))``.

    Example:
        >>> F.sigmoid(st.tensor([0.0]))
        tensor([0.5000])
    """
    return _F.sigmoid(input)


def tanh(input):
    """Hyperbolic tangent elementwise.

    Example:
        >>> F.tanh(st.zeros(2, 3)).shape
        striate.Size([2, 3])
    """
    return _F.tanh(input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """min(max(input, min_val), max_val); inplace=True overwrites input.

    Arguments, shapes and errors as :class:`striate.nn.Hardtanh`.

    Example:
        >>> F.hardtanh(st.tensor([-3.0, 0.5]))
        tensor([-1.0000,  0.5000])
    """
    if inplace:
        return _F.hardtanh_(input, min_val, max_val)
    return _F.hardtanh(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place :func:`hardtanh`: ``input`` clamped to ``[min_val, max_val]``; returns input.

    Example:
        >>> x = st.tensor([-3.0, 3.0])
        >>> F.hardtanh_(x) is x, x.tolist()
        (True, [-1.0, 1.0])
    """
    return _F.hardtanh_(input, min_val, max_val)


def relu6(input, inplace=False):
    """min(max(input, 0), 6).

    Arguments, shapes and errors as :class:`striate.nn.ReLU6`.

    Example:
        >>> F.relu6(st.tensor([-1.0, 9.0]))
        tensor([0., 6.])
    """
    return _F.relu6_(input) if inplace else _F.relu6(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """input where input > 0, else negative_slope * input.

    Arguments, shapes and errors as :class:`striate.nn.LeakyReLU`.

    Example:
        >>> F.leaky_relu(st.tensor([-2.0, 3.0]), 0.1)
        tensor([-0.2000,  3.0000])
    """
    if inplace:
        return _F.leaky_relu_(input, negative_slope)
    return _F.leaky_relu(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In-place :func:`leaky_relu`; returns input.

    Example:
        >>> x = st.tensor([-2.0])
        >>> F.leaky_relu_(x, 0.5).tolist()
        [-1.0]
    """
    return _F.leaky_relu_(input, negative_slope)


def prelu(input, weight):
    """leaky_relu with learnable slopes: weight holds 1 slope or one per channel (dim 1).

    Arguments, shapes and errors as :class:`striate.nn.PReLU`.

    Example:
        >>> F.prelu(st.tensor([-2.0, 2.0]), st.tensor([0.25]))
        tensor([-0.5000,  2.0000])
    """
    return _F.prelu(input, weight)


def elu(input, alpha=1.0, inplace=False):
    """input where input > 0, else alpha * (exp(input) - 1).

    Arguments, shapes and errors as :class:`striate.nn.ELU`.

    Example:
        >>> F.elu(st.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """
    return _F.elu_(input, alpha) if inplace else _F.elu(input, alpha)


def elu_(input, alpha=1.0):
    """In-place :func:`elu`; returns input.

    Example:
        >>> x = st.tensor([1.0])
        >>> F.elu_(x) is x
        True
    """
    return _F.elu_(input, alpha)


def selu(input, inplace=False):
    """scale * elu(input, alpha) with the self-normalizing constants.

    Arguments, shapes and errors as :class:`striate.nn.SELU`.

    Example:
        >>> F.selu(st.randn(2, 3)).shape
        striate.Size([2, 3])
    """
    return _F.selu_(input) if inplace else _F.selu(input)


def gelu(input, approximate="none"):
    """input * Phi(input); approximate='tanh' uses the tanh approximation.

    Arguments, shapes and errors as :class:`striate.nn.GELU`.

    Example:
        >>> F.gelu(st.randn(2, 3), approximate='tanh').shape
        striate.Size([2, 3])
    """
    return _F.gelu(input, approximate)


def silu(input, inplace=False):
    """input * sigmoid(input).

    Arguments, shapes and errors as :class:`striate.nn.SiLU`.

    Example:
        >>> F.silu(st.tensor([0.0]))
        tensor([0.])
    """
    return _F.silu_(input) if inplace else _F.silu(input)


def hardswish(input, inplace=False):
    """input * relu6(input + 3) / 6 (MobileNetV3's hard swish).

    The gradient is x / 3 + 1 / 2 on (-3, 3), 0 below and 1 from 3 on, as PyTorch's.

    Arguments, shapes and errors as :class:`striate.nn.Hardswish`.

    Example:
        >>> F.hardswish(st.tensor([4.0]))
        tensor([4.])
    """
    return _F.hardswish_(input) if inplace else _F.hardswish(input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * input)) / beta, and input itself where beta * input > threshold.

    Arguments, shapes and errors as :class:`striate.nn.Softplus`.

    Example:
        >>> F.softplus(st.tensor([30.0]))
        tensor([30.])
    """
    return _F.softplus(input, beta, threshold)


def abs_tanh(input):
    """|tanh(input)|, the rectified tanh.

    Arguments, shapes and errors as :class:`striate.nn.AbsTanh`.

    Example:
        >>> F.abs_tanh(st.zeros(3)).tolist()
        [0.0, 0.0, 0.0]
    """
    return _F.abs_tanh(input)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along dim, max-subtracted so any logits stay finite. dtype casts the
    input first.

    Arguments, shapes and errors as :class:`striate.nn.Softmax`.

    Example:
        >>> p = F.softmax(st.randn(2, 5), dim=1)
        >>> [round(v, 5) for v in p.sum(1).tolist()]
        [1.0, 1.0]
    """
    return _F.softmax(input, _require_dim("softmax", dim), dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x) along dim, computed stably.

    Arguments, shapes and errors as :class:`striate.nn.LogSoftmax`.

    Example:
        >>> F.log_softmax(st.randn(2, 5), dim=1).shape
        striate.Size([2, 5])
    """
    return _F.log_softmax(input, _require_dim("log_softmax", dim), dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-input) along dim.

    Arguments, shapes and errors as :class:`striate.nn.Softmin`.

    Example:
        >>> F.softmin(st.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    return _F.softmin(input, _require_dim("softmin", dim, "(N, C) inputs"), dtype)


# ---- composed from the ops above (autograd from their parts), with torch's signatures ---------


def _write_back(input, result, inplace, op):
    """inplace=True: result is copied into input, which is returned. Only outside autograd (a
    tensor that requires grad is refused: the in-place form would lose its gradient)."""
    if not inplace:
        return result
    if input.requires_grad and _C._autograd.is_grad_enabled():
        raise ValueError(f"{op}: inplace=True on a tensor that requires grad is not supported "
                         "(use inplace=False, or run under striate.no_grad())")
    input.copy_(result)
    return input


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) elementwise.

    Arguments, shapes and errors as :class:`striate.nn.CELU`.

    Example:
        >>> F.celu(st.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0")
    return _write_back(input, elu(input / alpha) * alpha, inplace, "celu")


def mish(input, inplace=False):
    """x * tanh(softplus(x)) elementwise.

    Arguments, shapes and errors as :class:`striate.nn.Mish`.

    Example:
        >>> F.mish(st.randn(4)).shape
        striate.Size([4])
    """
    return _write_back(input, input * tanh(softplus(input)), inplace, "mish")


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6 elementwise.

    Arguments, shapes and errors as :class:`striate.nn.Hardsigmoid`.

    Example:
        >>> F.hardsigmoid(st.tensor([0.0]))
        tensor([0.5000])
    """
    return _write_back(input, relu6(input + 3.0) / 6.0, inplace, "hardsigmoid")


def softsign(input):
    """x / (1 + |x|) elementwise.

    Arguments, shapes and errors as :class:`striate.nn.Softsign`.

    Example:
        >>> F.softsign(st.tensor([1.0]))
        tensor([0.5000])
    """
    return input / (input.abs() + 1.0)


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), computed stably.

    Arguments, shapes and errors as :class:`striate.nn.LogSigmoid`.

    Example:
        >>> F.logsigmoid(st.tensor([0.0]))
        tensor([-0.6931])
    """
    return -softplus(-input)


def tanhshrink(input):
    """x - tanh(x) elementwise.

    Arguments, shapes and errors as :class:`striate.nn.Tanhshrink`.

    Example:
        >>> F.tanhshrink(st.tensor([0.0]))
        tensor([0.])
    """
    return input - tanh(input)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0.

    Arguments, shapes and errors as :class:`striate.nn.Hardshrink`.

    Example:
        >>> F.hardshrink(st.tensor([0.2, 0.7]))
        tensor([0.0000, 0.7000])
    """
    from ... import where

    return where(input.abs() > lambd, input, 0.0)


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between.

    Arguments, shapes and errors as :class:`striate.nn.Softshrink`.

    Example:
        >>> F.softshrink(st.tensor([1.5]))
        tensor([1.])
    """
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be >= 0, got {lambd}")
    return input - input.clamp(-lambd, lambd)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value.

    Arguments, shapes and errors as :class:`striate.nn.Threshold`.

    Example:
        >>> F.threshold(st.tensor([0.0, 0.5]), 0.1, 20.0)
        tensor([20.0000,  0.5000])
    """
    from ... import where

    return _write_back(input, where(input > threshold, input, float(value)), inplace,
                       "threshold")


__all__ += ["celu", "mish", "hardsigmoid", "softsign", "logsigmoid", "tanhshrink", "hardshrink",
            "softshrink", "threshold"]
