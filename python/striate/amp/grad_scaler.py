"""``striate.amp.GradScaler``: dynamic loss scaling with torch.amp.GradScaler's API and state_dict.

The loss is multiplied by ``scale`` before backward; ``unscale_`` divides the gradients back in one
fused pass per device (``_C._amp.non_finite_check_and_unscale_``) that also notes any inf or NaN;
``step`` skips the optimizer step when one was found; ``update`` halves the scale after an overflow
(``backoff_factor``) and doubles it after ``growth_interval`` clean steps (``growth_factor``)."""

import warnings
from collections import defaultdict
from enum import Enum

from .._load import load_extension

_C = load_extension()


class OptState(Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _refresh_per_optimizer_state():
    return {"stage": OptState.READY, "found_inf_per_device": {}}


def _positive_float(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"GradScaler: expected {name} to be a number, got {type(value).__name__}")
    return float(value)


class GradScaler:
    """Scales the loss and unscales the gradients for mixed-precision training (torch's API).

    ``device`` is 'cpu' or 'cuda' (where the scale lives); ``init_scale`` the first scale;
    ``growth_factor`` (> 1) and ``backoff_factor`` (in (0, 1)) multiply it after
    ``growth_interval`` clean steps and after an overflow; ``enabled=False`` makes every method a
    pass-through (``scale`` returns its input, ``step`` just steps).

    Example:
        >>> model = nn.Linear(4, 2)
        >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
        >>> scaler = st.amp.GradScaler("cpu", init_scale=1024.0)
        >>> x, y = st.randn(8, 4), st.randint(0, 2, (8,))
        >>> with st.autocast("cpu", dtype=st.bfloat16):
        ...     loss = F.cross_entropy(model(x), y)
        >>> scaler.scale(loss).backward()
        >>> scaler.step(opt)
        >>> scaler.update()
        >>> scaler.get_scale()
        1024.0
    """

    def __init__(
        self,
        device="cuda",
        init_scale=2.0**16,
        growth_factor=2.0,
        backoff_factor=0.5,
        growth_interval=2000,
        enabled=True,
    ):
        if not isinstance(device, str) or device.split(":")[0] not in ("cpu", "cuda"):
            raise ValueError(f"GradScaler: expected device 'cpu' or 'cuda', got {device!r}")
        if not isinstance(enabled, bool):
            raise TypeError(
                f"GradScaler: expected enabled to be a bool, got {type(enabled).__name__}"
            )
        self._device = device
        self._enabled = enabled
        if enabled and device.startswith("cuda"):
            from .. import cuda

            if not cuda.is_available():
                warnings.warn(
                    "GradScaler is enabled, but CUDA is not available. Disabling.", stacklevel=2
                )
                self._enabled = False
        init_scale = _positive_float(init_scale, "init_scale")
        growth_factor = _positive_float(growth_factor, "growth_factor")
        backoff_factor = _positive_float(backoff_factor, "backoff_factor")
        if not init_scale > 0:
            raise ValueError(f"GradScaler: expected init_scale > 0, got {init_scale}")
        if not growth_factor > 1.0:
            raise ValueError(f"GradScaler: The growth factor must be > 1.0, got {growth_factor}")
        if not 0.0 < backoff_factor < 1.0:
            raise ValueError(f"GradScaler: The backoff factor must be < 1.0, got {backoff_factor}")
        if isinstance(growth_interval, bool) or not isinstance(growth_interval, int):
            raise TypeError(
                "GradScaler: growth_interval must be a Python int, got "
                f"{type(growth_interval).__name__}"
            )
        if growth_interval <= 0:
            raise ValueError(f"GradScaler: expected growth_interval > 0, got {growth_interval}")
        self._init_scale = init_scale
        self._scale = None  # one-element float32 tensor, made on first use on the loss's device
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._init_growth_tracker = 0
        self._growth_tracker = None
        self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    # ---- scaling ---------------------------------------------------------------------------

    def _lazy_init_scale_growth_tracker(self, device):
        from .. import full

        self._scale = full((1,), self._init_scale, dtype=_C.dtype.float32, device=device)
        self._growth_tracker = self._init_growth_tracker

    def _check_scale_growth_tracker(self, funcname):
        if self._scale is None:
            raise RuntimeError(
                f"GradScaler.{funcname}: Attempted {funcname} but _scale is None. "
                "This may indicate your script did not use scaler.scale(loss or "
                "outputs) earlier in the iteration."
            )
        return self._scale

    def scale(self, outputs):
        """Multiplies a tensor (or a list/tuple of tensors, nested) by the scale factor.

        Example:
            >>> scaler = st.amp.GradScaler("cpu", init_scale=8.0)
            >>> scaler.scale(st.tensor([0.5]))
            tensor([4.])
            >>> scaler.scale([st.tensor(1.0), st.tensor(2.0)])
            [tensor([8.]), tensor([16.])]
        """
        if not self._enabled:
            return outputs
        from .. import Tensor

        if isinstance(outputs, Tensor):
            if self._scale is None:
                self._lazy_init_scale_growth_tracker(outputs.device)
            return outputs * self._scale.to(device=outputs.device)
        if isinstance(outputs, (list, tuple)):
            scaled = [self.scale(o) for o in outputs]
            return type(outputs)(scaled) if isinstance(outputs, tuple) else scaled
        raise ValueError(
            "GradScaler.scale: outputs must be a Tensor or an iterable of Tensors, "
            f"got {type(outputs).__name__}"
        )

    def _unscale_grads_(self, optimizer, inv_scale, found_inf, allow_fp16):
        per_device = defaultdict(list)
        for group in optimizer.param_groups:
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if not allow_fp16 and grad.dtype == _C.dtype.float16:
                    raise ValueError("Attempting to unscale FP16 gradients.")
                per_device[str(grad.device)].append(grad)
        found_per_device = {}
        for device, grads in per_device.items():
            found = found_inf.to(device=device)
            _C._amp.non_finite_check_and_unscale_(grads, found, inv_scale.to(device=device))
            found_per_device[device] = found
        return found_per_device

    def unscale_(self, optimizer):
        """Divides the optimizer's gradients by the scale, in place (once per step), so they can be
        clipped or inspected; notes whether any is inf or NaN.

        Example:
            >>> w = nn.Parameter(st.ones(2))
            >>> opt = st.optim.SGD([w], lr=0.1)
            >>> scaler = st.amp.GradScaler("cpu", init_scale=4.0)
            >>> scaler.scale((w * 3).sum()).backward()
            >>> w.grad
            tensor([12., 12.])
            >>> scaler.unscale_(opt)
            >>> w.grad
            tensor([3., 3.])
            >>> _ = nn.utils.clip_grad_norm_([w], max_norm=1.0)
            >>> scaler.step(opt)
            >>> scaler.update()
        """
        if not self._enabled:
            return
        self._check_scale_growth_tracker("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update()."
            )
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        from .. import zeros

        # The reciprocal in float64, then float32, as PyTorch computes it.
        inv_scale = (1.0 / self._scale.double()).float()
        found_inf = zeros((1,), dtype=_C.dtype.float32, device=self._scale.device)
        state["found_inf_per_device"] = self._unscale_grads_(optimizer, inv_scale, found_inf, False)
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Unscales (unless ``unscale_`` ran) and steps the optimizer, unless a gradient held an inf
        or NaN; returns what ``optimizer.step`` returned, or None when the step was skipped.

        Example:
            >>> w = nn.Parameter(st.ones(1))
            >>> opt = st.optim.SGD([w], lr=0.5)
            >>> scaler = st.amp.GradScaler("cpu", init_scale=4.0)
            >>> scaler.scale(w.sum() * float("inf")).backward()
            >>> scaler.step(opt) is None
            True
            >>> w
            tensor([1.], requires_grad=True)
            >>> scaler.update()
            >>> scaler.get_scale()
            2.0
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale_growth_tracker("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if not state["found_inf_per_device"]:
            raise RuntimeError("No inf checks were recorded for this optimizer.")
        retval = None
        if not sum(v.item() for v in state["found_inf_per_device"].values()):
            retval = optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return retval

    def update(self, new_scale=None):
        """Backs the scale off after a skipped step, grows it after growth_interval clean ones;
        ``new_scale`` (a number or a one-element float32 tensor) sets it instead.

        Example:
            >>> w = nn.Parameter(st.ones(1))
            >>> opt = st.optim.SGD([w], lr=0.1)
            >>> scaler = st.amp.GradScaler("cpu", init_scale=4.0, growth_interval=2)
            >>> for _ in range(2):
            ...     opt.zero_grad()
            ...     scaler.scale(w.sum()).backward()
            ...     scaler.step(opt)
            ...     scaler.update()
            >>> scaler.get_scale()
            8.0
            >>> scaler.update(new_scale=1.0)
            >>> scaler.get_scale()
            1.0
        """
        if not self._enabled:
            return
        scale = self._check_scale_growth_tracker("update")
        from .. import Tensor

        if new_scale is not None:
            if isinstance(new_scale, Tensor):
                if new_scale.numel() != 1 or new_scale.dtype != _C.dtype.float32:
                    raise ValueError(
                        "GradScaler.update: new_scale should be a float or a 1-element "
                        "float32 tensor with requires_grad=False."
                    )
                if new_scale.requires_grad:
                    raise ValueError(
                        "GradScaler.update: new_scale should be a float or a 1-element "
                        "float32 tensor with requires_grad=False."
                    )
                scale.copy_(new_scale.reshape((1,)))
            else:
                scale.fill_(_positive_float(new_scale, "new_scale"))
        else:
            found_infs = [
                found
                for state in self._per_optimizer_states.values()
                for found in state["found_inf_per_device"].values()
            ]
            if not found_infs:
                raise RuntimeError("No inf checks were recorded prior to update.")
            found_inf = sum(f.item() for f in found_infs)
            self._update_scale(scale, found_inf)
        self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    def _update_scale(self, scale, found_inf):
        # torch's _amp_update_scale_: float32 arithmetic on the scale, a growth only when finite.
        import numpy as np

        current = np.float32(scale.item())
        if found_inf:
            scale.fill_(float(current * np.float32(self._backoff_factor)))
            self._growth_tracker = 0
            return
        successful = self._growth_tracker + 1
        if successful == self._growth_interval:
            grown = current * np.float32(self._growth_factor)
            if np.isfinite(grown):
                scale.fill_(float(grown))
            self._growth_tracker = 0
        else:
            self._growth_tracker = successful

    # ---- accessors -------------------------------------------------------------------------

    def get_scale(self):
        """The current scale as a Python float (1.0 when disabled).

        Example:
            >>> scaler = st.amp.GradScaler("cpu")
            >>> scaler.get_scale()
            65536.0
            >>> st.amp.GradScaler("cpu", enabled=False).get_scale()
            1.0
        """
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale.item())

    def get_growth_factor(self):
        """The factor the scale grows by after growth_interval clean steps.

        Example:
            >>> st.amp.GradScaler("cpu").get_growth_factor()
            2.0
        """
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        """Sets the growth factor.

        Example:
            >>> scaler = st.amp.GradScaler("cpu")
            >>> scaler.set_growth_factor(4.0)
            >>> scaler.get_growth_factor()
            4.0
        """
        self._growth_factor = _positive_float(new_factor, "growth_factor")

    def get_backoff_factor(self):
        """The factor the scale shrinks by after a step with an inf or NaN.

        Example:
            >>> st.amp.GradScaler("cpu").get_backoff_factor()
            0.5
        """
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        """Sets the backoff factor.

        Example:
            >>> scaler = st.amp.GradScaler("cpu")
            >>> scaler.set_backoff_factor(0.25)
            >>> scaler.get_backoff_factor()
            0.25
        """
        self._backoff_factor = _positive_float(new_factor, "backoff_factor")

    def get_growth_interval(self):
        """How many clean steps in a row grow the scale.

        Example:
            >>> st.amp.GradScaler("cpu").get_growth_interval()
            2000
        """
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        """Sets the growth interval (a positive int).

        Example:
            >>> scaler = st.amp.GradScaler("cpu")
            >>> scaler.set_growth_interval(100)
            >>> scaler.get_growth_interval()
            100
        """
        if isinstance(new_interval, bool) or not isinstance(new_interval, int) or new_interval <= 0:
            raise ValueError(
                f"GradScaler: expected growth_interval a positive int, got {new_interval!r}"
            )
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._growth_tracker is None else self._growth_tracker

    def is_enabled(self):
        """Whether the scaler scales (False: every method passes through).

        Example:
            >>> st.amp.GradScaler("cpu").is_enabled()
            True
            >>> st.amp.GradScaler("cpu", enabled=False).is_enabled()
            False
        """
        return self._enabled

    def state_dict(self):
        """scale, growth_factor, backoff_factor, growth_interval and _growth_tracker ({} when
        disabled), the keys and types torch.amp.GradScaler uses.

        Example:
            >>> scaler = st.amp.GradScaler("cpu", init_scale=512.0)
            >>> sorted(scaler.state_dict())
            ['_growth_tracker', 'backoff_factor', 'growth_factor', 'growth_interval', 'scale']
            >>> scaler.state_dict()["scale"]
            512.0
            >>> st.amp.GradScaler("cpu", enabled=False).state_dict()
            {}
        """
        if not self._enabled:
            return {}
        return {
            "scale": self.get_scale(),
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._get_growth_tracker(),
        }

    def load_state_dict(self, state_dict):
        """Restores a state_dict(); raises RuntimeError on the empty dict of a disabled scaler.

        Example:
            >>> saved = st.amp.GradScaler("cpu", init_scale=512.0, growth_interval=10).state_dict()
            >>> scaler = st.amp.GradScaler("cpu")
            >>> scaler.load_state_dict(saved)
            >>> scaler.get_scale(), scaler.get_growth_interval()
            (512.0, 10)
        """
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved "
                "from a disabled instance of GradScaler."
            )
        missing = {
            "scale",
            "growth_factor",
            "backoff_factor",
            "growth_interval",
            "_growth_tracker",
        } - set(state_dict)
        if missing:
            raise KeyError(f"GradScaler.load_state_dict: missing keys {sorted(missing)}")
        self._init_scale = float(state_dict["scale"])
        if self._scale is not None:
            self._scale.fill_(self._init_scale)
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._init_growth_tracker = int(state_dict["_growth_tracker"])
        if self._growth_tracker is not None:
            self._growth_tracker = self._init_growth_tracker
