"""Loads the compiled extension: the installed striate._C, or, for development, the one in the
build folder named by $STRIATE_DEV_BUILD (a plain CMake build with STRIATE_BUILD_PYTHON=ON)."""

import importlib.util
import os
import sys


# OpenMP threads that wait for work spin before they sleep. On a machine where another process is
# busy, a spinning thread burns the core that the thread it waits for needs, and a parallel region
# can stall for a whole scheduler time slice: 2 threads then run many times slower than 1. striate's
# own kernels no longer run on OpenMP threads (parallel_for has its own pool, whose waiters spin
# politely - yielding the core - and then sleep; see cpp/src/core/parallel.cpp, which also honours
# OMP_WAIT_POLICY); this short spin (GOMP_SPINCOUNT, libgomp's iterations of its wait loop, ~27 us)
# still keeps any libgomp loaded after striate from spinning for milliseconds beside it. libgomp
# reads these once, when it is loaded, so they are set before the extension loads - unless the
# user chose a policy. Measured by bench/contention.py.
SPIN_COUNT = "1000"


def set_openmp_wait_policy(environ=os.environ):
    if "OMP_WAIT_POLICY" not in environ and "GOMP_SPINCOUNT" not in environ:
        environ["GOMP_SPINCOUNT"] = SPIN_COUNT


def load_extension():
    set_openmp_wait_policy()
    dev = os.environ.get("STRIATE_DEV_BUILD")
    if dev:
        for name in sorted(os.listdir(dev)):
            if name.startswith("_C.") and name.endswith(".so"):
                spec = importlib.util.spec_from_file_location("striate._C", os.path.join(dev, name))
                module = importlib.util.module_from_spec(spec)
                sys.modules["striate._C"] = module
                spec.loader.exec_module(module)
                return module
        raise ImportError(f"STRIATE_DEV_BUILD={dev!r} holds no _C extension module")
    from . import _C

    return _C
