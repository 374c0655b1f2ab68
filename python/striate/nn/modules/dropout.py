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
