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
    """1-D convolution (cross-correlation): ``out[n, k, l] = bias[k] + sum_{c, s} weight[k, c, s] *
    input[n, g * C / groups + c, l * stride + s * dilation - pad_left]`` over the channels c of
    k's group g. The functional form of :class:`striate.nn.Conv1d`.

    Args:
        input (Tensor): (N, C_in, L) or (C_in, L).
        weight (Tensor): The filters, (C_out, C_in / groups, K).
        bias (Tensor, optional): (C_out,). Default: None.
        stride (int or tuple): Step between windows. Default: 1.
        padding (int, tuple or str): Zeros at both ends; an int, ``'same'`` / ``'valid'`` /
            ``'full'``, or per side (left, right). Default: 0.
        dilation (int or tuple): Spacing between kernel taps. Default: 1.
        groups (int): Blocked connections; C_in and C_out divide by it. Default: 1.

    Shape:
        - Input: (N, C_in, L) or (C_in, L).
        - Output: (N, C_out, L_out),
          ``L_out = floor((L + pad_left + pad_right - dilation * (K - 1) - 1) / stride) + 1``.

    Returns:
        Tensor: The convolution, batched as the input.

    Raises:
        ValueError: The ranks or channel counts do not match, ``groups`` does not divide them, or
            the output would be empty.

    Example:
        >>> F.conv1d(st.randn(2, 4, 10), st.randn(6, 4, 3), padding=1).shape
        striate.Size([2, 6, 10])
    """
    return _F.conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation): each output map is the sum over its group's input maps
    of the map cross-correlated with the filter, plus a bias (the notes'
    ``y_q = sum_p x_p *valid rot180(w_qp) + b_q``). The functional form of
    :class:`striate.nn.Conv2d`.

    Args:
        input (Tensor): (N, C_in, H, W) or (C_in, H, W).
        weight (Tensor): The filters, (C_out, C_in / groups, kH, kW).
        bias (Tensor, optional): (C_out,). Default: None.
        stride (int or tuple): Step between windows, (sH, sW). Default: 1.
        padding (int, tuple or str): Zeros on each side; an int, (pH, pW), per side
            (left, right, top, bottom) in F.pad's order, or ``'same'`` / ``'valid'`` / ``'full'``
            (``dilation * (k - 1)`` on every side). Default: 0.
        dilation (int or tuple): Spacing between kernel taps. Default: 1.
        groups (int): Grouped convolution (``groups == C_in`` is depthwise). Default: 1.

    Shape:
        - Input: (N, C_in, H, W) or (C_in, H, W).
        - Output: (N, C_out, H_out, W_out),
          ``H_out = floor((H + 2 * pH - dilation * (kH - 1) - 1) / sH) + 1``, likewise W_out.

    Returns:
        Tensor: The convolution, batched as the input.

    Raises:
        ValueError: The ranks or channel counts do not match, ``groups`` does not divide them, or
            the kernel is larger than the padded input.

    Example:
        >>> x, w = st.randn(2, 3, 8, 8), st.randn(8, 3, 3, 3)
        >>> F.conv2d(x, w, padding=1).shape
        striate.Size([2, 8, 8, 8])
        >>> F.conv2d(x, w, stride=2, padding='valid').shape
        striate.Size([2, 8, 3, 3])
    """
    return _F.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution (cross-correlation) over volumes; the functional form of
    :class:`striate.nn.Conv3d`.

    Args:
        input (Tensor): (N, C_in, D, H, W) or (C_in, D, H, W).
        weight (Tensor): The filters, (C_out, C_in / groups, kD, kH, kW).
        bias (Tensor, optional): (C_out,). Default: None.
        stride (int or tuple): Step between windows. Default: 1.
        padding (int, tuple or str): Zeros on each side; an int, a triple (pD, pH, pW), per side
            (left, right, top, bottom, front, back) in F.pad's order, or ``'same'`` / ``'valid'``
            / ``'full'``. Default: 0.
        dilation (int or tuple): Spacing between kernel taps. Default: 1.
        groups (int): Grouped convolution. Default: 1.

    Shape:
        - Input: (N, C_in, D, H, W) or (C_in, D, H, W).
        - Output: (N, C_out, D_out, H_out, W_out), each
          ``floor((size + 2 * pad - dilation * (k - 1) - 1) / stride) + 1``.

    Returns:
        Tensor: The convolution, batched as the input.

    Raises:
        ValueError: The ranks or channel counts do not match, ``groups`` does not divide them, or
            the kernel is larger than the padded input.

    Example:
        >>> F.conv3d(st.randn(1, 2, 5, 6, 7), st.randn(4, 2, 3, 3, 3)).shape
        striate.Size([1, 4, 3, 4, 5])
    """
    return _F.conv3d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed 2-D convolution (the adjoint of :func:`conv2d`, "deconvolution"): each input
    value scatters its filter, scaled, into the output. The functional form of
    :class:`striate.nn.ConvTranspose2d`.

    Args:
        input (Tensor): (N, C_in, H, W) or (C_in, H, W).
        weight (Tensor): (C_in, C_out / groups, kH, kW).
        bias (Tensor, optional): (C_out,). Default: None.
        stride (int or tuple): The upsampling step. Default: 1.
        padding (int or tuple): ``dilation * (k - 1) - padding`` zeros around the input, i.e.
            rows/columns removed from each side of the full output. Default: 0.
        output_padding (int or tuple): Extra rows/columns on one side of the output (< stride
            or dilation), to pick among the sizes that conv2d maps to the same input. Default: 0.
        groups (int): Grouped convolution. Default: 1.
        dilation (int or tuple): Spacing between kernel taps. Default: 1.

    Shape:
        - Input: (N, C_in, H, W) or (C_in, H, W).
        - Output: (N, C_out, H_out, W_out),
          ``H_out = (H - 1) * sH - 2 * pH + dilation * (kH - 1) + output_padding + 1``.

    Returns:
        Tensor: The transposed convolution.

    Raises:
        ValueError: The ranks or channel counts do not match, or ``output_padding`` is too large.

    Example:
        >>> F.conv_transpose2d(st.randn(2, 8, 4, 4), st.randn(8, 3, 2, 2), stride=2).shape
        striate.Size([2, 3, 8, 8])
    """
    return _F.conv_transpose2d(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def locally_connected2d(input, weight, bias=None, stride=1, padding=0):
    """A convolution without weight sharing: each output position (p, q) has its own filter bank,
    ``out[n, k, p, q] = bias[k, p, q] + sum_{c, r, s} weight[p, q, k, c, r, s] *
    input[n, c, p * stride + r - pad, q * stride + s - pad]``. No PyTorch twin; the functional
    form of :class:`striate.nn.LocallyConnected2d`.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        weight (Tensor): (P, Q, K, C, R, S): one (K, C, R, S) bank per output position.
        bias (Tensor, optional): (K, P, Q). Default: None.
        stride (int or tuple): Step between windows. Default: 1.
        padding (int or tuple): Zeros on each side. Default: 0.

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, K, P, Q), P and Q as for :func:`conv2d`, matching the weight's.

    Returns:
        Tensor: The output, batched as the input.

    Raises:
        ValueError: The weight's (P, Q) or C do not match the input and the geometry.

    Example:
        >>> w = st.randn(6, 6, 4, 3, 3, 3)
        >>> F.locally_connected2d(st.randn(2, 3, 8, 8), w).shape
        striate.Size([2, 4, 6, 6])
    """
    return _F.locally_connected2d(input, weight, bias, stride, padding)
