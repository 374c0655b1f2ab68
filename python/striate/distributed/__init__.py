"""striate.distributed: data-parallel training across processes, with torch.distributed's names.
CPU processes talk over MPI (Open MPI through mpi4py); start them with ``mpirun -np N python
train.py`` or ``striate run --nproc N -- train ...``. See docs/distributed.md.

    import striate.distributed as dist
    dist.init_process_group("mpi")
    model = striate.nn.parallel.DistributedDataParallel(model)
    sampler = striate.data.DistributedSampler(dataset)
"""

from .process_group import (  # noqa: F401
    ReduceOp, Work, all_gather, all_reduce, barrier, broadcast, destroy_process_group,
    get_backend, get_rank, get_world_size, init_process_group, is_available, is_initialized,
    is_mpi_available, is_nccl_available, reduce_scatter,
)
from .process_group import __all__  # noqa: F401
