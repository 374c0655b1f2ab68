"""linear and 2-D max/avg pooling with PyTorch's signatures: arguments are normalized here (an int
becomes a pair) and the work is done by striate._C._functional."""

import operator

from .. import _C

# conv2d lives with the rest of the convolution family in _functional_conv_family.py.
__all__ = ["avg_pool2d", "linear", "max_pool2d"]

_F = _C._functional


def _int(value, op, name):
    if isinstance(value, bool):
        raise TypeError(f"{op}: expected {name} to be an int, got bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: expected {name} to be an int, got {type(value).__name__}") from None


def _pair(value, op, name):
    """An int or a sequence of one or two ints -> a (height, width) tuple."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = (value[0], value[0])
        if len(value) != 2:
            raise ValueError(
                f"{op}: expected {name} to be an int or a pair of ints, got {tuple(value)}"
            )
        return (_int(value[0], op, name), _int(value[1], op, name))
    if isinstance(value, str) or value is None:
        raise TypeError(f"{op}: expected {name} to be an int or a pair of ints, got {value!r}")
    v = _int(value, op, name)
    return (v, v)


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias; input (*, in_features), weight (out_features, in_features)."""
    return _F.linear(input, weight, bias)


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """2-D max pooling; with return_indices also the flat (h * W + w) index of each maximum."""
    kernel = _pair(kernel_size, "max_pool2d", "kernel_size")
    stride = (
        kernel
        if stride is None or stride == () or stride == []
        else _pair(stride, "max_pool2d", "stride")
    )
    args = (
        input,
        kernel,
        stride,
        _pair(padding, "max_pool2d", "padding"),
        _pair(dilation, "max_pool2d", "dilation"),
        bool(ceil_mode),
    )
    if return_indices:
        return _F.max_pool2d_with_indices(*args)
    return _F.max_pool2d(*args)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """2-D average pooling with PyTorch's count_include_pad, divisor_override and ceil_mode."""
    kernel = _pair(kernel_size, "avg_pool2d", "kernel_size")
    stride = (
        kernel
        if stride is None or stride == () or stride == []
        else _pair(stride, "avg_pool2d", "stride")
    )
    if divisor_override is not None:
        divisor_override = _int(divisor_override, "avg_pool2d", "divisor_override")
    return _F.avg_pool2d(
        input,
        kernel,
        stride,
        _pair(padding, "avg_pool2d", "padding"),
        bool(ceil_mode),
        bool(count_include_pad),
        divisor_override,
    )
