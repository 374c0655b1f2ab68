"""Convolutions with PyTorch's signatures: conv1d, conv2d, conv3d, conv_transpose2d, and
locally_connected2d (unshared weights); striate._C._functional normalizes the arguments and does
the work.

Padding, beyond PyTorch's int / tuple / 'same' / 'valid':
  - 'full' pads dilation * (kernel - 1) on every side (every partial overlap gives an output);
  - per-side tuples in F.pad's order, last dimension first: conv1d (left, right),
    conv2d (left, right, top, bottom), conv3d (left, right, top, bottom, front, back).
"""

from ... import _C

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose2d", "locally_connected2d"]

_F = _C._functional


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of input (N, C, L) or (C, L) with weight (K, C / groups, S).

    padding: an int, 'same' / 'valid' / 'full', or (left, right).

    Arguments, shapes and errors as :class:`striate.nn.Conv1d`.

    Example:
        >>> F.conv1d(st.randn(2, 4, 10), st.randn(6, 4, 3), padding=1).shape
        striate.Size([2, 6, 10])
    """
    return _F.conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of input (N, C, H, W) or (C, H, W) with weight (K, C / groups, R, S).

    padding: an int, a pair (height, width), 'same' / 'valid' / 'full', or per side
    (left, right, top, bottom) in F.pad's order.

    Arguments, shapes and errors as :class:`striate.nn.Conv2d`.

    Example:
        >>> x, w = st.randn(2, 3, 8, 8), st.randn(8, 3, 3, 3)
        >>> F.conv2d(x, w, padding=1).shape
        striate.Size([2, 8, 8, 8])
        >>> F.conv2d(x, w, stride=2, padding='valid').shape
        striate.Size([2, 8, 3, 3])
    """
    return _F.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution of input (N, C, D, H, W) or (C, D, H, W) with weight
    (K, C / groups, U, R, S).

    padding: an int, a triple (depth, height, width), 'same' / 'valid' / 'full', or per side
    (left, right, top, bottom, front, back) in F.pad's order.

    Arguments, shapes and errors as :class:`striate.nn.Conv3d`.

    Example:
        >>> F.conv3d(st.randn(1, 2, 5, 6, 7), st.randn(4, 2, 3, 3, 3)).shape
        striate.Size([1, 4, 3, 4, 5])
    """
    return _F.conv3d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed 2-D convolution (the adjoint of conv2d) of input (N, C_in, H, W) with weight
    (C_in, C_out / groups, R, S), as torch.nn.functional.conv_transpose2d.

    Arguments, shapes and errors as :class:`striate.nn.ConvTranspose2d`.

    Example:
        >>> F.conv_transpose2d(st.randn(2, 8, 4, 4), st.randn(8, 3, 2, 2), stride=2).shape
        striate.Size([2, 3, 8, 8])
    """
    return _F.conv_transpose2d(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def locally_connected2d(input, weight, bias=None, stride=1, padding=0):
    """A convolution without weight sharing: input (N, C, H, W) or (C, H, W), weight
    (P, Q, K, C, R, S) (one filter bank per output position), bias (K, P, Q). No PyTorch twin.

    Arguments, shapes and errors as :class:`striate.nn.LocallyConnected2d`.

    Example:
        >>> w = st.randn(6, 6, 4, 3, 3, 3)
        >>> F.locally_connected2d(st.randn(2, 3, 8, 8), w).shape
        striate.Size([2, 4, 6, 6])
    """
    return _F.locally_connected2d(input, weight, bias, stride, padding)
