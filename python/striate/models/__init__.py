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


def _recording(name, constructor):
    # Each zoo model remembers how it was built, so copy.deepcopy (AveragedModel, snapshot
    # ensembles) can rebuild the C++ model and load its state.
    @functools.wraps(constructor)
    def build(*args, **kwargs):
        model = constructor(*args, **kwargs)
        model._zoo_constructor = (name, args, kwargs)
        return model

    return build


for _name in __all__:
    globals()[_name] = _recording(_name, globals()[_name])


from .torchvision import from_torchvision, torchvision_state_dict  # noqa: E402,F401


def list_models():
    """Names of every model constructor in the zoo."""
    return list(__all__)
