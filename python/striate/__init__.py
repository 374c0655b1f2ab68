"""striate: a small, fast, readable deep-learning library for convolutional networks.

    import striate as st
    from striate import nn, optim
    x = st.randn(8, 1, 28, 28)
"""

import os as _os

from ._load import load_extension as _load_extension

_C = _load_extension()

from ._C import Tensor, device, dtype  # noqa: E402
from ._C import (  # noqa: E402
    abs, cat, clamp, exp, get_num_threads, initial_seed, log, logical_and,
    logical_not, logical_or, manual_seed, maximum, minimum, neg,
    set_num_threads, sign, sqrt, stack, where, get_rng_state, set_rng_state,
)
from ._tensor_binary import (  # noqa: E402,A004  (torch's names, pow included)
    add, div, divide, eq, mul, multiply, pow, rsub, sub, subtract, true_divide,
)
from ._C import sum, mean, var, std, max, min, argmax, argmin  # noqa: E402,A004
from ._C import gather, index_select, masked_select  # noqa: E402
from ._C._functional import matmul  # noqa: E402
from . import _tensor  # noqa: E402,F401  (attaches the Python-side Tensor methods)
from ._creation import (  # noqa: E402
    arange, empty, empty_like, eye, from_dlpack, from_numpy, full, full_like, linspace, ones,
    ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm, tensor, zeros,
    zeros_like,
)
from ._generator import Generator, default_generator  # noqa: E402
from ._tensor_compose import (  # noqa: E402,A004  (torch's names, all/any included)
    all, any, as_tensor, bmm, broadcast_to, chunk, clip, concat, concatenate, dot, flip, ge, gt,
    isfinite, isinf, isnan, le, lt, mm, movedim, narrow, ne, outer, permute, reshape, seed,
    split, squeeze, tile, transpose, unbind, unsqueeze,
)
from ._tensor_compose_index import (  # noqa: E402
    argsort, diag, nonzero, repeat_interleave, roll, scatter, sort, topk,
)
from ._tensor_compose_math import (  # noqa: E402,A004  (torch's names, round included)
    allclose, ceil, cumsum, floor, isclose, log1p, norm, prod, round, rsqrt, trunc,
)
from ._einsum import einsum  # noqa: E402
from .autograd import (  # noqa: E402
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .serialization import install_tensor_pickling as _install_tensor_pickling  # noqa: E402
from .serialization import load, save  # noqa: E402

_install_tensor_pickling()

from . import autograd, backends, data, io, models, nn, optim, viz  # noqa: E402
from . import profiler  # noqa: E402
from . import onnx  # noqa: E402  (the onnx package itself is imported on first use)
from .io import load_state_dict, save_state_dict  # noqa: E402
from . import train  # noqa: E402
from .summary import summary  # noqa: E402
from .diagnostics import check_gradients, compare_devices  # noqa: E402
from . import diagnostics  # noqa: E402
from .diagnostics import plan  # noqa: E402
from .nn.functional import log_softmax, relu, sigmoid, softmax, tanh, unflatten  # noqa: E402


def flatten(input, start_dim=0, end_dim=-1):
    """Merges dimensions ``start_dim`` to ``end_dim`` of ``input`` into one.

    Args:
        input (Tensor): The tensor.
        start_dim (int): The first dimension merged. Default: 0.
        end_dim (int): The last dimension merged. Default: -1.

    Returns:
        Tensor: A view when the strides allow, else a copy.

    Example:
        >>> st.flatten(st.zeros(2, 3, 4)).shape
        striate.Size([24])
        >>> st.flatten(st.zeros(2, 3, 4), start_dim=1).shape
        striate.Size([2, 12])
    """
    return input.flatten(start_dim, end_dim)

float32 = dtype.float32
float64 = dtype.float64
float16 = dtype.float16
bfloat16 = dtype.bfloat16
half = float16
int64 = dtype.int64
uint8 = dtype.uint8
bool = dtype.bool  # noqa: A001
float = float32  # noqa: A001
double = float64
long = int64

__version__ = _C.__version__
cuda_built = _C.cuda_built

#: Directory to pass as CMAKE_PREFIX_PATH so that a C++ program's find_package(striate) finds
#: the library, headers and CMake package shipped inside this installed package.
cmake_prefix_path = _os.path.dirname(_os.path.abspath(__file__))


def show_config():
    """Prints how this build of striate is configured.

    The version, compiler, CPU ISA path, OpenMP threads, CUDA backend status and how many
    registered ops run on each device (striate.backends).

    Example:
        >>> st.show_config()  # doctest: +ELLIPSIS
        striate ...
    """
    print(_C.show_config(), end="")
    total = len(backends.registered_ops())
    print(f"  ops: {total} registered; {len(backends.supported_ops('cpu'))} run on the CPU, "
          f"{len(backends.supported_ops('cuda'))} on CUDA (striate.backends.supported_ops)")


from . import accelerator, cuda, distributed, utils  # noqa: E402
from . import amp  # noqa: E402
from .amp import autocast, get_autocast_dtype, is_autocast_enabled  # noqa: E402


def promote_types(type1, type2):
    """The smallest dtype both convert to (torch.promote_types); float16 with bfloat16 gives
    float32.

    Example:
        >>> st.promote_types(st.int64, st.float32)
        striate.float32
        >>> st.promote_types(st.float16, st.bfloat16)
        striate.float32
    """
    return _C._amp.promote_types(type1, type2)


def _number_dtype(value):
    if isinstance(value, _builtins.bool):
        return dtype.bool
    if isinstance(value, _builtins.int):
        return dtype.int64
    if isinstance(value, _builtins.float):
        return dtype.float32
    raise TypeError(
        f"result_type: expected a Tensor or a Python number, got {type(value).__name__}"
    )


def result_type(tensor1, tensor2):
    """The dtype an arithmetic op on the two operands returns (torch.result_type): a 0-dim tensor or
    a Python number widens a dimensioned tensor only across categories (bool < integer < float).

    Example:
        >>> st.result_type(st.tensor([1, 2]), 2.5)
        striate.float32
        >>> st.result_type(st.tensor([1.0]), st.tensor([1], dtype=st.float64))
        striate.float64
    """
    if isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor):
        return _C._amp.result_type_tensors(tensor1, tensor2)
    if not isinstance(tensor1, Tensor) and not isinstance(tensor2, Tensor):
        return promote_types(_number_dtype(tensor1), _number_dtype(tensor2))
    tensor, number = (tensor1, tensor2) if isinstance(tensor1, Tensor) else (tensor2, tensor1)
    kind = _number_dtype(number)
    if kind == dtype.float32 and not tensor.dtype.is_floating_point:
        return dtype.float32
    if kind == dtype.int64 and tensor.dtype == dtype.bool:
        return dtype.int64
    return tensor.dtype
from ._size import Size  # noqa: E402


def is_tensor(obj):
    """Returns True if ``obj`` is a striate Tensor (a Parameter included).

    Args:
        obj: Any object.

    Example:
        >>> st.is_tensor(st.zeros(1)), st.is_tensor([0.])
        (True, False)
    """
    return isinstance(obj, Tensor)


def numel(t):
    """Returns the number of elements of ``t``.

    Args:
        t (Tensor): The tensor.

    Example:
        >>> st.numel(st.zeros(2, 3))
        6
    """
    return t.numel()


import builtins as _builtins  # noqa: E402  (striate.bool is the dtype)

_deterministic = {"enabled": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """PyTorch's switch for reproducible results; striate's CPU kernels are deterministic already.

    Every parallel loop splits its range statically by the thread count, and no kernel
    accumulates with atomics, so a run repeats bit for bit given the same seed
    (``manual_seed``), the same thread count and the same inputs. Enabling it records the
    request (``are_deterministic_algorithms_enabled``) for code that asks; no algorithm changes.
    Tested by tests/test_hardening.py (two processes, 100 LeNet-5 steps, bit-identical losses).

    Args:
        mode (bool): The requested mode.
        warn_only (bool): PyTorch's flag to warn instead of raising (keyword only). Default: False.

    Raises:
        TypeError: ``mode`` is not a bool.

    Example:
        >>> st.use_deterministic_algorithms(True)
        >>> st.are_deterministic_algorithms_enabled()
        True
        >>> st.use_deterministic_algorithms(False)
    """
    if not isinstance(mode, _builtins.bool):
        raise TypeError(f"use_deterministic_algorithms: expected a bool, got {type(mode).__name__}")
    _deterministic["enabled"] = mode
    _deterministic["warn_only"] = _builtins.bool(warn_only)


def are_deterministic_algorithms_enabled():
    """Returns the mode last set by :func:`use_deterministic_algorithms` (False at start).

    Example:
        >>> st.are_deterministic_algorithms_enabled()
        False
    """
    return _deterministic["enabled"]


def is_deterministic_algorithms_warn_only_enabled():
    """Returns the ``warn_only`` flag last set by :func:`use_deterministic_algorithms`.

    Example:
        >>> st.is_deterministic_algorithms_warn_only_enabled()
        False
    """
    return _deterministic["warn_only"]
