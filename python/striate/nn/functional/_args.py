"""Argument checks shared by the functional ops: ints, int tuples, conv padding, the PyTorch
loss arguments striate rejects, and the implicit dim of softmax-like ops."""

import operator

PADDING_MODES = ("same", "valid", "full")


def _int(value, op, name):
    """An int (anything with __index__, but not a bool) -> an int; else a TypeError naming op."""
    if isinstance(value, bool):
        raise TypeError(f"{op}: expected {name} to be an int, got bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: expected {name} to be an int, got {type(value).__name__}") from None


def _optional_int(value, op, name):
    """None stays None; anything else must be an int."""
    return None if value is None else _int(value, op, name)


def _ntuple(value, size, op, name, expected=None):
    """An int, or a sequence of one or `size` ints -> a tuple of `size` ints. `expected` words
    the accepted forms in the error messages (default 'a tuple of {size} ints')."""
    expected = expected or f"a tuple of {size} ints"
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = tuple(value) * size
        if len(value) != size:
            raise ValueError(
                f"{op}: expected {name} to be an int or {expected}, got {tuple(value)}"
            )
        return tuple(_int(v, op, name) for v in value)
    if isinstance(value, str) or value is None:
        raise TypeError(f"{op}: expected {name} to be an int or {expected}, got {value!r}")
    return (_int(value, op, name),) * size


def _single(value, op, name):
    """An int or a sequence of one int -> an int."""
    if isinstance(value, (tuple, list)):
        return _ntuple(value, 1, op, name, "a 1-tuple")[0]
    return _int(value, op, name)


def _pair(value, op, name):
    """An int or a sequence of one or two ints -> a (height, width) tuple."""
    return _ntuple(value, 2, op, name, "a pair of ints")


def _triple(value, op, name):
    """An int or a sequence of one or three ints -> a (depth, height, width) tuple."""
    return _ntuple(value, 3, op, name, "a triple of ints")


def _default_stride(stride, kernel, normalize, op):
    """A pooling stride: None or an empty sequence means the kernel size."""
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        return kernel
    return normalize(stride, op, "stride")


def _padding_sides(padding, dims, op):
    """Convolution padding -> a mode string ('same' / 'valid' / 'full', checked by the C++ op), or
    (before, after) per spatial dimension, outermost first.

    Accepts an int, a tuple of `dims` ints (symmetric), or 2 * dims ints per side in F.pad's
    order (last dimension first).
    """
    if isinstance(padding, str):
        return padding  # checked (with the accepted names in the message) by the C++ op
    per_side = 2 * dims
    expected = (
        f"{op}: expected padding to be an int, a tuple of {dims} ints, {per_side} ints per side "
        f"(F.pad's order) or one of {PADDING_MODES}"
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


def _require_dim(op, dim, example="(N, C) logits"):
    """softmax-like ops take no implicit dim (PyTorch deprecated the guess)."""
    if dim is None:
        raise TypeError(f"{op}: dim must be given explicitly (e.g. dim=1 for {example}); "
                        "the implicit choice PyTorch deprecated is not supported")
    return dim


def _reject_unsupported(op, size_average=None, reduce=None, weight=None):
    """PyTorch's deprecated loss arguments size_average / reduce (and a weight where striate takes
    none) raise instead of being silently ignored."""
    unsupported = []
    if weight is not None:
        unsupported.append("weight")
    if size_average is not None:
        unsupported.append("size_average (use reduction=)")
    if reduce is not None:
        unsupported.append("reduce (use reduction=)")
    if unsupported:
        raise NotImplementedError(f"{op}: {', '.join(unsupported)} not supported")

