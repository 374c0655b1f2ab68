"""Loads the compiled extension: the installed striate._C, or, for development, the one in the
build folder named by $STRIATE_DEV_BUILD (a plain CMake build with STRIATE_BUILD_PYTHON=ON)."""

import importlib.util
import os
import sys


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
