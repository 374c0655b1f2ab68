"""Merge blocks of the resnet family (the C++ classes of cpp/include/striate/nn/blocks.h, bound);
re-exported by striate.nn."""

from .. import _C

__all__ = [
    "BasicBlock",
    "Bottleneck",
    "Concat",
    "Parallel",
    "PreActBlock",
    "Residual",
    "WideBlock",
    "ZeroPadShortcut",
]

_nn = _C._nn
for _name in __all__:
    _block = getattr(_nn, _name)
    _block.__module__ = "striate.nn"
    globals()[_name] = _block
