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
    and running_var in place when given), the running ones otherwise.

    Arguments, shapes and errors as :class:`striate.nn.BatchNorm2d`.

    Example:
        >>> x = st.randn(4, 3, 5, 5)
        >>> F.batch_norm(x, st.zeros(3), st.ones(3), training=True).shape
        striate.Size([4, 3, 5, 5])
    """
    return _F.batch_norm(input, running_mean, running_var, weight, bias, bool(training),
                         float(momentum), float(eps))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalizes over the trailing dims named by normalized_shape (an int or a tuple).

    Arguments, shapes and errors as :class:`striate.nn.LayerNorm`.

    Example:
        >>> F.layer_norm(st.randn(2, 3, 10), 10).shape
        striate.Size([2, 3, 10])
    """
    return _F.layer_norm(input, normalized_shape, weight, bias, float(eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Per-sample statistics over num_groups groups of channels of input (N, C, *).

    Arguments, shapes and errors as :class:`striate.nn.GroupNorm`.

    Example:
        >>> F.group_norm(st.randn(2, 6, 4, 4), 3).shape
        striate.Size([2, 6, 4, 4])
    """
    return _F.group_norm(input, num_groups, weight, bias, float(eps))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Per-sample, per-channel statistics of input (N, C, *); running statistics raise
    NotImplementedError.

    Arguments, shapes and errors as :class:`striate.nn.InstanceNorm2d`.

    Example:
        >>> F.instance_norm(st.randn(2, 3, 6, 6)).shape
        striate.Size([2, 3, 6, 6])
    """
    return _F.instance_norm(input, running_mean, running_var, weight, bias, bool(use_input_stats),
                            float(momentum), float(eps))


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """input / (k + alpha / size * sum of squares over size neighbouring channels) ** beta.

    Arguments, shapes and errors as :class:`striate.nn.LocalResponseNorm`.

    Example:
        >>> F.local_response_norm(st.randn(1, 8, 6, 6), 5).shape
        striate.Size([1, 8, 6, 6])
    """
    return _F.local_response_norm(input, size, float(alpha), float(beta), float(k))
