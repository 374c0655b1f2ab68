"""striate.backends.cuda: PyTorch's CUDA math switches, and which NVIDIA libraries striate loaded.

GEMMs on CUDA run through cuBLAS when ``libcublas.so.13`` (or ``.12``) can be loaded, from the
loader's path, the ``nvidia-cublas`` pip wheel or ``/usr/local/cuda/lib64``, and on striate's own
tiled kernel otherwise. float32 products keep full precision unless TF32 is allowed:

    >>> import striate as st
    >>> st.backends.cuda.matmul.allow_tf32
    False
    >>> st.backends.cuda.matmul.allow_tf32 = True    # faster float32 GEMMs on Ampere and later
    >>> st.backends.cuda.matmul.allow_tf32 = False
"""

import glob
import os
import sys

from .._load import load_extension

_C = load_extension()
_libraries = _C._cuda_libraries

__all__ = ["is_built", "matmul", "preferred_blas_library", "cublas_status", "cudnn_status",
           "nccl_status",
           "library_directories"]

_BLAS_LIBRARIES = ("cublas", "striate", "default")


def _register_wheel_folders():
    # The nvidia-* wheels unpack their libraries into site-packages/nvidia/<name>/lib; the C++
    # loader searches these folders after its own path, on the first GEMM or show_config().
    for entry in sys.path:
        for folder in sorted(glob.glob(os.path.join(entry or os.curdir, "nvidia", "*", "lib"))):
            _libraries.add_directory(os.path.abspath(folder))


_register_wheel_folders()


def is_built():
    """Whether this build of striate carries the CUDA backend.

    Returns:
        bool

    Example:
        >>> st.backends.cuda.is_built() == st.cuda.is_built()
        True
    """
    return bool(_C.cuda_built)


class _Matmul:
    """``striate.backends.cuda.matmul``: ``allow_tf32`` (False by default, as in PyTorch)."""

    __slots__ = ()

    @property
    def allow_tf32(self):
        return bool(_libraries.get_allow_tf32())

    @allow_tf32.setter
    def allow_tf32(self, value):
        if not isinstance(value, bool):
            raise TypeError(
                f"backends.cuda.matmul.allow_tf32: expected a bool, got {type(value).__name__}")
        _libraries.set_allow_tf32(value)

    def __repr__(self):
        return f"backends.cuda.matmul(allow_tf32={self.allow_tf32})"


matmul = _Matmul()


def preferred_blas_library(backend=None):
    """The library CUDA GEMMs run on: "cublas" (the default, when loaded) or "striate" (striate's
    own tiled kernel, always present). With ``backend`` ("cublas", "striate" or "default"), sets
    it first. Returns the setting in force, as ``torch.backends.cuda.preferred_blas_library``.

    Args:
        backend (str, optional): Accepted for torch's signature. Default: None.

    Returns:
        str: ``'cublas'``.

    Example:
        >>> st.backends.cuda.preferred_blas_library()
        'cublas'
    """
    if backend is not None:
        if backend not in _BLAS_LIBRARIES:
            expected = ", ".join(map(repr, _BLAS_LIBRARIES))
            raise ValueError(f"preferred_blas_library: expected one of {expected}, got {backend!r}")
        _libraries.set_use_cublas(backend != "striate")
    return "cublas" if _libraries.get_use_cublas() else "striate"


def cublas_status():
    """Whether cuBLAS was loaded: a dict with ``loaded``, ``path``, ``version`` and, when it was
    not, the ``reason``. The first call looks for the library (no GPU is needed for that).

    Returns:
        dict: ``loaded``, ``path``, ``version`` and ``reason``.

    Example:
        >>> sorted(st.backends.cuda.cublas_status())
        ['loaded', 'path', 'reason', 'version']
    """
    return dict(_libraries.cublas_status())


def cudnn_status():
    """The same report for cuDNN (``libcudnn.so.9``).

    Returns:
        dict: ``loaded``, ``path``, ``version`` and ``reason``.

    Example:
        >>> sorted(st.backends.cuda.cudnn_status())
        ['loaded', 'path', 'reason', 'version']
    """
    return dict(_libraries.cudnn_status())


def library_directories():
    """The folders searched for the NVIDIA libraries after the loader's own path.

    Returns:
        list of str

    Example:
        >>> isinstance(st.backends.cuda.library_directories(), list)
        True
    """
    return list(_libraries.directories())


def nccl_status():
    """Whether NCCL (striate.distributed's 'nccl' backend) was loaded: a dict with loaded, path,
    version and, when it was not, the reason.

    Example:
        >>> status = st.backends.cuda.nccl_status()
        >>> "loaded" in status
        True
        >>> isinstance(status["loaded"], bool)
        True
    """
    return dict(_libraries.nccl_status())
