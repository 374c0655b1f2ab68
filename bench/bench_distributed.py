#!/usr/bin/env python3
"""Data-parallel scaling on this machine: ResNet-20 training (batch 64 per process, 1 thread per
process) with 1 process and with N processes under mpirun; prints images/s, the speed-up, the
scaling efficiency and the share of a step spent waiting for all-reduces.

    python3 bench/bench_distributed.py --nproc 2 --steps 30
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(nproc, steps, batch):
    command = [
        shutil.which("mpirun"),
        "-np",
        str(nproc),
        "-x",
        "OMP_NUM_THREADS=1",
        "--bind-to",
        "core",
        "--oversubscribe",
    ]
    if os.geteuid() == 0:
        command.append("--allow-run-as-root")
    command += [sys.executable, os.path.join(HERE, "distributed_worker.py"), str(steps), str(batch)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nproc", type=int, default=2)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    one = run(1, args.steps, args.batch)
    many = run(args.nproc, args.steps, args.batch)
    speedup = many["images_per_s"] / one["images_per_s"]
    print(f"ResNet-20, batch {args.batch}/process, 1 thread/process, {args.steps} steps")
    print(f"  1 process : {one['images_per_s']:8.1f} img/s")
    print(
        f"  {args.nproc} processes: {many['images_per_s']:8.1f} img/s  speed-up {speedup:.2f}x "
        f"(efficiency {speedup / args.nproc:.0%}), all-reduce wait "
        f"{many['comm_wait_share']:.1%} of the step"
    )


if __name__ == "__main__":
    main()
