"""conv1d, conv2d (adding 'full' and per-side padding), conv3d, conv_transpose2d and
locally_connected2d with PyTorch's signatures; re-exported by striate.nn.functional.

Padding, beyond PyTorch's int / tuple / 'same' / 'valid':
  - 'full' pads dilation * (kernel - 1) on every side (every partial overlap gives an output);
  - per-side tuples in F.pad's order, last dimension first: conv1d (left, right),
    conv2d (left, right, top, bottom), conv3d (left, right, top, bottom, front, back).
"""

from .. import _C
from ._functional_conv import _int

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose2d", "locally_connected2d"]

_F = _C._functional
_MODES = ("same", "valid", "full")


def _ntuple(value, size, op, name):
    """An int, or a sequence of one or `size` ints -> a tuple of `size` ints."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = tuple(value) * size
        if len(value) != size:
            raise ValueError(
                f"{op}: expected {name} to be an int or a tuple of {size} ints, got {tuple(value)}"
            )
        return tuple(_int(v, op, name) for v in value)
    if isinstance(value, str) or value is None:
        raise TypeError(
            f"{op}: expected {name} to be an int or a tuple of {size} ints, got {value!r}"
        )
    return (_int(value, op, name),) * size


def _sides(padding, dims, op):
    """padding -> a mode string, or (before, after) per spatial dimension, outermost first.

    Accepts an int, a tuple of `dims` ints (symmetric), or 2 * dims ints per side in F.pad's
    order (last dimension first).
    """
    if isinstance(padding, str):
        return padding  # checked (with the accepted names in the message) by the C++ op
    per_side = 2 * dims
    expected = (
        f"{op}: expected padding to be an int, a tuple of {dims} ints, {per_side} ints per side "
        f"(F.pad's order) or one of {_MODES}"
    )
    if isinstance(padding, (tuple, list)) and len(padding) == per_side:
        values = [_int(v, op, "padding") for v in padding]
        sides = []
        for d in reversed(range(dims)):
            sides += [values[2 * d], values[2 * d + 1]]
        return tuple(sides)
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, dims):
        raise ValueError(f"{expected}, got {tuple(padding)}")
    if padding is None or isinstance(padding, float):
        raise TypeError(f"{expected}, got {padding!r}")
    symmetric = _ntuple(padding, dims, op, "padding")
    return tuple(p for p in symmetric for _ in range(2))


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of input (N, C, L) or (C, L) with weight (K, C / groups, S).

    padding: an int, 'same' / 'valid' / 'full', or (left, right).
    """
    return _F.conv1d(
        input,
        weight,
        bias,
        _ntuple(stride, 1, "conv1d", "stride")[0],
        _sides(padding, 1, "conv1d"),
        _ntuple(dilation, 1, "conv1d", "dilation")[0],
        _int(groups, "conv1d", "groups"),
    )


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of input (N, C, H, W) or (C, H, W) with weight (K, C / groups, R, S).

    padding: an int, a pair (height, width), 'same' / 'valid' / 'full', or per side
    (left, right, top, bottom) in F.pad's order.
    """
    return _F.conv2d_sides(
        input,
        weight,
        bias,
        _ntuple(stride, 2, "conv2d", "stride"),
        _sides(padding, 2, "conv2d"),
        _ntuple(dilation, 2, "conv2d", "dilation"),
        _int(groups, "conv2d", "groups"),
    )


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution of input (N, C, D, H, W) or (C, D, H, W) with weight
    (K, C / groups, U, R, S).

    padding: an int, a triple (depth, height, width), 'same' / 'valid' / 'full', or per side
    (left, right, top, bottom, front, back) in F.pad's order.
    """
    return _F.conv3d(
        input,
        weight,
        bias,
        _ntuple(stride, 3, "conv3d", "stride"),
        _sides(padding, 3, "conv3d"),
        _ntuple(dilation, 3, "conv3d", "dilation"),
        _int(groups, "conv3d", "groups"),
    )


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed 2-D convolution (the adjoint of conv2d) of input (N, C_in, H, W) with weight
    (C_in, C_out / groups, R, S), as torch.nn.functional.conv_transpose2d."""
    op = "conv_transpose2d"
    if isinstance(padding, str):
        raise NotImplementedError(
            f"{op}: string padding {padding!r} is not supported (as in PyTorch)"
        )
    return _F.conv_transpose2d(
        input,
        weight,
        bias,
        _ntuple(stride, 2, op, "stride"),
        _ntuple(padding, 2, op, "padding"),
        _ntuple(output_padding, 2, op, "output_padding"),
        _int(groups, op, "groups"),
        _ntuple(dilation, 2, op, "dilation"),
    )


def locally_connected2d(input, weight, bias=None, stride=1, padding=0):
    """A convolution without weight sharing: input (N, C, H, W) or (C, H, W), weight
    (P, Q, K, C, R, S) (one filter bank per output position), bias (K, P, Q). No PyTorch twin."""
    op = "locally_connected2d"
    return _F.locally_connected2d(
        input, weight, bias, _ntuple(stride, 2, op, "stride"), _ntuple(padding, 2, op, "padding")
    )
