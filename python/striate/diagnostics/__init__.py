"""Seeing inside training (issue 17): memory planning (``plan``, ``max_batch_size``)."""

from .memory_plan import Plan, max_batch_size, plan

__all__ = ["Plan", "max_batch_size", "plan"]
