// Docstrings of the pooling layers bound in bind_pooling.cpp (Google style; the examples run as
// doctests with striate as st, striate.nn as nn).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kPoolForward = R"doc(Pools ``input``; returns ``(output, indices)`` when the
layer was built with ``return_indices=True``, else the output. Call the layer rather than
``forward`` so that hooks run.

Args:
    input (Tensor): The input, of the shape the class describes.

Returns:
    Tensor or tuple: The pooled output, or ``(output, indices)`` (int64 flat positions in each
    input plane) with ``return_indices=True``.

Example:
    >>> pool = nn.MaxPool2d(2, return_indices=True)
    >>> out, indices = pool.forward(st.arange(16.0).reshape(1, 1, 4, 4))
    >>> out.flatten().tolist(), indices.flatten().tolist()
    ([5.0, 7.0, 13.0, 15.0], [5, 7, 13, 15])
)doc";

inline constexpr const char* kMaxUnpoolForward = R"doc(Scatters ``input`` to the positions
``indices`` (from a max pool with ``return_indices=True``); ``output_size`` picks the output size
where several are possible. Every other position is 0.

Args:
    input (Tensor): The pooled values, (N, C, H, W) or (C, H, W).
    indices (Tensor): Their flat positions, as the pool returned them.
    output_size (sequence of int, optional): The output's (H, W) (or full shape). Default: None.

Returns:
    Tensor: (N, C, H_out, W_out).

Example:
    >>> out, indices = nn.MaxPool2d(2, return_indices=True)(st.arange(16.0).reshape(1, 1, 4, 4))
    >>> nn.MaxUnpool2d(2).forward(out, indices)[0, 0, 1].tolist()
    [0.0, 5.0, 0.0, 7.0]
)doc";

inline constexpr const char* kMaxPool1d = R"doc(1-D max pooling over (N, C, L): the maximum of each
window along L (ties: the first index wins).

Args:
    kernel_size (int): Window length K.
    stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
    padding (int or tuple): Implicit -inf padding on each side; at most half the kernel.
        Default: 0.
    dilation (int or tuple): Spacing between window elements. Default: 1.
    return_indices (bool): forward also returns the flat index of each maximum (for
        :class:`MaxUnpool2d`). Default: False.
    ceil_mode (bool): Round the output size up instead of down. Default: False.

Shape:
    - Input: (N, C, L) or (C, L).
    - Output: (N, C, L_out),
      ``L_out = floor((L + 2 * padding - dilation * (K - 1) - 1) / stride) + 1`` (ceil with
      ``ceil_mode``).

Raises:
    ValueError: The padding exceeds half the kernel, or the output would be empty.

Example:
    >>> nn.MaxPool1d(2)(st.randn(2, 3, 8)).shape
    striate.Size([2, 3, 4])
)doc";

inline constexpr const char* kMaxPool2d = R"doc(2-D max pooling over (N, C, H, W): the maximum of each
window; backward routes the gradient to the arg-max (ties: the first index wins).

Args:
    kernel_size (int or tuple): Window size (kH, kW).
    stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
    padding (int or tuple): Implicit -inf padding on each side; at most half the kernel.
        Default: 0.
    dilation (int or tuple): Spacing between window elements. Default: 1.
    return_indices (bool): forward also returns the flat index of each maximum (for
        :class:`MaxUnpool2d`). Default: False.
    ceil_mode (bool): Round the output size up instead of down. Default: False.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: (N, C, H_out, W_out),
      ``H_out = floor((H + 2 * pH - dilation * (kH - 1) - 1) / stride) + 1`` (ceil with
      ``ceil_mode``), likewise W_out.

Raises:
    ValueError: The padding exceeds half the kernel, or the output would be empty.

Example:
    >>> m = nn.MaxPool2d(2)
    >>> m(st.randn(2, 3, 8, 8)).shape
    striate.Size([2, 3, 4, 4])
    >>> out, idx = nn.MaxPool2d(3, stride=2, return_indices=True)(st.randn(1, 1, 7, 7))
    >>> out.shape, idx.shape
    (striate.Size([1, 1, 3, 3]), striate.Size([1, 1, 3, 3]))
)doc";

inline constexpr const char* kMaxPool3d = R"doc(3-D max pooling over (N, C, D, H, W): the maximum of
each window.

Args:
    kernel_size (int or tuple): Window size (kD, kH, kW).
    stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
    padding (int or tuple): Implicit -inf padding on each side; at most half the kernel.
        Default: 0.
    dilation (int or tuple): Spacing between window elements. Default: 1.
    return_indices (bool): forward also returns the flat index of each maximum (for
        :class:`MaxUnpool2d`). Default: False.
    ceil_mode (bool): Round the output size up instead of down. Default: False.

Shape:
    - Input: (N, C, D, H, W) or (C, D, H, W).
    - Output: (N, C, D_out, H_out, W_out), each
      ``floor((size + 2 * padding - dilation * (k - 1) - 1) / stride) + 1``.

Raises:
    ValueError: The padding exceeds half the kernel, or the output would be empty.

Example:
    >>> nn.MaxPool3d(2)(st.randn(1, 2, 4, 4, 4)).shape
    striate.Size([1, 2, 2, 2, 2])
)doc";

inline constexpr const char* kAvgPool1d = R"doc(1-D average pooling over (N, C, L): the mean of each
window along L.

Args:
    kernel_size (int): Window length K.
    stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
    padding (int or tuple): Implicit zero padding on each side; at most half the kernel.
        Default: 0.
    ceil_mode (bool): Round the output size up instead of down. Default: False.
    count_include_pad (bool): Count the padding zeros in the divisor. Default: True.

Shape:
    - Input: (N, C, L) or (C, L).
    - Output: (N, C, L_out), ``L_out = floor((L + 2 * padding - K) / stride) + 1``.

Raises:
    ValueError: The padding exceeds half the kernel, or the output would be empty.

Example:
    >>> nn.AvgPool1d(3, stride=2)(st.randn(2, 3, 9)).shape
    striate.Size([2, 3, 4])
)doc";

inline constexpr const char* kAvgPool2d = R"doc(2-D average pooling over (N, C, H, W): the mean of
each window; backward spreads the gradient evenly over the window.

Args:
    kernel_size (int or tuple): Window size (kH, kW).
    stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
    padding (int or tuple): Implicit zero padding on each side; at most half the kernel.
        Default: 0.
    ceil_mode (bool): Round the output size up instead of down. Default: False.
    count_include_pad (bool): Count the padding zeros in the divisor. Default: True.
    divisor_override (int, optional): Divide by this instead of
        the window size. Default: None.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: (N, C, H_out, W_out), ``H_out = floor((H + 2 * pH - kH) / stride) + 1``
      (ceil with ``ceil_mode``), likewise W_out.

Raises:
    ValueError: The padding exceeds half the kernel, or the output would be empty.

Example:
    >>> nn.AvgPool2d(2)(st.ones(1, 1, 4, 4))
    tensor([[[[1., 1.],
              [1., 1.]]]])
)doc";

inline constexpr const char* kAvgPool3d = R"doc(3-D average pooling over (N, C, D, H, W).

Args:
    kernel_size (int or tuple): Window size (kD, kH, kW).
    stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
    padding (int or tuple): Implicit zero padding on each side; at most half the kernel.
        Default: 0.
    ceil_mode (bool): Round the output size up instead of down. Default: False.
    count_include_pad (bool): Count the padding zeros in the divisor. Default: True.
    divisor_override (int, optional): Divide by this instead of
        the window size. Default: None.

Shape:
    - Input: (N, C, D, H, W) or (C, D, H, W).
    - Output: (N, C, D_out, H_out, W_out), each ``floor((size + 2 * padding - k) / stride) + 1``.

Raises:
    ValueError: The padding exceeds half the kernel, or the output would be empty.

Example:
    >>> nn.AvgPool3d(2)(st.randn(1, 2, 4, 4, 4)).shape
    striate.Size([1, 2, 2, 2, 2])
)doc";

inline constexpr const char* kMaxUnpool2d = R"doc(Partial inverse of :class:`MaxPool2d`: puts each value
back at its arg-max position and zeros everywhere else.

Args:
    kernel_size (int or tuple): The pooling's window size.
    stride (int or tuple, optional): The pooling's stride. Default: None (= kernel_size).
    padding (int or tuple): The pooling's padding. Default: 0.

Shape:
    - Input: (N, C, H, W) and indices of the same shape.
    - Output: (N, C, H_out, W_out), ``H_out = (H - 1) * stride - 2 * pH + kH`` unless
      ``output_size`` is given to forward.

Raises:
    ValueError: The indices' shape differs from the input's, or an index is out of range.

Example:
    >>> pool = nn.MaxPool2d(2, return_indices=True)
    >>> out, idx = pool(st.randn(1, 1, 4, 4))
    >>> nn.MaxUnpool2d(2)(out, idx).shape
    striate.Size([1, 1, 4, 4])
)doc";

inline constexpr const char* kAdaptiveAvgPool2d = R"doc(2-D average pooling to a fixed output size: the
window of output (i, j) spans rows ``floor(i * H / H_out)`` to ``ceil((i + 1) * H / H_out)``
(likewise columns).

Args:
    output_size (int or tuple): (H_out, W_out); None in a tuple keeps that input size.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: (N, C, H_out, W_out).

Raises:
    ValueError: The output size is not positive.

Example:
    >>> nn.AdaptiveAvgPool2d((5, 7))(st.randn(1, 64, 8, 9)).shape
    striate.Size([1, 64, 5, 7])
    >>> nn.AdaptiveAvgPool2d(1)(st.randn(2, 16, 7, 7)).shape
    striate.Size([2, 16, 1, 1])
)doc";

inline constexpr const char* kAdaptiveMaxPool2d = R"doc(2-D max pooling to a fixed output size, with the
windows of :class:`AdaptiveAvgPool2d`.

Args:
    output_size (int or tuple): (H_out, W_out); None in a tuple keeps that input size.
    return_indices (bool): forward also returns the arg-max indices. Default: False.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: (N, C, H_out, W_out).

Raises:
    ValueError: The output size is not positive.

Example:
    >>> nn.AdaptiveMaxPool2d(2)(st.randn(1, 3, 9, 9)).shape
    striate.Size([1, 3, 2, 2])
)doc";

inline constexpr const char* kGlobalAvgPool2d = R"doc(Global average pooling: the mean of each channel
over H and W (Network in Network, GoogLeNet), i.e. ``AdaptiveAvgPool2d(1)``.

Args:
    flatten (bool): Return (N, C) instead of (N, C, 1, 1). Default: False.

Shape:
    - Input: (N, C, H, W).
    - Output: (N, C, 1, 1), or (N, C) with ``flatten=True``.

Raises:
    ValueError: The input is not 4-D.

Example:
    >>> nn.GlobalAvgPool2d()(st.randn(2, 8, 5, 5)).shape
    striate.Size([2, 8, 1, 1])
    >>> nn.GlobalAvgPool2d(flatten=True)(st.randn(2, 8, 5, 5)).shape
    striate.Size([2, 8])
)doc";

inline constexpr const char* kGlobalMaxPool2d = R"doc(Global max pooling: the maximum of each channel
over H and W, i.e. ``AdaptiveMaxPool2d(1)``.

Args:
    flatten (bool): Return (N, C) instead of (N, C, 1, 1). Default: False.

Shape:
    - Input: (N, C, H, W).
    - Output: (N, C, 1, 1), or (N, C) with ``flatten=True``.

Raises:
    ValueError: The input is not 4-D.

Example:
    >>> nn.GlobalMaxPool2d(flatten=True)(st.randn(2, 8, 5, 5)).shape
    striate.Size([2, 8])
)doc";

inline constexpr const char* kFractionalMaxPool2d = R"doc(Fractional max pooling (Graham, 2014): max
pooling whose window positions are drawn pseudo-randomly so that the output size is a
non-integer fraction of the input's; a regularizer.

Args:
    kernel_size (int or tuple): Window size (kH, kW).
    output_size (int or tuple, optional): (H_out, W_out). Give this or ``output_ratio``.
    output_ratio (float or tuple, optional): Output size as a fraction of the input's, in (0, 1).
    return_indices (bool): forward also returns the arg-max indices. Default: False.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: (N, C, H_out, W_out).

Raises:
    ValueError: Neither or both of ``output_size`` and ``output_ratio`` given, or the windows do
        not fit the input.

Example:
    >>> nn.FractionalMaxPool2d(2, output_size=5)(st.randn(1, 2, 9, 9)).shape
    striate.Size([1, 2, 5, 5])
)doc";

inline constexpr const char* kChannelMaxPool = R"doc(Channel-wise max pooling (maxout): the maximum over
each group of ``kernel_size`` consecutive channels, pooling across feature maps.

Args:
    kernel_size (int): Channels per group; must divide C.

Shape:
    - Input: (N, C, *).
    - Output: (N, C / kernel_size, *).

Raises:
    ValueError: ``kernel_size`` does not divide the channel count.

Example:
    >>> nn.ChannelMaxPool(2)(st.randn(2, 8, 4, 4)).shape
    striate.Size([2, 4, 4, 4])
)doc";

}  // namespace striate::python::docstrings
