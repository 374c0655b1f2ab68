"""linear, with PyTorch's signature; the work is done by striate._C._functional."""

from ... import _C

__all__ = ["linear"]

_F = _C._functional


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias; input (*, in_features), weight (out_features, in_features)."""
    return _F.linear(input, weight, bias)
