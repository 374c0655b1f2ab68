"""linear, with PyTorch's signature; the work is done by striate._C._functional."""

from ... import _C

__all__ = ["linear"]

_F = _C._functional


def linear(input, weight, bias=None):
    """Affine map ``y = input @ weight.T + bias``; the functional form of
    :class:`striate.nn.Linear`.

    Args:
        input (Tensor): (*, in_features).
        weight (Tensor): (out_features, in_features).
        bias (Tensor, optional): (out_features,). Default: None.

    Shape:
        - Input: (*, in_features), any leading dimensions.
        - Output: (*, out_features).

    Returns:
        Tensor: The affine map of the input.

    Raises:
        ValueError: The input's last dimension is not in_features, or the bias's size differs.

    Example:
        >>> F.linear(st.randn(8, 20), st.randn(30, 20), st.zeros(30)).shape
        striate.Size([8, 30])
    """
    return _F.linear(input, weight, bias)
