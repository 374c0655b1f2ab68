"""Shape ops with PyTorch's signatures: pad, interpolate, pixel_shuffle / pixel_unshuffle,
one_hot and unflatten; striate._C._functional normalizes the arguments and does the work."""

from ... import _C

__all__ = ["interpolate", "one_hot", "pad", "pixel_shuffle", "pixel_unshuffle", "unflatten"]

_F = _C._functional


def pad(input, pad, mode="constant", value=None):
    """Pads the last dims by (left, right) pairs, last dim first, as torch.nn.functional.pad.

    mode 'constant' (value, default 0; negative amounts crop), 'reflect' or 'replicate' (last 1-3
    dims of an input with 1 or 2 leading dims more).

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
    """Resizes (N, C, H, W) input to size, or by scale_factor, with mode 'nearest' or 'bilinear'
    (PyTorch's index rules, align_corners for bilinear).

    Arguments, shapes and errors as :class:`striate.nn.Upsample`.

    Example:
        >>> F.interpolate(st.randn(1, 3, 4, 4), scale_factor=2).shape
        striate.Size([1, 3, 8, 8])
    """
    return _F.interpolate(
        input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias
    )


def pixel_shuffle(input, upscale_factor):
    """Rearranges (*, C * r^2, H, W) into (*, C, H * r, W * r), r = ``upscale_factor``
    (sub-pixel upsampling).

    Raises:
        ValueError: The channel count does not divide by r^2.

    Example:
        >>> F.pixel_shuffle(st.randn(1, 8, 3, 3), 2).shape
        striate.Size([1, 2, 6, 6])
    """
    return _F.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    """Rearranges (*, C, H * r, W * r) into (*, C * r^2, H, W), r = ``downscale_factor``
    (the inverse of :func:`pixel_shuffle`).

    Raises:
        ValueError: H or W does not divide by r.

    Example:
        >>> F.pixel_unshuffle(st.randn(1, 2, 6, 6), 2).shape
        striate.Size([1, 8, 3, 3])
    """
    return _F.pixel_unshuffle(input, downscale_factor)


def one_hot(tensor, num_classes=-1):
    """int64 class indices -> int64 one-hot of shape (*, num_classes); -1 infers max + 1.

    Example:
        >>> F.one_hot(st.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    return _F.one_hot(tensor, num_classes)


def unflatten(input, dim, sizes):
    """Splits dim into sizes (one entry may be -1), as Tensor.unflatten.

    Arguments, shapes and errors as :class:`striate.nn.Unflatten`.

    Example:
        >>> F.unflatten(st.randn(2, 12), 1, (3, 4)).shape
        striate.Size([2, 3, 4])
    """
    return _F.unflatten(input, dim, sizes)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps).

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
    """ShuffleNet's channel shuffle: (N, g * k, *) viewed as (N, g, k, *), transposed to
    (N, k, g, *), flattened back.

    Arguments, shapes and errors as :class:`striate.nn.ChannelShuffle`.

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
