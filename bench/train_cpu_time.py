"""Training steps timed in process CPU time, for comparing two builds on a shared machine where
wall time swings with other people's load (1 thread: CPU time then counts only our own work).

Each (net, batch) runs in a fresh process of the build named by --build (a dev build folder, as
STRIATE_DEV_BUILD takes it) with that checkout's python/ folder; builds alternate, so a slow
stretch hits both. Prints per build the median CPU ms per step, images/s in CPU time, and, where
the build has the caching allocator's counters, the bytes tensors held at peak and the OS
allocations after the first step.

    python3 bench/train_cpu_time.py --build /work/main/build/dev --build build/dev \\
        --nets lenet5:256,resnet20:128 --steps 8 --rounds 2

A step is what `striate bench`'s train suite times: forward, cross-entropy, backward, SGD with
momentum (lr 0.01, 0.9) on standard-normal images and random labels.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import json, sys, time
import numpy as np
import striate as st
from striate.benchmark.nets import NETS, make_batch
name, batch, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
unfused = sys.argv[5] == "unfused"
st.set_num_threads(threads)
st.manual_seed(0)
net = NETS[name]
model = net.build()
model.train()
if unfused:  # a forward hook on a ReLU keeps BatchNorm -> ReLU from fusing (nn/fusion.h)
    for m in model.modules():
        if isinstance(m, st.nn.ReLU):
            m.register_forward_hook(lambda *a: None)
images, labels = make_batch(net, batch)
x, y = st.tensor(images), st.tensor(labels)
opt = st.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
def step():
    opt.zero_grad()
    st.nn.functional.cross_entropy(model(x), y).backward()
    opt.step()
for _ in range(2):
    step()
stats = getattr(st.backends.cpu, "memory_stats", None)
first = stats() if stats else None
times = []
for _ in range(steps):
    t0 = time.process_time()
    step()
    times.append(time.process_time() - t0)
out = {"cpu_ms": [1000 * t for t in times]}
if stats:
    last = stats()
    out["peak_allocated_mib"] = last["peak_allocated_bytes"] / 2**20
    out["os_allocations_in_timed_steps"] = last["os_allocations"] - first["os_allocations"]
print(json.dumps(out))
"""


def run_child(build, python_dir, net, batch, steps, threads, variant):
    env = dict(os.environ, STRIATE_DEV_BUILD=build, PYTHONPATH=python_dir)
    proc = subprocess.run([sys.executable, "-c", CHILD, net, str(batch), str(steps), str(threads),
                           variant],
                          env=env, capture_output=True, text=True, cwd="/tmp", timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"{build} {net}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="append", required=True,
                        help="a dev build folder (repeat for each build to compare)")
    parser.add_argument("--nets", default="lenet5:256,resnet20:128", help="NET:BATCH,...")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--unfused", action="store_true",
                        help="also run each build with BatchNorm -> ReLU fusion kept off")
    args = parser.parse_args()
    builds = [os.path.abspath(b) for b in args.build]
    # build/dev -> the checkout's python/ folder two levels up
    pythons = [os.path.join(os.path.dirname(os.path.dirname(b)), "python") for b in builds]
    results = {}
    for item in args.nets.split(","):
        net, batch = item.split(":")
        for _ in range(args.rounds):
            for build, python_dir in zip(builds, pythons):
              for variant in (("fused", "unfused") if args.unfused else ("fused",)):
                out = run_child(build, python_dir, net, int(batch), args.steps, args.threads,
                                variant)
                label = build + ("" if variant == "fused" else " (unfused)")
                entry = results.setdefault((net, batch, label), {"cpu_ms": []})
                entry["cpu_ms"] += out["cpu_ms"]
                for key in ("peak_allocated_mib", "os_allocations_in_timed_steps"):
                    if key in out:
                        entry[key] = out[key]
    print(f"| net | batch | build | CPU ms/step (median) | img/s (CPU time) | peak MiB held | "
          f"OS allocations in timed steps |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for (net, batch, build), entry in results.items():
        ms = statistics.median(entry["cpu_ms"])
        peak = entry.get("peak_allocated_mib")
        allocations = entry.get("os_allocations_in_timed_steps", "")
        print(f"| {net} | {batch} | {build} | {ms:.1f} | {int(batch) * 1000 / ms:,.0f} | "
              f"{'' if peak is None else f'{peak:.0f}'} | {allocations} |")


if __name__ == "__main__":
    main()
