"""Activation layers, bound from C++: ReLU and its parameterized relatives, Sigmoid, Tanh,
Softmax, LogSoftmax and Softmin."""

from ._bound import _nn, public

__all__ = [
    "ReLU", "Sigmoid", "Tanh", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "GELU", "SiLU",
    "Hardswish",
    "Softplus", "Hardtanh", "AbsTanh", "Softmax", "LogSoftmax", "Softmin",
]

ReLU = _nn.ReLU
Sigmoid = _nn.Sigmoid
Tanh = _nn.Tanh
ReLU6 = _nn.ReLU6
LeakyReLU = _nn.LeakyReLU
PReLU = _nn.PReLU
ELU = _nn.ELU
SELU = _nn.SELU
GELU = _nn.GELU
SiLU = _nn.SiLU
Hardswish = _nn.Hardswish
Softplus = _nn.Softplus
Hardtanh = _nn.Hardtanh
AbsTanh = _nn.AbsTanh
Softmax = _nn.Softmax
LogSoftmax = _nn.LogSoftmax
Softmin = _nn.Softmin
public(ReLU, Sigmoid, Tanh, ReLU6, LeakyReLU, PReLU, ELU, SELU, GELU, SiLU, Hardswish, Softplus,
       Hardtanh, AbsTanh, Softmax, LogSoftmax, Softmin)


# ---- composed in Python from other ops (nn.functional), with torch's signatures ---------------
import inspect as _inspect  # noqa: E402

from .. import functional as _Fn  # noqa: E402
from . import _composed_docs as _docs  # noqa: E402
from ._composed import composed_module as _composed  # noqa: E402

_REQUIRED = _inspect.Parameter.empty
CELU = _composed("CELU", _Fn.celu, [("alpha", 1.0), ("inplace", False)], _docs.CELU)
Mish = _composed("Mish", _Fn.mish, [("inplace", False)], _docs.Mish)
Hardsigmoid = _composed("Hardsigmoid", _Fn.hardsigmoid, [("inplace", False)], _docs.Hardsigmoid)
Softsign = _composed("Softsign", _Fn.softsign, [], _docs.Softsign)
LogSigmoid = _composed("LogSigmoid", _Fn.logsigmoid, [], _docs.LogSigmoid)
Tanhshrink = _composed("Tanhshrink", _Fn.tanhshrink, [], _docs.Tanhshrink)
Hardshrink = _composed("Hardshrink", _Fn.hardshrink, [("lambd", 0.5)], _docs.Hardshrink)
Softshrink = _composed("Softshrink", _Fn.softshrink, [("lambd", 0.5)], _docs.Softshrink)
Threshold = _composed("Threshold", _Fn.threshold,
                      [("threshold", _REQUIRED), ("value", _REQUIRED), ("inplace", False)],
                      _docs.Threshold)
Softmax2d = _composed("Softmax2d", lambda input: _Fn.softmax(input, -3), [], _docs.Softmax2d)
__all__ += ["CELU", "Mish", "Hardsigmoid", "Softsign", "LogSigmoid", "Tanhshrink", "Hardshrink",
            "Softshrink", "Threshold", "Softmax2d"]
