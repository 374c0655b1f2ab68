"""striate.nn.functional: the functional ops with PyTorch's names and signatures."""

from ._functional_activation import *  # noqa: F401,F403
from ._functional_activation import __all__ as _activation_all
from ._functional_conv import *  # noqa: F401,F403
from ._functional_conv import __all__ as _conv_all
from ._functional_conv_family import *  # noqa: F401,F403
from ._functional_conv_family import __all__ as _conv_family_all
from ._functional_pool_shape_family import *  # noqa: F401,F403
from ._functional_pool_shape_family import __all__ as _pool_shape_all
from ._functional_activation_loss_family import *  # noqa: F401,F403
from ._functional_activation_loss_family import __all__ as _activation_loss_all
from ._functional_norm_reg_rnn_family import *  # noqa: F401,F403
from ._functional_norm_reg_rnn_family import __all__ as _norm_reg_rnn_all

__all__ = (list(_conv_all) + list(_activation_all) + list(_conv_family_all) + list(_pool_shape_all)
           + list(_activation_loss_all) + list(_norm_reg_rnn_all))
