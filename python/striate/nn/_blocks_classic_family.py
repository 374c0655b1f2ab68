"""Merge blocks of the classic family (cpp/include/striate/nn/classic_blocks.h, bound): SqueezeNet's
Fire, GoogLeNet's Inception and InceptionAux (with BasicConv2d), NiN's MlpConv, DenseNet's
DenseBlock / DenseLayer / Transition, FractalNet's FractalBlock, LeNet-5's Subsampling and
ScaledTanh; re-exported by striate.nn."""

from .. import _C

__all__ = [
    "BasicConv2d",
    "DenseBlock",
    "DenseLayer",
    "FractalBlock",
    "Fire",
    "Inception",
    "InceptionAux",
    "MlpConv",
    "ScaledTanh",
    "Subsampling",
    "Transition",
]

_nn = _C._nn
for _name in __all__:
    _block = getattr(_nn, _name)
    _block.__module__ = "striate.nn"
    globals()[_name] = _block
del _name, _block
