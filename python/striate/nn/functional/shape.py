"""Shape ops with PyTorch's signatures: pad, interpolate, pixel_shuffle / pixel_unshuffle,
one_hot and unflatten; striate._C._functional normalizes the arguments and does the work."""

from ... import _C

__all__ = ["interpolate", "one_hot", "pad", "pixel_shuffle", "pixel_unshuffle", "unflatten"]

_F = _C._functional


def pad(input, pad, mode="constant", value=None):
    """Pads (or, with negative amounts, crops) the last dimensions, as
    torch.nn.functional.pad: ``pad`` holds (left, right) pairs, last dimension first, so
    ``(1, 1, 2, 0)`` pads W by 1 on each side and H by 2 at the top.

    Args:
        input (Tensor): Any shape (for ``'reflect'`` / ``'replicate'``: the padded 1 to 3 last
            dimensions plus 1 or 2 leading ones).
        pad (tuple of int): An even number of amounts, at most two per dimension.
        mode (str): ``'constant'``, ``'reflect'`` (mirror without the edge) or ``'replicate'``
            (repeat the edge). Default: ``'constant'``.
        value (float, optional): The fill of ``'constant'``. Default: None (0).

    Shape:
        - Input: (*, d_1, ..., d_k).
        - Output: (*, d_1 + before_1 + after_1, ..., d_k + before_k + after_k).

    Returns:
        Tensor: The padded input.

    Raises:
        ValueError: An odd number of amounts, more than the input has dimensions, or a reflect
            amount not smaller than its dimension.
        NotImplementedError: ``mode='circular'``.

    Example:
        >>> F.pad(st.randn(1, 2, 4, 4), (1, 1, 2, 0)).shape
        striate.Size([1, 2, 6, 6])
        >>> F.pad(st.tensor([[1.0, 2.0]]), (1, 1), mode='replicate')
        tensor([[1., 1., 2., 2.]])
    """
    return _F.pad(input, pad, mode, value)


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """Resizes the spatial dimensions of (N, C, H, W) to ``size``, or by
    ``scale_factor``, with PyTorch's index rules: ``'nearest'`` takes source pixel
    ``floor(dst * in / out)``; ``'bilinear'`` interpolates, at half-pixel centres or, with
    ``align_corners=True``, with the corner pixels aligned. The functional form of
    :class:`striate.nn.Upsample`.

    Args:
        input (Tensor): (N, C, H, W).
        size (int or tuple, optional): The output's (H_out, W_out). Default: None.
        scale_factor (float or tuple, optional): Multiplier of (H, W); give this or ``size``.
            Default: None.
        mode (str): ``'nearest'`` or ``'bilinear'``. Default: ``'nearest'``.
        align_corners (bool, optional): For ``'bilinear'`` only. Default: None (False).
        recompute_scale_factor (bool, optional): Accepted for torch's signature. Default: None.
        antialias (bool): Not supported (True raises NotImplementedError). Default: False.

    Shape:
        - Input: (N, C, H, W).
        - Output: (N, C, H_out, W_out), ``size`` or ``floor(H * scale_factor)``.

    Returns:
        Tensor: The resized input.

    Raises:
        ValueError: Neither or both of ``size`` and ``scale_factor`` are given.
        NotImplementedError: Another mode, a non-4-D input, or ``antialias=True``.

    Example:
        >>> F.interpolate(st.randn(1, 3, 4, 4), scale_factor=2).shape
        striate.Size([1, 3, 8, 8])
    """
    return _F.interpolate(
        input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias
    )


def pixel_shuffle(input, upscale_factor):
    """Sub-pixel upsampling: rearranges (*, C * r^2, H, W) into (*, C, H * r, W * r),
    r = ``upscale_factor``: ``out[c, h * r + i, w * r + j] = in[c * r^2 + i * r + j, h, w]``.

    Args:
        input (Tensor): (*, C * r^2, H, W).
        upscale_factor (int): r.

    Shape:
        - Input: (*, C * r^2, H, W).
        - Output: (*, C, H * r, W * r).

    Returns:
        Tensor: The rearranged input.

    Raises:
        ValueError: The channel count does not divide by r^2.

    Example:
        >>> F.pixel_shuffle(st.randn(1, 8, 3, 3), 2).shape
        striate.Size([1, 2, 6, 6])
    """
    return _F.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    """The inverse of :func:`pixel_shuffle`: rearranges (*, C, H * r, W * r) into
    (*, C * r^2, H, W), r = ``downscale_factor``.

    Args:
        input (Tensor): (*, C, H * r, W * r).
        downscale_factor (int): r.

    Shape:
        - Input: (*, C, H * r, W * r).
        - Output: (*, C * r^2, H, W).

    Returns:
        Tensor: The rearranged input.

    Raises:
        ValueError: H or W does not divide by r.

    Example:
        >>> F.pixel_unshuffle(st.randn(1, 2, 6, 6), 2).shape
        striate.Size([1, 8, 3, 3])
    """
    return _F.pixel_unshuffle(input, downscale_factor)


def one_hot(tensor, num_classes=-1):
    """One-hot encoding: int64 class indices to an int64 tensor with a trailing dimension
    of ``num_classes``, 1 at each index and 0 elsewhere.

    Args:
        tensor (Tensor): int64 class indices, any shape, each in [0, num_classes).
        num_classes (int): The classes; -1 infers ``max + 1``. Default: -1.

    Shape:
        - Input: (*).
        - Output: (*, num_classes).

    Returns:
        Tensor: The int64 one-hot encoding.

    Raises:
        TypeError: The tensor is not int64.
        ValueError: An index is negative or not smaller than ``num_classes``.

    Example:
        >>> F.one_hot(st.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    return _F.one_hot(tensor, num_classes)


def unflatten(input, dim, sizes):
    """Splits dimension ``dim`` into ``sizes`` (one entry may be -1), as
    Tensor.unflatten; the functional form of :class:`striate.nn.Unflatten`.

    Args:
        input (Tensor): Any shape.
        dim (int): The dimension to split.
        sizes (tuple of int): Its new sizes; their product is the dimension's size.

    Shape:
        - Input: (*1, d, *2).
        - Output: (*1, *sizes, *2).

    Returns:
        Tensor: A view of the input.

    Raises:
        ValueError: The sizes do not multiply up to the dimension's size.

    Example:
        >>> F.unflatten(st.randn(2, 12), 1, (3, 4)).shape
        striate.Size([2, 3, 4])
    """
    return _F.unflatten(input, dim, sizes)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """Lp normalization along ``dim``: ``x / max(||x||_p, eps)``, each slice scaled to
    unit norm (zero slices stay zero).

    Args:
        input (Tensor): Any shape.
        p (float): The norm's order (> 0; ``float('inf')`` for the max norm). Default: 2.0.
        dim (int): The dimension to normalize along. Default: 1.
        eps (float): Lower bound of the norm. Default: 1e-12.
        out: Not supported (anything but None raises TypeError). Default: None.

    Shape:
        - Input: (*), any shape.
        - Output: the input's shape.

    Returns:
        Tensor: The normalized input.

    Raises:
        ValueError: ``p`` is not positive.
        TypeError: ``out`` is given.
        IndexError: ``dim`` is out of range.

    Example:
        >>> F.normalize(st.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported; assign the result instead")
    if p <= 0:
        raise ValueError(f"normalize: p must be positive, got {p}")
    magnitude = input.abs()
    if p == float("inf"):
        norm = magnitude.max(dim, keepdim=True)[0]
    else:
        norm = (magnitude ** p).sum(dim, keepdim=True) ** (1.0 / p)
    return input / norm.clamp(eps, None)


def channel_shuffle(input, groups):
    """ShuffleNet's channel shuffle: the channels, g groups of k, viewed as
    (N, g, k, *), transposed to (N, k, g, *) and flattened back, so that the next grouped
    convolution sees channels from every group. The functional form of
    :class:`striate.nn.ChannelShuffle`.

    Args:
        input (Tensor): (N, C, *), C = g * k.
        groups (int): g.

    Shape:
        - Input: (N, C, *).
        - Output: the input's shape.

    Returns:
        Tensor: The shuffled input.

    Raises:
        ValueError: C is not divisible by ``groups``.

    Example:
        >>> F.channel_shuffle(st.arange(4.0).reshape(1, 4, 1, 1), 2).flatten().tolist()
        [0.0, 2.0, 1.0, 3.0]
    """
    if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
        raise ValueError(f"channel_shuffle: expected groups as a positive int, got {groups!r}")
    if input.dim() < 3 or input.shape[1] % groups:
        raise ValueError(f"channel_shuffle: expected an input (N, C, *) with C divisible by "
                         f"groups={groups}, got shape {list(input.shape)}")
    n, c = input.shape[0], input.shape[1]
    rest = list(input.shape[2:])
    shuffled = input.reshape([n, groups, c // groups] + rest).transpose(1, 2)
    return shuffled.reshape([n, c] + rest)


__all__ += ["normalize", "channel_shuffle"]
