"""What runs where: the op registry, read from the C++ kernels themselves.

``supported_ops("cuda")`` lists the ops whose every kernel (forward and backward) has a CUDA
implementation; an op outside it raises ``NotImplementedError: conv2d: no CUDA kernel yet (input
on cuda:0)`` before touching device memory. The CPU runs every registered op.

    >>> import striate as st
    >>> "conv2d" in st.backends.supported_ops("cpu")
    True
"""

from .._load import load_extension
from . import cpu, cuda, cudnn, mps

_registry = load_extension()._backends

__all__ = ["cpu", "cuda", "cudnn", "mps", "registered_ops", "supported_ops", "unsupported_ops",
           "has_kernel", "op_kernels"]


def _device_spec(device):
    return str(device)


def registered_ops():
    """Every op the registry knows, sorted by name.

    Returns:
        list of str: Sorted op names.

    Example:
        >>> 'conv2d' in st.backends.registered_ops()
        True
    """
    return list(_registry.registered_ops())


def supported_ops(device="cpu"):
    """The ops that run on ``device`` ("cpu", "cuda", "cuda:1" or a device object), sorted.

    Args:
        device (str): ``'cpu'`` or ``'cuda'``. Default: ``'cpu'``.

    Returns:
        list of str

    Example:
        >>> 'conv2d' in st.backends.supported_ops('cpu')
        True
    """
    return list(_registry.supported_ops(_device_spec(device)))


def unsupported_ops(device):
    """The registered ops that have no kernel on ``device`` yet, sorted.

    Args:
        device (str): ``'cpu'`` or ``'cuda'``.

    Returns:
        list of str

    Example:
        >>> st.backends.unsupported_ops('cpu')
        []
    """
    return list(_registry.unsupported_ops(_device_spec(device)))


def has_kernel(op, device):
    """Whether ``op`` is registered and every kernel it runs is implemented on ``device``.

    Args:
        op (str): A registered op.
        device (str): ``'cpu'`` or ``'cuda'``.

    Returns:
        bool

    Example:
        >>> st.backends.has_kernel('conv2d', 'cpu')
        True
    """
    return bool(_registry.has_kernel(op, _device_spec(device)))


def op_kernels(op):
    """The names of the kernels ``op`` runs, forward and backward (raises ValueError if unknown).

    Args:
        op (str): A registered op.

    Returns:
        list of str: The kernels, e.g. ``'conv2d_forward<float32>'``.

    Example:
        >>> 'conv2d_forward<float32>' in st.backends.op_kernels('conv2d')
        True
    """
    return list(_registry.op_kernels(op))
