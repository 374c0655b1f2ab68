"""The CPU backend: what this machine's CPU can do and which kernels striate picks on it.

    >>> import striate as st
    >>> st.backends.cpu.isa() in ("avx512", "avx2", "generic")
    True
"""

from .._load import load_extension

_C = load_extension()

__all__ = [
    "isa", "peak_gflops", "conv_algorithm", "set_conv_algorithm", "get_conv_algorithm",
    "memory_stats", "memory_allocated", "max_memory_allocated", "reset_peak_memory_stats",
    "empty_cache", "set_cache_limit",
]


def isa():
    """The SIMD instruction set the CPU kernels use: "avx512", "avx2" or "generic".

    Returns:
        str: ``'avx512'``, ``'avx2'`` or ``'generic'``.

    Example:
        >>> st.backends.cpu.isa() in ('avx512', 'avx2', 'generic')
        True
    """
    return _C._get_cpu_isa()


def peak_gflops(threads=1, dtype="float32"):
    """The machine's measured floating-point peak in GFLOP/s on ``threads`` threads at once.

    A built-in probe runs independent chains of fused multiply-adds on the SIMD path the kernels
    use (:func:`isa`) on its own threads (the ``set_num_threads`` setting is untouched), and
    returns the best of 30 trials of ~5 ms: about 0.2 s per call. One multiply-add counts as two
    FLOPs. ``dtype`` is "float32" or "float64" (or ``striate.float32`` / ``striate.float64``).
    The benchmark suite divides its GFLOP/s by this figure to report the fraction of peak.

    Args:
        threads (int): Threads running the probe at once. Default: 1.
        dtype (str or dtype): ``'float32'`` or ``'float64'``. Default: ``'float32'``.

    Returns:
        float: GFLOP/s.

    Raises:
        TypeError: ``threads`` is not an int.

    Example:
        >>> st.backends.cpu.peak_gflops(threads=1) > 0
        True
    """
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise TypeError(f"peak_gflops: expected threads to be an int, got {type(threads).__name__}")
    return _C._cpu_peak_gflops(threads, dtype)


# ---- convolution algorithms -------------------------------------------------------------------

_CONV_ALGORITHMS = ("auto", "im2col_gemm", "gemm_1x1", "winograd", "direct", "depthwise", "cudnn")


def conv_algorithm(input_shape, weight_shape, stride=1, padding=0, dilation=1, groups=1,
                   dtype=None, device="cpu"):
    """Which algorithm runs each pass of ``conv2d`` for these shapes.

    Takes conv2d's arguments (shapes instead of tensors) and returns a dict with the keys
    ``"forward"``, ``"backward_input"`` and ``"backward_weight"``, each one of
    ``"im2col_gemm"`` (unfold + matrix product, the general path), ``"gemm_1x1"`` (1x1 kernels,
    no unfolding), ``"winograd"`` (3x3 stride-1 float32 layers), ``"direct"`` (register-blocked
    direct loops, float32, groups 1) or ``"depthwise"`` (groups equal to the input channels).

    Setting the environment variable ``STRIATE_LOG_CONV_ALGORITHM=1`` prints each new choice
    to stderr as the convolutions run.

    Args:
        input_shape (tuple): (N, C, H, W).
        weight_shape (tuple): (K, C / groups, R, S).
        stride (int or tuple): Default: 1.
        padding (int or tuple): Default: 0.
        dilation (int or tuple): Default: 1.
        groups (int): Default: 1.
        dtype (dtype, optional): Default: None (float32).
        device (str): Default: ``'cpu'``.

    Returns:
        dict: ``{pass: algorithm}``.

    Example:
        >>> import striate as st
        >>> st.backends.cpu.conv_algorithm((64, 16, 32, 32), (16, 16, 1, 1))["forward"]
        'gemm_1x1'
    """
    from .. import float32

    return dict(_C._conv2d_algorithms(
        list(input_shape), list(weight_shape), stride, padding, dilation, groups,
        float32 if dtype is None else dtype, str(device)))


def set_conv_algorithm(name):
    """Prefers one convolution algorithm wherever it can compute a pass ("auto" restores the rule).

    Meant for tests and benchmarks: ``"im2col_gemm"`` runs every convolution on the general
    path; ``"winograd"`` runs every 3x3 stride-1 float32 pass on it, whether or not the rule
    would; ``"direct"`` every float32 pass with groups 1; ``"depthwise"`` every pass with groups
    equal to the input channels. Passes the preferred algorithm cannot compute keep the rule's
    choice. The setting is process-wide. Returns the previous setting.

    Args:
        name (str): ``'auto'``, ``'im2col_gemm'``, ``'gemm_1x1'``, ``'winograd'``, ``'direct'``,
            ``'depthwise'`` or ``'cudnn'``.

    Returns:
        str: The previous setting.

    Raises:
        ValueError: An unknown name.

    Example:
        >>> previous = st.backends.cpu.set_conv_algorithm('im2col_gemm')
        >>> st.backends.cpu.get_conv_algorithm()
        'im2col_gemm'
        >>> _ = st.backends.cpu.set_conv_algorithm(previous)
    """
    if name not in _CONV_ALGORITHMS:
        expected = ", ".join(map(repr, _CONV_ALGORITHMS))
        raise ValueError(f"set_conv_algorithm: expected one of {expected}, got {name!r}")
    previous = _C._get_conv_algorithm()
    _C._set_conv_algorithm(name)
    return previous


def get_conv_algorithm():
    """The current preference set by :func:`set_conv_algorithm` ("auto" by default).

    Returns:
        str

    Example:
        >>> st.backends.cpu.get_conv_algorithm()
        'auto'
    """
    return _C._get_conv_algorithm()


# ---- the caching allocator --------------------------------------------------------------------


def memory_stats():
    """Counters of the caching CPU allocator behind every CPU tensor, as a dict.

    Tensors' memory comes in 64-byte aligned blocks of fixed size classes (64-byte steps up to
    4 KiB, then 16 classes per power of two); a freed block goes to its class's free list and the
    next request of that class reuses it, so a training loop in steady state asks the OS for no
    memory. Keys: ``allocated_bytes`` (in blocks held by tensors), ``cached_bytes`` (in freed
    blocks kept), ``peak_allocated_bytes``, ``requests`` (allocations served), ``cache_hits``,
    ``os_allocations`` (the requests the cache could not serve), ``os_frees`` and ``cache_limit``
    (the most bytes the cache keeps: 2 GiB, or the environment variable
    ``STRIATE_CPU_CACHE_LIMIT_MB``).

    Returns:
        dict: The counters.

    Example:
        >>> stats = st.backends.cpu.memory_stats()
        >>> stats["cache_hits"] <= stats["requests"]
        True
    """
    return dict(_C._cpu_memory_stats())


def memory_allocated():
    """Bytes of CPU memory held by tensors now (rounded up to the allocator's size classes).

    Returns:
        int: Bytes.

    Example:
        >>> x = st.zeros(1024)
        >>> st.backends.cpu.memory_allocated() >= 4096
        True
    """
    return _C._cpu_memory_stats()["allocated_bytes"]


def max_memory_allocated():
    """The most bytes held by tensors at once since start or :func:`reset_peak_memory_stats`.

    Returns:
        int: Bytes.

    Example:
        >>> st.backends.cpu.max_memory_allocated() >= st.backends.cpu.memory_allocated()
        True
    """
    return _C._cpu_memory_stats()["peak_allocated_bytes"]


def reset_peak_memory_stats():
    """Starts :func:`max_memory_allocated` over from the bytes allocated now.

    Example:
        >>> st.backends.cpu.reset_peak_memory_stats()
        >>> st.backends.cpu.max_memory_allocated() == st.backends.cpu.memory_allocated()
        True
    """
    _C._cpu_reset_peak_memory_stats()


def empty_cache():
    """Returns every cached (free) block to the OS; returns the bytes freed.

    Tensors still alive are untouched. The allocator also does this by itself once when the OS
    refuses an allocation, before it raises ``MemoryError``.

    Returns:
        int: Bytes returned to the OS.

    Example:
        >>> st.backends.cpu.empty_cache() >= 0
        True
    """
    return _C._cpu_empty_cache()


def set_cache_limit(nbytes):
    """Sets the most bytes the cache keeps (freeing cached blocks above it now); 0 disables it.

    Args:
        nbytes (int): The limit in bytes; 0 disables the cache.

    Raises:
        TypeError: ``nbytes`` is not an int.
        ValueError: ``nbytes`` is negative.

    Example:
        >>> limit = st.backends.cpu.memory_stats()['cache_limit']
        >>> st.backends.cpu.set_cache_limit(1 << 20)
        >>> st.backends.cpu.set_cache_limit(limit)
    """
    if isinstance(nbytes, bool) or not isinstance(nbytes, int):
        got = type(nbytes).__name__
        raise TypeError(f"set_cache_limit: expected nbytes to be an int, got {got}")
    if nbytes < 0:
        raise ValueError(f"set_cache_limit: expected nbytes >= 0, got {nbytes}")
    _C._cpu_set_cache_limit(nbytes)
