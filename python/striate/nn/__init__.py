"""striate.nn: modules and layers with torch.nn's names and signatures. Every layer here is the
C++ class of cpp/include/striate/nn/, bound; Module is the bound base, subclassable in Python.

    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(6 * 14 * 14, 10))
"""

from .. import _C
from . import functional, init
from .module import Module, Parameter

_nn = _C._nn
Sequential = _nn.Sequential
Linear = _nn.Linear
Conv2d = _nn.Conv2d
MaxPool2d = _nn.MaxPool2d
AvgPool2d = _nn.AvgPool2d
ReLU = _nn.ReLU
Sigmoid = _nn.Sigmoid
Tanh = _nn.Tanh
Flatten = _nn.Flatten
Identity = _nn.Identity

for _layer in (Sequential, Linear, Conv2d, MaxPool2d, AvgPool2d, ReLU, Sigmoid, Tanh, Flatten,
               Identity):
    _layer.__module__ = "striate.nn"
del _layer

__all__ = [
    "Module", "Parameter", "Sequential", "Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "ReLU",
    "Sigmoid", "Tanh", "Flatten", "Identity", "functional", "init",
]
