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
    denominator); label_smoothing in [0, 1]; reduction 'mean' | 'sum' | 'none'.

    Arguments, shapes and errors as :class:`striate.nn.CrossEntropyLoss`.

    Example:
        >>> F.cross_entropy(st.randn(3, 5), st.tensor([1, 0, 4])).shape
        striate.Size([])
    """
    _reject_unsupported("cross_entropy", size_average=size_average, reduce=reduce)
    return _F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities input (N, C, ...) at int64 class indices;
    weight and ignore_index as in cross_entropy.

    Arguments, shapes and errors as :class:`striate.nn.NLLLoss`.

    Example:
        >>> F.nll_loss(F.log_softmax(st.randn(3, 5), 1), st.tensor([1, 0, 4])).shape
        striate.Size([])
    """
    _reject_unsupported("nll_loss", size_average=size_average, reduce=reduce)
    return _F.nll_loss(input, target, weight, ignore_index, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error; input and target broadcast (with PyTorch's warning when they differ).

    Arguments, shapes and errors as :class:`striate.nn.MSELoss`.

    Example:
        >>> F.mse_loss(st.tensor([1.0, 2.0]), st.tensor([0.0, 0.0]))
        tensor(2.5000)
    """
    _reject_unsupported("mse_loss", size_average, reduce, weight)
    return _F.mse_loss(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error; input and target broadcast (with PyTorch's warning).

    Arguments, shapes and errors as :class:`striate.nn.L1Loss`.

    Example:
        >>> F.l1_loss(st.tensor([1.0, -3.0]), st.tensor([0.0, 0.0]))
        tensor(2.)
    """
    _reject_unsupported("l1_loss", size_average, reduce, weight)
    return _F.l1_loss(input, target, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target).

    Arguments, shapes and errors as :class:`striate.nn.SmoothL1Loss`.

    Example:
        >>> F.smooth_l1_loss(st.tensor([0.5, 3.0]), st.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    _reject_unsupported("smooth_l1_loss", size_average, reduce)
    return _F.smooth_l1_loss(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).

    Arguments, shapes and errors as :class:`striate.nn.HuberLoss`.

    Example:
        >>> F.huber_loss(st.tensor([1.0, 4.0]), st.tensor([0.0, 0.0]), delta=2.0)
        tensor(3.2500)
    """
    _reject_unsupported("huber_loss", weight=weight)
    return _F.huber_loss(input, target, reduction, delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy of probabilities input in [0, 1]; logs clamped at -100 as PyTorch.

    Arguments, shapes and errors as :class:`striate.nn.BCELoss`.

    Example:
        >>> F.binary_cross_entropy(st.tensor([0.5]), st.tensor([1.0]))
        tensor(0.6931)
    """
    _reject_unsupported("binary_cross_entropy", size_average, reduce)
    return _F.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of logits, stable for any magnitude; pos_weight scales the positive
    term (broadcast along the last dim).

    Arguments, shapes and errors as :class:`striate.nn.BCEWithLogitsLoss`.

    Example:
        >>> F.binary_cross_entropy_with_logits(st.zeros(2), st.tensor([0.0, 1.0]))
        tensor(0.6931)
    """
    _reject_unsupported("binary_cross_entropy_with_logits", size_average, reduce)
    return _F.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """The multiclass SVM hinge: sum_{c != y} max(0, margin - x[y] + x[c])^p / C per sample.

    Arguments, shapes and errors as :class:`striate.nn.MultiMarginLoss`.

    Example:
        >>> F.multi_margin_loss(st.tensor([[0.1, 0.2, 0.4, 0.8]]), st.tensor([3]))
        tensor(0.3250)
    """
    _reject_unsupported("multi_margin_loss", size_average, reduce)
    return _F.multi_margin_loss(input, target, p, margin, weight, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || exp(input)) for log-probabilities input; reduction='batchmean' gives the true
    KL divergence ('mean' also divides by the class count, with PyTorch's warning).

    Arguments, shapes and errors as :class:`striate.nn.KLDivLoss`.

    Example:
        >>> logp = F.log_softmax(st.randn(3, 5), 1)
        >>> F.kl_div(logp, F.softmax(st.randn(3, 5), 1), reduction='batchmean').shape
        striate.Size([])
    """
    _reject_unsupported("kl_div", size_average, reduce)
    return _F.kl_div(input, target, reduction, log_target)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1.

    Arguments, shapes and errors as :class:`striate.nn.CosineEmbeddingLoss`.

    Example:
        >>> y = st.tensor([1.0, -1.0, 1.0, -1.0])
        >>> F.cosine_embedding_loss(st.randn(4, 8), st.randn(4, 8), y).shape
        striate.Size([])
    """
    _reject_unsupported("cosine_embedding_loss", size_average, reduce)
    return _F.cosine_embedding_loss(input1, input2, target, margin, reduction)


# ---- weight penalties (added to a loss) ---------------------------------------------------------

def l1_penalty(params):
    """sum over params of sum |p| (params: an iterable of tensors, e.g. model.parameters()).

    Example:
        >>> F.l1_penalty([st.tensor([1.0, -2.0]), st.tensor([3.0])])
        tensor(6.)
    """
    return _F.l1_penalty(list(params))


def l2_penalty(params):
    """sum over params of sum p**2, with no 1/2 factor (lambda * l2_penalty adds 2 lambda p to
    each gradient).

    Example:
        >>> F.l2_penalty([st.tensor([1.0, -2.0])])
        tensor(5.)
    """
    return _F.l2_penalty(list(params))


def elastic_net_penalty(params, alpha=1.0, l1_ratio=0.5):
    """alpha * (l1_ratio * l1_penalty + (1 - l1_ratio) / 2 * l2_penalty), scikit-learn's
    convention.

    Example:
        >>> F.elastic_net_penalty([st.tensor([1.0, -2.0])], alpha=1.0, l1_ratio=0.5)
        tensor(2.7500)
    """
    return _F.elastic_net_penalty(list(params), alpha, l1_ratio)


# ---- composed from other ops (autograd from their parts), with torch's signatures -------------


def _reduce(loss, reduction, op):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _same_shape(op, **tensors):
    shapes = {name: tuple(t.shape) for name, t in tensors.items()}
    if len(set(shapes.values())) != 1:
        described = ", ".join(f"{name} {list(shape)}" for name, shape in shapes.items())
        raise ValueError(f"{op}: expected tensors of one shape, got {described}")


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin), target in {1, -1}.

    Arguments, shapes and errors as :class:`striate.nn.MarginRankingLoss`.

    Example:
        >>> x1, x2, y = st.tensor([1.0, 0.0]), st.tensor([0.0, 1.0]), st.tensor([1.0, 1.0])
        >>> F.margin_ranking_loss(x1, x2, y, margin=0.5)
        tensor(0.7500)
    """
    from .activation import relu

    _same_shape("margin_ranking_loss", input1=input1, input2=input2, target=target)
    return _reduce(relu(-target * (input1 - input2) + margin), reduction, "margin_ranking_loss")


def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """input where target is 1, max(0, margin - input) where target is -1 (torch's formula).

    Arguments, shapes and errors as :class:`striate.nn.HingeEmbeddingLoss`.

    Example:
        >>> F.hinge_embedding_loss(st.tensor([0.3, 0.4]), st.tensor([1.0, -1.0]))
        tensor(0.4500)
    """
    from ... import where
    from .activation import relu

    _same_shape("hinge_embedding_loss", input=input, target=target)
    loss = where(target != 1, relu(margin - input), 0.0) + where(target != -1, input, 0.0)
    return _reduce(loss, reduction, "hinge_embedding_loss")


def soft_margin_loss(input, target, reduction="mean"):
    """log(1 + exp(-target * input)), target in {1, -1}.

    Arguments, shapes and errors as :class:`striate.nn.SoftMarginLoss`.

    Example:
        >>> F.soft_margin_loss(st.tensor([0.0]), st.tensor([1.0]))
        tensor(0.6931)
    """
    from .activation import softplus

    _same_shape("soft_margin_loss", input=input, target=target)
    return _reduce(softplus(-target * input), reduction, "soft_margin_loss")


def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):
    """-(y log sigmoid(x) + (1 - y) log sigmoid(-x)), averaged over the classes (dim 1).

    Arguments, shapes and errors as :class:`striate.nn.MultiLabelSoftMarginLoss`.

    Example:
        >>> F.multilabel_soft_margin_loss(st.zeros(2, 3), st.ones(2, 3))
        tensor(0.6931)
    """
    from .activation import logsigmoid

    _same_shape("multilabel_soft_margin_loss", input=input, target=target)
    loss = -(target * logsigmoid(input) + (1.0 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.mean(input.dim() - 1), reduction, "multilabel_soft_margin_loss")


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps over the last dim.

    Arguments, shapes and errors as :class:`striate.nn.PairwiseDistance`.

    Example:
        >>> F.pairwise_distance(st.randn(4, 8), st.randn(4, 8)).shape
        striate.Size([4])
    """
    if p <= 0:
        raise ValueError(f"pairwise_distance: p must be positive, got {p}")
    difference = (x1 - x2 + eps).abs()
    if p == float("inf"):
        return difference.max(-1, keepdim=keepdim)[0]
    return (difference ** p).sum(-1, keepdim=keepdim) ** (1.0 / p)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / sqrt(max(|x1|^2 |x2|^2, eps^2)) along dim.

    Arguments, shapes and errors as :class:`striate.nn.CosineSimilarity`.

    Example:
        >>> F.cosine_similarity(st.tensor([[1.0, 0.0]]), st.tensor([[1.0, 0.0]]))
        tensor([1.])
    """
    dot = (x1 * x2).sum(dim)
    squares = (x1 * x1).sum(dim) * (x2 * x2).sum(dim)
    return dot / squares.clamp(eps * eps, None).sqrt()


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        reduction="mean"):
    """max(0, d(anchor, positive) - d(anchor, negative) + margin), d the pairwise p-distance
    (swap: d(positive, negative) when smaller).

    Arguments, shapes and errors as :class:`striate.nn.TripletMarginLoss`.

    Example:
        >>> F.triplet_margin_loss(st.randn(4, 8), st.randn(4, 8), st.randn(4, 8)).shape
        striate.Size([])
    """
    from ... import minimum
    from .activation import relu

    _same_shape("triplet_margin_loss", anchor=anchor, positive=positive, negative=negative)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(relu(d_pos - d_neg + margin), reduction, "triplet_margin_loss")


def poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """exp(input) - target * input (log_input), or input - target * log(input + eps); full adds
    Stirling's term target log target - target + log(2 pi target) / 2 where target > 1.

    Arguments, shapes and errors as :class:`striate.nn.PoissonNLLLoss`.

    Example:
        >>> F.poisson_nll_loss(st.zeros(3), st.ones(3))
        tensor(1.)
    """
    import math

    from ... import where

    _same_shape("poisson_nll_loss", input=input, target=target)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        safe = where(target > 1, target, 1.0)
        stirling = safe * safe.log() - safe + 0.5 * (safe * (2 * math.pi)).log()
        loss = loss + where(target > 1, stirling, 0.0)
    return _reduce(loss, reduction, "poisson_nll_loss")


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """(log(max(var, eps)) + (input - target)^2 / max(var, eps)) / 2 (+ log(2 pi) / 2 when
    full); var is clamped for the value only, its gradient flows as torch's does.

    Arguments, shapes and errors as :class:`striate.nn.GaussianNLLLoss`.

    Example:
        >>> F.gaussian_nll_loss(st.zeros(2), st.zeros(2), st.ones(2))
        tensor(0.)
    """
    import math

    _same_shape("gaussian_nll_loss", input=input, target=target)
    if var.dim() == input.dim() - 1 or (var.dim() == input.dim() and var.shape[-1] == 1 and
                                        input.shape[-1] != 1):
        var = var.unsqueeze(-1) if var.dim() == input.dim() - 1 else var
    if (var.detach() < 0).any().item():
        raise ValueError("gaussian_nll_loss: var has negative entries")
    clamped = var + (var.detach().clamp(eps, None) - var.detach())
    loss = 0.5 * (clamped.log() + (input - target) ** 2 / clamped)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, "gaussian_nll_loss")


__all__ += ["margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
            "multilabel_soft_margin_loss", "pairwise_distance", "cosine_similarity",
            "triplet_margin_loss", "poisson_nll_loss", "gaussian_nll_loss"]
