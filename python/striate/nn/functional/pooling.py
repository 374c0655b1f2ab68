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
    """1-D max pooling of (N, C, L) or (C, L); with return_indices also each maximum's position.

    Arguments, shapes and errors as :class:`striate.nn.MaxPool1d`.

    Example:
        >>> F.max_pool1d(st.randn(2, 3, 8), 2).shape
        striate.Size([2, 3, 4])
    """
    return _F.max_pool1d(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling of (N, C, L) or (C, L).

    Arguments, shapes and errors as :class:`striate.nn.AvgPool1d`.

    Example:
        >>> F.avg_pool1d(st.randn(2, 3, 9), 3, stride=2).shape
        striate.Size([2, 3, 4])
    """
    return _F.avg_pool1d(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad
    )


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """2-D max pooling; with return_indices also the flat (h * W + w) index of each maximum.

    Arguments, shapes and errors as :class:`striate.nn.MaxPool2d`.

    Example:
        >>> F.max_pool2d(st.randn(2, 3, 8, 8), 2).shape
        striate.Size([2, 3, 4, 4])
        >>> out, idx = F.max_pool2d(st.randn(1, 1, 4, 4), 2, return_indices=True)
        >>> idx.shape
        striate.Size([1, 1, 2, 2])
    """
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
    """2-D average pooling with PyTorch's count_include_pad, divisor_override and ceil_mode.

    Arguments, shapes and errors as :class:`striate.nn.AvgPool2d`.

    Example:
        >>> F.avg_pool2d(st.ones(1, 1, 4, 4), 2).flatten().tolist()
        [1.0, 1.0, 1.0, 1.0]
    """
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
    d * H * W + h * W + w.

    Arguments, shapes and errors as :class:`striate.nn.MaxPool3d`.

    Example:
        >>> F.max_pool3d(st.randn(1, 2, 4, 4, 4), 2).shape
        striate.Size([1, 2, 2, 2, 2])
    """
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
    """3-D average pooling of (N, C, D, H, W) or (C, D, H, W).

    Arguments, shapes and errors as :class:`striate.nn.AvgPool3d`.

    Example:
        >>> F.avg_pool3d(st.randn(1, 2, 4, 4, 4), 2).shape
        striate.Size([1, 2, 2, 2, 2])
    """
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

    Arguments, shapes and errors as :class:`striate.nn.MaxUnpool2d`.

    Example:
        >>> out, idx = F.max_pool2d(st.randn(1, 1, 4, 4), 2, return_indices=True)
        >>> F.max_unpool2d(out, idx, 2).shape
        striate.Size([1, 1, 4, 4])
    """
    return _F.max_unpool2d(input, indices, kernel_size, stride, padding, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output_size (an int, or a pair whose None entries keep the
    input's size); output (p, q) covers rows [floor(p * H / P), ceil((p + 1) * H / P)) and
    columns likewise.

    Arguments, shapes and errors as :class:`striate.nn.AdaptiveAvgPool2d`.

    Example:
        >>> F.adaptive_avg_pool2d(st.randn(1, 8, 9, 7), (3, 2)).shape
        striate.Size([1, 8, 3, 2])
    """
    return _F.adaptive_avg_pool2d(input, output_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output_size (windows as adaptive_avg_pool2d).

    Arguments, shapes and errors as :class:`striate.nn.AdaptiveMaxPool2d`.

    Example:
        >>> F.adaptive_max_pool2d(st.randn(1, 8, 9, 7), 1).shape
        striate.Size([1, 8, 1, 1])
    """
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

    Arguments, shapes and errors as :class:`striate.nn.FractionalMaxPool2d`.

    Example:
        >>> F.fractional_max_pool2d(st.randn(1, 2, 9, 9), 2, output_size=5).shape
        striate.Size([1, 2, 5, 5])
    """
    return _F.fractional_max_pool2d(
        input, kernel_size, output_size, output_ratio, return_indices, _random_samples
    )


def channel_max_pool(input, kernel_size):
    """Maxout: the maximum over each group of kernel_size consecutive channels of (N, C, *) input
    (C divisible by kernel_size); the gradient goes to the first maximum of each group.

    Arguments, shapes and errors as :class:`striate.nn.ChannelMaxPool`.

    Example:
        >>> F.channel_max_pool(st.randn(2, 8, 4, 4), 2).shape
        striate.Size([2, 4, 4, 4])
    """
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
    """Averages input (N, C, L) or (C, L) over output_size adaptive windows along L.

    Arguments, shapes and errors as :class:`striate.nn.AdaptiveAvgPool1d`.

    Example:
        >>> F.adaptive_avg_pool1d(st.randn(1, 4, 10), 5).shape
        striate.Size([1, 4, 5])
    """
    size = _length(output_size, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(_as_2d(input, "adaptive_avg_pool1d"), (1, size)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Maxima of input (N, C, L) or (C, L) over output_size adaptive windows along L (indices
    into L with return_indices).

    Arguments, shapes and errors as :class:`striate.nn.AdaptiveMaxPool1d`.

    Example:
        >>> F.adaptive_max_pool1d(st.randn(1, 4, 10), 5).shape
        striate.Size([1, 4, 5])
    """
    size = _length(output_size, "adaptive_max_pool1d")
    out = adaptive_max_pool2d(_as_2d(input, "adaptive_max_pool1d"), (1, size), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


__all__ += ["adaptive_avg_pool1d", "adaptive_max_pool1d"]
