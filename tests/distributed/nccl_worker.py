"""Run under mpirun by tests/test_distributed.py on a GPU machine: the 'nccl' backend's
collectives on CUDA tensors against values every rank computes alone, and DistributedDataParallel
on the GPU (each rank on its share of the batch) against one model trained on the whole batch in
this process; prints OK on success."""

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
try:
    st.nn.parallel.DistributedDataParallel(st.nn.Linear(2, 2))  # CPU parameters on 'nccl'
except ValueError as error:
    assert "exchanges tensors on this process's GPU" in str(error), error
else:
    raise AssertionError("a CPU model under nccl DistributedDataParallel must raise")

# DistributedDataParallel: replicas start from rank 0's weights, gradients are averaged in
# device buckets (several, by the small bucket_cap_mb), so every replica equals one model trained
# on the whole batch.
STEPS, SHARE = 5, 8
st.manual_seed(1234)
reference = st.models.lenet5().to(device)
st.manual_seed(1234 + rank)  # different starting weights per rank: DDP broadcasts rank 0's
model = st.nn.parallel.DistributedDataParallel(st.models.lenet5().to(device), bucket_cap_mb=0.01)
optimizers = [st.optim.SGD(m.parameters(), lr=0.05, momentum=0.9) for m in (reference, model)]
data = np.random.default_rng(0).standard_normal((STEPS, SHARE * world, 1, 28, 28), np.float32)
labels = np.random.default_rng(1).integers(0, 10, (STEPS, SHARE * world))
for step in range(STEPS):
    x, y = st.tensor(data[step]).to(device), st.tensor(labels[step]).to(device)
    rows = slice(rank * SHARE, (rank + 1) * SHARE)
    for net, optimizer, inputs, targets in ((reference, optimizers[0], x, y),
                                             (model, optimizers[1], x[rows], y[rows])):
        optimizer.zero_grad()
        st.nn.functional.cross_entropy(net(inputs), targets).backward()
        optimizer.step()
for (name, mine), theirs in zip(model.module.state_dict().items(),
                                reference.state_dict().values()):
    np.testing.assert_allclose(mine.cpu().numpy(), theirs.cpu().numpy(), rtol=1e-4, atol=1e-5,
                               err_msg=name)

# SyncBatchNorm on the GPU: statistics over every rank's share equal BatchNorm's over the whole
# batch (its element count is exchanged as a CUDA int64 tensor).
whole = st.tensor(np.random.default_rng(2).standard_normal((4 * world, 3, 5, 5), np.float32))
sync, plain = st.nn.SyncBatchNorm(3).to(device), st.nn.BatchNorm2d(3).to(device)
mine = sync(whole[rank * 4:(rank + 1) * 4].to(device))
np.testing.assert_allclose(mine.cpu().numpy(), plain(whole.to(device))[rank * 4:(rank + 1) * 4]
                           .cpu().numpy(), rtol=1e-4, atol=1e-5)
np.testing.assert_allclose(sync.running_var.cpu().numpy(), plain.running_var.cpu().numpy(),
                           rtol=1e-5)
dist.destroy_process_group()
print("OK")
