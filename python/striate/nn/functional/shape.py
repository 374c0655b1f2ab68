"""Shape ops with PyTorch's signatures: pad, interpolate, pixel_shuffle / pixel_unshuffle,
one_hot and unflatten; arguments are normalized here and the work is done by
striate._C._functional."""

import math

from ... import _C
from ._args import _int, _pair

__all__ = ["interpolate", "one_hot", "pad", "pixel_shuffle", "pixel_unshuffle", "unflatten"]

_F = _C._functional


def pad(input, pad, mode="constant", value=None):
    """Pads the last dims by (left, right) pairs, last dim first, as torch.nn.functional.pad.

    mode 'constant' (value, default 0; negative amounts crop), 'reflect' or 'replicate' (last 1-3
    dims of an input with 1 or 2 leading dims more).
    """
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad: expected pad to be a tuple of ints, got {type(pad).__name__}")
    amounts = [_int(v, "pad", "pad") for v in pad]
    if not isinstance(mode, str):
        raise TypeError(f"pad: expected mode to be a string, got {type(mode).__name__}")
    if value is not None and mode != "constant":
        raise ValueError(f"pad: expected no value for mode '{mode}', got {value}")
    return _F.pad(input, amounts, mode, 0.0 if value is None else float(value))


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """Resizes (N, C, H, W) input to size, or by scale_factor, with mode 'nearest' or 'bilinear'
    (PyTorch's index rules, align_corners for bilinear)."""
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if size is not None:
        size = _pair(size, "interpolate", "size")
    if scale_factor is not None:
        factors = (
            scale_factor
            if isinstance(scale_factor, (tuple, list))
            else (scale_factor, scale_factor)
        )
        if len(factors) != 2:
            raise ValueError(
                f"interpolate: expected scale_factor to be a number or a pair, got {scale_factor}"
            )
        scale_factor = (float(factors[0]), float(factors[1]))
        if recompute_scale_factor:
            if input.dim() != 4:
                raise NotImplementedError(
                    "interpolate: only 4-D input (N, C, H, W) is supported, "
                    f"got shape {tuple(input.shape)}"
                )
            size = tuple(int(math.floor(input.shape[2 + i] * scale_factor[i])) for i in range(2))
            scale_factor = None
    if align_corners is not None:
        align_corners = bool(align_corners)
    return _F.interpolate(input, size, scale_factor, mode, align_corners)


def pixel_shuffle(input, upscale_factor):
    """(*, C * r * r, H, W) -> (*, C, H * r, W * r)."""
    return _F.pixel_shuffle(input, _int(upscale_factor, "pixel_shuffle", "upscale_factor"))


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H * r, W * r) -> (*, C * r * r, H, W)."""
    return _F.pixel_unshuffle(input, _int(downscale_factor, "pixel_unshuffle", "downscale_factor"))


def one_hot(tensor, num_classes=-1):
    """int64 class indices -> int64 one-hot of shape (*, num_classes); -1 infers max + 1."""
    return _F.one_hot(tensor, _int(num_classes, "one_hot", "num_classes"))


def unflatten(input, dim, sizes):
    """Splits dim into sizes (one entry may be -1), as Tensor.unflatten."""
    if not isinstance(sizes, (tuple, list)):
        raise TypeError(
            f"unflatten: expected sizes to be a tuple of ints, got {type(sizes).__name__}"
        )
    return _F.unflatten(
        input, _int(dim, "unflatten", "dim"), [_int(s, "unflatten", "sizes") for s in sizes]
    )
