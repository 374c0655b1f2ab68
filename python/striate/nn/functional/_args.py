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

