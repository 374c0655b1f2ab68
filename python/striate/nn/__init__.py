"""striate.nn: modules and layers with torch.nn's names and signatures. Every layer here is the
C++ class of cpp/include/striate/nn/, bound; Module is the bound base, subclassable in Python.

    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(6 * 14 * 14, 10))
"""

from .. import _C
from . import functional, init
from . import utils
from .module import Module, Parameter
from .spec import from_spec

_nn = _C._nn
Sequential = _nn.Sequential
Linear = _nn.Linear
Conv2d = _nn.Conv2d
MaxPool2d = _nn.MaxPool2d
AvgPool2d = _nn.AvgPool2d
ReLU = _nn.ReLU
Sigmoid = _nn.Sigmoid
Tanh = _nn.Tanh
Flatten = _nn.Flatten
Identity = _nn.Identity

for _layer in (Sequential, Linear, Conv2d, MaxPool2d, AvgPool2d, ReLU, Sigmoid, Tanh, Flatten,
               Identity):
    _layer.__module__ = "striate.nn"
del _layer

from ._layers_conv_family import *  # noqa: F401,F403,E402
from ._layers_conv_family import __all__ as _conv_family_all  # noqa: E402
from ._layers_pool_shape_family import *  # noqa: F401,F403,E402
from ._layers_pool_shape_family import __all__ as _pool_shape_all  # noqa: E402
from ._layers_activation_loss_family import *  # noqa: F401,F403,E402
from ._layers_activation_loss_family import __all__ as _activation_loss_all  # noqa: E402
from ._layers_norm_reg_rnn_family import *  # noqa: F401,F403,E402
from ._layers_norm_reg_rnn_family import __all__ as _norm_reg_rnn_all  # noqa: E402

from ._blocks_resnet_family import *  # noqa: F401,F403,E402
from ._blocks_resnet_family import __all__ as _blocks_resnet_all  # noqa: E402
from ._blocks_classic_family import *  # noqa: F401,F403,E402
from ._blocks_classic_family import __all__ as _blocks_classic_all  # noqa: E402

__all__ = list(_blocks_resnet_all) + list(_blocks_classic_all) + list(_conv_family_all) + list(_pool_shape_all) + list(_activation_loss_all) + list(_norm_reg_rnn_all) + [
    "Module", "Parameter", "Sequential", "Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "ReLU",
    "Sigmoid", "Tanh", "Flatten", "Identity", "functional", "init", "from_spec",
]
