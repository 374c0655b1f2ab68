"""The optimizer base class and its parameter groups.

An optimizer's options live in C++ (optim::Optimizer's groups). ``param_groups`` is a list of
``ParamGroup`` objects: dict-like live views of those groups, so ``opt.param_groups[0]["lr"] = x``
writes the C++ option at once, and a value a C++ schedule writes is what Python reads. Keys the
C++ optimizer does not know (torch's ``initial_lr``, a user's own keys) stay in the view.
"""

from collections.abc import MutableMapping

from .._C import Tensor

__all__ = ["Optimizer", "ParamGroup", "required"]


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class ParamGroup(MutableMapping):
    """One parameter group: ``"params"`` (the list of tensors), the optimizer's options (read and
    written in C++), and any other keys a user or a schedule stores. Copies (``dict(group)``,
    ``copy.deepcopy``) are plain dicts."""

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


class Optimizer:
    """Base class, with torch.optim.Optimizer's interface. A subclass passes its defaults to
    ``__init__``, which normalizes ``params`` (tensors, or dicts of per-group options), then calls
    ``self._build(impl_class)`` with its bound C++ optimizer, which turns the groups into live
    views. A subclass written in Python alone (no ``_build``) keeps plain dict groups and defines
    its own ``step``."""

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

    def _view(self, index, params, extra):
        return ParamGroup(self._impl, index, self._names, params, extra)

    def zero_grad(self, set_to_none=True):
        """Drops (set_to_none) or zeroes the .grad of every parameter."""
        if self._impl is not None:
            self._impl.zero_grad(bool(set_to_none))
            return
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:
                    param.grad.zero_()

    def step(self, closure=None):
        """One update of every parameter with a gradient. closure, if given, re-evaluates the model
        and returns the loss (computed with grad enabled), which step returns."""
        if self._impl is None:
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
        """Adds a group (a dict with "params" and any options; the others take the defaults)."""
        group = self._complete_group(param_group)
        if self._impl is None:
            self.param_groups.append(group)
            return
        options, extra = self._split(group)
        self._impl._add_param_group(group["params"], options)
        self.param_groups.append(self._view(len(self.param_groups), group["params"], extra))

    @property
    def state(self):
        """parameter -> {name: tensor} for the parameters that have state (after their first
        step)."""
        state = {}
        for group in self.param_groups:
            for param in group["params"]:
                entry = self._impl._state(param)
                if entry:
                    state[param] = entry
        return state

    def state_dict(self):
        """torch's layout: {"state": {index: {name: tensor}},
        "param_groups": [{options..., "params": [indices]}]}; parameters are numbered across
        groups in order. The tensors are the live state (as torch's are)."""
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
        stepping on continues as the saved optimizer would. Nothing changes when it raises."""
        if not isinstance(state_dict, dict) or "param_groups" not in state_dict:
            raise ValueError("load_state_dict: expected a dict with 'state' and 'param_groups', "
                             f"got {type(state_dict).__name__}")
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
