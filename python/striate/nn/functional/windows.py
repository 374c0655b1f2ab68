"""Sliding-window ops composed in Python from striate's ops, with torch's names and signatures:
unfold (im2col: every kernel-sized patch as a column) and fold (its adjoint: columns summed back
into an image), lp_pool2d, adaptive_avg_pool3d / adaptive_max_pool3d, and the deprecated
upsample. Autograd and devices come from the parts (slices, pads, stacks, sums).

    cols = F.unfold(x, kernel_size=3, padding=1)          # (N, C*9, H*W)
    x_sum = F.fold(cols, (H, W), kernel_size=3, padding=1)
"""

import warnings

from .. import functional as _F


def _st():
    import striate

    return striate

__all__ = ["unfold", "fold", "lp_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool3d",
           "upsample"]


def _pair(value, op, name):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    try:
        first, second = value
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (first, second)):
            raise TypeError
        return (first, second)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: expected {name} as an int or a pair of ints, "
                        f"got {value!r}") from None


def _window_geometry(op, size, kernel_size, dilation, padding, stride):
    kernel = _pair(kernel_size, op, "kernel_size")
    dilation = _pair(dilation, op, "dilation")
    padding = _pair(padding, op, "padding")
    stride = _pair(stride, op, "stride")
    for name, values, low in (("kernel_size", kernel, 1), ("dilation", dilation, 1),
                              ("padding", padding, 0), ("stride", stride, 1)):
        if min(values) < low:
            raise ValueError(f"{op}: expected {name} >= {low}, got {values}")
    blocks = []
    for axis in range(2):
        span = dilation[axis] * (kernel[axis] - 1) + 1
        count = (size[axis] + 2 * padding[axis] - span) // stride[axis] + 1
        if count < 1:
            raise ValueError(f"{op}: the kernel {kernel} (dilation {dilation}) does not fit the "
                             f"padded spatial size {tuple(size)} with padding {padding}")
        blocks.append(count)
    return kernel, dilation, padding, stride, blocks


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Every ``kernel_size`` patch of the input as a column (torch's im2col): rows are ordered
    channel-major, then kernel row, then kernel column; columns are the patches in row-major
    order. ``L = prod_d floor((size_d + 2 * padding_d - dilation_d * (k_d - 1) - 1) / stride_d
    + 1)``.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple): The patch size (kh, kw).
        dilation (int or tuple): Spacing between a patch's elements. Default: 1.
        padding (int or tuple): Zero padding on both sides of H and W. Default: 0.
        stride (int or tuple): Step between patches. Default: 1.

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C * kh * kw, L) or (C * kh * kw, L).

    Returns:
        Tensor: The columns.

    Raises:
        ValueError: The input is not 3-D or 4-D, an argument is out of range, or the kernel does
            not fit the padded input.
        TypeError: A size is not an int or a pair of ints.

    Example:
        >>> x = st.arange(16.0).reshape(1, 1, 4, 4)
        >>> cols = F.unfold(x, kernel_size=2, stride=2)
        >>> cols.shape, cols[0, :, 0].tolist()
        (striate.Size([1, 4, 4]), [0.0, 1.0, 4.0, 5.0])
    """
    if input.dim() not in (3, 4):
        raise ValueError(f"unfold: expected input of shape (N, C, H, W) or (C, H, W), got "
                         f"{list(input.shape)}")
    batched = input if input.dim() == 4 else input.unsqueeze(0)
    n, c, h, w = batched.shape
    kernel, dilation, padding, stride, (rows, cols) = _window_geometry(
        "unfold", (h, w), kernel_size, dilation, padding, stride)
    padded = _F.pad(batched, (padding[1], padding[1], padding[0], padding[0]))
    patches = []
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            top, left = i * dilation[0], j * dilation[1]
            patches.append(padded[:, :, top:top + stride[0] * (rows - 1) + 1:stride[0],
                                  left:left + stride[1] * (cols - 1) + 1:stride[1]])
    out = _st().stack(patches, 2).reshape([n, c * kernel[0] * kernel[1], rows * cols])
    return out if input.dim() == 4 else out.squeeze(0)


def _spread(block, step, axis):
    """block with step - 1 zeros between neighbours along axis (the stride's holes)."""
    if step == 1:
        return block
    size = block.shape[axis]
    zeros_shape = list(block.shape)
    zeros_shape.insert(axis + 1, step - 1)
    holes = _st().zeros(zeros_shape, dtype=block.dtype, device=block.device)
    interleaved = _st().cat([block.unsqueeze(axis + 1), holes], axis + 1)
    merged_shape = list(block.shape)
    merged_shape[axis] = size * step
    return interleaved.reshape(merged_shape).narrow(axis, 0, (size - 1) * step + 1)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of :func:`unfold` (col2im): columns summed back into an image of
    ``output_size``; where patches overlap, their values add.

    Args:
        input (Tensor): (N, C * kh * kw, L) or (C * kh * kw, L).
        output_size (int or tuple): The image's (H, W).
        kernel_size (int or tuple): The patch size (kh, kw).
        dilation (int or tuple): Spacing between a patch's elements. Default: 1.
        padding (int or tuple): Zero padding that unfold added (dropped here). Default: 0.
        stride (int or tuple): Step between patches. Default: 1.

    Shape:
        - Input: (N, C * kh * kw, L) or (C * kh * kw, L), L the patch count for ``output_size``.
        - Output: (N, C, H, W) or (C, H, W).

    Returns:
        Tensor: The image.

    Raises:
        ValueError: The input is not 2-D or 3-D, its size(1) is not a multiple of kh * kw, or
            its L does not match ``output_size``.

    Example:
        >>> F.fold(F.unfold(st.ones(1, 1, 3, 3), 2), (3, 3), 2)[0, 0].tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    if input.dim() not in (2, 3):
        raise ValueError(f"fold: expected input of shape (N, C * kh * kw, L) or (C * kh * kw, L), "
                         f"got {list(input.shape)}")
    batched = input if input.dim() == 3 else input.unsqueeze(0)
    size = _pair(output_size, "fold", "output_size")
    kernel, dilation, padding, stride, (rows, cols) = _window_geometry(
        "fold", size, kernel_size, dilation, padding, stride)
    n, channels_by_kernel, count = batched.shape
    per_patch = kernel[0] * kernel[1]
    if channels_by_kernel % per_patch:
        raise ValueError(f"fold: expected input.size(1) = {channels_by_kernel} divisible by the "
                         f"kernel's {per_patch} positions")
    if count != rows * cols:
        raise ValueError(f"fold: expected input.size(2) = {rows * cols} blocks for output_size "
                         f"{size}, kernel {kernel}, got {count}")
    c = channels_by_kernel // per_patch
    blocks = batched.reshape([n, c, kernel[0], kernel[1], rows, cols])
    height, width = size[0] + 2 * padding[0], size[1] + 2 * padding[1]
    out = None
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            spread = _spread(_spread(blocks[:, :, i, j], stride[0], 2), stride[1], 3)
            top, left = i * dilation[0], j * dilation[1]
            placed = _F.pad(spread, (left, width - left - spread.shape[3],
                                     top, height - top - spread.shape[2]))
            out = placed if out is None else out + placed
    out = out[:, :, padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]]
    return out if input.dim() == 3 else out.squeeze(0)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The power-average pool: ``(sum over each window of x^p)^(1/p)`` (torch's formula); p = 1
    is sum pooling, p = inf would be max pooling.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        norm_type (float): The power p (> 0).
        kernel_size (int or tuple): The window (kh, kw).
        stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
        ceil_mode (bool): Round the output size up instead of down. Default: False.

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, H_out, W_out), ``H_out = floor((H - kh) / stride + 1)``.

    Returns:
        Tensor: The pooled input.

    Raises:
        ValueError: ``norm_type`` is not positive.

    Example:
        >>> F.lp_pool2d(st.tensor([[[[3.0, 4.0]]]]), 2, (1, 2))
        tensor([[[[5.]]]])
    """
    kernel = _pair(kernel_size, "lp_pool2d", "kernel_size")
    if not norm_type or norm_type <= 0:
        raise ValueError(f"lp_pool2d: expected norm_type > 0, got {norm_type}")
    out = _F.avg_pool2d(input.pow(norm_type), kernel, stride, 0, ceil_mode)
    return (out.sign() * _F.relu(out.abs())).mul(kernel[0] * kernel[1]).pow(1.0 / norm_type)


def _adaptive_axis(x, axis, size, reduce):
    """x reduced over `size` adaptive windows along axis: window i covers
    [floor(i * n / size), ceil((i + 1) * n / size))."""
    n = x.shape[axis]
    pieces = []
    for i in range(size):
        start, end = (i * n) // size, -((-(i + 1) * n) // size)
        pieces.append(reduce(x.narrow(axis, start, end - start), axis))
    return _st().stack(pieces, axis)


def _triple_size(output_size, input, op):
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        output_size = (output_size,) * 3
    output_size = tuple(output_size)
    if len(output_size) != 3:
        raise TypeError(f"{op}: expected output_size as an int or 3 values, got {output_size}")
    spatial = input.shape[-3:]
    sizes = tuple(spatial[i] if s is None else s for i, s in enumerate(output_size))
    if any(not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"{op}: expected output sizes >= 1, got {output_size}")
    return sizes


def _adaptive_3d(input, output_size, op, reduce):
    if input.dim() not in (4, 5):
        raise ValueError(f"{op}: expected input of shape (N, C, D, H, W) or (C, D, H, W), got "
                         f"{list(input.shape)}")
    if min(input.shape[-3:]) < 1:
        raise ValueError(f"{op}: expected non-empty spatial dims, got {list(input.shape)}")
    sizes = _triple_size(output_size, input, op)
    out = input
    for axis, size in zip((-3, -2, -1), sizes):
        out = _adaptive_axis(out, input.dim() + axis, size, reduce)
    return out


def adaptive_avg_pool3d(input, output_size):
    """Averages over ``output_size`` adaptive windows: along an axis of size n, output i covers
    ``[floor(i * n / out), ceil((i + 1) * n / out))``.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        output_size (int or tuple): (D_out, H_out, W_out); an int for all three, None in the
            tuple keeps that axis's size.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W).
        - Output: (N, C, D_out, H_out, W_out) or (C, D_out, H_out, W_out).

    Returns:
        Tensor: The window means.

    Raises:
        ValueError: The input is not 4-D or 5-D, or an output size is < 1.
        TypeError: ``output_size`` is not an int or 3 values.

    Example:
        >>> F.adaptive_avg_pool3d(st.arange(8.0).reshape(1, 1, 2, 2, 2), 1).flatten().tolist()
        [3.5]
    """
    return _adaptive_3d(input, output_size, "adaptive_avg_pool3d",
                        lambda x, axis: x.mean([axis]))


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Maxima over ``output_size`` adaptive windows (the windows of
    :func:`adaptive_avg_pool3d`).

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        output_size (int or tuple): (D_out, H_out, W_out); an int for all three, None in the
            tuple keeps that axis's size.
        return_indices (bool): Not supported (True raises NotImplementedError). Default: False.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W).
        - Output: (N, C, D_out, H_out, W_out) or (C, D_out, H_out, W_out).

    Returns:
        Tensor: The window maxima.

    Raises:
        ValueError: The input is not 4-D or 5-D, or an output size is < 1.
        NotImplementedError: ``return_indices=True``.

    Example:
        >>> x = st.arange(8.0).reshape(1, 1, 2, 2, 2)
        >>> F.adaptive_max_pool3d(x, (1, 1, 2)).flatten().tolist()
        [6.0, 7.0]
    """
    if return_indices:
        raise NotImplementedError("adaptive_max_pool3d: return_indices=True is not supported")
    return _adaptive_3d(input, output_size, "adaptive_max_pool3d",
                        lambda x, axis: x.max(axis)[0])


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated in torch in favour of :func:`interpolate`, which it calls (with torch's
    UserWarning).

    Args:
        input (Tensor): (N, C, H, W).
        size (int or tuple, optional): The output's (H_out, W_out). Default: None.
        scale_factor (float or tuple, optional): Multiplier of (H, W). Default: None.
        mode (str): ``'nearest'`` or ``'bilinear'``, as :func:`interpolate`.
            Default: ``'nearest'``.
        align_corners (bool, optional): As :func:`interpolate`. Default: None.

    Shape:
        - Input: (N, C, H, W).
        - Output: (N, C, H_out, W_out), ``size`` or ``floor(H * scale_factor)``.

    Returns:
        Tensor: The resized input.

    Raises:
        ValueError: Neither or both of ``size`` and ``scale_factor`` are given.
        NotImplementedError: As :func:`interpolate`.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     F.upsample(st.ones(1, 1, 2, 2), scale_factor=2).shape
        striate.Size([1, 1, 4, 4])
    """
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.",
                  stacklevel=2)
    return _F.interpolate(input, size, scale_factor, mode, align_corners)

