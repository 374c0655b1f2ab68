// Docstring of the Linear layer bound in bind_linear.cpp (Google style; the examples run as
// doctests with striate as st, striate.nn as nn).
#pragma once

#include "nn_common.h"

namespace striate::python::docstrings {

inline constexpr const char* kLinear = R"doc(Fully connected layer: ``y = x @ weight.T + bias``.

Args:
    in_features (int): Size of each input sample, the last dimension of the input.
    out_features (int): Size of each output sample.
    bias (bool): Whether to add a learnable bias. Default: True.

Shape:
    - Input: (*, in_features), any number of leading dimensions.
    - Output: (*, out_features).

Attributes:
    weight (Parameter): (out_features, in_features), uniform in
        (-1/sqrt(in_features), 1/sqrt(in_features)) as in PyTorch.
    bias (Parameter or None): (out_features,), drawn from the same range.

Raises:
    ValueError: The input's last dimension is not ``in_features``.

Example:
    >>> m = nn.Linear(20, 30)
    >>> m(st.randn(128, 20)).shape
    striate.Size([128, 30])
    >>> m.weight.shape
    striate.Size([30, 20])
)doc";

}  // namespace striate::python::docstrings
