"""striate.nn.Module and Parameter. Module *is* the bound C++ class (striate._C._nn.Module), so
built-in C++ layers and Python subclasses nest freely in one tree; this file attaches the
torch.nn.Module behaviour that belongs to Python: attribute registration, the iterators,
train/eval, state dicts and apply. module(x) is bound in C++ (it runs self.forward as a call that
call observers hear, as they hear C++ forwards calling their children).

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)               # registered as a child
            self.scale = nn.Parameter(st.ones(2))   # registered as a parameter
        def forward(self, x):
            return self.fc(x) * self.scale
"""

import copy
from collections import OrderedDict, namedtuple

from .. import _C
from .._C import Tensor
from . import module_hooks
from .module_hooks import _call_with_hooks  # noqa: F401  (the C++ __call__ of hooked modules)

Module = _C._nn.Module
Module.__module__ = "striate.nn"

_IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class _ParameterMeta(type):
    # A parameter is a Tensor carrying the parameter mark, so isinstance reads the mark.
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._is_parameter

    def __call__(cls, data=None, requires_grad=True):
        if data is None:
            data = _empty()
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter: expected a Tensor, got {type(data).__name__}")
        param = data.detach()
        param.requires_grad_(bool(requires_grad))
        param._mark_parameter(True)
        return param


def _empty():
    from .. import empty

    return empty(0)


class Parameter(metaclass=_ParameterMeta):
    """A Tensor that a Module registers as a parameter when assigned as an attribute.

    Parameter(data, requires_grad=True) returns a leaf Tensor sharing data's storage, marked as a
    parameter; isinstance(p, nn.Parameter) and isinstance(p, striate.Tensor) are both true.

    Args:
        data (Tensor, optional): The values (shared, not copied). Default: None (an empty tensor).
        requires_grad (bool): Whether the parameter is trained. Default: True.

    Example:
        >>> p = nn.Parameter(st.zeros(3))
        >>> isinstance(p, nn.Parameter), isinstance(p, st.Tensor), p.requires_grad
        (True, True, True)
        >>> m = nn.Module()
        >>> m.scale = p
        >>> [name for name, _ in m.named_parameters()]
        ['scale']
    """


def _attach(fn):
    # Dunder methods are defined here under a leading "_module" (a module-level __getattr__ or
    # __dir__ would become this file's own PEP 562 hook) and attached under their real names.
    name = fn.__name__.removeprefix("_module")
    fn.__name__ = name
    fn.__qualname__ = f"Module.{name}"
    setattr(Module, name, fn)
    return fn


def _find_data_descriptor(cls, name):
    # Properties of the built-in layers (Linear.weight, Module.training) handle their own setting.
    for klass in cls.__mro__:
        attr = klass.__dict__.get(name)
        if attr is not None:
            return attr if hasattr(type(attr), "__set__") else None
    return None


def _registry_of(module, name):
    try:
        return module._registry_of(name)
    except TypeError:
        raise AttributeError(
            f"cannot assign '{name}' before Module.__init__() call "
            f"(call super().__init__() first in {type(module).__name__}.__init__)"
        ) from None


# ---- attribute registration --------------------------------------------------------


@_attach
def _module__setattr__(self, name, value):
    if _find_data_descriptor(type(self), name) is not None:
        object.__setattr__(self, name, value)
        return
    registry = _registry_of(self, name)
    if isinstance(value, Parameter):
        self.__dict__.pop(name, None)
        if registry not in (None, "parameter"):
            self._unregister(name)
        self._register_parameter(name, value, value.requires_grad)
    elif isinstance(value, Module):
        self.__dict__.pop(name, None)
        if registry not in (None, "module"):
            self._unregister(name)
        self._register_module(name, value)
    elif registry == "parameter":
        if value is not None:
            raise TypeError(
                f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                "(striate.nn.Parameter or None expected)"
            )
        self._register_parameter(name, None, False)
    elif registry == "module":
        if value is not None:
            raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                            "(nn.Module or None expected)")
        self._register_module(name, None)
    elif registry == "buffer":
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                            "(striate.Tensor or None expected)")
        self._register_buffer(name, value, self._is_persistent_buffer(name))
    else:
        object.__setattr__(self, name, value)


@_attach
def _module__getattr__(self, name):
    # Called only when normal lookup fails: the registries are not in the instance __dict__.
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
    try:
        return self._lookup(name)
    except TypeError:  # the C++ part is not constructed yet (before super().__init__())
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'") from None


@_attach
def _module__delattr__(self, name):
    if name in self.__dict__ or _find_data_descriptor(type(self), name) is not None:
        object.__delattr__(self, name)
    elif not self._unregister(name):
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


@_attach
def _module__dir__(self):
    return sorted(set(object.__dir__(self)) | set(self._local_names()))


@_attach
def _get_name(self):
    return type(self).__name__


@_attach
def register_parameter(self, name, param):
    """Registers ``param`` under ``name`` (what assigning a Parameter attribute does).

    Args:
        name (str): The attribute name.
        param (Parameter or None): The parameter, or None for an empty slot.

    Raises:
        TypeError: ``name`` is not a str, or ``param`` is not a Parameter or None.
        KeyError: An attribute of that name already exists.

    Example:
        >>> m = nn.Module()
        >>> m.register_parameter("scale", nn.Parameter(st.ones(2)))
        >>> [name for name, _ in m.named_parameters()]
        ['scale']
    """
    if not isinstance(name, str):
        raise TypeError(f"parameter name should be a string, got {type(name).__name__}")
    if param is not None and not isinstance(param, Parameter):
        raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                        "(striate.nn.Parameter or None required)")
    if name in self.__dict__:
        raise KeyError(f"attribute '{name}' already exists")
    if _find_data_descriptor(type(self), name) is not None:
        object.__setattr__(self, name, param)
    elif param is None:
        self._register_parameter(name, None, False)
    else:
        self._register_parameter(name, param, param.requires_grad)


@_attach
def register_buffer(self, name, tensor, persistent=True):
    """Registers tensor (or None) as a buffer: module state saved in the state dict (unless
    persistent=False) but not trained.

    Example:
        >>> m = nn.Module()
        >>> m.register_buffer("mask", st.ones(3))
        >>> [name for name, _ in m.named_buffers()]
        ['mask']
    """
    if not isinstance(name, str):
        raise TypeError(f"buffer name should be a string, got {type(name).__name__}")
    if tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                        "(striate.Tensor or None required)")
    if name in self.__dict__:
        raise KeyError(f"attribute '{name}' already exists")
    self._register_buffer(name, tensor, bool(persistent))


@_attach
def add_module(self, name, module):
    """Registers ``module`` as a child under ``name`` (what assigning a Module attribute does);
    also named ``register_module``.

    Args:
        name (str): The child's name.
        module (Module or None): The child, or None for an empty slot.

    Raises:
        TypeError: ``name`` is not a str, or ``module`` is not a Module or None.
        KeyError: An attribute of that name already exists.

    Example:
        >>> m = nn.Module()
        >>> m.add_module("fc", nn.Linear(2, 2))
        >>> [name for name, _ in m.named_children()]
        ['fc']
    """
    if not isinstance(name, str):
        raise TypeError(f"module name should be a string, got {type(name).__name__}")
    if module is not None and not isinstance(module, Module):
        raise TypeError(f"{type(module).__name__} is not a Module subclass")
    if name in self.__dict__:
        raise KeyError(f"attribute '{name}' already exists")
    self._register_module(name, module)


Module.register_module = add_module


# ---- iterators ---------------------------------------------------------------------


@_attach
def named_parameters(self, prefix="", recurse=True):
    """Yields (dotted name, parameter) over this module and, with recurse, its descendants.

    Example:
        >>> [name for name, _ in nn.Linear(3, 2).named_parameters()]
        ['weight', 'bias']
    """
    return iter(self._named_parameters(prefix, recurse))


@_attach
def parameters(self, recurse=True):
    """Yields the parameters of this module and, with ``recurse`` (default), of its
    descendants, each shared one once; what an optimizer takes.

    Example:
        >>> [tuple(p.shape) for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
    """
    return iter([param for _, param in self._named_parameters("", recurse)])


@_attach
def named_buffers(self, prefix="", recurse=True):
    """Yields (dotted name, buffer) over this module and, with ``recurse``, its
    descendants (BatchNorm's running statistics, for example).

    Args:
        prefix (str): Prepended to every name. Default: ''.
        recurse (bool): Include the descendants' buffers. Default: True.

    Example:
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        >>> [name for name, _ in net.named_buffers()]
        ['1.running_mean', '1.running_var', '1.num_batches_tracked']
    """
    return iter(self._named_buffers(prefix, recurse))


@_attach
def buffers(self, recurse=True):
    """Yields the buffers of this module and, with ``recurse``, of its descendants.

    Args:
        recurse (bool): Include the descendants' buffers. Default: True.

    Example:
        >>> [b.tolist() for b in nn.BatchNorm1d(2).buffers()]
        [[0.0, 0.0], [1.0, 1.0], 0]
    """
    return iter([buffer for _, buffer in self._named_buffers("", recurse)])


@_attach
def named_children(self):
    """Yields (name, module) for each direct child.

    Example:
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        >>> [(name, type(child).__name__) for name, child in net.named_children()]
        [('0', 'Linear'), ('1', 'ReLU')]
    """
    return iter(self._named_children())


@_attach
def children(self):
    """Yields the direct children.

    Example:
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
        >>> [type(child).__name__ for child in net.children()]
        ['Linear', 'Sequential']
    """
    return iter([child for _, child in self._named_children()])


@_attach
def named_modules(self, memo=None, prefix=""):
    """Yields (dotted name, module) for this module and every descendant, each once.

    Example:
        >>> m = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        >>> [name for name, _ in m.named_modules()]
        ['', '0', '1']
    """
    # The memo holds the objects themselves: wrappers of C++-created children are made on access,
    # and an id() alone could be reused by a later wrapper once the first one is freed.
    if memo is None:
        memo = {}
    if id(self) in memo:
        return
    memo[id(self)] = self
    yield prefix, self
    for name, child in self._named_children():
        yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name)


@_attach
def modules(self):
    """Yields this module and every descendant, each once.

    Example:
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
        >>> [type(m).__name__ for m in net.modules()]
        ['Sequential', 'Linear', 'Sequential', 'ReLU']
    """
    for _, module in self.named_modules():
        yield module


@_attach
def get_submodule(self, target):
    """The descendant at a dotted path (``"features.0"``); ``""`` is the module itself.

    Args:
        target (str): The dotted path of child names.

    Raises:
        AttributeError: A part of the path names no child.

    Example:
        >>> net = nn.Sequential(nn.Sequential(nn.Linear(2, 3)), nn.ReLU())
        >>> net.get_submodule("0.0")
        Linear(in_features=2, out_features=3, bias=True)
    """
    module = self
    for part in target.split(".") if target else []:
        if part not in dict(module._named_children()):
            raise AttributeError(f"{module._get_name()} has no submodule '{part}'")
        module = module._lookup(part)
    return module


# ---- modes, gradients, traversal ---------------------------------------------------------


@_attach
def train(self, mode=True):
    """Sets training mode on this module and every descendant; returns self.

    Example:
        >>> m = nn.Dropout().eval()
        >>> m.train().training
        True
    """
    if not isinstance(mode, bool):
        raise ValueError(f"train: training mode is expected to be a bool, "
                         f"got {type(mode).__name__}")
    self.training = mode
    for child in self.children():
        child.train(mode)
    return self


@_attach
def eval(self):
    """Sets evaluation mode on this module and every descendant (``train(False)``: dropout
    off, BatchNorm on its running statistics); returns self.

    Example:
        >>> m = nn.Sequential(nn.Linear(2, 2), nn.Dropout())
        >>> m.eval().training, m[1].training
        (False, False)
    """
    return self.train(False)


@_attach
def requires_grad_(self, requires_grad=True):
    """Sets ``requires_grad`` on every parameter of the tree; returns self.

    Args:
        requires_grad (bool): Whether autograd records the parameters. Default: True.

    Example:
        >>> m = nn.Linear(2, 2).requires_grad_(False)
        >>> [p.requires_grad for p in m.parameters()]
        [False, False]
    """
    for param in self.parameters():
        param.requires_grad_(requires_grad)
    return self


@_attach
def freeze(self, until=None):
    """Stops training the bottom of the model: requires_grad=False (and no .grad) on every
    parameter of the children up to and including the child named ``until`` (dotted names reach
    into nested children: "layer3", "features.10"); until=None freezes every parameter. An
    unknown name raises ValueError listing the children. Returns self.

    As in PyTorch, BatchNorm layers in the frozen part still update their running statistics in
    training mode; call .eval() on them (or the model) to keep those fixed too.

    Example:
        >>> m = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2))
        >>> _ = m.freeze(until="0")
        >>> [p.requires_grad for p in m.parameters()]
        [False, False, True, True]
    """
    if until is not None and not isinstance(until, str):
        raise TypeError("freeze: until: expected a child's name or None, got "
                        f"{type(until).__name__}")
    self._freeze(until)
    return self


@_attach
def unfreeze(self):
    """requires_grad=True on every parameter (undoes :meth:`freeze`); returns self.

    Example:
        >>> m = nn.Linear(2, 2).freeze()
        >>> [p.requires_grad for p in m.unfreeze().parameters()]
        [True, True]
    """
    self._unfreeze()
    return self


@_attach
def apply(self, fn):
    """Calls fn on every descendant (children first) and then on self; returns self.

    Example:
        >>> m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
        >>> def zero(layer):
        ...     if isinstance(layer, nn.Linear):
        ...         nn.init.zeros_(layer.weight)
        >>> float(m.apply(zero)[1].weight.abs().sum())
        0.0
    """
    for child in self.children():
        child.apply(fn)
    fn(self)
    return self


# ---- devices and dtypes -------------------------------------------------------------------


def _module_tensors(module):
    """Every parameter and buffer of the tree, each once (shared ones are not converted twice)."""
    seen = set()
    for _, tensor in list(module._named_parameters("", True)) + list(
            module._named_buffers("", True)):
        if tensor is not None and id(tensor) not in seen:
            seen.add(id(tensor))
            yield tensor


def _convert_in_place(module, convert):
    """Points every parameter and buffer at convert(tensor) (`t.data = ...`), so the Parameter
    objects, the C++ layers' members and an optimizer built earlier keep seeing the same tensors;
    gradients are converted with them, as in PyTorch."""
    for tensor in _module_tensors(module):
        data = tensor.detach()
        new = convert(data)
        if new is not data:
            tensor.data = new
        grad = tensor.grad
        if grad is not None:
            new_grad = convert(grad)
            if new_grad is not grad:
                tensor.grad = new_grad
    return module


@_attach
def to(self, *args, **kwargs):
    """to(device), to(dtype), to(device, dtype), to(tensor), non_blocking=: moves every parameter
    and buffer to the device and casts the floating-point ones to the dtype, in place; returns
    self. Only floating-point dtypes are accepted, as in PyTorch.

    Example:
        >>> m = nn.Linear(2, 2).to(st.float64)
        >>> m.weight.dtype
        striate.float64
    """
    from .._tensor import _non_blocking, _to_arguments

    if "copy" in kwargs:
        raise TypeError("Module.to: unexpected keyword argument 'copy'")
    device, dtype, _ = _to_arguments("Module.to", args, kwargs)
    non_blocking = _non_blocking(args, kwargs)
    if dtype is not None and not dtype.is_floating_point:
        raise TypeError("Module.to only accepts floating point dtypes (float16, bfloat16, float32, "
                        f"float64), but got desired dtype={dtype}")

    def convert(tensor):
        out = tensor if device is None else tensor._to_device(device, non_blocking)
        if dtype is not None and tensor.is_floating_point():
            out = out._to_dtype(dtype)
        return out

    return _convert_in_place(self, convert)


@_attach
def cpu(self):
    """Moves every parameter and buffer to the CPU (in place); returns self.

    Example:
        >>> nn.Linear(2, 2).cpu().weight.device
        device(type='cpu')
    """
    return _convert_in_place(self, lambda t: t._to_device("cpu"))


@_attach
def cuda(self, device=None):
    """Moves every parameter and buffer to a CUDA device (in place); returns self.

    Args:
        device (int, str or device, optional): The device (``0``, ``"cuda:1"``). Default: None
            (the current one).

    Raises:
        RuntimeError: No GPU is available (or striate was built without CUDA).

    Example:
        >>> m = nn.Linear(2, 2)
        >>> if st.cuda.is_available():
        ...     m = m.cuda()
        >>> m.weight.device.type in ("cpu", "cuda")
        True
    """
    target = "cuda" if device is None else (device if not isinstance(device, int)
                                            else f"cuda:{device}")
    return _convert_in_place(self, lambda t: t._to_device(target))


def _cast_floating(dtype):
    def cast(self):
        return _convert_in_place(
            self, lambda t: t._to_dtype(dtype) if t.is_floating_point() else t)

    return cast


Module.float = _cast_floating(_C.dtype.float32)
Module.float.__doc__ = """Casts every floating-point parameter and buffer to float32; returns self.

Example:
    >>> nn.Linear(2, 2).double().float().weight.dtype
    striate.float32
"""
Module.double = _cast_floating(_C.dtype.float64)
Module.double.__doc__ = """Casts every floating-point parameter and buffer to float64; returns self.

Example:
    >>> nn.Linear(2, 2).double().weight.dtype
    striate.float64
"""


Module.half = _cast_floating(_C.dtype.float16)
Module.half.__doc__ = """Casts every floating-point parameter and buffer to float16; returns self.

Example:
    >>> nn.Linear(2, 2).half().weight.dtype
    striate.float16
"""
Module.bfloat16 = _cast_floating(_C.dtype.bfloat16)
Module.bfloat16.__doc__ = """Casts every floating-point parameter and buffer to bfloat16; returns
self.

Example:
    >>> nn.Linear(2, 2).bfloat16().weight.dtype
    striate.bfloat16
"""


def _module_type(self, dst_type):
    """Casts every parameter and buffer to ``dst_type``; returns self.

    Args:
        dst_type (dtype or str): The dtype, or a type name as ``Tensor.type`` takes it.

    Example:
        >>> nn.Linear(2, 2).type(st.float64).weight.dtype
        striate.float64
    """
    return _convert_in_place(self, lambda t: t.type(dst_type))


Module.type = _module_type


# ---- hooks (module_hooks.py) -------------------------------------------------------------

for _hook_method in (module_hooks.register_forward_pre_hook, module_hooks.register_forward_hook,
                     module_hooks.register_full_backward_pre_hook,
                     module_hooks.register_full_backward_hook):
    _attach(_hook_method)


# ---- state dict ------------------------------------------------------------------------


@_attach
def state_dict(self):
    """An OrderedDict of dotted name -> tensor (parameters and persistent buffers), detached
    from autograd and sharing memory with the module.

    Example:
        >>> list(nn.BatchNorm2d(3).state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """
    return OrderedDict(self._state_dict())


@_attach
def load_state_dict(self, state_dict, strict=True):
    """Copies the values of state_dict into the module's tensors in place. With strict, missing or
    unexpected keys raise ValueError; shape mismatches always do. Returns
    (missing_keys, unexpected_keys).

    Example:
        >>> a, b = nn.Linear(3, 2), nn.Linear(3, 2)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((a.weight == b.weight).all())
        True
    """
    if not hasattr(state_dict, "items"):
        raise TypeError("load_state_dict: expected a mapping of names to tensors, "
                        f"got {type(state_dict).__name__}")
    missing, unexpected = self._load_state_dict(_as_striate_tensors(state_dict), bool(strict))
    return _IncompatibleKeys(missing, unexpected)


def _as_striate_tensors(state_dict):
    """state_dict with other frameworks' tensors (a torch tensor: anything with __dlpack__ that is
    not a NumPy array) converted to striate tensors; other values pass as they are, and the C++ side
    names a wrong one (NumPy arrays stay an error: st.from_numpy says which dtype is meant)."""
    def foreign(value):
        return (not isinstance(value, Tensor) and hasattr(value, "__dlpack__")
                and type(value).__module__ != "numpy")

    if not any(foreign(value) for value in state_dict.values()):
        return state_dict
    from ..models.torchvision import _to_striate

    return OrderedDict((key, _to_striate(value, key, "load_state_dict") if foreign(value)
                        else value) for key, value in state_dict.items())


# ---- deep copy -------------------------------------------------------------------------


def _pybind_init(cls):
    # The class's own constructor when it is a bound C++ one (not a Python function).
    init = cls.__dict__.get("__init__")
    return init if init is not None and not isinstance(init, type(_attach)) else None


def _split_top_level(text):
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _constructor_arguments(module, signature):
    """(args, kwargs) rebuilding ``module`` from one pybind signature line, reading each argument
    back from the attribute of the same name; None when one is not readable."""
    inner = signature[signature.index("(") + 1:signature.rindex(")")]
    args, kwargs, keyword_only = [], {}, False
    for part in _split_top_level(inner)[1:]:  # [0] is self
        if part == "*":
            keyword_only = True
            continue
        name = part.split(":")[0].split("=")[0].strip()
        if name.startswith("*") or not hasattr(module, name):
            return None
        value = getattr(module, name)
        annotation = part.split(":", 1)[1].split("=")[0].strip() if ":" in part else ""
        if annotation == "bool" and (value is None or isinstance(value, Tensor)):
            value = value is not None  # bias=True/False is read back as the tensor or None
        elif isinstance(value, Tensor):
            value = _copy_tensor(value)  # a tensor argument (a loss's class weights) is not shared
        if keyword_only:
            kwargs[name] = value
        else:
            args.append(value)
    return args, kwargs


def _rebuild_builtin(module, memo):
    cls = type(module)
    factory = getattr(module, "_zoo_constructor", None)
    if factory is not None:
        from .. import models

        name, args, kwargs = factory
        return getattr(models, name)(*args, **kwargs)
    if isinstance(module, _C._nn.Sequential):
        return cls(*[copy.deepcopy(child, memo) for child in module.children()])
    doc = (cls.__init__.__doc__ or "").strip()
    signatures = [line.split(". ", 1)[-1] for line in doc.splitlines() if "__init__(" in line]
    for signature in signatures:
        arguments = _constructor_arguments(module, signature)
        if arguments is None:
            continue
        try:
            return cls(*arguments[0], **arguments[1])
        except (TypeError, ValueError):
            continue
    try:  # the architecture as model files record it (a zoo model loaded from a .striate file)
        return _C._io.module_from_config(_C._io.module_config(module))
    except (TypeError, ValueError):
        pass
    raise TypeError(f"cannot deep-copy a {cls.__name__}: it is a built-in C++ module whose "
                    "constructor arguments cannot be read back (C++ models have no clone() yet); "
                    "build a fresh one of the same architecture and load_state_dict instead")


def _copy_tensor(tensor):
    copied = tensor.detach().clone()
    copied.requires_grad_(tensor.requires_grad)
    return copied


@_attach
def _module__deepcopy__(self, memo):
    """copy.deepcopy(module): a new module of the same structure with copies of every tensor.
    Python subclasses of nn.Module are rebuilt attribute by attribute; built-in layers from their
    constructor arguments (read back from their attributes) plus load_state_dict. C++ models
    whose arguments are not readable raise TypeError."""
    if id(self) in memo:
        return memo[id(self)]
    cls = type(self)
    builtin = next(klass for klass in cls.__mro__ if _pybind_init(klass) is not None)
    from .. import get_rng_state, set_rng_state

    if builtin is not Module:
        if builtin is not cls:
            raise TypeError(f"cannot deep-copy {cls.__name__}: a Python subclass of the built-in "
                            f"{builtin.__name__} (its constructor arguments are unknown)")
        rng_state = get_rng_state()  # a rebuilt layer draws its initial weights: undo that
        try:
            new = _rebuild_builtin(self, memo)
        finally:
            set_rng_state(rng_state)
        memo[id(self)] = new
        new.load_state_dict({name: tensor for name, tensor in self._state_dict()}, strict=True)
        for (_, mine), (_, theirs) in zip(self._named_buffers("", True),
                                          new._named_buffers("", True)):
            theirs.copy_(mine)  # non-persistent buffers too
        for (_, mine), (_, theirs) in zip(self._named_parameters("", True),
                                          new._named_parameters("", True)):
            theirs.requires_grad_(mine.requires_grad)
        for (_, mine), (_, theirs) in zip(self.named_modules(), new.named_modules()):
            theirs.training = mine.training
    else:
        new = cls.__new__(cls)
        Module.__init__(new)
        memo[id(self)] = new
        for name, param in self._named_parameters("", False):
            new._register_parameter(name, _copy_tensor(param), param.requires_grad)
        for name, buffer in self._named_buffers("", False):
            new._register_buffer(name, _copy_tensor(buffer), self._is_persistent_buffer(name))
        for name, child in self._named_children():
            new._register_module(name, copy.deepcopy(child, memo))
        new.training = self.training
    for name, value in getattr(self, "__dict__", {}).items():
        object.__setattr__(new, name, copy.deepcopy(value, memo))
    module_hooks.copy_hooks(self, new)
    return new
