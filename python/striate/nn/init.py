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
    return _init.calculate_gain(nonlinearity, 0.01 if param is None else float(param))


def _calculate_fan_in_and_fan_out(tensor):
    return _init.calculate_fan_in_and_fan_out(tensor)


def uniform_(tensor, a=0.0, b=1.0):
    return _init.uniform_(tensor, float(a), float(b))


def normal_(tensor, mean=0.0, std=1.0):
    return _init.normal_(tensor, float(mean), float(std))


def constant_(tensor, val):
    return _init.constant_(tensor, float(val))


def zeros_(tensor):
    return _init.zeros_(tensor)


def ones_(tensor):
    return _init.ones_(tensor)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    return _init.kaiming_uniform_(tensor, float(a), mode, nonlinearity)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    return _init.kaiming_normal_(tensor, float(a), mode, nonlinearity)


def xavier_uniform_(tensor, gain=1.0):
    return _init.xavier_uniform_(tensor, float(gain))


def xavier_normal_(tensor, gain=1.0):
    return _init.xavier_normal_(tensor, float(gain))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """N(mean, std^2) truncated to [a, b] (inverse-CDF sampling, as torch)."""
    return _init.trunc_normal_(tensor, float(mean), float(std), float(a), float(b))


def orthogonal_(tensor, gain=1):
    """A (semi-)orthogonal matrix scaled by gain; dimensions after the first are flattened."""
    return _init.orthogonal_(tensor, float(gain))


def eye_(tensor):
    """The identity matrix (2-D tensors only)."""
    return _init.eye_(tensor)


def dirac_(tensor, groups=1):
    """A convolution weight (3, 4 or 5 dims) that preserves the identity of the input channels
    in each group."""
    return _init.dirac_(tensor, int(groups))


def sparse_(tensor, sparsity, std=0.01):
    """A 2-D matrix with ceil(sparsity * rows) zeros per column, the rest N(0, std^2)."""
    return _init.sparse_(tensor, float(sparsity), float(std))
