"""Modules of the activation / loss family (re-exported by striate.nn). The activation layers are
the C++ classes of cpp/include/striate/nn/activation_layers.h, bound; the loss modules are thin
Python classes over striate.nn.functional (they hold no parameters; class weights and pos_weight
are buffers, so they follow the module into its state dict)."""

from .. import _C
from . import _functional_activation as _FA
from . import _functional_activation_loss_family as _FL
from .module import Module

_nn = _C._nn
ReLU6 = _nn.ReLU6
LeakyReLU = _nn.LeakyReLU
PReLU = _nn.PReLU
ELU = _nn.ELU
SELU = _nn.SELU
GELU = _nn.GELU
SiLU = _nn.SiLU
Softplus = _nn.Softplus
Hardtanh = _nn.Hardtanh
AbsTanh = _nn.AbsTanh
Softmax = _nn.Softmax
LogSoftmax = _nn.LogSoftmax
Softmin = _nn.Softmin

_ACTIVATIONS = (ReLU6, LeakyReLU, PReLU, ELU, SELU, GELU, SiLU, Softplus, Hardtanh, AbsTanh,
                Softmax, LogSoftmax, Softmin)
for _layer in _ACTIVATIONS:
    _layer.__module__ = "striate.nn"
del _layer


def _check_deprecated(name, size_average, reduce):
    if size_average is not None or reduce is not None:
        raise NotImplementedError(f"{name}: size_average and reduce are not supported "
                                  "(use reduction=)")


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        _check_deprecated(type(self).__name__, size_average, reduce)
        if reduction not in ("none", "mean", "sum") and not (reduction == "batchmean"
                                                             and isinstance(self, KLDivLoss)):
            raise ValueError(f"{type(self).__name__}: reduction must be 'none', 'mean' or 'sum', "
                             f"got '{reduction}'")
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction='{self.reduction}'" if self.reduction != "mean" else ""


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class CrossEntropyLoss(_WeightedLoss):
    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return _FA.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                                 reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return _FA.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                            reduction=self.reduction)


class BCELoss(_WeightedLoss):
    def forward(self, input, target):
        return _FL.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return _FL.binary_cross_entropy_with_logits(input, target, weight=self.weight,
                                                    reduction=self.reduction,
                                                    pos_weight=self.pos_weight)


class MSELoss(_Loss):
    def forward(self, input, target):
        return _FA.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    def forward(self, input, target):
        return _FL.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return _FL.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return _FL.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class MultiMarginLoss(_WeightedLoss):
    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                 reduction="mean"):
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: expected p to be 1 or 2, got {p}")
        super().__init__(weight, size_average, reduce, reduction)
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return _FL.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                     weight=self.weight, reduction=self.reduction)


class KLDivLoss(_Loss):
    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return _FL.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineEmbeddingLoss(_Loss):
    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return _FL.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                         reduction=self.reduction)


_LOSSES = (CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss, L1Loss, SmoothL1Loss,
           HuberLoss, MultiMarginLoss, KLDivLoss, CosineEmbeddingLoss)
for _loss in _LOSSES:
    _loss.__module__ = "striate.nn"
del _loss

__all__ = [cls.__name__ for cls in _ACTIVATIONS + _LOSSES]
