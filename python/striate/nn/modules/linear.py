"""Linear: the fully connected layer y = x @ weight.T + bias, bound from C++."""

from ._bound import _nn, public

__all__ = ["Linear"]

Linear = _nn.Linear
public(Linear)
