"""Containers: Sequential (children run in order) and Identity (passes its input through), bound
from C++; ModuleList, ModuleDict, ParameterList and ParameterDict, which hold children or
parameters for a module's own forward to use, as torch.nn's do (registered, so parameters(),
state_dict(), to() and the optimizers see them)."""

import operator
from collections.abc import Iterable, Mapping

from ..module import Module, Parameter
from ._bound import _nn, public

__all__ = ["Sequential", "Identity", "ModuleList", "ModuleDict", "ParameterList",
           "ParameterDict"]

Sequential = _nn.Sequential
Identity = _nn.Identity
public(Sequential, Identity)


def _index(container, index, size):
    """index as a position in [0, size), or IndexError naming the container."""
    try:
        i = operator.index(index)
    except TypeError:
        raise TypeError(f"{type(container).__name__} indices must be integers or slices, got "
                        f"{type(index).__name__}") from None
    if not -size <= i < size:
        raise IndexError(f"{type(container).__name__}: index {i} is out of range for "
                         f"{size} entries")
    return i + size if i < 0 else i


class _Container(Module):
    def forward(self, *args, **kwargs):
        """Not callable: a container holds entries for your module's forward to use.

        Raises:
            NotImplementedError: Always.

        Example:
            >>> blocks = nn.ModuleList([nn.ReLU()])
            >>> try:
            ...     blocks(st.zeros(1))
            ... except NotImplementedError:
            ...     print("iterate over it instead")
            iterate over it instead
        """
        raise NotImplementedError(
            f"{type(self).__name__} has no forward: it holds entries for your module's forward "
            "to use (iterate over it or index it there)")


class ModuleList(_Container):
    """Holds submodules in a list: ``self.blocks = nn.ModuleList([Block() for _ in range(4)])``
    then ``for block in self.blocks: x = block(x)`` in forward. Children are named "0", "1", ...
    (state dict keys ``blocks.0.weight``), so ``parameters()``, ``state_dict()`` and ``to()`` see
    them. It has no forward of its own.

    Args:
        modules (iterable of Module, optional): The initial modules. Default: None.

    Raises:
        TypeError: An entry is not a Module, or an index is not an int or a slice.
        IndexError: An index is out of range.
        NotImplementedError: The list itself is called.

    Example:
        >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        >>> x = st.randn(2, 4)
        >>> for layer in layers:
        ...     x = layer(x)
        >>> x.shape, len(layers), len(list(layers.parameters()))
        (striate.Size([2, 4]), 3, 6)
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _children(self):
        # every slot, a module held twice included (named_children lists it once)
        return [self._lookup(name) for name in self._local_names()
                if self._registry_of(name) == "module"]

    def _reset(self, modules):
        for name in list(self._local_names()):
            if self._registry_of(name) == "module":
                self._unregister(name)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self):
        return len(self._children())

    def __iter__(self):
        return iter(self._children())

    def __getitem__(self, index):
        children = self._children()
        if isinstance(index, slice):
            return ModuleList(children[index])
        return children[_index(self, index, len(children))]

    def __setitem__(self, index, module):
        self.add_module(str(_index(self, index, len(self))), module)

    def __delitem__(self, index):
        children = self._children()
        if isinstance(index, slice):
            del children[index]
        else:
            del children[_index(self, index, len(children))]
        self._reset(children)

    def append(self, module):
        """Adds ``module`` at the end (named by its position); returns self.

        Args:
            module (Module): The new last entry.

        Example:
            >>> layers = nn.ModuleList([nn.Linear(2, 2)])
            >>> layers.append(nn.ReLU()) is layers, len(layers)
            (True, 2)
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Appends every module of the iterable ``modules``; returns self.

        Args:
            modules (iterable of Module): The modules to add, in order.

        Raises:
            TypeError: ``modules`` is not an iterable (a single Module is refused).

        Example:
            >>> layers = nn.ModuleList().extend([nn.Linear(2, 2), nn.ReLU()])
            >>> [type(m).__name__ for m in layers]
            ['Linear', 'ReLU']
        """
        if not isinstance(modules, Iterable) or isinstance(modules, Module) and not isinstance(
                modules, ModuleList):
            raise TypeError("ModuleList.extend: expected an iterable of modules, got "
                            f"{type(modules).__name__}")
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index, module):
        """Inserts ``module`` before position ``index`` (later entries are renamed).

        Args:
            index (int): The position, as ``list.insert`` takes it.
            module (Module): The module to insert.

        Example:
            >>> layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
            >>> layers.insert(1, nn.ReLU())
            >>> [type(m).__name__ for m in layers]
            ['Linear', 'ReLU', 'Linear']
        """
        children = self._children()
        children.insert(index, module)
        self._reset(children)

    def pop(self, index=-1):
        """Removes and returns the module at ``index`` (later entries are renamed).

        Args:
            index (int): The position. Default: -1 (the last).

        Raises:
            IndexError: ``index`` is out of range.

        Example:
            >>> layers = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
            >>> type(layers.pop()).__name__, len(layers)
            ('ReLU', 1)
        """
        children = self._children()
        module = children.pop(_index(self, index, len(children)))
        self._reset(children)
        return module

    def __add__(self, other):
        return ModuleList(self._children() + list(other))

    def __iadd__(self, other):
        return self.extend(other)

    def __dir__(self):
        return [name for name in super().__dir__() if not name.isdigit()]


class ModuleDict(_Container):
    """Holds submodules by name, in insertion order: ``self.heads = nn.ModuleDict({"cls":
    nn.Linear(8, 10), "box": nn.Linear(8, 4)})``; ``self.heads["cls"](x)``. The modules are
    registered children; the dict has no forward of its own.

    Args:
        modules (mapping or iterable of (str, Module) pairs, optional): The initial modules.
            Default: None.

    Raises:
        TypeError: A value is not a Module or a key is not a str.
        KeyError: A name is not present.

    Example:
        >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 10), "box": nn.Linear(8, 4)})
        >>> heads["box"](st.randn(2, 8)).shape
        striate.Size([2, 4])
        >>> list(heads.keys())
        ['cls', 'box']
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        for name, child in self._named_children():
            if name == key:
                return child
        raise KeyError(key)

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        if key not in self:
            raise KeyError(key)
        self._unregister(key)

    def __len__(self):
        return len(self._named_children())

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, key):
        return any(name == key for name, _ in self._named_children())

    def keys(self):
        """The names, in insertion order (a list).

        Example:
            >>> nn.ModuleDict({"cls": nn.Linear(8, 10), "box": nn.Linear(8, 4)}).keys()
            ['cls', 'box']
        """
        return [name for name, _ in self._named_children()]

    def values(self):
        """The modules, in insertion order (a list).

        Example:
            >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 10), "act": nn.ReLU()})
            >>> [type(m).__name__ for m in heads.values()]
            ['Linear', 'ReLU']
        """
        return [child for _, child in self._named_children()]

    def items(self):
        """The (name, module) pairs, in insertion order (a list).

        Example:
            >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 10), "act": nn.ReLU()})
            >>> [(name, type(m).__name__) for name, m in heads.items()]
            [('cls', 'Linear'), ('act', 'ReLU')]
        """
        return list(self._named_children())

    def clear(self):
        """Removes every module.

        Example:
            >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 10)})
            >>> heads.clear()
            >>> len(heads), len(list(heads.parameters()))
            (0, 0)
        """
        for key in self.keys():
            self._unregister(key)

    def pop(self, key):
        """Removes the module named ``key`` and returns it.

        Args:
            key (str): The name.

        Raises:
            KeyError: No module has that name.

        Example:
            >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 10), "act": nn.ReLU()})
            >>> type(heads.pop("act")).__name__, heads.keys()
            ('ReLU', ['cls'])
        """
        module = self[key]
        del self[key]
        return module

    def update(self, modules):
        """Adds or replaces the modules of ``modules``, in its order.

        Args:
            modules (mapping or iterable of (str, Module) pairs): The modules by name.

        Raises:
            TypeError: An entry is not a (name, module) pair, or a value is not a Module.

        Example:
            >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 10)})
            >>> heads.update([("cls", nn.Linear(8, 5)), ("box", nn.Linear(8, 4))])
            >>> heads.keys(), heads["cls"].out_features
            (['cls', 'box'], 5)
        """
        pairs = modules.items() if isinstance(modules, (Mapping, ModuleDict)) else modules
        for entry in pairs:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError("ModuleDict.update: expected a mapping or (name, module) pairs, "
                                f"got an entry of type {type(entry).__name__}")
            self[entry[0]] = entry[1]


def _as_parameter(value):
    return value if isinstance(value, Parameter) else Parameter(value)


def _describe(name, value):
    size = " x ".join(str(d) for d in value.shape) or "()"
    return f"({name}): Parameter containing: [{value.dtype} of size {size}]"


class ParameterList(_Container):
    """Holds parameters in a list (named "0", "1", ...); tensors are wrapped as Parameters.

    Args:
        values (iterable of Tensor, optional): The initial parameters. Default: None.

    Raises:
        TypeError: A value is not a Tensor.
        IndexError: An index is out of range.

    Example:
        >>> params = nn.ParameterList([st.randn(3), st.zeros(2)])
        >>> len(params), isinstance(params[0], nn.Parameter)
        (2, True)
    """

    def extra_repr(self):
        """One line per parameter: its index, shape and dtype.

        Example:
            >>> nn.ParameterList([st.zeros(2, 3)]).extra_repr()
            '(0): Parameter containing: [striate.float32 of size 2 x 3]'
        """
        return "\n".join(_describe(i, p) for i, p in enumerate(self._values()))

    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def _values(self):
        return [p for _, p in self.named_parameters(recurse=False)]

    def __len__(self):
        return len(self._values())

    def __iter__(self):
        return iter(self._values())

    def __getitem__(self, index):
        values = self._values()
        if isinstance(index, slice):
            return ParameterList(values[index])
        return values[_index(self, index, len(values))]

    def __setitem__(self, index, value):
        setattr(self, str(_index(self, index, len(self))), _as_parameter(value))

    def append(self, value):
        """Adds ``value`` (a Tensor is wrapped as a Parameter) at the end; returns self.

        Args:
            value (Tensor): The new last parameter.

        Raises:
            TypeError: ``value`` is not a Tensor.

        Example:
            >>> params = nn.ParameterList().append(st.zeros(3))
            >>> len(params), isinstance(params[0], nn.Parameter)
            (1, True)
        """
        self.register_parameter(str(len(self)), _as_parameter(value))
        return self

    def extend(self, values):
        """Appends every value of the iterable ``values``; returns self.

        Args:
            values (iterable of Tensor): The parameters to add, in order.

        Example:
            >>> params = nn.ParameterList().extend([st.zeros(3), st.ones(2)])
            >>> [p.shape[0] for p in params]
            [3, 2]
        """
        for value in list(values):
            self.append(value)
        return self


class ParameterDict(_Container):
    """Holds parameters by name, in insertion order; tensors are wrapped as Parameters.

    Args:
        parameters (mapping or iterable of (str, Tensor) pairs, optional): The initial
            parameters. Default: None.

    Raises:
        TypeError: A value is not a Tensor.
        KeyError: A name is not present.

    Example:
        >>> params = nn.ParameterDict({"scale": st.ones(4)})
        >>> params["scale"].shape, list(params.keys())
        (striate.Size([4]), ['scale'])
    """

    def extra_repr(self):
        """One line per parameter: its name, shape and dtype.

        Example:
            >>> nn.ParameterDict({"scale": st.ones(4)}).extra_repr()
            '(scale): Parameter containing: [striate.float32 of size 4]'
        """
        return "\n".join(_describe(name, p) for name, p in self._pairs())

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def _pairs(self):
        return list(self.named_parameters(recurse=False))

    def __getitem__(self, key):
        for name, value in self._pairs():
            if name == key:
                return value
        raise KeyError(key)

    def __setitem__(self, key, value):
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        if key not in self:
            raise KeyError(key)
        self._unregister(key)

    def __len__(self):
        return len(self._pairs())

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, key):
        return any(name == key for name, _ in self._pairs())

    def keys(self):
        """The names, in insertion order (a list).

        Example:
            >>> nn.ParameterDict({"scale": st.ones(4), "shift": st.zeros(4)}).keys()
            ['scale', 'shift']
        """
        return [name for name, _ in self._pairs()]

    def values(self):
        """The parameters, in insertion order (a list).

        Example:
            >>> params = nn.ParameterDict({"scale": st.ones(4), "shift": st.zeros(2)})
            >>> [p.shape[0] for p in params.values()]
            [4, 2]
        """
        return [value for _, value in self._pairs()]

    def items(self):
        """The (name, parameter) pairs, in insertion order (a list).

        Example:
            >>> params = nn.ParameterDict({"scale": st.ones(4)})
            >>> [(name, p.tolist()) for name, p in params.items()]
            [('scale', [1.0, 1.0, 1.0, 1.0])]
        """
        return self._pairs()

    def update(self, parameters):
        """Adds or replaces the parameters of ``parameters``, in its order; Tensors are wrapped
        as Parameters.

        Args:
            parameters (mapping or iterable of (str, Tensor) pairs): The parameters by name.

        Raises:
            TypeError: An entry is not a (name, tensor) pair, or a value is not a Tensor.

        Example:
            >>> params = nn.ParameterDict({"scale": st.ones(4)})
            >>> params.update({"shift": st.zeros(4)})
            >>> params.keys()
            ['scale', 'shift']
        """
        pairs = parameters.items() if isinstance(parameters, (Mapping, ParameterDict)) else (
            parameters)
        for entry in pairs:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError("ParameterDict.update: expected a mapping or (name, tensor) "
                                f"pairs, got an entry of type {type(entry).__name__}")
            self[entry[0]] = entry[1]


for _cls in (ModuleList, ModuleDict, ParameterList, ParameterDict):
    _cls.__module__ = "striate.nn"
