"""Threads under contention: a ResNet-20 forward (batch 32, CIFAR size) with 1 and 2 threads, alone
and beside a busy-loop process, under each OpenMP wait policy. Each configuration runs in a fresh
process (libgomp reads its wait policy once, at load).

    python3 bench/contention.py [--repeats 5] [--busy 1]

Policies of striate's thread pool (cpp/src/core/parallel.cpp): "library default" (spin up to
1 ms, then sleep; a waiter that finds it was preempted sleeps at once), "active"
(OMP_WAIT_POLICY=ACTIVE: spin long), "passive" (OMP_WAIT_POLICY=PASSIVE: never spin), "spin N us"
(STRIATE_POOL_SPIN_US=N). Prints the median
seconds per forward and the slowdown of 2 threads against 1 thread beside the same load.

    python3 bench/contention.py --loader [--steps 20]

DataLoader workers against compute threads: ResNet-20 training steps (batch 32) fed by a
DataLoader over a Python dataset that augments each example with striate ops (pad, random crop,
flip, normalize), with 0 or 2 worker threads and 1 or 2 compute threads, in fresh processes.
Prints images/s per configuration: workers that fought the compute threads would make "2
workers" slower than "0 workers" at the same thread count."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CHILD = """
import json, sys, time
import striate as st
threads, repeats = int(sys.argv[1]), int(sys.argv[2])
st.set_num_threads(threads)
st.manual_seed(0)
model = st.models.resnet20().eval()
x = st.randn(32, 3, 32, 32)
with st.no_grad():
    model(x)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(x)
        times.append(time.perf_counter() - start)
print(json.dumps(times))
"""

LOADER_CHILD = """
import json, sys, time
import numpy as np
import striate as st
threads, workers, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
st.set_num_threads(threads)
st.manual_seed(0)


class Augmented(st.data.Dataset):
    def __init__(self, n):
        gen = np.random.default_rng(0)
        self.images = gen.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
        self.labels = gen.integers(0, 10, n)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x = st.tensor(self.images[i]).float() / 255.0
        x = st.nn.functional.pad(x, (4, 4, 4, 4))
        top, left = np.random.randint(0, 9, 2)
        x = x[:, top:top + 32, left:left + 32]
        if np.random.rand() < 0.5:
            x = x.flip(2)
        return (x - 0.5) / 0.25, int(self.labels[i])


model = st.models.resnet20()
optimizer = st.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
loader = st.data.DataLoader(Augmented(32 * (steps + 2)), batch_size=32, shuffle=True,
                            num_workers=workers, drop_last=True)
times, last = [], None
for step, (x, y) in enumerate(loader):
    loss = st.nn.functional.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    now = time.perf_counter()
    if step >= 2:  # the first steps warm up
        times.append(now - last)
    last = now
print(json.dumps(times))
"""


def loader_bench(steps):
    for threads in (1, 2):
        for workers in (0, 2):
            out = subprocess.run([sys.executable, "-c", LOADER_CHILD, str(threads), str(workers),
                                  str(steps)], check=True, capture_output=True, text=True,
                                 timeout=3600)
            step = statistics.median(json.loads(out.stdout))
            print(f"{threads} compute thread(s), {workers} DataLoader workers: "
                  f"{step * 1e3:8.1f} ms/step, {32 / step:7.1f} images/s", flush=True)


POLICIES = {
    "library default": {},
    "active": {"OMP_WAIT_POLICY": "ACTIVE"},
    "passive": {"OMP_WAIT_POLICY": "PASSIVE"},
    "spin 100 us": {"STRIATE_POOL_SPIN_US": "100"},
    "spin 10000 us": {"STRIATE_POOL_SPIN_US": "10000"},
}


def run(threads, repeats, policy_env):
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "STRIATE_POOL_SPIN_US")}
    env.update(policy_env)
    out = subprocess.run([sys.executable, "-c", CHILD, str(threads), str(repeats)], env=env,
                         check=True, capture_output=True, text=True, timeout=1800)
    return statistics.median(json.loads(out.stdout))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--busy", type=int, default=1, help="busy-loop processes beside it")
    parser.add_argument("--loader", action="store_true",
                        help="DataLoader workers against compute threads instead")
    parser.add_argument("--steps", type=int, default=20, help="training steps (--loader)")
    args = parser.parse_args()
    if args.loader:
        loader_bench(args.steps)
        return
    rows = []
    for load in (0, args.busy):
        busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(load)]
        try:
            time.sleep(0.5)
            for policy, env in POLICIES.items():
                one = run(1, args.repeats, env)
                two = run(2, args.repeats, env)
                rows.append((load, policy, one, two))
                print(f"busy={load} {policy:16s} 1 thread {one * 1e3:8.1f} ms  2 threads "
                      f"{two * 1e3:8.1f} ms  (2 vs 1: {two / one:5.2f}x)", flush=True)
        finally:
            for process in busy:
                process.kill()
                process.wait()


if __name__ == "__main__":
    main()
