"""ConvTranspose1d and ConvTranspose3d with torch's signatures, over the functional ops of
nn/functional/conv_transpose.py (ConvTranspose2d is the C++ layer). Python modules: their
weights save and load with state dicts, but they cannot be saved as architecture in .striate
files (tests/test_io_model.py lists them)."""

import math

from ..functional import conv_transpose as _ct
from ..module import Module, Parameter

__all__ = ["ConvTranspose1d", "ConvTranspose3d"]


class _ConvTransposeNd(Module):
    _nd = 0
    _function = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__()
        name, nd = type(self).__name__, self._nd
        for arg, value in (("in_channels", in_channels), ("out_channels", out_channels),
                           ("groups", groups)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{name}: expected {arg} to be a positive int, got {value!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: expected in_channels ({in_channels}) and out_channels ({out_channels}) "
                f"divisible by groups ({groups})")
        if padding_mode != "zeros":
            raise ValueError(
                f"{name}: only padding_mode='zeros' is supported for transposed convolutions, "
                f"got {padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _ct._tuple(kernel_size, nd, name, "kernel_size")
        if any(k <= 0 for k in self.kernel_size):
            raise ValueError(f"{name}: expected kernel_size > 0, got {self.kernel_size}")
        self.stride = _ct._tuple(stride, nd, name, "stride")
        self.padding = _ct._tuple(padding, nd, name, "padding")
        self.output_padding = _ct._tuple(output_padding, nd, name, "output_padding")
        self.dilation = _ct._tuple(dilation, nd, name, "dilation")
        self.padding_mode = padding_mode
        self.transposed = True
        from ... import empty

        shape = (in_channels, out_channels // groups) + self.kernel_size
        self.weight = Parameter(empty(shape, dtype=dtype, device=device))
        self.bias = Parameter(empty(out_channels, dtype=dtype, device=device)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        """torch's initialization: weight and bias uniform in +-1/sqrt(fan_in), fan_in being
        weight.size(1) times the kernel's size (kaiming_uniform_ with a = sqrt(5)).

        Example:
            >>> m = nn.ConvTranspose1d(4, 2, 3)
            >>> m.reset_parameters()
            >>> bool(m.weight.abs().max() <= 1 / (2 * 3) ** 0.5)
            True
        """
        fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        self.weight.data.uniform_(-bound, bound)
        if self.bias is not None:
            self.bias.data.uniform_(-bound, bound)

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        name, nd = type(self).__name__, self._nd
        size = list(output_size)
        if len(size) == nd + 2 or (len(size) == nd + 1 and input.dim() == nd + 1):
            size = size[-nd:]
        if len(size) != nd:
            raise ValueError(
                f"{name}: expected output_size with {nd} (or {nd + 2}) elements, got "
                f"{list(output_size)}")
        padding = []
        for i in range(nd):
            lowest = ((input.shape[input.dim() - nd + i] - 1) * self.stride[i]
                      - 2 * self.padding[i] + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            highest = lowest + self.stride[i] - 1
            if not lowest <= size[i] <= highest:
                raise ValueError(
                    f"{name}: requested an output size of {size}, but valid sizes range from "
                    f"{lowest} to {highest} in dimension {i} (for an input of "
                    f"{list(input.shape)})")
            padding.append(size[i] - lowest)
        return tuple(padding)

    def forward(self, input, output_size=None):
        """Transposed convolution of the input with this module's weight; output_size (the
        spatial sizes wanted) picks output_padding as torch does.

        Example:
            >>> m = nn.ConvTranspose1d(4, 2, 3, stride=2)
            >>> m(st.randn(1, 4, 5)).shape, m(st.randn(1, 4, 5), output_size=[12]).shape
            (striate.Size([1, 2, 11]), striate.Size([1, 2, 12]))
        """
        return type(self)._function(
            input, self.weight, self.bias, self.stride, self.padding,
            self._output_padding(input, output_size), self.groups, self.dilation)

    def extra_repr(self):
        """The constructor arguments, as the module's repr shows them (torch's layout).

        Example:
            >>> nn.ConvTranspose1d(4, 2, 3, stride=2).extra_repr()
            '4, 2, kernel_size=(3,), stride=(2,)'
        """
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * self._nd:
            text += f", padding={self.padding}"
        if self.output_padding != (0,) * self._nd:
            text += f", output_padding={self.output_padding}"
        if self.dilation != (1,) * self._nd:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution ("deconvolution", the adjoint of Conv1d) over (N, C_in, L)
    or (C_in, L) inputs, as torch.nn.ConvTranspose1d.

    Args:
        in_channels (int): Channels of the input.
        out_channels (int): Channels of the output.
        kernel_size (int or tuple): The kernel's length.
        stride (int or tuple): Default: 1.
        padding (int or tuple): Removed from both ends of the output. Default: 0.
        output_padding (int or tuple): Added to one end of the output. Default: 0.
        groups (int): Blocked connections from input to output channels. Default: 1.
        bias (bool): Whether to learn a bias. Default: True.
        dilation (int or tuple): Spacing of the kernel's elements. Default: 1.
        padding_mode (str): Only ``'zeros'``, as in torch. Default: ``'zeros'``.
        device (striate.device, optional): Where the parameters live. Default: the CPU.
        dtype (striate.dtype, optional): The parameters' dtype. Default: float32.

    Shape:
        - Input: (N, C_in, L) or (C_in, L).
        - Output: (N, C_out, L_out), L_out = (L - 1) * stride - 2 * padding +
          dilation * (kernel_size - 1) + output_padding + 1.

    Example:
        >>> up = nn.ConvTranspose1d(4, 2, 3, stride=2)
        >>> up(st.randn(8, 4, 10)).shape
        striate.Size([8, 2, 21])
    """

    _nd = 1
    _function = staticmethod(_ct.conv_transpose1d)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed 3-D convolution (the adjoint of Conv3d) over (N, C_in, D, H, W) or
    (C_in, D, H, W) inputs, as torch.nn.ConvTranspose3d.

    Args:
        in_channels (int): Channels of the input.
        out_channels (int): Channels of the output.
        kernel_size (int or tuple): The kernel's (depth, height, width).
        stride (int or tuple): Default: 1.
        padding (int or tuple): Removed from both ends of each output dimension. Default: 0.
        output_padding (int or tuple): Added to one end of each output dimension. Default: 0.
        groups (int): Blocked connections from input to output channels. Default: 1.
        bias (bool): Whether to learn a bias. Default: True.
        dilation (int or tuple): Spacing of the kernel's elements. Default: 1.
        padding_mode (str): Only ``'zeros'``, as in torch. Default: ``'zeros'``.
        device (striate.device, optional): Where the parameters live. Default: the CPU.
        dtype (striate.dtype, optional): The parameters' dtype. Default: float32.

    Shape:
        - Input: (N, C_in, D, H, W) or (C_in, D, H, W).
        - Output: (N, C_out, D_out, H_out, W_out), each size (size - 1) * stride -
          2 * padding + dilation * (kernel_size - 1) + output_padding + 1.

    Example:
        >>> up = nn.ConvTranspose3d(4, 2, 2, stride=2)
        >>> up(st.randn(1, 4, 3, 3, 3)).shape
        striate.Size([1, 2, 6, 6, 6])
    """

    _nd = 3
    _function = staticmethod(_ct.conv_transpose3d)


for _cls in (ConvTranspose1d, ConvTranspose3d):
    _cls.__module__ = "striate.nn"
del _cls
