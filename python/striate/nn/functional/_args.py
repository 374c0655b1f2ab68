"""Argument checks shared by the functional ops that are not argument normalization (which the
bindings do, in python/src/bind_args.h): the implicit dim of softmax-like ops and the PyTorch loss
arguments striate rejects."""


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



def _pair_shape(op, x1, x2):
    """The broadcast shape of two tensor operands, checked with errors naming `op` (instead of the
    internal sub/mul/sum whose errors would otherwise surface)."""
    from ..._C import Tensor

    for name, tensor in (("x1", x1), ("x2", x2)):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{op}: expected {name} as a Tensor, got {type(tensor).__name__}")
        if not tensor.dtype.is_floating_point:
            raise TypeError(f"{op}: expected {name} of a floating-point dtype, got {tensor.dtype}")
    if x1.device != x2.device:
        raise ValueError(f"{op}: expected x1 and x2 on one device, got {x1.device} and {x2.device}")
    shape1, shape2 = tuple(x1.shape), tuple(x2.shape)
    shape = []
    for a, b in zip(reversed((1,) * (len(shape2) - len(shape1)) + shape1),
                    reversed((1,) * (len(shape1) - len(shape2)) + shape2)):
        if a != b and 1 not in (a, b):
            raise ValueError(f"{op}: x1 and x2 cannot be broadcast together, got shapes "
                             f"{list(shape1)} and {list(shape2)}")
        shape.append(b if a == 1 else a)
    return tuple(reversed(shape))
