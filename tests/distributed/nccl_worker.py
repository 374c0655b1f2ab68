"""Run under mpirun by tests/test_distributed.py on a GPU machine: the 'nccl' backend's
collectives on CUDA tensors against values every rank computes alone; prints OK on success."""

import numpy as np
import striate as st
import striate.distributed as dist

dist.init_process_group("nccl")
rank, world = dist.get_rank(), dist.get_world_size()
device = f"cuda:{st.cuda.current_device()}"


def rank_values(r, n=5):
    return np.arange(n, dtype=np.float32) + 10 * r


x = st.tensor(rank_values(rank)).to(device)
dist.all_reduce(x)
np.testing.assert_allclose(x.cpu().numpy(), sum(rank_values(r) for r in range(world)))
x = st.tensor(rank_values(rank)).to(device)
dist.all_reduce(x, op=dist.ReduceOp.MAX)
np.testing.assert_allclose(x.cpu().numpy(), rank_values(world - 1))
y = st.tensor(rank_values(rank)).to(device) if rank == 0 else st.zeros(5, device=device)
work = dist.broadcast(y, src=0, async_op=True)
assert work.wait()
np.testing.assert_allclose(y.cpu().numpy(), rank_values(0))
gathered = [st.zeros(5, device=device) for _ in range(world)]
dist.all_gather(gathered, st.tensor(rank_values(rank)).to(device))
for r, value in enumerate(gathered):
    np.testing.assert_allclose(value.cpu().numpy(), rank_values(r))
out = st.zeros(5, device=device)
dist.reduce_scatter(out, [st.tensor(rank_values(r)).to(device) for r in range(world)])
np.testing.assert_allclose(out.cpu().numpy(), world * rank_values(rank))
dist.barrier()
try:
    dist.all_reduce(st.zeros(3))  # a CPU tensor on the 'nccl' backend
except RuntimeError as error:
    assert "exchanges CUDA tensors" in str(error), error
else:
    raise AssertionError("a CPU tensor on the nccl backend must raise")
dist.destroy_process_group()
print("OK")
