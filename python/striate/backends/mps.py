"""striate.backends.mps: Apple's Metal backend, which striate does not have, answered as torch
answers on a machine without it (the device-selection lines of PyTorch scripts test it)."""

__all__ = ["is_available", "is_built"]


def is_available():
    """False: striate has no Metal (MPS) backend.

    Returns:
        bool: Always False.

    Example:
        >>> st.backends.mps.is_available()
        False
    """
    return False


def is_built():
    """False: striate has no Metal (MPS) backend.

    Returns:
        bool: Always False.

    Example:
        >>> st.backends.mps.is_built()
        False
    """
    return False
