"""Threads under contention: a ResNet-20 forward (batch 32, CIFAR size) with 1 and 2 threads, alone
and beside a busy-loop process, under each OpenMP wait policy. Each configuration runs in a fresh
process (libgomp reads its wait policy once, at load).

    python3 bench/contention.py [--repeats 5] [--busy 1]

Policies: "libgomp default" (libgomp's own spin before sleeping: striate before it set a
policy), "library default" (what `import striate` sets: a short spin, then sleeping; see
python/striate/_load.py), "active" (OMP_WAIT_POLICY=ACTIVE: spin for ever, the old behaviour when
the machine has spare cores), "passive" (OMP_WAIT_POLICY=PASSIVE: never spin), "spin N"
(GOMP_SPINCOUNT=N). Prints the median
seconds per forward and the slowdown of 2 threads against 1 thread beside the same load."""

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

POLICIES = {
    # An empty OMP_WAIT_POLICY keeps striate's hands off and libgomp ignores it: libgomp's own
    # default (spin 300,000 iterations before sleeping), what striate did before it set one.
    "libgomp default": {"OMP_WAIT_POLICY": ""},
    "library default": {},
    "active": {"OMP_WAIT_POLICY": "ACTIVE"},
    "passive": {"OMP_WAIT_POLICY": "PASSIVE"},
    "spin 100000": {"GOMP_SPINCOUNT": "100000"},
    "spin 10000": {"GOMP_SPINCOUNT": "10000"},
}


def run(threads, repeats, policy_env):
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env.update(policy_env)
    out = subprocess.run([sys.executable, "-c", CHILD, str(threads), str(repeats)], env=env,
                         check=True, capture_output=True, text=True, timeout=1800)
    return statistics.median(json.loads(out.stdout))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--busy", type=int, default=1, help="busy-loop processes beside it")
    args = parser.parse_args()
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
