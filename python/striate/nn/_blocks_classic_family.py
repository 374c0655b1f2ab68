"""Merge blocks of the classic family; re-exported by striate.nn."""

__all__ = []
