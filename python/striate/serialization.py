"""striate.save / striate.load on the safetensors container, with no pickle anywhere.

A Module is saved as a self-describing model file (``.striate``): its state dict as tensors and its
architecture as JSON in the metadata, so ``striate.load`` (and ``striate::io::load_model`` in C++)
rebuilds it without any Python class. Any other object (a state dict, a Trainer checkpoint) is saved
as a checkpoint: every tensor in the body under its path ("model/fc.weight"), everything else as
JSON in the metadata ("tree"). Both are written atomically by the C++ writer (temporary file,
fsync, rename, directory fsync).

    striate.save(model, "lenet5.striate");  model = striate.load("lenet5.striate")
    striate.save({"model": model.state_dict(), "epoch": 3}, "runs/a/checkpoint.ckpt")

Files of the old pickle-based format (before 0.x) are recognised and refused with the command that
converts them once: ``striate convert OLD NEW`` (the only code that still reads them, through the
restricted unpickler).
"""

import collections
import json
import math
import os
import stat
import tempfile
import threading

import numpy as np

__all__ = ["save", "load", "atomic_write", "convert"]

_UMASK_LOCK = threading.Lock()

# The header of the old pickle-based files (read only by convert()).
_LEGACY_MAGIC = b"STRIATE1"
_MODEL_FORMAT = "striate.model"
_CHECKPOINT_FORMAT = "striate.checkpoint"
_FORMAT_VERSION = "1"
# Bounds on what a file's tree may ask for before anything is allocated from it.
_MAX_TREE_DEPTH = 64


# ----------------------------------------------------------------------------------- atomic files


def _file_mode(path):
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        pass
    with _UMASK_LOCK:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path, write):
    """Calls write(file) on a temporary file beside `path`, flushes it to disk, then renames it
    over `path`: readers see the old file or the new one, never a torn one."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                                         dir=directory)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would (or the
        # replaced file's), so a checkpoint stays as readable as the user's other files.
        os.chmod(temporary, _file_mode(path))
        with os.fdopen(handle, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    try:
        directory_handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory_handle)
    except OSError:
        pass
    finally:
        os.close(directory_handle)


# --------------------------------------------------------------------------------- object <-> tree


class _Encoder:
    """Turns a nested object into a JSON tree, collecting its tensors as (name, tensor) pairs."""

    def __init__(self, operation):
        self.operation = operation
        self.tensors = []
        self.names = set()

    def _name(self, path):
        base = "/".join(path) or "tensor"
        name, n = base, 1
        while name in self.names:
            n += 1
            name = f"{base}#{n}"
        self.names.add(name)
        return name

    def _add(self, tensor, path):
        name = self._name(path)
        self.tensors.append((name, tensor))
        return name

    def encode(self, obj, path=()):
        from . import from_numpy
        from ._C import Tensor

        if len(path) > _MAX_TREE_DEPTH:
            raise ValueError(f"{self.operation}: the object is nested deeper than "
                             f"{_MAX_TREE_DEPTH} levels")
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, (np.bool_,)):
            return bool(obj)
        if isinstance(obj, (int, np.integer)):
            return int(obj)
        if isinstance(obj, (float, np.floating)):
            value = float(obj)
            if math.isfinite(value):
                return value
            return {"__float__": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
        if isinstance(obj, Tensor):
            ref = {"__tensor__": self._add(obj, path)}
            if obj.requires_grad:
                ref["requires_grad"] = True
            if str(obj.device) != "cpu":
                ref["device"] = str(obj.device)
            return ref
        if isinstance(obj, np.ndarray):
            array = np.ascontiguousarray(obj)
            if array.dtype.hasobject:
                raise TypeError(f"{self.operation}: {'/'.join(path) or 'the object'} is a NumPy "
                                "array of Python objects, which cannot be saved")
            raw = np.frombuffer(array.astype(array.dtype.newbyteorder("<")).tobytes(), np.uint8)
            return {"__ndarray__": self._add(from_numpy(raw.copy()), path),
                    "dtype": array.dtype.newbyteorder("<").str, "shape": list(array.shape)}
        if isinstance(obj, (bytes, bytearray)):
            raw = np.frombuffer(bytes(obj), np.uint8).copy()
            return {"__bytes__": self._add(from_numpy(raw), path)}
        if isinstance(obj, tuple):
            return {"__tuple__": [self.encode(v, path + (str(i),)) for i, v in enumerate(obj)]}
        if isinstance(obj, list):
            return [self.encode(v, path + (str(i),)) for i, v in enumerate(obj)]
        if isinstance(obj, dict):
            plain = all(isinstance(k, str) and not k.startswith("__") for k in obj)
            if plain:
                body = {k: self.encode(v, path + (k,)) for k, v in obj.items()}
            else:
                body = {"__dict__": [[self.encode(k, path + ("key",)),
                                      self.encode(v, path + (str(k),))] for k, v in obj.items()]}
            if isinstance(obj, collections.OrderedDict):
                return {"__ordered__": body}
            return body
        raise TypeError(f"{self.operation}: cannot save {'/'.join(path) or 'the object'} of type "
                        f"{type(obj).__name__} (checkpoints hold dicts, lists, tuples, numbers, "
                        "strings, bytes, NumPy arrays and tensors)")


class _Decoder:
    """Rebuilds the object of a tree, with every field checked (a malformed file raises
    ValueError naming the file and the path in the tree)."""

    def __init__(self, tensors, name, map_location):
        self.tensors = tensors
        self.name = name
        self.map_location = map_location
        self.used = set()

    def fail(self, where, problem):
        raise ValueError(f"striate.load: {self.name}: {where or 'the tree'}: {problem}")

    def _tensor(self, value, key, where):
        name = value.get(key)
        if not isinstance(name, str) or name not in self.tensors:
            self.fail(where, f"refers to tensor {name!r}, which the file does not hold")
        return self.tensors[name]

    def decode(self, value, where="", depth=0):
        if depth > _MAX_TREE_DEPTH:
            self.fail(where, f"nested deeper than {_MAX_TREE_DEPTH} levels")
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            return [self.decode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
        if not isinstance(value, dict):
            self.fail(where, f"unexpected JSON value of type {type(value).__name__}")
        tags = [k for k in value if k.startswith("__")]
        if not tags:
            return {k: self.decode(v, f"{where}.{k}" if where else k, depth + 1)
                    for k, v in value.items()}
        tag = tags[0]
        if tag == "__tensor__":
            tensor = _place(self._tensor(value, "__tensor__", where), value.get("device", "cpu"),
                            self.map_location)
            if value.get("requires_grad") is True:
                tensor.requires_grad_(True)
            return tensor
        if tag == "__float__":
            text = value["__float__"]
            if text not in ("inf", "-inf", "nan"):
                self.fail(where, f"unknown special float {text!r}")
            return float(text)
        if tag == "__tuple__":
            items = value["__tuple__"]
            if not isinstance(items, list):
                self.fail(where, "__tuple__ must hold a list")
            return tuple(self.decode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(items))
        if tag == "__ordered__":
            inner = self.decode(value["__ordered__"], where, depth + 1)
            if not isinstance(inner, dict):
                self.fail(where, "__ordered__ must hold a dict")
            return collections.OrderedDict(inner)
        if tag == "__dict__":
            pairs = value["__dict__"]
            if not isinstance(pairs, list) or not all(
                    isinstance(p, list) and len(p) == 2 for p in pairs):
                self.fail(where, "__dict__ must hold [key, value] pairs")
            result = {}
            for key, item in pairs:
                key = self.decode(key, f"{where} key", depth + 1)
                if isinstance(key, list):
                    self.fail(where, "a dict key cannot be a list")
                result[key] = self.decode(item, f"{where}[{key!r}]", depth + 1)
            return result
        if tag == "__bytes__":
            return self._tensor(value, "__bytes__", where).numpy().tobytes()
        if tag == "__ndarray__":
            raw = self._tensor(value, "__ndarray__", where).numpy()
            try:
                dtype = np.dtype(value.get("dtype"))
                shape = tuple(int(n) for n in value.get("shape"))
            except (TypeError, ValueError) as error:
                self.fail(where, f"bad NumPy dtype or shape ({error})")
            if dtype.hasobject or any(n < 0 for n in shape):
                self.fail(where, "bad NumPy dtype or shape")
            count = math.prod(shape)
            if count * dtype.itemsize != raw.size:
                self.fail(where, f"{raw.size} bytes do not hold a {dtype} array of shape {shape}")
            return np.frombuffer(raw.tobytes(), dtype).astype(dtype.newbyteorder("="))\
                .reshape(shape)
        self.fail(where, f"unknown tag {tag!r}")


def _place(tensor, saved, location):
    """Moves a loaded (CPU) tensor to where map_location says, by default where it was saved."""
    target = saved
    if callable(location):
        moved = location(tensor, saved)
        if moved is not None:
            return moved
    elif isinstance(location, dict):
        target = location.get(saved, saved)
    elif location is not None:
        target = location
    if target == "cpu":
        return tensor
    try:
        return tensor.to(target)
    except (RuntimeError, ValueError) as error:  # NotImplementedError: no CUDA backend
        raise RuntimeError(f"striate.load: a tensor was saved on {saved} and cannot be placed on "
                           f"{target} ({error}); pass map_location='cpu'") from None


# ------------------------------------------------------------------------------------ save / load


def _check_builtin_tree(model, operation):
    """A Python-defined Module subclass has no architecture C++ can rebuild: say so by class."""
    for name, module in model.named_modules():
        cls = type(module)
        if not cls.__module__.startswith("striate"):
            where = f"the submodule '{name}'" if name else "the model"
            raise TypeError(
                f"{operation}: {where} is a {cls.__qualname__} (a Python-defined Module subclass "
                f"from {cls.__module__}), whose architecture cannot be exported to a model file; "
                "save its weights with striate.io.save_state_dict(model, path) and rebuild the "
                "model in code before model.load_state_dict(striate.io.load_state_dict(path))")


def _via_temporary(f, write):
    """Writes through a temporary file to a binary file object (the C++ writer takes paths)."""
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "object")
        write(path)
        with open(path, "rb") as stream:
            f.write(stream.read())


def save(obj, f):
    """Writes a Module as a model file (architecture + weights; built-in modules only) or any
    other object (dicts/lists/tuples of tensors, numbers, strings, bytes, NumPy arrays) as a
    checkpoint, to a path (atomically) or to a binary file object.

    Args:
        obj: A Module, or a checkpoint object (containers of tensors, numbers, strings, bytes,
            NumPy arrays).
        f (str, PathLike or binary file): Where to write.

    Raises:
        TypeError: An object of a type a checkpoint cannot hold, or a Python-defined module.
        OSError: The file cannot be written.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> path = os.path.join(folder, "ckpt.pt")
        >>> st.save({"epoch": 3, "w": st.ones(2)}, path)
        >>> st.load(path)
        {'epoch': 3, 'w': tensor([1., 1.])}
    """
    from . import _C
    from .nn import Module

    if isinstance(obj, Module):
        _check_builtin_tree(obj, "striate.save")

        def write(path):
            _C._io.save_model(obj, path, {})
    else:
        encoder = _Encoder("striate.save")
        tree = encoder.encode(obj)
        metadata = {"format": _CHECKPOINT_FORMAT, "format_version": _FORMAT_VERSION,
                    "striate_version": _version(),
                    "tree": json.dumps(tree, ensure_ascii=False, allow_nan=False)}

        def write(path):
            _C._io.save_file(path, encoder.tensors, metadata, "striate.save")

    if hasattr(f, "write"):
        _via_temporary(f, write)
    else:
        path = os.fspath(f)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)  # as atomic_write does
        write(path)


def _version():
    from . import __version__

    return str(__version__)


def _canonical_map_location(map_location):
    """map_location with devices as canonical strings ("cuda" -> "cuda:0"), once per load: None,
    a callable, a target string, or a dict of saved -> target strings."""
    from . import device

    if map_location is None or callable(map_location):
        return map_location
    if isinstance(map_location, (str, device)):
        return str(device(str(map_location)))
    if isinstance(map_location, dict):
        return {str(device(str(key))): str(device(str(value)))
                for key, value in map_location.items()}
    raise TypeError("striate.load: map_location should be a device, a string, a dict or a "
                    f"callable, got {type(map_location).__name__}")


def _regular_file(path, operation):
    """Refuses what is not a regular file from a stat(), before any open() that could block."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"{operation}: {path}: no such file") from None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{operation}: {path} is not a regular file (a directory)")
    if not stat.S_ISREG(mode):
        raise OSError(f"{operation}: {path} is not a regular file")


def _read_prefix(path, size):
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        return os.read(fd, size)
    finally:
        os.close(fd)


def load(f, map_location=None, weights_only=True):
    """Reads what save() wrote: a model file comes back as the rebuilt Module (no Python class
    needed), a checkpoint as the saved object. Tensors come back on the device they were saved
    from unless map_location says otherwise, as in torch.load: a device or string ("cpu",
    "cuda:0") for all of them, a dict {saved: new}, or a callable (tensor, saved_location)
    returning the tensor to use (None: the default). PyTorch's own files (torch.save, .pt/.pth)
    load too, as torch.load(weights_only=True) reads them: tensors, storages and plain containers
    only, so torchvision's pretrained files load without PyTorch (see striate/_torch_file.py).
    No file can make striate run code: weights_only is accepted for torch compatibility and
    changes nothing. Raises FileNotFoundError / OSError for
    a missing, non-regular, unreadable or malformed file (naming the file and the problem),
    ValueError for a file of the old pickle format (run `striate convert OLD NEW`) or a damaged
    tree, and RuntimeError for a tensor whose device is not available (pass map_location="cpu").

    Args:
        f (str, PathLike or binary file): What :func:`save` (or ``torch.save``) wrote.
        map_location (str, device, dict or callable, optional): Where to put the tensors.
            Default: None (where they were saved from).
        weights_only (bool): Accepted for torch compatibility; changes nothing. Default: True.

    Returns:
        The rebuilt Module, or the saved object.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> path = os.path.join(folder, "model.pt")
        >>> st.save(nn.Sequential(nn.Linear(4, 2), nn.ReLU()), path)
        >>> st.load(path)(st.zeros(1, 4)).shape
        striate.Size([1, 2])
    """
    location = _canonical_map_location(map_location)
    if hasattr(f, "read"):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "object")
            with open(path, "wb") as stream:
                stream.write(f.read())
            return _load_path(path, location, getattr(f, "name", "<stream>"))
    path = os.fspath(f)
    _regular_file(path, "striate.load")
    return _load_path(path, location, path)


def _load_path(path, location, name):
    from . import _C

    from ._torch_file import is_torch_file, load_torch_file

    if is_torch_file(_read_prefix(path, 16)):
        return load_torch_file(path, name, location)
    if _read_prefix(path, len(_LEGACY_MAGIC)) == _LEGACY_MAGIC:
        raise ValueError(f"striate.load: {name} is a checkpoint in the old pickle-based format, "
                         "which striate no longer reads directly; convert it once with "
                         f"`striate convert {name} NEW` (it reads the old file without running "
                         "any code from it)")
    try:
        metadata = _C._io.load_metadata(path, "striate.load")
    except OSError as error:
        raise OSError(f"striate.load: {name} is not a file written by striate.save, or it is "
                      f"truncated or damaged ({error})") from None
    kind = metadata.get("format")
    if kind == _MODEL_FORMAT:
        model = _C._io.load_model(path)
        if location is not None:
            target = location if isinstance(location, str) else None
            if target is not None and target != "cpu":
                model.to(target)
        return model
    if kind != _CHECKPOINT_FORMAT:
        raise ValueError(f"striate.load: {name} is a safetensors file but not one written by "
                         f"striate.save (format {kind!r}); plain weights files load with "
                         "striate.io.load_file / striate.io.load_state_dict")
    if metadata.get("format_version") != _FORMAT_VERSION:
        raise ValueError(f"striate.load: {name} has format_version "
                         f"{metadata.get('format_version')!r}; this striate reads "
                         f"{_FORMAT_VERSION!r} (written by a newer striate?)")
    try:
        pairs, metadata = _C._io.load_file(path, "striate.load")
    except OSError as error:
        raise OSError(f"striate.load: {name} is truncated or damaged ({error})") from None
    try:
        tree = json.loads(metadata.get("tree", ""))
    except ValueError as error:
        raise ValueError(f"striate.load: {name}: the tree is not valid JSON ({error})") from None
    return _Decoder(dict(pairs), name, location).decode(tree)


# ------------------------------------------------------------------------- old files: convert only


def _load_legacy(path):
    """Reads a file of the old pickle format through the restricted unpickler (containers,
    numbers, strings and tensors only: the file cannot name code to run)."""
    import pickle
    import struct

    from ._restricted_pickle import UnsafeGlobalError, restricted_load

    def rebuild_tensor(data, dtype, shape, requires_grad, device="cpu"):
        from . import from_numpy

        array = np.frombuffer(data, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)
        tensor = from_numpy(array.reshape(shape).copy())
        if requires_grad:
            tensor.requires_grad_(True)
        return tensor

    allowed = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "complex"): complex,
        ("builtins", "slice"): slice,
        (__name__, "_rebuild_tensor"): rebuild_tensor,
    }

    def refusal(module, name):
        return (f"striate convert: {path} refers to {module}.{name}, which is not data "
                "(only containers, numbers, strings and tensors are converted)")

    _regular_file(path, "striate convert")
    with open(path, "rb") as stream:
        magic = stream.read(len(_LEGACY_MAGIC))
        if magic != _LEGACY_MAGIC:
            raise ValueError(f"striate convert: {path} is not a file of the old pickle format "
                             f"(expected header {_LEGACY_MAGIC!r}, got {magic!r})")
        try:
            return restricted_load(stream, allowed, refusal)
        except UnsafeGlobalError:
            raise
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError,
                AttributeError, struct.error) as error:
            raise ValueError(f"striate convert: {path} is truncated or damaged ({error})") \
                from error


def _sets_to_lists(obj):
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=repr)
    if isinstance(obj, (complex, slice)):
        return repr(obj)
    if isinstance(obj, dict):
        return type(obj)((k, _sets_to_lists(v)) for k, v in obj.items()) \
            if isinstance(obj, collections.OrderedDict) else \
            {k: _sets_to_lists(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_sets_to_lists(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_sets_to_lists(v) for v in obj)
    return obj


def convert(old, new):
    """Rewrites a file of the old pickle-based format as a checkpoint of the current format (what
    `striate convert OLD NEW` runs); returns the object."""
    obj = _sets_to_lists(_load_legacy(os.fspath(old)))
    save(obj, new)
    return obj


# ------------------------------------------------------------------------------- Tensor pickling


def _rebuild_tensor(data, dtype, shape, requires_grad, device="cpu"):
    from . import from_numpy

    array = np.frombuffer(data, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype, copy=True)
    tensor = from_numpy(array.reshape(shape))
    if device != "cpu":
        tensor = tensor.to(device)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _reduce_tensor(tensor):
    # np.asarray keeps 0-d tensors 0-d (np.ascontiguousarray would make them 1-d).
    device = str(tensor.device)
    host = tensor.detach() if device == "cpu" else tensor.detach().cpu()
    array = np.asarray(host.numpy(), order="C")
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return (_rebuild_tensor, (little.tobytes(), array.dtype.name, tuple(array.shape),
                              bool(tensor.requires_grad), device))


def _tensor_reduce(self):
    return _reduce_tensor(self)


def install_tensor_pickling():
    """Makes Tensor picklable with the standard pickle/copy modules (copy.deepcopy uses it; striate
    itself never unpickles)."""
    from ._C import Tensor

    Tensor.__reduce__ = _tensor_reduce
    Tensor.__reduce_ex__ = lambda self, protocol: _reduce_tensor(self)

