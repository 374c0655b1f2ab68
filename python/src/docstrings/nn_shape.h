// Docstrings of the shape layers bound in bind_shape.cpp (Google style; the examples run as
// doctests with striate as st, striate.nn as nn).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kFlatten = R"doc(Flattens the dimensions ``start_dim`` to ``end_dim`` into one
(a view where the memory allows).

Args:
    start_dim (int): First dimension to flatten. Default: 1 (keeps the batch).
    end_dim (int): Last dimension to flatten. Default: -1.

Shape:
    - Input: (*, S_start, ..., S_end, *).
    - Output: (*, S_start * ... * S_end, *).

Raises:
    IndexError: A dimension is out of range.

Example:
    >>> nn.Flatten()(st.randn(32, 1, 5, 5)).shape
    striate.Size([32, 25])
    >>> nn.Flatten(0, 2)(st.randn(32, 1, 5, 5)).shape
    striate.Size([160, 5])
)doc";

inline constexpr const char* kUnflatten = R"doc(Splits dimension ``dim`` into ``unflattened_size``.

Args:
    dim (int): The dimension to split.
    unflattened_size (tuple of int): Its new sizes; their product must equal the dimension's size
        (one may be -1).

Shape:
    - Input: (*, S_dim, *).
    - Output: (*, U_1, ..., U_n, *).

Raises:
    ValueError: The sizes' product differs from the dimension's size.

Example:
    >>> nn.Unflatten(1, (2, 5, 5))(st.randn(2, 50)).shape
    striate.Size([2, 2, 5, 5])
)doc";

inline constexpr const char* kUpsample = R"doc(Upsamples (N, C, H, W) maps to a size or by a scale factor,
as ``F.interpolate``.

Args:
    size (int or tuple, optional): Output size (H_out, W_out). Give this or ``scale_factor``.
    scale_factor (float or tuple, optional): Multiplier of the spatial size.
    mode (str): ``'nearest'``, ``'bilinear'`` (and the other modes ``F.interpolate`` takes).
        Default: ``'nearest'``.
    align_corners (bool, optional): For the linear modes: align the corner pixels' centres.
        Default: None (False).
    recompute_scale_factor (bool, optional): Only None or False is supported.

Shape:
    - Input: (N, C, H, W).
    - Output: (N, C, H_out, W_out), ``H_out = floor(H * scale_factor)`` or ``size``.

Raises:
    ValueError: Neither or both of ``size`` and ``scale_factor`` given, or an unknown mode.
    NotImplementedError: ``recompute_scale_factor=True``.

Example:
    >>> nn.Upsample(scale_factor=2)(st.randn(1, 3, 4, 4)).shape
    striate.Size([1, 3, 8, 8])
    >>> nn.Upsample(size=(5, 6), mode="bilinear")(st.randn(1, 3, 4, 4)).shape
    striate.Size([1, 3, 5, 6])
)doc";

inline constexpr const char* kPixelShuffle = R"doc(Rearranges (N, C * r^2, H, W) into (N, C, H * r, W * r)
(sub-pixel convolution upsampling).

Args:
    upscale_factor (int): r.

Shape:
    - Input: (N, C * r^2, H, W).
    - Output: (N, C, H * r, W * r).

Raises:
    ValueError: The channel count does not divide by r^2.

Example:
    >>> nn.PixelShuffle(2)(st.randn(1, 8, 3, 3)).shape
    striate.Size([1, 2, 6, 6])
)doc";

inline constexpr const char* kPixelUnshuffle = R"doc(The inverse of :class:`PixelShuffle`: (N, C, H * r,
W * r) into (N, C * r^2, H, W).

Args:
    downscale_factor (int): r.

Shape:
    - Input: (N, C, H * r, W * r).
    - Output: (N, C * r^2, H, W).

Raises:
    ValueError: H or W does not divide by r.

Example:
    >>> nn.PixelUnshuffle(2)(st.randn(1, 2, 6, 6)).shape
    striate.Size([1, 8, 3, 3])
)doc";

}  // namespace striate::python::docstrings
