"""The optimizer base class and its parameter groups.

An optimizer's options live in C++ (optim::Optimizer's groups). ``param_groups`` is a list of
``ParamGroup`` objects: dict-like live views of those groups, so ``opt.param_groups[0]["lr"] = x``
writes the C++ option at once, and a value a C++ schedule writes is what Python reads. Keys the
C++ optimizer does not know (torch's ``initial_lr``, a user's own keys) stay in the view.
"""

import copy
from collections import defaultdict
from collections.abc import MutableMapping

from .. import _C
from .._C import Tensor

__all__ = ["Optimizer", "ParamGroup", "required"]


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class ParamGroup(MutableMapping):
    """One parameter group: ``"params"`` (the list of tensors), the optimizer's options (read and
    written in C++), and any other keys a user or a schedule stores. Copies (``dict(group)``,
    ``copy.deepcopy``) are plain dicts.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> group = opt.param_groups[0]
        >>> group["lr"] = 0.01
        >>> group["lr"], group["momentum"], len(group["params"])
        (0.01, 0.9, 1)
    """

    __slots__ = ("_impl", "_index", "_names", "_params", "_extra")

    def __init__(self, impl, index, names, params, extra):
        self._impl = impl
        self._index = index
        self._names = names
        self._params = params
        self._extra = extra

    def __getitem__(self, key):
        if key == "params":
            return self._params
        if key in self._names:
            return self._impl._get_option(self._index, key)
        return self._extra[key]

    def __setitem__(self, key, value):
        if key == "params":
            raise TypeError("param_groups: a group's 'params' cannot be replaced; build a new "
                            "optimizer, or add a group with add_param_group")
        if key in self._names:
            self._impl._set_option(self._index, key, value)
        else:
            self._extra[key] = value

    def __delitem__(self, key):
        if key == "params" or key in self._names:
            raise KeyError(f"param_groups: '{key}' belongs to the optimizer and cannot be removed")
        del self._extra[key]

    def __iter__(self):
        yield "params"
        yield from self._names
        yield from self._extra

    def __len__(self):
        return 1 + len(self._names) + len(self._extra)

    def __repr__(self):
        return repr(dict(self))

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        import copy

        return copy.deepcopy(dict(self), memo)

    def __reduce__(self):
        return (dict, (dict(self),))


def _is_option_value(value):
    """Whether the C++ options can hold value as it is (a Python optimizer's other values, lists
    included, which a user may change in place, stay in Python)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, tuple) and all(
        isinstance(item, (int, float)) and not isinstance(item, bool) for item in value)


class Optimizer:
    """Base class, with torch.optim.Optimizer's interface. A subclass passes its defaults to
    ``__init__``, which normalizes ``params`` (tensors, or dicts of per-group options), then calls
    ``self._build(impl_class)`` with its bound C++ optimizer, which turns the groups into live
    views (the built-in optimizers, marked ``_native``).

    A subclass written in Python (torch's way: ``__init__`` calling ``super().__init__(params,
    defaults)``, and ``step``) gets the rest from here: ``zero_grad``, ``param_groups`` (live,
    writable views; the options that are numbers, flags, strings or tuples of numbers live in C++,
    so the LR schedules drive them, and any other value stays in the view), ``state`` (a
    ``defaultdict(dict)`` keyed by parameter, which its step fills), ``state_dict`` /
    ``load_state_dict`` in torch's layout, and ``add_param_group``.

    Args:
        params (iterable): Tensors to optimize, or dicts of per-group options with ``"params"``.
        defaults (dict): The default options of every group.

    Raises:
        ValueError: An empty parameter list, or a parameter in two groups.
        TypeError: A parameter that is not a floating-point leaf tensor.

    Example:
        >>> class SignSGD(st.optim.Optimizer):
        ...     def __init__(self, params, lr=0.01):
        ...         super().__init__(params, dict(lr=lr))
        ...     @st.no_grad()
        ...     def step(self, closure=None):
        ...         for group in self.param_groups:
        ...             for p in group["params"]:
        ...                 if p.grad is not None:
        ...                     p -= group["lr"] * p.grad.sign()
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = SignSGD([w], lr=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w.detach()
        tensor([ 0.5000, -1.5000])
    """

    _native = False  # True on the classes whose step is C++'s

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        self._impl = None
        self.param_groups = [self._complete_group(group) for group in groups]
        if not self._native:
            self._build_python()

    def _complete_group(self, group):
        if not isinstance(group, dict):
            raise TypeError("optimizer: a parameter group must be a dict, "
                            f"got {type(group).__name__}")
        group = dict(group)
        params = group.get("params")
        if params is None:
            raise ValueError("optimizer: a parameter group needs a 'params' entry")
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for param in group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{type(param).__name__}")
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        return group

    def _split(self, group):
        """(the C++ options of a complete group dict, the other keys)."""
        options = {key: value for key, value in group.items() if key in self._names}
        extra = {key: value for key, value in group.items()
                 if key != "params" and key not in self._names}
        return options, extra

    def _build(self, impl_class):
        self._names = tuple(impl_class._option_names())
        split = [self._split(group) for group in self.param_groups]
        defaults, _ = self._split(self.defaults)
        self._impl = impl_class([group["params"] for group in self.param_groups],
                                [options for options, _ in split], defaults)
        self.param_groups = [self._view(index, group["params"], extra)
                             for index, (group, (_, extra)) in enumerate(zip(self.param_groups,
                                                                            split))]

    def _build_python(self):
        """The C++ groups of an optimizer written in Python: its options are the defaults' names
        whose values, in the defaults and in every group, the C++ options can hold."""
        self._python_state = defaultdict(dict)
        self._names = tuple(name for name, value in self.defaults.items()
                            if (value is required or _is_option_value(value))
                            and all(_is_option_value(group[name]) for group in self.param_groups))
        split = [self._split(group) for group in self.param_groups]
        # A required option has no default: None in C++ (add_param_group asks for it first).
        defaults = {name: (None if self.defaults[name] is required else self.defaults[name])
                    for name in self._names}
        self._impl = _C._optim.PythonOptimizer(
            [group["params"] for group in self.param_groups], [options for options, _ in split],
            defaults, list(self._names), type(self).__name__)
        self.param_groups = [self._view(index, group["params"], extra)
                             for index, (group, (_, extra)) in enumerate(zip(self.param_groups,
                                                                            split))]

    def _view(self, index, params, extra):
        return ParamGroup(self._impl, index, self._names, params, extra)

    def zero_grad(self, set_to_none=True):
        """Drops (set_to_none) or zeroes the .grad of every parameter.

        Args:
            set_to_none (bool): Drop the gradients instead of zeroing them. Default: True.

        Example:
            >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
            >>> opt = st.optim.SGD([w], lr=0.1)
            >>> (w * w).sum().backward()
            >>> opt.zero_grad()
            >>> w.grad is None
            True
        """
        self._impl.zero_grad(bool(set_to_none))

    def step(self, closure=None):
        """One update of every parameter with a gradient. closure, if given, re-evaluates the model
        and returns the loss (computed with grad enabled), which step returns.

        Args:
            closure (callable, optional): Re-evaluates the model and returns the loss.
                Default: None.

        Returns:
            The closure's loss, or None.

        Example:
            >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
            >>> opt = st.optim.SGD([w], lr=0.1)
            >>> (w * w).sum().backward()
            >>> opt.step()
            >>> w.detach()
            tensor([ 0.8000, -1.6000])
        """
        if not self._native:
            raise NotImplementedError(f"{type(self).__name__}.step: a Python optimizer defines "
                                      "its own step")
        loss = None
        if closure is not None:
            from ..autograd import enable_grad

            with enable_grad():
                loss = closure()
        self._impl.step()
        return loss

    def add_param_group(self, param_group):
        """Adds a group (a dict with "params" and any options; the others take the defaults).

        Args:
            param_group (dict): ``{"params": [...], option: value, ...}``.

        Raises:
            ValueError: A parameter already in another group.

        Example:
            >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
            >>> opt = st.optim.SGD([w], lr=0.1)
            >>> opt.add_param_group({"params": [nn.Parameter(st.zeros(1))], "lr": 0.01})
            >>> [group["lr"] for group in opt.param_groups]
            [0.1, 0.01]
        """
        group = self._complete_group(param_group)
        if not self._native:
            bad = [name for name in self._names if not _is_option_value(group[name])]
            if bad:
                raise TypeError(f"{type(self).__name__}.add_param_group: option '{bad[0]}' must "
                                "be None, a bool, a number, a string or a tuple of numbers, as "
                                f"in the other groups, got {type(group[bad[0]]).__name__}")
        options, extra = self._split(group)
        self._impl._add_param_group(group["params"], options)
        self.param_groups.append(self._view(len(self.param_groups), group["params"], extra))

    @property
    def state(self):
        """parameter -> {name: tensor} for the parameters that have state (after their first
        step). A Python optimizer's is its own ``defaultdict(dict)``, which its step fills."""
        if not self._native:
            return self._python_state
        state = {}
        for group in self.param_groups:
            for param in group["params"]:
                entry = self._impl._state(param)
                if entry:
                    state[param] = entry
        return state

    @state.setter
    def state(self, value):
        if self._native:
            raise AttributeError(f"{type(self).__name__}.state: the state of a built-in "
                                 "optimizer is set by load_state_dict")
        self._python_state = value

    def _python_state_dict(self):
        index_of = {}
        for group in self.param_groups:
            for param in group["params"]:
                index_of.setdefault(id(param), len(index_of))
        state = {(index_of.get(id(key), key) if isinstance(key, Tensor) else key): value
                 for key, value in self._python_state.items()}
        packed = []
        start = 0
        for group in self.param_groups:
            entry = {key: value for key, value in group.items() if key != "params"}
            entry["params"] = list(range(start, start + len(group["params"])))
            start += len(group["params"])
            packed.append(entry)
        return {"state": state, "param_groups": packed}

    def _load_python_state_dict(self, state_dict):
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{type(self).__name__}.load_state_dict: the state dict has a "
                             "different number of parameter groups: expected "
                             f"{len(self.param_groups)}, got {len(saved_groups)}")
        param_of = {}
        for index, (view, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError("load_state_dict: each parameter group must be a dict with "
                                 "'params'")
            if len(saved["params"]) != len(view["params"]):
                raise ValueError(f"{type(self).__name__}.load_state_dict: the state dict has a "
                                 "parameter group that doesn't match the size of the "
                                 f"optimizer's group {index}: expected {len(view['params'])} "
                                 f"parameters, got {len(saved['params'])}")
            param_of.update(zip(saved["params"], view["params"]))
            for name in self._names:
                if name in saved and not _is_option_value(saved[name]):
                    raise TypeError(f"{type(self).__name__}.load_state_dict: option '{name}' "
                                    "must be None, a bool, a number, a string or a tuple of "
                                    f"numbers, got {type(saved[name]).__name__}")

        def restore(value, param):
            # Floating tensors take the parameter's dtype (but "step" counts), as torch's do.
            if isinstance(value, Tensor):
                value = value.detach().clone()
                return value.to(param.dtype) if value.is_floating_point() else value
            if isinstance(value, dict):
                return {key: (value[key].detach().clone() if key == "step"
                              and isinstance(value[key], Tensor) else restore(value[key], param))
                        for key in value}
            return copy.deepcopy(value)

        state = defaultdict(dict)
        for key, value in state_dict.get("state", {}).items():
            if key in param_of:
                state[param_of[key]] = restore(value, param_of[key])
            else:
                state[key] = copy.deepcopy(value)
        groups = [({key: value for key, value in saved.items() if key in self._names},
                   list(saved["params"])) for saved in saved_groups]
        self._impl._load_state_dict({}, groups)
        self._python_state = state
        for view, saved in zip(self.param_groups, saved_groups):
            view._extra.clear()
            view._extra.update({key: copy.deepcopy(value) for key, value in saved.items()
                                if key != "params" and key not in self._names})

    def state_dict(self):
        """torch's layout: {"state": {index: {name: tensor}},
        "param_groups": [{options..., "params": [indices]}]}; parameters are numbered across
        groups in order. The tensors are the live state (as torch's are).

        Returns:
            dict: ``{"state": ..., "param_groups": ...}``.

        Example:
            >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
            >>> opt = st.optim.SGD([w], lr=0.1)
            >>> sorted(opt.state_dict())
            ['param_groups', 'state']
        """
        if not self._native:
            return self._python_state_dict()
        state, groups = self._impl._state_dict()
        packed = []
        for view, (options, indices) in zip(self.param_groups, groups):
            entry = dict(options)
            entry.update(view._extra)
            entry["params"] = indices
            packed.append(entry)
        return {"state": state, "param_groups": packed}

    def load_state_dict(self, state_dict):
        """Restores options and state saved by state_dict() (ours or torch's): groups are matched
        by position, their options replace the current ones (params kept; options the dict lacks
        take the defaults), and every saved state tensor is copied into the C++ optimizer, so
        stepping on continues as the saved optimizer would. Nothing changes when it raises.

        Args:
            state_dict (dict): From :meth:`state_dict` (or torch's).

        Raises:
            ValueError: The groups or parameter counts do not match.

        Example:
            >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
            >>> opt = st.optim.SGD([w], lr=0.1)
            >>> saved = opt.state_dict()
            >>> opt.param_groups[0]["lr"] = 1.0
            >>> opt.load_state_dict(saved)
            >>> opt.param_groups[0]["lr"]
            0.1
        """
        if not isinstance(state_dict, dict) or "param_groups" not in state_dict:
            raise ValueError("load_state_dict: expected a dict with 'state' and 'param_groups', "
                             f"got {type(state_dict).__name__}")
        if not self._native:
            self._load_python_state_dict(state_dict)
            return
        saved_groups = list(state_dict["param_groups"])
        groups = []
        for saved in saved_groups:
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError("load_state_dict: each parameter group must be a dict with "
                                 "'params'")
            options = {key: value for key, value in saved.items() if key in self._names}
            groups.append((options, list(saved["params"])))
        state = {key: dict(entry) for key, entry in state_dict.get("state", {}).items()}
        self._impl._load_state_dict(state, groups)
        for view, saved in zip(self.param_groups, saved_groups):
            view._extra.clear()
            view._extra.update({key: value for key, value in saved.items()
                                if key != "params" and key not in self._names})

    def __repr__(self):
        text = type(self).__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}"
            for key in sorted(key for key in group if key != "params"):
                text += f"\n    {key}: {group[key]}"
        return text + "\n)"
