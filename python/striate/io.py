"""Weights files in the safetensors format, read and written by striate's own strict C++ code; the
names mirror ``safetensors.torch`` so they are where users look for them.

    import striate as st
    st.io.save_file({"w": st.randn(3, 4)}, "w.safetensors", metadata={"format": "pt"})
    tensors = st.io.load_file("w.safetensors")          # {"w": tensor}, in the file's order
    st.save_state_dict(model, "model.safetensors")
    model.load_state_dict(st.load_state_dict("model.safetensors"))

Files written here load with the ``safetensors`` package (and so with PyTorch), and theirs load
here. A malformed file raises OSError naming the function, the file and the problem. F32, F64, I64,
U8 and BOOL tensors load; other dtypes (F16, BF16, I32, ...) raise OSError naming the dtype.
"""

import os
from collections import OrderedDict

from . import _C
from ._C import Tensor

__all__ = ["load_file", "load_metadata", "load_state_dict", "save_file", "save_state_dict"]


def _path(path, operation):
    if isinstance(path, bytes):
        return os.fsdecode(path)
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(
            f"{operation}: expected a path (str or os.PathLike), got {type(path).__name__}"
        ) from None


def _named_tensors(tensors, operation):
    if not hasattr(tensors, "items"):
        raise TypeError(
            f"{operation}: expected a dict of names to tensors, got {type(tensors).__name__}"
        )
    pairs = []
    for name, tensor in tensors.items():
        if not isinstance(name, str):
            raise TypeError(
                f"{operation}: tensor names must be str, got {type(name).__name__} ({name!r})"
            )
        if not isinstance(tensor, Tensor):
            raise TypeError(
                f"{operation}: '{name}' must be a striate Tensor, got {type(tensor).__name__}"
            )
        pairs.append((name, tensor))
    return pairs


def _metadata(metadata, operation):
    if metadata is None:
        return {}
    if not hasattr(metadata, "items"):
        raise TypeError(
            f"{operation}: metadata must be a dict of str to str, got {type(metadata).__name__}"
        )
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(
                f"{operation}: metadata must map str to str, got {key!r}: {value!r} "
                f"({type(key).__name__}: {type(value).__name__})"
            )
    return dict(metadata)


def save_file(tensors, filename, metadata=None):
    """Writes a dict of name -> Tensor (any dtype striate has, any device, any strides) to
    ``filename``, with an optional ``metadata`` dict of str -> str. The names keep their order.
    The file replaces any previous one atomically: a reader, a crash or a kill sees the old file or
    the new one, never a partial one.

    Args:
        tensors (dict): ``{name: Tensor}``.
        filename (str or PathLike): The file to write.
        metadata (dict, optional): ``{str: str}`` stored in the header. Default: None.

    Raises:
        TypeError: A value is not a Tensor, or metadata is not str -> str.
        OSError: The file cannot be written.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> path = os.path.join(folder, "w.safetensors")
        >>> st.io.save_file({"w": st.ones(2, 3)}, path, metadata={"epoch": "3"})
        >>> st.io.load_file(path)["w"].shape, st.io.load_metadata(path)
        (striate.Size([2, 3]), {'epoch': '3'})
    """
    operation = "save_file"
    path = _path(filename, operation)
    _C._io.save_file(
        path, _named_tensors(tensors, operation), _metadata(metadata, operation), operation
    )


def load_file(filename, device="cpu"):
    """Reads every tensor of a safetensors file into a dict of name -> Tensor (in the file's
    order), on ``device``.

    Args:
        filename (str or PathLike): A safetensors file.
        device (str or device): Where to put the tensors. Default: ``'cpu'``.

    Returns:
        dict: ``{name: Tensor}`` in the file's order.

    Raises:
        OSError: A missing, truncated or malformed file (the message names it).

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> path = os.path.join(folder, "w.safetensors")
        >>> st.io.save_file({"b": st.zeros(1), "a": st.ones(1)}, path)
        >>> list(st.io.load_file(path))
        ['b', 'a']
    """
    return _load(filename, device, "load_file")


def load_metadata(filename):
    """The file's ``__metadata__`` dict of str -> str ({} when it has none); reads and checks only
    the header.

    Args:
        filename (str or PathLike): A safetensors file.

    Returns:
        dict: ``{str: str}``.

    Raises:
        OSError: A missing or malformed file.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> path = os.path.join(folder, "w.safetensors")
        >>> st.io.save_file({"w": st.ones(1)}, path)
        >>> st.io.load_metadata(path)
        {}
    """
    operation = "load_metadata"
    return _C._io.load_metadata(_path(filename, operation), operation)


def save_state_dict(module_or_state_dict, filename, metadata=None):
    """Writes a module's ``state_dict()`` (or a state dict itself) as a safetensors file, which
    ``load_state_dict`` and the ``safetensors`` package read back.

    Args:
        module_or_state_dict (Module or dict): The module, or its state dict.
        filename (str or PathLike): The file to write (atomically).
        metadata (dict, optional): ``{str: str}`` stored in the header. Default: None.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> model = nn.Linear(3, 2)
        >>> st.save_state_dict(model, os.path.join(folder, "linear.safetensors"))
        >>> sorted(st.load_state_dict(os.path.join(folder, "linear.safetensors")))
        ['bias', 'weight']
    """
    operation = "save_state_dict"
    state = module_or_state_dict
    if hasattr(state, "state_dict") and callable(state.state_dict):
        state = state.state_dict()
    if not hasattr(state, "items"):
        raise TypeError(
            f"{operation}: expected a Module or a state dict, got "
            f"{type(module_or_state_dict).__name__}"
        )
    path = _path(filename, operation)
    _C._io.save_file(
        path, _named_tensors(state, operation), _metadata(metadata, operation), operation
    )


def load_state_dict(filename, device="cpu"):
    """The tensors of a safetensors file as an OrderedDict, as ``module.load_state_dict`` takes.

    Args:
        filename (str or PathLike): A safetensors file.
        device (str or device): Where to put the tensors. Default: ``'cpu'``.

    Returns:
        OrderedDict: ``{name: Tensor}``.

    Raises:
        OSError: A missing, truncated or malformed file.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> model = nn.Linear(3, 2)
        >>> st.save_state_dict(model, os.path.join(folder, "m.safetensors"))
        >>> copy = nn.Linear(3, 2)
        >>> copy.load_state_dict(st.load_state_dict(os.path.join(folder, "m.safetensors")))
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((copy.weight == model.weight).all())
        True
    """
    return OrderedDict(_load(filename, device, "load_state_dict"))


def _load(filename, device, operation):
    pairs, _ = _C._io.load_file(_path(filename, operation), operation)
    if device is not None and str(device) != "cpu":
        pairs = [(name, tensor.to(device)) for name, tensor in pairs]
    return dict(pairs)
