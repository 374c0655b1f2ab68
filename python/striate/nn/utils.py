"""striate.nn.utils: gradient clipping with torch.nn.utils' names and rules, run in C++
(cpp/src/optim/clip_grad.cpp). Call between backward() and the optimizer's step():

    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
"""

from .. import _C
from .._C import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _parameter_list(parameters, name):
    if isinstance(parameters, Tensor):
        return [parameters]
    params = list(parameters)
    for param in params:
        if not isinstance(param, Tensor):
            raise TypeError(f"{name}: expected Tensors in parameters, got {type(param).__name__}")
    return params


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scales the gradients of ``parameters`` (a Tensor or an iterable of them) in place so their
    norm taken together is at most ``max_norm``: every gradient is multiplied by
    min(1, max_norm / (total + 1e-6)). ``norm_type`` may be any p >= 0 or ``inf``. Returns the
    total norm before clipping as a scalar tensor; with ``error_if_nonfinite`` a nan or inf total
    raises RuntimeError instead of being applied."""
    params = _parameter_list(parameters, "clip_grad_norm_")
    return _C._optim.clip_grad_norm_(params, float(max_norm), float(norm_type),
                                     bool(error_if_nonfinite))


def clip_grad_value_(parameters, clip_value):
    """Clamps every gradient element of ``parameters`` into [-clip_value, clip_value] in place."""
    params = _parameter_list(parameters, "clip_grad_value_")
    _C._optim.clip_grad_value_(params, float(clip_value))
