"""Losses with PyTorch's signatures (classification, binary, regression, margin, KL and
embedding losses) and the weight penalties that are added to them; the work is done by
striate._C._functional, which also gives PyTorch's warnings (a regression loss broadcasting its
target, kl_div's reduction='mean')."""

from ... import _C
from ._args import _pair_shape, _reject_unsupported

__all__ = [
    "cross_entropy", "nll_loss", "mse_loss",
    "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "multi_margin_loss", "kl_div", "cosine_embedding_loss",
    "l1_penalty", "l2_penalty", "elastic_net_penalty",
]

_F = _C._functional


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits against class indices (or class probabilities): softmax and
    negative log-likelihood in one numerically stable step,
    ``loss_n = -w[y_n] * log(exp(x_{n, y_n}) / sum_c exp(x_{n, c}))``; ``'mean'`` divides the sum by
    the summed weights of the counted targets. With ``label_smoothing = e`` the target is
    ``(1 - e) * one_hot + e / C``. The functional form of :class:`striate.nn.CrossEntropyLoss`.

    Args:
        input (Tensor): Logits, (N, C), (N, C, d1, ...) or (C).
        target (Tensor): int64 class indices in [0, C), (N), (N, d1, ...) or (); or class
            probabilities of the input's shape.
        weight (Tensor, optional): (C,) weight per class. Default: None.
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        ignore_index (int): Index targets equal to it are skipped (and left out of the mean's
            denominator). Default: -100.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        label_smoothing (float): e in [0, 1]. Default: 0.0.

    Shape:
        - Input: (N, C), (N, C, d1, ...) or (C).
        - Target: (N), (N, d1, ...) or () indices, or the input's shape for probabilities.
        - Output: a scalar, or (N) / (N, d1, ...) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes do not match, ``reduction`` is unknown, or ``label_smoothing`` is
            outside [0, 1].
        IndexError: A target index is outside [0, C) and not ``ignore_index``.
        NotImplementedError: ``size_average`` or ``reduce`` is given.

    Example:
        >>> F.cross_entropy(st.randn(3, 5), st.tensor([1, 0, 4])).shape
        striate.Size([])
    """
    _reject_unsupported("cross_entropy", size_average=size_average, reduce=reduce)
    return _F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities at class indices:
    ``loss_n = -w[y_n] * input[n, y_n]``; ``'mean'`` divides by the summed weights of the counted
    targets. Apply it to :func:`log_softmax` outputs (together they are :func:`cross_entropy`). The
    functional form of :class:`striate.nn.NLLLoss`.

    Args:
        input (Tensor): Log-probabilities, (N, C), (N, C, d1, ...) or (C).
        target (Tensor): int64 class indices in [0, C), (N), (N, d1, ...) or ().
        weight (Tensor, optional): (C,) weight per class. Default: None.
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        ignore_index (int): Targets equal to it are skipped. Default: -100.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (N, C), (N, C, d1, ...) or (C).
        - Target: (N), (N, d1, ...) or ().
        - Output: a scalar, or the target's shape with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes do not match, or ``reduction`` is unknown.
        IndexError: A target index is outside [0, C) and not ``ignore_index``.
        NotImplementedError: ``size_average`` or ``reduce`` is given.

    Example:
        >>> F.nll_loss(F.log_softmax(st.randn(3, 5), 1), st.tensor([1, 0, 4])).shape
        striate.Size([])
    """
    _reject_unsupported("nll_loss", size_average=size_average, reduce=reduce)
    return _F.nll_loss(input, target, weight, ignore_index, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: ``loss_i = (input_i - target_i)^2``, then reduced.
    The functional form of :class:`striate.nn.MSELoss`.

    Args:
        input (Tensor): The predictions, any shape.
        target (Tensor): Same shape as ``input`` (broadcast, with PyTorch's warning).
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        weight: Not supported (anything but None raises NotImplementedError). Default: None.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: A scalar, or the per-element losses with ``reduction='none'``.

    Raises:
        ValueError: ``reduction`` is not 'none', 'mean' or 'sum'.
        NotImplementedError: ``size_average``, ``reduce`` or ``weight`` is given.

    Example:
        >>> F.mse_loss(st.tensor([1.0, 2.0]), st.tensor([0.0, 0.0]))
        tensor(2.5000)
    """
    _reject_unsupported("mse_loss", size_average, reduce, weight)
    return _F.mse_loss(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: ``loss_i = |input_i - target_i|``, then reduced.
    The functional form of :class:`striate.nn.L1Loss`.

    Args:
        input (Tensor): The predictions, any shape.
        target (Tensor): Same shape as ``input`` (broadcast, with PyTorch's warning).
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        weight: Not supported (anything but None raises NotImplementedError). Default: None.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: A scalar, or the per-element losses with ``reduction='none'``.

    Raises:
        ValueError: ``reduction`` is not 'none', 'mean' or 'sum'.
        NotImplementedError: ``size_average``, ``reduce`` or ``weight`` is given.

    Example:
        >>> F.l1_loss(st.tensor([1.0, -3.0]), st.tensor([0.0, 0.0]))
        tensor(2.)
    """
    _reject_unsupported("l1_loss", size_average, reduce, weight)
    return _F.l1_loss(input, target, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Smooth L1: with ``d = input - target``, ``loss = 0.5 * d^2 / beta`` where ``|d| < beta``,
    else ``|d| - 0.5 * beta``.
    The functional form of :class:`striate.nn.SmoothL1Loss`.

    Args:
        input (Tensor): The predictions, any shape.
        target (Tensor): Same shape as ``input`` (broadcast, with PyTorch's warning).
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        beta (float): Where the quadratic part ends (>= 0; 0 gives L1). Default: 1.0.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: A scalar, or the per-element losses with ``reduction='none'``.

    Raises:
        ValueError: ``reduction`` is not 'none', 'mean' or 'sum'.
        ValueError: ``beta`` is negative.
        NotImplementedError: ``size_average`` or ``reduce`` is given.

    Example:
        >>> F.smooth_l1_loss(st.tensor([0.5, 3.0]), st.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    _reject_unsupported("smooth_l1_loss", size_average, reduce)
    return _F.smooth_l1_loss(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss: with ``d = input - target``, ``loss = 0.5 * d^2`` where ``|d| < delta``, else
    ``delta * (|d| - 0.5 * delta)``.
    The functional form of :class:`striate.nn.HuberLoss`.

    Args:
        input (Tensor): The predictions, any shape.
        target (Tensor): Same shape as ``input`` (broadcast, with PyTorch's warning).
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        delta (float): Where the quadratic part ends (> 0). Default: 1.0.
        weight: Not supported (anything but None raises NotImplementedError). Default: None.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: A scalar, or the per-element losses with ``reduction='none'``.

    Raises:
        ValueError: ``reduction`` is not 'none', 'mean' or 'sum'.
        ValueError: ``delta`` is not positive.
        NotImplementedError: ``weight`` is given.

    Example:
        >>> F.huber_loss(st.tensor([1.0, 4.0]), st.tensor([0.0, 0.0]), delta=2.0)
        tensor(3.2500)
    """
    _reject_unsupported("huber_loss", weight=weight)
    return _F.huber_loss(input, target, reduction, delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy of probabilities:
    ``loss_i = -w_i * (y_i * log(x_i) + (1 - y_i) * log(1 - x_i))``, each log clamped at -100 as in
    PyTorch. The functional form of :class:`striate.nn.BCELoss`.

    Args:
        input (Tensor): Probabilities in [0, 1], any shape.
        target (Tensor): Targets in [0, 1], the input's shape.
        weight (Tensor, optional): Weights broadcast to the input's shape. Default: None.
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: An input value is outside [0, 1], the shapes differ, or ``reduction`` is
            unknown.
        NotImplementedError: ``size_average`` or ``reduce`` is given.

    Example:
        >>> F.binary_cross_entropy(st.tensor([0.5]), st.tensor([1.0]))
        tensor(0.6931)
    """
    _reject_unsupported("binary_cross_entropy", size_average, reduce)
    return _F.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of logits, stable for any magnitude:
    ``loss_i = -w_i * (p * y_i * log(sigmoid(x_i)) + (1 - y_i) * log(1 - sigmoid(x_i)))`` with
    ``p = pos_weight`` (1 by default). The functional form of :class:`striate.nn.BCEWithLogitsLoss`.

    Args:
        input (Tensor): Logits, any shape.
        target (Tensor): Targets in [0, 1], the input's shape.
        weight (Tensor, optional): Weights broadcast to the input's shape. Default: None.
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        pos_weight (Tensor, optional): Weight of the positive term, broadcast along the last
            dimension (one per class). Default: None.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes differ, or ``reduction`` is unknown.
        NotImplementedError: ``size_average`` or ``reduce`` is given.

    Example:
        >>> F.binary_cross_entropy_with_logits(st.zeros(2), st.tensor([0.0, 1.0]))
        tensor(0.6931)
    """
    _reject_unsupported("binary_cross_entropy_with_logits", size_average, reduce)
    return _F.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """The multiclass SVM hinge loss:
    ``loss_n = sum_{c != y_n} w[y_n] * max(0, margin - x[n, y_n] + x[n, c])^p / C``. The functional
    form of :class:`striate.nn.MultiMarginLoss`.

    Args:
        input (Tensor): Scores, (N, C) or (C).
        target (Tensor): int64 class indices in [0, C), (N) or ().
        p (int): 1 or 2. Default: 1.
        margin (float): The margin. Default: 1.0.
        weight (Tensor, optional): (C,) weight per class. Default: None.
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (N, C) or (C); target (N) or ().
        - Output: a scalar, or (N) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: ``p`` is not 1 or 2, the shapes do not match, or ``reduction`` is unknown.
        IndexError: A target is outside [0, C).
        NotImplementedError: ``size_average`` or ``reduce`` is given.

    Example:
        >>> F.multi_margin_loss(st.tensor([[0.1, 0.2, 0.4, 0.8]]), st.tensor([3]))
        tensor(0.3250)
    """
    _reject_unsupported("multi_margin_loss", size_average, reduce)
    return _F.multi_margin_loss(input, target, p, margin, weight, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of ``target`` from the distribution ``input`` holds as
    log-probabilities: ``loss_i = y_i * (log(y_i) - x_i)`` (``exp(y_i) * (y_i - x_i)`` with
    ``log_target``). ``reduction='batchmean'`` (sum / N) gives the true KL divergence; ``'mean'``
    also divides by the class count, with PyTorch's warning. The functional form of
    :class:`striate.nn.KLDivLoss`.

    Args:
        input (Tensor): Log-probabilities, any shape.
        target (Tensor): Probabilities (log-probabilities with ``log_target``), the input's shape.
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        reduction (str): ``'none'``, ``'batchmean'``, ``'mean'`` or ``'sum'``. Default:
            ``'mean'``.
        log_target (bool): The target holds log-probabilities. Default: False.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: The divergence.

    Raises:
        ValueError: The shapes differ, or ``reduction`` is unknown.
        NotImplementedError: ``size_average`` or ``reduce`` is given.

    Example:
        >>> logp = F.log_softmax(st.randn(3, 5), 1)
        >>> F.kl_div(logp, F.softmax(st.randn(3, 5), 1), reduction='batchmean').shape
        striate.Size([])
    """
    _reject_unsupported("kl_div", size_average, reduce)
    return _F.kl_div(input, target, reduction, log_target)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    """Cosine embedding loss of pairs with labels 1 (similar) or -1
    (dissimilar): ``1 - cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) - margin)`` where
    ``y = -1``. The functional form of :class:`striate.nn.CosineEmbeddingLoss`.

    Args:
        input1 (Tensor): (N, D) or (D).
        input2 (Tensor): The same shape as ``input1``.
        target (Tensor): (N) or (), 1 or -1.
        margin (float): In [-1, 1]; 0 to 0.5 is typical. Default: 0.0.
        size_average, reduce: PyTorch's deprecated arguments; anything but None raises
            NotImplementedError (use ``reduction``). Default: None.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (N, D) or (D) twice; target (N) or ().
        - Output: a scalar, or (N) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes do not match, or ``reduction`` is unknown.
        NotImplementedError: ``size_average`` or ``reduce`` is given.

    Example:
        >>> y = st.tensor([1.0, -1.0, 1.0, -1.0])
        >>> F.cosine_embedding_loss(st.randn(4, 8), st.randn(4, 8), y).shape
        striate.Size([])
    """
    _reject_unsupported("cosine_embedding_loss", size_average, reduce)
    return _F.cosine_embedding_loss(input1, input2, target, margin, reduction)


# ---- weight penalties (added to a loss) ---------------------------------------------------------

def l1_penalty(params):
    """The L1 (lasso) penalty ``sum_p sum_i |p_i|`` over the tensors ``params``; add
    ``lambda * l1_penalty(model.parameters())`` to a loss for weight sparsity. No PyTorch twin.

    Args:
        params (iterable of Tensor): The tensors, e.g. ``model.parameters()``.

    Shape:
        - Input: tensors of any shapes.
        - Output: a scalar.

    Returns:
        Tensor: A scalar (0 for no tensors); differentiable.

    Example:
        >>> F.l1_penalty([st.tensor([1.0, -2.0]), st.tensor([3.0])])
        tensor(6.)
    """
    return _F.l1_penalty(list(params))


def l2_penalty(params):
    """The L2 (ridge, weight decay) penalty ``sum_p sum_i p_i^2``, with no 1/2 factor:
    ``lambda * l2_penalty`` adds ``2 * lambda * p`` to each gradient. No PyTorch twin.

    Args:
        params (iterable of Tensor): The tensors, e.g. ``model.parameters()``.

    Shape:
        - Input: tensors of any shapes.
        - Output: a scalar.

    Returns:
        Tensor: A scalar (0 for no tensors); differentiable.

    Example:
        >>> F.l2_penalty([st.tensor([1.0, -2.0])])
        tensor(5.)
    """
    return _F.l2_penalty(list(params))


def elastic_net_penalty(params, alpha=1.0, l1_ratio=0.5):
    """The elastic-net penalty, scikit-learn's convention:
    ``alpha * (l1_ratio * l1_penalty + (1 - l1_ratio) / 2 * l2_penalty)``. No PyTorch twin.

    Args:
        params (iterable of Tensor): The tensors, e.g. ``model.parameters()``.
        alpha (float): The overall strength. Default: 1.0.
        l1_ratio (float): The L1 share, in [0, 1] (1: lasso, 0: ridge). Default: 0.5.

    Shape:
        - Input: tensors of any shapes.
        - Output: a scalar.

    Returns:
        Tensor: A scalar; differentiable.

    Raises:
        ValueError: ``l1_ratio`` is outside [0, 1].

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
    """Margin ranking loss: ``max(0, -y * (x1 - x2) + margin)`` with ``y`` 1
    (x1 should rank higher) or -1. The functional form of :class:`striate.nn.MarginRankingLoss`.

    Args:
        input1 (Tensor): Scores, (N) or ().
        input2 (Tensor): Scores, the same shape.
        target (Tensor): 1 or -1, the same shape.
        margin (float): The margin. Default: 0.0.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (N) or () for all three.
        - Output: a scalar, or (N) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes differ, or ``reduction`` is unknown.

    Example:
        >>> x1, x2, y = st.tensor([1.0, 0.0]), st.tensor([0.0, 1.0]), st.tensor([1.0, 1.0])
        >>> F.margin_ranking_loss(x1, x2, y, margin=0.5)
        tensor(0.7500)
    """
    from .activation import relu

    _same_shape("margin_ranking_loss", input1=input1, input2=input2, target=target)
    return _reduce(relu(-target * (input1 - input2) + margin), reduction, "margin_ranking_loss")


def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """Hinge embedding loss: ``x`` where ``y = 1``, ``max(0, margin - x)``
    where ``y = -1`` (x typically a distance). The functional form of
    :class:`striate.nn.HingeEmbeddingLoss`.

    Args:
        input (Tensor): Any shape.
        target (Tensor): 1 or -1, the input's shape.
        margin (float): The margin. Default: 1.0.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes differ, or ``reduction`` is unknown.

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
    """Two-class logistic loss: ``log(1 + exp(-y * x))`` with ``y`` 1 or -1. The
    functional form of :class:`striate.nn.SoftMarginLoss`.

    Args:
        input (Tensor): Scores, any shape.
        target (Tensor): 1 or -1, the input's shape.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes differ, or ``reduction`` is unknown.

    Example:
        >>> F.soft_margin_loss(st.tensor([0.0]), st.tensor([1.0]))
        tensor(0.6931)
    """
    from .activation import softplus

    _same_shape("soft_margin_loss", input=input, target=target)
    return _reduce(softplus(-target * input), reduction, "soft_margin_loss")


def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):
    """Multi-label one-versus-all logistic loss:
    ``loss_n = -(1 / C) * sum_c w_c * (y_nc * log(sigmoid(x_nc))
    + (1 - y_nc) * log(sigmoid(-x_nc)))``.
    The functional form of :class:`striate.nn.MultiLabelSoftMarginLoss`.

    Args:
        input (Tensor): Scores, (N, C) or (C).
        target (Tensor): 0 or 1 per class, the input's shape.
        weight (Tensor, optional): (C,) weight per class. Default: None.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (N, C) or (C); target the same.
        - Output: a scalar, or (N) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes differ, or ``reduction`` is unknown.

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
    """The p-norm distance between rows: ``||x1 - x2 + eps||_p`` over the last
    dimension. The functional form of :class:`striate.nn.PairwiseDistance`.

    Args:
        x1 (Tensor): (N, D) or (D).
        x2 (Tensor): Broadcastable with ``x1``.
        p (float): The norm's order. Default: 2.0.
        eps (float): Added to the difference to avoid a zero norm's gradient. Default: 1e-6.
        keepdim (bool): Keep the reduced dimension (size 1). Default: False.

    Shape:
        - Input: (N, D) or (D) for both.
        - Output: (N) or () ((N, 1) or (1) with ``keepdim``).

    Returns:
        Tensor: The distances.

    Raises:
        ValueError: The shapes cannot be broadcast together.

    Example:
        >>> F.pairwise_distance(st.randn(4, 8), st.randn(4, 8)).shape
        striate.Size([4])
    """
    if p <= 0:
        raise ValueError(f"pairwise_distance: p must be positive, got {p}")
    if not _pair_shape("pairwise_distance", x1, x2):
        raise ValueError("pairwise_distance: expected (N, D) or (D) inputs, got 0-d tensors")
    difference = (x1 - x2 + eps).abs()
    if p == float("inf"):
        return difference.max(-1, keepdim=keepdim)[0]
    return (difference ** p).sum(-1, keepdim=keepdim) ** (1.0 / p)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine similarity along ``dim``:
    ``sum(x1 * x2) / sqrt(max(||x1||^2 * ||x2||^2, eps^2))``. The functional form of
    :class:`striate.nn.CosineSimilarity`.

    Args:
        x1 (Tensor): Any shape.
        x2 (Tensor): Broadcastable with ``x1``.
        dim (int): The dimension to compare along. Default: 1.
        eps (float): Lower bound of the norms' product. Default: 1e-8.

    Shape:
        - Input: (*1, D, *2) for both (broadcastable).
        - Output: (*1, *2), ``dim`` removed.

    Returns:
        Tensor: The similarities, in [-1, 1].

    Raises:
        ValueError: The shapes cannot be broadcast together.
        IndexError: ``dim`` is out of range.

    Example:
        >>> F.cosine_similarity(st.tensor([[1.0, 0.0]]), st.tensor([[1.0, 0.0]]))
        tensor([1.])
    """
    rank = len(_pair_shape("cosine_similarity", x1, x2))
    if not -max(rank, 1) <= dim < max(rank, 1):
        raise IndexError(f"cosine_similarity: dim {dim} is out of range for inputs of "
                         f"{rank} dimensions")
    dot = (x1 * x2).sum(dim)
    squares = (x1 * x1).sum(dim) * (x2 * x2).sum(dim)
    return dot / squares.clamp(eps * eps, None).sqrt()


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        reduction="mean"):
    """Triplet margin loss: ``max(0, d(a, p) - d(a, n) + margin)`` with ``d``
    the pairwise p-distance (:func:`pairwise_distance`); with ``swap``, ``d(a, n)`` is replaced by
    ``d(p, n)`` where that is smaller. The functional form of :class:`striate.nn.TripletMarginLoss`.

    Args:
        anchor (Tensor): (N, D) or (D).
        positive (Tensor): The anchor's shape.
        negative (Tensor): The anchor's shape.
        margin (float): The margin. Default: 1.0.
        p (float): The distance's norm order. Default: 2.
        eps (float): As :func:`pairwise_distance`'s. Default: 1e-6.
        swap (bool): Use the distance swap. Default: False.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (N, D) or (D) for all three.
        - Output: a scalar, or (N) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes differ, or ``reduction`` is unknown.

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
    """Negative log-likelihood of a Poisson target:
    ``exp(x) - y * x`` with ``log_input``, else ``x - y * log(x + eps)``; ``full`` adds Stirling's
    term ``y * log(y) - y + log(2 * pi * y) / 2`` where ``y > 1``. The functional form of
    :class:`striate.nn.PoissonNLLLoss`.

    Args:
        input (Tensor): The predicted rate (its log with ``log_input``), any shape.
        target (Tensor): Counts, the input's shape.
        log_input (bool): The input is the log of the rate. Default: True.
        full (bool): Add Stirling's approximation term. Default: False.
        eps (float): Keeps the log finite when ``log_input`` is False. Default: 1e-8.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (*), any shape; target the same.
        - Output: a scalar, or (*) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: The shapes differ, or ``reduction`` is unknown.

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
    """Negative log-likelihood of a Gaussian target with predicted mean
    ``input`` and variance ``var``:
    ``(log(max(var, eps)) + (input - target)^2 / max(var, eps)) / 2``, plus ``log(2 * pi) / 2`` with
    ``full``. ``var`` is clamped for the value only; its gradient flows as torch's does. The
    functional form of :class:`striate.nn.GaussianNLLLoss`.

    Args:
        input (Tensor): The predicted means, (N, *).
        target (Tensor): The input's shape.
        var (Tensor): The predicted variances (>= 0): the input's shape, or with one dimension
            of size 1 (homoscedastic).
        full (bool): Add the constant term. Default: False.
        eps (float): Lower clamp of the variance. Default: 1e-6.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: (N, *); target the same; var the same or broadcastable.
        - Output: a scalar, or (N, *) with ``reduction='none'``.

    Returns:
        Tensor: The loss.

    Raises:
        ValueError: ``var`` has negative entries, the shapes do not match, or ``reduction`` is
            unknown.

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
