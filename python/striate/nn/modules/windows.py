"""The modules of nn.functional.windows (torch's signatures on __init__, forward = the function):
Unfold, Fold, LPPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool3d; and InstanceNorm3d over
instance_norm (per-sample statistics; affine parameters; no running statistics)."""

import inspect as _inspect

from .. import functional as _Fn
from ..module import Module, Parameter
from ._composed import composed_module as _composed

__all__ = ["Unfold", "Fold", "LPPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d",
           "InstanceNorm3d"]

_REQUIRED = _inspect.Parameter.empty

Unfold = _composed("Unfold", _Fn.unfold,
                   [("kernel_size", _REQUIRED), ("dilation", 1), ("padding", 0), ("stride", 1)],
                   "Every kernel_size patch of (N, C, H, W) as a column (N, C * kh * kw, L).")
Fold = _composed("Fold", _Fn.fold,
                 [("output_size", _REQUIRED), ("kernel_size", _REQUIRED), ("dilation", 1),
                  ("padding", 0), ("stride", 1)],
                 "Columns (N, C * kh * kw, L) summed back into (N, C, *output_size).")
LPPool2d = _composed("LPPool2d", _Fn.lp_pool2d,
                     [("norm_type", _REQUIRED), ("kernel_size", _REQUIRED), ("stride", None),
                      ("ceil_mode", False)],
                     "(sum over each window of x^p)^(1/p).")
AdaptiveAvgPool3d = _composed("AdaptiveAvgPool3d", _Fn.adaptive_avg_pool3d,
                              [("output_size", _REQUIRED)],
                              "Averages over output_size adaptive windows of (N, C, D, H, W).")
AdaptiveMaxPool3d = _composed("AdaptiveMaxPool3d", _Fn.adaptive_max_pool3d,
                              [("output_size", _REQUIRED), ("return_indices", False)],
                              "Maxima over output_size adaptive windows of (N, C, D, H, W).")


class InstanceNorm3d(Module):
    """Per-sample, per-channel normalization of (N, C, D, H, W) or (C, D, H, W) inputs, with a
    learnt scale (and shift, unless bias=False) when affine. track_running_stats=True raises
    NotImplementedError (as the functional does)."""

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
        """Normalizes each sample's channels over (D, H, W); input (N, C, D, H, W) or
        (C, D, H, W), output the same shape."""
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
        """The constructor arguments, as the module's repr shows them."""
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias_enabled}, "
                f"track_running_stats={self.track_running_stats}")
