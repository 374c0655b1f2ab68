"""What the benchmark ran on: CPU model and ISA, cores, the measured FMA peak per thread count,
and the versions of every library in the comparison."""

import os
import platform
import socket
import sys

__all__ = ["host_name", "machine_info"]

_ISA_FLAGS = ("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16", "avx512_vnni", "avx2",
              "fma")


def _cpuinfo():
    model, flags = platform.processor() or "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name":
                    model = value.strip()
                elif key == "flags":
                    flags = set(value.split())
                if model != "unknown" and flags:
                    break
    except OSError:
        pass
    return model, flags


def host_name():
    """The host name, reduced to characters safe in a file name."""
    name = socket.gethostname().split(".")[0] or "host"
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)


def _version(module_name):
    module = sys.modules.get(module_name)
    return getattr(module, "__version__", None) if module is not None else None


def machine_info(thread_counts, peaks):
    """A dict for the results file; ``peaks`` maps a thread count to the probe's GFLOP/s."""
    import numpy

    from .. import __version__ as striate_version
    from ..backends import cpu

    model, flags = _cpuinfo()
    return {
        "host": host_name(),
        "cpu_model": model,
        "logical_cpus": os.cpu_count(),
        "isa": cpu.isa(),
        "isa_flags": [flag for flag in _ISA_FLAGS if flag in flags],
        "threads": list(thread_counts),
        "peak_gflops_float32": {str(threads): peaks[threads] for threads in thread_counts},
        "platform": platform.platform(),
        "versions": {
            "striate": striate_version,
            "torch": _version("torch"),
            "onnxruntime": _version("onnxruntime"),
            "onnx": _version("onnx"),
            "numpy": numpy.__version__,
            "python": platform.python_version(),
        },
    }
