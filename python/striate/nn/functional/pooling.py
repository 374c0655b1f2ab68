"""Pooling ops with PyTorch's signatures: 1-, 2- and 3-D max / average pooling, max_unpool2d,
adaptive, fractional and channel (maxout) pooling; arguments are normalized here and the work is
done by striate._C._functional."""

from ... import _C
from ._args import _default_stride, _int, _optional_int, _pair, _single, _triple

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


# ---- 1-, 2- and 3-D pooling -------------------------------------------------------------------


def _window_args(tuple_of, op, kernel_size, stride, padding):
    """kernel_size, stride (default: the kernel) and padding as tuples of the pooling's rank."""
    kernel = tuple_of(kernel_size, op, "kernel_size")
    return kernel, _default_stride(stride, kernel, tuple_of, op), tuple_of(padding, op, "padding")


def _max_pool(
    tuple_of, op, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
):
    args = (
        input,
        *_window_args(tuple_of, op, kernel_size, stride, padding),
        tuple_of(dilation, op, "dilation"),
        bool(ceil_mode),
    )
    return getattr(_F, op + "_with_indices")(*args) if return_indices else getattr(_F, op)(*args)


def _avg_pool(
    tuple_of,
    op,
    input,
    kernel_size,
    stride,
    padding,
    ceil_mode,
    count_include_pad,
    divisor_override,
):
    return getattr(_F, op)(
        input,
        *_window_args(tuple_of, op, kernel_size, stride, padding),
        bool(ceil_mode),
        bool(count_include_pad),
        _optional_int(divisor_override, op, "divisor_override"),
    )


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """1-D max pooling of (N, C, L) or (C, L); with return_indices also each maximum's position."""
    return _max_pool(
        _single,
        "max_pool1d",
        input,
        kernel_size,
        stride,
        padding,
        dilation,
        ceil_mode,
        return_indices,
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling of (N, C, L) or (C, L)."""
    return _F.avg_pool1d(
        input,
        *_window_args(_single, "avg_pool1d", kernel_size, stride, padding),
        bool(ceil_mode),
        bool(count_include_pad),
    )


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """2-D max pooling; with return_indices also the flat (h * W + w) index of each maximum."""
    return _max_pool(
        _pair,
        "max_pool2d",
        input,
        kernel_size,
        stride,
        padding,
        dilation,
        ceil_mode,
        return_indices,
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
    return _avg_pool(
        _pair,
        "avg_pool2d",
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
    return _max_pool(
        _triple,
        "max_pool3d",
        input,
        kernel_size,
        stride,
        padding,
        dilation,
        ceil_mode,
        return_indices,
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
    return _avg_pool(
        _triple,
        "avg_pool3d",
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
    kernel = _pair(kernel_size, "max_unpool2d", "kernel_size")
    if output_size is not None:
        output_size = tuple(output_size)
        if len(output_size) < 2:
            raise ValueError(
                f"max_unpool2d: expected output_size with at least 2 entries, got {output_size}"
            )
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
            raise ValueError(
                f"{op}: expected output_size to be an int or a pair, got {tuple(output_size)}"
            )
        sizes = tuple(input.shape[-2:])
        if len(sizes) != 2:
            raise ValueError(
                f"{op}: expected input of shape (N, C, H, W) or (C, H, W), got {tuple(input.shape)}"
            )
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
    kernel = _pair(kernel_size, "fractional_max_pool2d", "kernel_size")
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool2d: expected output_size or output_ratio, got neither")
    if output_size is not None and output_ratio is not None:
        raise ValueError(
            "fractional_max_pool2d: expected only one of output_size and output_ratio, got both"
        )
    if output_size is None:
        ratio = (
            output_ratio
            if isinstance(output_ratio, (tuple, list))
            else (output_ratio, output_ratio)
        )
        if len(ratio) != 2 or not all(0 < float(r) < 1 for r in ratio):
            raise ValueError(
                f"fractional_max_pool2d: expected output_ratio in (0, 1), got {output_ratio}"
            )
        if input.dim() not in (3, 4):
            raise ValueError(
                "fractional_max_pool2d: expected input of shape (N, C, H, W) or (C, H, W), "
                f"got {tuple(input.shape)}"
            )
        output_size = (
            int(input.shape[-2] * float(ratio[0])),
            int(input.shape[-1] * float(ratio[1])),
        )
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
