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
    """Inverted dropout: zeroes elements with probability p, scales the rest by 1 / (1 - p).

    Arguments, shapes and errors as :class:`striate.nn.Dropout`.

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
    """Zeroes whole channels of input (N, C, *) with probability p, scales the rest by
    1 / (1 - p).

    Arguments, shapes and errors as :class:`striate.nn.Dropout2d`.

    Example:
        >>> F.dropout2d(st.randn(2, 4, 5, 5), 0.3).shape
        striate.Size([2, 4, 5, 5])
    """
    return _into(input, _F.dropout2d(input, float(p), bool(training)), inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """SELU-preserving dropout (keeps zero mean and unit variance).

    Arguments, shapes and errors as :class:`striate.nn.AlphaDropout`.

    Example:
        >>> F.alpha_dropout(st.randn(8, 8), 0.2, training=True).shape
        striate.Size([8, 8])
    """
    return _into(input, _F.alpha_dropout(input, float(p), bool(training)), inplace)


def stochastic_depth(input, p, mode, training=True):
    """torchvision.ops.stochastic_depth: drops whole samples (mode 'row') or the whole input
    (mode 'batch') with probability p, scaling survivors by 1 / (1 - p).

    Arguments, shapes and errors as :class:`striate.nn.DropPath`.

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
    """Zeroes whole channels of input (N, C, L) or (C, L) with probability p.

    Arguments, shapes and errors as :class:`striate.nn.Dropout1d`.

    Example:
        >>> F.dropout1d(st.randn(2, 4, 8), 0.2).shape
        striate.Size([2, 4, 8])
    """
    return _channel_dropout(input, p, training, inplace, "dropout1d", 3)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of input (N, C, D, H, W) or (C, D, H, W) with probability p.

    Arguments, shapes and errors as :class:`striate.nn.Dropout3d`.

    Example:
        >>> F.dropout3d(st.randn(2, 4, 3, 3, 3), 0.2).shape
        striate.Size([2, 4, 3, 3, 3])
    """
    return _channel_dropout(input, p, training, inplace, "dropout3d", 5)


__all__ += ["dropout1d", "dropout3d"]
