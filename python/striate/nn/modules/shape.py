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


# ---- composed in Python (nn.functional), with torch's signatures ------------------------------
import inspect as _inspect  # noqa: E402

from .. import functional as _Fn  # noqa: E402
from . import _composed_docs as _docs  # noqa: E402
from ._composed import composed_module as _composed  # noqa: E402


def _padder(dims, mode, name):
    def pad(input, padding, value=0.0):
        if isinstance(padding, int) and not isinstance(padding, bool):
            amounts = [padding] * (2 * dims)
        elif isinstance(padding, (tuple, list)) and len(padding) == 2 * dims:
            amounts = list(padding)
        else:
            raise ValueError(f"{name}: expected padding as an int or a tuple of {2 * dims} ints, "
                             f"got {padding!r}")
        if mode == "constant":
            return _Fn.pad(input, amounts, "constant", value)
        return _Fn.pad(input, amounts, mode)

    return pad


_REQUIRED = _inspect.Parameter.empty
_PADDINGS = []
for _dims in (1, 2, 3):
    for _prefix, _mode in (("Zero", "constant"), ("Constant", "constant"),
                           ("Reflection", "reflect"), ("Replication", "replicate")):
        _name = f"{_prefix}Pad{_dims}d"
        _params = [("padding", _REQUIRED)] + ([("value", _REQUIRED)] if _prefix == "Constant"
                                              else [])
        _fn = _padder(_dims, _mode, _name)
        globals()[_name] = _composed(_name, _fn, _params, _docs.padding(_name, _dims, _mode))
        _PADDINGS.append(_name)

ChannelShuffle = _composed("ChannelShuffle", _Fn.channel_shuffle, [("groups", _REQUIRED)],
                           _docs.ChannelShuffle)
UpsamplingNearest2d = _composed(
    "UpsamplingNearest2d",
    lambda input, size, scale_factor: _Fn.interpolate(input, size, scale_factor, "nearest"),
    [("size", None), ("scale_factor", None)], _docs.UpsamplingNearest2d)
UpsamplingBilinear2d = _composed(
    "UpsamplingBilinear2d",
    lambda input, size, scale_factor: _Fn.interpolate(input, size, scale_factor, "bilinear",
                                                      align_corners=True),
    [("size", None), ("scale_factor", None)], _docs.UpsamplingBilinear2d)
__all__ += _PADDINGS + ["ChannelShuffle", "UpsamplingNearest2d", "UpsamplingBilinear2d"]
