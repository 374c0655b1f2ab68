"""Recurrent layers, bound from C++: RNN (multi-layer, optionally bidirectional) and RNNCell."""

from ._bound import _nn, public

__all__ = ["RNN", "RNNCell"]

RNN = _nn.RNN
RNNCell = _nn.RNNCell
public(RNN, RNNCell)
