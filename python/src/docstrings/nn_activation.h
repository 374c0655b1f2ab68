// Docstrings of the activation layers bound in bind_activation.cpp (Google style; the examples run
// as doctests with striate as st, striate.nn as nn).
#pragma once

#include "nn_common.h"

namespace striate::python::docstrings {

inline constexpr const char* kReLU = R"doc(Rectified linear unit, elementwise: ``ReLU(x) = max(0, x)``.

Args:
    inplace (bool): Overwrite the input instead of allocating the output. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Raises:
    RuntimeError: ``inplace=True`` on a leaf tensor that requires grad.

Example:
    >>> m = nn.ReLU()
    >>> m(st.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
)doc";

inline constexpr const char* kSigmoid = R"doc(Logistic sigmoid, elementwise: ``Sigmoid(x) = 1 / (1 + exp(-x))``.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape, values in (0, 1).

Example:
    >>> m = nn.Sigmoid()
    >>> m(st.zeros(2, 3)).shape
    striate.Size([2, 3])
    >>> m(st.tensor([0.0]))
    tensor([0.5000])
)doc";

inline constexpr const char* kTanh = R"doc(Hyperbolic tangent, elementwise:
``Tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))``.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape, values in (-1, 1).

Example:
    >>> m = nn.Tanh()
    >>> m(st.zeros(4)).tolist()
    [0.0, 0.0, 0.0, 0.0]
)doc";

inline constexpr const char* kHardtanh = R"doc(Hard tanh, elementwise: ``x`` clamped to ``[min_val, max_val]``.

Args:
    min_val (float): Lower bound. Default: -1.0.
    max_val (float): Upper bound. Default: 1.0.
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Raises:
    ValueError: ``max_val < min_val``.

Example:
    >>> m = nn.Hardtanh(-2.0, 2.0)
    >>> m(st.tensor([-3.0, 0.5, 3.0]))
    tensor([-2.0000,  0.5000,  2.0000])
)doc";

inline constexpr const char* kReLU6 = R"doc(ReLU capped at 6, elementwise: ``ReLU6(x) = min(max(0, x), 6)``.

Args:
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Example:
    >>> nn.ReLU6()(st.tensor([-1.0, 3.0, 9.0]))
    tensor([0., 3., 6.])
)doc";

inline constexpr const char* kLeakyReLU = R"doc(Leaky ReLU, elementwise: ``x`` where ``x >= 0``, else
``negative_slope * x``.

Args:
    negative_slope (float): Slope for negative inputs. Default: 0.01.
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Example:
    >>> nn.LeakyReLU(0.1)(st.tensor([-2.0, 3.0]))
    tensor([-0.2000,  3.0000])
)doc";

inline constexpr const char* kPReLU = R"doc(Parametric ReLU (He et al.'s PReLU-net): ``x`` where ``x >= 0``,
else ``a * x`` with a learnable slope ``a``.

Args:
    num_parameters (int): 1 (one slope shared by all channels) or the number of channels C (one
        slope per channel, dimension 1 of the input). Default: 1.
    init (float): Initial value of the slopes. Default: 0.25.

Shape:
    - Input: (N, C, *) or (*) when ``num_parameters`` is 1.
    - Output: the input's shape.

Attributes:
    weight (Parameter): (num_parameters,), the slopes.

Raises:
    ValueError: ``num_parameters`` is neither 1 nor the input's channel count.

Example:
    >>> m = nn.PReLU(3)
    >>> m(st.randn(2, 3, 4, 4)).shape
    striate.Size([2, 3, 4, 4])
    >>> m.weight.tolist()
    [0.25, 0.25, 0.25]
)doc";

inline constexpr const char* kELU = R"doc(Exponential linear unit, elementwise: ``x`` where ``x > 0``, else
``alpha * (exp(x) - 1)``.

Args:
    alpha (float): Scale of the negative part. Default: 1.0.
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Example:
    >>> nn.ELU()(st.tensor([0.0, 1.0]))
    tensor([0., 1.])
)doc";

inline constexpr const char* kSELU = R"doc(Scaled ELU, elementwise:
``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))`` with alpha = 1.6732632423543772 and
scale = 1.0507009873554805 (self-normalizing networks; pair with :class:`AlphaDropout`).

Args:
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Example:
    >>> nn.SELU()(st.randn(2, 5)).shape
    striate.Size([2, 5])
)doc";

inline constexpr const char* kGELU = R"doc(Gaussian error linear unit, elementwise: ``x * Phi(x)`` with Phi the
standard normal CDF, or with ``approximate='tanh'``
``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))``.

Args:
    approximate (str): ``'none'`` (exact) or ``'tanh'``. Default: ``'none'``.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Raises:
    ValueError: ``approximate`` is not ``'none'`` or ``'tanh'``.

Example:
    >>> nn.GELU(approximate="tanh")(st.randn(3, 4)).shape
    striate.Size([3, 4])
)doc";

inline constexpr const char* kSiLU = R"doc(Sigmoid linear unit (swish), elementwise: ``x * sigmoid(x)``.

Args:
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Example:
    >>> nn.SiLU()(st.tensor([0.0]))
    tensor([0.])
)doc";

inline constexpr const char* kHardswish = R"doc(Hard swish (MobileNetV3), elementwise:
``x * relu6(x + 3) / 6``.

Args:
    inplace (bool): Overwrite the input. Default: False.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Example:
    >>> nn.Hardswish()(st.tensor([-4.0, 0.0, 4.0]))
    tensor([-0., 0., 4.])
)doc";

inline constexpr const char* kSoftplus = R"doc(Softplus, elementwise: ``log(1 + exp(beta * x)) / beta``, and
``x`` itself where ``beta * x > threshold`` (for numerical stability).

Args:
    beta (float): Sharpness. Default: 1.0.
    threshold (float): Above ``beta * x > threshold`` the function is linear. Default: 20.0.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Example:
    >>> nn.Softplus()(st.tensor([30.0]))
    tensor([30.])
)doc";

inline constexpr const char* kAbsTanh = R"doc(Rectified tanh of the notes, elementwise: ``|tanh(x)|``.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape, values in [0, 1).

Example:
    >>> nn.AbsTanh()(st.tensor([-1.0, 1.0])).tolist() == nn.Tanh()(st.tensor([1.0, 1.0])).tolist()
    True
)doc";

inline constexpr const char* kSoftmax = R"doc(Softmax along ``dim``: ``exp(x_i) / sum_j exp(x_j)``, computed
stably (the maximum is subtracted first); each slice along ``dim`` sums to 1.

Args:
    dim (int): The dimension to normalize. Required in practice: the default None (PyTorch's
        deprecated implicit choice) raises TypeError at the first call.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Raises:
    TypeError: ``dim`` was not given.
    IndexError: ``dim`` is out of range for the input.

Example:
    >>> m = nn.Softmax(dim=1)
    >>> y = m(st.randn(2, 3))
    >>> y.shape
    striate.Size([2, 3])
    >>> [round(v, 5) for v in y.sum(1).tolist()]
    [1.0, 1.0]
)doc";

inline constexpr const char* kLogSoftmax = R"doc(Log of the softmax along ``dim``:
``x_i - log(sum_j exp(x_j))``, computed stably; pair with :class:`NLLLoss`.

Args:
    dim (int): The dimension to normalize. Required in practice: the default None (PyTorch's
        deprecated implicit choice) raises TypeError at the first call.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape, values <= 0.

Raises:
    TypeError: ``dim`` was not given.
    IndexError: ``dim`` is out of range for the input.

Example:
    >>> nn.LogSoftmax(dim=1)(st.randn(4, 10)).shape
    striate.Size([4, 10])
)doc";

inline constexpr const char* kSoftmin = R"doc(Softmin along ``dim``: the softmax of ``-x``,
``exp(-x_i) / sum_j exp(-x_j)``.

Args:
    dim (int): The dimension to normalize. Required in practice: the default None (PyTorch's
        deprecated implicit choice) raises TypeError at the first call.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Raises:
    TypeError: ``dim`` was not given.
    IndexError: ``dim`` is out of range for the input.

Example:
    >>> nn.Softmin(dim=0)(st.tensor([0.0, 0.0]))
    tensor([0.5000, 0.5000])
)doc";

}  // namespace striate::python::docstrings
