"""striate.nn.functional: the functional ops with PyTorch's names and signatures, one file per
concept (linear, conv, pooling, activation, loss, normalization, dropout, shape)."""

from . import activation as _activation
from . import conv as _conv
from . import conv_transpose as _conv_transpose
from . import dropout as _dropout
from . import linear as _linear
from . import loss as _loss
from . import normalization as _normalization
from . import pooling as _pooling
from . import shape as _shape
from . import windows as _windows
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .conv_transpose import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .windows import *  # noqa: F401,F403

__all__ = [
    name
    for concept in (_linear, _conv, _conv_transpose, _pooling, _activation, _loss, _normalization,
                    _dropout, _shape, _windows)
    for name in concept.__all__
]

# The namespace holds the ops only, as torch.nn.functional's does: importing a concept file also
# binds its name here, so those names are dropped again (the files stay importable as
# striate.nn.functional.conv, ...). linear and dropout already name the ops of the same name.
for _name in ("activation", "conv", "conv_transpose", "loss", "normalization", "pooling", "shape",
              "windows"):
    del globals()[_name]
del _name
