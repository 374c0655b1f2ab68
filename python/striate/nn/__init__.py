"""striate.nn: modules and layers with torch.nn's names and signatures. Every layer here is the
C++ class of cpp/include/striate/nn/, bound; Module is the bound base, subclassable in Python.
The layers live in striate.nn.modules, one file per concept, the ops in striate.nn.functional.

    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(6 * 14 * 14, 10))
"""

from . import functional, init
from . import utils
from . import parallel
from .module import Module, Parameter
from .spec import from_spec
from . import modules
from .modules import *  # noqa: F401,F403

__all__ = list(modules.__all__) + ["Module", "Parameter", "functional", "init", "from_spec"]
