"""Pooling ops with PyTorch's signatures: 1-, 2- and 3-D max / average pooling, max_unpool2d,
adaptive, fractional and channel (maxout) pooling; striate._C._functional normalizes the
arguments and does the work."""

from ... import _C

__all__ = [
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "channel_max_pool",
    "fractional_max_pool2d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_unpool2d",
]

_F = _C._functional


# ---- 1-, 2- and 3-D pooling (stride None: the kernel size) ------------------------------------


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """1-D max pooling of (N, C, L) or (C, L); with return_indices also each maximum's position."""
    return _F.max_pool1d(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling of (N, C, L) or (C, L)."""
    return _F.avg_pool1d(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad
    )


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """2-D max pooling; with return_indices also the flat (h * W + w) index of each maximum."""
    return _F.max_pool2d(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """2-D average pooling with PyTorch's count_include_pad, divisor_override and ceil_mode."""
    return _F.avg_pool2d(
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


def max_pool3d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """3-D max pooling of (N, C, D, H, W) or (C, D, H, W); indices are flat
    d * H * W + h * W + w."""
    return _F.max_pool3d(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def avg_pool3d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """3-D average pooling of (N, C, D, H, W) or (C, D, H, W)."""
    return _F.avg_pool3d(
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


# ---- unpooling, adaptive, fractional and channel pooling --------------------------------------


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool2d(return_indices=True): values go to their indices, zeros elsewhere.

    output_size (its last two entries are used, as in PyTorch) defaults to
    (H - 1) * stride - 2 * padding + kernel_size.
    """
    return _F.max_unpool2d(input, indices, kernel_size, stride, padding, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output_size (an int, or a pair whose None entries keep the
    input's size); output (p, q) covers rows [floor(p * H / P), ceil((p + 1) * H / P)) and
    columns likewise."""
    return _F.adaptive_avg_pool2d(input, output_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output_size (windows as adaptive_avg_pool2d)."""
    return _F.adaptive_max_pool2d(input, output_size, return_indices)


def fractional_max_pool2d(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
):
    """Fractional max pooling (Graham, 2014): kernel_size windows at pseudo-random starts.

    Give output_size, or output_ratio (output = int(input size * ratio)). _random_samples, of
    shape (N, C, 2) in [0, 1) (width sample first), fixes the windows; by default they are drawn
    from striate's seeded generator.
    """
    return _F.fractional_max_pool2d(
        input, kernel_size, output_size, output_ratio, return_indices, _random_samples
    )


def channel_max_pool(input, kernel_size):
    """Maxout: the maximum over each group of kernel_size consecutive channels of (N, C, *) input
    (C divisible by kernel_size); the gradient goes to the first maximum of each group."""
    return _F.channel_max_pool(input, kernel_size)


def _as_2d(input, op):
    if input.dim() not in (2, 3):
        raise ValueError(f"{op}: expected a 2-D (C, L) or 3-D (N, C, L) input, got "
                         f"{input.dim()}-D")
    return input.unsqueeze(-2)


def _length(output_size, op):
    size = output_size[0] if isinstance(output_size, (tuple, list)) and len(output_size) == 1 \
        else output_size
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ValueError(f"{op}: expected output_size as a positive int, got {output_size!r}")
    return size


def adaptive_avg_pool1d(input, output_size):
    """Averages input (N, C, L) or (C, L) over output_size adaptive windows along L."""
    size = _length(output_size, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(_as_2d(input, "adaptive_avg_pool1d"), (1, size)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Maxima of input (N, C, L) or (C, L) over output_size adaptive windows along L (indices
    into L with return_indices)."""
    size = _length(output_size, "adaptive_max_pool1d")
    out = adaptive_max_pool2d(_as_2d(input, "adaptive_max_pool1d"), (1, size), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


__all__ += ["adaptive_avg_pool1d", "adaptive_max_pool1d"]
