"""striate.backends.cudnn: PyTorch's cuDNN switches, so that scripts setting them run unchanged.
striate's CUDA convolutions are its own kernels, not cuDNN's: is_available() is False and the
flags below have no effect, exactly as torch's do on a machine where cuDNN is not used.

    striate.backends.cudnn.benchmark = True   # accepted; cuDNN is not used
"""

__all__ = ["is_available", "version", "enabled", "benchmark", "deterministic", "allow_tf32"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """False: striate does not use cuDNN."""
    return False


def version():
    """None: striate does not use cuDNN."""
    return None
