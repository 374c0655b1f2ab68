"""Normalization layers, bound from C++: BatchNorm1d/2d/3d, LayerNorm, GroupNorm,
InstanceNorm1d/2d, LocalResponseNorm, and SqueezeExcite (channel recalibration)."""

from ._bound import _nn, public

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "LayerNorm",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "LocalResponseNorm",
    "SqueezeExcite",
]

BatchNorm1d = _nn.BatchNorm1d
BatchNorm2d = _nn.BatchNorm2d
BatchNorm3d = _nn.BatchNorm3d
LayerNorm = _nn.LayerNorm
GroupNorm = _nn.GroupNorm
InstanceNorm1d = _nn.InstanceNorm1d
InstanceNorm2d = _nn.InstanceNorm2d
LocalResponseNorm = _nn.LocalResponseNorm
SqueezeExcite = _nn.SqueezeExcite
public(BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm, GroupNorm, InstanceNorm1d,
       InstanceNorm2d, LocalResponseNorm, SqueezeExcite)


# ---- SyncBatchNorm: batch statistics over every process of a distributed run ----------------
from ..module import Module as _Module  # noqa: E402
from ..module import Parameter as _Parameter  # noqa: E402


class SyncBatchNorm(_Module):
    """Batch normalization whose training statistics are those of the whole batch across the
    processes of the default process group (each process holds a share), so a small per-process
    batch normalizes as the full batch would: ``y = (x - mean) / sqrt(var + eps) * weight + bias``.
    Outside a distributed run, or in eval mode, it is BatchNorm. State dict names are BatchNorm's
    (weight, bias, running_mean, running_var, num_batches_tracked); :meth:`convert_sync_batchnorm`
    swaps a model's BatchNorm layers for it.

    Args:
        num_features (int): C, the channel count of the input.
        eps (float): Added to the variance. Default: 1e-5.
        momentum (float or None): Weight of a new batch in the running averages; None gives the
            cumulative average. Default: 0.1.
        affine (bool): Learnable per-channel ``weight`` and ``bias``. Default: True.
        track_running_stats (bool): Keep running averages and use them in evaluation.
            Default: True.
        process_group: Accepted for PyTorch's signature; the default group is used.

    Shape:
        - Input: (N, C, *).
        - Output: the input's shape.

    Raises:
        ValueError: ``num_features`` is not a positive int, the input's channels differ, or a
            training batch holds one value per channel over all processes.

    Example:
        >>> m = nn.SyncBatchNorm(4)
        >>> m(st.randn(8, 4, 3, 3)).shape
        striate.Size([8, 4, 3, 3])
        >>> type(nn.SyncBatchNorm.convert_sync_batchnorm(nn.BatchNorm2d(4))).__name__
        'SyncBatchNorm'
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, process_group=None):
        super().__init__()
        from ... import ones, tensor, zeros

        if isinstance(num_features, bool) or not isinstance(num_features, int) or \
                num_features <= 0:
            raise ValueError(f"SyncBatchNorm: num_features must be a positive int, got "
                             f"{num_features!r}")
        self.num_features, self.eps, self.momentum = num_features, float(eps), momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        if self.affine:
            self.weight = _Parameter(ones(num_features))
            self.bias = _Parameter(zeros(num_features))
        if self.track_running_stats:
            self.register_buffer("running_mean", zeros(num_features))
            self.register_buffer("running_var", ones(num_features))
            self.register_buffer("num_batches_tracked", tensor(0))

    def extra_repr(self):
        """The module's constructor arguments, as its repr shows them."""
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")

    def forward(self, input):
        """Normalizes ``input`` with the statistics of the whole distributed batch (training) or
        the running ones (evaluation)."""
        from ... import distributed, no_grad
        from ..functional import batch_norm

        if input.dim() < 2 or input.shape[1] != self.num_features:
            raise ValueError(f"SyncBatchNorm: expected an input (N, {self.num_features}, *), got "
                             f"shape {list(input.shape)}")
        weight = self.weight if self.affine else None
        bias = self.bias if self.affine else None
        if not self.training and self.track_running_stats:
            return batch_norm(input, self.running_mean, self.running_var, weight, bias, False,
                              0.0, self.eps)
        world = distributed.get_world_size() if distributed.is_initialized() else 1
        dims = [0] + list(range(2, input.dim()))
        local = input.numel() // self.num_features
        if world > 1:
            from ...distributed.nn import all_reduce_sum

            count = int(all_reduce_sum(_count_tensor(local, input)).item())
            total = all_reduce_sum(input.sum(dims))
            mean = total / count
            shape = [1, self.num_features] + [1] * (input.dim() - 2)
            centered = input - mean.reshape(shape)
            var = all_reduce_sum((centered * centered).sum(dims)) / count
        else:
            count = local
            mean = input.mean(dims)
            shape = [1, self.num_features] + [1] * (input.dim() - 2)
            centered = input - mean.reshape(shape)
            var = (centered * centered).sum(dims) / count
        if count <= 1:
            raise ValueError(f"SyncBatchNorm: expected more than 1 value per channel when "
                             f"training, got input size {list(input.shape)} over {world} "
                             "process(es)")
        if self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
                m = self.momentum if self.momentum is not None else \
                    1.0 / float(self.num_batches_tracked.item())
                self.running_mean.mul_(1 - m).add_(mean.detach() * m)
                self.running_var.mul_(1 - m).add_(var.detach() * (m * count / (count - 1)))
        out = centered / (var + self.eps).sqrt().reshape(shape)
        if self.affine:
            out = out * self.weight.reshape(shape) + self.bias.reshape(shape)
        return out

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """module with every BatchNorm1d/2d/3d replaced by a SyncBatchNorm holding its
        parameters and running statistics (the module itself when it is one)."""
        from . import normalization as _norm

        kinds = (_norm.BatchNorm1d, _norm.BatchNorm2d, _norm.BatchNorm3d)
        if isinstance(module, kinds):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats)
            converted.load_state_dict(module.state_dict())
            converted.train(module.training)
            return converted
        for name, child in list(module.named_children()):
            replaced = cls.convert_sync_batchnorm(child, process_group)
            if replaced is not child:
                setattr(module, name, replaced)
        return module


def _count_tensor(count, like):
    """The local element count per channel, as a tensor the backend can sum: on the input's
    device (NCCL exchanges CUDA tensors), int64 (a float16 count would overflow at 65,504)."""
    from ... import int64, tensor

    return tensor([count], dtype=int64, device=like.device)


SyncBatchNorm.__module__ = "striate.nn"
__all__ += ["SyncBatchNorm"]
