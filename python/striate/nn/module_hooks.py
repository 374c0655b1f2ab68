"""Module hooks with PyTorch's names and calling conventions: register_forward_pre_hook,
register_forward_hook, register_full_backward_pre_hook and register_full_backward_hook, each
returning a RemovableHandle.

The Python hooks of a module live in one _ModuleHooks record; while it holds any, the C++ module
carries one bridge pair (a C++ pre-hook and forward hook that call back here, holding the
record), so that C++ forwards running the module as a child (Sequential, the blocks, the zoo) run
its Python hooks as well, and inference-mode fusion leaves a hooked module unfused. The record is
found by the C++ object's identity, not the Python wrapper's: the wrapper of a C++ child fetched
with model[0] or model.layer1 is a new object each time nothing else holds it.

    features = {}
    handle = model.layer3.register_forward_hook(lambda m, args, out: features.update(l3=out))
    model(x)
    handle.remove()

Backward hooks see the gradients with respect to the module's tensor inputs and outputs (an
alias of each is taken at the module boundary, so the gradient is this module's share only, as in
PyTorch); a full backward hook may return replacement input gradients, a backward pre-hook
replacement output gradients.
"""

import functools
import itertools
import threading
import weakref
from collections import OrderedDict

from .._C import Tensor

_KINDS = ("forward_pre", "forward", "backward_pre", "backward")
_ids = itertools.count(1)


class RemovableHandle:
    """What register_*_hook returns: remove() unregisters the hook (a second remove does nothing);
    also a context manager that removes it on exit."""

    def __init__(self, module, kind, hook_id):
        self.id = hook_id
        self._module, self._kind = module, kind

    def remove(self):
        record = _record(self._module, create=False)
        if record is not None:
            record.hooks[self._kind].pop(self.id, None)
            record.kwargs.discard(self.id)
            _sync_bridge(self._module, record)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _ModuleHooks:
    def __init__(self):
        self.hooks = {kind: OrderedDict() for kind in _KINDS}
        self.kwargs = set()  # ids of forward (pre-)hooks registered with_kwargs=True
        self.bridge = None  # the C++ handles of the bridge pair, while one is installed

    def empty(self):
        return not any(self.hooks.values())


# C++ module identity -> weak reference to its record. The bridge closures hold the record while
# hooks exist; when they go (hooks removed, or the C++ module destroyed) the entry goes too.
_records = {}
_records_lock = threading.Lock()


def _record(module, create=True):
    key = module._cpp_id
    with _records_lock:
        ref = _records.get(key)
        record = ref() if ref is not None else None
        if record is None and create:
            record = _ModuleHooks()

            def forget(dead, key=key):
                with _records_lock:
                    if _records.get(key) is dead:
                        del _records[key]

            _records[key] = weakref.ref(record, forget)
    return record


def _sync_bridge(module, record):
    if record.empty() and record.bridge is not None:
        for handle in record.bridge:
            module._remove_hook(handle)
        record.bridge = None
    elif not record.empty() and record.bridge is None:
        record.bridge = tuple(module._add_hook_bridge(functools.partial(_bridge_pre, record),
                                                      functools.partial(_bridge_post, record)))


def _check_callable(module, what, hook):
    if not callable(hook):
        raise TypeError(
            f"{type(module).__name__}.{what}: expected a callable hook, got {type(hook).__name__}"
        )


def _register(module, kind, hook, prepend=False, with_kwargs=False):
    _check_callable(module, f"register_{kind}_hook", hook)
    record = _record(module)
    hook_id = next(_ids)
    record.hooks[kind][hook_id] = hook
    if prepend:
        record.hooks[kind].move_to_end(hook_id, last=False)
    if with_kwargs:
        record.kwargs.add(hook_id)
    _sync_bridge(module, record)
    return RemovableHandle(module, kind, hook_id)


def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
    """Registers ``hook(module, args) -> None or replacement args`` (a tuple, or a single
    value), called before each forward.

    Args:
        hook (callable): The hook; with ``with_kwargs=True`` it is called as
            ``hook(module, args, kwargs)`` and returns None or ``(args, kwargs)``.
        prepend (bool): Run it before the hooks already registered. Default: False.
        with_kwargs (bool): Pass the keyword arguments too. Default: False.

    Returns:
        RemovableHandle: ``handle.remove()`` unregisters the hook.

    Raises:
        TypeError: ``hook`` is not callable.

    Example:
        >>> layer = nn.Linear(2, 2)
        >>> handle = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
        >>> bool((layer(st.ones(2)) == layer.bias).all())
        True
        >>> handle.remove()
    """
    return _register(self, "forward_pre", hook, prepend, with_kwargs)


def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
    """Registers ``hook(module, args, output) -> None or a replacement output``, called after
    each forward.

    Args:
        hook (callable): The hook; with ``with_kwargs=True`` it is called as
            ``hook(module, args, kwargs, output)``.
        prepend (bool): Run it before the hooks already registered. Default: False.
        with_kwargs (bool): Pass the keyword arguments too. Default: False.
        always_call (bool): Not supported (True raises NotImplementedError). Default: False.

    Returns:
        RemovableHandle: ``handle.remove()`` unregisters the hook.

    Raises:
        TypeError: ``hook`` is not callable.
        NotImplementedError: ``always_call=True``.

    Example:
        >>> net = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
        >>> seen = {}
        >>> handle = net[0].register_forward_hook(lambda m, args, out: seen.update(fc=out.shape))
        >>> _ = net(st.randn(2, 4))
        >>> handle.remove()
        >>> seen
        {'fc': striate.Size([2, 3])}
    """
    if always_call:
        raise NotImplementedError(
            f"{type(self).__name__}.register_forward_hook: always_call=True is not supported "
            "(hooks run only after a forward that returns)"
        )
    return _register(self, "forward", hook, prepend, with_kwargs)


def register_full_backward_pre_hook(self, hook, *, prepend=False):
    """Registers ``hook(module, grad_output) -> None or replacement grad_output`` (a tuple),
    called when the gradients with respect to the module's outputs are computed.

    Args:
        hook (callable): The hook.
        prepend (bool): Run it before the hooks already registered. Default: False.

    Returns:
        RemovableHandle: ``handle.remove()`` unregisters the hook.

    Raises:
        TypeError: ``hook`` is not callable.

    Example:
        >>> layer = nn.Linear(2, 1)
        >>> seen = []
        >>> handle = layer.register_full_backward_pre_hook(
        ...     lambda m, grad_output: seen.append(grad_output[0].tolist()))
        >>> layer(st.ones(3, 2)).sum().backward()
        >>> handle.remove()
        >>> seen
        [[[1.0], [1.0], [1.0]]]
    """
    return _register(self, "backward_pre", hook, prepend)


def register_full_backward_hook(self, hook, *, prepend=False):
    """Registers ``hook(module, grad_input, grad_output) -> None or replacement grad_input`` (a
    tuple), called when the gradients with respect to the module's inputs are computed
    (grad_input holds None for inputs that do not require grad).

    Args:
        hook (callable): The hook.
        prepend (bool): Run it before the hooks already registered. Default: False.

    Returns:
        RemovableHandle: ``handle.remove()`` unregisters the hook.

    Raises:
        TypeError: ``hook`` is not callable.

    Example:
        >>> layer = nn.Linear(2, 1)
        >>> seen = []
        >>> handle = layer.register_full_backward_hook(
        ...     lambda m, grad_input, grad_output: seen.append(grad_input[0].shape))
        >>> layer(st.ones(3, 2, requires_grad=True)).sum().backward()
        >>> handle.remove()
        >>> seen
        [striate.Size([3, 2])]
    """
    return _register(self, "backward", hook, prepend)


# ---- running them ----------------------------------------------------------------------


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _run_pre(module, record, args, kwargs):
    for hook_id, hook in list(record.hooks["forward_pre"].items()):
        if hook_id in record.kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        "forward pre-hook registered with_kwargs=True must return None or a "
                        f"tuple of (new_args, new_kwargs), got {type(result).__name__}"
                    )
                args, kwargs = _as_tuple(result[0]), result[1]
        else:
            result = hook(module, args)
            if result is not None:
                args = _as_tuple(result)
    return args, kwargs


def _run_post(module, record, args, kwargs, output):
    for hook_id, hook in list(record.hooks["forward"].items()):
        if hook_id in record.kwargs:
            result = hook(module, args, kwargs, output)
        else:
            result = hook(module, args, output)
        if result is not None:
            output = result
    return output


class _BackwardHookCall:
    """One forward's backward hooks: the module's tensor inputs and outputs are aliased at its
    boundary; the output aliases' hooks collect grad_output (and run the pre-hooks), the input
    aliases' hooks collect grad_input and run the full backward hooks once all have arrived."""

    def __init__(self, module, record):
        self.module, self.record = module, record
        self.n_inputs = 0
        self.input_positions = []  # positions of the inputs that require grad
        self.grad_inputs = {}
        self.n_outputs = 0
        self.grad_outputs = {}
        self.grad_output = None  # the tuple the pre-hooks settled on

    def wrap_inputs(self, args):
        args = list(args)
        self.n_inputs = len(args)
        for i, value in enumerate(args):
            if isinstance(value, Tensor) and value.requires_grad:
                alias = value.view_as(value)
                position = len(self.input_positions)
                self.input_positions.append(i)
                alias.register_hook(
                    lambda grad, position=position: self._input_grad(position, grad)
                )
                args[i] = alias
        return tuple(args)

    def wrap_outputs(self, output):
        outputs = list(output) if isinstance(output, (tuple, list)) else [output]
        tensors = [i for i, o in enumerate(outputs) if isinstance(o, Tensor) and o.requires_grad]
        self.n_outputs = len(outputs)
        self.pending_outputs = len(tensors)
        for slot, i in enumerate(tensors):
            alias = outputs[i].view_as(outputs[i])
            alias.register_hook(lambda grad, i=i: self._output_grad(i, grad))
            outputs[i] = alias
        if isinstance(output, (tuple, list)):
            return type(output)(outputs)
        return outputs[0]

    def _output_grad(self, i, grad):
        self.grad_outputs[i] = grad
        if len(self.grad_outputs) < self.pending_outputs:
            return None
        grad_output = tuple(self.grad_outputs.get(j) for j in range(self.n_outputs))
        for hook in list(self.record.hooks["backward_pre"].values()):
            result = hook(self.module, grad_output)
            if result is not None:
                grad_output = _as_tuple(result)
        self.grad_output = grad_output
        if not self.input_positions:  # no input needs a gradient: the hooks run now
            self._run_backward_hooks(tuple(None for _ in range(self.n_inputs)))
        return grad_output[i]

    def _input_grad(self, position, grad):
        self.grad_inputs[position] = grad
        if len(self.grad_inputs) < len(self.input_positions):
            return None
        grad_input = [None] * self.n_inputs
        for p, i in enumerate(self.input_positions):
            grad_input[i] = self.grad_inputs[p]
        replaced = self._run_backward_hooks(tuple(grad_input))
        return replaced[self.input_positions[position]] if replaced is not None else None

    def _run_backward_hooks(self, grad_input):
        replaced = None
        for hook in list(self.record.hooks["backward"].values()):
            result = hook(self.module, grad_input, self.grad_output)
            if result is not None:
                grad_input = replaced = _as_tuple(result)
        if replaced is not None and len(self.input_positions) > 1:
            raise RuntimeError(
                f"{type(self.module).__name__}: a full backward hook replaced grad_input of a "
                "module with several inputs that require grad; striate applies replacements "
                "only to single-input modules"
            )
        return replaced


def _has_backward(record):
    return bool(record.hooks["backward"] or record.hooks["backward_pre"])


def _call_with_hooks(module, *args, **kwargs):
    """module(*args, **kwargs) for a module with hooks (the C++ __call__ sends it here)."""
    record = _record(module, create=False)
    if record is None or record.empty():  # only C++ hooks: Module::call runs them
        if len(args) == 1 and not kwargs and isinstance(args[0], Tensor):
            return module._call_hooked(args[0])
        return module.forward(*args, **kwargs)
    if len(args) == 1 and not kwargs and isinstance(args[0], Tensor) and not record.kwargs:
        return module._call_hooked(args[0])  # C++ hooks and this record's bridge, in order
    # Several arguments: the Python hooks run here around forward (C++-registered hooks, which
    # take one tensor, do not apply).
    args, kwargs = _run_pre(module, record, args, kwargs)
    backward = _BackwardHookCall(module, record) if _has_backward(record) else None
    if backward is not None:
        args = backward.wrap_inputs(args)
    output = module.forward(*args, **kwargs)
    output = _run_post(module, record, args, kwargs, output)
    if backward is not None:
        output = backward.wrap_outputs(output)
    return output


# The bridge pair: what Module::call runs for a module with Python hooks. The pre-bridge hands
# back the input (aliased when backward hooks need it), the post-bridge the output.
_pending = threading.local()  # per thread: id(module) -> stack of _BackwardHookCall


def _pending_backward():
    if not hasattr(_pending, "calls"):
        _pending.calls = {}
    return _pending.calls


def _bridge_pre(record, module, x):
    args, _ = _run_pre(module, record, (x,), {})
    if len(args) != 1 or not isinstance(args[0], Tensor):
        raise TypeError(
            f"{type(module).__name__}: a forward pre-hook must return one Tensor "
            "for a module called with one tensor"
        )
    if _has_backward(record):
        backward = _BackwardHookCall(module, record)
        args = backward.wrap_inputs(args)
        _pending_backward().setdefault(module._cpp_id, []).append(backward)
    return args[0]


def _bridge_post(record, module, x, output):
    output = _run_post(module, record, (x,), {}, output)
    stack = _pending_backward().get(module._cpp_id)
    if stack:
        backward = stack.pop()
        if not stack:
            del _pending_backward()[module._cpp_id]
        output = backward.wrap_outputs(output)
    return output


def copy_hooks(source, target):
    """Gives `target` (a deep copy of `source`) and each of its submodules the hooks of their
    counterparts in `source`, as deepcopy does in PyTorch (a module that has hooks already is
    left alone: it was copied with them)."""
    for (_, mine), (_, theirs) in zip(source.named_modules(), target.named_modules()):
        record = _record(mine, create=False)
        if record is None or record.empty():
            continue
        existing = _record(theirs, create=False)
        if existing is not None and not existing.empty():
            continue
        new = _record(theirs)
        for kind in _KINDS:
            new.hooks[kind].update(record.hooks[kind])
        new.kwargs |= record.kwargs
        _sync_bridge(theirs, new)
