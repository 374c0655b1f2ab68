"""Normalization ops with PyTorch's signatures (batch, layer, group, instance and local response
norm); the work is done by striate._C._functional."""

from ... import _C

__all__ = [
    "batch_norm",
    "group_norm",
    "instance_norm",
    "layer_norm",
    "local_response_norm",
]

_F = _C._functional


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization of input (N, C, *): batch statistics in training (updating running_mean
    and running_var in place when given), the running ones otherwise."""
    return _F.batch_norm(input, running_mean, running_var, weight, bias, bool(training),
                         float(momentum), float(eps))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalizes over the trailing dims named by normalized_shape (an int or a tuple)."""
    return _F.layer_norm(input, normalized_shape, weight, bias, float(eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Per-sample statistics over num_groups groups of channels of input (N, C, *)."""
    return _F.group_norm(input, num_groups, weight, bias, float(eps))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Per-sample, per-channel statistics of input (N, C, *); running statistics raise
    NotImplementedError."""
    return _F.instance_norm(input, running_mean, running_var, weight, bias, bool(use_input_stats),
                            float(momentum), float(eps))


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """input / (k + alpha / size * sum of squares over size neighbouring channels) ** beta."""
    return _F.local_response_norm(input, size, float(alpha), float(beta), float(k))
