"""Autograd from Python: grad mode context managers and striate.autograd.grad."""

import functools
import threading

from ._C import _autograd as _ag
from ._C import Tensor

Node = _ag.Node  # the base class of every grad_fn node; type(g) is a per-name subclass

__all__ = [
    "Node",
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
    """Context manager and decorator that turns gradient recording off.

    Inside, operations record no graph and save nothing for backward, so results have
    ``requires_grad=False`` and memory is freed at once: use it for evaluation and for
    in-place updates of parameters. Thread-local; restores the previous mode on exit.

    Example:
        >>> x = st.ones(2, requires_grad=True)
        >>> with st.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> @st.no_grad()
        ... def evaluate(t):
        ...     return t * 2
        >>> evaluate(x).requires_grad
        False
    """

    mode = False


class enable_grad(_GradMode):  # noqa: N801
    """Context manager and decorator that turns gradient recording on (inside ``no_grad``).

    Example:
        >>> x = st.ones(2, requires_grad=True)
        >>> with st.no_grad():
        ...     with st.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    mode = True


class set_grad_enabled(_GradMode):  # noqa: N801
    """Turns gradient recording on or off: as a function call, a context manager or a decorator.

    Called plainly it sets the mode for the rest of the thread; used with ``with`` it restores
    the previous mode on exit.

    Args:
        mode (bool): True to record graphs, False not to.

    Example:
        >>> x = st.ones(2, requires_grad=True)
        >>> with st.set_grad_enabled(False):
        ...     (x * 2).requires_grad
        False
        >>> st.is_grad_enabled()
        True
    """

    def __init__(self, mode):
        self.mode = bool(mode)
        self._previous = _ag.is_grad_enabled()
        _ag.set_grad_enabled(self.mode)

    def __enter__(self):
        return self


class inference_mode:  # noqa: N801
    """Context manager and decorator for inference: no graph, and fused kernels in eval mode.

    No graph is recorded (as in no_grad), and
    modules in ``eval()`` mode may run fused kernels -- a Conv2d followed by BatchNorm2d (and
    ReLU) inside Sequential, the ResNet blocks and stems runs as one convolution with the
    normalization folded into its weights and the ReLU applied as it writes its output. The
    results equal the unfused model's within float rounding (about 1e-6 relative in float32).

    ``inference_mode(False)`` turns it off inside an enclosing one (grad mode is then what it
    was before the enclosing block).

    Args:
        mode (bool): True to enter inference mode, False to leave an enclosing one.
            Default: True.

    Example:
        >>> import striate as st
        >>> model = st.nn.Sequential(st.nn.Conv2d(3, 8, 3), st.nn.BatchNorm2d(8), st.nn.ReLU())
        >>> _ = model.eval()
        >>> with st.inference_mode():
        ...     y = model(st.randn(1, 3, 8, 8))
        >>> y.requires_grad
        False
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
    """Returns whether an :class:`inference_mode` block is active on this thread.

    Example:
        >>> with st.inference_mode():
        ...     st.is_inference_mode_enabled()
        True
    """
    return _ag.is_inference_mode_enabled()


def is_grad_enabled():
    """Returns whether operations record a graph on this thread now.

    Example:
        >>> st.is_grad_enabled()
        True
        >>> with st.no_grad():
        ...     st.is_grad_enabled()
        False
    """
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
    """Computes the gradients of ``tensors`` and adds them into the leaves' ``grad``.

    The sum over ``tensors`` of their vector-Jacobian products with ``grad_tensors``, in one
    pass (what ``torch.autograd.backward`` does); :meth:`Tensor.backward` is the one-tensor case.

    Args:
        tensors (Tensor or sequence of Tensor): The roots.
        grad_tensors (Tensor or sequence of Tensor, optional): One gradient per root (None for
            one-element roots). Default: None.
        retain_graph (bool, optional): Keep the graph for another backward. Default: None (False).

    Raises:
        RuntimeError: A root does not require grad, or the graph was freed already.

    Example:
        >>> x = st.tensor([1., 2.], requires_grad=True)
        >>> st.autograd.backward([(x * x).sum(), x.sum()])
        >>> x.grad
        tensor([3., 5.])
    """
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    _run_backward(tensors, grads, retain_graph)


def grad(
    outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False
):
    """Returns the gradients of ``outputs`` with respect to ``inputs``; no ``grad`` changes.

    Args:
        outputs (Tensor or sequence of Tensor): The differentiated tensors.
        inputs (Tensor or sequence of Tensor): The tensors to differentiate with respect to.
        grad_outputs (Tensor or sequence of Tensor, optional): The vector of the
            vector-Jacobian product, one per output (None for one-element outputs).
            Default: None.
        retain_graph (bool, optional): Keep the graph for another backward. Default: None.
        create_graph (bool): Higher-order gradients; only False is supported. Default: False.
        allow_unused (bool): Return None for an input the outputs do not depend on instead of
            raising. Default: False.

    Returns:
        tuple of Tensor: One gradient per input.

    Raises:
        ValueError: ``grad_outputs`` and ``outputs`` differ in length.
        RuntimeError: An input is unused and ``allow_unused`` is False.
        NotImplementedError: ``create_graph=True``.

    Example:
        >>> x = st.tensor([1., 2.], requires_grad=True)
        >>> st.autograd.grad((x ** 3).sum(), x)
        (tensor([ 3., 12.]),)
        >>> x.grad is None
        True
    """
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


# ---- Python-defined autograd functions --------------------------------------------------------


class FunctionCtx:
    """The ``ctx`` a :class:`Function`'s forward fills for its backward.

    Holds ``save_for_backward(*tensors)`` / ``saved_tensors``, ``needs_input_grad`` (one bool
    per forward argument), and any attribute forward sets.

    Example:
        >>> class Scale(st.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x, factor):
        ...         ctx.factor = factor
        ...         return x * factor
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         return grad * ctx.factor, None
        >>> x = st.ones(2, requires_grad=True)
        >>> Scale.apply(x, 3.0).sum().backward()
        >>> x.grad
        tensor([3., 3.])
    """

    def __init__(self):
        self.saved_tensors = ()
        self.needs_input_grad = ()
        self.materialize_grads = True
        self._non_differentiable = set()

    def save_for_backward(self, *tensors):
        """Keeps tensors for backward, where ``ctx.saved_tensors`` returns them.

        Args:
            *tensors (Tensor or None): The tensors to keep.

        Raises:
            TypeError: An argument is neither a Tensor nor None.

        Example:
            >>> class Cube(st.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x ** 3
            ...     @staticmethod
            ...     def backward(ctx, grad):
            ...         (x,) = ctx.saved_tensors
            ...         return 3 * x ** 2 * grad
            >>> x = st.tensor([2.0], requires_grad=True)
            >>> Cube.apply(x).backward()
            >>> x.grad
            tensor([12.])
        """
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward: expected tensors or None, got "
                                f"{type(t).__name__}")
        self.saved_tensors = tuple(tensors)

    def mark_non_differentiable(self, *tensors):
        """Marks forward outputs that have no gradient (indices, masks): no graph edge is recorded.

        Args:
            *tensors (Tensor): Outputs of this forward.

        Example:
            >>> class SortWithIndices(st.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         values, indices = x.sort()
            ...         ctx.mark_non_differentiable(indices)
            ...         ctx.save_for_backward(indices)
            ...         return values, indices
            ...     @staticmethod
            ...     def backward(ctx, grad_values, grad_indices):
            ...         (indices,) = ctx.saved_tensors
            ...         return st.zeros_like(grad_values).scatter(0, indices, grad_values)
            >>> x = st.tensor([3.0, 1.0, 2.0], requires_grad=True)
            >>> values, indices = SortWithIndices.apply(x)
            >>> indices.requires_grad
            False
            >>> (values * st.tensor([1.0, 2.0, 3.0])).sum().backward()
            >>> x.grad
            tensor([3., 1., 2.])
        """
        self._non_differentiable.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        """Chooses what backward receives for outputs that got no gradient.

        Args:
            value (bool): True (the default behaviour) for zeros, False for None.

        Example:
            >>> class Pair(st.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.set_materialize_grads(False)
            ...         return x * 2, x * 3
            ...     @staticmethod
            ...     def backward(ctx, grad_a, grad_b):
            ...         print("grad_b is None:", grad_b is None)
            ...         return grad_a * 2
            >>> x = st.ones(2, requires_grad=True)
            >>> a, b = Pair.apply(x)
            >>> a.sum().backward()
            grad_b is None: True
            >>> x.grad
            tensor([2., 2.])
        """
        self.materialize_grads = bool(value)


class Function:
    """A differentiable operation written in Python, as torch.autograd.Function: subclass with
    staticmethods forward(ctx, *args) -> tensor(s) and backward(ctx, *grad_outputs) -> one
    gradient (or None) per forward argument, then call ``MyFunction.apply(*args)``.

        class Square(striate.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return 2 * x * grad

    forward runs without recording a graph; backward runs without one too (no double
    backward).

    Example:
        >>> class Square(st.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> x = st.tensor([3.], requires_grad=True)
        >>> Square.apply(x).backward()
        >>> x.grad
        tensor([6.])
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Computes the outputs; subclasses override it (a staticmethod).

        Runs without recording a graph.

        Args:
            ctx (FunctionCtx): Where to keep what backward needs.
            *args: The arguments of :meth:`apply`.

        Returns:
            Tensor or tuple of Tensor: The outputs.

        Example:
            >>> class AddOne(st.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         return x + 1
            ...     @staticmethod
            ...     def backward(ctx, grad):
            ...         return grad
            >>> AddOne.apply(st.zeros(2))
            tensor([1., 1.])
        """
        raise NotImplementedError("Function.forward: subclasses define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Computes the gradients of the inputs; subclasses override it (a staticmethod).

        Args:
            ctx (FunctionCtx): The context forward filled.
            *grad_outputs (Tensor): One gradient per output of forward.

        Returns:
            Tensor or tuple: One gradient (or None) per argument of forward, each of its
            argument's shape.

        Example:
            >>> class Clip(st.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x, limit):
            ...         ctx.save_for_backward(x)
            ...         ctx.limit = limit
            ...         return x.clamp(-limit, limit)
            ...     @staticmethod
            ...     def backward(ctx, grad):
            ...         (x,) = ctx.saved_tensors
            ...         return grad * (x.abs() <= ctx.limit).to(grad.dtype), None
            >>> x = st.tensor([-2.0, 0.5, 3.0], requires_grad=True)
            >>> Clip.apply(x, 1.0).sum().backward()
            >>> x.grad
            tensor([0., 1., 0.])
        """
        raise NotImplementedError("Function.backward: subclasses define backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args):
        """Runs forward and, when an input requires grad, records a node running ``cls.backward``.

        Args:
            *args: Passed to forward; the Tensor arguments are the node's inputs.

        Returns:
            Tensor or tuple of Tensor: forward's outputs.

        Raises:
            TypeError: forward returned something other than tensors, or backward returned a
                gradient that is not a tensor.
            ValueError: backward returned too few gradients or one of the wrong shape.

        Example:
            >>> class Double(st.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         return x * 2
            ...     @staticmethod
            ...     def backward(ctx, grad):
            ...         return grad * 2
            >>> x = st.ones(3, requires_grad=True)
            >>> y = Double.apply(x)
            >>> y.requires_grad
            True
            >>> y.sum().backward()
            >>> x.grad
            tensor([2., 2., 2.])
        """
        name = cls.__name__
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            result = cls.forward(ctx, *args)
        single = isinstance(result, Tensor)
        outputs = (result,) if single else tuple(result) if isinstance(result, (tuple, list)) \
            else None
        if outputs is None or not outputs or not all(isinstance(o, Tensor) for o in outputs):
            raise TypeError(f"{name}.forward: expected a Tensor or a tuple of Tensors, got "
                            f"{type(result).__name__}")
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        inputs = [args[i] for i in positions]
        if not (_ag.is_grad_enabled() and any(ctx.needs_input_grad)):
            return result
        # An output that is an input (or shares its Tensor object) gets its own alias, so that
        # recording it as this node's result does not rewrite the input's history.
        ids = {id(a) for a in inputs}
        outputs = tuple(o.detach() if id(o) in ids or o.grad_fn is not None or o.requires_grad
                        else o for o in outputs)
        differentiable = [id(o) not in ctx._non_differentiable for o in outputs]
        shapes = [(tuple(o.shape), o.dtype) for o in outputs]
        input_meta = [(tuple(a.shape), a.dtype) for a in inputs]

        recorded = [k for k, d in enumerate(differentiable) if d]

        def backward(received):
            from . import zeros

            grads = [None] * len(outputs)
            for k, g in zip(recorded, received):
                grads[k] = g
            for k, g in enumerate(grads):
                if g is None and ctx.materialize_grads:
                    grads[k] = zeros(*shapes[k][0], dtype=shapes[k][1])
            with no_grad():
                returned = cls.backward(ctx, *grads)
            returned = returned if isinstance(returned, tuple) else (returned,)
            if len(returned) < len(args):
                raise ValueError(f"{name}.backward: returned {len(returned)} gradients, forward "
                                 f"took {len(args)} arguments (return None for those without)")
            out = []
            for k, i in enumerate(positions):
                g = returned[i]
                if g is not None:
                    if not isinstance(g, Tensor):
                        raise TypeError(f"{name}.backward: gradient {i} should be a Tensor or "
                                        f"None, got {type(g).__name__}")
                    if tuple(g.shape) != input_meta[k][0]:
                        raise ValueError(f"{name}.backward: gradient {i} has shape "
                                         f"{list(g.shape)}, its input {list(input_meta[k][0])}")
                    if not ctx.needs_input_grad[i]:
                        g = None
                out.append(g)
            return out

        _ag._record_function(backward, name + "Backward", inputs, [outputs[k] for k in recorded])
        if single:
            return outputs[0]
        return outputs


__all__ += ["Function", "FunctionCtx"]

# ---- diagnostics: gradient checks and anomaly detection, at PyTorch's places ---------------------

# Resolved on first use: striate.diagnostics also holds Trainer callbacks, which import
# striate.train, not importable while striate itself is still importing this module.
_DIAGNOSTICS = {
    "AnomalyError": "anomaly",
    "detect_anomaly": "anomaly",
    "is_anomaly_enabled": "anomaly",
    "set_detect_anomaly": "anomaly",
    "GradcheckError": "gradcheck",
    "gradcheck": "gradcheck",
}


def __getattr__(name):
    if name in _DIAGNOSTICS:
        import importlib

        module = importlib.import_module(f"striate.diagnostics.{_DIAGNOSTICS[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'striate.autograd' has no attribute {name!r}")


__all__ += list(_DIAGNOSTICS)
