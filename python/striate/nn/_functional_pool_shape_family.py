"""1-D and 3-D pooling, max_unpool2d, adaptive and fractional pooling, channel max pooling, and
the shape helpers (pad, interpolate, pixel_shuffle, one_hot, unflatten) with PyTorch's
signatures; arguments are normalized here and the work is done by striate._C._functional."""

import math

from .. import _C
from ._functional_conv import _int, _pair

__all__ = [
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool3d",
    "channel_max_pool",
    "fractional_max_pool2d",
    "interpolate",
    "max_pool1d",
    "max_pool3d",
    "max_unpool2d",
    "one_hot",
    "pad",
    "pixel_shuffle",
    "pixel_unshuffle",
    "unflatten",
]

_F = _C._functional


def _single(value, op, name):
    """An int or a sequence of one int -> an int."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{op}: expected {name} to be an int or a 1-tuple, got {tuple(value)}")
        value = value[0]
    return _int(value, op, name)


def _triple(value, op, name):
    """An int or a sequence of one or three ints -> a (depth, height, width) tuple."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = (value[0],) * 3
        if len(value) != 3:
            raise ValueError(f"{op}: expected {name} to be an int or a triple of ints, got {tuple(value)}")
        return tuple(_int(v, op, name) for v in value)
    if isinstance(value, str) or value is None:
        raise TypeError(f"{op}: expected {name} to be an int or a triple of ints, got {value!r}")
    return (_int(value, op, name),) * 3


def _default_stride(stride, kernel, normalize, op):
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        return kernel
    return normalize(stride, op, "stride")


# ---- 1-D and 3-D pooling --------------------------------------------------------------------


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling of (N, C, L) or (C, L); with return_indices also each maximum's position."""
    kernel = _single(kernel_size, "max_pool1d", "kernel_size")
    args = (
        input,
        kernel,
        _default_stride(stride, kernel, _single, "max_pool1d"),
        _single(padding, "max_pool1d", "padding"),
        _single(dilation, "max_pool1d", "dilation"),
        bool(ceil_mode),
    )
    return _F.max_pool1d_with_indices(*args) if return_indices else _F.max_pool1d(*args)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling of (N, C, L) or (C, L)."""
    kernel = _single(kernel_size, "avg_pool1d", "kernel_size")
    return _F.avg_pool1d(
        input,
        kernel,
        _default_stride(stride, kernel, _single, "avg_pool1d"),
        _single(padding, "avg_pool1d", "padding"),
        bool(ceil_mode),
        bool(count_include_pad),
    )


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling of (N, C, D, H, W) or (C, D, H, W); indices are flat d * H * W + h * W + w."""
    kernel = _triple(kernel_size, "max_pool3d", "kernel_size")
    args = (
        input,
        kernel,
        _default_stride(stride, kernel, _triple, "max_pool3d"),
        _triple(padding, "max_pool3d", "padding"),
        _triple(dilation, "max_pool3d", "dilation"),
        bool(ceil_mode),
    )
    return _F.max_pool3d_with_indices(*args) if return_indices else _F.max_pool3d(*args)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling of (N, C, D, H, W) or (C, D, H, W)."""
    kernel = _triple(kernel_size, "avg_pool3d", "kernel_size")
    if divisor_override is not None:
        divisor_override = _int(divisor_override, "avg_pool3d", "divisor_override")
    return _F.avg_pool3d(
        input,
        kernel,
        _default_stride(stride, kernel, _triple, "avg_pool3d"),
        _triple(padding, "avg_pool3d", "padding"),
        bool(ceil_mode),
        bool(count_include_pad),
        divisor_override,
    )


# ---- unpooling, adaptive, fractional and channel pooling --------------------------------------


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool2d(return_indices=True): values go to their indices, zeros elsewhere.

    output_size (its last two entries are used, as in PyTorch) defaults to
    (H - 1) * stride - 2 * padding + kernel_size.
    """
    kernel = _pair(kernel_size, "max_unpool2d", "kernel_size")
    if output_size is not None:
        output_size = tuple(output_size)
        if len(output_size) < 2:
            raise ValueError(f"max_unpool2d: expected output_size with at least 2 entries, got {output_size}")
        output_size = _pair(output_size[-2:], "max_unpool2d", "output_size")
    return _F.max_unpool2d(
        input,
        indices,
        kernel,
        _default_stride(stride, kernel, _pair, "max_unpool2d"),
        _pair(padding, "max_unpool2d", "padding"),
        output_size,
    )


def _adaptive_size(input, output_size, op):
    """PyTorch's output_size: an int, or a pair whose None entries keep the input's size."""
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise ValueError(f"{op}: expected output_size to be an int or a pair, got {tuple(output_size)}")
        sizes = tuple(input.shape[-2:])
        if len(sizes) != 2:
            raise ValueError(f"{op}: expected input of shape (N, C, H, W) or (C, H, W), got {tuple(input.shape)}")
        return tuple(
            sizes[i] if v is None else _int(v, op, "output_size") for i, v in enumerate(output_size)
        )
    return _pair(output_size, op, "output_size")


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output_size; output (p, q) covers rows
    [floor(p * H / P), ceil((p + 1) * H / P)) and columns likewise."""
    return _F.adaptive_avg_pool2d(input, _adaptive_size(input, output_size, "adaptive_avg_pool2d"))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output_size (windows as adaptive_avg_pool2d)."""
    size = _adaptive_size(input, output_size, "adaptive_max_pool2d")
    if return_indices:
        return _F.adaptive_max_pool2d_with_indices(input, size)
    return _F.adaptive_max_pool2d(input, size)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling (Graham, 2014): kernel_size windows at pseudo-random starts.

    Give output_size, or output_ratio (output = int(input size * ratio)). _random_samples, of
    shape (N, C, 2) in [0, 1) (width sample first), fixes the windows; by default they are drawn
    from striate's seeded generator.
    """
    kernel = _pair(kernel_size, "fractional_max_pool2d", "kernel_size")
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool2d: expected output_size or output_ratio, got neither")
    if output_size is not None and output_ratio is not None:
        raise ValueError("fractional_max_pool2d: expected only one of output_size and output_ratio, got both")
    if output_size is None:
        ratio = output_ratio if isinstance(output_ratio, (tuple, list)) else (output_ratio, output_ratio)
        if len(ratio) != 2 or not all(0 < float(r) < 1 for r in ratio):
            raise ValueError(f"fractional_max_pool2d: expected output_ratio in (0, 1), got {output_ratio}")
        if input.dim() not in (3, 4):
            raise ValueError(
                "fractional_max_pool2d: expected input of shape (N, C, H, W) or (C, H, W), "
                f"got {tuple(input.shape)}"
            )
        output_size = (int(input.shape[-2] * float(ratio[0])), int(input.shape[-1] * float(ratio[1])))
    size = _pair(output_size, "fractional_max_pool2d", "output_size")
    samples = _random_samples
    if samples is not None and input.dim() == 3 and samples.dim() == 2:
        samples = samples.unsqueeze(0)
    out, indices = _F.fractional_max_pool2d_with_indices(input, kernel, size, samples)
    return (out, indices) if return_indices else out


def channel_max_pool(input, kernel_size):
    """Maxout: the maximum over each group of kernel_size consecutive channels of (N, C, *) input
    (C divisible by kernel_size); the gradient goes to the first maximum of each group."""
    return _F.channel_max_pool(input, _int(kernel_size, "channel_max_pool", "kernel_size"))


# ---- shape helpers ------------------------------------------------------------------------


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


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resizes (N, C, H, W) input to size, or by scale_factor, with mode 'nearest' or 'bilinear'
    (PyTorch's index rules, align_corners for bilinear)."""
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if size is not None:
        size = _pair(size, "interpolate", "size")
    if scale_factor is not None:
        factors = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor, scale_factor)
        if len(factors) != 2:
            raise ValueError(f"interpolate: expected scale_factor to be a number or a pair, got {scale_factor}")
        scale_factor = (float(factors[0]), float(factors[1]))
        if recompute_scale_factor:
            if input.dim() != 4:
                raise NotImplementedError(
                    f"interpolate: only 4-D input (N, C, H, W) is supported, got shape {tuple(input.shape)}"
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
        raise TypeError(f"unflatten: expected sizes to be a tuple of ints, got {type(sizes).__name__}")
    return _F.unflatten(input, _int(dim, "unflatten", "dim"), [_int(s, "unflatten", "sizes") for s in sizes])
