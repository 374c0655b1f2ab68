"""Seeing inside training (issue 17): memory planning (``plan``, ``max_batch_size``), layer
health (``LayerHealth``) and looking inside a trained network (``feature_maps``,
``saliency_map``, ``class_activation_map``, ``explain``)."""

from .explain import class_activation_map, explain, feature_maps, saliency_map
from .health import LayerHealth
from .memory_plan import Plan, max_batch_size, plan

__all__ = ["LayerHealth", "Plan", "class_activation_map", "explain", "feature_maps",
           "max_batch_size", "plan", "saliency_map"]
