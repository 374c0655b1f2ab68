"""striate.accelerator: PyTorch's device-agnostic accelerator queries. The accelerator is CUDA
when a device is available; otherwise there is none (current_accelerator() returns None), so

    device = (striate.accelerator.current_accelerator().type
              if striate.accelerator.is_available() else "cpu")

runs unchanged on any machine."""

from . import cuda as _cuda

__all__ = ["is_available", "current_accelerator", "device_count", "synchronize"]


def is_available():
    """Whether an accelerator (a CUDA device) is available.

    Returns:
        bool

    Example:
        >>> st.accelerator.is_available() == st.cuda.is_available()
        True
    """
    return _cuda.is_available()


def current_accelerator(check_available=False):
    """striate.device('cuda') when the CUDA backend is built (and, with check_available, a device
    answers); None otherwise.

    Args:
        check_available (bool): Also require a device to answer. Default: False.

    Returns:
        device or None

    Example:
        >>> st.accelerator.current_accelerator() in (None, st.device('cuda'))
        True
    """
    from . import device

    if not _cuda.is_built() or (check_available and not _cuda.is_available()):
        return None
    return device("cuda")


def device_count():
    """The number of accelerator devices (0 without one).

    Returns:
        int

    Example:
        >>> st.accelerator.device_count() >= 0
        True
    """
    return _cuda.device_count() if _cuda.is_available() else 0


def synchronize(device=None):
    """Waits for the accelerator's queued work (RuntimeError without one).

    Args:
        device (int, str or device, optional): The device. Default: None (the current one).

    Raises:
        RuntimeError: No accelerator is available.

    Example:
        >>> if st.accelerator.is_available():
        ...     st.accelerator.synchronize()
    """
    _cuda.synchronize(device)
