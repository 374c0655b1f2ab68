"""Shape layers, bound from C++: Flatten, Unflatten, Upsample, PixelShuffle and PixelUnshuffle
(parameter-free)."""

from ._bound import _nn, public

__all__ = ["Flatten", "Unflatten", "Upsample", "PixelShuffle", "PixelUnshuffle"]

Flatten = _nn.Flatten
Unflatten = _nn.Unflatten
Upsample = _nn.Upsample
PixelShuffle = _nn.PixelShuffle
PixelUnshuffle = _nn.PixelUnshuffle
public(Flatten, Unflatten, Upsample, PixelShuffle, PixelUnshuffle)
