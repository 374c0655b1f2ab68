"""striate.nn.init: in-place initializers with torch.nn.init's names and signatures; each fills
the given tensor under no_grad and returns it. Random fills draw one seed from the default
generator (so manual_seed makes them reproducible) and fill in parallel chunks whose values do not
depend on the thread count.

    nn.init.kaiming_uniform_(conv.weight, a=0, mode="fan_in", nonlinearity="relu")
"""

from .. import _C

_init = _C._nn._init

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_", "kaiming_uniform_",
    "kaiming_normal_", "xavier_uniform_", "xavier_normal_", "trunc_normal_", "orthogonal_", "eye_",
    "dirac_", "sparse_",
]


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh,
    sqrt(2) for relu, sqrt(2 / (1 + param^2)) for leaky_relu (param the negative slope, default
    0.01), 3/4 for selu.

    Args:
        nonlinearity (str): 'linear', 'conv1d', 'conv2d', 'conv3d', 'sigmoid', 'tanh', 'relu',
            'leaky_relu' or 'selu'.
        param (float, optional): The negative slope of leaky_relu. Default: None (0.01).

    Raises:
        ValueError: An unknown nonlinearity.

    Example:
        >>> round(nn.init.calculate_gain("relu"), 4)
        1.4142
    """
    return _init.calculate_gain(nonlinearity, 0.01 if param is None else float(param))


def _calculate_fan_in_and_fan_out(tensor):
    return _init.calculate_fan_in_and_fan_out(tensor)


def uniform_(tensor, a=0.0, b=1.0):
    """Fills ``tensor`` with draws from U(a, b); returns it.

    Example:
        >>> w = nn.init.uniform_(st.empty(3, 5), -0.1, 0.1)
        >>> bool((w.abs() <= 0.1).all())
        True
    """
    return _init.uniform_(tensor, float(a), float(b))


def normal_(tensor, mean=0.0, std=1.0):
    """Fills ``tensor`` with draws from N(mean, std^2); returns it.

    Example:
        >>> nn.init.normal_(st.empty(3, 5), std=0.02).shape
        striate.Size([3, 5])
    """
    return _init.normal_(tensor, float(mean), float(std))


def constant_(tensor, val):
    """Fills ``tensor`` with ``val``; returns it.

    Example:
        >>> nn.init.constant_(st.empty(2), 0.3).tolist()
        [0.30000001192092896, 0.30000001192092896]
    """
    return _init.constant_(tensor, float(val))


def zeros_(tensor):
    """Fills ``tensor`` with zeros; returns it.

    Example:
        >>> nn.init.zeros_(st.empty(2)).tolist()
        [0.0, 0.0]
    """
    return _init.zeros_(tensor)


def ones_(tensor):
    """Fills ``tensor`` with ones; returns it.

    Example:
        >>> nn.init.ones_(st.empty(2)).tolist()
        [1.0, 1.0]
    """
    return _init.ones_(tensor)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """He initialization, uniform: U(-bound, bound) with ``bound = gain * sqrt(3 / fan)``,
    gain = ``calculate_gain(nonlinearity, a)``; returns the tensor.

    Args:
        tensor (Tensor): At least 2-D (fan_in = size(1) * receptive field).
        a (float): Negative slope of the rectifier after this layer (leaky_relu). Default: 0.
        mode (str): 'fan_in' (keeps the forward variance) or 'fan_out' (the backward).
            Default: 'fan_in'.
        nonlinearity (str): 'relu' or 'leaky_relu' (see ``calculate_gain``). Default: 'leaky_relu'.

    Raises:
        ValueError: The tensor has fewer than 2 dimensions, or an unknown mode or nonlinearity.

    Example:
        >>> w = st.empty(16, 3, 3, 3)
        >>> nn.init.kaiming_uniform_(w, mode="fan_in", nonlinearity="relu").shape
        striate.Size([16, 3, 3, 3])
    """
    return _init.kaiming_uniform_(tensor, float(a), mode, nonlinearity)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """He initialization, normal: N(0, std^2) with ``std = gain / sqrt(fan)``,
    gain = ``calculate_gain(nonlinearity, a)``; returns the tensor.

    Args:
        tensor (Tensor): At least 2-D.
        a (float): Negative slope of the rectifier after this layer (leaky_relu). Default: 0.
        mode (str): 'fan_in' or 'fan_out'. Default: 'fan_in'.
        nonlinearity (str): 'relu' or 'leaky_relu'. Default: 'leaky_relu'.

    Raises:
        ValueError: The tensor has fewer than 2 dimensions, or an unknown mode or nonlinearity.

    Example:
        >>> nn.init.kaiming_normal_(st.empty(8, 4), mode="fan_out").shape
        striate.Size([8, 4])
    """
    return _init.kaiming_normal_(tensor, float(a), mode, nonlinearity)


def xavier_uniform_(tensor, gain=1.0):
    """Glorot initialization, uniform: U(-bound, bound) with
    ``bound = gain * sqrt(6 / (fan_in + fan_out))``; returns the tensor.

    Raises:
        ValueError: The tensor has fewer than 2 dimensions.

    Example:
        >>> nn.init.xavier_uniform_(st.empty(3, 5), gain=nn.init.calculate_gain("tanh")).shape
        striate.Size([3, 5])
    """
    return _init.xavier_uniform_(tensor, float(gain))


def xavier_normal_(tensor, gain=1.0):
    """Glorot initialization, normal: N(0, std^2) with
    ``std = gain * sqrt(2 / (fan_in + fan_out))``; returns the tensor.

    Raises:
        ValueError: The tensor has fewer than 2 dimensions.

    Example:
        >>> nn.init.xavier_normal_(st.empty(3, 5)).shape
        striate.Size([3, 5])
    """
    return _init.xavier_normal_(tensor, float(gain))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """N(mean, std^2) truncated to [a, b] (inverse-CDF sampling, as torch).

    Example:
        >>> w = nn.init.trunc_normal_(st.empty(100), std=1.0, a=-2.0, b=2.0)
        >>> bool((w.abs() <= 2.0).all())
        True
    """
    return _init.trunc_normal_(tensor, float(mean), float(std), float(a), float(b))


def orthogonal_(tensor, gain=1):
    """A (semi-)orthogonal matrix scaled by gain; dimensions after the first are flattened.

    Example:
        >>> w = nn.init.orthogonal_(st.empty(3, 3))
        >>> np.allclose((w @ w.T).numpy(), np.eye(3), atol=1e-5)
        True
    """
    return _init.orthogonal_(tensor, float(gain))


def eye_(tensor):
    """The identity matrix (2-D tensors only).

    Example:
        >>> nn.init.eye_(st.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    return _init.eye_(tensor)


def dirac_(tensor, groups=1):
    """A convolution weight (3, 4 or 5 dims) that preserves the identity of the input channels
    in each group.

    Example:
        >>> w = nn.init.dirac_(st.empty(4, 4, 3, 3))
        >>> x = st.randn(1, 4, 5, 5)
        >>> bool((F.conv2d(x, w, padding=1) == x).all())
        True
    """
    return _init.dirac_(tensor, int(groups))


def sparse_(tensor, sparsity, std=0.01):
    """A 2-D matrix with ceil(sparsity * rows) zeros per column, the rest N(0, std^2).

    Example:
        >>> w = nn.init.sparse_(st.empty(10, 4), sparsity=0.3)
        >>> [int((w[:, j] == 0).sum()) for j in range(4)]
        [3, 3, 3, 3]
    """
    return _init.sparse_(tensor, float(sparsity), float(std))
