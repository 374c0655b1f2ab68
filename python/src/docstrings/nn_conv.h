// Docstrings of the convolution layers bound in bind_conv.cpp (Google style; the examples run as
// doctests with striate as st, striate.nn as nn).
#pragma once

#include "nn_common.h"

namespace striate::python::docstrings {

inline constexpr const char* kConv1d = R"doc(1-D convolution over an input of shape (N, C_in, L).

Computes the cross-correlation ``out[n, k] = bias[k] + sum_c weight[k, c] * input[n, c]`` along L,
with stride, padding, dilation and groups as in :class:`Conv2d`.

Args:
    in_channels (int): Channels of the input, C_in.
    out_channels (int): Channels of the output, C_out.
    kernel_size (int or tuple): Kernel length K.
    stride (int or tuple): Step between windows. Default: 1.
    padding (int, tuple or str): Zeros added at both ends, or ``'same'`` / ``'valid'`` /
        ``'full'``. Default: 0.
    dilation (int or tuple): Spacing between kernel taps. Default: 1.
    groups (int): Blocked connections from input to output channels; both must divide by it.
        Default: 1.
    bias (bool): Whether to add a learnable bias. Default: True.
    padding_mode (str): Only ``'zeros'`` is supported. Default: ``'zeros'``.

Shape:
    - Input: (N, C_in, L) or (C_in, L).
    - Output: (N, C_out, L_out) with
      ``L_out = floor((L + 2 * padding - dilation * (K - 1) - 1) / stride) + 1``.

Raises:
    ValueError: The input's rank or channel count does not match, or the output would be empty.
    NotImplementedError: ``padding_mode`` is ``'reflect'``, ``'replicate'`` or ``'circular'``.

Example:
    >>> m = nn.Conv1d(4, 6, 3, padding=1)
    >>> m(st.randn(2, 4, 10)).shape
    striate.Size([2, 6, 10])
)doc";

inline constexpr const char* kConv2d = R"doc(2-D convolution over an input of shape (N, C_in, H, W).

Each output map is the cross-correlation of the input maps with the map's filter plus a bias:
``y_q = sum_p x_p *valid rot180(w_qp) + b_q`` in the notes' convolution form, i.e.
``out[n, q] = bias[q] + sum_p weight[q, p] (cross-correlated with) input[n, p]``.

Args:
    in_channels (int): Channels of the input, C_in.
    out_channels (int): Channels of the output (number of filters), C_out.
    kernel_size (int or tuple): Filter size (kH, kW).
    stride (int or tuple): Step between windows. Default: 1.
    padding (int, tuple or str): Zeros added on each side; an int, (pH, pW), per-side
        (left, right, top, bottom) as ``F.pad`` orders them, or ``'same'`` / ``'valid'`` /
        ``'full'``. Default: 0.
    dilation (int or tuple): Spacing between kernel taps (dilated convolution). Default: 1.
    groups (int): Grouped convolution: C_in and C_out split into ``groups`` blocks, each output
        block reading only its input block (``groups == C_in`` is depthwise). Default: 1.
    bias (bool): Whether to add a learnable bias. Default: True.
    padding_mode (str): Only ``'zeros'`` is supported. Default: ``'zeros'``.
    connection_table (Tensor, optional): Keyword only. A bool tensor (C_out, C_in) saying which
        input maps each output map reads (LeNet-5's sparse C3 table, see
        :func:`lenet5_c3_table`). Default: None (fully connected).

Shape:
    - Input: (N, C_in, H, W) or (C_in, H, W).
    - Output: (N, C_out, H_out, W_out) with
      ``H_out = floor((H + 2 * pH - dilation * (kH - 1) - 1) / stride) + 1`` and likewise W_out.

Attributes:
    weight (Parameter): (C_out, C_in / groups, kH, kW), initialized like PyTorch's
        (Kaiming uniform, a = sqrt(5)).
    bias (Parameter or None): (C_out,).

Raises:
    ValueError: The input is not 3-D or 4-D, its channels are not C_in, the kernel is larger than
        the padded input, or ``groups`` does not divide the channels.
    NotImplementedError: ``padding_mode`` is ``'reflect'``, ``'replicate'`` or ``'circular'``.

Example:
    >>> m = nn.Conv2d(3, 8, 3, padding=1)
    >>> m(st.randn(2, 3, 8, 8)).shape
    striate.Size([2, 8, 8, 8])
    >>> nn.Conv2d(3, 8, 3, stride=2)(st.randn(2, 3, 9, 9)).shape
    striate.Size([2, 8, 4, 4])
)doc";

inline constexpr const char* kConv3d = R"doc(3-D convolution over an input of shape (N, C_in, D, H, W).

The volumetric form of :class:`Conv2d`: each output volume is the cross-correlation of the input
volumes with its filter plus a bias.

Args:
    in_channels (int): Channels of the input, C_in.
    out_channels (int): Channels of the output, C_out.
    kernel_size (int or tuple): Filter size (kD, kH, kW).
    stride (int or tuple): Step between windows. Default: 1.
    padding (int, tuple or str): Zeros added on each side, or ``'same'`` / ``'valid'``.
        Default: 0.
    dilation (int or tuple): Spacing between kernel taps. Default: 1.
    groups (int): Blocked connections from input to output channels. Default: 1.
    bias (bool): Whether to add a learnable bias. Default: True.
    padding_mode (str): Only ``'zeros'`` is supported. Default: ``'zeros'``.

Shape:
    - Input: (N, C_in, D, H, W) or (C_in, D, H, W).
    - Output: (N, C_out, D_out, H_out, W_out), each size
      ``floor((size + 2 * padding - dilation * (k - 1) - 1) / stride) + 1``.

Raises:
    ValueError: The input's rank or channel count does not match, or the output would be empty.
    NotImplementedError: ``padding_mode`` other than ``'zeros'``.

Example:
    >>> m = nn.Conv3d(2, 4, 3)
    >>> m(st.randn(1, 2, 5, 6, 7)).shape
    striate.Size([1, 4, 3, 4, 5])
)doc";

inline constexpr const char* kConvTranspose2d = R"doc(2-D transposed convolution (the gradient of Conv2d
with respect to its input), used to upsample feature maps.

Args:
    in_channels (int): Channels of the input, C_in.
    out_channels (int): Channels of the output, C_out.
    kernel_size (int or tuple): Filter size (kH, kW).
    stride (int or tuple): Upsampling step. Default: 1.
    padding (int or tuple): ``dilation * (k - 1) - padding`` zeros are added to each side of the
        input. Default: 0.
    output_padding (int or tuple): Extra size added to one side of the output. Default: 0.
    groups (int): Blocked connections from input to output channels. Default: 1.
    bias (bool): Whether to add a learnable bias. Default: True.
    dilation (int or tuple): Spacing between kernel taps. Default: 1.
    padding_mode (str): Only ``'zeros'`` is supported. Default: ``'zeros'``.

Shape:
    - Input: (N, C_in, H, W) or (C_in, H, W).
    - Output: (N, C_out, H_out, W_out) with ``H_out = (H - 1) * stride - 2 * padding +
      dilation * (kH - 1) + output_padding + 1`` and likewise W_out.

Attributes:
    weight (Parameter): (C_in, C_out / groups, kH, kW).
    bias (Parameter or None): (C_out,).

Raises:
    ValueError: The input's rank or channel count does not match, or ``output_padding`` is not
        smaller than the stride or the dilation.
    NotImplementedError: ``padding_mode`` other than ``'zeros'``.

Example:
    >>> m = nn.ConvTranspose2d(8, 3, 2, stride=2)
    >>> m(st.randn(2, 8, 4, 4)).shape
    striate.Size([2, 3, 8, 8])
)doc";

inline constexpr const char* kLocallyConnected2d = R"doc(Locally connected 2-D layer: a convolution whose
weights are not shared, every output position has its own filter.

``out[n, k, i, j] = bias[k, i, j] + sum_{c, u, v} weight[i, j, k, c, u, v] *
input[n, c, i * stride + u - padding, j * stride + v - padding]``; the contrast to weight sharing
in the notes.

Args:
    in_channels (int): Channels of the input, C_in.
    out_channels (int): Channels of the output, C_out.
    in_size (int or tuple): Input size (H, W); the weights depend on it.
    kernel_size (int or tuple): Window size (kH, kW).
    stride (int or tuple): Step between windows. Default: 1.
    padding (int or tuple): Zeros added on each side. Default: 0.
    bias (bool): Whether to add a learnable bias per output position. Default: True.

Shape:
    - Input: (N, C_in, H, W) with (H, W) = ``in_size``.
    - Output: (N, C_out, H_out, W_out), ``H_out = floor((H + 2 * pH - kH) / stride) + 1``.

Raises:
    ValueError: The input's channels or spatial size differ from the layer's.

Example:
    >>> m = nn.LocallyConnected2d(3, 4, in_size=8, kernel_size=3)
    >>> m(st.randn(2, 3, 8, 8)).shape
    striate.Size([2, 4, 6, 6])
)doc";

}  // namespace striate::python::docstrings
