"""Functional ops of the activation loss family; re-exported by striate.nn.functional."""

__all__ = []
