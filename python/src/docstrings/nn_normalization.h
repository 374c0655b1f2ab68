// Docstrings of the normalization layers bound in bind_normalization.cpp (Google style; the
// examples run as doctests with striate as st, striate.nn as nn).
#pragma once

#include "nn_common.h"

namespace striate::python::docstrings {

inline constexpr const char* kBatchNorm1d = R"doc(Batch normalization over a (N, C) or (N, C, L)
input (the fully connected form: statistics over N, and L).

``y = (x - mean) / sqrt(var + eps) * gamma + beta``, with the mean and the (biased) variance
taken per channel over the batch in training (the running averages, updated with the unbiased
variance, are used in evaluation).

Args:
    num_features (int): C, the channel count of the input.
    eps (float): Added to the variance for numerical stability. Default: 1e-5.
    momentum (float or None): Weight of the new batch in the running averages,
        ``running = (1 - momentum) * running + momentum * batch``; None gives the cumulative
        average. Default: 0.1.
    affine (bool): Learnable per-channel scale gamma (``weight``) and shift beta (``bias``).
        Default: True.
    track_running_stats (bool): Keep running_mean / running_var buffers and use them in
        evaluation; without them the batch statistics are used in evaluation too. Default: True.

Shape:
    - Input: (N, C) or (N, C, L).
    - Output: the input's shape.

Raises:
    ValueError: The input's channel count is not ``num_features``, or a training batch has
        one value per channel.

Example:
    >>> m = nn.BatchNorm1d(10)
    >>> m(st.randn(4, 10)).shape
    striate.Size([4, 10])
)doc";

inline constexpr const char* kBatchNorm2d = R"doc(Batch normalization over a (N, C, H, W) input
(the convolutional form: statistics per channel over N, H and W).

``y = (x - mean) / sqrt(var + eps) * gamma + beta``, with the mean and the (biased) variance
taken per channel over the batch in training (the running averages, updated with the unbiased
variance, are used in evaluation).

Args:
    num_features (int): C, the channel count of the input.
    eps (float): Added to the variance for numerical stability. Default: 1e-5.
    momentum (float or None): Weight of the new batch in the running averages,
        ``running = (1 - momentum) * running + momentum * batch``; None gives the cumulative
        average. Default: 0.1.
    affine (bool): Learnable per-channel scale gamma (``weight``) and shift beta (``bias``).
        Default: True.
    track_running_stats (bool): Keep running_mean / running_var buffers and use them in
        evaluation; without them the batch statistics are used in evaluation too. Default: True.

Shape:
    - Input: (N, C, H, W).
    - Output: (N, C, H, W).

Raises:
    ValueError: The input is not 4-D or its channel count is not ``num_features``.

Example:
    >>> m = nn.BatchNorm2d(8)
    >>> m(st.randn(2, 8, 5, 5)).shape
    striate.Size([2, 8, 5, 5])
    >>> m.running_mean.shape
    striate.Size([8])
)doc";

inline constexpr const char* kBatchNorm3d = R"doc(Batch normalization over a (N, C, D, H, W) input
(statistics per channel over N, D, H and W).

``y = (x - mean) / sqrt(var + eps) * gamma + beta``, with the mean and the (biased) variance
taken per channel over the batch in training (the running averages, updated with the unbiased
variance, are used in evaluation).

Args:
    num_features (int): C, the channel count of the input.
    eps (float): Added to the variance for numerical stability. Default: 1e-5.
    momentum (float or None): Weight of the new batch in the running averages,
        ``running = (1 - momentum) * running + momentum * batch``; None gives the cumulative
        average. Default: 0.1.
    affine (bool): Learnable per-channel scale gamma (``weight``) and shift beta (``bias``).
        Default: True.
    track_running_stats (bool): Keep running_mean / running_var buffers and use them in
        evaluation; without them the batch statistics are used in evaluation too. Default: True.

Shape:
    - Input: (N, C, D, H, W).
    - Output: (N, C, D, H, W).

Raises:
    ValueError: The input is not 5-D or its channel count is not ``num_features``.

Example:
    >>> nn.BatchNorm3d(2)(st.randn(2, 2, 3, 3, 3)).shape
    striate.Size([2, 2, 3, 3, 3])
)doc";

inline constexpr const char* kLayerNorm = R"doc(Layer normalization over the last dimensions of each
sample: ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with the mean and the biased
variance taken over ``normalized_shape``. The same in training and evaluation.

Args:
    normalized_shape (int or tuple): The trailing dimensions to normalize over.
    eps (float): Added to the variance. Default: 1e-5.
    elementwise_affine (bool): Learnable ``weight`` (ones) and ``bias`` (zeros) of shape
        ``normalized_shape``. Default: True.
    bias (bool): Whether the affine part has a bias. Default: True.

Shape:
    - Input: (N, *) whose trailing dimensions are ``normalized_shape``.
    - Output: the input's shape.

Raises:
    ValueError: The input's trailing dimensions differ from ``normalized_shape``.

Example:
    >>> m = nn.LayerNorm(10)
    >>> m(st.randn(4, 3, 10)).shape
    striate.Size([4, 3, 10])
)doc";

inline constexpr const char* kGroupNorm = R"doc(Group normalization: the channels are split into
``num_groups`` groups and each sample is normalized over each group's channels and spatial
positions, ``y = (x - mean) / sqrt(var + eps) * weight + bias`` (per-channel affine).

Args:
    num_groups (int): Number of groups; must divide ``num_channels``.
    num_channels (int): C, the channel count of the input.
    eps (float): Added to the variance. Default: 1e-5.
    affine (bool): Learnable per-channel ``weight`` and ``bias``. Default: True.

Shape:
    - Input: (N, C, *).
    - Output: the input's shape.

Raises:
    ValueError: ``num_groups`` does not divide ``num_channels``, or the input's channels differ.

Example:
    >>> m = nn.GroupNorm(2, 6)
    >>> m(st.randn(3, 6, 4, 4)).shape
    striate.Size([3, 6, 4, 4])
)doc";

inline constexpr const char* kInstanceNorm1d = R"doc(Instance normalization of (N, C, L) inputs: each
channel of each sample normalized over L, ``y = (x - mean) / sqrt(var + eps) * weight + bias``.

Args:
    num_features (int): C, the channel count.
    eps (float): Added to the variance. Default: 1e-5.
    momentum (float): Weight of a new batch in the running averages. Default: 0.1.
    affine (bool): Learnable per-channel ``weight`` and ``bias``. Default: False.
    track_running_stats (bool): Keep running averages and use them in evaluation. Default: False.

Shape:
    - Input: (N, C, L) or (C, L).
    - Output: the input's shape.

Raises:
    ValueError: The input's channel count differs from ``num_features`` (with affine or
        running statistics).

Example:
    >>> nn.InstanceNorm1d(3)(st.randn(2, 3, 8)).shape
    striate.Size([2, 3, 8])
)doc";

inline constexpr const char* kInstanceNorm2d = R"doc(Instance normalization of (N, C, H, W) inputs: each
channel of each sample normalized over H and W,
``y = (x - mean) / sqrt(var + eps) * weight + bias``.

Args:
    num_features (int): C, the channel count.
    eps (float): Added to the variance. Default: 1e-5.
    momentum (float): Weight of a new batch in the running averages. Default: 0.1.
    affine (bool): Learnable per-channel ``weight`` and ``bias``. Default: False.
    track_running_stats (bool): Keep running averages and use them in evaluation. Default: False.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: the input's shape.

Raises:
    ValueError: The input's channel count differs from ``num_features`` (with affine or
        running statistics).

Example:
    >>> nn.InstanceNorm2d(3, affine=True)(st.randn(2, 3, 6, 6)).shape
    striate.Size([2, 3, 6, 6])
)doc";

inline constexpr const char* kLocalResponseNorm = R"doc(Local response normalization across channels
(AlexNet): ``b_c = a_c / (k + alpha / size * sum_{c'} a_{c'}^2)^beta``, the sum over the ``size``
neighbouring channels centred on c (zero-padded at the ends).

Args:
    size (int): Number of neighbouring channels in the sum.
    alpha (float): Multiplicative factor. Default: 1e-4.
    beta (float): Exponent. Default: 0.75.
    k (float): Additive constant. Default: 1.0.

Shape:
    - Input: (N, C, *).
    - Output: the input's shape.

Raises:
    ValueError: The input has fewer than 3 dimensions or ``size`` is not positive.

Example:
    >>> nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)(st.randn(1, 8, 6, 6)).shape
    striate.Size([1, 8, 6, 6])
)doc";

inline constexpr const char* kSqueezeExcite = R"doc(Squeeze-and-Excitation channel recalibration:
global average pool -> Linear(C, C / reduction) -> ReLU -> Linear(C / reduction, C) -> sigmoid,
and the input's channels are multiplied by the resulting weights.

Args:
    channels (int): C, the channel count.
    reduction (int): Squeeze ratio; the hidden width is ``max(1, channels // reduction)``.
        Default: 16.

Shape:
    - Input: (N, C, H, W).
    - Output: (N, C, H, W).

Raises:
    ValueError: The input is not 4-D or its channel count is not ``channels``.

Example:
    >>> m = nn.SqueezeExcite(32, reduction=8)
    >>> m(st.randn(2, 32, 4, 4)).shape
    striate.Size([2, 32, 4, 4])
)doc";

}  // namespace striate::python::docstrings
