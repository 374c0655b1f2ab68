"""Normalization layers, bound from C++: BatchNorm1d/2d/3d, LayerNorm, GroupNorm,
InstanceNorm1d/2d, LocalResponseNorm, and SqueezeExcite (channel recalibration)."""

from ._bound import _nn, public

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "LayerNorm",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "LocalResponseNorm",
    "SqueezeExcite",
]

BatchNorm1d = _nn.BatchNorm1d
BatchNorm2d = _nn.BatchNorm2d
BatchNorm3d = _nn.BatchNorm3d
LayerNorm = _nn.LayerNorm
GroupNorm = _nn.GroupNorm
InstanceNorm1d = _nn.InstanceNorm1d
InstanceNorm2d = _nn.InstanceNorm2d
LocalResponseNorm = _nn.LocalResponseNorm
SqueezeExcite = _nn.SqueezeExcite
public(BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm, GroupNorm, InstanceNorm1d,
       InstanceNorm2d, LocalResponseNorm, SqueezeExcite)
