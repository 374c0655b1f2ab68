"""The ResNets, bound from C++ (striate::models): ImageNet and CIFAR ResNets, pre-activation,
ResNeXt, SE-ResNet and wide ResNets; re-exported by striate.models."""

from .. import _C

__all__ = [
    "preact_resnet18",
    "resnet18",
    "resnet20",
    "resnet32",
    "resnet34",
    "resnet44",
    "resnet50",
    "resnet56",
    "resnet101",
    "resnet110",
    "resnet152",
    "resnext50_32x4d",
    "se_resnet50",
    "wide_resnet",
    "wide_resnet28_10",
]

_models = _C._models
for _name in __all__:
    globals()[_name] = getattr(_models, _name)
for _name in ("ResNet", "CifarResNet", "PreActResNet", "WideResNet"):
    getattr(_models, _name).__module__ = "striate.models"
