"""striate.models: the classic networks of the lecture notes, built in C++ (striate::models), each
taking num_classes and in_channels.

    model = striate.models.resnet20(num_classes=10)

The names of parameters follow torchvision's; from_torchvision(name, state_dict) builds the model
that fits a torchvision state dict and loads it (see striate/models/torchvision.py).
"""

import functools

from ._classic import *  # noqa: F401,F403
from ._classic import __all__ as _classic_all
from ._classic import googlenet_loss  # noqa: F401  (a loss helper, not a constructor)
from ._resnet import *  # noqa: F401,F403
from ._resnet import __all__ as _resnet_all

__all__ = sorted(set(_classic_all) | set(_resnet_all))


# The Args: descriptions of the constructors' arguments, and each light model's example input
# (heavier ones show list_models instead: building them takes seconds and hundreds of MB).
_ARGUMENTS = {
    "num_classes": "The number of output classes.",
    "in_channels": "The channels of the input images.",
    "dropout": "The dropout probability of the classifier.",
    "batch_norm": "BatchNorm after every convolution.",
    "variant": "``'modern'`` (ReLU, max pooling, 28x28) or ``'classic'`` (the paper's, 32x32).",
    "depth": "The number of layers.",
    "growth_rate": "Channels each dense layer adds.",
    "k": "The width multiplier.",
    "aux_logits": "The two auxiliary classifiers (their outputs come in training mode).",
    "num_columns": "Columns of each fractal block.",
    "num_blocks": "Fractal blocks (each halves the resolution).",
    "local_drop": "The local drop-path probability.",
    "global_drop": "The share of batches with global drop-path.",
}
_EXAMPLE_INPUTS = {
    "lenet5": ("", (1, 28, 28)), "convnetjs_mnist": ("", (1, 24, 24)),
    "convnetjs_cifar10": ("", (3, 32, 32)), "densenet_bc": ("depth=40", (3, 32, 32)),
    "nin": ("", (3, 32, 32)), "preact_resnet18": ("", (3, 32, 32)),
    "resnet20": ("", (3, 32, 32)), "resnet32": ("", (3, 32, 32)), "resnet44": ("", (3, 32, 32)),
    "resnet56": ("", (3, 32, 32)), "resnet110": ("", (3, 32, 32)),
    "wide_resnet": ("16, 1", (3, 32, 32)), "squeezenet1_0": ("num_classes=10", (3, 64, 64)),
    "squeezenet1_1": ("num_classes=10", (3, 64, 64)), "googlenet": ("num_classes=10", (3, 64, 64)),
    "resnet18": ("num_classes=10", (3, 64, 64)), "densenet121": ("num_classes=10", (3, 64, 64)),
}


def _documented(name, doc):
    """The C++ docstring with Args: (from pybind11's signature line) and an Example:."""
    lines = (doc or "").strip().split("\n")
    signature, text = lines[0], "\n".join(lines[1:]).strip()
    args = []
    inside = signature[signature.find("(") + 1:signature.rfind(") ->")]
    for part in inside.split(", "):
        name_and_rest = part.split(":", 1)
        arg = name_and_rest[0].strip()
        if arg in ("*", "") or arg not in _ARGUMENTS:
            continue
        default = part.split(" = ", 1)[1] if " = " in part else None
        tail = f" Default: {default}." if default is not None else ""
        args.append(f"    {arg}: {_ARGUMENTS[arg]}{tail}")
    sections = [text]
    if args:
        sections.append("Args:\n" + "\n".join(args))
    sections.append("Returns:\n    Module: The network, with freshly initialized weights.")
    if name in _EXAMPLE_INPUTS:
        call, shape = _EXAMPLE_INPUTS[name]
        sections.append(f"Example:\n    >>> model = st.models.{name}({call}).eval()\n"
                        f"    >>> model(st.randn(1, {', '.join(map(str, shape))})).shape\n"
                        f"    striate.Size([1, 10])")
    else:
        sections.append(f"Example:\n    >>> '{name}' in st.models.list_models()\n    True")
    return signature + "\n\n" + "\n\n".join(sections) + "\n"


def _recording(name, constructor):
    # Each zoo model remembers how it was built, so copy.deepcopy (AveragedModel, snapshot
    # ensembles) can rebuild the C++ model and load its state.
    @functools.wraps(constructor)
    def build(*args, **kwargs):
        model = constructor(*args, **kwargs)
        model._zoo_constructor = (name, args, kwargs)
        return model

    build.__doc__ = _documented(name, constructor.__doc__)
    return build


for _name in __all__:
    globals()[_name] = _recording(_name, globals()[_name])


from .torchvision import from_torchvision, torchvision_state_dict  # noqa: E402,F401


def list_models():
    """Names of every model constructor in the zoo.

    Returns:
        list of str: Sorted names.

    Example:
        >>> st.models.list_models()[:3]
        ['alexnet', 'convnetjs_cifar10', 'convnetjs_mnist']
    """
    return list(__all__)
