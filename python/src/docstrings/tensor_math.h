// Docstrings of the elementwise math bound in bind_tensor.cpp: the striate.* functions and the
// matching Tensor methods (Google style; the examples run as doctests with striate as st).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kAdd =
    R"doc(Adds ``other``, scaled by ``alpha``, to ``input``: ``out = input + alpha * other``.

The operands broadcast against each other (NumPy's rule); a Python number is taken as a
0-dimensional tensor of ``input``'s dtype.

Args:
    input (Tensor): The first operand.
    other (Tensor or number): The second operand.
    alpha (number): Multiplier of ``other`` (keyword only, tensor ``other``). Default: 1.

Returns:
    Tensor: The broadcast sum, differentiable in both tensor operands; mixed dtypes promote
    (float32 + float64 gives float64).

Shape:
    - Output: ``broadcast_shapes(input.shape, other.shape)``.

Raises:
    ValueError: The shapes do not broadcast.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.add(x, x, alpha=2)
    tensor([[ 3., 15.],
            [ 9.,  6.]])
    >>> st.add(x, 1.)
    tensor([[2., 6.],
            [4., 3.]])
)doc";

inline constexpr const char* kSub =
    R"doc(Subtracts ``other``, scaled by ``alpha``, from ``input``: ``out = input - alpha * other``.

Both operands are tensors that broadcast against each other (write ``x - 1`` for a number).

Args:
    input (Tensor): The minuend.
    other (Tensor): The subtrahend.
    alpha (number): Multiplier of ``other`` (keyword only). Default: 1.

Returns:
    Tensor: The broadcast difference.

Shape:
    - Output: ``broadcast_shapes(input.shape, other.shape)``.

Raises:
    ValueError: The shapes do not broadcast.

Example:
    >>> st.sub(st.tensor([5., 7.]), st.tensor([1., 2.]), alpha=2)
    tensor([3., 3.])
)doc";

inline constexpr const char* kMul = R"doc(Multiplies elementwise: ``out = input * other``.

Args:
    input (Tensor): The first factor.
    other (Tensor or number): The second factor; tensors broadcast.

Returns:
    Tensor: The broadcast product.

Shape:
    - Output: ``broadcast_shapes(input.shape, other.shape)``.

Raises:
    ValueError: The shapes do not broadcast.

Example:
    >>> st.mul(st.tensor([1., 2.]), 2)
    tensor([2., 4.])
    >>> st.mul(st.tensor([1., 2.]), st.tensor([[3.], [4.]]))
    tensor([[3., 6.],
            [4., 8.]])
)doc";

inline constexpr const char* kDiv = R"doc(Divides elementwise (true division): ``out = input / other``.

Args:
    input (Tensor): The dividend.
    other (Tensor or number): The divisor; tensors broadcast.

Returns:
    Tensor: The broadcast quotient (floating point).

Shape:
    - Output: ``broadcast_shapes(input.shape, other.shape)``.

Raises:
    ValueError: The shapes do not broadcast.

Example:
    >>> st.div(st.tensor([1., 3.]), 2)
    tensor([0.5000, 1.5000])
)doc";

inline constexpr const char* kPow =
    R"doc(Raises ``input`` to the power ``exponent``, elementwise: ``out = input ** exponent``.

The gradient is ``exponent * input ** (exponent - 1)`` for ``input`` and
``out * log(input)`` for a tensor exponent.

Args:
    input (Tensor): The base.
    exponent (Tensor or number): The exponent; tensors broadcast.

Returns:
    Tensor: The broadcast power.

Example:
    >>> st.pow(st.tensor([1., 2., 3.]), 2)
    tensor([1., 4., 9.])
)doc";

inline constexpr const char* kMaximum = R"doc(Elementwise maximum of two tensors: ``out = max(input, other)``.

Where the two are equal the gradient is split evenly between them, as in PyTorch.

Args:
    input (Tensor): The first tensor.
    other (Tensor): The second tensor; the two broadcast.

Returns:
    Tensor: The broadcast maximum.

Example:
    >>> st.maximum(st.tensor([1., 5.]), st.tensor([3., 2.]))
    tensor([3., 5.])
)doc";

inline constexpr const char* kMinimum = R"doc(Elementwise minimum of two tensors: ``out = min(input, other)``.

Args:
    input (Tensor): The first tensor.
    other (Tensor): The second tensor; the two broadcast.

Returns:
    Tensor: The broadcast minimum.

Example:
    >>> st.minimum(st.tensor([1., 5.]), st.tensor([3., 2.]))
    tensor([1., 2.])
)doc";

inline constexpr const char* kAbs = R"doc(Absolute value, elementwise: ``out = |input|`` (gradient ``sign(input)``).

Args:
    input (Tensor): The input.

Returns:
    Tensor: A new tensor of the same shape and dtype.

Example:
    >>> st.abs(st.tensor([-1., 2.]))
    tensor([1., 2.])
)doc";

inline constexpr const char* kExp = R"doc(Exponential, elementwise: ``out = e ** input``.

Args:
    input (Tensor): The input (floating point).

Returns:
    Tensor: A new tensor of the same shape.

Example:
    >>> st.exp(st.tensor([0., 1.]))
    tensor([1.0000, 2.7183])
)doc";

inline constexpr const char* kLog =
    R"doc(Natural logarithm, elementwise: ``out = ln(input)`` (``-inf`` at 0, ``nan`` below).

Args:
    input (Tensor): The input (floating point).

Returns:
    Tensor: A new tensor of the same shape.

Example:
    >>> st.log(st.tensor([1., 2.]))
    tensor([0.0000, 0.6931])
)doc";

inline constexpr const char* kSqrt = R"doc(Square root, elementwise: ``out = sqrt(input)`` (``nan`` below 0).

Args:
    input (Tensor): The input (floating point).

Returns:
    Tensor: A new tensor of the same shape.

Example:
    >>> st.sqrt(st.tensor([4., 9.]))
    tensor([2., 3.])
)doc";

inline constexpr const char* kNeg = R"doc(Negation, elementwise: ``out = -input``.

Args:
    input (Tensor): The input.

Returns:
    Tensor: A new tensor of the same shape and dtype.

Example:
    >>> st.neg(st.tensor([1., -2.]))
    tensor([-1.,  2.])
)doc";

inline constexpr const char* kSign = R"doc(Sign, elementwise: -1, 0 or 1 (gradient zero).

Args:
    input (Tensor): The input.

Returns:
    Tensor: A new tensor of the same shape and dtype.

Example:
    >>> st.sign(st.tensor([-2., 0., 3.]))
    tensor([-1.,  0.,  1.])
)doc";

inline constexpr const char* kClamp =
    R"doc(Clamps every element into ``[min, max]``: ``out = min(max(input, min), max)``.

The gradient passes where the element was inside the range and is zero where it was clamped.

Args:
    input (Tensor): The input.
    min (number, optional): Lower bound; None leaves the values unbounded below. Default: None.
    max (number, optional): Upper bound; None leaves the values unbounded above. Default: None.

Returns:
    Tensor: A new tensor of the same shape and dtype.

Raises:
    ValueError: Both bounds are None.

Example:
    >>> st.clamp(st.tensor([1., 5., 3.]), min=2., max=4.)
    tensor([2., 4., 3.])
)doc";

inline constexpr const char* kEq = R"doc(Elementwise equality: ``out = (input == other)`` as a bool tensor.

Args:
    input (Tensor): The first tensor.
    other (Tensor or number): The second operand; tensors broadcast.

Returns:
    Tensor: A bool tensor of the broadcast shape (not differentiable).

Example:
    >>> st.eq(st.tensor([1., 2.]), st.tensor([1., 3.]))
    tensor([True, False])
)doc";

inline constexpr const char* kLogicalNot = R"doc(Elementwise logical NOT: True where ``input`` is zero (or False).

Args:
    input (Tensor): The input, of any dtype.

Returns:
    Tensor: A bool tensor of the same shape.

Example:
    >>> st.logical_not(st.tensor([True, False]))
    tensor([False, True])
)doc";

inline constexpr const char* kLogicalAnd = R"doc(Elementwise logical AND: True where both operands are non-zero.

Args:
    input (Tensor): The first tensor.
    other (Tensor): The second tensor; the two broadcast.

Returns:
    Tensor: A bool tensor of the broadcast shape.

Example:
    >>> st.logical_and(st.tensor([True, False]), st.tensor([True, True]))
    tensor([True, False])
)doc";

inline constexpr const char* kLogicalOr = R"doc(Elementwise logical OR: True where either operand is non-zero.

Args:
    input (Tensor): The first tensor.
    other (Tensor): The second tensor; the two broadcast.

Returns:
    Tensor: A bool tensor of the broadcast shape.

Example:
    >>> st.logical_or(st.tensor([True, False]), st.tensor([False, False]))
    tensor([True, False])
)doc";

inline constexpr const char* kWhere =
    R"doc(Selects elementwise: ``out = input`` where ``condition`` is True, else ``other``.

Args:
    condition (Tensor): A bool tensor.
    input (Tensor or number): Taken where the condition holds.
    other (Tensor or number): Taken elsewhere. The three broadcast together.

Returns:
    Tensor: The selection, differentiable in the tensor operands.

Shape:
    - Output: the broadcast shape of ``condition``, ``input`` and ``other``.

Raises:
    ValueError: The shapes do not broadcast.
    TypeError: ``condition`` is not a bool tensor.

Example:
    >>> x = st.tensor([[1., 5.], [3., 2.]])
    >>> st.where(x > 2, x, 0.)
    tensor([[0., 5.],
            [3., 0.]])
)doc";

// Tensor methods: the function of the same name with ``self`` as ``input``.

inline constexpr const char* kTensorAdd = R"doc(Returns ``self + alpha * other``; see :func:`striate.add`.

Example:
    >>> st.tensor([1., 2.]).add(st.tensor([1., 1.]), alpha=3)
    tensor([4., 5.])
)doc";

inline constexpr const char* kTensorSub = R"doc(Returns ``self - alpha * other``; see :func:`striate.sub`.

Example:
    >>> st.tensor([5., 7.]).sub(st.tensor([1., 2.]))
    tensor([4., 5.])
)doc";

inline constexpr const char* kTensorMul = R"doc(Returns ``self * other``; see :func:`striate.mul`.

Example:
    >>> st.tensor([1., 2.]).mul(3)
    tensor([3., 6.])
)doc";

inline constexpr const char* kTensorDiv = R"doc(Returns ``self / other``; see :func:`striate.div`.

Example:
    >>> st.tensor([1., 3.]).div(2)
    tensor([0.5000, 1.5000])
)doc";

inline constexpr const char* kTensorPow = R"doc(Returns ``self ** exponent``; see :func:`striate.pow`.

Example:
    >>> st.tensor([2., 3.]).pow(2)
    tensor([4., 9.])
)doc";

inline constexpr const char* kTensorMaximum = R"doc(Elementwise maximum with ``other``; see :func:`striate.maximum`.

Example:
    >>> st.tensor([1., 5.]).maximum(st.tensor([3., 2.]))
    tensor([3., 5.])
)doc";

inline constexpr const char* kTensorMinimum = R"doc(Elementwise minimum with ``other``; see :func:`striate.minimum`.

Example:
    >>> st.tensor([1., 5.]).minimum(st.tensor([3., 2.]))
    tensor([1., 2.])
)doc";

inline constexpr const char* kTensorAbs = R"doc(Absolute value; see :func:`striate.abs`.

Example:
    >>> st.tensor([-1., 2.]).abs()
    tensor([1., 2.])
)doc";

inline constexpr const char* kTensorExp = R"doc(Exponential; see :func:`striate.exp`.

Example:
    >>> st.tensor([0.]).exp()
    tensor([1.])
)doc";

inline constexpr const char* kTensorLog = R"doc(Natural logarithm; see :func:`striate.log`.

Example:
    >>> st.tensor([1.]).log()
    tensor([0.])
)doc";

inline constexpr const char* kTensorSqrt = R"doc(Square root; see :func:`striate.sqrt`.

Example:
    >>> st.tensor([4.]).sqrt()
    tensor([2.])
)doc";

inline constexpr const char* kTensorNeg = R"doc(Negation; see :func:`striate.neg`.

Example:
    >>> st.tensor([1.]).neg()
    tensor([-1.])
)doc";

inline constexpr const char* kTensorSign = R"doc(Sign (-1, 0 or 1); see :func:`striate.sign`.

Example:
    >>> st.tensor([-3., 0.]).sign()
    tensor([-1.,  0.])
)doc";

inline constexpr const char* kTensorClamp = R"doc(Clamps into ``[min, max]``; see :func:`striate.clamp`.

Args:
    min (number, optional): Lower bound. Default: None.
    max (number, optional): Upper bound. Default: None.

Example:
    >>> st.tensor([1., 5., 3.]).clamp(max=4.)
    tensor([1., 4., 3.])
)doc";

inline constexpr const char* kTensorClampInplace =
    R"doc(In-place :meth:`clamp`: clamps ``self`` into ``[min, max]`` and returns it.

Example:
    >>> st.ones(2).clamp_(max=0.5)
    tensor([0.5000, 0.5000])
)doc";

inline constexpr const char* kTensorLogicalNot = R"doc(Logical NOT; see :func:`striate.logical_not`.

Example:
    >>> st.tensor([True, False]).logical_not()
    tensor([False, True])
)doc";

inline constexpr const char* kTensorEq = R"doc(Elementwise ``self == other`` as a bool tensor; see :func:`striate.eq`.

Example:
    >>> st.tensor([1., 2.]).eq(2.)
    tensor([False, True])
)doc";

inline constexpr const char* kTensorAddInplace = R"doc(In place: ``self += alpha * other``; returns ``self``.

Args:
    other (Tensor or number): Broadcast to ``self``'s shape.
    alpha (number): Multiplier of a tensor ``other`` (keyword only). Default: 1.

Raises:
    RuntimeError: ``self`` is a leaf that requires grad (outside ``no_grad``).

Example:
    >>> st.ones(2).add_(1.)
    tensor([2., 2.])
)doc";

inline constexpr const char* kTensorSubInplace = R"doc(In place: ``self -= alpha * other``; returns ``self``.

Example:
    >>> st.ones(2).sub_(3)
    tensor([-2., -2.])
)doc";

inline constexpr const char* kTensorMulInplace = R"doc(In place: ``self *= other``; returns ``self``.

Example:
    >>> st.ones(2).mul_(3)
    tensor([3., 3.])
)doc";

inline constexpr const char* kTensorDivInplace = R"doc(In place: ``self /= other``; returns ``self``.

Example:
    >>> st.ones(2).div_(4)
    tensor([0.2500, 0.2500])
)doc";

inline constexpr const char* kTensorPowInplace =
    R"doc(In place: ``self = self ** exponent`` for a number exponent; returns ``self``.

Example:
    >>> st.tensor([3.]).pow_(2)
    tensor([9.])
)doc";

inline constexpr const char* kTensorZeroInplace = R"doc(Fills ``self`` with zeros in place and returns it.

Example:
    >>> st.ones(2).zero_()
    tensor([0., 0.])
)doc";

inline constexpr const char* kTensorFillInplace = R"doc(Fills ``self`` with ``value`` in place and returns it.

Args:
    value (number): The fill value, converted to ``self``'s dtype.

Example:
    >>> st.zeros(2).fill_(7.)
    tensor([7., 7.])
)doc";

inline constexpr const char* kTensorCopyInplace =
    R"doc(Copies ``src`` into ``self`` in place (across dtypes and devices) and returns ``self``.

Args:
    src (Tensor): Broadcast to ``self``'s shape.

Raises:
    ValueError: ``src`` does not broadcast to ``self``'s shape, or the two overlap in memory.

Example:
    >>> st.zeros(2).copy_(st.tensor([1., 2.]))
    tensor([1., 2.])
)doc";

}  // namespace striate::python::docstrings
