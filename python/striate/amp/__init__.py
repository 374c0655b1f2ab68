"""Automatic mixed precision, as ``torch.amp``: :class:`autocast` runs convolutions, linear layers
and matmuls in a 16-bit dtype (bfloat16 on the CPU, float16 on CUDA by default) and losses in
float32, and :class:`GradScaler` scales the loss so float16 gradients do not underflow, skipping
the optimizer step when a gradient overflowed.

    model, opt = ..., ...
    scaler = striate.amp.GradScaler("cpu")
    with striate.autocast("cpu"):
        loss = loss_fn(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
"""

from .autocast_mode import autocast, get_autocast_dtype, is_autocast_available, is_autocast_enabled
from .grad_scaler import GradScaler

__all__ = [
    "GradScaler",
    "autocast",
    "get_autocast_dtype",
    "is_autocast_available",
    "is_autocast_enabled",
]
