"""Tensor creation with PyTorch's signatures: zeros(2, 3) and zeros((2, 3)) alike, dtype and
requires_grad keywords, tensor(data), from_numpy (zero-copy) and from_dlpack."""

import builtins

import numpy as np

from . import _C
from ._C import Tensor
from ._generator import _impl_of

_DEFAULT = _C.dtype.float32
_NUMPY_TO_DTYPE = {
    np.dtype(np.float32): _C.dtype.float32,
    np.dtype(np.float64): _C.dtype.float64,
    np.dtype(np.int64): _C.dtype.int64,
    np.dtype(np.uint8): _C.dtype.uint8,
    np.dtype(np.bool_): _C.dtype.bool,
}
_DTYPE_TO_NUMPY = {v: k for k, v in _NUMPY_TO_DTYPE.items()}


def _size(size, op):
    if len(size) == 1 and type(size[0]) is not int and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    # Plain ints (the common case) go to the binding as they are: this path is part of every
    # tensor creation's overhead (bench/: `striate bench --suite overhead`).
    for s in size:
        if type(s) is not int:
            break
    else:
        return size
    for s in size:
        if isinstance(s, builtins.bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"{op}: size must be a sequence of ints, got {size!r}")
    return [int(s) for s in size]


def _is_cuda(device):
    if device is None:
        return False
    if isinstance(device, int) and not isinstance(device, builtins.bool):
        return True
    return str(device).startswith("cuda")


def _device(device):
    """None, or a device spec the bindings take: 'cuda', 'cuda:1', a striate.device, or an int
    index as torch takes (a CUDA device)."""
    if isinstance(device, int) and not isinstance(device, builtins.bool):
        return f"cuda:{device}"
    return device


def _finish(t, requires_grad, device=None):
    """Moves a tensor built on the CPU to `device` (see _device), unless it is there already,
    and marks it as requiring grad."""
    device = _device(device)
    if device is not None and str(device) != str(t.device):
        t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dtype(dtype, default=_DEFAULT):
    return default if dtype is None else dtype


def empty(*size, dtype=None, device=None, requires_grad=False):
    return _finish(_C._empty(_size(size, "empty"), _dtype(dtype), _device(device)), requires_grad,
                   device)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _finish(_C._zeros(_size(size, "zeros"), _dtype(dtype), _device(device)), requires_grad,
                   device)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _finish(_C._ones(_size(size, "ones"), _dtype(dtype), _device(device)), requires_grad,
                   device)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if dtype is None:
        if isinstance(fill_value, builtins.bool):
            dtype = _C.dtype.bool
        elif isinstance(fill_value, int):
            dtype = _C.dtype.int64
    return _finish(_C._full(_size((size,), "full"), fill_value, _dtype(dtype), _device(device)),
                   requires_grad, device)


def _refuse_cuda_rng(op, device):
    """Random tensors on a GPU come from a CUDA generator, which striate has not got yet: drawing
    on the CPU and moving would give other numbers than torch (and than a later CUDA generator),
    so the call says so instead."""
    if device is not None and _is_cuda(device):
        raise NotImplementedError(
            f"{op}: random tensors on CUDA devices are not supported yet (no CUDA generator); "
            f"draw on the CPU and move them: striate.{op}(...).to('{device}')")


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    _refuse_cuda_rng("rand", device)
    gen = _impl_of(generator, "rand")
    return _finish(_C._rand(_size(size, "rand"), _dtype(dtype), gen), requires_grad, device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    _refuse_cuda_rng("randn", device)
    gen = _impl_of(generator, "randn")
    return _finish(_C._randn(_size(size, "randn"), _dtype(dtype), gen), requires_grad, device)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None,
            requires_grad=False):
    if size is None:
        raise TypeError("randint: missing the required argument 'size'")
    _refuse_cuda_rng("randint", device)
    if high is None:
        low, high = 0, low
    shape = _size((size,), "randint")
    gen = _impl_of(generator, "randint")
    return _finish(_C._randint(int(low), int(high), shape, _dtype(dtype, _C.dtype.int64), gen),
                   requires_grad, device)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0..n-1 (int64 unless dtype says otherwise)."""
    _refuse_cuda_rng("randperm", device)
    out = _C._randperm(int(n), _impl_of(generator, "randperm"))
    if dtype is not None and dtype != out.dtype:
        out = out.to(dtype)
    return _finish(out, requires_grad, device)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    return _finish(_C._arange(start, end, step, dtype), requires_grad, device)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    return _finish(_C._linspace(float(start), float(end), int(steps), _dtype(dtype)), requires_grad,
                   device)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    if m is not None and int(m) < 0:
        raise ValueError(f"eye: m must be non-negative, got {m}")
    return _finish(_C._eye(int(n), -1 if m is None else int(m), _dtype(dtype)), requires_grad,
                   device)


def _like_device(t, device):
    return t.device if device is None else device


def empty_like(t, dtype=None, device=None, requires_grad=False):
    return empty(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                 requires_grad=requires_grad)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    return zeros(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                 requires_grad=requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    return ones(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                requires_grad=requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    return full(t.shape, fill_value, dtype=dtype or t.dtype, device=_like_device(t, device),
                requires_grad=requires_grad)


def rand_like(t, dtype=None, device=None, requires_grad=False):
    return rand(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                requires_grad=requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    return randn(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                 requires_grad=requires_grad)


def randint_like(t, low=0, high=None, dtype=None, device=None):
    return randint(low, high, t.shape, dtype=dtype or t.dtype, device=_like_device(t, device))


def from_numpy(array):
    """Wraps a NumPy array without copying: the tensor and the array share memory."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return _C._from_numpy(array)


def from_dlpack(obj):
    """Imports a tensor from any object with __dlpack__ (NumPy, PyTorch, ...) or a DLPack capsule,
    sharing its memory."""
    if hasattr(obj, "__dlpack__"):
        try:
            capsule = obj.__dlpack__(max_version=(1, 0))
        except TypeError:  # producers that predate the max_version keyword
            capsule = obj.__dlpack__()
        return _C._from_dlpack_capsule(capsule)
    return _C._from_dlpack_capsule(obj)


def _infer_numpy(data):
    """NumPy array for `data` with striate's default dtypes (Python floats -> float32)."""
    if isinstance(data, Tensor):
        return np.array(data.detach().numpy(), copy=True)
    if isinstance(data, np.ndarray):
        arr = data
    else:
        try:
            arr = np.asarray(data)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"tensor: cannot build a tensor from {type(data).__name__} data "
                             f"({error})") from None
        if arr.dtype == np.float64 and not _has_numpy_float64(data):
            arr = arr.astype(np.float32)
    if arr.dtype.kind == "f" and arr.dtype.itemsize < 4:
        arr = arr.astype(np.float32)
    elif arr.dtype.kind in "iu" and arr.dtype != np.uint8:
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "fiub":
        raise TypeError(f"tensor: can't build a tensor from data of dtype {arr.dtype} (expected "
                        "numbers or bools)")
    return arr


def _has_numpy_float64(data):
    if isinstance(data, np.floating):
        return data.dtype == np.float64 and not isinstance(data, float)
    if isinstance(data, (list, tuple)):
        return builtins.any(_has_numpy_float64(d) for d in data)
    return False


def tensor(data, dtype=None, device=None, requires_grad=False):
    """Copies data (nested lists, numbers, NumPy arrays, tensors) into a new tensor."""
    arr = _infer_numpy(data)
    if dtype is not None:
        if dtype not in _DTYPE_TO_NUMPY:
            raise TypeError("tensor: dtype must be a striate dtype (striate.float32, ...), got "
                            f"{dtype!r}")
        arr = arr.astype(_DTYPE_TO_NUMPY[dtype])
    t = _C._from_numpy(np.array(arr, order="C", copy=True))
    if requires_grad and not t.is_floating_point():
        raise TypeError("tensor: only floating-point tensors can require gradients, got dtype "
                        f"{t.dtype}")
    return _finish(t, requires_grad, device)


def numpy_dtype(dtype):
    return _DTYPE_TO_NUMPY[dtype]
