"""linear, with PyTorch's signature; the work is done by striate._C._functional."""

from ... import _C

__all__ = ["linear"]

_F = _C._functional


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias; input (*, in_features), weight (out_features, in_features).

    Arguments, shapes and errors as :class:`striate.nn.Linear`.

    Example:
        >>> F.linear(st.randn(8, 20), st.randn(30, 20), st.zeros(30)).shape
        striate.Size([8, 30])
    """
    return _F.linear(input, weight, bias)
