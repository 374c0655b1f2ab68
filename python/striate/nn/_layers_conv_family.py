"""Modules of the conv family; re-exported by striate.nn."""

__all__ = []
