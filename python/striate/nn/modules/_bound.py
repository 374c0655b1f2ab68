"""The bound C++ layers (striate._C._nn) and the helper that files classes under striate.nn."""

import re

from ... import _C

_nn = _C._nn

# Attributes that no constructor argument describes: their docstring (the others take the text of
# the class docstring's "Args:" or "Attributes:" entry of the same name).
_ATTRIBUTE_DOCS = {
    "size_average": "Always None: PyTorch's deprecated argument, kept so that a copy can be "
                    "rebuilt from the constructor's arguments.",
    "reduce": "Always None: PyTorch's deprecated argument, kept so that a copy can be rebuilt "
              "from the constructor's arguments.",
    "output_size": "The output size (H_out, W_out) the layer produces.",
    "squeeze_channels": "Width of the squeeze (hidden) layer.",
    "out_channels": "Channels of the output.",
    "expansion": "Ratio of output channels to the block's ``planes``/``out_channels`` argument.",
    "amplitude": "A = 1.7159, the amplitude of the scaled tanh.",
    "slope": "S = 2/3, the slope of the scaled tanh at the origin.",
    "weight": "The learnable weight (a Parameter), or None.",
    "bias": "The learnable bias (a Parameter), or None.",
    "in_channels": "Channels of the input.",
    "num_layers": "Number of layers.",
    "growth_rate": "Channels each layer adds.",
}

_ENTRY = re.compile(r"^    (\*?\w+(?:, \*?\w+)*)(?: \(([^)]*)\))?: (.*)$")


def _documented_arguments(doc):
    """{name: text} of the entries of a Google-style docstring's Args: and Attributes: sections."""
    entries, section, current = {}, None, None
    for line in (doc or "").splitlines():
        if line and not line.startswith(" "):
            section = line.rstrip(":") if line.endswith(":") else None
            current = None
            continue
        if section not in ("Args", "Attributes"):
            continue
        match = _ENTRY.match(line)
        if match:
            text = match.group(3).strip()
            if match.group(2):
                text = f"({match.group(2)}) {text}"
            current = [name.lstrip("*") for name in match.group(1).split(", ")]
            for name in current:
                entries[name] = text
        elif current and line.startswith("        "):
            for name in current:
                entries[name] += " " + line.strip()
    return entries


def _has_text(doc):
    """Whether doc says more than pybind11's generated signature line "(self: ...) -> type"."""
    return any(line.strip() and not line.lstrip().startswith("(")
               for line in (doc or "").splitlines())


def _document_attributes(cls):
    """Gives each undocumented property of cls the docstring of its constructor argument."""
    entries = _documented_arguments(cls.__dict__.get("__doc__"))
    for name, value in list(cls.__dict__.items()):
        if name.startswith("_") or not isinstance(value, property) or _has_text(value.__doc__):
            continue
        text = entries.get(name) or _ATTRIBUTE_DOCS.get(name)
        if not text:
            continue
        if type(value) is property:
            setattr(cls, name, property(value.fget, value.fset, value.fdel, text))
        else:  # pybind11's static property keeps no docstring: a subclass that does
            documented = _documented_static_property(type(value))(value.fget, value.fset,
                                                                  value.fdel)
            documented.__doc__ = text
            setattr(cls, name, documented)


_STATIC_PROPERTY_TYPES = {}


def _documented_static_property(static_property):
    """A subclass of pybind11's static property type whose instances hold a docstring."""
    if static_property not in _STATIC_PROPERTY_TYPES:
        def get_doc(self):
            return self.__dict__.get("doc")

        def set_doc(self, value):
            self.__dict__["doc"] = value

        _STATIC_PROPERTY_TYPES[static_property] = type(
            "DocumentedStaticProperty", (static_property,), {"__doc__": property(get_doc, set_doc)})
    return _STATIC_PROPERTY_TYPES[static_property]


def public(*classes):
    """Classes are documented, printed and pickled under striate.nn, where users find them; their
    attributes take the docstrings of the constructor arguments they read back."""
    for cls in classes:
        cls.__module__ = "striate.nn"
        _document_attributes(cls)
