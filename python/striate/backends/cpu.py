"""The CPU backend: what this machine's CPU can do and which kernels striate picks on it.

    >>> import striate as st
    >>> st.backends.cpu.isa() in ("avx512", "avx2", "generic")
    True
"""

from .._load import load_extension

_C = load_extension()

__all__ = ["isa"]


def isa():
    """The SIMD instruction set the CPU kernels use: "avx512", "avx2" or "generic"."""
    return _C._get_cpu_isa()
