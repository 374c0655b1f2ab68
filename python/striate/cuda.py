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
]


def is_available():
    """Whether the CUDA backend is built in and at least one device answers."""
    return bool(_C.cuda_is_available())


def device_count():
    """The number of CUDA devices (0 without a GPU, a driver or the backend)."""
    return int(_C.cuda_device_count())


def is_built():
    """Whether this build of striate carries the CUDA backend."""
    return bool(_C.cuda_built)


def unavailable_reason():
    """Why CUDA cannot be used ('' when it can): not built, no driver, driver too old, no device."""
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
    """The index of the calling thread's current CUDA device."""
    _require("current_device")
    return int(_C._cuda.current_device())


def set_device(device):
    """Makes `device` current for the calling thread (where device-less CUDA calls go)."""
    _require("set_device")
    _C._cuda.set_device(_index(device, "set_device"))


class device:  # noqa: N801 (torch.cuda.device's name)
    """Context manager that makes a device current and restores the previous one after."""

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
    """name, total_memory, major, minor, multi_processor_count, ... of a device."""
    _require("get_device_properties")
    p = _C._cuda.device_properties(_index(device, "get_device_properties"))
    return _DeviceProperties(**p)


def get_device_name(device=None):
    return get_device_properties(device).name


def get_device_capability(device=None):
    p = get_device_properties(device)
    return (p.major, p.minor)


def synchronize(device=None):
    """Waits for every kernel and copy queued on the device (default: the current one)."""
    _require("synchronize")
    _C._cuda.synchronize(_index(device, "synchronize"))


# ---- streams and events ----------------------------------------------------------------------


class Stream:
    """A CUDA stream: work queued on it runs in order, concurrently with other streams.
    Stream(device=None, priority=0); `with striate.cuda.stream(s):` makes it current."""

    def __init__(self, device=None, priority=0, *, _handle=None):
        _require("Stream")
        self.device_index = _index(device, "Stream")
        self.cuda_stream = (_C._cuda.stream_create(self.device_index, int(priority))
                            if _handle is None else int(_handle))

    @property
    def device(self):
        return _C.device(f"cuda:{self.device_index}")

    def query(self):
        """True when everything queued on the stream has finished."""
        return bool(_C._cuda.stream_query(self.cuda_stream))

    def synchronize(self):
        """Waits until everything queued on the stream has finished."""
        _C._cuda.stream_synchronize(self.cuda_stream)

    def wait_event(self, event):
        """Makes later work on this stream wait for `event` (the host does not wait)."""
        _C._cuda.stream_wait_event(self.cuda_stream, event._handle)

    def wait_stream(self, other):
        """Makes later work on this stream wait for what is queued on `other` now."""
        self.wait_event(other.record_event())

    def record_event(self, event=None):
        """Records `event` (a new one when None) on this stream; returns it."""
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
    Event(enable_timing=False, blocking=False)."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        _require("Event")
        if interprocess:
            raise NotImplementedError("cuda.Event: interprocess events are not supported")
        self.device_index = current_device()
        self.enable_timing = bool(enable_timing)
        self._handle = _C._cuda.event_create(self.device_index, self.enable_timing, bool(blocking))
        self._recorded = False

    def record(self, stream=None):
        """Records the event on `stream` (default: the current stream)."""
        stream = current_stream(self.device_index) if stream is None else stream
        _C._cuda.event_record(self._handle, stream.cuda_stream)
        self._recorded = True

    def query(self):
        """True when the work before the event has finished (or it was never recorded)."""
        return bool(_C._cuda.event_query(self._handle))

    def synchronize(self):
        """Waits until the work before the event has finished."""
        _C._cuda.event_synchronize(self._handle)

    def wait(self, stream=None):
        """Makes later work on `stream` (default: the current one) wait for this event."""
        stream = current_stream(self.device_index) if stream is None else stream
        stream.wait_event(self)

    def elapsed_time(self, end_event):
        """Milliseconds between this event and end_event (both recorded with enable_timing)."""
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
    """The calling thread's current stream on `device` (default: the current device)."""
    _require("current_stream")
    index = _index(device, "current_stream")
    return Stream(index, _handle=_C._cuda.current_stream(index))


def default_stream(device=None):
    """The device's default stream (CUDA's legacy stream, which orders itself with the others)."""
    _require("default_stream")
    return Stream(_index(device, "default_stream"), _handle=0)


def set_stream(stream):
    """Makes `stream` current on its device for the calling thread."""
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
    blocking copy, synchronize); shapes and control flow are frozen at capture time."""

    def __init__(self):
        _require("CUDAGraph")
        self._graph = 0
        self._stream = None
        self._previous = None

    def capture_begin(self, stream=None):
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
        if self._stream is None:
            raise RuntimeError("CUDAGraph.capture_end: capture_begin was not called")
        try:
            self._graph = _C._cuda.graph_capture_end(self._stream.cuda_stream)
        finally:
            set_stream(self._previous)

    def replay(self):
        """Queues the captured work on the current stream."""
        if not self._graph:
            raise RuntimeError("CUDAGraph.replay: nothing was captured")
        stream = current_stream(self._stream.device_index)
        _C._cuda.graph_launch(self._graph, stream.cuda_stream)

    def reset(self):
        if self._graph:
            _C._cuda.graph_destroy(self._graph)
            self._graph = 0

    def pool(self):
        """The stream whose cached memory is this graph's pool (pass it to another graph's
        capture_begin to share the pool, for graphs that replay in capture order)."""
        return self._stream

    def __del__(self):
        with contextlib.suppress(Exception):
            self.reset()


class graph:  # noqa: N801 (torch.cuda.graph's name)
    """`with striate.cuda.graph(g):` captures the block into the CUDAGraph g (stream: the capture
    stream, default a new one)."""

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
    """Whether the current stream is capturing into a CUDAGraph."""
    if not is_available():
        return False
    return bool(_C._cuda.stream_is_capturing(current_stream().cuda_stream))


# ---- memory ----------------------------------------------------------------------------------


def memory_stats(device=None):
    """The caching allocator's counters of a device, in torch's key names
    ('allocated_bytes.all.current', 'reserved_bytes.all.peak', 'num_alloc_retries', ...);
    {} without a device."""
    if not is_available():
        return {}
    return dict(_C._cuda.memory_stats(_index(device, "memory_stats")))


def _stat(key, device):
    return int(memory_stats(device).get(key, 0))


def memory_allocated(device=None):
    """Bytes held by tensors on the device (0 without a device)."""
    return _stat("allocated_bytes.all.current", device)


def max_memory_allocated(device=None):
    """The peak of memory_allocated since the start or reset_peak_memory_stats."""
    return _stat("allocated_bytes.all.peak", device)


def memory_reserved(device=None):
    """Bytes the caching allocator holds from the device (tensors plus cache)."""
    return _stat("reserved_bytes.all.current", device)


def max_memory_reserved(device=None):
    return _stat("reserved_bytes.all.peak", device)


def reset_peak_memory_stats(device=None):
    """Starts the peaks (max_memory_allocated / max_memory_reserved) over from the current
    values."""
    if is_available():
        _C._cuda.reset_peak_memory_stats(_index(device, "reset_peak_memory_stats"))


reset_max_memory_allocated = reset_peak_memory_stats


def empty_cache():
    """Gives the cached, unused device memory back to the driver (tensors keep theirs)."""
    if is_available():
        _C._cuda.empty_cache()


def mem_get_info(device=None):
    """(free bytes, total bytes) of the device, as the driver reports them."""
    _require("mem_get_info")
    return tuple(_C._cuda.mem_get_info(_index(device, "mem_get_info")))


def _mib(n):
    return f"{n / 2**20:10.1f} MiB"


def memory_summary(device=None, abbreviated=False):
    """A readable table of the caching allocator's state on a device."""
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
    torch does; striate.manual_seed seeds every device too."""
    global _seed
    _seed = int(seed)
    _C._cuda_manual_seed(0, int(seed) % 2**64)


def manual_seed_all(seed):
    """Seeds every CUDA device's generator."""
    global _seed
    _seed = int(seed)
    _C._cuda_manual_seed_all(int(seed) % 2**64)


def seed():
    """Seeds the CUDA generators from a random number."""
    import random

    manual_seed_all(random.getrandbits(63))


def initial_seed():
    return _seed


def __getattr__(name):
    # striate.cuda.amp: torch.cuda.amp's aliases (autocast("cuda"), GradScaler("cuda")), made on
    # first use so importing striate.cuda does not import striate.amp.
    if name == "amp":
        from .amp import _cuda

        return _cuda
    raise AttributeError(f"module 'striate.cuda' has no attribute {name!r}")
