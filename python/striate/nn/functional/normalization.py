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
    """Batch normalization over (N, C, *): ``y = (x - mean) / sqrt(var + eps) * weight + bias``
    per channel. In training the statistics are the batch's (over N and the trailing dimensions),
    and ``running_mean`` / ``running_var`` are updated in place when given:
    ``running = (1 - momentum) * running + momentum * batch`` (the unbiased variance); otherwise
    the running ones are used. The functional form of :class:`striate.nn.BatchNorm2d`.

    Args:
        input (Tensor): (N, C, *).
        running_mean (Tensor or None): (C,); required when ``training`` is False.
        running_var (Tensor or None): (C,); required when ``training`` is False.
        weight (Tensor, optional): (C,) scale. Default: None (1).
        bias (Tensor, optional): (C,) shift. Default: None (0).
        training (bool): Use (and record) the batch statistics. Default: False.
        momentum (float): Weight of the batch in the running averages. Default: 0.1.
        eps (float): Added to the variance. Default: 1e-5.

    Shape:
        - Input: (N, C, *).
        - Output: the input's shape.

    Returns:
        Tensor: The normalized input.

    Raises:
        ValueError: A per-channel tensor does not have C entries, a training batch holds one
            value per channel, or the running statistics are None outside training.

    Example:
        >>> x = st.randn(4, 3, 5, 5)
        >>> F.batch_norm(x, st.zeros(3), st.ones(3), training=True).shape
        striate.Size([4, 3, 5, 5])
    """
    return _F.batch_norm(input, running_mean, running_var, weight, bias, bool(training),
                         float(momentum), float(eps))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization: each sample normalized over its trailing dimensions
    ``normalized_shape``, ``y = (x - mean) / sqrt(var + eps) * weight + bias`` (biased variance).
    The functional form of :class:`striate.nn.LayerNorm`.

    Args:
        input (Tensor): (*, *normalized_shape).
        normalized_shape (int or tuple): The trailing dimensions to normalize over.
        weight (Tensor, optional): normalized_shape-shaped scale. Default: None (1).
        bias (Tensor, optional): normalized_shape-shaped shift. Default: None (0).
        eps (float): Added to the variance. Default: 1e-5.

    Shape:
        - Input: (*, *normalized_shape).
        - Output: the input's shape.

    Returns:
        Tensor: The normalized input.

    Raises:
        ValueError: The input's trailing dimensions are not ``normalized_shape``, or weight/bias
            have another shape.

    Example:
        >>> F.layer_norm(st.randn(2, 3, 10), 10).shape
        striate.Size([2, 3, 10])
    """
    return _F.layer_norm(input, normalized_shape, weight, bias, float(eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization: the C channels split into ``num_groups`` groups, each
    sample normalized over each group's channels and positions, then a per-channel affine map. The
    functional form of :class:`striate.nn.GroupNorm`.

    Args:
        input (Tensor): (N, C, *).
        num_groups (int): The group count; C divides by it.
        weight (Tensor, optional): (C,) scale. Default: None (1).
        bias (Tensor, optional): (C,) shift. Default: None (0).
        eps (float): Added to the variance. Default: 1e-5.

    Shape:
        - Input: (N, C, *).
        - Output: the input's shape.

    Returns:
        Tensor: The normalized input.

    Raises:
        ValueError: C is not divisible by ``num_groups``, or weight/bias do not have C entries.

    Example:
        >>> F.group_norm(st.randn(2, 6, 4, 4), 3).shape
        striate.Size([2, 6, 4, 4])
    """
    return _F.group_norm(input, num_groups, weight, bias, float(eps))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Instance normalization: each sample's channels normalized over their
    positions (group norm with one channel per group). With ``running_mean`` / ``running_var``
    given it follows PyTorch: the running statistics are updated in training
    (``use_input_stats=True``), or used instead of the input's (``use_input_stats=False``). The
    functional form of :class:`striate.nn.InstanceNorm2d`.

    Args:
        input (Tensor): (N, C, *), at least 3-D.
        running_mean (Tensor, optional): (C,). Default: None.
        running_var (Tensor, optional): (C,), given together with ``running_mean``.
            Default: None.
        weight (Tensor, optional): (C,) scale. Default: None (1).
        bias (Tensor, optional): (C,) shift. Default: None (0).
        use_input_stats (bool): Normalize with the input's statistics. Default: True.
        momentum (float): Weight of the input in the running averages. Default: 0.1.
        eps (float): Added to the variance. Default: 1e-5.

    Shape:
        - Input: (N, C, *).
        - Output: the input's shape.

    Returns:
        Tensor: The normalized input.

    Raises:
        ValueError: The input has fewer than 3 dimensions or one position per channel, a
            per-channel tensor does not have C entries, only one running statistic is given, or
            ``use_input_stats=False`` without running statistics.

    Example:
        >>> F.instance_norm(st.randn(2, 3, 6, 6)).shape
        striate.Size([2, 3, 6, 6])
    """
    return _F.instance_norm(input, running_mean, running_var, weight, bias, bool(use_input_stats),
                            float(momentum), float(eps))


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Local response normalization across channels (AlexNet):
    ``b_c = a_c / (k + alpha / size * sum_{c'} a_{c'}^2)^beta``, the sum over the ``size``
    channels around c (zero-padded at the ends). The functional form of
    :class:`striate.nn.LocalResponseNorm`.

    Args:
        input (Tensor): (N, C, *), at least 3-D.
        size (int): Channels in each neighbourhood.
        alpha (float): The scale. Default: 1e-4.
        beta (float): The exponent. Default: 0.75.
        k (float): The additive constant. Default: 1.0.

    Shape:
        - Input: (N, C, *).
        - Output: the input's shape.

    Returns:
        Tensor: The normalized input.

    Raises:
        ValueError: The input has fewer than 3 dimensions, or ``size`` is not positive.

    Example:
        >>> F.local_response_norm(st.randn(1, 8, 6, 6), 5).shape
        striate.Size([1, 8, 6, 6])
    """
    return _F.local_response_norm(input, size, float(alpha), float(beta), float(k))
