"""PyTorch's own files (torch.save: .pt / .pth) read without PyTorch and without running code.

The equivalent of ``torch.load(path, weights_only=True)``: the pickle inside may name only
tensors, parameters, storages, torch.Size, dtypes, devices and plain containers; anything else
(a model class, a function) is refused with UnsafeGlobalError before it is looked up. Both of
torch's layouts are read:

- the zip archive (torch >= 1.6): ``<archive>/data.pkl`` plus one ``<archive>/data/<key>`` entry
  of raw bytes per storage, and ``<archive>/byteorder``;
- the legacy stream (``_use_new_zipfile_serialization=False``): magic number, protocol, system
  info, the object, the storage keys, then each storage as an int64 element count and its bytes.

Every storage's size is checked against the bytes the file holds, and every tensor's offset,
sizes and strides against its storage, before anything is allocated from them. Tensors come back
contiguous (views of one storage become separate tensors, as in striate's own files). striate
has no float16/bfloat16/int32/int16/int8 tensors: those load widened, losslessly, to float32 or
int64.
"""

import collections
import io
import struct
import zipfile
import zlib

import numpy as np

from ._restricted_pickle import UnsafeGlobalError, latin1_bytes, restricted_load

__all__ = ["is_torch_file", "load_torch_file"]

_ZIP_MAGIC = b"PK\x03\x04"
# pickle protocol 2 of the int 0x1950a86a20f9469cfc6c, which the legacy stream starts with.
_LEGACY_MAGIC = b"\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19."
_LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001

# torch storage class -> (dtype of the bytes in the file, dtype striate holds it in)
_STORAGES = {
    "DoubleStorage": ("<f8", np.float64),
    "FloatStorage": ("<f4", np.float32),
    "HalfStorage": ("<f2", np.float32),
    "BFloat16Storage": ("bfloat16", np.float32),
    "LongStorage": ("<i8", np.int64),
    "IntStorage": ("<i4", np.int64),
    "ShortStorage": ("<i2", np.int64),
    "CharStorage": ("i1", np.int64),
    "ByteStorage": ("u1", np.uint8),
    "BoolStorage": ("?", np.bool_),
}
_ITEMSIZE = {"bfloat16": 2}


def is_torch_file(prefix):
    """Whether the first bytes of a file are those of a torch.save file (either layout)."""
    return prefix.startswith((_ZIP_MAGIC, _LEGACY_MAGIC))


class _Storage:
    """A storage named by the pickle: its element type and key; its bytes are fetched lazily."""

    def __init__(self, kind, key, location, numel):
        self.kind, self.key, self.location, self.numel = kind, key, location, numel
        self.array = None


class _StorageType:
    def __init__(self, name):
        self.name = name


class _TorchDtype:
    def __init__(self, name):
        self.name = name

    def __reduce__(self):  # never pickled back; a plain marker
        raise TypeError("not picklable")


class _FileError(ValueError):
    """A problem found in the file, already phrased for the user."""


def _fail(name, problem):
    raise _FileError(f"striate.load: {name}: {problem}")


def _check_ints(name, what, values):
    if not isinstance(values, (tuple, list)) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        _fail(name, f"a tensor's {what} must be a tuple of ints, got {values!r}")
    return tuple(values)


class _Reader:
    def __init__(self, name, location, fetch):
        self.name = name
        self.location = location
        self.fetch = fetch  # fetch(storage) -> the storage's elements (a 1-d NumPy array)
        self.storages = {}
        self.deferred = False  # legacy files: tensors are built after the storages are read

    # -------------------------------------------------------------------- what the pickle calls
    def allowed(self):
        def storage_class(kind):
            return _StorageType(kind)

        allowed = {("torch", kind): storage_class(kind) for kind in _STORAGES}
        allowed.update(
            {
                ("collections", "OrderedDict"): collections.OrderedDict,
                ("builtins", "set"): set,
                ("__builtin__", "set"): set,
                ("builtins", "frozenset"): frozenset,
                ("__builtin__", "frozenset"): frozenset,
                ("builtins", "complex"): complex,
                ("__builtin__", "complex"): complex,
                ("builtins", "slice"): slice,
                ("__builtin__", "slice"): slice,
                ("_codecs", "encode"): latin1_bytes("striate.load"),
                ("torch._utils", "_rebuild_tensor"): self.rebuild_tensor_v1,
                ("torch._utils", "_rebuild_tensor_v2"): self.rebuild_tensor,
                ("torch._utils", "_rebuild_parameter"): self.rebuild_parameter,
                ("torch._utils", "_rebuild_parameter_with_state"): self.rebuild_parameter,
                ("torch._tensor", "_rebuild_from_type_v2"): self.rebuild_from_type,
                ("torch", "Tensor"): _StorageType("Tensor"),
                ("torch.nn.parameter", "Parameter"): _StorageType("Parameter"),
                ("torch", "Size"): self.size,
                ("torch", "device"): self.device,
            }
        )
        for dtype in ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16",
                      "int8", "uint8", "bool", "float", "double", "half", "long", "int"):
            allowed[("torch", dtype)] = self.dtype(dtype)
        return allowed

    def refusal(self, module, name):
        return (
            f"striate.load: {self.name} names {module}.{name}, which a weights-only load does "
            "not admit (only tensors, storages, torch.Size, dtypes, devices and plain "
            "containers); striate never runs code from a file. Save the state_dict in PyTorch "
            "(torch.save(model.state_dict(), path)) and load that"
        )

    @staticmethod
    def size(dims=()):
        from . import Size

        return Size(tuple(int(d) for d in dims))

    @staticmethod
    def device(spec, index=None):
        from . import device

        return device(str(spec) if index is None else f"{spec}:{int(index)}")

    @staticmethod
    def dtype(name):
        from . import bool as bool_
        from . import float32, float64, int64, uint8

        known = {"float32": float32, "float": float32, "float64": float64, "double": float64,
                 "int64": int64, "long": int64, "uint8": uint8, "bool": bool_}
        return known.get(name, _TorchDtype(name))

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            _fail(self.name, f"unexpected persistent id {pid!r} (expected a storage)")
        kind, key, location, numel = pid[1], pid[2], pid[3], pid[4]
        if not isinstance(kind, _StorageType) or kind.name not in _STORAGES:
            _fail(self.name, f"unexpected storage type {kind!r}")
        if not isinstance(key, str) or not isinstance(location, str):
            _fail(self.name, f"malformed storage reference {pid!r}")
        if not isinstance(numel, int) or numel < 0:
            _fail(self.name, f"storage {key!r} has an invalid element count {numel!r}")
        view = pid[5] if len(pid) > 5 else None
        storage = self.storages.get(key)
        if storage is None:
            storage = self.storages[key] = _Storage(kind.name, key, location, numel)
        elif storage.kind != kind.name or storage.numel != numel:
            _fail(self.name, f"storage {key!r} is described twice, differently")
        if view is not None:  # legacy files: (view_key, offset, size) into the root storage
            if not (isinstance(view, tuple) and len(view) == 3):
                _fail(self.name, f"malformed storage view {view!r}")
            _, offset, view_size = view
            if (not isinstance(offset, int) or not isinstance(view_size, int) or offset < 0
                    or view_size < 0 or offset + view_size > numel):
                _fail(self.name, f"storage view {view!r} lies outside storage {key!r} "
                      f"of {numel} elements")
            return ("view", storage, offset, view_size)
        return ("view", storage, 0, numel)

    def elements(self, ref):
        _, storage, offset, size = ref
        if storage.array is None:
            storage.array = self.fetch(storage)
        return storage, storage.array[offset:offset + size]

    def rebuild_tensor(self, ref, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
        if self.deferred:
            return _Deferred(self.rebuild_tensor, ref, storage_offset, size, stride,
                             requires_grad)
        from . import from_numpy

        if not (isinstance(ref, tuple) and ref and ref[0] == "view"):
            _fail(self.name, "a tensor's storage is not a storage reference")
        size = _check_ints(self.name, "size", size)
        stride = _check_ints(self.name, "stride", stride)
        if len(size) != len(stride):
            _fail(self.name, f"a tensor has size {size} but stride {stride}")
        if not isinstance(storage_offset, int) or storage_offset < 0:
            _fail(self.name, f"a tensor has storage offset {storage_offset!r}")
        if any(d < 0 for d in size) or any(s < 0 for s in stride):
            _fail(self.name, f"a tensor has a negative size or stride ({size}, {stride})")
        storage, elements = self.elements(ref)
        count = 1
        for d in size:
            count *= d
        if count:
            last = storage_offset + sum((d - 1) * s for d, s in zip(size, stride))
            if last >= elements.size:
                _fail(self.name, f"a tensor of size {size}, stride {stride} at offset "
                      f"{storage_offset} reaches element {last} of storage {storage.key!r}, "
                      f"which holds {elements.size}")
            item = elements.itemsize
            view = np.lib.stride_tricks.as_strided(
                elements[storage_offset:], shape=size,
                strides=tuple(s * item for s in stride), writeable=False)
            array = np.array(view, order="C")  # a copy: views of one storage stay independent
        else:
            array = np.zeros(size, dtype=elements.dtype)
        tensor = from_numpy(array)
        from .serialization import _place

        tensor = _place(tensor, storage.location, self.location)
        if requires_grad is True:
            tensor.requires_grad_(True)
        return tensor

    def rebuild_tensor_v1(self, ref, storage_offset, size, stride):
        return self.rebuild_tensor(ref, storage_offset, size, stride)

    def rebuild_parameter(self, data, requires_grad, backward_hooks=None, state=None):
        from .nn import Parameter

        if isinstance(data, _Deferred):
            return _Deferred(self.rebuild_parameter, data, requires_grad)
        if not hasattr(data, "requires_grad_"):
            _fail(self.name, "a parameter wraps something that is not a tensor")
        return Parameter(data.detach() if data.requires_grad else data,
                         requires_grad=bool(requires_grad))

    def rebuild_from_type(self, func, new_type, args, state):
        if func not in (self.rebuild_tensor, self.rebuild_parameter, self.rebuild_tensor_v1):
            raise UnsafeGlobalError(f"striate.load: {self.name}: a tensor subclass is rebuilt "
                                    "by a function a weights-only load does not admit")
        tensor = func(*args)
        if isinstance(new_type, _StorageType) and new_type.name == "Parameter":
            tensor = self.rebuild_parameter(tensor, True)
        return tensor

    def load(self, stream):
        try:
            return restricted_load(stream, self.allowed(), self.refusal, self.persistent_load,
                                   encoding="utf-8")
        except (UnsafeGlobalError, _FileError, OSError, RuntimeError):
            raise  # RuntimeError: a tensor's device is not available (map_location)
        except MemoryError:
            _fail(self.name, "the pickle in this PyTorch file asks for more memory than there is")
        except Exception as error:  # anything a damaged pickle provokes, phrased for the user
            _fail(self.name, f"the pickle in this PyTorch file is damaged "
                  f"({type(error).__name__}: {error})")


def _decode(raw, kind, name, key, big_endian):
    file_dtype, held = _STORAGES[kind]
    if file_dtype == "bfloat16":
        words = np.frombuffer(raw, dtype=">u2" if big_endian else "<u2").astype(np.uint32)
        return (words << 16).view(np.float32)
    dtype = np.dtype(file_dtype)
    if big_endian and dtype.itemsize > 1:
        dtype = dtype.newbyteorder(">")
    return np.frombuffer(raw, dtype=dtype).astype(held)


def _itemsize(kind):
    file_dtype = _STORAGES[kind][0]
    return _ITEMSIZE.get(file_dtype) or np.dtype(file_dtype).itemsize


def _read_entry(archive, info, limit, name):
    """At most `limit` bytes of an archive entry; a damaged entry (bad CRC, torn deflate stream)
    raises OSError naming the file and the entry."""
    try:
        with archive.open(info) as stream:
            return stream.read(limit)
    except MemoryError:
        raise
    except Exception as error:  # BadZipFile, zlib.error, EOFError, an unknown compression method
        raise OSError(f"striate.load: {name}: entry {info.filename} is damaged "
                      f"({type(error).__name__}: {error})") from None


def _load_zip(path, name, location):
    try:
        archive = zipfile.ZipFile(path)
    except Exception as error:  # BadZipFile, OSError, a central directory that does not decode
        raise OSError(f"striate.load: {name} is not a file written by striate.save, nor a "
                      f"readable PyTorch zip archive ({error})") from None
    with archive:
        entries = {info.filename: info for info in archive.infolist()}
        pickles = [n for n in entries if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            _fail(name, "a PyTorch archive holds exactly one <name>/data.pkl; this zip holds "
                  f"{len(pickles)} (is it a PyTorch file?)")
        prefix = pickles[0][: -len("data.pkl")]
        big_endian = False
        if prefix + "byteorder" in entries:
            order = _read_entry(archive, entries[prefix + "byteorder"], 16, name).strip()
            if order not in (b"little", b"big"):
                _fail(name, f"unknown byte order {order!r}")
            big_endian = order == b"big"

        def fetch(storage):
            entry = entries.get(f"{prefix}data/{storage.key}")
            if entry is None:
                _fail(name, f"storage {storage.key!r} is named but its data/{storage.key} "
                      "entry is missing")
            expected = storage.numel * _itemsize(storage.kind)
            if entry.file_size != expected:
                _fail(name, f"storage {storage.key!r} should hold {expected} bytes "
                      f"({storage.numel} x {storage.kind}), its entry holds {entry.file_size}")
            raw = _read_entry(archive, entry, expected + 1, name)
            if len(raw) != expected:
                _fail(name, f"storage {storage.key!r} is truncated")
            return _decode(raw, storage.kind, name, storage.key, big_endian)

        reader = _Reader(name, location, fetch)
        info = entries[pickles[0]]
        if info.file_size > 1 << 31:
            _fail(name, f"data.pkl is {info.file_size} bytes; a state dict's pickle is small")
        return reader.load(io.BytesIO(_read_entry(archive, info, info.file_size, name)))


def _load_legacy(path, name, location):
    # Read whole: a damaged length in the pickle then cannot make the unpickler allocate more than
    # the file holds (a file object's read(n) allocates n bytes first; BytesIO's does not).
    with open(path, "rb") as file:
        contents = file.read()
    with io.BytesIO(contents) as stream:
        def header(what):
            try:
                return restricted_load(stream, {}, lambda m, n: f"striate.load: {name}: the "
                                       f"{what} names {m}.{n}", encoding="utf-8")
            except UnsafeGlobalError:
                raise
            except Exception as error:  # a damaged header, phrased for the user
                _fail(name, f"the legacy PyTorch header is damaged ({type(error).__name__}: "
                      f"{error})")

        if header("magic number") != _LEGACY_MAGIC_NUMBER:
            _fail(name, "not a PyTorch file (wrong magic number)")
        if header("protocol") != _LEGACY_PROTOCOL:
            _fail(name, "a legacy PyTorch file of an unknown protocol version")
        sys_info = header("system info")
        big_endian = isinstance(sys_info, dict) and sys_info.get("little_endian") is False
        pending = {}

        def fetch(storage):  # filled in below, once the keys and offsets are known
            if storage.key not in pending:
                _fail(name, f"storage {storage.key!r} is named but not stored")
            return pending[storage.key]

        reader = _Reader(name, location, fetch)
        reader.deferred = True
        result = reader.load(stream)
        keys = header("storage keys")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            _fail(name, "the storage key list is malformed")
        for key in keys:
            storage = reader.storages.get(key)
            if storage is None:
                _fail(name, f"storage {key!r} is stored but never named")
            count = stream.read(8)
            if len(count) != 8:
                _fail(name, f"storage {key!r} is truncated")
            (numel,) = struct.unpack(">q" if big_endian else "<q", count)
            if numel != storage.numel:
                _fail(name, f"storage {key!r} holds {numel} elements, the pickle says "
                      f"{storage.numel}")
            size = numel * _itemsize(storage.kind)
            raw = stream.read(size)
            if len(raw) != size:
                _fail(name, f"storage {key!r} is truncated")
            pending[key] = _decode(raw, storage.kind, name, key, big_endian)
    # The pickle came before the storages' bytes: its tensors are built now.
    return _relink(result, reader)


class _Deferred:
    """A tensor of a legacy file, whose bytes follow the pickle: built once they are read."""

    def __init__(self, build, *args):
        self.build, self.args = build, args

    def __call__(self, reader):
        reader.deferred = False
        return self.build(*[a(reader) if isinstance(a, _Deferred) else a for a in self.args])


def _relink(value, reader, depth=0):
    """value with each _Deferred replaced by its tensor (containers rebuilt as they were)."""
    if depth > 64:
        _fail(reader.name, "the object is nested deeper than 64 levels")
    if isinstance(value, _Deferred):
        return value(reader)
    if isinstance(value, dict):
        items = [(k, _relink(v, reader, depth + 1)) for k, v in value.items()]
        return type(value)(items) if type(value) in (dict, collections.OrderedDict) else dict(items)
    if isinstance(value, list):
        return [_relink(v, reader, depth + 1) for v in value]
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(_relink(v, reader, depth + 1) for v in value)
    return value


def load_torch_file(path, name, location):
    """The object a torch.save file holds, with its tensors as striate tensors (see module
    docstring). Raises UnsafeGlobalError for a file that names code, OSError or ValueError for a
    damaged one."""
    with open(path, "rb") as stream:
        prefix = stream.read(len(_LEGACY_MAGIC))
    if prefix.startswith(_ZIP_MAGIC):
        return _load_zip(path, name, location)
    return _load_legacy(path, name, location)
