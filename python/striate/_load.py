"""Loads the compiled extension: the installed striate._C, or, for development, the one in the
build folder named by $STRIATE_DEV_BUILD (a plain CMake build with STRIATE_BUILD_PYTHON=ON)."""

import importlib.util
import os
import sys


# striate's kernels run on its own thread pool (cpp/src/core/parallel.cpp), whose waiters spin
# briefly and then sleep, backing off when the machine is busy; it honours OMP_WAIT_POLICY and
# OMP_NUM_THREADS. Importing striate leaves OpenMP's settings alone: an earlier version set
# GOMP_SPINCOUNT for its own libgomp threads, and that also shortened the spin of any libgomp
# loaded after it (PyTorch's, in the benchmarks).


def load_extension():
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
