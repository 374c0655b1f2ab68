"""Models of the classic family; re-exported by striate.models."""

__all__ = []
