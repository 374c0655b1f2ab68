// Docstrings of striate.Tensor, striate.dtype and striate.device and of the Tensor methods on
// geometry, views, memory and autograd bound in bind_tensor.cpp, bind_autograd.cpp,
// bind_interop.cpp, bind_activation.cpp, bind_linear.cpp and bind_shape.cpp (Google style).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kTensor = R"doc(A multi-dimensional array of one dtype on one device, with autograd.

A tensor holds a shape, strides and an offset into a reference-counted storage, so views
(``view``, ``transpose``, slicing, ...) share memory with their base. Create tensors with
:func:`striate.tensor`, :func:`striate.zeros`, :func:`striate.randn`, :func:`striate.from_numpy`
and the other creation functions rather than with the constructor. Operators (``+ - * / ** @``,
comparisons, ``&``, ``|``, ``~``, indexing) follow PyTorch and broadcast as NumPy does.

Dtypes: ``float32`` (the default for Python floats), ``float64``, ``int64`` (Python ints),
``uint8`` and ``bool``. With ``requires_grad=True`` every operation on the tensor is recorded
and :meth:`backward` fills the ``grad`` of the leaves.

Example:
    >>> x = st.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([[2., 4.],
            [6., 8.]])
)doc";

inline constexpr const char* kDtype =
    R"doc(The element type of a tensor: ``striate.float32``, ``float64``, ``int64``, ``uint8``, ``bool``.

``striate.float``/``double``/``long`` are aliases, as in PyTorch.

Example:
    >>> st.float32.itemsize, st.float32.is_floating_point
    (4, True)
    >>> st.zeros(2, dtype=st.int64).dtype
    striate.int64
)doc";

inline constexpr const char* kDtypeIsFloatingPoint =
    R"doc(True for float32 and float64 (the dtypes that can require gradients).

Example:
    >>> st.int64.is_floating_point
    False
)doc";

inline constexpr const char* kDtypeItemsize = R"doc(Bytes per element.

Example:
    >>> st.float64.itemsize
    8
)doc";

inline constexpr const char* kDevice = R"doc(Where a tensor lives: ``device('cpu')`` or ``device('cuda', index)``.

Args:
    type (str): ``'cpu'``, ``'cuda'`` or ``'cuda:N'``.
    index (int): The CUDA device index (the CPU has only 0). Default: 0.

Raises:
    ValueError: An unknown device string, or an index other than 0 for the CPU.

Example:
    >>> st.device("cuda", 1)
    device(type='cuda', index=1)
    >>> st.device("cpu").type
    'cpu'
)doc";

inline constexpr const char* kDeviceType = R"doc(``'cpu'`` or ``'cuda'``.

Example:
    >>> st.device("cuda:1").type
    'cuda'
)doc";

inline constexpr const char* kDeviceIndex = R"doc(The CUDA device index, or None for the CPU.

Example:
    >>> st.device("cuda:1").index
    1
    >>> st.device("cpu").index is None
    True
)doc";

// ---- properties ----

inline constexpr const char* kTensorShape = R"doc(The size of every dimension, as a :class:`striate.Size` (a tuple).

Example:
    >>> st.zeros(2, 3).shape
    striate.Size([2, 3])
)doc";

inline constexpr const char* kTensorDtypeProperty = R"doc(The element type (a :class:`striate.dtype`).

Example:
    >>> st.zeros(2).dtype
    striate.float32
)doc";

inline constexpr const char* kTensorDeviceProperty = R"doc(The device the tensor lives on (a :class:`striate.device`).

Example:
    >>> st.zeros(2).device
    device(type='cpu')
)doc";

inline constexpr const char* kTensorNdim = R"doc(The number of dimensions (same as :meth:`dim`).

Example:
    >>> st.zeros(2, 3).ndim
    2
)doc";

inline constexpr const char* kTensorIsLeaf =
    R"doc(True for a tensor not produced by a recorded operation (created by the user, or
computed without grad): the tensors whose ``grad`` :meth:`backward` fills.

Example:
    >>> x = st.ones(2, requires_grad=True)
    >>> x.is_leaf, (x * 2).is_leaf
    (True, False)
)doc";

inline constexpr const char* kTensorItemsize = R"doc(Bytes per element (same as :meth:`element_size`).

Example:
    >>> st.zeros(2, dtype=st.float64).itemsize
    8
)doc";

inline constexpr const char* kTensorIsCuda = R"doc(True when the tensor lives on a CUDA device.

Example:
    >>> st.zeros(2).is_cuda
    False
)doc";

inline constexpr const char* kTensorRequiresGrad =
    R"doc(Whether operations on this tensor are recorded for :meth:`backward`; settable on leaves.

Raises:
    TypeError: Set to True on a tensor that is not floating point.
    RuntimeError: Changed on a tensor that is not a leaf.

Example:
    >>> x = st.zeros(2)
    >>> x.requires_grad = True
    >>> (x * 2).requires_grad
    True
)doc";

inline constexpr const char* kTensorGrad =
    R"doc(The gradient accumulated by :meth:`backward` (None until the first backward).

Filled for leaves that require grad and for tensors that called :meth:`retain_grad`;
backward adds into it, so zero it between steps (``optimizer.zero_grad()``). Settable.

Example:
    >>> x = st.tensor([1., 2.], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
)doc";

inline constexpr const char* kTensorData =
    R"doc(The tensor's values without autograd history (a detached alias sharing memory).

Assigning a tensor to ``data`` swaps the values in place without recording anything.

Raises:
    TypeError: The assigned value is not a Tensor.

Example:
    >>> w = st.tensor([1., 2.], requires_grad=True)
    >>> w.data
    tensor([1., 2.])
)doc";

inline constexpr const char* kTensorT = R"doc(The tensor with its dimensions reversed (a view).

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).T
    tensor([[1., 3.],
            [5., 2.]])
)doc";

inline constexpr const char* kTensorMT =
    R"doc(The last two dimensions swapped (a view): the matrix transpose of a batch of matrices.

Raises:
    ValueError: The tensor has fewer than 2 dimensions.

Example:
    >>> st.zeros(4, 2, 3).mT.shape
    striate.Size([4, 3, 2])
)doc";

inline constexpr const char* kTensorRetainsGrad =
    R"doc(True when :meth:`retain_grad` was called on this non-leaf tensor.

Example:
    >>> y = st.ones(2, requires_grad=True) * 2
    >>> y.retain_grad()
    >>> y.retains_grad
    True
)doc";

inline constexpr const char* kTensorGradFn =
    R"doc(The backward node that produced this tensor (None for leaves and tensors without grad).

Example:
    >>> y = (st.ones(2, requires_grad=True) * 2).sum()
    >>> y.grad_fn.name()
    'SumBackward0'
    >>> y.grad_fn.next_functions
    ((<MulBackward0 object at 0x...>, 0),)
)doc";

// ---- geometry and memory ----

inline constexpr const char* kTensorDataPtr =
    R"doc(The address of the first element, as an int (for interop and tests of sharing).

Example:
    >>> x = st.zeros(4)
    >>> x[1:].data_ptr() - x.data_ptr()
    4
)doc";

inline constexpr const char* kTensorDim = R"doc(The number of dimensions.

Example:
    >>> st.zeros(2, 3).dim()
    2
)doc";

inline constexpr const char* kTensorNumel = R"doc(The number of elements (the product of the sizes).

Example:
    >>> st.zeros(2, 3).numel()
    6
)doc";

inline constexpr const char* kTensorElementSize = R"doc(Bytes per element.

Example:
    >>> st.zeros(2).element_size()
    4
)doc";

inline constexpr const char* kTensorStride = R"doc(The strides, in elements: all of them as a tuple, or that of ``dim``.

Args:
    dim (int, optional): One dimension. Default: None (all).

Example:
    >>> st.zeros(2, 3).stride()
    (3, 1)
    >>> st.zeros(2, 3).t().stride(0)
    1
)doc";

inline constexpr const char* kTensorStorageOffset = R"doc(The offset of the first element into the storage, in elements.

Example:
    >>> st.zeros(4)[1:].storage_offset()
    1
)doc";

inline constexpr const char* kTensorIsContiguous = R"doc(True when the elements lie in row-major order without gaps.

Example:
    >>> x = st.zeros(2, 3)
    >>> x.is_contiguous(), x.t().is_contiguous()
    (True, False)
)doc";

inline constexpr const char* kTensorIsFloatingPoint = R"doc(True for float32 and float64 tensors.

Example:
    >>> st.zeros(2).is_floating_point(), st.arange(2).is_floating_point()
    (True, False)
)doc";

inline constexpr const char* kTensorContiguous =
    R"doc(The tensor itself if contiguous, else a row-major copy (differentiable).

Example:
    >>> st.zeros(2, 3).t().contiguous().is_contiguous()
    True
)doc";

inline constexpr const char* kTensorPinMemory =
    R"doc(A copy in page-locked host memory (faster, asynchronous copies to a GPU).

Raises:
    NotImplementedError: striate was built without the CUDA backend.

Example:
    >>> x = st.ones(2)
    >>> pinned = x.pin_memory() if st.cuda.is_available() else x
    >>> pinned.shape
    striate.Size([2])
)doc";

inline constexpr const char* kTensorIsPinned = R"doc(True when the tensor lives in page-locked host memory.

Example:
    >>> st.zeros(2).is_pinned()
    False
)doc";

inline constexpr const char* kTensorClone =
    R"doc(A copy with its own memory (differentiable: the gradient passes through).

Example:
    >>> x = st.ones(2)
    >>> y = x.clone()
    >>> y.data_ptr() != x.data_ptr()
    True
)doc";

inline constexpr const char* kTensorDetach =
    R"doc(A tensor sharing this one's memory, cut from the autograd graph (no grad).

Example:
    >>> x = st.ones(2, requires_grad=True)
    >>> (x * 2).detach().requires_grad
    False
)doc";

inline constexpr const char* kTensorDetachInplace =
    R"doc(Cuts this tensor from the autograd graph in place (it becomes a leaf); returns it.

Example:
    >>> y = st.ones(2, requires_grad=True) * 2
    >>> y.detach_().is_leaf
    True
)doc";

inline constexpr const char* kTensorRequiresGradInplace =
    R"doc(Sets :attr:`requires_grad` in place and returns the tensor.

Args:
    requires_grad (bool): Record operations on this tensor. Default: True.

Raises:
    TypeError: Turning it on for a tensor that is not floating point.
    RuntimeError: Changing it on a tensor that is not a leaf.

Example:
    >>> st.zeros(2).requires_grad_()
    tensor([0., 0.], requires_grad=True)
)doc";

inline constexpr const char* kTensorRetainGrad =
    R"doc(Asks :meth:`backward` to keep this non-leaf tensor's gradient in ``grad``.

Example:
    >>> x = st.ones(2, requires_grad=True)
    >>> y = x * 2
    >>> y.retain_grad()
    >>> y.sum().backward()
    >>> y.grad
    tensor([1., 1.])
)doc";

inline constexpr const char* kTensorRegisterHook =
    R"doc(Registers ``hook(grad)`` to run when this tensor's gradient is computed.

A hook that returns a tensor replaces the gradient passed on.

Args:
    hook (callable): Called with the gradient tensor; returns None or a replacement.

Returns:
    RemovableHandle: ``handle.remove()`` unregisters the hook.

Raises:
    RuntimeError: The tensor does not require grad.

Example:
    >>> x = st.tensor([1.], requires_grad=True)
    >>> handle = x.register_hook(lambda g: g * 2)
    >>> (x * 3).sum().backward()
    >>> x.grad
    tensor([6.])
    >>> handle.remove()
)doc";

inline constexpr const char* kTensorTranspose = R"doc(Swaps dimensions ``dim0`` and ``dim1`` (a view).

Args:
    dim0 (int): The first dimension.
    dim1 (int): The second dimension.

Raises:
    IndexError: A dimension is out of range.

Example:
    >>> st.zeros(2, 3, 4).transpose(0, 2).shape
    striate.Size([4, 3, 2])
)doc";

inline constexpr const char* kTensorTransposeMatrix = R"doc(The transpose of a tensor of at most 2 dimensions (a view).

Raises:
    ValueError: The tensor has more than 2 dimensions.

Example:
    >>> st.tensor([[1., 2.]]).t()
    tensor([[1.],
            [2.]])
)doc";

inline constexpr const char* kTensorNarrow = R"doc(The slice ``start:start + length`` of dimension ``dim`` (a view).

Args:
    dim (int): The dimension.
    start (int): The first index.
    length (int): How many entries.

Raises:
    IndexError: The range leaves the dimension.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).narrow(1, 0, 1)
    tensor([[1.],
            [3.]])
)doc";

inline constexpr const char* kTensorSelect =
    R"doc(Entry ``index`` of dimension ``dim``, with that dimension removed (a view).

Args:
    dim (int): The dimension.
    index (int): The index (negative counts from the end).

Raises:
    IndexError: ``dim`` or ``index`` is out of range.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).select(0, 1)
    tensor([3., 2.])
)doc";

inline constexpr const char* kTensorExpandAs =
    R"doc(Broadcasts to ``other``'s shape without copying (a view with stride 0).

Example:
    >>> st.ones(2).expand_as(st.zeros(3, 2)).shape
    striate.Size([3, 2])
)doc";

inline constexpr const char* kTensorSqueeze =
    R"doc(Removes dimensions of size 1: all of them, or ``dim`` if it has size 1 (a view).

Args:
    dim (int, optional): The one dimension to remove. Default: None (all of size 1).

Example:
    >>> st.zeros(2, 1, 3).squeeze().shape
    striate.Size([2, 3])
)doc";

inline constexpr const char* kTensorUnsqueeze = R"doc(Inserts a dimension of size 1 at ``dim`` (a view).

Args:
    dim (int): Position of the new dimension, in ``[-ndim - 1, ndim]``.

Example:
    >>> st.zeros(3).unsqueeze(0).shape
    striate.Size([1, 3])
)doc";

inline constexpr const char* kTensorFlatten =
    R"doc(Merges dimensions ``start_dim`` to ``end_dim`` into one (a view when possible).

Args:
    start_dim (int): The first dimension merged. Default: 0.
    end_dim (int): The last dimension merged. Default: -1.

Example:
    >>> st.zeros(2, 3, 4).flatten(1).shape
    striate.Size([2, 12])
)doc";

inline constexpr const char* kTensorUnflatten =
    R"doc(Splits dimension ``dim`` into ``sizes`` (the inverse of :meth:`flatten`; a view).

Args:
    dim (int): The dimension to split.
    sizes (sequence of ints): The new sizes; their product is the size of ``dim`` (one may
        be -1).

Raises:
    ValueError: The sizes do not multiply to the size of ``dim``.

Example:
    >>> st.zeros(2, 12).unflatten(1, (3, 4)).shape
    striate.Size([2, 3, 4])
)doc";

inline constexpr const char* kTensorNumpy = R"doc(A NumPy array sharing this CPU tensor's memory (no copy).

Raises:
    RuntimeError: The tensor requires grad (call :meth:`detach` first) or lives on a GPU.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).numpy()
    array([[1., 5.],
           [3., 2.]], dtype=float32)
)doc";

inline constexpr const char* kTensorMatmul =
    R"doc(Matrix product ``self @ other``, with batch dimensions broadcast (NumPy's matmul rule).

Args:
    other (Tensor): The right operand.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).matmul(st.tensor([[1.], [1.]]))
    tensor([[6.],
            [5.]])
)doc";

inline constexpr const char* kTensorRelu = R"doc(Rectified linear unit, elementwise: ``max(self, 0)``.

Example:
    >>> st.tensor([-1., 2.]).relu()
    tensor([0., 2.])
)doc";

inline constexpr const char* kTensorReluInplace = R"doc(In-place :meth:`relu`; returns ``self``.

Example:
    >>> st.tensor([-1., 2.]).relu_()
    tensor([0., 2.])
)doc";

inline constexpr const char* kTensorSigmoid = R"doc(Logistic sigmoid, elementwise: ``1 / (1 + exp(-self))``.

Example:
    >>> st.tensor([0.]).sigmoid()
    tensor([0.5000])
)doc";

inline constexpr const char* kTensorTanh = R"doc(Hyperbolic tangent, elementwise.

Example:
    >>> st.tensor([0., 1.]).tanh()
    tensor([0.0000, 0.7616])
)doc";

inline constexpr const char* kTensorSoftmax = R"doc(Softmax along ``dim``: ``exp(x) / sum(exp(x), dim)``.

Args:
    dim (int): The dimension that sums to 1.
    dtype (dtype, optional): Cast to this dtype first. Default: None.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).softmax(dim=1)
    tensor([[0.0180, 0.9820],
            [0.7311, 0.2689]])
)doc";

inline constexpr const char* kTensorLogSoftmax =
    R"doc(Log of :meth:`softmax` along ``dim``, computed stably: ``x - logsumexp(x, dim)``.

Args:
    dim (int): The dimension normalized.
    dtype (dtype, optional): Cast to this dtype first. Default: None.

Example:
    >>> st.tensor([[1., 5.], [3., 2.]]).log_softmax(dim=1)
    tensor([[-4.0181, -0.0181],
            [-0.3133, -1.3133]])
)doc";

inline constexpr const char* kMatmul = R"doc(Matrix product of two tensors, with NumPy's matmul rules.

1-D x 1-D is the dot product; 2-D x 2-D the matrix product; a 1-D operand is treated as a row
(left) or column (right) vector and its dimension removed afterwards; beyond 2-D the leading
dimensions are batch dimensions and broadcast.

Args:
    input (Tensor): The left operand.
    other (Tensor): The right operand.

Returns:
    Tensor: The product.

Shape:
    - input: (*, n, m); other: (*, m, p); output: (*, n, p), * broadcast.

Raises:
    ValueError: The inner dimensions differ, or an operand is 0-dimensional.

Example:
    >>> a = st.tensor([[1., 2.], [3., 4.]])
    >>> st.matmul(a, a)
    tensor([[ 7., 10.],
            [15., 22.]])
    >>> st.matmul(st.zeros(5, 2, 3), st.zeros(3, 4)).shape
    striate.Size([5, 2, 4])
)doc";

// ---- joining ----

inline constexpr const char* kCat = R"doc(Concatenates tensors along an existing dimension.

Args:
    tensors (sequence of Tensor): Tensors of one dtype whose sizes agree except in ``dim``.
    dim (int): The dimension to join along. Default: 0.

Returns:
    Tensor: A new tensor; ``dim`` has the sum of the inputs' sizes.

Raises:
    ValueError: The list is empty or the other sizes disagree.

Example:
    >>> x = st.tensor([[1., 2.]])
    >>> st.cat([x, x], dim=0)
    tensor([[1., 2.],
            [1., 2.]])
)doc";

inline constexpr const char* kStack = R"doc(Stacks tensors of one shape along a new dimension ``dim``.

Args:
    tensors (sequence of Tensor): Tensors of equal shape.
    dim (int): Where the new dimension goes. Default: 0.

Returns:
    Tensor: A new tensor with one more dimension, of size ``len(tensors)``.

Raises:
    ValueError: The list is empty or the shapes differ.

Example:
    >>> st.stack([st.zeros(2), st.ones(2)]).shape
    striate.Size([2, 2])
)doc";

// ---- random numbers and threads ----

inline constexpr const char* kManualSeed =
    R"doc(Seeds the default random generator (the CPU's; CUDA's via :func:`striate.cuda.manual_seed`).

Args:
    seed (int): A non-negative integer below 2**64.

Example:
    >>> st.manual_seed(0)
    >>> a = st.rand(2)
    >>> st.manual_seed(0)
    >>> bool((st.rand(2) == a).all())
    True
)doc";

inline constexpr const char* kInitialSeed = R"doc(The seed the default generator was last seeded with.

Example:
    >>> st.manual_seed(7)
    >>> st.initial_seed()
    7
)doc";

inline constexpr const char* kGetRngState =
    R"doc(The default generator's state as bytes, for :func:`striate.set_rng_state`.

Example:
    >>> state = st.get_rng_state()
    >>> a = st.rand(2)
    >>> st.set_rng_state(state)
    >>> bool((st.rand(2) == a).all())
    True
)doc";

inline constexpr const char* kSetRngState =
    R"doc(Restores the default generator from :func:`striate.get_rng_state`'s bytes.

Args:
    state (bytes): A state from :func:`striate.get_rng_state`.

Raises:
    ValueError: The bytes are not a valid generator state.

Example:
    >>> st.set_rng_state(st.get_rng_state())
)doc";

inline constexpr const char* kSetNumThreads =
    R"doc(Sets the number of threads the CPU kernels use (striate's thread pool). One setting for the
whole process: every thread reads it.

Args:
    n (int): A positive thread count.

Raises:
    ValueError: ``n`` is below 1 or above 4096.

Example:
    >>> n = st.get_num_threads()
    >>> st.set_num_threads(1)
    >>> st.get_num_threads()
    1
    >>> st.set_num_threads(n)
)doc";

inline constexpr const char* kGetNumThreads = R"doc(The number of threads the CPU kernels use.

Example:
    >>> st.get_num_threads() >= 1
    True
)doc";

}  // namespace striate::python::docstrings
