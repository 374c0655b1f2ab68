"""The process group and its collectives on MPI (mpi4py over the system's Open MPI), with
torch.distributed's names. Processes are started by ``mpirun -np N ...`` (or ``striate run
--nproc N -- ...``, which calls mpirun); rank and world size come from MPI.

Every collective is posted non-blocking and waited for with a deadline (the group's timeout, or
the call's): a peer that died or stopped answering makes the others raise RuntimeError naming the
collective, the rank and the timeout, instead of hanging for ever. Tensors are exchanged in place
through their memory. The "nccl" backend exchanges CUDA tensors through NCCL (loaded at run time
from the nvidia-nccl-cu13 wheel or the system), bootstrapped over MPI: rank 0's NCCL id reaches
the others by an MPI broadcast, so the processes are started the same way. Its collectives are
queued on the current CUDA stream (stream-ordered, as in PyTorch); ``Work.wait()`` and
``barrier()`` wait on the host with the deadline and abort the communicator when it passes.
"""

import datetime
import time

__all__ = [
    "ReduceOp", "init_process_group", "destroy_process_group", "is_available", "is_initialized",
    "is_mpi_available", "is_nccl_available", "get_rank", "get_world_size", "get_backend",
    "all_reduce", "broadcast", "all_gather", "reduce_scatter", "barrier", "Work",
]

_DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)  # torch's default


class ReduceOp:
    """How all_reduce / reduce_scatter combine the ranks' values.

    Attributes:
        SUM, AVG, PRODUCT, MIN, MAX: The reductions.

    Example:
        >>> st.distributed.ReduceOp.MAX
        'max'
    """

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"


class _Group:
    def __init__(self, comm, backend, timeout):
        self.comm = comm
        self.backend = backend
        self.timeout = timeout
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.broken = False
        self.nccl = None     # the NCCL communicator handle (backend "nccl")
        self.device = None   # this process's CUDA device index (backend "nccl")


def _abort_if_broken():
    """At exit, after a collective timed out: MPI_Finalize would wait for the peer that stopped
    answering, so the job is aborted instead (every process exits non-zero)."""
    if _group is not None and _group.broken:
        import sys

        sys.stderr.flush()
        _mpi().COMM_WORLD.Abort(1)


_group = None


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise RuntimeError(
            "striate.distributed: the 'mpi' backend needs mpi4py and an MPI library "
            "(pip install mpi4py; apt-get install openmpi-bin); " + str(error)) from None
    return MPI


def is_mpi_available():
    """Whether the MPI backend can be used (``mpi4py`` imports).

    Returns:
        bool

    Example:
        >>> isinstance(st.distributed.is_mpi_available(), bool)
        True
    """
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


def _nccl_status():
    from ..backends import cuda as cuda_backend  # registers the pip wheels' nvidia/*/lib folders

    return cuda_backend.nccl_status()


def is_nccl_available():
    """True when NCCL was loaded (striate built with CUDA, libnccl.so.2 found: the
    nvidia-nccl-cu13 wheel or the system's); the 'nccl' backend also needs a GPU.

    Returns:
        bool: whether ``init_process_group("nccl")`` can find NCCL.

    Example:
        >>> isinstance(st.distributed.is_nccl_available(), bool)
        True
    """
    return bool(_nccl_status()["loaded"])


def is_available():
    """Whether distributed training is available (the MPI backend, see :func:`is_mpi_available`).

    Returns:
        bool

    Example:
        >>> isinstance(st.distributed.is_available(), bool)
        True
    """
    return is_mpi_available()


def _seconds(timeout, op):
    if timeout is None:
        return None
    if isinstance(timeout, datetime.timedelta):
        value = timeout.total_seconds()
    elif isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        value = float(timeout)
    else:
        raise TypeError(f"{op}: expected timeout as a datetime.timedelta or seconds, got "
                        f"{type(timeout).__name__}")
    if value <= 0:
        raise ValueError(f"{op}: timeout must be positive, got {value} s")
    return value


def init_process_group(backend="mpi", init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """Joins the processes mpirun started into the default group. backend: "mpi" (CPU tensors);
    world_size / rank, when given, must match what MPI says. Raises RuntimeError when MPI is
    missing or the group exists already.

    Args:
        backend (str): ``'mpi'``. Default: ``'mpi'``.
        init_method (str, optional): Accepted for torch's signature (MPI starts the processes).
            Default: None.
        timeout (float or timedelta, optional): The collectives' deadline. Default: None (30 min).
        world_size (int): Must match MPI's when given. Default: -1.
        rank (int): Must match MPI's when given. Default: -1.
        store, group_name, pg_options, device_id: Accepted for torch's signature.

    Example:
        >>> if st.distributed.is_available() and not st.distributed.is_initialized():
        ...     pass  # under mpirun: st.distributed.init_process_group("mpi")
    """
    global _group
    if _group is not None:
        raise RuntimeError("init_process_group: the default process group is already "
                           "initialized (call destroy_process_group first)")
    if backend is None:
        backend = "mpi"
    backend = str(backend).lower()
    if backend not in ("mpi", "nccl"):
        raise ValueError(f"init_process_group: unknown backend {backend!r}; striate speaks "
                         "'mpi' (CPU) and, with CUDA, 'nccl'")
    if init_method not in (None, "env://") or store is not None:
        raise ValueError("init_process_group: with the 'mpi' backend the processes find each "
                         "other through mpirun; init_method and store are not used")
    seconds = _seconds(timeout, "init_process_group")
    if backend == "nccl":
        _check_nccl_usable()  # before any MPI call
    MPI = _mpi()
    comm = MPI.COMM_WORLD.Dup()
    for name, given, actual in (("world_size", world_size, comm.Get_size()),
                                ("rank", rank, comm.Get_rank())):
        if given not in (-1, None) and given != actual:
            comm.Free()
            raise ValueError(f"init_process_group: {name}={given} was passed but MPI started "
                             f"this process with {name} {actual}")
    group = _Group(comm, backend, seconds if seconds is not None
                   else _DEFAULT_TIMEOUT.total_seconds())
    if backend == "nccl":
        try:
            _join_nccl(group, device_id)
        except BaseException:
            comm.Free()
            raise
    _group = group


def _check_nccl_usable():
    from .. import cuda

    if not cuda.is_available():
        raise RuntimeError("init_process_group: the 'nccl' backend needs a CUDA device: "
                           f"{cuda.unavailable_reason()}; use backend='mpi' on CPUs")
    status = _nccl_status()
    if not status["loaded"]:
        raise RuntimeError(f"init_process_group: NCCL is not available ({status['reason']}); "
                           "pip install nvidia-nccl-cu13, or use backend='mpi'")


def _join_nccl(group, device_id):
    """One NCCL communicator over the group's processes, each on its own GPU: the local rank
    (Open MPI's OMPI_COMM_WORLD_LOCAL_RANK, else the rank) modulo the device count, unless
    device_id names one."""
    import os

    from .. import cuda
    from .._load import load_extension

    if device_id is not None:
        device = int(getattr(device_id, "index", device_id) or 0)
    else:
        local = os.environ.get("OMPI_COMM_WORLD_LOCAL_RANK", os.environ.get("LOCAL_RANK"))
        device = (int(local) if local is not None else group.rank) % cuda.device_count()
    cuda.set_device(device)
    libraries = load_extension()._cuda_libraries
    unique_id = libraries.nccl_unique_id() if group.rank == 0 else None
    unique_id = group.comm.bcast(unique_id, root=0)
    group.nccl = libraries.nccl_comm_init(unique_id, group.size, group.rank, device)
    group.device = device


def destroy_process_group(group=None):
    """Leaves the default group (a later init_process_group may join again).

    Args:
        group: Accepted for torch's signature. Default: None.

    Example:
        >>> st.distributed.destroy_process_group()  # a no-op without a group
        >>> st.distributed.is_initialized()
        False
    """
    global _group
    if _group is not None:
        if _group.nccl is not None:
            libraries = _nccl_libraries()
            if _group.broken:
                libraries.nccl_comm_abort(_group.nccl)
            else:
                libraries.nccl_comm_destroy(_group.nccl)
        if not _group.broken:  # freeing a communicator a peer abandoned could wait for it
            _group.comm.Free()
        _group = None


def _nccl_libraries():
    from .._load import load_extension

    return load_extension()._cuda_libraries


def is_initialized():
    """Whether :func:`init_process_group` has been called (and not destroyed).

    Returns:
        bool

    Example:
        >>> st.distributed.is_initialized()
        False
    """
    return _group is not None


def _require(op):
    if _group is None:
        raise RuntimeError(f"{op}: the default process group has not been initialized; call "
                           "striate.distributed.init_process_group() first (under mpirun)")
    return _group


def get_rank(group=None):
    """This process's rank in the default group (0 .. world size - 1).

    Args:
        group: Accepted for torch's signature; striate has one (the default) group. Default: None.

    Raises:
        RuntimeError: :func:`init_process_group` was not called.

    Returns:
        int: The rank.

    Example:
        >>> if st.distributed.is_initialized():
        ...     print(st.distributed.get_rank())
    """
    return _require("get_rank").rank


def get_world_size(group=None):
    """The number of processes in the default group.

    Args:
        group: Accepted for torch's signature; striate has one (the default) group. Default: None.

    Raises:
        RuntimeError: :func:`init_process_group` was not called.

    Returns:
        int: The world size.

    Example:
        >>> if st.distributed.is_initialized():
        ...     print(st.distributed.get_world_size())
    """
    return _require("get_world_size").size


def get_backend(group=None):
    """The default group's backend name (``'mpi'``).

    Args:
        group: Accepted for torch's signature; striate has one (the default) group. Default: None.

    Raises:
        RuntimeError: :func:`init_process_group` was not called.

    Returns:
        str: The backend.

    Example:
        >>> if st.distributed.is_initialized():
        ...     print(st.distributed.get_backend())
    """
    return _require("get_backend").backend


def _poll_until(done, deadline, fail, error=None):
    """Polls done() until it is true, spinning briefly and then sleeping (at most 1 ms between
    polls); calls fail(reason) when error() returns a reason or the deadline passes (fail
    raises). Work.wait (MPI requests) and _NcclWork.wait (CUDA events) share it."""
    spins = 0
    while not done():
        reason = error() if error is not None else None
        if reason or time.monotonic() > deadline:
            fail(reason)
        spins += 1
        if spins > 200:
            time.sleep(min(1e-3, 1e-5 * (spins - 200)))


class Work:
    """A posted collective (async_op=True): wait() blocks until it completes (or its deadline
    passes: RuntimeError), is_completed() polls, then() is not supported.

    Example:
        >>> if st.distributed.is_initialized():
        ...     work = st.distributed.all_reduce(st.ones(2), async_op=True)
        ...     work.wait()
    """

    def __init__(self, op, requests, timeout, finish=None):
        self._op = op
        self._requests = requests
        self._deadline = time.monotonic() + timeout
        self._timeout = timeout
        self._finish = finish
        self._done = False

    def is_completed(self):
        """Whether the collective has completed (without blocking).

        Returns:
            bool
        """
        if not self._done and all(r.Test() for r in self._requests):
            self._complete()
        return self._done

    def _timed_out(self, error=None):
        group = _group
        if group is not None and not group.broken:
            import atexit

            group.broken = True  # exiting now must not wait for the lost peer
            atexit.register(_abort_if_broken)
        raise RuntimeError(
            f"{self._op}: rank {group.rank if group else '?'} of "
            f"{group.size if group else '?'} waited {self._timeout:g} s and the "
            "collective did not complete: a peer process died or stopped answering "
            "(mpirun names a process that exited)")

    def _complete(self):
        self._done = True
        if self._finish is not None:
            self._finish()

    def wait(self, timeout=None):
        """Blocks until the collective completes.

        Args:
            timeout (float or timedelta, optional): Seconds to wait. Default: None (the group's
                timeout from :func:`init_process_group`).

        Returns:
            bool: True.

        Raises:
            RuntimeError: The deadline passed (a peer died or stopped answering); the job then
                aborts at exit instead of hanging.
        """
        if self._done:
            return True
        deadline = self._deadline if timeout is None else time.monotonic() + _seconds(
            timeout, self._op)
        _poll_until(lambda: all(r.Test() for r in self._requests), deadline, self._timed_out)
        self._complete()
        return True


def _buffer(tensor, op, name="tensor"):
    from .. import Tensor

    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: expected {name} as a striate.Tensor, got {type(tensor).__name__}")
    if tensor.device.type != "cpu":
        raise RuntimeError(f"{op}: the 'mpi' backend exchanges CPU tensors; got a tensor on "
                           f"{tensor.device} (the 'nccl' backend exchanges CUDA tensors)")
    if not tensor.is_contiguous():
        raise ValueError(f"{op}: expected a contiguous {name} (call .contiguous() first)")
    return tensor.detach().numpy()


def _mpi_op(op, name):
    _check_op(op, name)
    MPI = _mpi()
    return {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD,
            ReduceOp.MIN: MPI.MIN, ReduceOp.MAX: MPI.MAX}[op]


def _finish(work, async_op):
    if async_op:
        return work
    work.wait()
    return None


def _timeout(group, timeout, op):
    return group.timeout if timeout is None else _seconds(timeout, op)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False, timeout=None):
    """Combines tensor across ranks in place (every rank ends with the result).

    Args:
        tensor (Tensor): A CPU tensor, replaced by the reduction.
        op (ReduceOp): ``SUM``, ``PRODUCT``, ``MIN``, ``MAX`` or ``AVG``. Default: ``SUM``.
        group: Accepted for torch's signature (one default group). Default: None.
        async_op (bool): Return a :class:`Work` to wait on instead of waiting. Default: False.
        timeout (float, optional): Seconds before the collective raises. Default: None (the
            group's).

    Returns:
        Work or None: A Work with ``async_op``.

    Raises:
        RuntimeError: No process group, or the deadline passed (a peer died).

    Example:
        >>> if st.distributed.is_initialized():  # under striate run / mpirun
        ...     t = st.ones(2)
        ...     st.distributed.all_reduce(t)  # t == world_size everywhere
    """
    g = _require("all_reduce")
    if g.backend == "nccl":
        _check_op(op, "all_reduce")
        _nccl_libraries().nccl_all_reduce(g.nccl, tensor, op)
        return _nccl_finish(g, "all_reduce", timeout, async_op)
    data = _buffer(tensor, "all_reduce")
    MPI = _mpi()
    request = g.comm.Iallreduce(MPI.IN_PLACE, data, op=_mpi_op(op, "all_reduce"))

    def average():
        if op == ReduceOp.AVG:
            if data.dtype.kind == "f":
                data[...] /= g.size
            else:
                data[...] //= g.size

    return _finish(Work("all_reduce", [request], _timeout(g, timeout, "all_reduce"), average),
                   async_op)


def broadcast(tensor, src=0, group=None, async_op=False, timeout=None):
    """Copies rank src's tensor into every other rank's, in place.

    Args:
        tensor (Tensor): The data on ``src``; overwritten elsewhere.
        src (int): The source rank. Default: 0.
        group: Accepted for torch's signature (one default group). Default: None.
        async_op (bool): Return a :class:`Work` to wait on instead of waiting. Default: False.
        timeout (float, optional): Seconds before the collective raises. Default: None (the
            group's).

    Returns:
        Work or None: A Work with ``async_op``.

    Raises:
        RuntimeError: No process group, or the deadline passed (a peer died).
        ValueError: ``src`` is not a rank.

    Example:
        >>> if st.distributed.is_initialized():  # under striate run / mpirun
        ...     w = st.randn(3)
        ...     st.distributed.broadcast(w, src=0)  # every rank holds rank 0's w
    """
    g = _require("broadcast")
    if not isinstance(src, int) or not 0 <= src < g.size:
        raise ValueError(f"broadcast: src must be a rank in [0, {g.size - 1}], got {src!r}")
    if g.backend == "nccl":
        _nccl_libraries().nccl_broadcast(g.nccl, tensor, src)
        return _nccl_finish(g, "broadcast", timeout, async_op)
    data = _buffer(tensor, "broadcast")
    request = g.comm.Ibcast(data, root=src)
    return _finish(Work("broadcast", [request], _timeout(g, timeout, "broadcast")), async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False, timeout=None):
    """Fills tensor_list[r] with rank r's tensor, on every rank.

    Args:
        tensor_list (list of Tensor): One tensor per rank, filled in place.
        tensor (Tensor): This rank's contribution.
        group: Accepted for torch's signature (one default group). Default: None.
        async_op (bool): Return a :class:`Work` to wait on instead of waiting. Default: False.
        timeout (float, optional): Seconds before the collective raises. Default: None (the
            group's).

    Returns:
        Work or None: A Work with ``async_op``.

    Raises:
        RuntimeError: No process group, or the deadline passed (a peer died).
        ValueError: ``tensor_list`` does not have one tensor per rank of ``tensor``'s shape.

    Example:
        >>> if st.distributed.is_initialized():  # under striate run / mpirun
        ...     parts = [st.zeros(2) for _ in range(st.distributed.get_world_size())]
        ...     st.distributed.all_gather(parts, st.ones(2) * st.distributed.get_rank())
    """
    import numpy as np

    g = _require("all_gather")
    if g.backend == "nccl":
        return _nccl_all_gather(g, tensor_list, tensor, timeout, async_op)
    data = _buffer(tensor, "all_gather")
    if not isinstance(tensor_list, list) or len(tensor_list) != g.size:
        raise ValueError(f"all_gather: expected tensor_list as a list of {g.size} tensors (one "
                         f"per rank), got {type(tensor_list).__name__} of "
                         f"{len(tensor_list) if hasattr(tensor_list, '__len__') else '?'}")
    outputs = [_buffer(t, "all_gather", "tensor_list entries") for t in tensor_list]
    for out in outputs:
        if out.shape != data.shape or out.dtype != data.dtype:
            raise ValueError(f"all_gather: every tensor_list entry must have the input's shape "
                             f"{list(data.shape)} and dtype, got {list(out.shape)} {out.dtype}")
    gathered = np.empty((g.size,) + data.shape, dtype=data.dtype)
    request = g.comm.Iallgather(np.ascontiguousarray(data), gathered)

    def scatter_back():
        for out, row in zip(outputs, gathered):
            out[...] = row

    return _finish(Work("all_gather", [request], _timeout(g, timeout, "all_gather"),
                        scatter_back), async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False,
                   timeout=None):
    """output on rank r = the reduction over ranks of input_list[r].

    Args:
        output (Tensor): This rank's result.
        input_list (list of Tensor): One tensor per rank.
        op (ReduceOp): The reduction. Default: ``SUM``.
        group: Accepted for torch's signature (one default group). Default: None.
        async_op (bool): Return a :class:`Work` to wait on instead of waiting. Default: False.
        timeout (float, optional): Seconds before the collective raises. Default: None (the
            group's).

    Returns:
        Work or None: A Work with ``async_op``.

    Raises:
        RuntimeError: No process group, or the deadline passed (a peer died).

    Example:
        >>> if st.distributed.is_initialized():  # under striate run / mpirun
        ...     n = st.distributed.get_world_size()
        ...     out = st.zeros(2)
        ...     st.distributed.reduce_scatter(out, [st.ones(2) for _ in range(n)])
    """
    import numpy as np

    g = _require("reduce_scatter")
    if g.backend == "nccl":
        return _nccl_reduce_scatter(g, output, input_list, op, timeout, async_op)
    out = _buffer(output, "reduce_scatter", "output")
    if not isinstance(input_list, list) or len(input_list) != g.size:
        raise ValueError(f"reduce_scatter: expected input_list as a list of {g.size} tensors")
    inputs = [_buffer(t, "reduce_scatter", "input_list entries") for t in input_list]
    if any(i.shape != out.shape or i.dtype != out.dtype for i in inputs):
        raise ValueError("reduce_scatter: every input_list entry must have output's shape and "
                         "dtype")
    send = np.ascontiguousarray(np.stack(inputs))
    request = g.comm.Ireduce_scatter_block(send, out, op=_mpi_op(op, "reduce_scatter"))

    def average():
        if op == ReduceOp.AVG:
            out[...] = out / g.size if out.dtype.kind == "f" else out // g.size

    return _finish(Work("reduce_scatter", [request], _timeout(g, timeout, "reduce_scatter"),
                        average), async_op)


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    """Returns once every rank has called barrier (or raises after the timeout).

    Args:
        group: Accepted for torch's signature. Default: None.
        async_op (bool): Return a :class:`Work`. Default: False.
        device_ids: Accepted for torch's signature. Default: None.
        timeout (float, optional): Seconds before it raises. Default: None (the group's).

    Returns:
        Work or None: A Work with ``async_op``.

    Raises:
        RuntimeError: No process group, or the deadline passed (a peer died).

    Example:
        >>> if st.distributed.is_initialized():  # under striate run / mpirun
        ...     st.distributed.barrier()
    """
    g = _require("barrier")
    if g.backend == "nccl":
        from .. import ones

        _nccl_libraries().nccl_all_reduce(g.nccl, ones(1, device=f"cuda:{g.device}"), "sum")
        work = _NcclWork(g, "barrier", _timeout(g, timeout, "barrier"))
        if async_op:
            return work
        work.wait()
        return None
    request = g.comm.Ibarrier()
    return _finish(Work("barrier", [request], _timeout(g, timeout, "barrier")), async_op)


# ---- the "nccl" backend ----------------------------------------------------------------------


def _check_op(op, name):
    if op not in (ReduceOp.SUM, ReduceOp.AVG, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX):
        raise ValueError(f"{name}: unknown reduce op {op!r}; expected one of ReduceOp.SUM, AVG, "
                         "PRODUCT, MIN, MAX")


class _NcclWork:
    """A collective queued on the current CUDA stream: is_completed() asks its event; wait()
    waits on the host until it completes, its communicator reports an error, or the deadline
    passes (then the communicator is aborted and RuntimeError names the collective)."""

    def __init__(self, group, op, timeout):
        from .. import cuda

        self._group = group
        self._op = op
        self._timeout = timeout
        self._deadline = time.monotonic() + timeout
        self._event = cuda.Event()
        self._event.record()

    def is_completed(self):
        return self._event.query()

    def wait(self, timeout=None):
        deadline = self._deadline if timeout is None else time.monotonic() + _seconds(
            timeout, self._op)
        libraries = _nccl_libraries()
        _poll_until(self._event.query, deadline, self._abort,
                    lambda: libraries.nccl_async_error(self._group.nccl))
        return True

    def _abort(self, error):
        self._group.broken = True
        _nccl_libraries().nccl_comm_abort(self._group.nccl)
        reason = f"NCCL reported: {error}" if error else (
            f"it did not complete within {self._timeout:g} s: a peer process died or "
            "stopped answering")
        raise RuntimeError(f"{self._op}: rank {self._group.rank} of {self._group.size}: "
                           f"{reason}; the communicator was aborted")


def _nccl_finish(group, op, timeout, async_op):
    # Synchronous calls return once queued: later work on the stream sees the result (PyTorch's
    # NCCL semantics). async_op=True returns a Work whose wait() blocks the host with a deadline.
    if async_op:
        return _NcclWork(group, op, _timeout(group, timeout, op))
    return None


def _nccl_all_gather(g, tensor_list, tensor, timeout, async_op):
    from .. import empty

    if not isinstance(tensor_list, list) or len(tensor_list) != g.size:
        raise ValueError(f"all_gather: expected tensor_list as a list of {g.size} tensors (one "
                         "per rank)")
    for out in tensor_list:
        if tuple(out.shape) != tuple(tensor.shape) or out.dtype != tensor.dtype:
            raise ValueError(f"all_gather: every tensor_list entry must have the input's shape "
                             f"{list(tensor.shape)} and dtype, got {list(out.shape)} {out.dtype}")
    gathered = empty((g.size, *tensor.shape), dtype=tensor.dtype, device=tensor.device)
    _nccl_libraries().nccl_all_gather(g.nccl, tensor.contiguous(), gathered)
    for out, row in zip(tensor_list, gathered):
        out.copy_(row)
    return _nccl_finish(g, "all_gather", timeout, async_op)


def _nccl_reduce_scatter(g, output, input_list, op, timeout, async_op):
    from .. import stack

    _check_op(op, "reduce_scatter")
    if not isinstance(input_list, list) or len(input_list) != g.size:
        raise ValueError(f"reduce_scatter: expected input_list as a list of {g.size} tensors")
    if any(tuple(t.shape) != tuple(output.shape) or t.dtype != output.dtype for t in input_list):
        raise ValueError("reduce_scatter: every input_list entry must have output's shape and "
                         "dtype")
    _nccl_libraries().nccl_reduce_scatter(g.nccl, stack(input_list).contiguous(), output, op)
    return _nccl_finish(g, "reduce_scatter", timeout, async_op)
