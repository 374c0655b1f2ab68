"""Pooling layers, bound from C++: 1-, 2- and 3-D max / average pooling, MaxUnpool2d, adaptive,
global, fractional and channel (maxout) pooling.

GlobalAvgPool2d() / GlobalMaxPool2d() return (N, C, 1, 1), exactly AdaptiveAvgPool2d(1) /
AdaptiveMaxPool2d(1) as PyTorch users write them; pass flatten=True for (N, C).
"""

from ._bound import _nn, public

__all__ = [
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "MaxUnpool2d",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "GlobalAvgPool2d",
    "GlobalMaxPool2d",
    "FractionalMaxPool2d",
    "ChannelMaxPool",
]

MaxPool1d = _nn.MaxPool1d
MaxPool2d = _nn.MaxPool2d
MaxPool3d = _nn.MaxPool3d
AvgPool1d = _nn.AvgPool1d
AvgPool2d = _nn.AvgPool2d
AvgPool3d = _nn.AvgPool3d
MaxUnpool2d = _nn.MaxUnpool2d
AdaptiveAvgPool2d = _nn.AdaptiveAvgPool2d
AdaptiveMaxPool2d = _nn.AdaptiveMaxPool2d
GlobalAvgPool2d = _nn.GlobalAvgPool2d
GlobalMaxPool2d = _nn.GlobalMaxPool2d
FractionalMaxPool2d = _nn.FractionalMaxPool2d
ChannelMaxPool = _nn.ChannelMaxPool
public(MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, MaxUnpool2d,
       AdaptiveAvgPool2d, AdaptiveMaxPool2d, GlobalAvgPool2d, GlobalMaxPool2d,
       FractionalMaxPool2d, ChannelMaxPool)


# ---- composed in Python (nn.functional), with torch's signatures ------------------------------
import inspect as _inspect  # noqa: E402

from .. import functional as _Fn  # noqa: E402
from . import _composed_docs as _docs  # noqa: E402
from ._composed import composed_module as _composed  # noqa: E402

AdaptiveAvgPool1d = _composed("AdaptiveAvgPool1d", _Fn.adaptive_avg_pool1d,
                              [("output_size", _inspect.Parameter.empty)], _docs.AdaptiveAvgPool1d)
AdaptiveMaxPool1d = _composed("AdaptiveMaxPool1d", _Fn.adaptive_max_pool1d,
                              [("output_size", _inspect.Parameter.empty),
                               ("return_indices", False)], _docs.AdaptiveMaxPool1d)
__all__ += ["AdaptiveAvgPool1d", "AdaptiveMaxPool1d"]
