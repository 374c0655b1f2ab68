"""DistributedDataParallel: one replica of a model per process; gradients averaged across the
processes during backward, so every replica takes the same optimizer step.

At construction the parameters and buffers are broadcast from rank 0. Parameters are grouped into
buckets of at most bucket_cap_mb (in reverse registration order, roughly the order backward
produces their gradients); a bucket is one flat tensor on its parameters' device, holding one
dtype. A hook on each parameter's gradient copies the gradient it is about to accumulate (plus
what .grad already holds: gradient accumulation under no_sync() averages the accumulated total,
as torch's does) into its bucket; a full bucket is all-reduced at once, non-blocking, while
backward goes on (buckets are posted in bucket order on every rank, so the collectives match).
With the 'mpi' backend the buckets are CPU tensors exchanged through their memory; with 'nccl'
they are CUDA tensors and the copies and the all-reduce are queued on the current stream in
order. When the backward pass ends (autograd's queued callback) the remaining buckets are posted,
all are waited for (with the process group's timeout: a lost peer raises instead of hanging), and
each .grad is set to the average over processes.
"""

import contextlib

from ... import autograd
from ...distributed import process_group as _pg
from ..module import Module


class _Bucket:
    def __init__(self, params):
        from ... import zeros

        self.params = params
        self.offsets = {}
        total = 0
        for p in params:
            self.offsets[id(p)] = (total, p.numel())
            total += p.numel()
        self.buffer = zeros(total, dtype=params[0].dtype, device=params[0].device)
        self.ready = set()
        self.work = None

    def slot(self, param):
        """The bucket's view of param's gradient (flat)."""
        start, count = self.offsets[id(param)]
        return self.buffer.narrow(0, start, count)


def _check_devices(module, group):
    """The backend exchanges one kind of memory: 'mpi' CPU tensors, 'nccl' tensors on this
    process's GPU. A parameter or buffer elsewhere is refused before anything is posted."""
    for kind, named in (("parameter", module.named_parameters()),
                        ("buffer", module.named_buffers())):
        for name, tensor in named:
            device = tensor.device
            if group.backend == "nccl":
                if device.type != "cuda" or (device.index or 0) != group.device:
                    raise ValueError(
                        f"DistributedDataParallel: the 'nccl' backend exchanges tensors on this "
                        f"process's GPU (cuda:{group.device}); {kind} '{name}' is on {device} "
                        f"(call model.to('cuda:{group.device}') first)")
            elif device.type != "cpu":
                raise ValueError(
                    f"DistributedDataParallel: the '{group.backend}' backend exchanges CPU "
                    f"tensors; {kind} '{name}' is on {device} (use backend='nccl' for CUDA "
                    "models)")


class DistributedDataParallel(Module):
    """Wraps ``module`` for data-parallel training across the processes of the default group
    (``striate.distributed.init_process_group`` first; start with ``striate run -np N``).

    Each process runs the module on its share of the batch; during backward the gradients are
    all-reduced in buckets (posted as they become ready) and come out averaged over the
    processes, so every replica takes the same optimizer step. Rank 0's parameters and buffers
    are broadcast at construction.

    Args:
        module (Module): The model to replicate.
        device_ids: Accepted for PyTorch's signature (as are output_device, dim,
            process_group, check_reduction, gradient_as_bucket_view and static_graph): the
            module's parameters say where it runs (CPU with the 'mpi' backend, this process's
            GPU with 'nccl').
        broadcast_buffers (bool): Broadcast rank 0's buffers before each forward.
            Default: True.
        bucket_cap_mb (float): Size of a gradient bucket in MiB. Default: 25.0.
        find_unused_parameters (bool): Parameters that get no gradient in a step count as zero
            instead of raising. Default: False.

    Raises:
        TypeError: ``module`` is not a Module.
        ValueError: ``bucket_cap_mb`` is not positive, or a parameter or buffer is on a device
            the backend does not exchange (CUDA with 'mpi'; CPU or another GPU with 'nccl').
        RuntimeError: No process group is initialized.

    Example (under ``striate run -np 2 train.py``)::

        striate.distributed.init_process_group()
        model = nn.parallel.DistributedDataParallel(net)
        loss = F.cross_entropy(model(x), y)
        loss.backward()                 # gradients averaged over the processes
        with model.no_sync():           # accumulate locally, no communication
            model(x2).sum().backward()
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=True, process_group=None, bucket_cap_mb=25.0,
                 find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: expected module as an nn.Module, got "
                            f"{type(module).__name__}")
        group = _pg._require("DistributedDataParallel")
        if not bucket_cap_mb or bucket_cap_mb <= 0:
            raise ValueError(f"DistributedDataParallel: bucket_cap_mb must be positive, got "
                             f"{bucket_cap_mb}")
        self.module = module
        self.broadcast_buffers = bool(broadcast_buffers)
        self.find_unused_parameters = bool(find_unused_parameters)
        self._world = _pg.get_world_size()
        self._sync = True
        self._pending = False
        _check_devices(module, group)
        with autograd.no_grad():
            for tensor in list(module.parameters()) + list(module.buffers()):
                _pg.broadcast(tensor.detach(), 0)
        self._buckets = self._make_buckets(float(bucket_cap_mb) * 2**20)
        self._bucket_of = {id(p): b for b in self._buckets for p in b.params}
        for p in (p for b in self._buckets for p in b.params):
            p.register_hook(self._hook(p))

    def _make_buckets(self, cap_bytes):
        params = [p for p in self.module.parameters() if p.requires_grad]
        buckets, current, size, kind = [], [], 0, None
        for p in reversed(params):
            nbytes = p.numel() * p.element_size()
            if current and (size + nbytes > cap_bytes or (p.dtype, str(p.device)) != kind):
                buckets.append(_Bucket(current))
                current, size = [], 0
            current.append(p)
            size += nbytes
            kind = (p.dtype, str(p.device))
        if current:
            buckets.append(_Bucket(current))
        return buckets

    def _hook(self, param):
        def on_gradient(grad):
            if not self._sync:
                return None
            if not self._pending:
                self._pending = True
                autograd._queue_callback(self._finish_reduction)
            bucket = self._bucket_of[id(param)]
            values = grad.detach().reshape(-1)
            if param.grad is not None:  # what accumulation will give: the accumulated total
                values = values + param.grad.detach().reshape(-1)
            with autograd.no_grad():
                bucket.slot(param).copy_(values)
            bucket.ready.add(id(param))
            self._post_ready_buckets()
            return None

        return on_gradient

    def _post_ready_buckets(self, everything=False):
        for bucket in self._buckets:  # in bucket order: the same order on every rank
            if bucket.work is not None:
                continue
            if not everything and len(bucket.ready) < len(bucket.params):
                return
            bucket.work = _pg.all_reduce(bucket.buffer, async_op=True)

    def _finish_reduction(self):
        self._pending = False
        try:
            missing = [p for b in self._buckets for p in b.params if id(p) not in b.ready]
            if missing and not self.find_unused_parameters:
                names = {id(p): n for n, p in self.module.named_parameters()}
                listed = ", ".join(names.get(id(p), "?") for p in missing[:8])
                raise RuntimeError(
                    "DistributedDataParallel: these parameters received no gradient in this "
                    f"backward pass: {listed}{' ...' if len(missing) > 8 else ''}; every rank "
                    "must reduce the same gradients (pass find_unused_parameters=True when "
                    "some parameters are legitimately unused)")
            with autograd.no_grad():
                for bucket in self._buckets:
                    for p in bucket.params:
                        if id(p) not in bucket.ready:
                            slot = bucket.slot(p)
                            if p.grad is None:
                                slot.zero_()
                            else:
                                slot.copy_(p.grad.detach().reshape(-1))
            self._post_ready_buckets(everything=True)
            for bucket in self._buckets:
                bucket.work.wait()
            with autograd.no_grad():
                for bucket in self._buckets:
                    bucket.buffer.div_(self._world)
                    for p in bucket.params:
                        average = bucket.slot(p).reshape(tuple(p.shape))
                        if p.grad is None:
                            p.grad = average.clone()
                        else:
                            p.grad.copy_(average)
        finally:
            for bucket in self._buckets:
                bucket.ready.clear()
                bucket.work = None

    def forward(self, *inputs, **kwargs):
        """Runs the wrapped module on this process's inputs (after broadcasting rank 0's buffers
        when ``broadcast_buffers``); its backward averages the gradients over the processes."""
        if self.broadcast_buffers and self._world > 1:
            with autograd.no_grad():
                for buffer in self.module.buffers():
                    _pg.broadcast(buffer.detach(), 0)
        return self.module(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """Inside, backward accumulates gradients locally without communicating; the first
        backward after it averages the accumulated gradients."""
        previous = self._sync
        self._sync = False
        try:
            yield
        finally:
            self._sync = previous


DistributedDataParallel.__module__ = "striate.nn.parallel"
