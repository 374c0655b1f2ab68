"""``striate.cuda.amp``: torch.cuda.amp's spellings, which fix the device to CUDA."""

from .autocast_mode import autocast as _autocast
from .grad_scaler import GradScaler as _GradScaler

__all__ = ["GradScaler", "autocast"]


class autocast(_autocast):  # noqa: N801 (torch.cuda.amp.autocast's name)
    """``striate.autocast("cuda", ...)`` (torch.cuda.amp.autocast's signature)."""

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(_GradScaler):
    """``striate.amp.GradScaler("cuda", ...)`` (torch.cuda.amp.GradScaler's signature)."""

    def __init__(
        self,
        init_scale=2.0**16,
        growth_factor=2.0,
        backoff_factor=0.5,
        growth_interval=2000,
        enabled=True,
    ):
        super().__init__(
            "cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled
        )
