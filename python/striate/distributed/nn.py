"""Collectives that autograd differentiates (torch.distributed.nn's): the gradient of a sum over
processes is the sum over processes of the gradients."""

from ..autograd import Function
from .process_group import all_reduce


class _AllReduceSum(Function):
    @staticmethod
    def forward(ctx, tensor):
        out = tensor.contiguous().clone()
        all_reduce(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = grad.contiguous().clone()
        all_reduce(out)
        return out


def all_reduce_sum(tensor):
    """The sum of tensor over the processes, differentiable (a new tensor on every rank)."""
    return _AllReduceSum.apply(tensor)
