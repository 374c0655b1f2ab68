"""``striate.autocast``: the context manager and decorator over the C++ autocast state (per thread,
per device type; ``cpp/include/striate/core/autocast.h``). The ops themselves decide what to cast
(``cpp/src/ops/reduced_precision.h``): conv1d/2d/3d, conv_transpose2d, linear and matmul run in
the autocast dtype; the losses in float32; on CUDA also softmax, log_softmax, layer_norm and
group_norm in float32. Other ops run in their inputs' dtype, and binary ops promote (a bfloat16
tensor plus a float32 tensor is float32)."""

import functools
import warnings

from .._load import load_extension

_C = load_extension()
_amp = _C._amp

_DEVICE_TYPES = ("cpu", "cuda")
_LOW_DTYPES = (_C.dtype.float16, _C.dtype.bfloat16)


def _device_type(device_type, op):
    if not isinstance(device_type, str):
        raise TypeError(
            f"{op}: expected device_type to be a str such as 'cpu' or 'cuda', got "
            f"{type(device_type).__name__}"
        )
    name = device_type.split(":")[0]
    if name not in _DEVICE_TYPES:
        raise ValueError(f"{op}: expected device_type 'cpu' or 'cuda', got {device_type!r}")
    return name


def is_autocast_available(device_type):
    """Whether autocast can run on ``device_type`` ('cpu' always; 'cuda' when a GPU answers).

    Example:
        >>> st.amp.is_autocast_available("cpu")
        True
        >>> st.amp.is_autocast_available("cuda") == st.cuda.is_available()
        True
    """
    name = _device_type(device_type, "is_autocast_available")
    if name == "cpu":
        return True
    from .. import cuda

    return cuda.is_available()


def is_autocast_enabled(device_type="cuda"):
    """Whether an autocast region is active for ``device_type`` on this thread.

    Example:
        >>> st.amp.is_autocast_enabled("cpu")
        False
        >>> with st.autocast("cpu"):
        ...     st.amp.is_autocast_enabled("cpu")
        True
    """
    return _amp.is_autocast_enabled(_device_type(device_type, "is_autocast_enabled"))


def get_autocast_dtype(device_type):
    """The dtype autocast casts lower-precision ops to on ``device_type``.

    Example:
        >>> st.amp.get_autocast_dtype("cpu")
        striate.bfloat16
        >>> with st.autocast("cpu", dtype=st.float16):
        ...     st.amp.get_autocast_dtype("cpu")
        striate.float16
    """
    return _amp.get_autocast_dtype(_device_type(device_type, "get_autocast_dtype"))


class autocast:  # noqa: N801 (torch.autocast's name)
    """Runs the ops inside the region in mixed precision (``torch.autocast``'s signature).

    ``device_type`` is 'cpu' or 'cuda'; ``dtype`` float16 or bfloat16 (default: bfloat16 on the
    CPU, float16 on CUDA); ``enabled=False`` makes the region a no-op (nested regions can switch
    autocast off); ``cache_enabled`` keeps each parameter's cast for the whole outermost region.
    Works as a decorator too. Run backward outside the region, as in PyTorch.

    Example:
        >>> model = nn.Linear(4, 2)
        >>> with st.autocast("cpu"):
        ...     y = model(st.randn(3, 4))
        >>> y.dtype
        striate.bfloat16
        >>> @st.autocast("cpu", dtype=st.bfloat16)
        ... def forward(x):
        ...     return model(x)
        >>> forward(st.randn(3, 4)).dtype
        striate.bfloat16
        >>> with st.autocast("cpu", enabled=False):
        ...     model(st.randn(3, 4)).dtype
        striate.float32
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        self.device = _device_type(device_type, "autocast")
        if not isinstance(enabled, bool):
            raise TypeError(
                f"autocast: expected enabled to be a bool, got {type(enabled).__name__}"
            )
        if cache_enabled is not None and not isinstance(cache_enabled, bool):
            raise TypeError(
                "autocast: expected cache_enabled to be a bool or None, got "
                f"{type(cache_enabled).__name__}"
            )
        if dtype is None:
            dtype = _amp.get_autocast_dtype(self.device)
        elif not isinstance(dtype, _C.dtype):
            raise TypeError(f"autocast: expected dtype to be a striate dtype, got {dtype!r}")
        if dtype not in _LOW_DTYPES:
            raise ValueError(f"autocast: expected dtype float16 or bfloat16, got {dtype}")
        self.fast_dtype = dtype
        self._enabled = enabled
        self._cache_enabled = (
            _amp.is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        )
        if enabled and self.device == "cuda" and not is_autocast_available("cuda"):
            warnings.warn(
                "User provided device_type of 'cuda', but CUDA is not available. Disabling",
                stacklevel=2,
            )
            self._enabled = False

    def __enter__(self):
        self._previous = (
            _amp.is_autocast_enabled(self.device),
            _amp.get_autocast_dtype(self.device),
            _amp.is_autocast_cache_enabled(),
        )
        _amp.set_autocast_dtype(self.device, self.fast_dtype)
        _amp.set_autocast_enabled(self.device, self._enabled)
        _amp.set_autocast_cache_enabled(self._cache_enabled)
        _amp.increment_nesting()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        enabled, dtype, cache = self._previous
        _amp.decrement_nesting()  # the outermost exit clears the cast cache
        _amp.set_autocast_enabled(self.device, enabled)
        _amp.set_autocast_dtype(self.device, dtype)
        _amp.set_autocast_cache_enabled(cache)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with autocast(self.device, self.fast_dtype, self._enabled, self._cache_enabled):
                return func(*args, **kwargs)

        return decorated

    def __repr__(self):
        return (
            f"autocast(device_type={self.device!r}, dtype={self.fast_dtype}, "
            f"enabled={self._enabled})"
        )
