"""Containers: Sequential (children run in order) and Identity (passes its input through), bound
from C++."""

from ._bound import _nn, public

__all__ = ["Sequential", "Identity"]

Sequential = _nn.Sequential
Identity = _nn.Identity
public(Sequential, Identity)
