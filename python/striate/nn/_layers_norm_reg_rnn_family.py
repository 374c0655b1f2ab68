"""Modules of the norm reg rnn family; re-exported by striate.nn."""

__all__ = []
