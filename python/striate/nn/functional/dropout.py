"""Dropout ops with PyTorch's signatures (torch.nn.functional's, and torchvision.ops'
stochastic_depth); the work is done by striate._C._functional."""

from ... import _C

__all__ = ["alpha_dropout", "dropout", "dropout2d", "stochastic_depth"]

_F = _C._functional


def _into(input, out, inplace):
    """inplace=True writes the result into input (unless the op already returned input)."""
    if inplace and out is not input:
        return input.copy_(out)
    return out


def dropout(input, p=0.5, training=True, inplace=False):
    """Inverted dropout: in training, each element is zeroed with probability ``p``
    and the others scaled by ``1 / (1 - p)``, so the expectation is unchanged.
    The functional form of :class:`striate.nn.Dropout`.

    Args:
        input (Tensor): (*), any shape.
        p (float): The drop probability, in [0, 1]. Default: 0.5.
        training (bool): Apply it; False returns the input unchanged. Default: True.
        inplace (bool): Write the result into ``input`` and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: the input's shape.

    Returns:
        Tensor: The input with dropout applied (the input itself outside training).

    Raises:
        ValueError: ``p`` is outside [0, 1].

    Example:
        >>> F.dropout(st.randn(4, 5), p=0.2).shape
        striate.Size([4, 5])
        >>> F.dropout(st.ones(3), training=False).tolist()
        [1.0, 1.0, 1.0]
    """
    if inplace:
        return _F.dropout_(input, float(p), bool(training))
    return _F.dropout(input, float(p), bool(training))


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel dropout: in training, whole channels (dim 1) are zeroed with
    probability ``p`` and the others scaled by ``1 / (1 - p)``.
    The functional form of :class:`striate.nn.Dropout2d`.

    Args:
        input (Tensor): (N, C, *).
        p (float): The drop probability, in [0, 1]. Default: 0.5.
        training (bool): Apply it; False returns the input unchanged. Default: True.
        inplace (bool): Write the result into ``input`` and return it. Default: False.

    Shape:
        - Input: (N, C, *).
        - Output: the input's shape.

    Returns:
        Tensor: The input with dropout applied (the input itself outside training).

    Raises:
        ValueError: ``p`` is outside [0, 1], or the input has fewer than 2 dimensions.

    Example:
        >>> F.dropout2d(st.randn(2, 4, 5, 5), 0.3).shape
        striate.Size([2, 4, 5, 5])
    """
    return _into(input, _F.dropout2d(input, float(p), bool(training)), inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout for SELU networks: dropped elements are set to SELU's
    negative saturation and an affine map restores zero mean and unit variance.
    Note that ``training`` defaults to False, as in PyTorch.
    The functional form of :class:`striate.nn.AlphaDropout`.

    Args:
        input (Tensor): (*), any shape.
        p (float): The drop probability, in [0, 1]. Default: 0.5.
        training (bool): Apply it; False returns the input unchanged. Default: False.
        inplace (bool): Write the result into ``input`` and return it. Default: False.

    Shape:
        - Input: (*), any shape.
        - Output: the input's shape.

    Returns:
        Tensor: The input with dropout applied (the input itself outside training).

    Raises:
        ValueError: ``p`` is outside [0, 1].

    Example:
        >>> F.alpha_dropout(st.randn(8, 8), 0.2, training=True).shape
        striate.Size([8, 8])
    """
    return _into(input, _F.alpha_dropout(input, float(p), bool(training)), inplace)


def stochastic_depth(input, p, mode, training=True):
    """Stochastic depth (torchvision.ops.stochastic_depth, DropPath): in training,
    each sample (``mode='row'``) or the whole batch (``mode='batch'``) is zeroed with probability
    ``p`` and the survivors scaled by ``1 / (1 - p)``; use it on a residual branch. The functional
    form of :class:`striate.nn.DropPath`.

    Args:
        input (Tensor): (N, *).
        p (float): The drop probability, in [0, 1].
        mode (str): ``'row'`` (per sample) or ``'batch'`` (all or nothing).
        training (bool): Apply it; False returns the input unchanged. Default: True.

    Shape:
        - Input: (N, *).
        - Output: the input's shape.

    Returns:
        Tensor: The input with stochastic depth applied.

    Raises:
        ValueError: ``p`` is outside [0, 1], or ``mode`` is neither 'row' nor 'batch'.

    Example:
        >>> F.stochastic_depth(st.randn(4, 3, 2, 2), 0.1, 'row').shape
        striate.Size([4, 3, 2, 2])
    """
    return _F.stochastic_depth(input, float(p), mode, bool(training))


def _channel_dropout(input, p, training, inplace, op, batched_dims):
    """dropout2d's whole-channel dropout for (N, C, *) inputs of batched_dims dims, or unbatched
    inputs of one dim fewer (their first dim is the channel)."""
    if input.dim() not in (batched_dims - 1, batched_dims):
        raise ValueError(f"{op}: expected a {batched_dims - 1}-D (unbatched) or {batched_dims}-D "
                         f"(batched) input, got {input.dim()}-D")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    unbatched = input.dim() == batched_dims - 1
    out = dropout2d(input.unsqueeze(0) if unbatched else input, p, training)
    return _into(input, out.squeeze(0) if unbatched else out, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Channel dropout for 1-D maps: in training, whole channels are zeroed with
    probability ``p`` and the others scaled by ``1 / (1 - p)``.
    The functional form of :class:`striate.nn.Dropout1d`.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        p (float): The drop probability, in [0, 1]. Default: 0.5.
        training (bool): Apply it; False returns the input unchanged. Default: True.
        inplace (bool): Write the result into ``input`` and return it. Default: False.

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: the input's shape.

    Returns:
        Tensor: The input with dropout applied (the input itself outside training).

    Raises:
        ValueError: ``p`` is outside [0, 1], or the input is not 2-D or 3-D.

    Example:
        >>> F.dropout1d(st.randn(2, 4, 8), 0.2).shape
        striate.Size([2, 4, 8])
    """
    return _channel_dropout(input, p, training, inplace, "dropout1d", 3)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Channel dropout for volumes: in training, whole channels are zeroed with
    probability ``p`` and the others scaled by ``1 / (1 - p)``.
    The functional form of :class:`striate.nn.Dropout3d`.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        p (float): The drop probability, in [0, 1]. Default: 0.5.
        training (bool): Apply it; False returns the input unchanged. Default: True.
        inplace (bool): Write the result into ``input`` and return it. Default: False.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W).
        - Output: the input's shape.

    Returns:
        Tensor: The input with dropout applied (the input itself outside training).

    Raises:
        ValueError: ``p`` is outside [0, 1], or the input is not 4-D or 5-D.

    Example:
        >>> F.dropout3d(st.randn(2, 4, 3, 3, 3), 0.2).shape
        striate.Size([2, 4, 3, 3, 3])
    """
    return _channel_dropout(input, p, training, inplace, "dropout3d", 5)


__all__ += ["dropout1d", "dropout3d"]
