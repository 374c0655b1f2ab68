// Docstrings of the dropout layers bound in bind_dropout.cpp (Google style; the examples run as
// doctests with striate as st, striate.nn as nn).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kDropout = R"doc(Dropout: in training, zeroes each element with probability
``p`` (p is the drop probability).

Inverted dropout (the default) scales the kept elements by ``1 / (1 - p)`` in training and is
the identity in evaluation; classic dropout (``inverted=False``) keeps the kept elements as they
are in training and scales every element by the keep probability ``1 - p`` in evaluation. The
two give the same expected value.

Args:
    p (float): Probability of zeroing an element, in [0, 1]. Default: 0.5.
    inplace (bool): Overwrite the input. Default: False.
    inverted (bool): Inverted dropout (scale in training) or classic (scale at test time).
        Default: True.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Raises:
    ValueError: ``p`` is outside [0, 1].

Example:
    >>> m = nn.Dropout(p=0.2)
    >>> m(st.randn(20, 16)).shape
    striate.Size([20, 16])
    >>> m.eval()(st.ones(3)).tolist()
    [1.0, 1.0, 1.0]
)doc";

inline constexpr const char* kDropout2d = R"doc(Spatial dropout: in training, zeroes whole channels of an
(N, C, H, W) input with probability ``p`` and scales the rest by ``1 / (1 - p)``; the identity in
evaluation.

Args:
    p (float): Probability of zeroing a channel, in [0, 1]. Default: 0.5.
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: the input's shape.

Raises:
    ValueError: ``p`` is outside [0, 1].

Example:
    >>> nn.Dropout2d(0.3)(st.randn(2, 4, 5, 5)).shape
    striate.Size([2, 4, 5, 5])
)doc";

inline constexpr const char* kAlphaDropout = R"doc(Alpha dropout for self-normalizing networks (with
:class:`SELU`): dropped elements are set to SELU's negative saturation value and the result is
scaled and shifted so that the mean and variance of the input are kept; the identity in
evaluation.

Args:
    p (float): Probability of dropping an element, in [0, 1]. Default: 0.5.
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Raises:
    ValueError: ``p`` is outside [0, 1].

Example:
    >>> nn.AlphaDropout(0.2)(st.randn(8, 8)).shape
    striate.Size([8, 8])
)doc";

inline constexpr const char* kDropPath = R"doc(Stochastic depth (DropPath): in training, zeroes a residual
branch's output for a whole sample with probability ``p`` and scales the kept samples by
``1 / (1 - p)``; the identity in evaluation. Used by :class:`Residual` (``drop_path=``).

Args:
    p (float): Probability of dropping the branch, in [0, 1]. Default: 0.0.
    mode (str): ``'row'`` (a draw per sample) or ``'batch'`` (one draw for the whole batch).
        Default: ``'row'``.

Shape:
    - Input: (N, *).
    - Output: the input's shape.

Raises:
    ValueError: ``p`` is outside [0, 1] or ``mode`` is not ``'row'`` or ``'batch'``.

Example:
    >>> nn.DropPath(0.1)(st.randn(4, 3, 2, 2)).shape
    striate.Size([4, 3, 2, 2])
)doc";

inline constexpr const char* kDropConnect = R"doc(DropConnect around a Linear layer: in training, zeroes each
weight (not each activation) with probability ``p`` and scales the kept weights by
``1 / (1 - p)``, drawing a new mask at every forward; evaluation uses the plain weights. The bias
is kept.

Args:
    linear (Linear): The wrapped layer; its parameters become this module's (``linear.weight``).
    p (float): Probability of dropping a weight, in [0, 1]. Default: 0.5.

Shape:
    - Input: (*, in_features).
    - Output: (*, out_features).

Raises:
    TypeError: ``linear`` is not a :class:`Linear`.
    ValueError: ``p`` is outside [0, 1].

Example:
    >>> m = nn.DropConnect(nn.Linear(16, 4), p=0.3)
    >>> m(st.randn(2, 16)).shape
    striate.Size([2, 4])
)doc";

}  // namespace striate::python::docstrings
