"""The Python side of striate.Tensor: indexing, repr, NumPy/DLPack protocols, and the methods
whose PyTorch signatures are variadic (view(*shape), permute(*dims), to(...)). Attached to the
bound C++ class, so there is one Tensor type."""

import builtins

import numpy as np

from . import _C
from ._C import Tensor
from ._creation import numpy_dtype
from ._size import Size

_DEFAULT_REPR_DTYPES = (_C.dtype.float32, _C.dtype.int64, _C.dtype.bool)
_C.dtype.__repr__ = lambda self: f"striate.{self.name}"
_C.dtype.__str__ = _C.dtype.__repr__
# pybind11 computes an enum's __doc__ (a static property) and gives name/value no text: pin the
# class docstring (set in bind_tensor.cpp) as a string and document the two properties.
_enum_doc = _C.dtype.__doc__
del _C.dtype.__doc__
_C.dtype.__doc__ = _enum_doc
_C.dtype.name = property(_C.dtype.name.fget, doc="The dtype's name, e.g. ``'float32'``.")
_C.dtype.value = property(_C.dtype.value.fget, doc="The dtype's number in the C++ enum.")


def _dims(args, op):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for a in args:
        if isinstance(a, builtins.bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: expected a sequence of ints, got {args!r}")
    return [int(a) for a in args]


def _method(fn):
    setattr(Tensor, fn.__name__, fn)
    return fn


# ---- shape methods -------------------------------------------------------------------


@_method
def view(self, *shape):
    """Returns a view with a new shape and the same data (no copy).

    Args:
        *shape (int or sequence of ints): The new shape; one entry may be -1 (inferred).

    Returns:
        Tensor: A view sharing memory with ``self``.

    Raises:
        ValueError: The shape does not match the number of elements, or the strides do not
            allow a view (use :meth:`reshape`).

    Example:
        >>> st.arange(6).view(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> st.arange(6).view(-1, 2).shape
        striate.Size([3, 2])
    """
    return self._view(_dims(shape, "view"))


@_method
def reshape(self, *shape):
    """Returns a tensor with a new shape: a view when the strides allow, else a copy.

    Args:
        *shape (int or sequence of ints): The new shape; one entry may be -1 (inferred).

    Returns:
        Tensor: The reshaped tensor.

    Raises:
        ValueError: The shape does not match the number of elements.

    Example:
        >>> st.arange(6).reshape(3, 2).t().reshape(-1)
        tensor([0, 2, 4, 1, 3, 5])
    """
    return self._reshape(_dims(shape, "reshape"))


@_method
def permute(self, *dims):
    """Returns a view with the dimensions reordered: dimension ``i`` of the result is ``dims[i]``.

    Args:
        *dims (int or sequence of ints): A permutation of ``0 .. ndim-1``.

    Returns:
        Tensor: A view sharing memory with ``self``.

    Raises:
        ValueError: ``dims`` is not a permutation of the dimensions.

    Example:
        >>> st.zeros(2, 3, 4).permute(2, 0, 1).shape
        striate.Size([4, 2, 3])
    """
    return self._permute(_dims(dims, "permute"))


@_method
def expand(self, *sizes):
    """Returns a view broadcast to ``sizes`` without copying (size-1 dimensions get stride 0).

    Args:
        *sizes (int or sequence of ints): The new sizes; -1 keeps a dimension's size. New
            dimensions may be added in front.

    Returns:
        Tensor: A view sharing memory with ``self`` (do not write into it).

    Raises:
        ValueError: A dimension of size other than 1 would change.

    Example:
        >>> st.tensor([[1.], [2.]]).expand(2, 3)
        tensor([[1., 1., 1.],
                [2., 2., 2.]])
    """
    return self._expand(_dims(sizes, "expand"))


@_method
def view_as(self, other):
    """Returns ``self.view(other.shape)``.

    Args:
        other (Tensor): The tensor whose shape to take.

    Example:
        >>> st.arange(4).view_as(st.zeros(2, 2)).shape
        striate.Size([2, 2])
    """
    return self._view(list(other.shape))


@_method
def reshape_as(self, other):
    """Returns ``self.reshape(other.shape)``.

    Args:
        other (Tensor): The tensor whose shape to take.

    Example:
        >>> st.arange(4).reshape_as(st.zeros(2, 2)).shape
        striate.Size([2, 2])
    """
    return self._reshape(list(other.shape))


# ---- shapes as striate.Size ----------------------------------------------------------------

_shape_tuple = Tensor.shape.fget
_size_method = Tensor.size


def _shape(self):
    return Size(_shape_tuple(self))


def _size(self, dim=None):
    """Returns the shape as a :class:`striate.Size`, or the length of dimension ``dim``.

    Args:
        dim (int, optional): One dimension. Default: None (the whole shape).

    Raises:
        IndexError: ``dim`` is out of range.

    Example:
        >>> x = st.zeros(2, 3)
        >>> x.size()
        striate.Size([2, 3])
        >>> x.size(-1)
        3
    """
    return _size_method(self, dim) if dim is not None else Size(_shape_tuple(self))


Tensor.shape = property(_shape, doc="The shape, a striate.Size (a tuple of ints).")
_size.__name__ = _size.__qualname__ = "size"
Tensor.size = _size


def _to_arguments(op, args, kwargs):
    """(device, dtype, copy) from PyTorch's .to() forms: to(dtype), to(device), to(device, dtype),
    to(other_tensor), with keywords device=, dtype=, non_blocking= and copy=."""
    kwargs = dict(kwargs)
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    kwargs.pop("non_blocking", None)  # read by to() (_non_blocking); dtype casts ignore it
    copy = bool(kwargs.pop("copy", False))
    if kwargs:
        raise TypeError(f"{op}: unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, _C.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, (str, _C.device)):
            device = a
        elif isinstance(a, bool):  # to(dtype, non_blocking) / to(device, dtype, non_blocking)
            continue
        else:
            raise TypeError(f"{op}: expected a dtype, a device or a tensor, got {type(a).__name__}")
    return device, dtype, copy


def _non_blocking(args, kwargs):
    """non_blocking=True, or the positional bool of to(device, dtype, True)."""
    return bool(kwargs.get("non_blocking", False)) or builtins.any(
        isinstance(a, bool) and a for a in args)


@_method
def to(self, *args, **kwargs):
    """to(dtype), to(device), to(device, dtype), to(other_tensor); copy=True always returns a new
    tensor, otherwise self comes back when nothing changes.

    Example:
        >>> x = st.tensor([1, 2, 3])
        >>> x.to(st.float32)
        tensor([1., 2., 3.])
        >>> x.to("cpu") is x
        True
        >>> x.to(st.float64, copy=True).dtype
        striate.float64
        >>> y = st.zeros(2, dtype=st.float64)
        >>> x.to(y).dtype
        striate.float64
    """
    device, dtype, copy = _to_arguments("to", args, kwargs)
    out = self
    if device is not None:
        out = out._to_device(device, _non_blocking(args, kwargs))
    if dtype is not None:
        out = out._to_dtype(dtype)
    if copy and out is self:
        out = self.clone()
    return out


_TYPE_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "bfloat16": "BFloat16Tensor",
    "int64": "LongTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def _type(self, dtype=None, non_blocking=False):
    """type() names the tensor type as PyTorch does ('striate.FloatTensor'); type(dtype) casts (a
    dtype, or a type name such as 'striate.DoubleTensor' / 'torch.DoubleTensor').

    Example:
        >>> x = st.tensor([1.5, 2.5])
        >>> x.type()
        'striate.FloatTensor'
        >>> x.type(st.int64)
        tensor([1, 2])
        >>> x.type("torch.DoubleTensor").dtype
        striate.float64
    """
    if dtype is None:
        return f"striate.{_TYPE_NAMES[str(self.dtype).split('.')[-1]]}"
    if isinstance(dtype, str):
        by_name = {name: key for key, name in _TYPE_NAMES.items()}
        short = dtype.rsplit(".", 1)[-1]
        if short not in by_name:
            raise TypeError(
                f"type: unknown tensor type {dtype!r}; expected one of "
                f"{sorted(by_name)} or a striate dtype"
            )
        dtype = getattr(_C.dtype, by_name[short])
    return self._to_dtype(dtype)


_type.__name__ = _type.__qualname__ = "type"  # not bound as `type` here: the builtin stays usable
Tensor.type = _type


for _name, _dt in [
    ("float", _C.dtype.float32),
    ("double", _C.dtype.float64),
    ("half", _C.dtype.float16),
    ("bfloat16", _C.dtype.bfloat16),
    ("long", _C.dtype.int64),
    ("bool", _C.dtype.bool),
    ("byte", _C.dtype.uint8),
]:
    _convert = (lambda dt: lambda self: self._to_dtype(dt))(_dt)
    _convert.__name__ = _convert.__qualname__ = _name
    _convert.__doc__ = (
        f"Returns ``self`` cast to {_dt} (``self`` itself when it is {_dt} already).\n\n"
        f"Example:\n    >>> st.tensor([1.5, -2.0]).{_name}().dtype\n    {_dt!r}\n"
    )
    setattr(Tensor, _name, _convert)


@_method
def cpu(self):
    """Returns a copy in CPU memory, or ``self`` when it is there already.

    Example:
        >>> x = st.ones(2)
        >>> x.cpu() is x
        True
    """
    return self._to_device("cpu")


@_method
def cuda(self, device=None, non_blocking=False):
    """Returns a copy on a CUDA device, or ``self`` when it is there already.

    Args:
        device (int, str or device, optional): The target. Default: None (the current device).
        non_blocking (bool): Copy asynchronously from pinned memory. Default: False.

    Returns:
        Tensor: The tensor on the GPU.

    Raises:
        RuntimeError: striate was built without CUDA, or no such device exists.

    Example:
        >>> x = st.ones(2)
        >>> y = x.cuda() if st.cuda.is_available() else x
        >>> y.shape
        striate.Size([2])
    """
    if device is None:
        from . import cuda as _cuda

        device = _cuda.current_device() if _cuda.is_available() else 0
    target = device if isinstance(device, (str, _C.device)) else f"cuda:{int(device)}"
    return self._to_device(target, bool(non_blocking))


@_method
def record_stream(self, stream):
    """Marks this CUDA tensor's memory as used by `stream` (a striate.cuda.Stream): when the
    tensor is freed, the caching allocator reuses the memory only after that stream has passed
    the free point (torch's Tensor.record_stream).

    Example:
        >>> if st.cuda.is_available():
        ...     x = st.ones(1024, device="cuda")
        ...     s = st.cuda.Stream()
        ...     x.record_stream(s)
    """
    _C._cuda.record_stream(self, stream.cuda_stream)


@_method
def type_as(self, other):
    """Returns ``self`` cast to ``other``'s dtype (``self`` itself when they agree).

    Args:
        other (Tensor): The tensor whose dtype to take.

    Example:
        >>> st.arange(2).type_as(st.zeros(1))
        tensor([0., 1.])
    """
    return self._to_dtype(other.dtype)


# new_*: dtype and device default to self's, as in torch.
@_method
def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    """Returns a tensor of zeros with ``self``'s dtype and device; see :func:`striate.zeros`.

    Args:
        *size (int or sequence of ints): The shape.
        dtype (dtype, optional): The element type. Default: None (``self.dtype``).
        device (str or device, optional): Where to put it. Default: None (``self.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Example:
        >>> st.ones(1, dtype=st.float64).new_zeros(2)
        tensor([0., 0.], dtype=striate.float64)
    """
    from ._creation import zeros

    return zeros(*size, dtype=dtype or self.dtype,
                 device=self.device if device is None else device,
                 requires_grad=requires_grad)


@_method
def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    """Returns a tensor of ones with ``self``'s dtype and device; see :func:`striate.ones`.

    Args:
        *size (int or sequence of ints): The shape.
        dtype (dtype, optional): The element type. Default: None (``self.dtype``).
        device (str or device, optional): Where to put it. Default: None (``self.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Example:
        >>> st.arange(3).new_ones(2)
        tensor([1, 1])
    """
    from ._creation import ones

    return ones(*size, dtype=dtype or self.dtype,
                device=self.device if device is None else device,
                requires_grad=requires_grad)


@_method
def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    """Returns a tensor filled with ``fill_value`` with ``self``'s dtype and device.

    Args:
        size (sequence of ints): The shape.
        fill_value (number): The value of every element.
        dtype (dtype, optional): The element type. Default: None (``self.dtype``).
        device (str or device, optional): Where to put it. Default: None (``self.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Example:
        >>> st.zeros(1).new_full((2,), 3.)
        tensor([3., 3.])
    """
    from ._creation import full

    return full(size, fill_value, dtype=dtype or self.dtype,
                device=self.device if device is None else device,
                requires_grad=requires_grad)


@_method
def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """Copies ``data`` into a new tensor of ``self``'s dtype and device (:func:`striate.tensor`).

    Args:
        data: A number, a (nested) list, a NumPy array or a tensor.
        dtype (dtype, optional): The element type. Default: None (``self.dtype``).
        device (str or device, optional): Where to put it. Default: None (``self.device``).
        requires_grad (bool): Record operations for autograd. Default: False.

    Example:
        >>> st.zeros(1, dtype=st.float64).new_tensor([1, 2])
        tensor([1., 2.], dtype=striate.float64)
    """
    from ._creation import tensor

    return tensor(data, dtype=dtype or self.dtype,
                  device=self.device if device is None else device,
                  requires_grad=requires_grad)


# ---- autograd --------------------------------------------------------------------------


@_method
def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Computes the gradient of this tensor with respect to the graph's leaves.

    Walks the recorded graph backwards from ``self`` and adds ``d self / d leaf`` (times
    ``gradient``) into the ``grad`` of every leaf that requires grad; fan-out sums.

    Args:
        gradient (Tensor, optional): The gradient of some scalar with respect to ``self``;
            required unless ``self`` has one element. Default: None (ones).
        retain_graph (bool, optional): Keep the graph's saved tensors for another backward.
            Default: None (False).
        create_graph (bool): Record the backward pass for higher-order gradients; only False is
            supported. Default: False.
        inputs (sequence of Tensor, optional): Not supported; must be None. Default: None.

    Raises:
        RuntimeError: ``self`` does not require grad, or the graph was freed by an earlier
            backward (pass ``retain_graph=True``).
        NotImplementedError: ``create_graph=True`` or ``inputs`` given.

    Example:
        >>> x = st.tensor([1., 2., 3.], requires_grad=True)
        >>> (x ** 2).sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """
    if create_graph:
        raise NotImplementedError(
            "backward: create_graph=True (higher-order gradients) is not supported yet"
        )
    if inputs is not None:
        raise NotImplementedError("backward: the 'inputs' argument is not supported yet")
    from .autograd import _run_backward

    _run_backward([self], [gradient], retain_graph)


# ---- scalars and Python protocols ----------------------------------------------------------


@_method
def item(self):
    """Returns the value of a one-element tensor as a Python number.

    Raises:
        ValueError: The tensor has more than one element.

    Example:
        >>> st.tensor([[2.5]]).item()
        2.5
    """
    if self.numel() != 1:
        raise ValueError(
            f"item: a Tensor with {self.numel()} elements cannot be converted to a scalar"
        )
    return _host_array(self).reshape(()).item()


def _host_array(tensor):
    """The values as a NumPy array on the host (bfloat16, which NumPy lacks, widened to float32,
    exactly)."""
    host = tensor.detach().cpu()
    if host.dtype == _C.dtype.bfloat16:
        host = host.float()
    return host.numpy()


@_method
def tolist(self):
    """Returns the tensor's values as (nested) Python lists of numbers.

    Example:
        >>> st.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
    """
    return _host_array(self).tolist()


def _scalar_conversion(kind):
    def convert(self):
        if self.numel() != 1:
            raise ValueError(
                f"only one element tensors can be converted to Python scalars (got {self.numel()})"
            )
        return kind(self.item())

    return convert


Tensor.__float__ = _scalar_conversion(builtins.float)
Tensor.__int__ = _scalar_conversion(builtins.int)


@_method
def __index__(self):
    if self.dtype not in (_C.dtype.int64, _C.dtype.uint8, _C.dtype.bool) or self.numel() != 1:
        raise TypeError("only integer tensors of a single element can be converted to an index")
    return builtins.int(self.item())


@_method
def __bool__(self):
    if self.numel() != 1:
        raise RuntimeError(f"Boolean value of Tensor with {self.numel()} elements is ambiguous")
    return builtins.bool(self.item())


@_method
def __len__(self):
    if self.ndim == 0:
        raise TypeError("len() of a 0-d tensor")
    return self.shape[0]


@_method
def __iter__(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return (self.select(0, i) for i in range(self.shape[0]))


@_method
def __array__(self, dtype=None, copy=None):
    """NumPy 2's protocol: a view when possible; copy=False raises when a copy is needed."""
    arr = self.detach().numpy()
    if dtype is not None and np.dtype(dtype) != arr.dtype:
        if copy is False:
            raise ValueError(
                "__array__: a dtype conversion needs a copy, but copy=False was requested"
            )
        return arr.astype(dtype)
    if copy:
        return arr.copy()
    return arr


@_method
def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    if copy:
        raise NotImplementedError("__dlpack__: copy=True is not supported yet; clone() first")
    if dl_device is not None and tuple(dl_device) != self.__dlpack_device__():
        raise NotImplementedError(f"__dlpack__: export to device {dl_device} is not supported")
    if self.requires_grad:
        raise RuntimeError(
            "__dlpack__: can't export a tensor that requires grad; use tensor.detach()"
        )
    versioned = max_version is not None and tuple(max_version) >= (1, 0)
    return self._to_dlpack(versioned)


@_method
def __repr__(self):
    arr = _host_array(self)
    prefix = "tensor("
    if arr.size == 0:
        body = "[]" if arr.ndim <= 1 else f"[], size={tuple(arr.shape)}"
    elif arr.dtype.kind == "f":
        finite = arr[np.isfinite(arr)]
        whole = finite.size > 0 and np.all(finite == np.round(finite))  # torch prints these as "1."
        body = np.array2string(
            arr,
            separator=", ",
            prefix=prefix,
            precision=0 if whole else 4,
            floatmode="fixed",
            threshold=1000,
            edgeitems=3,
            max_line_width=80,
        )
    elif arr.dtype.kind == "b":
        body = np.array2string(
            arr,
            separator=", ",
            prefix=prefix,
            threshold=1000,
            edgeitems=3,
            formatter={"bool": lambda v: "True" if v else "False"},
        )
    else:
        body = np.array2string(arr, separator=", ", prefix=prefix, threshold=1000, edgeitems=3)
    extras = []
    if self.dtype not in _DEFAULT_REPR_DTYPES:
        extras.append(f"dtype={self.dtype!r}")
    if self.device.type != "cpu":
        extras.append(f"device='{self.device}'")
    if self.grad_fn is not None:
        extras.append(f"grad_fn=<{self.grad_fn.name()}>")
    elif self.requires_grad:
        extras.append("requires_grad=True")
    return prefix + body + "".join(", " + e for e in extras) + ")"


Tensor.__str__ = Tensor.__repr__

# ---- indexing ------------------------------------------------------------------------------


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, (builtins.bool, np.bool_))


def _as_index_tensor(x):
    """Lists, NumPy arrays and bool values used as advanced indices become tensors."""
    from ._creation import tensor

    if isinstance(x, Tensor):
        return x
    if isinstance(x, (builtins.bool, np.bool_)):
        return tensor(builtins.bool(x))
    return tensor(np.asarray(x))


def _normalize(index):
    if not isinstance(index, tuple):
        index = (index,)
    return index


def _expand_ellipsis(index, ndim):
    consumed = builtins.sum(
        1
        if (
            _is_int(i)
            or isinstance(i, slice)
            or (isinstance(i, Tensor) and i.dtype != _C.dtype.bool)
        )
        else (i.ndim if isinstance(i, Tensor) else 0)
        for i in index
        if i is not None and i is not Ellipsis
    )
    ellipses = builtins.sum(1 for i in index if i is Ellipsis)
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim} (got {consumed})")
    out = []
    for i in index:
        if i is Ellipsis:
            out.extend([slice(None)] * (ndim - consumed))
        else:
            out.append(i)
    return out


def _basic(self, index):
    """Applies ints, slices and None as views; returns (view, [(dim, advanced_index)])."""
    out = self
    dim = 0
    advanced = []
    for i in _expand_ellipsis(index, self.ndim):
        if i is None:
            out = out.unsqueeze(dim)
            dim += 1
        elif _is_int(i) or (
            isinstance(i, Tensor) and i.ndim == 0 and i.dtype == _C.dtype.int64 and not advanced
        ):
            i = builtins.int(i)
            size = out.shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            out = out.select(dim, i)
        elif isinstance(i, slice):
            start, stop, step = i.start, i.stop, i.step
            step = 1 if step is None else builtins.int(step)
            if step <= 0:
                raise ValueError("slice step must be positive")
            size = out.shape[dim]
            start, stop, _ = slice(start, stop, 1).indices(size)
            out = out._slice(dim, start, builtins.max(stop, start), step)
            dim += 1
        elif isinstance(i, (Tensor, list, np.ndarray, builtins.bool, np.bool_)):
            # Indices built here (lists, arrays) or given on the CPU follow the indexed tensor,
            # as PyTorch's do.
            idx = _on_device_of(_as_index_tensor(i), self)
            advanced.append((dim, idx))
            dim += idx.ndim if idx.dtype == _C.dtype.bool else 1
        else:
            raise IndexError(
                f"only integers, slices, ellipsis, None, integer or boolean tensors are valid "
                f"indices (got {type(i).__name__})"
            )
    return out, advanced


def _on_device_of(t, like):
    """t on like's device (a copy when it lives elsewhere)."""
    return t if str(t.device) == str(like.device) else t.to(like.device)


def _check_single_advanced(advanced):
    if len(advanced) > 1:
        raise NotImplementedError(
            "indexing with more than one integer/boolean tensor index is not supported yet"
        )


@_method
def __getitem__(self, index):
    out, advanced = _basic(self, _normalize(index))
    if not advanced:
        return out
    _check_single_advanced(advanced)
    dim, idx = advanced[0]
    moved = out.movedim(dim, 0) if dim else out
    if idx.dtype == _C.dtype.bool:
        if tuple(idx.shape) != tuple(moved.shape[: idx.ndim]):
            raise IndexError(
                f"The shape of the mask {tuple(idx.shape)} does not match the shape of the indexed "
                f"tensor {tuple(moved.shape[: idx.ndim])}"
            )
        if dim:
            raise NotImplementedError(
                "boolean mask indices after other dimensions are not supported yet"
            )
        return _C._masked_select(moved, idx)
    if idx.dtype not in (_C.dtype.int64, _C.dtype.uint8):
        raise IndexError(
            f"tensors used as indices must be long, uint8 or bool tensors, got {idx.dtype}"
        )
    result = _C._take(moved, idx.long())
    if dim:
        result = result.movedim(list(range(idx.ndim)), list(range(dim, dim + idx.ndim)))
    return result


@_method
def __setitem__(self, index, value):
    from ._creation import tensor

    out, advanced = _basic(self, _normalize(index))
    scalar = isinstance(value, (int, float, builtins.bool, np.number))
    if not scalar and not isinstance(value, Tensor):
        value = _on_device_of(tensor(np.asarray(value), dtype=self.dtype), self)
    elif isinstance(value, Tensor) and value.ndim == 0 and not value.requires_grad:
        value = _on_device_of(value, self)  # a 0-d CPU value writes into any device, as in PyTorch
    if not advanced:
        if scalar:
            out.fill_(value)
        else:
            out.copy_(value)
        return
    _check_single_advanced(advanced)
    dim, idx = advanced[0]
    if dim:
        raise NotImplementedError(
            "assignment through a tensor index after other dimensions is not supported yet"
        )
    if idx.dtype == _C.dtype.bool:
        if scalar:
            _C._masked_fill_(out, idx, value)
        else:
            _C._masked_scatter_(out, idx, value)
        return
    if scalar:
        value = _on_device_of(tensor(value, dtype=self.dtype), self)
    _C._index_put_(out, idx.long(), value)


@_method
def movedim(self, source, destination):
    """Moves dimension(s) ``source`` to position(s) ``destination`` (a view).

    The other dimensions keep their order.

    Args:
        source (int or sequence of ints): The dimensions to move.
        destination (int or sequence of ints): Their new positions.

    Raises:
        ValueError: ``source`` and ``destination`` differ in length.

    Example:
        >>> st.zeros(2, 3, 4).movedim(0, -1).shape
        striate.Size([3, 4, 2])
    """
    src = [source] if _is_int(source) else list(source)
    dst = [destination] if _is_int(destination) else list(destination)
    if len(src) != len(dst):
        raise ValueError("movedim: source and destination must have the same number of dims")
    nd = self.ndim
    src = [s % nd if nd else 0 for s in src]
    dst = [d % nd if nd else 0 for d in dst]
    order = [d for d in range(nd) if d not in src]
    perm = [None] * nd
    for s, d in zip(src, dst):
        perm[d] = s
    it = iter(order)
    perm = [p if p is not None else next(it) for p in perm]
    return self._permute(perm)


_ = numpy_dtype  # re-exported for helpers
