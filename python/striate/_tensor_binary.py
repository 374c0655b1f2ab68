"""torch's binary arithmetic functions with Python numbers on either side (``st.sub(x, 1.0)``,
``st.add(2, x, alpha=3)``, ``st.pow(2, x)``), ``alpha=`` with a number, ``div``'s
``rounding_mode`` and the aliases (rsub, subtract, multiply, divide, true_divide). Each one calls
the bound op for its case, so autograd and devices are the ops' own."""

import numbers

from . import _C
from ._C import Tensor

__all__ = [
    "add", "sub", "rsub", "mul", "div", "pow", "eq", "subtract", "multiply", "divide",
    "true_divide",
]


def _operand(value, op, name, position):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        return value
    raise TypeError(
        f"{op}(): expected argument '{name}' (position {position}) to be a Tensor or a number, "
        f"got {type(value).__name__}"
    )


def _first_tensor(value, op, name):
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{op}(): expected argument '{name}' (position 1) to be a Tensor, got "
            f"{type(value).__name__}"
        )
    return value


def _scaled(tensor, alpha):
    return tensor if alpha == 1 else tensor.mul(alpha)


def add(input, other, *, alpha=1):
    """Adds ``other``, scaled by ``alpha``, to ``input``: ``input + alpha * other``.

    Either side may be a Python number, as in torch.

    Args:
        input (Tensor or Number): The first operand.
        other (Tensor or Number): The second operand, broadcast against ``input``.
        alpha (Number): The multiplier of ``other``. Default: 1.

    Returns:
        Tensor: The sum, of the promoted dtype.

    Example:
        >>> st.add(st.tensor([1.0, 2.0]), st.tensor([10.0, 20.0]), alpha=2)
        tensor([21., 42.])
        >>> st.add(1.5, st.tensor([1.0, 2.0]))
        tensor([2.5000, 3.5000])
    """
    _operand(input, "add", "input", 1)
    _operand(other, "add", "other", 2)
    if isinstance(input, Tensor):
        if isinstance(other, Tensor):
            return _C.add(input, other, alpha=alpha)
        return input.add(other, alpha=alpha)
    if isinstance(other, Tensor):
        return _scaled(other, alpha).add(input)
    return add(_as_tensor(input), other, alpha=alpha)


def _as_tensor(value):
    import striate

    return striate.tensor(value)


def sub(input, other, *, alpha=1):
    """Subtracts ``other``, scaled by ``alpha``, from ``input``: ``input - alpha * other``.

    Either side may be a Python number, as in torch.

    Args:
        input (Tensor or Number): The first operand.
        other (Tensor or Number): The operand subtracted, broadcast against ``input``.
        alpha (Number): The multiplier of ``other``. Default: 1.

    Returns:
        Tensor: The difference, of the promoted dtype.

    Example:
        >>> st.sub(st.tensor([1.0, 2.0]), 1.0)
        tensor([0., 1.])
        >>> st.sub(st.tensor([5.0, 6.0]), st.tensor([1.0, 2.0]), alpha=2)
        tensor([3., 2.])
    """
    _operand(input, "sub", "input", 1)
    _operand(other, "sub", "other", 2)
    if isinstance(input, Tensor):
        if isinstance(other, Tensor):
            return _C.sub(input, other, alpha=alpha)
        return input.sub(other) if alpha == 1 else input.add(other, alpha=-alpha)
    if isinstance(other, Tensor):
        return _scaled(other, alpha).__rsub__(input)
    return sub(_as_tensor(input), other, alpha=alpha)


def rsub(input, other, *, alpha=1):
    """Subtracts ``input``, scaled by ``alpha``, from ``other``: ``other - alpha * input``.

    Args:
        input (Tensor): The operand subtracted.
        other (Tensor or Number): The operand subtracted from.
        alpha (Number): The multiplier of ``input``. Default: 1.

    Returns:
        Tensor: The difference.

    Example:
        >>> st.rsub(st.tensor([1.0, 2.0]), 5.0)
        tensor([4., 3.])
    """
    _first_tensor(input, "rsub", "input")
    _operand(other, "rsub", "other", 2)
    return sub(other, input, alpha=alpha)


def mul(input, other):
    """Multiplies ``input`` by ``other`` elementwise (broadcasting); either may be a number.

    Args:
        input (Tensor or Number): The first factor.
        other (Tensor or Number): The second factor.

    Returns:
        Tensor: The product, of the promoted dtype.

    Example:
        >>> st.mul(st.tensor([1.0, 2.0]), 3)
        tensor([3., 6.])
        >>> st.mul(0.5, st.tensor([1.0, 2.0]))
        tensor([0.5000, 1.0000])
    """
    _operand(input, "mul", "input", 1)
    _operand(other, "mul", "other", 2)
    if isinstance(input, Tensor):
        return _C.mul(input, other)
    if isinstance(other, Tensor):
        return other.mul(input)
    return mul(_as_tensor(input), other)


def _integral(value):
    if isinstance(value, Tensor):
        return not value.is_floating_point()
    return isinstance(value, numbers.Integral)


def div(input, other, *, rounding_mode=None):
    """Divides ``input`` by ``other`` elementwise (broadcasting); either may be a number.

    Args:
        input (Tensor or Number): The dividend.
        other (Tensor or Number): The divisor.
        rounding_mode (str, optional): None for true division; ``'trunc'`` rounds the quotient
            toward zero, ``'floor'`` toward minus infinity. With a rounding mode, integer operands
            give an integer result, as in torch. Default: None.

    Returns:
        Tensor: The quotient.

    Example:
        >>> st.div(st.tensor([7.0, -7.0]), 2)
        tensor([ 3.5000, -3.5000])
        >>> st.div(st.tensor([7, -7]), 2, rounding_mode="floor")
        tensor([ 3, -4])
    """
    _operand(input, "div", "input", 1)
    _operand(other, "div", "other", 2)
    if rounding_mode not in (None, "trunc", "floor"):
        raise ValueError(
            f"div(): expected rounding_mode None, 'trunc' or 'floor', got {rounding_mode!r}"
        )
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = _as_tensor(input)
    integral = rounding_mode is not None and _integral(input) and _integral(other)
    if integral:  # torch keeps integer operands integral; the quotient is rounded in float64
        dtype = _integer_result(input, other)
        input = input.double() if isinstance(input, Tensor) else input
        other = other.double() if isinstance(other, Tensor) else other
    if isinstance(input, Tensor):
        quotient = _C.div(input, other)
    else:
        quotient = other.__rtruediv__(input)
    if rounding_mode == "trunc":
        quotient = quotient.trunc()
    elif rounding_mode == "floor":
        quotient = quotient.floor()
    return quotient.to(dtype) if integral else quotient


def _integer_result(input, other):
    dtypes = [v.dtype for v in (input, other) if isinstance(v, Tensor)]
    if len(dtypes) == 2 and dtypes[0] != dtypes[1]:
        import striate

        return striate.int64
    return dtypes[0]


def pow(input, exponent):
    """Raises ``input`` to the power ``exponent`` elementwise; either may be a number.

    Args:
        input (Tensor or Number): The base.
        exponent (Tensor or Number): The exponent.

    Returns:
        Tensor: The power.

    Example:
        >>> st.pow(st.tensor([1.0, 2.0, 3.0]), 2)
        tensor([1., 4., 9.])
        >>> st.pow(2, st.tensor([1.0, 2.0, 3.0]))
        tensor([2., 4., 8.])
    """
    _operand(input, "pow", "input", 1)
    _operand(exponent, "pow", "exponent", 2)
    if isinstance(input, Tensor):
        return _C.pow(input, exponent)
    if isinstance(exponent, Tensor):
        return exponent.__rpow__(input)
    return pow(_as_tensor(input), exponent)


def eq(input, other):
    """Elementwise ``input == other`` (broadcasting); ``other`` may be a number.

    Args:
        input (Tensor): The first operand.
        other (Tensor or Number): The second operand.

    Returns:
        Tensor: A bool tensor.

    Example:
        >>> st.eq(st.tensor([1.0, 2.0]), 2.0)
        tensor([False,  True])
    """
    _first_tensor(input, "eq", "input")
    _operand(other, "eq", "other", 2)
    return input.eq(other)


def subtract(input, other, *, alpha=1):
    """Alias of :func:`striate.sub`: ``input - alpha * other``.

    Args:
        input (Tensor or Number): The first operand.
        other (Tensor or Number): The operand subtracted.
        alpha (Number): The multiplier of ``other``. Default: 1.

    Returns:
        Tensor: The difference.

    Example:
        >>> st.subtract(st.tensor([3.0]), 1)
        tensor([2.])
    """
    return sub(input, other, alpha=alpha)


def multiply(input, other):
    """Alias of :func:`striate.mul`.

    Args:
        input (Tensor or Number): The first factor.
        other (Tensor or Number): The second factor.

    Returns:
        Tensor: The product.

    Example:
        >>> st.multiply(st.tensor([3.0]), 2)
        tensor([6.])
    """
    return mul(input, other)


def divide(input, other, *, rounding_mode=None):
    """Alias of :func:`striate.div`.

    Args:
        input (Tensor or Number): The dividend.
        other (Tensor or Number): The divisor.
        rounding_mode (str, optional): None, ``'trunc'`` or ``'floor'``. Default: None.

    Returns:
        Tensor: The quotient.

    Example:
        >>> st.divide(st.tensor([3.0]), 2)
        tensor([1.5000])
    """
    return div(input, other, rounding_mode=rounding_mode)


def true_divide(dividend, divisor):
    """Alias of :func:`striate.div` without rounding.

    Args:
        dividend (Tensor or Number): The dividend.
        divisor (Tensor or Number): The divisor.

    Returns:
        Tensor: The quotient.

    Example:
        >>> st.true_divide(st.tensor([3, 4]), 2)
        tensor([1.5000, 2.0000])
    """
    return div(dividend, divisor)


# Tensor methods with torch's number cases: sub(number, alpha=), div(rounding_mode=).
_tensor_sub = Tensor.sub
_tensor_div = Tensor.div


def _sub_method(self, other, *, alpha=1):
    """Returns ``self - alpha * other``; ``other`` may be a Tensor or a number.

    Args:
        other (Tensor or Number): The operand subtracted, broadcast against ``self``.
        alpha (Number): The multiplier of ``other``. Default: 1.

    Returns:
        Tensor: The difference.

    Example:
        >>> st.tensor([5.0, 6.0]).sub(1.0, alpha=2)
        tensor([3., 4.])
    """
    if isinstance(other, Tensor):
        return _tensor_sub(self, other, alpha=alpha)
    _operand(other, "sub", "other", 1)
    return _tensor_sub(self, other) if alpha == 1 else self.add(other, alpha=-alpha)


def _div_method(self, other, *, rounding_mode=None):
    """Returns ``self / other``, optionally rounded; ``other`` may be a Tensor or a number.

    Args:
        other (Tensor or Number): The divisor.
        rounding_mode (str, optional): None, ``'trunc'`` or ``'floor'``. Default: None.

    Returns:
        Tensor: The quotient.

    Example:
        >>> st.tensor([7.0, -7.0]).div(2, rounding_mode="trunc")
        tensor([ 3., -3.])
    """
    if rounding_mode is None:
        return _tensor_div(self, other)
    return div(self, other, rounding_mode=rounding_mode)


_sub_method.__name__ = _sub_method.__qualname__ = "sub"
_div_method.__name__ = _div_method.__qualname__ = "div"
Tensor.sub = _sub_method
Tensor.div = _div_method
