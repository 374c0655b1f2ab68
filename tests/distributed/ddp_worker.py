"""Run under mpirun by tests/test_distributed.py: trains LeNet-5 (float64) for STEPS steps with
DistributedDataParallel on this rank's half of each batch, or (world size 1) on the whole batch,
and writes the final parameters (and checks) to OUT.<rank>.npz."""

import sys

import numpy as np
import striate as st
import striate.distributed as dist

mode, out = sys.argv[1], sys.argv[2]
STEPS, BATCH = int(sys.argv[3]) if len(sys.argv) > 3 else 50, 16

dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()

st.manual_seed(1234 + rank)  # different starting weights per rank: DDP must broadcast rank 0's
model = (
    st.models.lenet5().double()
    if mode != "bn"
    else st.nn.Sequential(
        st.nn.Conv2d(1, 4, 3),
        st.nn.BatchNorm2d(4),
        st.nn.ReLU(),
        st.nn.Flatten(),
        st.nn.Linear(4 * 26 * 26, 10),
    ).double()
)
if mode == "bn" and world > 1:  # batch statistics over both ranks' halves: the full batch's
    model = st.nn.SyncBatchNorm.convert_sync_batchnorm(model)
if mode == "accumulate":
    model = st.nn.parallel.DistributedDataParallel(model, bucket_cap_mb=0.01)
else:
    model = st.nn.parallel.DistributedDataParallel(model, bucket_cap_mb=0.05)
optimizer = st.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

data = np.random.default_rng(0).standard_normal((STEPS, BATCH * 2, 1, 28, 28))
labels = np.random.default_rng(1).integers(0, 10, (STEPS, BATCH * 2))
share = BATCH * 2 // world
for step in range(STEPS):
    rows = slice(rank * share, (rank + 1) * share)
    x, y = st.tensor(data[step, rows]), st.tensor(labels[step, rows])
    optimizer.zero_grad()
    if mode == "accumulate":  # two micro-batches, the first without communication
        half = share // 2
        with model.no_sync():
            (st.nn.functional.cross_entropy(model(x[:half]), y[:half]) / 2).backward()
        (st.nn.functional.cross_entropy(model(x[half:]), y[half:]) / 2).backward()
    else:
        st.nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()

state = {k: v.numpy() for k, v in model.module.state_dict().items()}
np.savez(f"{out}.{rank}.npz", **state)
dist.barrier()
dist.destroy_process_group()
