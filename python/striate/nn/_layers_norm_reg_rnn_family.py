"""Normalization, dropout-like and recurrent layers (the C++ classes of
cpp/include/striate/nn/normalization.h, dropout.h and recurrent.h, bound); re-exported by
striate.nn."""

from .. import _C

__all__ = [
    "AlphaDropout",
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "DropConnect",
    "DropPath",
    "Dropout",
    "Dropout2d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "LayerNorm",
    "LocalResponseNorm",
    "RNN",
    "RNNCell",
    "SqueezeExcite",
]

_nn = _C._nn
for _name in __all__:
    _layer = getattr(_nn, _name)
    _layer.__module__ = "striate.nn"
    globals()[_name] = _layer
del _name, _layer
