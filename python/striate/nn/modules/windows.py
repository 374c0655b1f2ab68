"""The modules of nn.functional.windows (torch's signatures on __init__, forward = the function):
Unfold, Fold, LPPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool3d; and InstanceNorm3d over
instance_norm (per-sample statistics; affine parameters; no running statistics)."""

import inspect as _inspect

from .. import functional as _Fn
from ..module import Module, Parameter
from . import _composed_docs as _docs
from ._composed import composed_module as _composed

__all__ = ["Unfold", "Fold", "LPPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d",
           "InstanceNorm3d"]

_REQUIRED = _inspect.Parameter.empty

Unfold = _composed("Unfold", _Fn.unfold,
                   [("kernel_size", _REQUIRED), ("dilation", 1), ("padding", 0), ("stride", 1)],
                   _docs.Unfold)
Fold = _composed("Fold", _Fn.fold,
                 [("output_size", _REQUIRED), ("kernel_size", _REQUIRED), ("dilation", 1),
                  ("padding", 0), ("stride", 1)],
                 _docs.Fold)
LPPool2d = _composed("LPPool2d", _Fn.lp_pool2d,
                     [("norm_type", _REQUIRED), ("kernel_size", _REQUIRED), ("stride", None),
                      ("ceil_mode", False)],
                     _docs.LPPool2d)
AdaptiveAvgPool3d = _composed("AdaptiveAvgPool3d", _Fn.adaptive_avg_pool3d,
                              [("output_size", _REQUIRED)],
                              _docs.AdaptiveAvgPool3d)
AdaptiveMaxPool3d = _composed("AdaptiveMaxPool3d", _Fn.adaptive_max_pool3d,
                              [("output_size", _REQUIRED), ("return_indices", False)],
                              _docs.AdaptiveMaxPool3d)


class InstanceNorm3d(Module):
    """Instance normalization of volumes: each sample's channels normalized over (D, H, W),
    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` (biased variance), with a learnt
    per-channel scale (and shift, unless ``bias=False``) when ``affine``. There are no running
    statistics: training and evaluation compute the same.

    Args:
        num_features (int): C, the channel count of the input.
        eps (float): Added to the variance. Default: 1e-5.
        momentum (float): Accepted for torch's signature (no running statistics). Default: 0.1.
        affine (bool): Learnable per-channel ``weight`` (ones) and ``bias`` (zeros).
            Default: False.
        track_running_stats (bool): Not supported (True raises NotImplementedError).
            Default: False.
        device (device, optional): Where the parameters live. Default: None (the CPU).
        dtype (dtype, optional): The parameters' dtype. Default: None (float32).
        bias (bool): With ``affine``, also learn the shift (keyword only). Default: True.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W).
        - Output: the input's shape.

    Raises:
        NotImplementedError: ``track_running_stats=True``.
        ValueError: The input is not 4-D or 5-D, or its channels differ from ``num_features``.

    Example:
        >>> m = nn.InstanceNorm3d(3, affine=True)
        >>> m(st.randn(2, 3, 4, 4, 4)).shape, [name for name, _ in m.named_parameters()]
        (striate.Size([2, 3, 4, 4, 4]), ['weight', 'bias'])
    """

    def __init__(self, num_features, eps=1e-05, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None, *, bias=True):
        super().__init__()
        if track_running_stats:
            raise NotImplementedError("InstanceNorm3d: track_running_stats=True is not supported")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.bias_enabled = affine and bias  # torch shows bias=False without affine
        if affine:
            from ... import ones, zeros

            self.weight = Parameter(ones(num_features, dtype=dtype, device=device))
            self.bias = Parameter(zeros(num_features, dtype=dtype, device=device)) if bias else None
        else:
            self.weight = self.bias = None

    def forward(self, input):
        """Normalizes each sample's channels over (D, H, W); call the module rather than
        ``forward`` so that hooks run.

        Args:
            input (Tensor): (N, C, D, H, W) or (C, D, H, W).

        Returns:
            Tensor: The input's shape.

        Raises:
            ValueError: The input is not 4-D or 5-D, or its channels differ.

        Example:
            >>> y = nn.InstanceNorm3d(2).forward(st.randn(1, 2, 2, 3, 3))
            >>> y.shape, abs(float(y[0, 0].mean())) < 1e-5
            (striate.Size([1, 2, 2, 3, 3]), True)
        """
        if input.dim() not in (4, 5):
            raise ValueError(f"InstanceNorm3d: expected input of shape (N, C, D, H, W) or "
                             f"(C, D, H, W), got {list(input.shape)}")
        batched = input if input.dim() == 5 else input.unsqueeze(0)
        if batched.shape[1] != self.num_features:
            raise ValueError(f"InstanceNorm3d: expected {self.num_features} channels, got "
                             f"{batched.shape[1]}")
        out = _Fn.instance_norm(batched, weight=self.weight, bias=self.bias, eps=self.eps)
        return out if input.dim() == 5 else out.squeeze(0)

    def extra_repr(self):
        """The constructor arguments, as the module's repr shows them.

        Example:
            >>> nn.InstanceNorm3d(2, affine=True).extra_repr()
            '2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=False'
        """
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias_enabled}, "
                f"track_running_stats={self.track_running_stats}")
