"""Autograd from Python: grad mode context managers and striate.autograd.grad."""

import functools
import threading

from ._C import _autograd as _ag
from ._C import Tensor

__all__ = [
    "backward",
    "enable_grad",
    "grad",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "set_grad_enabled",
]


class _GradMode:
    mode = None

    def __enter__(self):
        self._previous = _ag.is_grad_enabled()
        _ag.set_grad_enabled(self.mode)
        return self

    def __exit__(self, *exc):
        _ag.set_grad_enabled(self._previous)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):  # noqa: N801
    """Context manager / decorator: operations record no graph and save nothing."""

    mode = False


class enable_grad(_GradMode):  # noqa: N801
    mode = True


class set_grad_enabled(_GradMode):  # noqa: N801
    def __init__(self, mode):
        self.mode = bool(mode)
        self._previous = _ag.is_grad_enabled()
        _ag.set_grad_enabled(self.mode)

    def __enter__(self):
        return self


class inference_mode:  # noqa: N801
    """Context manager / decorator for inference: no graph is recorded (as in no_grad), and
    modules in ``eval()`` mode may run fused kernels -- a Conv2d followed by BatchNorm2d (and
    ReLU) inside Sequential, the ResNet blocks and stems runs as one convolution with the
    normalization folded into its weights and the ReLU applied as it writes its output. The
    results equal the unfused model's within float rounding (about 1e-6 relative in float32).

        >>> import striate as st
        >>> model = st.nn.Sequential(st.nn.Conv2d(3, 8, 3), st.nn.BatchNorm2d(8), st.nn.ReLU())
        >>> _ = model.eval()
        >>> with st.inference_mode():
        ...     y = model(st.randn(1, 3, 8, 8))
        >>> y.requires_grad
        False

    ``inference_mode(False)`` turns it off inside an enclosing one (grad mode is then what it
    was before the enclosing block).
    """

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        self._previous = (_ag.is_inference_mode_enabled(), _ag.is_grad_enabled())
        _ag._set_inference_mode(self.mode)
        if self.mode:
            _ag.set_grad_enabled(False)
        return self

    def __exit__(self, *exc):
        _ag._set_inference_mode(self._previous[0])
        _ag.set_grad_enabled(self._previous[1])
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper


def is_inference_mode_enabled():
    """Whether an :class:`inference_mode` block is active on this thread."""
    return _ag.is_inference_mode_enabled()


def is_grad_enabled():
    return _ag.is_grad_enabled()


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, Tensor):
        return [x]
    return list(x)


_pending = threading.local()  # the callbacks queued by hooks during this thread's backward


def _queue_callback(fn):
    """Runs fn() once the backward pass now running on this thread has finished (every gradient
    accumulated), as torch's Variable._execution_engine.queue_callback: for hooks that must act
    on the whole pass (DistributedDataParallel waits for its all-reduces there). Outside a
    backward it raises RuntimeError."""
    queue = getattr(_pending, "queue", None)
    if queue is None:
        raise RuntimeError("autograd: a callback can only be queued while a backward pass runs "
                           "(from a gradient hook)")
    queue.append(fn)


def _run_backward(tensors, grads, retain_graph):
    """The engine's backward, then the callbacks hooks queued during it, in order. A failed pass
    drops its callbacks."""
    outer = getattr(_pending, "queue", None)
    _pending.queue = []
    try:
        _ag.backward(tensors, grads, bool(retain_graph))
        queue = _pending.queue
    finally:
        _pending.queue = outer
    for fn in queue:
        fn()


def backward(tensors, grad_tensors=None, retain_graph=None):
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    _run_backward(tensors, grads, retain_graph)


def grad(
    outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False
):
    """Returns the gradients of outputs w.r.t. inputs without touching any .grad."""
    if create_graph:
        raise NotImplementedError(
            "autograd.grad: create_graph=True (higher-order gradients) is not supported yet"
        )
    outputs = _as_list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = _as_list(inputs)
    grads = _as_list(grad_outputs) or [None] * len(outputs)
    if len(grads) != len(outputs):
        raise ValueError(f"autograd.grad: got {len(outputs)} outputs but {len(grads)} grad_outputs")
    result = _ag.grad(outputs, grads, inputs, bool(retain_graph), bool(allow_unused))
    return tuple(result) if not single else (result[0],)
