"""Loss modules, bound from C++: CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss,
L1Loss, SmoothL1Loss, HuberLoss, MultiMarginLoss, KLDivLoss, CosineEmbeddingLoss. They hold no
parameters; class weights and pos_weight are buffers, so they follow the module into its state
dict."""

from ._bound import _nn, public

__all__ = [
    "CrossEntropyLoss",
    "NLLLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "MSELoss",
    "L1Loss",
    "SmoothL1Loss",
    "HuberLoss",
    "MultiMarginLoss",
    "KLDivLoss",
    "CosineEmbeddingLoss",
]

CrossEntropyLoss = _nn.CrossEntropyLoss
NLLLoss = _nn.NLLLoss
BCELoss = _nn.BCELoss
BCEWithLogitsLoss = _nn.BCEWithLogitsLoss
MSELoss = _nn.MSELoss
L1Loss = _nn.L1Loss
SmoothL1Loss = _nn.SmoothL1Loss
HuberLoss = _nn.HuberLoss
MultiMarginLoss = _nn.MultiMarginLoss
KLDivLoss = _nn.KLDivLoss
CosineEmbeddingLoss = _nn.CosineEmbeddingLoss
public(CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss, L1Loss, SmoothL1Loss,
       HuberLoss, MultiMarginLoss, KLDivLoss, CosineEmbeddingLoss)


# ---- composed in Python from other ops (nn.functional), with torch's signatures ---------------
from .. import functional as _Fn  # noqa: E402
from . import _composed_docs as _docs  # noqa: E402
from ._composed import composed_module as _composed  # noqa: E402

MarginRankingLoss = _composed("MarginRankingLoss", _Fn.margin_ranking_loss,
                              [("margin", 0.0), ("reduction", "mean")], _docs.MarginRankingLoss)
HingeEmbeddingLoss = _composed("HingeEmbeddingLoss", _Fn.hinge_embedding_loss,
                               [("margin", 1.0), ("reduction", "mean")], _docs.HingeEmbeddingLoss)
SoftMarginLoss = _composed("SoftMarginLoss", _Fn.soft_margin_loss, [("reduction", "mean")],
                           _docs.SoftMarginLoss)
MultiLabelSoftMarginLoss = _composed(
    "MultiLabelSoftMarginLoss", _Fn.multilabel_soft_margin_loss,
    [("weight", None), ("reduction", "mean")], _docs.MultiLabelSoftMarginLoss)
TripletMarginLoss = _composed(
    "TripletMarginLoss", _Fn.triplet_margin_loss,
    [("margin", 1.0), ("p", 2.0), ("eps", 1e-6), ("swap", False), ("reduction", "mean")],
                              _docs.TripletMarginLoss)
PoissonNLLLoss = _composed(
    "PoissonNLLLoss", _Fn.poisson_nll_loss,
    [("log_input", True), ("full", False), ("eps", 1e-8), ("reduction", "mean")],
                           _docs.PoissonNLLLoss)
GaussianNLLLoss = _composed("GaussianNLLLoss", _Fn.gaussian_nll_loss,
                            [("full", False), ("eps", 1e-6), ("reduction", "mean")],
                            _docs.GaussianNLLLoss)
CosineSimilarity = _composed("CosineSimilarity", _Fn.cosine_similarity,
                             [("dim", 1), ("eps", 1e-8)], _docs.CosineSimilarity)
PairwiseDistance = _composed("PairwiseDistance", _Fn.pairwise_distance,
                             [("p", 2.0), ("eps", 1e-6), ("keepdim", False)],
                             _docs.PairwiseDistance)
__all__ += ["MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss",
            "MultiLabelSoftMarginLoss", "TripletMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss",
            "CosineSimilarity", "PairwiseDistance"]
