"""Modules of the activation loss family; re-exported by striate.nn."""

__all__ = []
