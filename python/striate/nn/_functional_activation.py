"""relu, sigmoid, tanh, softmax, log_softmax and the losses with PyTorch's signatures; arguments
are checked here and the work is done by striate._C._functional."""

import warnings

from .. import _C

__all__ = [
    "relu", "relu_", "sigmoid", "tanh", "softmax", "log_softmax", "cross_entropy", "nll_loss",
    "mse_loss",
]

_F = _C._functional


def relu(input, inplace=False):
    """max(input, 0) elementwise; inplace=True overwrites input."""
    return _F.relu_(input) if inplace else _F.relu(input)


def relu_(input):
    return _F.relu_(input)


def sigmoid(input):
    return _F.sigmoid(input)


def tanh(input):
    return _F.tanh(input)


def _require_dim(op, dim):
    if dim is None:
        raise TypeError(f"{op}: dim must be given explicitly (e.g. dim=1 for (N, C) logits); "
                        "the implicit choice PyTorch deprecated is not supported")
    return dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along dim, max-subtracted so any logits stay finite. dtype casts the
    input first."""
    return _F.softmax(input, _require_dim("softmax", dim), dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x) along dim, computed stably."""
    return _F.log_softmax(input, _require_dim("log_softmax", dim), dtype)


def _reject_unsupported(op, size_average=None, reduce=None, weight=None):
    """PyTorch's deprecated loss arguments (and a weight where PyTorch takes none) raise instead
    of being silently ignored."""
    unsupported = []
    if weight is not None:
        unsupported.append("weight")
    if size_average is not None:
        unsupported.append("size_average (use reduction=)")
    if reduce is not None:
        unsupported.append("reduce (use reduction=)")
    if unsupported:
        raise NotImplementedError(f"{op}: {', '.join(unsupported)} not supported")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits input (N, C), (N, C, d1, ...) or (C) against int64 class indices
    target (N), (N, d1, ...) or (), or against class probabilities of input's shape. weight (C)
    rescales classes; targets equal to ignore_index are skipped (and left out of the 'mean'
    denominator); label_smoothing in [0, 1]; reduction 'mean' | 'sum' | 'none'."""
    _reject_unsupported("cross_entropy", size_average=size_average, reduce=reduce)
    return _F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities input (N, C, ...) at int64 class indices;
    weight and ignore_index as in cross_entropy."""
    _reject_unsupported("nll_loss", size_average=size_average, reduce=reduce)
    return _F.nll_loss(input, target, weight, ignore_index, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error; input and target broadcast (with PyTorch's warning when they differ)."""
    _reject_unsupported("mse_loss", weight=weight, size_average=size_average, reduce=reduce)
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(f"mse_loss: using a target size ({tuple(target.shape)}) that is different "
                      f"to the input size ({tuple(input.shape)}). This will likely lead to "
                      "incorrect results due to broadcasting. Please ensure they have the same "
                      "size.", stacklevel=2)
    return _F.mse_loss(input, target, reduction)
