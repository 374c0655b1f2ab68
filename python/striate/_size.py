"""striate.Size: what Tensor.shape and Tensor.size() return, as torch.Size is: a tuple of ints
with PyTorch's repr and numel(); slicing and concatenation keep the type. It pickles and
serializes as a plain tuple, so files never name this class.

    >>> import striate as st
    >>> st.zeros(2, 3).shape
    striate.Size([2, 3])
    >>> st.zeros(2, 3).shape.numel()
    6
"""

import operator


class Size(tuple):
    """The shape of a tensor: a tuple of ints with PyTorch's repr (``torch.Size``'s twin).

    Slicing and concatenation keep the type; it pickles as a plain tuple.

    Args:
        sizes (iterable of ints): The sizes. Default: ().

    Raises:
        TypeError: An element is not an int.

    Example:
        >>> s = st.zeros(2, 3).shape
        >>> s, s.numel(), s[1:]
        (striate.Size([2, 3]), 6, striate.Size([3]))
    """
    __slots__ = ()

    def __new__(cls, sizes=()):
        values = tuple(sizes)
        for value in values:
            try:
                operator.index(value)
            except TypeError:
                raise TypeError(
                    f"Size: expected a sequence of ints, got an element of type "
                    f"{type(value).__name__}"
                ) from None
        return super().__new__(cls, (operator.index(v) for v in values))

    def __repr__(self):
        return f"striate.Size({list(self)})"

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, count):
        return Size(tuple(self) * count)

    __rmul__ = __mul__

    def numel(self):
        """The number of elements of a tensor of this shape (1 for a 0-d shape).

        Example:
            >>> st.Size([2, 3, 4]).numel()
            24
            >>> st.zeros(5, 6).shape.numel()
            30
        """
        total = 1
        for value in self:
            total *= value
        return total

    def __reduce__(self):
        return (tuple, (tuple(self),))
