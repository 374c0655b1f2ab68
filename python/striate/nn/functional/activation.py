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
    """Rectified linear unit, elementwise: ``relu(x) = max(x, 0)``;
    the functional form of :class:`striate.nn.ReLU`.

    Args:
        input (Tensor): The input, any shape.
        inplace (bool): Overwrite ``input`` with the result and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.relu(st.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return _F.relu_(input) if inplace else _F.relu(input)


def relu_(input):
    """In place: ``input = max(input, 0)``;
    the in-place form of :func:`relu`.

    Args:
        input (Tensor): The input, any shape.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: ``input`` itself, overwritten.

    Example:
        >>> x = st.tensor([-1.0, 2.0])
        >>> F.relu_(x) is x, x.tolist()
        (True, [0.0, 2.0])
    """
    return _F.relu_(input)


def sigmoid(input):
    """Logistic sigmoid, elementwise: ``sigmoid(x) = 1 / (1 + exp(-x))``;
    the functional form of :class:`striate.nn.Sigmoid`.

    Args:
        input (Tensor): The input, any shape.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.sigmoid(st.tensor([0.0]))
        tensor([0.5000])
    """
    return _F.sigmoid(input)


def tanh(input):
    """Hyperbolic tangent, elementwise: ``tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))``;
    the functional form of :class:`striate.nn.Tanh`.

    Args:
        input (Tensor): The input, any shape.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.tanh(st.zeros(2, 3)).shape
        striate.Size([2, 3])
    """
    return _F.tanh(input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Hard tanh, elementwise: ``min(max(x, min_val), max_val)``;
    the functional form of :class:`striate.nn.Hardtanh`.

    Args:
        input (Tensor): The input, any shape.
        min_val (float): The lower bound. Default: -1.0.
        max_val (float): The upper bound. Default: 1.0.
        inplace (bool): Overwrite ``input`` with the result and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.hardtanh(st.tensor([-3.0, 0.5]))
        tensor([-1.0000,  0.5000])
    """
    if inplace:
        return _F.hardtanh_(input, min_val, max_val)
    return _F.hardtanh(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In place: ``input`` clamped to ``[min_val, max_val]``;
    the in-place form of :func:`hardtanh`.

    Args:
        input (Tensor): The input, any shape.
        min_val (float): The lower bound. Default: -1.0.
        max_val (float): The upper bound. Default: 1.0.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: ``input`` itself, overwritten.

    Example:
        >>> x = st.tensor([-3.0, 3.0])
        >>> F.hardtanh_(x) is x, x.tolist()
        (True, [-1.0, 1.0])
    """
    return _F.hardtanh_(input, min_val, max_val)


def relu6(input, inplace=False):
    """ReLU capped at 6, elementwise: ``min(max(x, 0), 6)``;
    the functional form of :class:`striate.nn.ReLU6`.

    Args:
        input (Tensor): The input, any shape.
        inplace (bool): Overwrite ``input`` with the result and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.relu6(st.tensor([-1.0, 9.0]))
        tensor([0., 6.])
    """
    return _F.relu6_(input) if inplace else _F.relu6(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """Leaky ReLU, elementwise: ``x`` where ``x > 0``, else ``negative_slope * x``;
    the functional form of :class:`striate.nn.LeakyReLU`.

    Args:
        input (Tensor): The input, any shape.
        negative_slope (float): The slope for x < 0. Default: 0.01.
        inplace (bool): Overwrite ``input`` with the result and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.leaky_relu(st.tensor([-2.0, 3.0]), 0.1)
        tensor([-0.2000,  3.0000])
    """
    if inplace:
        return _F.leaky_relu_(input, negative_slope)
    return _F.leaky_relu(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In place: ``input`` where positive, else ``negative_slope * input``;
    the in-place form of :func:`leaky_relu`.

    Args:
        input (Tensor): The input, any shape.
        negative_slope (float): The slope for x < 0. Default: 0.01.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: ``input`` itself, overwritten.

    Example:
        >>> x = st.tensor([-2.0])
        >>> F.leaky_relu_(x, 0.5).tolist()
        [-1.0]
    """
    return _F.leaky_relu_(input, negative_slope)


def prelu(input, weight):
    """Parametric ReLU: ``x`` where ``x > 0``, else ``a * x`` with learnable slopes ``a``
    (one, or one per channel along dim 1); the functional form of :class:`striate.nn.PReLU`.

    Args:
        input (Tensor): (N, C, *) (or any shape with a single slope).
        weight (Tensor): The slopes, (1,) or (C,).

    Shape:
        - Input: (N, C, *); weight (1,) or (C,).
        - Output: the input's shape.

    Returns:
        Tensor: The activation.

    Raises:
        ValueError: The weight has neither 1 nor C entries.

    Example:
        >>> F.prelu(st.tensor([-2.0, 2.0]), st.tensor([0.25]))
        tensor([-0.5000,  2.0000])
    """
    return _F.prelu(input, weight)


def elu(input, alpha=1.0, inplace=False):
    """Exponential linear unit, elementwise: ``x`` where ``x > 0``, else
    ``alpha * (exp(x) - 1)``;
    the functional form of :class:`striate.nn.ELU`.

    Args:
        input (Tensor): The input, any shape.
        alpha (float): Scale of the negative part. Default: 1.0.
        inplace (bool): Overwrite ``input`` with the result and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.elu(st.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """
    return _F.elu_(input, alpha) if inplace else _F.elu(input, alpha)


def elu_(input, alpha=1.0):
    """In place: ``input`` where positive, else ``alpha * (exp(input) - 1)``;
    the in-place form of :func:`elu`.

    Args:
        input (Tensor): The input, any shape.
        alpha (float): Scale of the negative part. Default: 1.0.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: ``input`` itself, overwritten.

    Example:
        >>> x = st.tensor([1.0])
        >>> F.elu_(x) is x
        True
    """
    return _F.elu_(input, alpha)


def selu(input, inplace=False):
    """Scaled ELU, elementwise: ``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))`` with
    alpha = 1.6732632423543772 and scale = 1.0507009873554805 (self-normalizing networks);
    the functional form of :class:`striate.nn.SELU`.

    Args:
        input (Tensor): The input, any shape.
        inplace (bool): Overwrite ``input`` with the result and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.selu(st.randn(2, 3)).shape
        striate.Size([2, 3])
    """
    return _F.selu_(input) if inplace else _F.selu(input)


def gelu(input, approximate="none"):
    """Gaussian error linear unit, elementwise: ``x * Phi(x)``, Phi the standard normal
    CDF; ``approximate='tanh'`` uses
    ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))``;
    the functional form of :class:`striate.nn.GELU`.

    Args:
        input (Tensor): The input, any shape.
        approximate (str): ``'none'`` (exact, with erf) or ``'tanh'``. Default: ``'none'``.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Raises:
        ValueError: ``approximate`` is neither 'none' nor 'tanh'.

    Example:
        >>> F.gelu(st.randn(2, 3), approximate='tanh').shape
        striate.Size([2, 3])
    """
    return _F.gelu(input, approximate)


def silu(input, inplace=False):
    """Sigmoid linear unit (swish), elementwise: ``x * sigmoid(x)``;
    the functional form of :class:`striate.nn.SiLU`.

    Args:
        input (Tensor): The input, any shape.
        inplace (bool): Overwrite ``input`` with the result and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.silu(st.tensor([0.0]))
        tensor([0.])
    """
    return _F.silu_(input) if inplace else _F.silu(input)


def hardswish(input, inplace=False):
    """Hard swish (MobileNetV3), elementwise: ``x * relu6(x + 3) / 6``; its gradient is
    ``x / 3 + 1 / 2`` on (-3, 3), 0 below and 1 from 3 on, as PyTorch's;
    the functional form of :class:`striate.nn.Hardswish`.

    Args:
        input (Tensor): The input, any shape.
        inplace (bool): Overwrite ``input`` with the result and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.hardswish(st.tensor([4.0]))
        tensor([4.])
    """
    return _F.hardswish_(input) if inplace else _F.hardswish(input)


def softplus(input, beta=1.0, threshold=20.0):
    """Softplus, elementwise: ``log(1 + exp(beta * x)) / beta``, and ``x`` itself where
    ``beta * x > threshold`` (numerically linear there);
    the functional form of :class:`striate.nn.Softplus`.

    Args:
        input (Tensor): The input, any shape.
        beta (float): The sharpness. Default: 1.0.
        threshold (float): Above ``beta * x > threshold`` the output is ``x``.
            Default: 20.0.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.softplus(st.tensor([30.0]))
        tensor([30.])
    """
    return _F.softplus(input, beta, threshold)


def abs_tanh(input):
    """Rectified tanh, elementwise: ``|tanh(x)|`` (the notes' rectification after a
    tanh layer); no PyTorch twin;
    the functional form of :class:`striate.nn.AbsTanh`.

    Args:
        input (Tensor): The input, any shape.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.abs_tanh(st.zeros(3)).tolist()
        [0.0, 0.0, 0.0]
    """
    return _F.abs_tanh(input)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Softmax along ``dim``: ``softmax(x)_i = exp(x_i) / sum_j exp(x_j)``, with the
    maximum subtracted first so any finite logits give finite probabilities. The functional form of
    :class:`striate.nn.Softmax`.

    Args:
        input (Tensor): The logits, any shape.
        dim (int): The dimension to normalize along; required (no implicit guess).
        _stacklevel (int): Accepted for torch's signature; unused. Default: 3.
        dtype (dtype, optional): Cast the input to this dtype first. Default: None.

    Shape:
        - Input: (*), any shape.
        - Output: the input's shape; the values along ``dim`` sum to 1.

    Returns:
        Tensor: The probabilities.

    Raises:
        TypeError: ``dim`` is not given.
        IndexError: ``dim`` is out of range.

    Example:
        >>> p = F.softmax(st.randn(2, 5), dim=1)
        >>> [round(v, 5) for v in p.sum(1).tolist()]
        [1.0, 1.0]
    """
    return _F.softmax(input, _require_dim("softmax", dim), dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Log-softmax along ``dim``: ``x_i - log(sum_j exp(x_j))`` (log-sum-exp with the
    maximum subtracted, so it stays finite where log(softmax) would give -inf). The functional form
    of :class:`striate.nn.LogSoftmax`; pair it with :func:`nll_loss`.

    Args:
        input (Tensor): The logits, any shape.
        dim (int): The dimension to normalize along; required (no implicit guess).
        _stacklevel (int): Accepted for torch's signature; unused. Default: 3.
        dtype (dtype, optional): Cast the input to this dtype first. Default: None.

    Shape:
        - Input: (*), any shape.
        - Output: the input's shape.

    Returns:
        Tensor: The log-probabilities.

    Raises:
        TypeError: ``dim`` is not given.
        IndexError: ``dim`` is out of range.

    Example:
        >>> F.log_softmax(st.randn(2, 5), dim=1).shape
        striate.Size([2, 5])
    """
    return _F.log_softmax(input, _require_dim("log_softmax", dim), dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """Softmin along ``dim``: ``softmax(-x)``, the smallest entries weigh most. The
    functional form of :class:`striate.nn.Softmin`.

    Args:
        input (Tensor): The input, any shape.
        dim (int): The dimension to normalize along; required (no implicit guess).
        _stacklevel (int): Accepted for torch's signature; unused. Default: 3.
        dtype (dtype, optional): Cast the input to this dtype first. Default: None.

    Shape:
        - Input: (*), any shape.
        - Output: the input's shape; the values along ``dim`` sum to 1.

    Returns:
        Tensor: The weights.

    Raises:
        TypeError: ``dim`` is not given.
        IndexError: ``dim`` is out of range.

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
    """Continuously differentiable ELU, elementwise:
    ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``;
    the functional form of :class:`striate.nn.CELU`.

    Args:
        input (Tensor): The input, any shape.
        alpha (float): Scale of the negative part (not 0). Default: 1.0.
        inplace (bool): Copy the result into ``input`` and return it (refused on a tensor
            that requires grad while grad mode is on). Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Raises:
        ValueError: ``alpha`` is 0, or ``inplace=True`` on a tensor that requires grad
            with grad mode on.

    Example:
        >>> F.celu(st.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0")
    return _write_back(input, elu(input / alpha) * alpha, inplace, "celu")


def mish(input, inplace=False):
    """Mish, elementwise: ``x * tanh(softplus(x))``;
    the functional form of :class:`striate.nn.Mish`.

    Args:
        input (Tensor): The input, any shape.
        inplace (bool): Copy the result into ``input`` and return it (refused on a tensor
            that requires grad while grad mode is on). Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Raises:
        ValueError: ``inplace=True`` on a tensor that requires grad, with grad mode on.

    Example:
        >>> F.mish(st.randn(4)).shape
        striate.Size([4])
    """
    return _write_back(input, input * tanh(softplus(input)), inplace, "mish")


def hardsigmoid(input, inplace=False):
    """Hard sigmoid, elementwise: ``relu6(x + 3) / 6``;
    the functional form of :class:`striate.nn.Hardsigmoid`.

    Args:
        input (Tensor): The input, any shape.
        inplace (bool): Copy the result into ``input`` and return it (refused on a tensor
            that requires grad while grad mode is on). Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Raises:
        ValueError: ``inplace=True`` on a tensor that requires grad, with grad mode on.

    Example:
        >>> F.hardsigmoid(st.tensor([0.0]))
        tensor([0.5000])
    """
    return _write_back(input, relu6(input + 3.0) / 6.0, inplace, "hardsigmoid")


def softsign(input):
    """Softsign, elementwise: ``x / (1 + |x|)``;
    the functional form of :class:`striate.nn.Softsign`.

    Args:
        input (Tensor): The input, any shape.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.softsign(st.tensor([1.0]))
        tensor([0.5000])
    """
    return input / (input.abs() + 1.0)


def logsigmoid(input):
    """Log-sigmoid, elementwise: ``log(sigmoid(x)) = -softplus(-x)``, computed
    stably;
    the functional form of :class:`striate.nn.LogSigmoid`.

    Args:
        input (Tensor): The input, any shape.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.logsigmoid(st.tensor([0.0]))
        tensor([-0.6931])
    """
    return -softplus(-input)


def tanhshrink(input):
    """Tanhshrink, elementwise: ``x - tanh(x)``;
    the functional form of :class:`striate.nn.Tanhshrink`.

    Args:
        input (Tensor): The input, any shape.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.tanhshrink(st.tensor([0.0]))
        tensor([0.])
    """
    return input - tanh(input)


def hardshrink(input, lambd=0.5):
    """Hard shrinkage, elementwise: ``x`` where ``|x| > lambd``, else 0;
    the functional form of :class:`striate.nn.Hardshrink`.

    Args:
        input (Tensor): The input, any shape.
        lambd (float): The threshold. Default: 0.5.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Example:
        >>> F.hardshrink(st.tensor([0.2, 0.7]))
        tensor([0.0000, 0.7000])
    """
    from ... import where

    return where(input.abs() > lambd, input, 0.0)


def softshrink(input, lambd=0.5):
    """Soft shrinkage, elementwise: ``x - lambd`` where ``x > lambd``, ``x + lambd``
    where ``x < -lambd``, else 0;
    the functional form of :class:`striate.nn.Softshrink`.

    Args:
        input (Tensor): The input, any shape.
        lambd (float): The threshold (>= 0). Default: 0.5.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Raises:
        ValueError: ``lambd`` is negative.

    Example:
        >>> F.softshrink(st.tensor([1.5]))
        tensor([1.])
    """
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be >= 0, got {lambd}")
    return input - input.clamp(-lambd, lambd)


def threshold(input, threshold, value, inplace=False):
    """Thresholding, elementwise: ``x`` where ``x > threshold``, else ``value``;
    the functional form of :class:`striate.nn.Threshold`.

    Args:
        input (Tensor): The input, any shape.
        threshold (float): The threshold.
        value (float): What replaces the values at or below it.
        inplace (bool): Copy the result into ``input`` and return it (refused on a tensor
            that requires grad while grad mode is on). Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Returns:
        Tensor: The activation, the input's shape.

    Raises:
        ValueError: ``inplace=True`` on a tensor that requires grad, with grad mode on.

    Example:
        >>> F.threshold(st.tensor([0.0, 0.5]), 0.1, 20.0)
        tensor([20.0000,  0.5000])
    """
    from ... import where

    return _write_back(input, where(input > threshold, input, float(value)), inplace,
                       "threshold")


__all__ += ["celu", "mish", "hardsigmoid", "softsign", "logsigmoid", "tanhshrink", "hardshrink",
            "softshrink", "threshold"]
