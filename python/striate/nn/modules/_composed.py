"""Modules whose forward is one functional op with the module's arguments (torch's signature on
__init__): the layers PyTorch has that striate composes from other ops in Python."""

import inspect

from ..module import Module
from ._composed_docs import METHOD_EXAMPLES


def composed_module(name, function, parameters, doc):
    """A Module class named `name` whose __init__ takes `parameters` ([(name, default)], default
    inspect.Parameter.empty for a required one) and whose forward(*inputs) returns
    function(*inputs, **those arguments)."""
    signature = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d)
           for p, d in parameters])
    names = [p for p, _ in parameters]

    def __init__(self, *args, **kwargs):
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{name}: {error}") from None
        bound.apply_defaults()
        Module.__init__(self)
        for key in names:
            setattr(self, key, bound.arguments[key])

    def forward(self, *inputs):
        return function(*inputs, **{key: getattr(self, key) for key in names})

    def extra_repr(self):
        return ", ".join(f"{key}={getattr(self, key)!r}" for key in names)

    forward.__doc__ = (f"Applies {name} to the input(s) with this module's arguments (see the "
                       "class for the shapes); call the module rather than ``forward`` so that "
                       "hooks run.\n")
    extra_repr.__doc__ = "The module's constructor arguments, as its repr shows them.\n"
    if name in METHOD_EXAMPLES:
        arguments, inputs, shown, output, text = METHOD_EXAMPLES[name]
        forward.__doc__ += (f"\nExample:\n    >>> m = nn.{name}({arguments})\n"
                            f"    >>> m.forward({inputs}){shown}\n    {output}\n")
        extra_repr.__doc__ += (f"\nExample:\n    >>> nn.{name}({arguments}).extra_repr()\n"
                               f"    {text}\n")

    __init__.__signature__ = signature
    cls = type(name, (Module,), {"__init__": __init__, "forward": forward,
                                 "extra_repr": extra_repr, "__doc__": doc})
    cls.__module__ = "striate.nn"
    cls.__qualname__ = name
    return cls
