"""striate.save / striate.load: Python objects holding tensors (state dicts, checkpoints) written
with pickle, tensors as raw little-endian bytes, files replaced atomically. Loading uses a
restricted unpickler by default (weights_only=True): only containers, numbers, strings, bytes and
tensors come back, never arbitrary classes, so a checkpoint from elsewhere cannot run code.

    striate.save({"model": model.state_dict(), "epoch": 3}, "runs/a/checkpoint.pt")
    state = striate.load("runs/a/checkpoint.pt")
"""

import collections
import os
import pickle
import stat
import struct
import tempfile
import threading

import numpy as np

from ._restricted_pickle import UnsafeGlobalError, restricted_load, unrestricted_load

__all__ = ["save", "load", "atomic_write"]

_UMASK_LOCK = threading.Lock()

_MAGIC = b"STRIATE1"


# The map_location of the load running on this thread (tensors are rebuilt inside the unpickler).
_LOADING = threading.local()


def _rebuild_tensor(data, dtype, shape, requires_grad, device="cpu"):
    from . import from_numpy

    array = np.frombuffer(data, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype, copy=True)
    tensor = _place(from_numpy(array.reshape(shape)), device)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _place(tensor, saved):
    """Moves a rebuilt (CPU) tensor to where map_location says, by default where it was saved."""
    location = getattr(_LOADING, "map_location", None)
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


def _reduce_tensor(tensor):
    # np.asarray keeps 0-d tensors 0-d (np.ascontiguousarray would make them 1-d).
    device = str(tensor.device)
    host = tensor.detach() if device == "cpu" else tensor.detach().cpu()
    array = np.asarray(host.numpy(), order="C")
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return (_rebuild_tensor, (little.tobytes(), array.dtype.name, tuple(array.shape),
                              bool(tensor.requires_grad), device))


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        from ._C import Tensor

        if isinstance(obj, Tensor):
            return _reduce_tensor(obj)
        return NotImplemented


_SAFE_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "complex"): complex,
    ("builtins", "slice"): slice,
    (__name__, "_rebuild_tensor"): _rebuild_tensor,
}


def _refusal(module, name):
    return (f"striate.load: the file refers to {module}.{name}, which weights_only=True does not "
            "load (only containers, numbers, strings and tensors); pass weights_only=False if you "
            "trust the file")


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


def save(obj, f):
    """Writes obj (dicts/lists/tuples of tensors, numbers, strings, bytes) to a path (atomically)
    or to a binary file object."""

    def write(stream):
        stream.write(_MAGIC)
        _Pickler(stream, protocol=4).dump(obj)

    if hasattr(f, "write"):
        write(f)
    else:
        atomic_write(f, write)


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


def load(f, map_location=None, weights_only=True):
    """Reads what save() wrote. Tensors come back on the device they were saved from unless
    map_location says otherwise, as in torch.load: a device or string ("cpu", "cuda:0") for all
    of them, a dict {saved: new} of locations, or a callable (tensor, saved_location) returning
    the tensor to use (None: the default). Raises OSError for a missing/unreadable file,
    ValueError for a file that is not a striate file or is damaged, and RuntimeError for a tensor
    whose device is not available (pass map_location="cpu")."""
    previous = getattr(_LOADING, "map_location", None)
    _LOADING.map_location = _canonical_map_location(map_location)
    try:
        if hasattr(f, "read"):
            return _load_stream(f, weights_only, getattr(f, "name", "<stream>"))
        path = os.fspath(f)
        # A FIFO or a device would block open() or read() forever: refuse what is not a file.
        if os.path.exists(path) and not os.path.isfile(path):
            raise OSError(f"striate.load: {path} is not a regular file")
        with open(path, "rb") as stream:
            return _load_stream(stream, weights_only, path)
    finally:
        _LOADING.map_location = previous


def _load_stream(stream, weights_only, name):
    magic = stream.read(len(_MAGIC))
    if magic != _MAGIC:
        raise ValueError(f"striate.load: {name} is not a file written by striate.save "
                         f"(expected header {_MAGIC!r}, got {magic!r})")
    try:
        if weights_only:
            return restricted_load(stream, _SAFE_GLOBALS, _refusal)
        return unrestricted_load(stream)
    except UnsafeGlobalError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError,
            AttributeError, struct.error) as error:
        raise ValueError(f"striate.load: {name} is truncated or damaged ({error})") from error


def _tensor_reduce(self):
    return _reduce_tensor(self)


def install_tensor_pickling():
    """Makes Tensor picklable with the standard pickle/copy modules (used by copy.deepcopy)."""
    from ._C import Tensor

    Tensor.__reduce__ = _tensor_reduce
    Tensor.__reduce_ex__ = lambda self, protocol: _reduce_tensor(self)

