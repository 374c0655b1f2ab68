"""The classic CNNs, bound from C++ (striate::models): LeNet-5, the ConvNetJS demos, AlexNet, VGG,
NiN, SqueezeNet, GoogLeNet, DenseNet and FractalNet; re-exported by striate.models.

    model = striate.models.googlenet()
    logits, aux1, aux2 = model(images)           # training mode, aux heads on
    loss = striate.models.googlenet_loss((logits, aux1, aux2), labels)
"""

from .. import _C

__all__ = [
    "alexnet",
    "convnetjs_cifar10",
    "convnetjs_mnist",
    "densenet121",
    "densenet161",
    "densenet169",
    "densenet201",
    "densenet_bc",
    "fractalnet",
    "googlenet",
    "lenet5",
    "nin",
    "squeezenet1_0",
    "squeezenet1_1",
    "vgg11",
    "vgg11_lrn",
    "vgg13",
    "vgg16",
    "vgg19",
]

_models = _C._models
for _name in __all__:
    globals()[_name] = getattr(_models, _name)
for _name in ("ClassicNet", "FractalNet", "GoogLeNet"):
    getattr(_models, _name).__module__ = "striate.models"
del _name

# A helper, not a constructor: kept out of __all__ (and so out of list_models()).
googlenet_loss = _models.googlenet_loss
