"""striate.backends.cudnn: PyTorch's cuDNN switches, wired to striate's CUDA convolutions.

Convolutions on CUDA run through cuDNN when ``libcudnn.so.9`` can be loaded (the loader's path,
the ``nvidia-cudnn-cu13`` wheel or ``/usr/local/cuda/lib64``) and ``enabled`` is set, and on
striate's own im2col + GEMM kernels otherwise (also where cuDNN declines a geometry).
``benchmark = True`` times cuDNN's algorithms once per shape and keeps the fastest;
``deterministic = True`` keeps to algorithms that give the same bits every run. ``allow_tf32`` is
False by default here (PyTorch: True), so that float32 convolutions match the CPU to 1e-5; set it
for speed on Ampere and later.

    striate.backends.cudnn.benchmark = True
"""

import sys
import types

from .._load import load_extension

_libraries = load_extension()._cuda_libraries

__all__ = ["is_available", "version", "enabled", "benchmark", "deterministic", "allow_tf32"]

_SETTINGS = ("enabled", "benchmark", "deterministic", "allow_tf32")


def is_available():
    """Whether cuDNN was loaded (backends.cuda.cudnn_status() says from where, or why not).

    Returns:
        bool

    Example:
        >>> st.backends.cudnn.is_available() in (True, False)
        True
    """
    return bool(_libraries.cudnn_status()["loaded"])


def version():
    """cuDNN's version as PyTorch reports it (major * 10000 + minor * 100 + patch), or None.

    Returns:
        int or None

    Example:
        >>> st.backends.cudnn.is_available() or st.backends.cudnn.version() is None
        True
    """
    status = _libraries.cudnn_status()
    if not status["loaded"]:
        return None
    major, minor, patch = (int(part) for part in status["version"].split("."))
    return major * 10000 + minor * 100 + patch


class _CudnnModule(types.ModuleType):
    """The module's switches read and write the C++ settings the convolutions consult."""

    def __getattr__(self, name):
        if name in _SETTINGS:
            return bool(_libraries.get_cudnn_settings()[name])
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name in _SETTINGS:
            if not isinstance(value, bool):
                raise TypeError(
                    f"backends.cudnn.{name}: expected a bool, got {type(value).__name__}")
            _libraries.set_cudnn_setting(name, value)
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _CudnnModule
