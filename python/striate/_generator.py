"""striate.Generator: an explicit random number generator, as torch.Generator. The creation
functions (rand, randn, randint, randperm), the samplers and the DataLoader take one as
``generator=``; without it they draw from the default generator (striate.manual_seed).

    g = striate.Generator().manual_seed(0)
    order = striate.randperm(10, generator=g)
"""

import numpy as np

from . import _C

__all__ = ["Generator", "default_generator"]

_UINT64 = 1 << 64


def _seed_value(seed, op):
    # torch's range: negative seeds wrap to 2**64 + seed.
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{op}: expected an int seed, got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed < _UINT64:
        raise ValueError(f"{op}: seed must be in [-2**63, 2**64), got {seed}")
    return seed % _UINT64


class Generator:
    """A seeded generator (Mersenne Twister, 64-bit) on the CPU; device='cpu' only.

    Args:
        device (str or device): Must be ``'cpu'``. Default: ``'cpu'``.

    Raises:
        ValueError: Another device.

    Example:
        >>> g = st.Generator().manual_seed(0)
        >>> a = st.rand(3, generator=g)
        >>> b = st.rand(3, generator=st.Generator().manual_seed(0))
        >>> bool((a == b).all())
        True
    """

    def __init__(self, device="cpu"):
        if str(device) != "cpu":
            raise ValueError(
                f"Generator: only CPU generators exist, got device {device!r} "
                "(random numbers for every device are drawn on the CPU)"
            )
        self._impl = _C._Generator()

    @property
    def device(self):
        """The device the generator draws for (the CPU).

        Example:
            >>> st.Generator().device
            device(type='cpu')
        """
        return _C.device("cpu")

    def manual_seed(self, seed):
        """Seeds the generator; returns self (so `Generator().manual_seed(0)` chains).

        Example:
            >>> g = st.Generator().manual_seed(0)
            >>> a = st.rand(3, generator=g)
            >>> b = st.rand(3, generator=g.manual_seed(0))
            >>> bool((a == b).all())
            True
        """
        self._impl.manual_seed(_seed_value(seed, "Generator.manual_seed"))
        return self

    def initial_seed(self):
        """The seed the generator was last seeded with.

        Example:
            >>> st.Generator().manual_seed(3).initial_seed()
            3
        """
        return self._impl.initial_seed()

    def seed(self):
        """Seeds from a non-deterministic source; returns the seed.

        Example:
            >>> g = st.Generator()
            >>> s = g.seed()
            >>> g.initial_seed() == s
            True
        """
        value = int.from_bytes(
            np.random.SeedSequence().entropy.to_bytes(16, "little")[:8], "little"
        )
        self._impl.manual_seed(value)
        return value

    def get_state(self):
        """The generator's state, a uint8 tensor (as torch returns a ByteTensor).

        Example:
            >>> g = st.Generator().manual_seed(1)
            >>> state = g.get_state()
            >>> state.dtype
            striate.uint8
            >>> first = st.randn(2, generator=g)
            >>> _ = g.set_state(state)  # the same draws again
            >>> bool((st.randn(2, generator=g) == first).all())
            True
        """
        from ._creation import from_numpy

        return from_numpy(np.frombuffer(self._impl.get_state(), dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Restores a state from get_state() (a uint8 tensor or bytes).

        Example:
            >>> g = st.Generator().manual_seed(7)
            >>> state = g.get_state()
            >>> first = st.rand(4, generator=g)
            >>> _ = g.set_state(state)
            >>> bool((st.rand(4, generator=g) == first).all())
            True
        """
        if hasattr(new_state, "numpy"):
            new_state = new_state.numpy().astype(np.uint8).tobytes()
        if not isinstance(new_state, (bytes, bytearray)):
            raise TypeError(
                "Generator.set_state: expected a uint8 tensor or bytes, got "
                f"{type(new_state).__name__}"
            )
        self._impl.set_state(bytes(new_state))
        return self


def _impl_of(generator, op):
    """The C++ generator behind `generator` (None: the default one)."""
    if generator is None:
        return None
    if not isinstance(generator, Generator):
        raise TypeError(
            f"{op}: generator: expected a striate.Generator, got {type(generator).__name__}"
        )
    return generator._impl


class _DefaultGenerator(Generator):
    """striate.default_generator: the generator striate.manual_seed seeds."""

    def __init__(self):
        self._impl = _C._default_generator()


default_generator = _DefaultGenerator()
