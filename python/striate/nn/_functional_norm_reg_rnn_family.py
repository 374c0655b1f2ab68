"""Functional ops of the norm reg rnn family; re-exported by striate.nn.functional."""

__all__ = []
