"""PyTorch / torchvision weights into the zoo.

The zoo's parameter and buffer names already follow torchvision's for resnet18/34/50/101/152,
vgg11-19 (and _bn), alexnet, squeezenet1_0/1_1, densenet121-201 and googlenet, so a torchvision
state dict loads as it is: model.load_state_dict(torch_state_dict) takes torch tensors directly
(through DLPack). from_torchvision (which also takes NumPy arrays) builds the zoo model
that fits a torchvision state dict (num_classes read from its last layer; googlenet's aux heads
when it has them) and loads it:

    import torchvision
    tv = torchvision.models.resnet50(weights="IMAGENET1K_V2")
    model = striate.models.from_torchvision("resnet50", tv.state_dict())   # eval mode

Differences torchvision's state dicts may have, handled by torchvision_state_dict: the legacy
DenseNet names of old checkpoints ("norm.1", "conv.2" for "norm1", "conv2") and the BatchNorm
step counters of old files that lack them.
"""

import re

__all__ = ["TORCHVISION_MODELS", "from_torchvision", "torchvision_state_dict"]

# model name -> the key of the layer whose weight's first dim is num_classes
_CLASSIFIERS = {
    "resnet18": "fc.weight", "resnet34": "fc.weight", "resnet50": "fc.weight",
    "resnet101": "fc.weight", "resnet152": "fc.weight", "resnext50_32x4d": "fc.weight",
    "vgg11": "classifier.6.weight", "vgg13": "classifier.6.weight",
    "vgg16": "classifier.6.weight", "vgg19": "classifier.6.weight",
    "vgg11_bn": "classifier.6.weight", "vgg13_bn": "classifier.6.weight",
    "vgg16_bn": "classifier.6.weight", "vgg19_bn": "classifier.6.weight",
    "alexnet": "classifier.6.weight",
    "squeezenet1_0": "classifier.1.weight", "squeezenet1_1": "classifier.1.weight",
    "densenet121": "classifier.weight", "densenet161": "classifier.weight",
    "densenet169": "classifier.weight", "densenet201": "classifier.weight",
    "googlenet": "fc.weight",
}
# model name -> the key of the first conv's weight (its second dim is in_channels)
_STEMS = {"vgg": "features.0.weight", "alexnet": "features.0.weight",
          "squeezenet": "features.0.weight", "densenet": "features.conv0.weight",
          "googlenet": "conv1.conv.weight", "res": "conv1.weight"}

TORCHVISION_MODELS = sorted(_CLASSIFIERS)

_LEGACY_DENSENET = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.([12])\."
                              r"(weight|bias|running_mean|running_var|num_batches_tracked)$")


def _to_striate(value, key, op="from_torchvision"):
    from .. import Tensor, from_dlpack, from_numpy

    if isinstance(value, Tensor):
        return value
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "__dlpack__"):
        try:
            return from_dlpack(value.contiguous() if hasattr(value, "contiguous") else value)
        except (TypeError, ValueError, RuntimeError, BufferError):
            pass
    if hasattr(value, "__array__"):
        import numpy as np

        return from_numpy(np.ascontiguousarray(np.asarray(value)))
    raise TypeError(f"{op}: expected a tensor for key '{key}', got "
                    f"{type(value).__name__}")


def torchvision_state_dict(name, state_dict):
    """state_dict (torch or striate tensors, torchvision's names) as an OrderedDict of striate
    tensors under the zoo model's names."""
    from collections import OrderedDict

    if name not in _CLASSIFIERS:
        raise ValueError(f"from_torchvision: unknown model '{name}'; expected one of "
                         f"{', '.join(TORCHVISION_MODELS)}")
    if not hasattr(state_dict, "items"):
        raise TypeError("from_torchvision: expected a state dict (a mapping of names to tensors), "
                        f"got {type(state_dict).__name__}")
    result = OrderedDict()
    for key, value in state_dict.items():
        match = _LEGACY_DENSENET.match(key) if name.startswith("densenet") else None
        if match:  # torchvision's pre-0.3 DenseNet names: "norm.1.weight" -> "norm1.weight"
            key = f"{match.group(1)}{match.group(2)}.{match.group(3)}"
        result[key] = _to_striate(value, key)
    return result


def from_torchvision(name, state_dict, strict=True):
    """The zoo model `name` (a torchvision model name, e.g. "resnet50", "vgg16_bn") with the
    weights of a torchvision-layout state dict, in eval mode."""
    from .. import models

    mapped = torchvision_state_dict(name, state_dict)
    head = _CLASSIFIERS[name]
    if head not in mapped:
        raise ValueError(f"from_torchvision: the state dict has no '{head}' (the last layer of "
                         f"torchvision's {name}); is it a {name} state dict?")
    num_classes = int(mapped[head].shape[0])
    stem = next(key for prefix, key in _STEMS.items() if name.startswith(prefix))
    in_channels = int(mapped[stem].shape[1]) if stem in mapped else 3
    if name.startswith("vgg"):
        model = getattr(models, name.replace("_bn", ""))(
            batch_norm=name.endswith("_bn"), num_classes=num_classes, in_channels=in_channels)
    elif name == "googlenet":
        model = models.googlenet(aux_logits="aux1.fc2.weight" in mapped, num_classes=num_classes,
                                 in_channels=in_channels)
    else:
        model = getattr(models, name)(num_classes=num_classes, in_channels=in_channels)
    model.load_state_dict(mapped, strict=strict)
    return model.eval()
