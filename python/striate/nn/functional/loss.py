"""Losses with PyTorch's signatures (classification, binary, regression, margin, KL and
embedding losses) and the weight penalties that are added to them; the work is done by
striate._C._functional, which also gives PyTorch's warnings (a regression loss broadcasting its
target, kl_div's reduction='mean')."""

from ... import _C
from ._args import _reject_unsupported

__all__ = [
    "cross_entropy", "nll_loss", "mse_loss",
    "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "multi_margin_loss", "kl_div", "cosine_embedding_loss",
    "l1_penalty", "l2_penalty", "elastic_net_penalty",
]

_F = _C._functional


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
    _reject_unsupported("mse_loss", size_average, reduce, weight)
    return _F.mse_loss(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error; input and target broadcast (with PyTorch's warning)."""
    _reject_unsupported("l1_loss", size_average, reduce, weight)
    return _F.l1_loss(input, target, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target)."""
    _reject_unsupported("smooth_l1_loss", size_average, reduce)
    return _F.smooth_l1_loss(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    _reject_unsupported("huber_loss", weight=weight)
    return _F.huber_loss(input, target, reduction, delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy of probabilities input in [0, 1]; logs clamped at -100 as PyTorch."""
    _reject_unsupported("binary_cross_entropy", size_average, reduce)
    return _F.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of logits, stable for any magnitude; pos_weight scales the positive
    term (broadcast along the last dim)."""
    _reject_unsupported("binary_cross_entropy_with_logits", size_average, reduce)
    return _F.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """The multiclass SVM hinge: sum_{c != y} max(0, margin - x[y] + x[c])^p / C per sample."""
    _reject_unsupported("multi_margin_loss", size_average, reduce)
    return _F.multi_margin_loss(input, target, p, margin, weight, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || exp(input)) for log-probabilities input; reduction='batchmean' gives the true
    KL divergence ('mean' also divides by the class count, with PyTorch's warning)."""
    _reject_unsupported("kl_div", size_average, reduce)
    return _F.kl_div(input, target, reduction, log_target)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1."""
    _reject_unsupported("cosine_embedding_loss", size_average, reduce)
    return _F.cosine_embedding_loss(input1, input2, target, margin, reduction)


# ---- weight penalties (added to a loss) ---------------------------------------------------------

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
