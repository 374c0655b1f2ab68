"""striate.nn.functional: the functional ops with PyTorch's names and signatures."""

from ._functional_activation import *  # noqa: F401,F403
from ._functional_activation import __all__ as _activation_all
from ._functional_conv import *  # noqa: F401,F403
from ._functional_conv import __all__ as _conv_all

__all__ = list(_conv_all) + list(_activation_all)
