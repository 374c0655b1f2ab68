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
