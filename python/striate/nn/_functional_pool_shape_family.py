"""Functional ops of the pool shape family; re-exported by striate.nn.functional."""

__all__ = []
