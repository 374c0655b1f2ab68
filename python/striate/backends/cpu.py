"""The CPU backend: what this machine's CPU can do and which kernels striate picks on it.

    >>> import striate as st
    >>> st.backends.cpu.isa() in ("avx512", "avx2", "generic")
    True
"""

from .._load import load_extension

_C = load_extension()

__all__ = ["isa", "peak_gflops"]


def isa():
    """The SIMD instruction set the CPU kernels use: "avx512", "avx2" or "generic"."""
    return _C._get_cpu_isa()


def peak_gflops(threads=1, dtype="float32"):
    """The machine's measured floating-point peak in GFLOP/s on ``threads`` threads at once.

    A built-in probe runs independent chains of fused multiply-adds on the SIMD path the kernels
    use (:func:`isa`) on its own threads (the ``set_num_threads`` setting is untouched), and
    returns the best of 30 trials of ~5 ms: about 0.2 s per call. One multiply-add counts as two
    FLOPs. ``dtype`` is "float32" or "float64" (or ``striate.float32`` / ``striate.float64``).
    The benchmark suite divides its GFLOP/s by this figure to report the fraction of peak.

        >>> st.backends.cpu.peak_gflops(threads=1) > 0
        True
    """
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise TypeError(f"peak_gflops: expected threads to be an int, got {type(threads).__name__}")
    return _C._cpu_peak_gflops(threads, dtype)
