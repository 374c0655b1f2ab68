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
    """Scales the gradients of ``parameters`` in place so that their norm taken together is at
    most ``max_norm``: every gradient is multiplied by ``min(1, max_norm / (total + 1e-6))``.

    Args:
        parameters (Tensor or iterable of Tensor): The parameters whose ``.grad`` is clipped
            (those without a gradient are skipped).
        max_norm (float): The largest allowed total norm.
        norm_type (float): The p of the p-norm, any p >= 0 or ``inf``. Default: 2.0.
        error_if_nonfinite (bool): Raise instead of clipping when the total is nan or inf.
            Default: False.

    Returns:
        Tensor: The total norm before clipping, a scalar.

    Raises:
        TypeError: ``parameters`` holds something that is not a Tensor.
        RuntimeError: The total norm is not finite and ``error_if_nonfinite`` is set.

    Example:
        >>> m = nn.Linear(4, 2)
        >>> m(st.randn(8, 4)).sum().backward()
        >>> total = nn.utils.clip_grad_norm_(m.parameters(), max_norm=0.5)
        >>> total.shape
        striate.Size([])
    """
    params = _parameter_list(parameters, "clip_grad_norm_")
    return _C._optim.clip_grad_norm_(params, float(max_norm), float(norm_type),
                                     bool(error_if_nonfinite))


def clip_grad_value_(parameters, clip_value):
    """Clamps every gradient element of ``parameters`` into [-clip_value, clip_value] in place.

    Args:
        parameters (Tensor or iterable of Tensor): The parameters whose ``.grad`` is clamped.
        clip_value (float): The bound.

    Raises:
        TypeError: ``parameters`` holds something that is not a Tensor.

    Example:
        >>> m = nn.Linear(4, 2)
        >>> (m(st.randn(8, 4)).sum() * 100).backward()
        >>> nn.utils.clip_grad_value_(m.parameters(), 0.1)
        >>> bool((m.weight.grad.abs() <= 0.1).all())
        True
    """
    params = _parameter_list(parameters, "clip_grad_value_")
    _C._optim.clip_grad_value_(params, float(clip_value))
