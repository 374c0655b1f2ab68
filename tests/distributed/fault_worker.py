"""Run under mpirun by tests/test_distributed.py: all-reduces every 0.05 s; at step 5 rank 1
either dies (kill -9 itself) or hangs, and rank 0 must not wait for ever."""

import os
import signal
import sys
import time

import striate as st
import striate.distributed as dist

mode = sys.argv[1]
dist.init_process_group("mpi", timeout=float(sys.argv[2]))
rank = dist.get_rank()
x = st.ones(1000)
for step in range(200):
    if step == 5 and rank == 1:
        if mode == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(3600)  # hang: stuck, not dead
    dist.all_reduce(x)
    print(f"rank {rank} step {step}", flush=True)
    time.sleep(0.05)
