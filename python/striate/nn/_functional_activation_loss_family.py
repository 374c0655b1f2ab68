"""Functional ops of the activation / loss family with PyTorch's signatures (re-exported by
striate.nn.functional): the parameterized activations and their in-place variants, softmin,
prelu, the losses beyond cross_entropy / nll_loss / mse_loss, and the weight penalties. The work
is done by striate._C._functional."""

import warnings

from .. import _C

__all__ = [
    "hardtanh", "hardtanh_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "elu", "elu_", "selu",
    "gelu", "silu", "softplus", "abs_tanh", "softmin",
    "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "multi_margin_loss", "kl_div", "cosine_embedding_loss",
    "l1_penalty", "l2_penalty", "elastic_net_penalty",
]

_F = _C._functional


# ---- activations -----------------------------------------------------------------------------

def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """min(max(input, min_val), max_val); inplace=True overwrites input."""
    if inplace:
        return _F.hardtanh_(input, min_val, max_val)
    return _F.hardtanh(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return _F.hardtanh_(input, min_val, max_val)


def relu6(input, inplace=False):
    """min(max(input, 0), 6)."""
    return _F.relu6_(input) if inplace else _F.relu6(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """input where input > 0, else negative_slope * input."""
    if inplace:
        return _F.leaky_relu_(input, negative_slope)
    return _F.leaky_relu(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return _F.leaky_relu_(input, negative_slope)


def prelu(input, weight):
    """leaky_relu with learnable slopes: weight holds 1 slope or one per channel (dim 1)."""
    return _F.prelu(input, weight)


def elu(input, alpha=1.0, inplace=False):
    """input where input > 0, else alpha * (exp(input) - 1)."""
    return _F.elu_(input, alpha) if inplace else _F.elu(input, alpha)


def elu_(input, alpha=1.0):
    return _F.elu_(input, alpha)


def selu(input, inplace=False):
    """scale * elu(input, alpha) with the self-normalizing constants."""
    return _F.selu_(input) if inplace else _F.selu(input)


def gelu(input, approximate="none"):
    """input * Phi(input); approximate='tanh' uses the tanh approximation."""
    return _F.gelu(input, approximate)


def silu(input, inplace=False):
    """input * sigmoid(input)."""
    return _F.silu_(input) if inplace else _F.silu(input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * input)) / beta, and input itself where beta * input > threshold."""
    return _F.softplus(input, beta, threshold)


def abs_tanh(input):
    """|tanh(input)|, the rectified tanh."""
    return _F.abs_tanh(input)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-input) along dim."""
    if dim is None:
        raise TypeError("softmin: dim must be given explicitly (e.g. dim=1 for (N, C) inputs); "
                        "the implicit choice PyTorch deprecated is not supported")
    return _F.softmin(input, dim, dtype)


# ---- losses ------------------------------------------------------------------------------------

def _reject_deprecated(op, size_average, reduce, weight=None):
    """PyTorch's deprecated size_average / reduce (and a weight where striate takes none) raise
    instead of being silently ignored."""
    unsupported = []
    if weight is not None:
        unsupported.append("weight")
    if size_average is not None:
        unsupported.append("size_average (use reduction=)")
    if reduce is not None:
        unsupported.append("reduce (use reduction=)")
    if unsupported:
        raise NotImplementedError(f"{op}: {', '.join(unsupported)} not supported")


def _warn_if_broadcasting(op, input, target):
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(f"{op}: using a target size ({tuple(target.shape)}) that is different to "
                      f"the input size ({tuple(input.shape)}). This will likely lead to incorrect "
                      "results due to broadcasting. Please ensure they have the same size.",
                      stacklevel=3)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error; input and target broadcast (with PyTorch's warning)."""
    _reject_deprecated("l1_loss", size_average, reduce, weight)
    _warn_if_broadcasting("l1_loss", input, target)
    return _F.l1_loss(input, target, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target)."""
    _reject_deprecated("smooth_l1_loss", size_average, reduce)
    _warn_if_broadcasting("smooth_l1_loss", input, target)
    return _F.smooth_l1_loss(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    _reject_deprecated("huber_loss", None, None, weight)
    _warn_if_broadcasting("huber_loss", input, target)
    return _F.huber_loss(input, target, reduction, delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy of probabilities input in [0, 1]; logs clamped at -100 as PyTorch."""
    _reject_deprecated("binary_cross_entropy", size_average, reduce)
    return _F.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of logits, stable for any magnitude; pos_weight scales the positive
    term (broadcast along the last dim)."""
    _reject_deprecated("binary_cross_entropy_with_logits", size_average, reduce)
    return _F.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """The multiclass SVM hinge: sum_{c != y} max(0, margin - x[y] + x[c])^p / C per sample."""
    _reject_deprecated("multi_margin_loss", size_average, reduce)
    return _F.multi_margin_loss(input, target, p, margin, weight, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || exp(input)) for log-probabilities input; reduction='batchmean' gives the true
    KL divergence ('mean' also divides by the class count, with PyTorch's warning)."""
    _reject_deprecated("kl_div", size_average, reduce)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", stacklevel=2)
    return _F.kl_div(input, target, reduction, log_target)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1."""
    _reject_deprecated("cosine_embedding_loss", size_average, reduce)
    return _F.cosine_embedding_loss(input1, input2, target, margin, reduction)


# ---- weight penalties ----------------------------------------------------------------------------

def l1_penalty(params):
    """sum over params of sum |p| (params: an iterable of tensors, e.g. model.parameters())."""
    return _F.l1_penalty(list(params))


def l2_penalty(params):
    """sum over params of sum p**2, with no 1/2 factor (lambda * l2_penalty adds 2 lambda p to
    each gradient)."""
    return _F.l2_penalty(list(params))


def elastic_net_penalty(params, alpha=1.0, l1_ratio=0.5):
    """alpha * (l1_ratio * l1_penalty + (1 - l1_ratio) / 2 * l2_penalty), scikit-learn's
    convention."""
    return _F.elastic_net_penalty(list(params), alpha, l1_ratio)
