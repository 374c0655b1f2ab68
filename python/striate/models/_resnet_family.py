"""Models of the resnet family; re-exported by striate.models."""

__all__ = []
