"""Transposed convolutions in 1-D and 3-D with torch's signatures, composed in Python (2-D is
the C++ op ``conv_transpose2d``).

- conv_transpose1d runs the 2-D op over a height of 1 (its C++ kernels, its backward node).
- conv_transpose3d is the convolution that a transposed convolution equals: the input with
  ``stride - 1`` zeros between neighbours, padded by ``dilation * (kernel - 1) - padding`` (plus
  ``output_padding`` at the end; a negative pad crops), convolved by conv3d with the weight's
  in/out channels swapped per group and its kernel flipped. Autograd comes from the parts (cat,
  reshape, pad, flip, conv3d). The zeros cost ``stride**3`` times the direct method's work.
"""

import numbers

from .. import functional as _F

__all__ = ["conv_transpose1d", "conv_transpose3d"]


def _st():
    import striate

    return striate


def _tuple(value, n, op, name):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value
    ):
        return tuple(int(v) for v in value)
    raise TypeError(
        f"{op}: expected {name} as an int or a tuple of {n} ints, got {value!r}"
    )


def _check(op, nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    """Validates torch's arguments; returns (batched input, unbatched?, the int tuples)."""
    st = _st()
    spatial = "(L)" if nd == 1 else "(D, H, W)"
    for name, value in (("input", input), ("weight", weight)):
        if not isinstance(value, st.Tensor):
            raise TypeError(f"{op}: expected {name} to be a Tensor, got {type(value).__name__}")
    if bias is not None and not isinstance(bias, st.Tensor):
        raise TypeError(f"{op}: expected bias to be a Tensor or None, got {type(bias).__name__}")
    if input.dim() not in (nd + 1, nd + 2):
        raise ValueError(
            f"{op}: expected input of shape (N, C_in, {spatial[1:-1]}) or "
            f"(C_in, {spatial[1:-1]}), got {list(input.shape)}"
        )
    if weight.dim() != nd + 2:
        raise ValueError(
            f"{op}: expected weight of shape (C_in, C_out / groups, {spatial[1:-1]}) with "
            f"{nd + 2} dimensions, got {list(weight.shape)}"
        )
    if not isinstance(groups, numbers.Integral) or isinstance(groups, bool) or groups <= 0:
        raise ValueError(f"{op}: expected groups to be a positive int, got {groups!r}")
    stride = _tuple(stride, nd, op, "stride")
    padding = _tuple(padding, nd, op, "padding")
    output_padding = _tuple(output_padding, nd, op, "output_padding")
    dilation = _tuple(dilation, nd, op, "dilation")
    if any(s <= 0 for s in stride):
        raise ValueError(f"{op}: expected stride > 0, got {stride}")
    if any(d <= 0 for d in dilation):
        raise ValueError(f"{op}: expected dilation > 0, got {dilation}")
    if any(p < 0 for p in padding):
        raise ValueError(f"{op}: expected padding >= 0, got {padding}")
    for o, s, d in zip(output_padding, stride, dilation):
        if o < 0 or (o >= s and o >= d):
            raise ValueError(
                f"{op}: expected 0 <= output_padding < stride or < dilation, got output_padding "
                f"{output_padding}, stride {stride}, dilation {dilation}"
            )
    unbatched = input.dim() == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    if any(n <= 0 for n in weight.shape):
        raise ValueError(f"{op}: expected weight with positive sizes, got {list(weight.shape)}")
    if x.shape[1] != weight.shape[0]:
        raise ValueError(
            f"{op}: expected input with C_in = weight.size(0) = {weight.shape[0]} channels, got "
            f"{x.shape[1]} (input shape {list(input.shape)}, weight shape {list(weight.shape)})"
        )
    if weight.shape[0] % groups:
        raise ValueError(
            f"{op}: expected in channels (weight.size(0) = {weight.shape[0]}) divisible by "
            f"groups = {groups}"
        )
    out_channels = weight.shape[1] * groups
    if bias is not None and list(bias.shape) != [out_channels]:
        raise ValueError(
            f"{op}: expected bias of shape ({out_channels},), got {list(bias.shape)}"
        )
    for i in range(nd):
        size = x.shape[2 + i]
        extent = ((size - 1) * stride[i] - 2 * padding[i] + dilation[i] * (weight.shape[2 + i] - 1)
                  + output_padding[i] + 1)
        if size <= 0 or extent <= 0:
            raise ValueError(
                f"{op}: the output would be empty (size {extent} in spatial dimension {i}) for "
                f"input shape {list(input.shape)}, weight shape {list(weight.shape)} and padding "
                f"{padding}"
            )
    return x, unbatched, stride, padding, output_padding, dilation


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed 1-D convolution (the adjoint of conv1d, "deconvolution") of input
    (N, C_in, L) or (C_in, L) with weight (C_in, C_out / groups, S).

    The output length is (L - 1) * stride - 2 * padding + dilation * (S - 1) + output_padding + 1.

    Args:
        input (Tensor): (N, C_in, L) or (C_in, L).
        weight (Tensor): (C_in, C_out / groups, S).
        bias (Tensor, optional): (C_out,). Default: None.
        stride (int or tuple): The step of the adjoint convolution. Default: 1.
        padding (int or tuple): Removed from both ends of the output. Default: 0.
        output_padding (int or tuple): Added to one end of the output (< stride or < dilation).
            Default: 0.
        groups (int): Blocked connections from input to output channels. Default: 1.
        dilation (int or tuple): The spacing of the kernel's elements. Default: 1.

    Returns:
        Tensor: (N, C_out, L_out), or (C_out, L_out) for an unbatched input.

    Raises:
        ValueError: On shapes or arguments that do not fit, naming the argument.

    Example:
        >>> F.conv_transpose1d(st.randn(2, 4, 5), st.randn(4, 3, 3), stride=2).shape
        striate.Size([2, 3, 11])
    """
    op = "conv_transpose1d"
    x, unbatched, stride, padding, output_padding, dilation = _check(
        op, 1, input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    out = _F.conv_transpose2d(
        x.unsqueeze(2), weight.unsqueeze(2), bias, stride=(1, stride[0]), padding=(0, padding[0]),
        output_padding=(0, output_padding[0]), groups=groups, dilation=(1, dilation[0]),
    ).squeeze(2)
    return out.squeeze(0) if unbatched else out


def _spread(x, dim, stride):
    """Puts stride - 1 zeros between neighbours along `dim`."""
    if stride == 1 or x.shape[dim] == 1:
        return x
    st = _st()
    n = x.shape[dim]
    shape = list(x.shape)
    column = x.unsqueeze(dim + 1)
    zeros_shape = list(column.shape)
    zeros_shape[dim + 1] = stride - 1
    zeros = st.zeros(zeros_shape, dtype=x.dtype, device=x.device)
    spread = st.cat([column, zeros], dim=dim + 1)
    spread = spread.reshape(shape[:dim] + [n * stride] + shape[dim + 1 :])
    return spread.narrow(dim, 0, (n - 1) * stride + 1)


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed 3-D convolution (the adjoint of conv3d) of input (N, C_in, D, H, W) or
    (C_in, D, H, W) with weight (C_in, C_out / groups, U, R, S).

    Each output size is (size - 1) * stride - 2 * padding + dilation * (kernel - 1) +
    output_padding + 1. Computed as conv3d over the input with ``stride - 1`` zeros between
    neighbours (see the module's notes).

    Args:
        input (Tensor): (N, C_in, D, H, W) or (C_in, D, H, W).
        weight (Tensor): (C_in, C_out / groups, U, R, S).
        bias (Tensor, optional): (C_out,). Default: None.
        stride (int or tuple): The step of the adjoint convolution. Default: 1.
        padding (int or tuple): Removed from both ends of each output dimension. Default: 0.
        output_padding (int or tuple): Added to one end of each output dimension (< stride or
            < dilation). Default: 0.
        groups (int): Blocked connections from input to output channels. Default: 1.
        dilation (int or tuple): The spacing of the kernel's elements. Default: 1.

    Returns:
        Tensor: (N, C_out, D_out, H_out, W_out), or without N for an unbatched input.

    Raises:
        ValueError: On shapes or arguments that do not fit, naming the argument.

    Example:
        >>> F.conv_transpose3d(st.randn(1, 4, 2, 3, 3), st.randn(4, 2, 2, 2, 2), stride=2).shape
        striate.Size([1, 2, 4, 6, 6])
    """
    op = "conv_transpose3d"
    x, unbatched, stride, padding, output_padding, dilation = _check(
        op, 3, input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    for i in range(3):
        x = _spread(x, 2 + i, stride[i])
    pads = []
    for i in reversed(range(3)):  # F.pad's order: the last dimension first
        reach = dilation[i] * (weight.shape[2 + i] - 1)
        pads += [reach - padding[i], reach - padding[i] + output_padding[i]]
    x = _F.pad(x, pads)
    c_in, c_out_per_group = weight.shape[0], weight.shape[1]
    kernel = list(weight.shape[2:])
    w = weight.reshape([groups, c_in // groups, c_out_per_group] + kernel).transpose(1, 2)
    w = w.reshape([groups * c_out_per_group, c_in // groups] + kernel).flip([2, 3, 4])
    out = _F.conv3d(x, w, bias, stride=1, padding=0, dilation=dilation, groups=groups)
    return out.squeeze(0) if unbatched else out
