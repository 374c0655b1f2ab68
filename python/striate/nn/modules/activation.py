"""Activation layers, bound from C++: ReLU and its parameterized relatives, Sigmoid, Tanh,
Softmax, LogSoftmax and Softmin."""

from ._bound import _nn, public

__all__ = [
    "ReLU", "Sigmoid", "Tanh", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "GELU", "SiLU",
    "Hardswish",
    "Softplus", "Hardtanh", "AbsTanh", "Softmax", "LogSoftmax", "Softmin",
]

ReLU = _nn.ReLU
Sigmoid = _nn.Sigmoid
Tanh = _nn.Tanh
ReLU6 = _nn.ReLU6
LeakyReLU = _nn.LeakyReLU
PReLU = _nn.PReLU
ELU = _nn.ELU
SELU = _nn.SELU
GELU = _nn.GELU
SiLU = _nn.SiLU
Hardswish = _nn.Hardswish
Softplus = _nn.Softplus
Hardtanh = _nn.Hardtanh
AbsTanh = _nn.AbsTanh
Softmax = _nn.Softmax
LogSoftmax = _nn.LogSoftmax
Softmin = _nn.Softmin
public(ReLU, Sigmoid, Tanh, ReLU6, LeakyReLU, PReLU, ELU, SELU, GELU, SiLU, Hardswish, Softplus,
       Hardtanh, AbsTanh, Softmax, LogSoftmax, Softmin)
