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
    """Channel dropout: whole channels zeroed with probability p in training, the rest scaled by
    1 / (1 - p); the identity in evaluation."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: dropout probability has to be between 0 "
                             f"and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def extra_repr(self):
        """The module's constructor arguments, as its repr shows them.

        Example:
            >>> nn.Dropout1d(0.2).extra_repr()
            'p=0.2, inplace=False'
        """
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_ChannelDropout):
    """Channel dropout for 1-D maps: in training, zeroes whole channels of an (N, C, L) input with
    probability ``p`` and scales the others by ``1 / (1 - p)``; the identity in evaluation.

    Args:
        p (float): Probability of zeroing a channel, in [0, 1]. Default: 0.5.
        inplace (bool): Overwrite the input. Default: False.

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: the input's shape.

    Raises:
        ValueError: ``p`` is outside [0, 1], or the input is not 2-D or 3-D.

    Example:
        >>> nn.Dropout1d(0.2)(st.randn(2, 4, 8)).shape
        striate.Size([2, 4, 8])
    """

    def forward(self, input):
        """Drops channels of ``input`` in training; returns it unchanged in evaluation.

        Example:
            >>> m = nn.Dropout1d(0.5).eval()
            >>> x = st.ones(1, 2, 3)
            >>> bool((m.forward(x) == x).all())
            True
        """
        return _Fn.dropout1d(input, self.p, self.training, self.inplace)


class Dropout3d(_ChannelDropout):
    """Channel dropout for volumes: in training, zeroes whole channels of an (N, C, D, H, W)
    input with probability ``p`` and scales the others by ``1 / (1 - p)``; the identity in
    evaluation.

    Args:
        p (float): Probability of zeroing a channel, in [0, 1]. Default: 0.5.
        inplace (bool): Overwrite the input. Default: False.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W).
        - Output: the input's shape.

    Raises:
        ValueError: ``p`` is outside [0, 1], or the input is not 4-D or 5-D.

    Example:
        >>> nn.Dropout3d(0.2)(st.randn(2, 4, 3, 3, 3)).shape
        striate.Size([2, 4, 3, 3, 3])
    """

    def forward(self, input):
        """Drops channels of ``input`` in training; returns it unchanged in evaluation.

        Example:
            >>> m = nn.Dropout3d(0.5).eval()
            >>> x = st.ones(1, 2, 1, 1, 1)
            >>> bool((m.forward(x) == x).all())
            True
        """
        return _Fn.dropout3d(input, self.p, self.training, self.inplace)


Dropout1d.__module__ = Dropout3d.__module__ = "striate.nn"
__all__ += ["Dropout1d", "Dropout3d"]
