"""torchvision's pure-Python data modules beside CPU PyTorch 2.13, for the tests that compare
striate with torchvision (the torch_style examples' PyTorch versions, transforms).

The torchvision wheel that matches torch 2.13 on PyPI (0.28.0) is a CUDA build: its compiled ops
(torchvision/_C.so) need libc10_cuda.so, so `import torchvision` fails in its __init__ (while it
registers the ops' meta kernels). Its datasets, transforms (v1) and utils are plain Python on
torch and never touch those ops. The shim puts a stand-in `torchvision` package module in
sys.modules whose __path__ is the real package's folder, so `from torchvision import datasets,
transforms` imports the real submodules without running torchvision/__init__.py; the one
package-level function the data modules call, get_image_backend(), answers "PIL" as torchvision's
does by default.

The wheel is installed apart, never on sys.path (an importable but broken torchvision would break
other tests' import checks): `pip install --no-deps --target /opt/torchvision-nodeps
torchvision==0.28.0` (.ci/run does this); STRIATE_TORCHVISION_PATH names another folder.

    python3 tests/torchvision_shim.py script.py [args...]   # runs script.py with the shim
"""

import os
import runpy
import sys
import types

DEFAULT_PATH = "/opt/torchvision-nodeps"


def torchvision_folder():
    """The folder of the real torchvision package, or None when it is not installed."""
    root = os.environ.get("STRIATE_TORCHVISION_PATH", DEFAULT_PATH)
    folder = os.path.join(root, "torchvision")
    return folder if os.path.isfile(os.path.join(folder, "__init__.py")) else None


def install():
    """Puts the stand-in torchvision package in sys.modules; returns False when torchvision is
    not installed."""
    folder = torchvision_folder()
    if folder is None:
        return False
    if "torchvision" not in sys.modules:
        import torch  # noqa: F401  (the data modules import it anyway; first, as torchvision does)

        package = types.ModuleType("torchvision")
        package.__path__ = [folder]
        package.__file__ = os.path.join(folder, "__init__.py")
        package.get_image_backend = lambda: "PIL"
        sys.modules["torchvision"] = package
    return True


if __name__ == "__main__":
    if not install():
        root = os.environ.get("STRIATE_TORCHVISION_PATH", DEFAULT_PATH)
        sys.exit(f"torchvision is not installed under {root}")
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
