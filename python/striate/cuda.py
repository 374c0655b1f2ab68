"""striate.cuda: PyTorch's torch.cuda for the CUDA backend: devices, streams and events, and the
caching allocator's memory statistics. On a machine without a GPU or driver (or a build without
the backend) is_available() is False, show_config() says why, the memory queries answer 0, and the
calls that need a device raise RuntimeError naming the reason.

    device = "cuda" if striate.cuda.is_available() else "cpu"
    s = striate.cuda.Stream()
    with striate.cuda.stream(s):
        y = model(x.to(device, non_blocking=True))
"""

import contextlib
from collections import namedtuple

from ._load import load_extension

_C = load_extension()

__all__ = [
    "is_available",
    "device_count",
    "is_built",
    "unavailable_reason",
    "current_device",
    "set_device",
    "device",
    "get_device_name",
    "get_device_capability",
    "get_device_properties",
    "synchronize",
    "CUDAGraph",
    "graph",
    "is_current_stream_capturing",
    "Stream",
    "Event",
    "stream",
    "current_stream",
    "default_stream",
    "set_stream",
    "empty_cache",
    "memory_stats",
    "memory_allocated",
    "max_memory_allocated",
    "memory_reserved",
    "max_memory_reserved",
    "reset_peak_memory_stats",
    "reset_max_memory_allocated",
    "mem_get_info",
    "memory_summary",
    "manual_seed",
    "manual_seed_all",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    "get_rng_state_all",
    "set_rng_state_all",
]


def is_available():
    """Whether the CUDA backend is built in and at least one device answers.

    Returns:
        bool

    Example:
        >>> device = 'cuda' if st.cuda.is_available() else 'cpu'
        >>> st.zeros(2, device=device).device.type == device
        True
    """
    return bool(_C.cuda_is_available())


def device_count():
    """The number of CUDA devices (0 without a GPU, a driver or the backend).

    Returns:
        int

    Example:
        >>> st.cuda.device_count() >= 0
        True
    """
    return int(_C.cuda_device_count())


def is_built():
    """Whether this build of striate carries the CUDA backend.

    Returns:
        bool

    Example:
        >>> st.cuda.is_built() == st.cuda_built
        True
    """
    return bool(_C.cuda_built)


def unavailable_reason():
    """Why CUDA cannot be used ('' when it can): not built, no driver, driver too old, no device.

    Returns:
        str or None: The reason, or None when CUDA is available.

    Example:
        >>> st.cuda.is_available() or isinstance(st.cuda.unavailable_reason(), str)
        True
    """
    return str(_C._cuda.unavailable_reason())


def _require(op):
    if not is_available():
        raise RuntimeError(f"cuda.{op}: CUDA is not available: {unavailable_reason()}")


def _index(device, op):
    """A device index from None (the current device), an int, 'cuda:N' or a striate.device."""
    if device is None:
        return current_device()
    if isinstance(device, bool):
        raise TypeError(f"cuda.{op}: expected a device index, 'cuda:N' or a striate.device, got "
                        f"{device!r}")
    if isinstance(device, int):
        index = device
    else:
        d = device if isinstance(device, _C.device) else _C.device(str(device))
        if d.type != "cuda":
            raise ValueError(f"cuda.{op}: expected a CUDA device, got {d}")
        index = d.index if d.index is not None else current_device()
    if is_available() and not 0 <= index < device_count():
        raise ValueError(f"cuda.{op}: device index {index} is out of range ({device_count()} CUDA "
                         "device(s))")
    return index


def current_device():
    """The index of the calling thread's current CUDA device.

    Returns:
        int: The index.

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     index = st.cuda.current_device()
    """
    _require("current_device")
    return int(_C._cuda.current_device())


def set_device(device):
    """Makes `device` current for the calling thread (where device-less CUDA calls go).

    Args:
        device (int, str or device): The device to make current.

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     st.cuda.set_device(0)
    """
    _require("set_device")
    _C._cuda.set_device(_index(device, "set_device"))


class device:  # noqa: N801 (torch.cuda.device's name)
    """Context manager that makes a device current and restores the previous one after.

    Args:
        device (int, str, device or None): The device (None: no change).

    Example:
        >>> with st.cuda.device(None):
        ...     pass
    """

    def __init__(self, device):
        self._target = device
        self._previous = None

    def __enter__(self):
        if self._target is None:
            return self
        _require("device")
        self._previous = current_device()
        set_device(self._target)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            _C._cuda.set_device(self._previous)
        return False


_DeviceProperties = namedtuple(
    "_CudaDeviceProperties",
    ["name", "total_memory", "major", "minor", "multi_processor_count", "warp_size",
     "shared_memory_per_block"],
)


def get_device_properties(device=None):
    """name, total_memory, major, minor, multi_processor_count, ... of a device.

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        The properties (``name``, ``major``, ``minor``, ``total_memory``, ...).

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     props = st.cuda.get_device_properties(0)
    """
    _require("get_device_properties")
    p = _C._cuda.device_properties(_index(device, "get_device_properties"))
    return _DeviceProperties(**p)


def get_device_name(device=None):
    """The device's product name, e.g. ``'NVIDIA H100 80GB HBM3'``.

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        str: The name.

    Raises:
        RuntimeError: No CUDA device is available.

    Example:
        >>> name = st.cuda.get_device_name() if st.cuda.is_available() else None
    """
    return get_device_properties(device).name


def get_device_capability(device=None):
    """The device's compute capability as ``(major, minor)``, e.g. ``(9, 0)`` for an H100.

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        tuple of int: ``(major, minor)``.

    Raises:
        RuntimeError: No CUDA device is available.

    Example:
        >>> cc = st.cuda.get_device_capability() if st.cuda.is_available() else None
    """
    p = get_device_properties(device)
    return (p.major, p.minor)


def synchronize(device=None):
    """Waits for every kernel and copy queued on the device (default: the current one).

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     st.cuda.synchronize()
    """
    _require("synchronize")
    _C._cuda.synchronize(_index(device, "synchronize"))


# ---- streams and events ----------------------------------------------------------------------


class Stream:
    """A CUDA stream: work queued on it runs in order, concurrently with other streams.
    Stream(device=None, priority=0); `with striate.cuda.stream(s):` makes it current.

    Args:
        device (int, str or device, optional): The device. Default: None (the current one).
        priority (int): Lower is more urgent. Default: 0.

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     s = st.cuda.Stream()
        ...     with st.cuda.stream(s):
        ...         y = st.ones(4, device='cuda') * 2
        ...     s.synchronize()
    """

    def __init__(self, device=None, priority=0, *, _handle=None):
        _require("Stream")
        self.device_index = _index(device, "Stream")
        self.cuda_stream = (_C._cuda.stream_create(self.device_index, int(priority))
                            if _handle is None else int(_handle))

    @property
    def device(self):
        """The device the stream belongs to.

        Returns:
            device: ``device(type='cuda', index=...)``.
        """
        return _C.device(f"cuda:{self.device_index}")

    def query(self):
        """True when everything queued on the stream has finished.

        Example:
            >>> if st.cuda.is_available():
            ...     s = st.cuda.Stream()
            ...     with st.cuda.stream(s):
            ...         y = st.ones(1000, device="cuda") * 2
            ...     while not s.query():
            ...         pass
        """
        return bool(_C._cuda.stream_query(self.cuda_stream))

    def synchronize(self):
        """Waits until everything queued on the stream has finished.

        Example:
            >>> if st.cuda.is_available():
            ...     s = st.cuda.Stream()
            ...     with st.cuda.stream(s):
            ...         y = st.ones(1000, device="cuda") * 2
            ...     s.synchronize()
        """
        _C._cuda.stream_synchronize(self.cuda_stream)

    def wait_event(self, event):
        """Makes later work on this stream wait for `event` (the host does not wait).

        Example:
            >>> if st.cuda.is_available():
            ...     producer, consumer = st.cuda.Stream(), st.cuda.Stream()
            ...     with st.cuda.stream(producer):
            ...         x = st.ones(1000, device="cuda") * 2
            ...     ready = producer.record_event()
            ...     consumer.wait_event(ready)
            ...     with st.cuda.stream(consumer):
            ...         y = x + 1
        """
        _C._cuda.stream_wait_event(self.cuda_stream, event._handle)

    def wait_stream(self, other):
        """Makes later work on this stream wait for what is queued on `other` now.

        Example:
            >>> if st.cuda.is_available():
            ...     side = st.cuda.Stream()
            ...     x = st.ones(1000, device="cuda")
            ...     side.wait_stream(st.cuda.current_stream())
            ...     with st.cuda.stream(side):
            ...         y = x * 2
            ...     st.cuda.current_stream().wait_stream(side)
        """
        self.wait_event(other.record_event())

    def record_event(self, event=None):
        """Records `event` (a new one when None) on this stream; returns it.

        Example:
            >>> if st.cuda.is_available():
            ...     s = st.cuda.Stream()
            ...     with st.cuda.stream(s):
            ...         y = st.ones(1000, device="cuda") * 2
            ...     done = s.record_event()
            ...     done.synchronize()
        """
        event = Event() if event is None else event
        event.record(self)
        return event

    def __eq__(self, other):
        return (isinstance(other, Stream) and self.cuda_stream == other.cuda_stream
                and self.device_index == other.device_index)

    def __hash__(self):
        return hash((self.cuda_stream, self.device_index))

    def __repr__(self):
        return (f"<striate.cuda.Stream device=cuda:{self.device_index} "
                f"cuda_stream={self.cuda_stream:#x}>")

    # Streams are never destroyed (torch pools them too): the caching allocator keys cached blocks
    # by stream handle, and a destroyed stream's handle could come back for a new stream while
    # the old one's work still runs.


class Event:
    """A CUDA event: a point in a stream to wait for or time against.
    Event(enable_timing=False, blocking=False).

    Args:
        enable_timing (bool): Record times for :meth:`elapsed_time`. Default: False.
        blocking (bool): :meth:`synchronize` blocks the thread instead of spinning.
            Default: False.

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     start = st.cuda.Event(enable_timing=True)
        ...     end = st.cuda.Event(enable_timing=True)
        ...     start.record()
        ...     y = st.ones(1000, device='cuda') * 2
        ...     end.record()
        ...     end.synchronize()
        ...     ms = start.elapsed_time(end)
    """

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        _require("Event")
        if interprocess:
            raise NotImplementedError("cuda.Event: interprocess events are not supported")
        self.device_index = current_device()
        self.enable_timing = bool(enable_timing)
        self._handle = _C._cuda.event_create(self.device_index, self.enable_timing, bool(blocking))
        self._recorded = False

    def record(self, stream=None):
        """Records the event on `stream` (default: the current stream).

        Example:
            >>> if st.cuda.is_available():
            ...     start = st.cuda.Event(enable_timing=True)
            ...     end = st.cuda.Event(enable_timing=True)
            ...     start.record()
            ...     y = st.ones(1000, device="cuda") * 2
            ...     end.record()
            ...     end.synchronize()
        """
        stream = current_stream(self.device_index) if stream is None else stream
        _C._cuda.event_record(self._handle, stream.cuda_stream)
        self._recorded = True

    def query(self):
        """True when the work before the event has finished (or it was never recorded).

        Example:
            >>> if st.cuda.is_available():
            ...     event = st.cuda.Event()
            ...     y = st.ones(1000, device="cuda") * 2
            ...     event.record()
            ...     while not event.query():
            ...         pass
        """
        return bool(_C._cuda.event_query(self._handle))

    def synchronize(self):
        """Waits until the work before the event has finished.

        Example:
            >>> if st.cuda.is_available():
            ...     event = st.cuda.Event()
            ...     y = st.ones(1000, device="cuda") * 2
            ...     event.record()
            ...     event.synchronize()
        """
        _C._cuda.event_synchronize(self._handle)

    def wait(self, stream=None):
        """Makes later work on `stream` (default: the current one) wait for this event.

        Example:
            >>> if st.cuda.is_available():
            ...     side = st.cuda.Stream()
            ...     x = st.ones(1000, device="cuda") * 2
            ...     ready = st.cuda.Event()
            ...     ready.record()
            ...     ready.wait(side)
            ...     with st.cuda.stream(side):
            ...         y = x + 1
        """
        stream = current_stream(self.device_index) if stream is None else stream
        stream.wait_event(self)

    def elapsed_time(self, end_event):
        """Milliseconds between this event and end_event (both recorded with enable_timing).

        Example:
            >>> if st.cuda.is_available():
            ...     start = st.cuda.Event(enable_timing=True)
            ...     end = st.cuda.Event(enable_timing=True)
            ...     start.record()
            ...     y = st.ones(1 << 20, device="cuda") * 2
            ...     end.record()
            ...     end.synchronize()
            ...     milliseconds = start.elapsed_time(end)
        """
        if not (self.enable_timing and end_event.enable_timing):
            raise ValueError("Event.elapsed_time: both events must be created with "
                             "enable_timing=True")
        if not (self._recorded and end_event._recorded):
            raise ValueError("Event.elapsed_time: both events must be recorded first")
        return float(_C._cuda.event_elapsed_ms(self._handle, end_event._handle))

    def __repr__(self):
        return f"<striate.cuda.Event device=cuda:{self.device_index} handle={self._handle:#x}>"

    def __del__(self):
        if getattr(self, "_handle", 0):
            with contextlib.suppress(Exception):
                _C._cuda.event_destroy(self._handle)


def current_stream(device=None):
    """The calling thread's current stream on `device` (default: the current device).

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        Stream

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     s = st.cuda.current_stream()
    """
    _require("current_stream")
    index = _index(device, "current_stream")
    return Stream(index, _handle=_C._cuda.current_stream(index))


def default_stream(device=None):
    """The device's default stream (CUDA's legacy stream, which orders itself with the others).

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        Stream

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     s = st.cuda.default_stream()
    """
    _require("default_stream")
    return Stream(_index(device, "default_stream"), _handle=0)


def set_stream(stream):
    """Makes `stream` current on its device for the calling thread.

    Args:
        stream (Stream): The stream.

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     st.cuda.set_stream(st.cuda.default_stream())
    """
    _require("set_stream")
    _C._cuda.set_current_stream(stream.device_index, stream.cuda_stream)


class StreamContext:
    """`with striate.cuda.stream(s):` queues kernels and copies on s, then restores the previous
    current stream (of s's device). stream(None) does nothing, as in torch."""

    def __init__(self, stream):
        self.stream = stream
        self._previous = None

    def __enter__(self):
        if self.stream is None:
            return self.stream
        self._previous = current_stream(self.stream.device_index)
        set_stream(self.stream)
        return self.stream

    def __exit__(self, *exc):
        if self._previous is not None:
            set_stream(self._previous)
        return False


def stream(stream):
    """Context manager making ``stream`` the current stream of its device inside the block.

    Args:
        stream (Stream or None): The stream; None does nothing.

    Returns:
        StreamContext: The context manager.

    Example:
        >>> if st.cuda.is_available():
        ...     with st.cuda.stream(st.cuda.Stream()):
        ...         y = st.ones(2, device='cuda') * 2
    """
    return StreamContext(stream)


# ---- CUDA Graphs -----------------------------------------------------------------------------


class CUDAGraph:
    """A captured sequence of kernels replayed with one launch (torch.cuda.CUDAGraph), for small
    networks whose step time is launch overhead:

        static_x = striate.zeros(64, 1, 28, 28, device="cuda")
        for _ in range(3):                      # warm up on a side stream first
            step(static_x)
        g = striate.cuda.CUDAGraph()
        with striate.cuda.graph(g):
            static_loss = step(static_x)
        static_x.copy_(next_batch); g.replay()  # reruns every captured kernel on new data

    Capture runs on a stream of the graph's own: memory allocated while capturing is cached for
    that stream only, so it is never handed to other work while the graph may replay it (the
    graph's private pool). Rules, as in PyTorch: tensors the captured work reads or writes must
    stay alive as long as the graph; nothing may wait on the host during capture (item(), a
    blocking copy, synchronize); shapes and control flow are frozen at capture time.

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     x = st.ones(4, device='cuda')
        ...     g = st.cuda.CUDAGraph()
        ...     with st.cuda.graph(g):
        ...         y = x * 2
        ...     g.replay()
    """

    def __init__(self):
        _require("CUDAGraph")
        self._graph = 0
        self._stream = None
        self._previous = None

    def capture_begin(self, stream=None):
        """Starts capturing the kernels queued on ``stream`` into this graph.

        Args:
            stream (Stream, optional): A non-default stream to capture on. Default: None (a new
                one).

        Raises:
            RuntimeError: The graph holds a capture already.
            ValueError: ``stream`` is the default stream.

        Example:
            >>> if st.cuda.is_available():
            ...     x = st.ones(4, device="cuda")
            ...     g = st.cuda.CUDAGraph()
            ...     g.capture_begin()
            ...     y = x * 2
            ...     g.capture_end()
            ...     _ = x.fill_(3.0)
            ...     g.replay()
        """
        if self._graph:
            raise RuntimeError("CUDAGraph.capture_begin: this graph holds a capture already")
        self._stream = Stream() if stream is None else stream
        if self._stream.cuda_stream == 0:
            raise ValueError("CUDAGraph.capture_begin: capture needs a stream of its own, not the "
                             "default stream")
        self._previous = current_stream(self._stream.device_index)
        self._stream.wait_stream(self._previous)  # what was queued before is inputs, not capture
        set_stream(self._stream)
        try:
            _C._cuda.graph_capture_begin(self._stream.cuda_stream)
        except Exception:
            set_stream(self._previous)
            raise

    def capture_end(self):
        """Ends the capture and instantiates the graph for :meth:`replay`.

        Raises:
            RuntimeError: :meth:`capture_begin` was not called.

        Example:
            >>> if st.cuda.is_available():
            ...     x = st.ones(4, device="cuda")
            ...     g = st.cuda.CUDAGraph()
            ...     g.capture_begin()
            ...     y = x + 1
            ...     g.capture_end()
            ...     g.replay()
        """
        if self._stream is None:
            raise RuntimeError("CUDAGraph.capture_end: capture_begin was not called")
        try:
            self._graph = _C._cuda.graph_capture_end(self._stream.cuda_stream)
        finally:
            set_stream(self._previous)

    def replay(self):
        """Queues the captured work on the current stream.

        Example:
            >>> if st.cuda.is_available():
            ...     static_x = st.zeros(4, device="cuda")
            ...     g = st.cuda.CUDAGraph()
            ...     with st.cuda.graph(g):
            ...         static_y = static_x * 2
            ...     for value in (1.0, 2.0):
            ...         _ = static_x.fill_(value)
            ...         g.replay()
        """
        if not self._graph:
            raise RuntimeError("CUDAGraph.replay: nothing was captured")
        stream = current_stream(self._stream.device_index)
        _C._cuda.graph_launch(self._graph, stream.cuda_stream)

    def reset(self):
        """Destroys the captured graph (a new capture may follow).

        Example:
            >>> if st.cuda.is_available():
            ...     x = st.ones(4, device="cuda")
            ...     g = st.cuda.CUDAGraph()
            ...     with st.cuda.graph(g):
            ...         y = x * 2
            ...     g.reset()
            ...     with st.cuda.graph(g):
            ...         y = x * 3
            ...     g.replay()
        """
        if self._graph:
            _C._cuda.graph_destroy(self._graph)
            self._graph = 0

    def pool(self):
        """The stream whose cached memory is this graph's pool (pass it to another graph's
        capture_begin to share the pool, for graphs that replay in capture order).

        Example:
            >>> if st.cuda.is_available():
            ...     x = st.ones(4, device="cuda")
            ...     first, second = st.cuda.CUDAGraph(), st.cuda.CUDAGraph()
            ...     with st.cuda.graph(first):
            ...         y = x * 2
            ...     second.capture_begin(first.pool())
            ...     z = y + 1
            ...     second.capture_end()
            ...     first.replay()
            ...     second.replay()
        """
        return self._stream

    def __del__(self):
        with contextlib.suppress(Exception):
            self.reset()


class graph:  # noqa: N801 (torch.cuda.graph's name)
    """`with striate.cuda.graph(g):` captures the block into the CUDAGraph g (stream: the capture
    stream, default a new one).

    Args:
        cuda_graph (CUDAGraph): The graph to capture into.

    Example:
        >>> if st.cuda.is_available():
        ...     g = st.cuda.CUDAGraph()
        ...     x = st.ones(4, device='cuda')
        ...     with st.cuda.graph(g):
        ...         y = x + 1
    """

    def __init__(self, cuda_graph, pool=None, stream=None):
        self.cuda_graph = cuda_graph
        self.stream = stream if stream is not None else pool

    def __enter__(self):
        synchronize()  # nothing of the warm-up may still be running into the capture
        self.cuda_graph.capture_begin(self.stream)
        return self.cuda_graph

    def __exit__(self, *exc):
        self.cuda_graph.capture_end()
        return False


def is_current_stream_capturing():
    """Whether the current stream is capturing into a CUDAGraph.

    Returns:
        bool

    Example:
        >>> st.cuda.is_current_stream_capturing()
        False
    """
    if not is_available():
        return False
    return bool(_C._cuda.stream_is_capturing(current_stream().cuda_stream))


# ---- memory ----------------------------------------------------------------------------------


def memory_stats(device=None):
    """The caching allocator's counters of a device, in torch's key names
    ('allocated_bytes.all.current', 'reserved_bytes.all.peak', 'num_alloc_retries', ...);
    {} without a device.

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        dict: ``{}`` without CUDA.

    Example:
        >>> isinstance(st.cuda.memory_stats(), dict)
        True
    """
    if not is_available():
        return {}
    return dict(_C._cuda.memory_stats(_index(device, "memory_stats")))


def _stat(key, device):
    return int(memory_stats(device).get(key, 0))


def memory_allocated(device=None):
    """Bytes held by tensors on the device (0 without a device).

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        int: Bytes (0 without CUDA).

    Example:
        >>> st.cuda.memory_allocated() >= 0
        True
    """
    return _stat("allocated_bytes.all.current", device)


def max_memory_allocated(device=None):
    """The peak of memory_allocated since the start or reset_peak_memory_stats.

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        int: Bytes (0 without CUDA).

    Example:
        >>> st.cuda.max_memory_allocated() >= st.cuda.memory_allocated()
        True
    """
    return _stat("allocated_bytes.all.peak", device)


def memory_reserved(device=None):
    """Bytes the caching allocator holds from the device (tensors plus cache).

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        int: Bytes (0 without CUDA).

    Example:
        >>> st.cuda.memory_reserved() >= st.cuda.memory_allocated()
        True
    """
    return _stat("reserved_bytes.all.current", device)


def max_memory_reserved(device=None):
    """The most bytes the caching allocator has held from the driver at once (0 without CUDA).

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        int: Bytes.

    Example:
        >>> st.cuda.max_memory_reserved() >= 0
        True
    """
    return _stat("reserved_bytes.all.peak", device)


def reset_peak_memory_stats(device=None):
    """Starts the peaks (max_memory_allocated / max_memory_reserved) over from the current
    values.

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Example:
        >>> st.cuda.reset_peak_memory_stats()
    """
    if is_available():
        _C._cuda.reset_peak_memory_stats(_index(device, "reset_peak_memory_stats"))


reset_max_memory_allocated = reset_peak_memory_stats


def empty_cache():
    """Gives the cached, unused device memory back to the driver (tensors keep theirs).

    Example:
        >>> st.cuda.empty_cache()
    """
    if is_available():
        _C._cuda.empty_cache()


def mem_get_info(device=None):
    """(free bytes, total bytes) of the device, as the driver reports them.

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).

    Returns:
        tuple: ``(free_bytes, total_bytes)``.

    Raises:
        RuntimeError: CUDA is not available (the message says why).

    Example:
        >>> if st.cuda.is_available():
        ...     free, total = st.cuda.mem_get_info()
    """
    _require("mem_get_info")
    return tuple(_C._cuda.mem_get_info(_index(device, "mem_get_info")))


def _mib(n):
    return f"{n / 2**20:10.1f} MiB"


def memory_summary(device=None, abbreviated=False):
    """A readable table of the caching allocator's state on a device.

    Args:
        device (int, str or device, optional): The CUDA device. Default: None (the current one).
        abbreviated (bool): Accepted for torch's signature. Default: False.

    Returns:
        str: The table (or why there is none).

    Example:
        >>> isinstance(st.cuda.memory_summary(), str)
        True
    """
    if not is_available():
        return f"striate.cuda.memory_summary: CUDA is not available ({unavailable_reason()})\n"
    index = _index(device, "memory_summary")
    s = memory_stats(index)
    rows = [
        ("allocated (tensors)", _mib(s["allocated_bytes.all.current"]),
         _mib(s["allocated_bytes.all.peak"])),
        ("requested", _mib(s["requested_bytes.all.current"]), ""),
        ("reserved (segments)", _mib(s["reserved_bytes.all.current"]),
         _mib(s["reserved_bytes.all.peak"])),
        ("active blocks", str(s["active.all.current"]), ""),
        ("cached blocks", str(s["inactive_split.all.current"]), ""),
        ("pending frees", str(s["pending_free.all.current"]), ""),
        ("segments", str(s["segment.all.current"]), ""),
    ]
    lines = [f"striate CUDA memory summary, device cuda:{index}", "-" * 60,
             f"{'':24}{'current':>16}{'peak':>16}"]
    lines += [f"{name:24}{cur:>16}{peak:>16}" for name, cur, peak in rows]
    lines.append("-" * 60)
    lines.append(
        f"allocations {s['allocation.all.allocated']}, frees {s['allocation.all.freed']}, cache "
        f"hits {s['num_cache_hits']}, cudaMalloc calls {s['segment.all.allocated']}, cudaFree "
        f"calls {s['segment.all.freed']}, retries after freeing the cache "
        f"{s['num_alloc_retries']}, out-of-memory errors {s['num_ooms']}")
    if not abbreviated:
        segments = _C._cuda.memory_segments(index)
        if segments:
            lines.append("segments (size, in use):")
            lines += [f"  {_mib(size)} {_mib(used)}" for size, used in segments[:32]]
            if len(segments) > 32:
                lines.append(f"  ... {len(segments) - 32} more")
    return "\n".join(lines) + "\n"


# ---- seeds -----------------------------------------------------------------------------------

_seed = 0


def manual_seed(seed):
    """Seeds the current CUDA device's generator (Philox, counter-based: a draw on the device
    depends on the seed, the draws before it and the element's index). Kept without a GPU, as
    torch does; striate.manual_seed seeds every device too.

    Args:
        seed (int): The seed.

    Example:
        >>> st.cuda.manual_seed(0)
        >>> st.cuda.initial_seed()
        0
    """
    global _seed
    _seed = int(seed)
    _C._cuda_manual_seed(0, int(seed) % 2**64)


def manual_seed_all(seed):
    """Seeds every CUDA device's generator.

    Args:
        seed (int): The seed.

    Example:
        >>> st.cuda.manual_seed_all(1)
        >>> st.cuda.initial_seed()
        1
    """
    global _seed
    _seed = int(seed)
    _C._cuda_manual_seed_all(int(seed) % 2**64)


def seed():
    """Seeds the CUDA generators from a random number.

    Example:
        >>> st.cuda.seed()
    """
    import random

    manual_seed_all(random.getrandbits(63))


def initial_seed():
    """The seed last given to :func:`manual_seed` / :func:`manual_seed_all` for the CUDA generators.

    Returns:
        int: The seed.

    Example:
        >>> st.cuda.manual_seed(42)
        >>> st.cuda.initial_seed()
        42
    """
    return _seed


def get_rng_state(device="cuda"):
    """The Philox generator state of a CUDA device as a uint8 tensor of 16 bytes (the seed and
    the counter offset, little-endian), as torch.cuda.get_rng_state returns; kept without a GPU
    too. set_rng_state(state, device) restores it, so the next draws repeat.

    Example:
        >>> st.cuda.manual_seed(7)
        >>> state = st.cuda.get_rng_state()
        >>> state.dtype, state.shape
        (striate.uint8, striate.Size([16]))
        >>> int(state[0])
        7
    """
    import numpy as np

    from . import from_numpy

    seed, offset = _C._cuda_rng_state(_index(device, "get_rng_state"))
    return from_numpy(np.array([seed, offset], dtype="<u8").view(np.uint8).copy())


def set_rng_state(new_state, device="cuda"):
    """Restores a state from get_rng_state (a uint8 tensor of 16 bytes).

    Example:
        >>> state = st.cuda.get_rng_state()
        >>> st.cuda.set_rng_state(state)
        >>> bool((st.cuda.get_rng_state() == state).all())
        True
    """
    import numpy as np

    array = np.asarray(new_state.numpy() if hasattr(new_state, "numpy") else new_state)
    if array.dtype != np.uint8 or array.shape != (16,):
        raise ValueError(f"cuda.set_rng_state: expected a uint8 tensor of 16 bytes (from "
                         f"get_rng_state), got dtype {array.dtype} and shape {tuple(array.shape)}")
    seed, offset = np.ascontiguousarray(array).view("<u8")
    _C._cuda_set_rng_state(_index(device, "set_rng_state"), int(seed), int(offset))


def get_rng_state_all():
    """get_rng_state of every CUDA device, in index order (empty without a GPU).

    Example:
        >>> states = st.cuda.get_rng_state_all()
        >>> len(states) == st.cuda.device_count()
        True
    """
    return [get_rng_state(index) for index in range(device_count())]


def set_rng_state_all(new_states):
    """Restores the states get_rng_state_all returned (one per device).

    Example:
        >>> states = st.cuda.get_rng_state_all()
        >>> st.cuda.set_rng_state_all(states)
        >>> len(states) == st.cuda.device_count()
        True
    """
    for index, state in enumerate(new_states):
        set_rng_state(state, index)


def __getattr__(name):
    # striate.cuda.amp: torch.cuda.amp's aliases (autocast("cuda"), GradScaler("cuda")), made on
    # first use so importing striate.cuda does not import striate.amp.
    if name == "amp":
        from .amp import _cuda

        return _cuda
    raise AttributeError(f"module 'striate.cuda' has no attribute {name!r}")
