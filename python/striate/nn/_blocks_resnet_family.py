"""Merge blocks of the resnet family; re-exported by striate.nn."""

__all__ = []
