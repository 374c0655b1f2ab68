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
from ._composed import composed_module as _composed  # noqa: E402

_REQUIRED = _inspect.Parameter.empty
CELU = _composed("CELU", _Fn.celu, [("alpha", 1.0), ("inplace", False)],
                 "max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).")
Mish = _composed("Mish", _Fn.mish, [("inplace", False)], "x * tanh(softplus(x)).")
Hardsigmoid = _composed("Hardsigmoid", _Fn.hardsigmoid, [("inplace", False)], "relu6(x + 3) / 6.")
Softsign = _composed("Softsign", _Fn.softsign, [], "x / (1 + |x|).")
LogSigmoid = _composed("LogSigmoid", _Fn.logsigmoid, [], "log(sigmoid(x)), stably.")
Tanhshrink = _composed("Tanhshrink", _Fn.tanhshrink, [], "x - tanh(x).")
Hardshrink = _composed("Hardshrink", _Fn.hardshrink, [("lambd", 0.5)],
                       "x where |x| > lambd, else 0.")
Softshrink = _composed("Softshrink", _Fn.softshrink, [("lambd", 0.5)],
                       "x - lambd above lambd, x + lambd below -lambd, else 0.")
Threshold = _composed("Threshold", _Fn.threshold,
                      [("threshold", _REQUIRED), ("value", _REQUIRED), ("inplace", False)],
                      "x where x > threshold, else value.")
Softmax2d = _composed("Softmax2d", lambda input: _Fn.softmax(input, -3), [],
                      "Softmax over the channels of (N, C, H, W) or (C, H, W) inputs.")
__all__ += ["CELU", "Mish", "Hardsigmoid", "Softsign", "LogSigmoid", "Tanhshrink", "Hardshrink",
            "Softshrink", "Threshold", "Softmax2d"]
