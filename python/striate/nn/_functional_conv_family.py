"""Functional ops of the conv family; re-exported by striate.nn.functional."""

__all__ = []
