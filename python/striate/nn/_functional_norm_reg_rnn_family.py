"""Normalization and dropout ops with PyTorch's signatures (torch.nn.functional's, and
torchvision.ops.stochastic_depth); the work is done by striate._C._functional. Re-exported by
striate.nn.functional."""

from .. import _C

__all__ = [
    "alpha_dropout",
    "batch_norm",
    "dropout",
    "dropout2d",
    "group_norm",
    "instance_norm",
    "layer_norm",
    "local_response_norm",
    "stochastic_depth",
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


def dropout(input, p=0.5, training=True, inplace=False):
    """Inverted dropout: zeroes elements with probability p, scales the rest by 1 / (1 - p)."""
    if inplace:
        return _F.dropout_(input, float(p), bool(training))
    return _F.dropout(input, float(p), bool(training))


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of input (N, C, *) with probability p, scales the rest by 1 / (1 - p)."""
    out = _F.dropout2d(input, float(p), bool(training))
    if inplace and out is not input:
        return input.copy_(out)
    return out


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """SELU-preserving dropout (keeps zero mean and unit variance)."""
    out = _F.alpha_dropout(input, float(p), bool(training))
    if inplace and out is not input:
        return input.copy_(out)
    return out


def stochastic_depth(input, p, mode, training=True):
    """torchvision.ops.stochastic_depth: drops whole samples (mode 'row') or the whole input
    (mode 'batch') with probability p, scaling survivors by 1 / (1 - p)."""
    return _F.stochastic_depth(input, float(p), mode, bool(training))
