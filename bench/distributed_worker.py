"""One process of bench/bench_distributed.py (run under mpirun): trains ResNet-20 on random
CIFAR-size batches with DistributedDataParallel, 1 thread, and reports images/s and the share of
the step spent waiting for gradient all-reduces."""

import json
import sys
import time

import numpy as np
import striate as st
import striate.distributed as dist
from striate.nn.parallel import distributed as ddp_module

steps, batch = int(sys.argv[1]), int(sys.argv[2])
st.set_num_threads(1)
dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()
model = st.nn.parallel.DistributedDataParallel(st.models.resnet20(num_classes=10))
optimizer = st.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
x = st.tensor(np.random.default_rng(rank).standard_normal((batch, 3, 32, 32)).astype(np.float32))
y = st.tensor(np.random.default_rng(rank).integers(0, 10, batch))

waiting = [0.0]
original_wait = ddp_module._pg.Work.wait


def timed_wait(self, timeout=None):
    start = time.perf_counter()
    try:
        return original_wait(self, timeout)
    finally:
        waiting[0] += time.perf_counter() - start


ddp_module._pg.Work.wait = timed_wait
for step in range(steps + 3):
    if step == 3:  # warm-up done
        dist.barrier()
        waiting[0] = 0.0
        start = time.perf_counter()
    optimizer.zero_grad()
    st.nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()
dist.barrier()
elapsed = time.perf_counter() - start
if rank == 0:
    print(
        json.dumps(
            {
                "world": world,
                "images_per_s": steps * batch * world / elapsed,
                "comm_wait_share": waiting[0] / elapsed,
            }
        )
    )
dist.destroy_process_group()
