"""striate.nn.init: in-place initializers with torch.nn.init's names and signatures; each fills
the given tensor under no_grad (drawing from the default generator) and returns it.

    nn.init.kaiming_uniform_(conv.weight, a=0, mode="fan_in", nonlinearity="relu")
"""

from .. import _C

_init = _C._nn._init

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_", "kaiming_uniform_",
    "kaiming_normal_", "xavier_uniform_", "xavier_normal_",
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
