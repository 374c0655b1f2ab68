"""Interleaved timing: every library runs one sample in turn, repetition after repetition, so a
slow stretch of a shared machine (another process, a clock change) hits all of them alike.

    samples = interleaved({"striate": step_a, "torch": step_b}, repeats=10, warmup=3)
    median(samples["striate"])          # seconds per call
"""

import gc
import math
import statistics
import time

__all__ = ["Timing", "interleaved", "median"]


class Timing:
    """How long to measure: ``repeats`` timed samples per library after ``warmup`` untimed calls
    each; a sample repeats its call until it lasts at least ``min_sample_seconds`` (so a
    microsecond op is timed over many calls and a training step once). Before each sample the
    caller sleeps ``settle_seconds``: the OpenMP workers of the library that ran last spin for a
    few milliseconds after their work (measured: ~4 ms striate's, ~9 ms PyTorch's, each its own
    libgomp), and would otherwise take a core from the next library's sample."""

    def __init__(self, repeats=10, warmup=3, min_sample_seconds=0.05, settle_seconds=0.03):
        if repeats < 1 or warmup < 0 or min_sample_seconds < 0 or settle_seconds < 0:
            raise ValueError(f"Timing: expected repeats >= 1, warmup >= 0, min_sample_seconds >= 0 "
                             f"and settle_seconds >= 0, got {repeats}, {warmup}, "
                             f"{min_sample_seconds}, {settle_seconds}")
        self.repeats = repeats
        self.warmup = warmup
        self.min_sample_seconds = min_sample_seconds
        self.settle_seconds = settle_seconds

    def as_dict(self):
        return {"repeats": self.repeats, "warmup": self.warmup,
                "min_sample_seconds": self.min_sample_seconds,
                "settle_seconds": self.settle_seconds}


def _time_calls(fn, calls):
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return time.perf_counter() - start


def _calls_per_sample(fn, min_seconds):
    # Its first call is the last warm-up call; the count grows until a sample lasts min_seconds.
    calls = 1
    elapsed = _time_calls(fn, 1)
    while elapsed < min_seconds and calls < 1 << 24:
        calls = min(1 << 24, max(calls * 2, math.ceil(calls * min_seconds / max(elapsed, 1e-9))))
        elapsed = _time_calls(fn, calls)
    return calls


def interleaved(cases, timing):
    """Times each callable of ``cases`` (name -> zero-argument function) and returns name -> list
    of seconds per call, one entry per repetition. Repetitions alternate the order (A B, B A, ...)
    so no library always runs right after another one; each sample starts after the settle pause;
    the garbage collector is paused."""
    names = list(cases)
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(timing.warmup - 1):
            for name in names:
                cases[name]()
        calls = {name: _calls_per_sample(cases[name], timing.min_sample_seconds) for name in names}
        samples = {name: [] for name in names}
        for repeat in range(timing.repeats):
            for name in names if repeat % 2 == 0 else reversed(names):
                if timing.settle_seconds:
                    time.sleep(timing.settle_seconds)
                samples[name].append(_time_calls(cases[name], calls[name]) / calls[name])
    finally:
        if enabled:
            gc.enable()
    return samples


def median(values):
    return statistics.median(values)
