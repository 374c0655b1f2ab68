"""Modules of the pool shape family; re-exported by striate.nn."""

__all__ = []
