"""First-NaN localization: detect_anomaly / set_detect_anomaly (PyTorch's names) and the report
they raise, AnomalyError.

Forward: a call observer (striate._C._nn.ObserveCalls) hears every module call, in Python or in
C++; the first call whose output holds a NaN or an infinity while its input did not is the layer
that made it. A non-finite input entering a module means the value came from code between module
calls of the enclosing forward, which is named instead. Backward: the engine calls a check after
every autograd node (striate/anomaly.h); the first node returning a non-finite gradient from
finite ones is named with the module call that created it (nodes are numbered in creation order,
and each module call spans the numbers created inside it). Nothing is installed while it is off,
so training pays nothing for it then.
"""

import functools
import threading

import numpy as np

from .._C import _autograd as _ag
from .._C import _nn

__all__ = ["AnomalyError", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]

_state = threading.local()  # .active: the _Watch installed on this thread, or None
_MAX_SPANS = 200_000  # module calls remembered for attributing backward nodes


class AnomalyError(FloatingPointError, RuntimeError):
    """The first NaN or infinity that detect_anomaly (or ``Trainer(nan_guard=True)``) saw.

    A ``FloatingPointError`` (as the Trainer's non-finite loss) and a ``RuntimeError`` (as
    PyTorch's anomaly mode raises).

    Attributes:
        phase (str): ``'forward'`` or ``'backward'``.
        layer (str): The dotted path of the module (``''`` for the model itself).
        module_type (str): Its class name.
        op (str): The op that produced the value: the autograd node's name (``'LogBackward0'``),
            for a forward without a graph the module's class name, and ``'input'`` when the
            model's input already held it.
        stats (dict): ``'input'`` and ``'output'`` statistics: shape, min, max, mean (of the
            finite values), nan and inf counts. Backward: the gradient the op received and the
            one it returned.
        step (int or None): The Trainer's optimizer step (None outside a Trainer).
        batch_index (int or None): The batch within the epoch (None outside a Trainer).

    Example:
        >>> x = st.tensor([0.0, 1.0], requires_grad=True)
        >>> try:
        ...     with st.autograd.detect_anomaly():
        ...         x.sqrt().sum().backward()  # finite forward, infinite gradient at 0
        ... except st.autograd.AnomalyError as e:
        ...     print(e.phase, e.op)
        backward SqrtBackward0
    """

    def __init__(self, message, phase, layer, module_type, op, stats, step=None,
                 batch_index=None):
        super().__init__(message)
        self.phase, self.layer, self.module_type, self.op = phase, layer, module_type, op
        self.stats, self.step, self.batch_index = stats, step, batch_index


def tensor_stats(tensor):
    """Shape, min, max, mean of the finite values, and the NaN and Inf counts of a tensor."""
    if tensor.dtype.itemsize == 2 and tensor.dtype.is_floating_point:
        tensor = tensor.float()
    values = np.asarray(tensor.detach().cpu().numpy(), dtype=np.float64)
    finite = values[np.isfinite(values)]
    return {
        "shape": tuple(values.shape),
        "min": float(finite.min()) if finite.size else float("nan"),
        "max": float(finite.max()) if finite.size else float("nan"),
        "mean": float(finite.mean()) if finite.size else float("nan"),
        "nan": int(np.isnan(values).sum()),
        "inf": int(np.isinf(values).sum()),
    }


def _finite(tensor):
    if tensor is None or not tensor.dtype.is_floating_point:
        return True
    return bool(tensor.isfinite().all().item())


def _describe(stats):
    if stats is None:
        return "none"
    return (f"shape {stats['shape']}, min {stats['min']:.4g}, max {stats['max']:.4g}, "
            f"mean {stats['mean']:.4g}, {stats['nan']} NaN, {stats['inf']} Inf")


class _Watch(_nn.CallObserver):
    """The forward observer and the backward check of one active anomaly mode."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (path, module, first sequence number, input) of each open call
        self.spans = []  # (first, end, path, type name) of each finished call that made nodes
        self.names = {}  # C++ module id -> dotted path, found from the enclosing call
        self.step = None
        self.batch_index = None
        self.guard = None

    # ---- installation
    def install(self):
        self.guard = _nn.ObserveCalls(self)
        self.guard.__enter__()
        _ag._set_node_check(self.check_node)

    def uninstall(self):
        _ag._set_node_check(None)
        self.guard.__exit__(None, None, None)
        self.guard = None

    def new_step(self, step=None, batch_index=None):
        """Forgets the module calls of earlier steps (their nodes are gone) and sets the context
        the report names."""
        self.spans.clear()
        self.step, self.batch_index = step, batch_index

    # ---- forward
    def _path(self, module):
        key = module._cpp_id
        if not self.stack:
            return self.names.setdefault(key, "")
        parent_path, parent = self.stack[-1][0], self.stack[-1][1]
        for name, child in parent.named_children():
            if child._cpp_id == key:
                return f"{parent_path}.{name}" if parent_path else name
        return self.names.get(key, f"{parent_path}.({type(module).__name__})".lstrip("."))

    def enter(self, module, input):
        path = self._path(module)
        self.stack.append((path, module, _ag._peek_sequence_nr(), input))
        if input is not None and len(self.stack) == 1 and not _finite(input):
            self.stack.pop()
            self.raise_error("forward", path, type(module).__name__, "input",
                             {"input": tensor_stats(input), "output": tensor_stats(input)},
                             " (its input holds it already: it came with the data)")
        if input is not None and len(self.stack) > 1 and not _finite(input):
            parent_path, parent = self.stack[-2][0], self.stack[-2][1]
            op = input.grad_fn.name() if input.grad_fn is not None else "?"
            self.stack.pop()
            self.raise_error("forward", parent_path, type(parent).__name__, op,
                             {"input": None, "output": tensor_stats(input)},
                             f" (between its module calls, before {path or type(module).__name__})")

    def exit(self, module, output):
        path, _, first, input = self.stack.pop()
        end = _ag._peek_sequence_nr()
        if end > first:
            if len(self.spans) >= _MAX_SPANS:
                del self.spans[: _MAX_SPANS // 2]
            self.spans.append((first, end, path, type(module).__name__))
        if output is None or _finite(output):
            return
        op = output.grad_fn.name() if output.grad_fn is not None else type(module).__name__
        stats = {"input": tensor_stats(input) if input is not None else None,
                 "output": tensor_stats(output)}
        self.raise_error("forward", path, type(module).__name__, op, stats)

    # ---- backward
    def owner(self, sequence_nr):
        """(path, type name) of the innermost module call that created node `sequence_nr`."""
        best = None
        for first, end, path, type_name in self.spans:
            if first <= sequence_nr < end and (best is None or end - first < best[0]):
                best = (end - first, path, type_name)
        return (best[1], best[2]) if best else (None, None)

    def check_node(self, name, sequence_nr, received, returned):
        for grad in returned:
            if grad is not None and not _finite(grad):
                incoming = next((g for g in received if g is not None), None)
                path, type_name = self.owner(sequence_nr)
                stats = {"input": tensor_stats(incoming) if incoming is not None else None,
                         "output": tensor_stats(grad)}
                self.raise_error("backward", path, type_name, name, stats)

    def raise_error(self, phase, path, type_name, op, stats, where=""):
        if path is None:
            layer = "outside any module call"
        else:
            layer = f"layer '{path}' ({type_name})" if path else f"the model itself ({type_name})"
        context = ""
        if self.step is not None:
            context = f" at step {self.step}, batch {self.batch_index}"
        what = "output" if phase == "forward" else "returned gradient"
        given = "input" if phase == "forward" else "incoming gradient"
        message = (f"detect_anomaly: the first non-finite value appeared in the {phase} of "
                   f"{layer}{where}, op {op}{context}. Its {what}: {_describe(stats['output'])}; "
                   f"its {given}: {_describe(stats['input'])}")
        raise AnomalyError(message, phase, path if path is not None else "", type_name or "", op,
                           stats, self.step, self.batch_index)


def _active():
    return getattr(_state, "active", None)


class detect_anomaly:  # noqa: N801  (PyTorch's name)
    """Context manager and decorator naming the first NaN or infinity of a forward or backward.

    Inside, every module call's output and every autograd node's gradients are checked (a value
    made by ops outside any module is found when it enters the next module, or in backward); the
    first non-finite value raises :class:`AnomalyError` naming the layer path, the op, the
    statistics of what went in (min, max, mean, NaN and Inf counts), and, under the Trainer, the
    step and batch. The checks cost a device-to-host read per module and per node: a debugging
    tool, off by default (and then free: nothing is installed). Thread-local; nesting is allowed.

    Args:
        check_nan (bool): False makes the block a no-op (PyTorch's argument). Default: True.

    Example:
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        >>> x = st.tensor([[float("nan"), 1.0]])
        >>> try:
        ...     with st.autograd.detect_anomaly():
        ...         model(x)
        ... except st.autograd.AnomalyError as e:
        ...     print(e.op)  # the NaN came with the input
        input
    """

    def __init__(self, check_nan=True):
        self.check_nan = bool(check_nan)
        self._watch = None

    def __enter__(self):
        if self.check_nan and _active() is None:
            self._watch = _Watch()
            self._watch.install()
            _state.active = self._watch
        return self

    def __exit__(self, *exc):
        if self._watch is not None:
            self._watch.uninstall()
            _state.active = None
            self._watch = None
        return False

    def __call__(self, fn):
        check_nan = self.check_nan

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:  # noqa: N801  (PyTorch's name)
    """Turns anomaly detection on or off: as a call (for the rest of the thread) or a context
    manager (restoring the previous state on exit). See :class:`detect_anomaly`.

    Args:
        mode (bool): True to check every module output and backward node.

    Example:
        >>> _ = st.autograd.set_detect_anomaly(True)
        >>> st.autograd.is_anomaly_enabled()
        True
        >>> _ = st.autograd.set_detect_anomaly(False)
        >>> st.autograd.is_anomaly_enabled()
        False
    """

    def __init__(self, mode):
        self._previous = _active()
        if mode and self._previous is None:
            watch = _Watch()
            watch.install()
            _state.active = watch
        elif not mode and self._previous is not None:
            self._previous.uninstall()
            _state.active = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        current = _active()
        if current is not self._previous:
            if current is not None:
                current.uninstall()
            if self._previous is not None:
                self._previous.install()
            _state.active = self._previous
        return False


def is_anomaly_enabled():
    """Whether anomaly detection is on for this thread.

    Example:
        >>> st.autograd.is_anomaly_enabled()
        False
    """
    return _active() is not None


class _TrainerGuard:
    """Trainer(nan_guard=True) around one batch: anomaly detection on, the report naming the
    Trainer's step and batch index."""

    def __init__(self, step, batch_index):
        self.step, self.batch_index = step, batch_index
        self.block = detect_anomaly()

    def __enter__(self):
        self.block.__enter__()
        watch = _active()
        self.previous = (watch.step, watch.batch_index)
        watch.new_step(self.step, self.batch_index)
        return self

    def __exit__(self, *exc):
        watch = _active()
        if watch is not None:
            watch.step, watch.batch_index = self.previous
        return self.block.__exit__(*exc)
