"""striate.nn.modules: the layers of striate.nn, one file per concept (containers, linear, conv,
pooling, activation, loss, normalization, dropout, recurrent, shape, blocks)."""

from . import (activation, blocks, containers, conv, conv_transpose, dropout, linear, loss,
               normalization, pooling, recurrent, shape, windows)
from .activation import *  # noqa: F401,F403
from .blocks import *  # noqa: F401,F403
from .containers import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .conv_transpose import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .windows import *  # noqa: F401,F403

__all__ = [
    name
    for concept in (containers, linear, conv, conv_transpose, pooling, activation, loss,
                    normalization, dropout, recurrent, shape, blocks, windows)
    for name in concept.__all__
]
