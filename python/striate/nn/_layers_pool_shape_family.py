"""Modules of the pool/shape family (bound from the C++ layers of nn/pool_layers.h); re-exported
by striate.nn.

GlobalAvgPool2d() / GlobalMaxPool2d() return (N, C, 1, 1), exactly AdaptiveAvgPool2d(1) /
AdaptiveMaxPool2d(1) as PyTorch users write them; pass flatten=True for (N, C).
"""

from .. import _C

__all__ = [
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "AvgPool1d",
    "AvgPool3d",
    "ChannelMaxPool",
    "FractionalMaxPool2d",
    "GlobalAvgPool2d",
    "GlobalMaxPool2d",
    "MaxPool1d",
    "MaxPool3d",
    "MaxUnpool2d",
    "PixelShuffle",
    "PixelUnshuffle",
    "Unflatten",
    "Upsample",
]

_nn = _C._nn
AdaptiveAvgPool2d = _nn.AdaptiveAvgPool2d
AdaptiveMaxPool2d = _nn.AdaptiveMaxPool2d
AvgPool1d = _nn.AvgPool1d
AvgPool3d = _nn.AvgPool3d
ChannelMaxPool = _nn.ChannelMaxPool
FractionalMaxPool2d = _nn.FractionalMaxPool2d
GlobalAvgPool2d = _nn.GlobalAvgPool2d
GlobalMaxPool2d = _nn.GlobalMaxPool2d
MaxPool1d = _nn.MaxPool1d
MaxPool3d = _nn.MaxPool3d
MaxUnpool2d = _nn.MaxUnpool2d
PixelShuffle = _nn.PixelShuffle
PixelUnshuffle = _nn.PixelUnshuffle
Unflatten = _nn.Unflatten
Upsample = _nn.Upsample
for _name in __all__:
    globals()[_name].__module__ = "striate.nn"
del _name
