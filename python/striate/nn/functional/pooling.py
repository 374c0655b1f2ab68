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
    """1-D max pooling: the maximum of each window (ties: the first index wins); the
    functional form of :class:`striate.nn.MaxPool1d`.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        kernel_size (int or tuple): The window size.
        stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
        padding (int or tuple): Implicit -inf padding on each side; at most half the kernel.
            Default: 0.
        dilation (int or tuple): Spacing between a window's elements. Default: 1.
        ceil_mode (bool): Round the output size up instead of down. Default: False.
        return_indices (bool): Also return each maximum's flat position in its input plane
            (l). Default: False.

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: (N, C, L_out), each size
          ``floor((size + 2 * padding - dilation * (k - 1) - 1) / stride) + 1`` (ceil with
          ``ceil_mode``).

    Returns:
        Tensor or tuple: The pooled input, or ``(output, indices)`` (int64) with
        ``return_indices``.

    Raises:
        ValueError: The padding exceeds half the kernel, or the output would be empty.

    Example:
        >>> F.max_pool1d(st.randn(2, 3, 8), 2).shape
        striate.Size([2, 3, 4])
    """
    return _F.max_pool1d(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling: the mean of each window; the functional form of
    :class:`striate.nn.AvgPool1d`.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        kernel_size (int or tuple): The window size.
        stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
        padding (int or tuple): Implicit zero padding on each side; at most half the kernel.
            Default: 0.
        ceil_mode (bool): Round the output size up instead of down. Default: False.
        count_include_pad (bool): Count the padding zeros in the divisor. Default: True.

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: (N, C, L_out), each size
          ``floor((size + 2 * padding - k) / stride) + 1`` (ceil with ``ceil_mode``).

    Returns:
        Tensor: The pooled input.

    Raises:
        ValueError: The padding exceeds half the kernel, or the output would be empty.

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
    """2-D max pooling: the maximum of each window (ties: the first index wins); the
    functional form of :class:`striate.nn.MaxPool2d`.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple): The window size.
        stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
        padding (int or tuple): Implicit -inf padding on each side; at most half the kernel.
            Default: 0.
        dilation (int or tuple): Spacing between a window's elements. Default: 1.
        ceil_mode (bool): Round the output size up instead of down. Default: False.
        return_indices (bool): Also return each maximum's flat position in its input plane
            (h * W + w). Default: False.

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, H_out, W_out), each size
          ``floor((size + 2 * padding - dilation * (k - 1) - 1) / stride) + 1`` (ceil with
          ``ceil_mode``).

    Returns:
        Tensor or tuple: The pooled input, or ``(output, indices)`` (int64) with
        ``return_indices``.

    Raises:
        ValueError: The padding exceeds half the kernel, or the output would be empty.

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
    """2-D average pooling: the mean of each window; the functional form of
    :class:`striate.nn.AvgPool2d`.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple): The window size.
        stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
        padding (int or tuple): Implicit zero padding on each side; at most half the kernel.
            Default: 0.
        ceil_mode (bool): Round the output size up instead of down. Default: False.
        count_include_pad (bool): Count the padding zeros in the divisor. Default: True.
        divisor_override (int, optional): Divide every window's sum by this instead.
            Default: None.

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, H_out, W_out), each size
          ``floor((size + 2 * padding - k) / stride) + 1`` (ceil with ``ceil_mode``).

    Returns:
        Tensor: The pooled input.

    Raises:
        ValueError: The padding exceeds half the kernel, or the output would be empty.

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
    """3-D max pooling: the maximum of each window (ties: the first index wins); the
    functional form of :class:`striate.nn.MaxPool3d`.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        kernel_size (int or tuple): The window size.
        stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
        padding (int or tuple): Implicit -inf padding on each side; at most half the kernel.
            Default: 0.
        dilation (int or tuple): Spacing between a window's elements. Default: 1.
        ceil_mode (bool): Round the output size up instead of down. Default: False.
        return_indices (bool): Also return each maximum's flat position in its input plane
            (d * H * W + h * W + w). Default: False.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W).
        - Output: (N, C, D_out, H_out, W_out), each size
          ``floor((size + 2 * padding - dilation * (k - 1) - 1) / stride) + 1`` (ceil with
          ``ceil_mode``).

    Returns:
        Tensor or tuple: The pooled input, or ``(output, indices)`` (int64) with
        ``return_indices``.

    Raises:
        ValueError: The padding exceeds half the kernel, or the output would be empty.

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
    """3-D average pooling: the mean of each window; the functional form of
    :class:`striate.nn.AvgPool3d`.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        kernel_size (int or tuple): The window size.
        stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
        padding (int or tuple): Implicit zero padding on each side; at most half the kernel.
            Default: 0.
        ceil_mode (bool): Round the output size up instead of down. Default: False.
        count_include_pad (bool): Count the padding zeros in the divisor. Default: True.
        divisor_override (int, optional): Divide every window's sum by this instead.
            Default: None.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W).
        - Output: (N, C, D_out, H_out, W_out), each size
          ``floor((size + 2 * padding - k) / stride) + 1`` (ceil with ``ceil_mode``).

    Returns:
        Tensor: The pooled input.

    Raises:
        ValueError: The padding exceeds half the kernel, or the output would be empty.

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
    """Inverse of ``max_pool2d(return_indices=True)``: each value goes to its index, zeros
    elsewhere; the functional form of :class:`striate.nn.MaxUnpool2d`.

    Args:
        input (Tensor): The pooled values, (N, C, H, W) or (C, H, W).
        indices (Tensor): Their flat positions (int64, the input's shape), from max_pool2d.
        kernel_size (int or tuple): The pool's window.
        stride (int or tuple, optional): The pool's stride. Default: None (= kernel_size).
        padding (int or tuple): The pool's padding. Default: 0.
        output_size (sequence of int, optional): The output's size (its last two entries are
            used, as in PyTorch). Default: None, ``(H - 1) * stride - 2 * padding + kernel_size``.

    Shape:
        - Input: (N, C, H, W) or (C, H, W), and indices of the same shape.
        - Output: (N, C, H_out, W_out).

    Returns:
        Tensor: The unpooled tensor.

    Raises:
        ValueError: The indices' shape differs from the input's, or ``output_size`` is not
            reachable from the geometry.
        IndexError: An index is outside the output plane.

    Example:
        >>> out, idx = F.max_pool2d(st.randn(1, 1, 4, 4), 2, return_indices=True)
        >>> F.max_unpool2d(out, idx, 2).shape
        striate.Size([1, 1, 4, 4])
    """
    return _F.max_unpool2d(input, indices, kernel_size, stride, padding, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed ``output_size`` (P, Q) whatever the input's size: output (p, q)
    averages rows ``[floor(p * H / P), ceil((p + 1) * H / P))`` and columns likewise. The
    functional form of :class:`striate.nn.AdaptiveAvgPool2d`.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        output_size (int or tuple): (P, Q), an int for both; a None entry keeps the input's size.

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, P, Q) or (C, P, Q).

    Returns:
        Tensor: The window means.

    Raises:
        ValueError: The input is not 3-D or 4-D, or an output size is < 1.

    Example:
        >>> F.adaptive_avg_pool2d(st.randn(1, 8, 9, 7), (3, 2)).shape
        striate.Size([1, 8, 3, 2])
    """
    return _F.adaptive_avg_pool2d(input, output_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed ``output_size`` (the windows of :func:`adaptive_avg_pool2d`); the
    functional form of :class:`striate.nn.AdaptiveMaxPool2d`.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        output_size (int or tuple): (P, Q), an int for both; a None entry keeps the input's size.
        return_indices (bool): Also return the flat (h * W + w) index of each maximum.
            Default: False.

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, P, Q) or (C, P, Q).

    Returns:
        Tensor or tuple: The window maxima, or ``(output, indices)`` with ``return_indices``.

    Raises:
        ValueError: The input is not 3-D or 4-D, or an output size is < 1.

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
    """Fractional max pooling (Graham, 2014): ``kernel_size`` windows at pseudo-random increasing
    starts, so the size shrinks by a non-integer ratio. The functional form of
    :class:`striate.nn.FractionalMaxPool2d`.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple): The window size.
        output_size (int or tuple, optional): The output's (H_out, W_out). Default: None.
        output_ratio (float or tuple, optional): The output as a fraction of the input, in (0, 1)
            (output = int(size * ratio)); give this or ``output_size``. Default: None.
        return_indices (bool): Also return the flat index of each maximum. Default: False.
        _random_samples (Tensor, optional): (N, C, 2) in [0, 1) (width sample first) fixing the
            windows; by default drawn from striate's seeded generator. Default: None.

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, H_out, W_out).

    Returns:
        Tensor or tuple: The pooled input, or ``(output, indices)`` with ``return_indices``.

    Raises:
        ValueError: Neither or both of ``output_size`` and ``output_ratio`` are given, or the
            output plus the kernel does not fit the input.

    Example:
        >>> F.fractional_max_pool2d(st.randn(1, 2, 9, 9), 2, output_size=5).shape
        striate.Size([1, 2, 5, 5])
    """
    return _F.fractional_max_pool2d(
        input, kernel_size, output_size, output_ratio, return_indices, _random_samples
    )


def channel_max_pool(input, kernel_size):
    """Maxout: the maximum over each group of ``kernel_size`` consecutive channels,
    ``out[n, j] = max_{i < k} input[n, j * k + i]``; the gradient goes to the first maximum of
    each group. No PyTorch twin; the functional form of :class:`striate.nn.ChannelMaxPool`.

    Args:
        input (Tensor): (N, C, *), C divisible by ``kernel_size``.
        kernel_size (int): Channels per group, k.

    Shape:
        - Input: (N, C, *).
        - Output: (N, C / k, *).

    Returns:
        Tensor: The group maxima.

    Raises:
        ValueError: C is not divisible by ``kernel_size``.

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
    """Averages over ``output_size`` adaptive windows along L: output i covers
    ``[floor(i * L / out), ceil((i + 1) * L / out))``. The functional form of
    :class:`striate.nn.AdaptiveAvgPool1d`.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        output_size (int or tuple): L_out (an int or a 1-tuple).

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: (N, C, L_out) or (C, L_out).

    Returns:
        Tensor: The window means.

    Raises:
        ValueError: The input is not 2-D or 3-D, or ``output_size`` is < 1.

    Example:
        >>> F.adaptive_avg_pool1d(st.randn(1, 4, 10), 5).shape
        striate.Size([1, 4, 5])
    """
    size = _length(output_size, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(_as_2d(input, "adaptive_avg_pool1d"), (1, size)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Maxima over ``output_size`` adaptive windows along L (the windows of
    :func:`adaptive_avg_pool1d`); the functional form of :class:`striate.nn.AdaptiveMaxPool1d`.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        output_size (int or tuple): L_out (an int or a 1-tuple).
        return_indices (bool): Also return each maximum's index into L. Default: False.

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: (N, C, L_out) or (C, L_out).

    Returns:
        Tensor or tuple: The window maxima, or ``(output, indices)`` with ``return_indices``.

    Raises:
        ValueError: The input is not 2-D or 3-D, or ``output_size`` is < 1.

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
