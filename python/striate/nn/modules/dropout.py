"""Dropout layers, bound from C++: Dropout, Dropout2d, AlphaDropout, DropConnect (on weights) and
DropPath (stochastic depth)."""

from ._bound import _nn, public

__all__ = ["Dropout", "Dropout2d", "AlphaDropout", "DropConnect", "DropPath"]

Dropout = _nn.Dropout
Dropout2d = _nn.Dropout2d
AlphaDropout = _nn.AlphaDropout
DropConnect = _nn.DropConnect
DropPath = _nn.DropPath
public(Dropout, Dropout2d, AlphaDropout, DropConnect, DropPath)


# ---- composed in Python (nn.functional), with torch's signatures ------------------------------
from .. import functional as _Fn  # noqa: E402
from ..module import Module as _Module  # noqa: E402


class _ChannelDropout(_Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: dropout probability has to be between 0 "
                             f"and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_ChannelDropout):
    """Zeroes whole channels of (N, C, L) or (C, L) inputs with probability p in training."""

    def forward(self, input):
        return _Fn.dropout1d(input, self.p, self.training, self.inplace)


class Dropout3d(_ChannelDropout):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability p."""

    def forward(self, input):
        return _Fn.dropout3d(input, self.p, self.training, self.inplace)


Dropout1d.__module__ = Dropout3d.__module__ = "striate.nn"
__all__ += ["Dropout1d", "Dropout3d"]
