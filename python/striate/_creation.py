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
    """Returns an uninitialized tensor of the given size (its values are whatever the memory held).

    Args:
        *size (int or sequence of ints): The shape, as ``empty(2, 3)`` or ``empty((2, 3))``.
        dtype (dtype, optional): The element type. Default: None (float32).
        device (str or device, optional): Where to create it (``'cpu'``, ``'cuda:0'``, an int
            index). Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor.

    Raises:
        TypeError: A size is not an int.
        ValueError: A size is negative.

    Example:
        >>> st.empty(2, 3).shape
        striate.Size([2, 3])
    """
    if dtype is None and device is None and not requires_grad:
        # The common case in two calls: creation is part of every op's overhead (bench/
        # `striate bench --suite overhead`).
        return _C._empty(_size(size, "empty"), _DEFAULT, None)
    return _finish(_C._empty(_size(size, "empty"), _dtype(dtype), _device(device)), requires_grad,
                   device)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """Returns a tensor filled with zeros.

    Args:
        *size (int or sequence of ints): The shape, as ``zeros(2, 3)`` or ``zeros((2, 3))``.
        dtype (dtype, optional): The element type. Default: None (float32).
        device (str or device, optional): Where to create it (``'cpu'``, ``'cuda:0'``, an int
            index). Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor.

    Raises:
        TypeError: A size is not an int.
        ValueError: A size is negative.

    Example:
        >>> st.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    return _finish(_C._zeros(_size(size, "zeros"), _dtype(dtype), _device(device)), requires_grad,
                   device)


def ones(*size, dtype=None, device=None, requires_grad=False):
    """Returns a tensor filled with ones.

    Args:
        *size (int or sequence of ints): The shape, as ``ones(2, 3)`` or ``ones((2, 3))``.
        dtype (dtype, optional): The element type. Default: None (float32).
        device (str or device, optional): Where to create it (``'cpu'``, ``'cuda:0'``, an int
            index). Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor.

    Raises:
        TypeError: A size is not an int.
        ValueError: A size is negative.

    Example:
        >>> st.ones(2, dtype=st.int64)
        tensor([1, 1])
    """
    return _finish(_C._ones(_size(size, "ones"), _dtype(dtype), _device(device)), requires_grad,
                   device)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """Returns a tensor of the given size filled with ``fill_value``.

    Args:
        size (int or sequence of ints): The shape.
        fill_value (number): The value of every element.
        dtype (dtype, optional): The element type. Default: None (bool for a bool value, int64
            for an int, float32 otherwise).
        device (str or device, optional): Where to create it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor.

    Example:
        >>> st.full((2, 2), 7.)
        tensor([[7., 7.],
                [7., 7.]])
        >>> st.full((2,), 3).dtype
        striate.int64
    """
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
    """Returns a tensor of samples from the uniform distribution on ``[0, 1)``.

    Args:
        *size (int or sequence of ints): The shape.
        generator (Generator, optional): The random generator. Default: None (the default one,
            seeded by :func:`striate.manual_seed`).
        dtype (dtype, optional): A floating-point type. Default: None (float32).
        device (str or device, optional): Where to put it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor.

    Raises:
        NotImplementedError: ``device`` is a CUDA device (no CUDA generator yet).

    Example:
        >>> x = st.rand(2, 3)
        >>> bool(((x >= 0) & (x < 1)).all())
        True
    """
    _refuse_cuda_rng("rand", device)
    gen = _impl_of(generator, "rand")
    return _finish(_C._rand(_size(size, "rand"), _dtype(dtype), gen), requires_grad, device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Returns a tensor of samples from the standard normal distribution N(0, 1).

    Args:
        *size (int or sequence of ints): The shape.
        generator (Generator, optional): The random generator. Default: None (the default one).
        dtype (dtype, optional): A floating-point type. Default: None (float32).
        device (str or device, optional): Where to put it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor.

    Raises:
        NotImplementedError: ``device`` is a CUDA device (no CUDA generator yet).

    Example:
        >>> st.randn(8, 1, 28, 28).shape
        striate.Size([8, 1, 28, 28])
        >>> a = st.randn(3, generator=st.Generator().manual_seed(0))
        >>> b = st.randn(3, generator=st.Generator().manual_seed(0))
        >>> bool((a == b).all())
        True
    """
    _refuse_cuda_rng("randn", device)
    gen = _impl_of(generator, "randn")
    return _finish(_C._randn(_size(size, "randn"), _dtype(dtype), gen), requires_grad, device)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Returns a tensor of integers drawn uniformly from ``[low, high)``.

    ``randint(high, size)`` draws from ``[0, high)``, as in PyTorch.

    Args:
        low (int): The lowest value (or ``high`` when ``high`` is None).
        high (int, optional): One above the highest value. Default: None.
        size (sequence of ints): The shape (required).
        generator (Generator, optional): The random generator. Default: None (the default one).
        dtype (dtype, optional): The element type. Default: None (int64).
        device (str or device, optional): Where to put it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor.

    Raises:
        TypeError: ``size`` is missing.
        ValueError: ``high <= low``.

    Example:
        >>> x = st.randint(0, 10, (2, 3))
        >>> x.dtype, bool(((x >= 0) & (x < 10)).all())
        (striate.int64, True)
    """
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
    """Returns a random permutation of ``0 .. n-1``.

    Args:
        n (int): The number of elements.
        generator (Generator, optional): The random generator. Default: None (the default one).
        dtype (dtype, optional): The element type. Default: None (int64).
        device (str or device, optional): Where to put it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A 1-D tensor of ``n`` elements.

    Example:
        >>> sorted(st.randperm(5).tolist())
        [0, 1, 2, 3, 4]
    """
    _refuse_cuda_rng("randperm", device)
    out = _C._randperm(int(n), _impl_of(generator, "randperm"))
    if dtype is not None and dtype != out.dtype:
        out = out.to(dtype)
    return _finish(out, requires_grad, device)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Returns the values ``start, start + step, ...`` below ``end``, as a 1-D tensor.

    ``arange(n)`` gives ``0 .. n-1``. The dtype is int64 when all of start, end and step are
    ints, else float32, unless ``dtype`` says otherwise.

    Args:
        start (number): The first value (or ``end`` when ``end`` is None).
        end (number, optional): The bound, excluded. Default: None.
        step (number): The spacing. Default: 1.
        dtype (dtype, optional): The element type. Default: None (inferred).
        device (str or device, optional): Where to put it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new 1-D tensor of ``ceil((end - start) / step)`` elements.

    Raises:
        ValueError: ``step`` is 0 or has the wrong sign for the range.

    Example:
        >>> st.arange(3)
        tensor([0, 1, 2])
        >>> st.arange(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if end is None:
        start, end = 0, start
    return _finish(_C._arange(start, end, step, dtype), requires_grad, device)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """Returns ``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Args:
        start (float): The first value.
        end (float): The last value.
        steps (int): The number of values.
        dtype (dtype, optional): The element type. Default: None (float32).
        device (str or device, optional): Where to put it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new 1-D tensor.

    Raises:
        ValueError: ``steps`` is negative.

    Example:
        >>> st.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    return _finish(_C._linspace(float(start), float(end), int(steps), _dtype(dtype)), requires_grad,
                   device)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """Returns an ``n x m`` matrix with ones on the diagonal and zeros elsewhere.

    Args:
        n (int): The number of rows.
        m (int, optional): The number of columns. Default: None (``n``).
        dtype (dtype, optional): The element type. Default: None (float32).
        device (str or device, optional): Where to put it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new 2-D tensor.

    Raises:
        ValueError: ``n`` or ``m`` is negative.

    Example:
        >>> st.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
    """
    if m is not None and int(m) < 0:
        raise ValueError(f"eye: m must be non-negative, got {m}")
    return _finish(_C._eye(int(n), -1 if m is None else int(m), _dtype(dtype)), requires_grad,
                   device)


def _like_device(t, device):
    return t.device if device is None else device


def empty_like(t, dtype=None, device=None, requires_grad=False):
    """Returns an uninitialized tensor shaped like ``t``; see :func:`empty`.

    Args:
        t (Tensor): The tensor whose shape (and, by default, dtype and device) to take.
        dtype (dtype, optional): The element type. Default: None (``t.dtype``).
        device (str or device, optional): Where to put it. Default: None (``t.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor of ``t``'s shape.

    Example:
        >>> st.empty_like(st.zeros(2, 3)).shape
        striate.Size([2, 3])
    """
    return empty(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                 requires_grad=requires_grad)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    """Returns a tensor of zeros shaped like ``t``; see :func:`zeros`.

    Args:
        t (Tensor): The tensor whose shape (and, by default, dtype and device) to take.
        dtype (dtype, optional): The element type. Default: None (``t.dtype``).
        device (str or device, optional): Where to put it. Default: None (``t.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor of ``t``'s shape.

    Example:
        >>> st.zeros_like(st.ones(2, dtype=st.int64))
        tensor([0, 0])
    """
    return zeros(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                 requires_grad=requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    """Returns a tensor of ones shaped like ``t``; see :func:`ones`.

    Args:
        t (Tensor): The tensor whose shape (and, by default, dtype and device) to take.
        dtype (dtype, optional): The element type. Default: None (``t.dtype``).
        device (str or device, optional): Where to put it. Default: None (``t.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor of ``t``'s shape.

    Example:
        >>> st.ones_like(st.zeros(2))
        tensor([1., 1.])
    """
    return ones(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                requires_grad=requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    """Returns a tensor shaped like ``t`` filled with ``fill_value``; see :func:`full`.

    Args:
        t (Tensor): The tensor whose shape (and, by default, dtype and device) to take.
        fill_value (number): The value of every element.
        dtype (dtype, optional): The element type. Default: None (``t.dtype``).
        device (str or device, optional): Where to put it. Default: None (``t.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor of ``t``'s shape.

    Example:
        >>> st.full_like(st.zeros(2), 5.)
        tensor([5., 5.])
    """
    return full(t.shape, fill_value, dtype=dtype or t.dtype, device=_like_device(t, device),
                requires_grad=requires_grad)


def rand_like(t, dtype=None, device=None, requires_grad=False):
    """Returns uniform ``[0, 1)`` samples shaped like ``t``; see :func:`rand`.

    Args:
        t (Tensor): The tensor whose shape (and, by default, dtype and device) to take.
        dtype (dtype, optional): The element type. Default: None (``t.dtype``).
        device (str or device, optional): Where to put it. Default: None (``t.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor of ``t``'s shape.

    Example:
        >>> st.rand_like(st.zeros(2, 3)).shape
        striate.Size([2, 3])
    """
    return rand(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                requires_grad=requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    """Returns N(0, 1) samples shaped like ``t``; see :func:`randn`.

    Args:
        t (Tensor): The tensor whose shape (and, by default, dtype and device) to take.
        dtype (dtype, optional): The element type. Default: None (``t.dtype``).
        device (str or device, optional): Where to put it. Default: None (``t.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor of ``t``'s shape.

    Example:
        >>> st.randn_like(st.zeros(2, dtype=st.float64)).dtype
        striate.float64
    """
    return randn(*t.shape, dtype=dtype or t.dtype, device=_like_device(t, device),
                 requires_grad=requires_grad)


def randint_like(t, low=0, high=None, dtype=None, device=None):
    """Returns random integers in ``[low, high)`` shaped like ``t``; see :func:`randint`.

    Args:
        t (Tensor): The tensor whose shape (and, by default, dtype and device) to take.
        low (int): The lowest value (or ``high`` when ``high`` is None). Default: 0.
        high (int, optional): One above the highest value. Default: None.
        dtype (dtype, optional): The element type. Default: None (``t.dtype``).
        device (str or device, optional): Where to put it. Default: None (``t.device``).

    Returns:
        Tensor: A new tensor of ``t``'s shape.

    Example:
        >>> x = st.randint_like(st.zeros(4, dtype=st.int64), 0, 3)
        >>> bool(((x >= 0) & (x < 3)).all())
        True
    """
    return randint(low, high, t.shape, dtype=dtype or t.dtype, device=_like_device(t, device))


def from_numpy(array):
    """Wraps a NumPy array without copying: the tensor and the array share memory.

    Args:
        array (numpy.ndarray): An array of float32, float64, int64, uint8 or bool (any strides).

    Returns:
        Tensor: A CPU tensor viewing the array's memory; writes to one show in the other.

    Raises:
        TypeError: ``array`` is not an ndarray, or its dtype has no striate counterpart.

    Example:
        >>> a = np.zeros(3, dtype=np.float32)
        >>> x = st.from_numpy(a)
        >>> x += 1
        >>> a
        array([1., 1., 1.], dtype=float32)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return _C._from_numpy(array)


def from_dlpack(obj):
    """Imports a tensor from a DLPack producer, sharing its memory (no copy).

    Args:
        obj: Any object with ``__dlpack__`` (a NumPy array, a PyTorch tensor, a striate tensor,
            ...) or a DLPack capsule.

    Returns:
        Tensor: A tensor viewing the producer's memory.

    Raises:
        TypeError: The capsule is not a DLPack capsule, or was consumed already.
        ValueError: The dtype or device has no striate counterpart.

    Example:
        >>> st.from_dlpack(np.arange(3.0))
        tensor([0., 1., 2.], dtype=striate.float64)
    """
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
    """Copies ``data`` into a new tensor (never shares memory; see :func:`from_numpy`).

    Python floats give float32, ints int64 and bools bool, unless ``dtype`` says otherwise;
    NumPy arrays keep their dtype (float64 stays float64).

    Args:
        data: A number, a (nested) list or tuple, a NumPy array or a tensor.
        dtype (dtype, optional): The element type. Default: None (inferred).
        device (str or device, optional): Where to put it. Default: None (the CPU).
        requires_grad (bool): Record operations for autograd. Default: False.

    Returns:
        Tensor: A new tensor.

    Raises:
        ValueError: Ragged nested lists.
        TypeError: Data that are not numbers, or ``requires_grad`` for a non-float dtype.

    Example:
        >>> st.tensor([[1., 2.], [3., 4.]])
        tensor([[1., 2.],
                [3., 4.]])
        >>> st.tensor([1, 2]).dtype
        striate.int64
    """
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
    """Returns the NumPy dtype of a striate dtype.

    Args:
        dtype (dtype): A striate dtype.

    Returns:
        numpy.dtype: Its NumPy counterpart.

    Raises:
        KeyError: A dtype without a NumPy counterpart.

    Example:
        >>> from striate._creation import numpy_dtype
        >>> numpy_dtype(st.float32)
        dtype('float32')
    """
    return _DTYPE_TO_NUMPY[dtype]
