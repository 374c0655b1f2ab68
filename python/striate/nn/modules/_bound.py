"""The bound C++ layers (striate._C._nn) and the helper that files classes under striate.nn."""

from ... import _C

_nn = _C._nn


def public(*classes):
    """Classes are documented, printed and pickled under striate.nn, where users find them."""
    for cls in classes:
        cls.__module__ = "striate.nn"
