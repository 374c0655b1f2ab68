"""striate.cuda: PyTorch's torch.cuda queries for the CUDA backend. On a machine without a GPU
or driver (or a build without the backend) is_available() is False, show_config() says why, and
the calls that need a device raise RuntimeError naming the reason.

    device = "cuda" if striate.cuda.is_available() else "cpu"
"""

from ._load import load_extension

_C = load_extension()

__all__ = [
    "is_available",
    "device_count",
    "is_built",
    "current_device",
    "synchronize",
    "manual_seed",
    "manual_seed_all",
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


def _require(op):
    if not is_available():
        why = (
            "striate was built without the CUDA backend"
            if not is_built()
            else "no CUDA device was found (striate.show_config() says why)"
        )
        raise RuntimeError(f"cuda.{op}: CUDA is not available: {why}")


def current_device():
    """The index of the current CUDA device (0: striate selects devices per tensor)."""
    _require("current_device")
    return 0


def synchronize(device=None):
    """Waits for every kernel and copy queued on the device (default: the current one)."""
    _require("synchronize")
    index = (
        0
        if device is None
        else (
            device
            if isinstance(device, int)
            else (device.index or 0)
            if hasattr(device, "index")
            else int(str(device).partition(":")[2] or 0)
        )
    )
    _C._cuda_synchronize(index)


def manual_seed(seed):
    """Seeds the current CUDA device's generator (Philox, counter-based: a draw on the device
    depends on the seed, the draws before it and the element's index). Kept without a GPU, as
    torch does; striate.manual_seed seeds every device too."""
    _C._cuda_manual_seed(0, int(seed) % 2**64)


def manual_seed_all(seed):
    """Seeds every CUDA device's generator."""
    _C._cuda_manual_seed_all(int(seed) % 2**64)
