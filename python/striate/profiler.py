"""striate.profiler: where the time goes, op by op, as PyTorch's torch.profiler shows it.

    import striate as st
    with st.profiler.profile() as prof:
        loss = criterion(model(x), y)
        loss.backward()
    print(prof.table(sort_by="self_time", row_limit=10))
    prof.export_chrome_trace("trace.json")          # open in https://ui.perfetto.dev

Every kernel call (conv2d_forward, gemm, add, ...), backward node (Conv2dBackward, ...), module call
and record_function region is recorded on the thread that ran it, with its total and self time
(the time not spent in records nested inside it), the dotted path of the module that ran it
(``layer1.0.conv1``; a backward node keeps the path of the module that created it), and the FLOPs
and bytes moved that the op knows. The records live in C++ (``striate/profiler.h``), so the
tables and the trace are the same from an embedding C++ program. With no profile running each
hook costs one relaxed atomic load.
"""

import contextlib
import os

from . import _C

_P = _C._profiler

__all__ = ["KeyAverages", "profile", "record_function"]


class KeyAverages(list):
    """The rows of ``profile.key_averages()`` (``name``, ``kind``, ``module``, ``calls``,
    ``self_time_us``, ``total_time_us``, ``flops``, ``bytes``), largest self time first;
    ``.table()`` prints them as ``profile.table()`` does.

    Example:
        >>> with st.profiler.profile() as prof:
        ...     y = st.ones(8) + 1
        >>> isinstance(prof.key_averages().table(), str)
        True
    """

    def __init__(self, rows, profile, group_by_module):
        super().__init__(rows)
        self._profile = profile
        self._group_by_module = group_by_module

    def table(self, sort_by="self_time", row_limit=10):
        """The top ``row_limit`` rows of the per-op statistics as text; see :meth:`profile.table`.

        Args:
            sort_by (str): The column to sort by. Default: ``'self_time'``.
            row_limit (int): How many rows (all when <= 0). Default: 10.

        Returns:
            str: The table.

        Example:
            >>> model = nn.Sequential(nn.Linear(8, 4), nn.ReLU())
            >>> with st.profiler.profile() as prof:
            ...     y = model(st.randn(16, 8))
            >>> text = prof.key_averages().table(sort_by="calls", row_limit=0)  # all rows
            >>> "relu_forward" in text
            True
        """
        return self._profile.table(sort_by=sort_by, row_limit=row_limit,
                                   group_by_module=self._group_by_module)


class profile:  # lower case: torch.profiler.profile's name
    """Records everything striate runs, on every thread, between start() and stop() (or over a
    ``with`` block). Profiles do not nest: starting one while another runs raises RuntimeError.

    The results (events(), key_averages(), table(), export_chrome_trace()) are available once
    the profile has stopped. ``table(sort_by=...)`` accepts "self_time", "total_time", "calls",
    "flops" and "bytes" (and PyTorch's "self_cpu_time_total", "cpu_time_total", "count").

    Raises:
        RuntimeError: Another profile is running.

    Example:
        >>> model = nn.Sequential(nn.Linear(8, 4), nn.ReLU())
        >>> with st.profiler.profile() as prof:
        ...     y = model(st.randn(16, 8))
        >>> rows = prof.key_averages()
        >>> "relu_forward" in [row.name for row in rows]
        True
    """

    def __init__(self):
        self._result = None
        self._running = False

    def start(self):
        """Starts recording (what entering the ``with`` block does).

        Returns:
            profile: self.

        Example:
            >>> prof = st.profiler.profile().start()
            >>> y = st.ones(8) * 2
            >>> _ = prof.stop()
            >>> "mul" in " ".join(row.name for row in prof.key_averages())
            True
        """
        _P.start()
        self._running = True
        self._result = None
        return self

    def stop(self):
        """Stops recording; keeps the result for :meth:`table`, :meth:`key_averages`, the exports.

        Returns:
            profile: self.

        Raises:
            RuntimeError: The profile is not running.

        Example:
            >>> prof = st.profiler.profile()
            >>> _ = prof.start()
            >>> y = st.ones(8) + 1
            >>> prof.stop() is prof
            True
            >>> prof.wall_time_us > 0
            True
        """
        if not self._running:
            raise RuntimeError("profile.stop: this profile is not running")
        self._running = False
        self._result = _P.stop()
        return self

    def pause(self):
        """Stops recording until resume(); the profile goes on (the Trainer's --profile pauses
        around validation).

        Example:
            >>> with st.profiler.profile() as prof:
            ...     y = st.ones(8) + 1
            ...     prof.pause()
            ...     z = st.ones(8) * 3
            ...     prof.resume()
            >>> names = [row.name for row in prof.key_averages()]
            >>> any("add" in n for n in names), any("mul" in n for n in names)
            (True, False)
        """
        self._check_running("pause")
        _P.pause()

    def resume(self):
        """Resumes recording after :meth:`pause`.

        Raises:
            RuntimeError: The profile is not running.

        Example:
            >>> with st.profiler.profile() as prof:
            ...     prof.pause()
            ...     y = st.ones(8) + 1
            ...     prof.resume()
            ...     z = st.ones(8) * 3
            >>> names = [row.name for row in prof.key_averages()]
            >>> any("add" in n for n in names), any("mul" in n for n in names)
            (False, True)
        """
        self._check_running("resume")
        _P.resume()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        if self._running:
            self.stop()
        return False

    def _check_running(self, what):
        if not self._running:
            raise RuntimeError(f"profile.{what}: this profile is not running")

    def _profile(self, what):
        if self._result is None:
            state = "still running" if self._running else "not started"
            raise RuntimeError(f"profile.{what}: the profile is {state}; its results are "
                               "available once it stops (after the with block, or stop())")
        return self._result

    @property
    def wall_time_us(self):
        """Microseconds from start to stop."""
        return self._profile("wall_time_us").wall_time_us

    def events(self):
        """Every record (``name``, ``kind`` "kernel" / "backward" / "module" / "user", ``module``,
        ``thread``, ``depth``, ``start_us``, ``duration_us``, ``self_time_us``, ``flops``,
        ``bytes``; None where unknown), by thread then start time.

        Example:
            >>> model = nn.Linear(8, 4)
            >>> with st.profiler.profile() as prof:
            ...     y = model(st.randn(2, 8))
            >>> events = prof.events()
            >>> sorted({e.kind for e in events})
            ['kernel', 'module']
            >>> any(e.kind == "module" for e in events)
            True
        """
        return self._profile("events").events()

    def key_averages(self, group_by_module=False):
        """The records summed per name (per name and module path with group_by_module); module
        records are left out: their time shows in the rows of what ran inside them.

        Example:
            >>> model = nn.Sequential(nn.Linear(8, 4), nn.ReLU())
            >>> with st.profiler.profile() as prof:
            ...     for _ in range(3):
            ...         y = model(st.randn(2, 8))
            >>> relu = [row for row in prof.key_averages() if row.name == "relu_forward"][0]
            >>> relu.calls
            3
            >>> rows = prof.key_averages(group_by_module=True)
            >>> [row.module for row in rows if row.name == "relu_forward"]
            ['1']
        """
        result = self._profile("key_averages")
        return KeyAverages(result.key_averages(group_by_module), self, group_by_module)

    def table(self, sort_by="self_time", row_limit=10, group_by_module=False):
        """The top ``row_limit`` rows (all when <= 0) as text: name, [module,] self time, its
        share of all self time, total time, calls, time per call, FLOPs, GFLOP/s (FLOPs / total
        time), bytes moved, GB/s.

        Example:
            >>> model = nn.Sequential(nn.Linear(8, 4), nn.ReLU())
            >>> with st.profiler.profile() as prof:
            ...     y = model(st.randn(16, 8))
            >>> text = prof.table(sort_by="total_time", row_limit=5)
            >>> "relu_forward" in text
            True
        """
        if not isinstance(row_limit, int) or isinstance(row_limit, bool):
            raise TypeError(f"profile.table: row_limit should be an int, got "
                            f"{type(row_limit).__name__}")
        return self._profile("table").table(sort_by, row_limit, group_by_module)

    def export_chrome_trace(self, path):
        """Writes the records as Chrome trace JSON (opened by Perfetto and chrome://tracing),
        atomically: a reader never sees a partial file.

        Example:
            >>> import json, os, tempfile
            >>> with st.profiler.profile() as prof:
            ...     y = st.ones(8) + 1
            >>> path = os.path.join(tempfile.mkdtemp(), "trace.json")
            >>> prof.export_chrome_trace(path)
            >>> "traceEvents" in json.load(open(path))
            True
        """
        self._profile("export_chrome_trace").export_chrome_trace(os.fspath(path))


class record_function(contextlib.ContextDecorator):  # lower case: torch's name
    """Records a region of your own under ``name`` (a ``with`` block, or a decorated function)
    while a profile runs; regions nest, and the ops inside are recorded within them.

    Args:
        name (str): The region's name in the profile.

    Raises:
        TypeError: ``name`` is not a str.

    Example:
        >>> with st.profiler.profile() as prof:
        ...     with st.profiler.record_function("my_block"):
        ...         y = st.ones(8) * 2
        >>> "my_block" in prof.table(row_limit=0)
        True
    """

    def __init__(self, name):
        if not isinstance(name, str):
            raise TypeError(f"record_function: name should be a str, got {type(name).__name__}")
        self.name = name
        self._regions = []  # one per active entry (a decorated function may recurse)

    def __enter__(self):
        region = _P.Region(self.name)
        region.enter()
        self._regions.append(region)
        return self

    def __exit__(self, *exc_info):
        self._regions.pop().exit()
        return False
