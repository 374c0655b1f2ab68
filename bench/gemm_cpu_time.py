"""GEMM speed of striate.matmul beside torch.mm, for comparing builds on a shared machine: process
CPU time at 1 thread (wall time swings with other people's load), and wall time at more threads
(CPU time adds the threads up, so it cannot show a speed-up; read those figures against the load
average printed at the end). Each build runs in a fresh process; builds alternate round by
round, and within a process striate and torch take turns sample by sample.

    python3 bench/gemm_cpu_time.py --build /work/base/build/cpu --build build/cpu \\
        --shapes square,conv,linear --threads 1,2 --samples 9 --rounds 2

Shapes are M x K x N (op(A) is M x K, op(B) is K x N); "t" after M stores A transposed (K x M),
"t" after N stores B transposed (N x K), as linear layers and the backward passes read them.
Prints GFLOP/s (median of the samples), the fraction of peak (striate.backends.cpu.peak_gflops
at the same thread count, measured in the child) and striate / torch in speed (above 1 striate
is ahead).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

SHAPES = {
    "square": ["256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048"],
    # im2col-shaped products of ResNet-20 (16 filters x 3*3*16 x 8 samples of 32x32 outputs), a
    # 3x3 layer of 64 filters on 8x8 maps (8 samples), and their weight and input gradients.
    "conv": ["16x144x8192", "64x576x512", "64x512x576t", "576tx64x512"],
    # Linear layers: a batch-128 hidden layer, batch 1 (the dot products), and VGG's classifier
    # at batch 1 as a matrix-vector product (W is 4096 x 25088).
    "linear": ["128x512x1000t", "1x4096x1000t", "4096x25088x1"],
}

CHILD = r"""
import json, sys, time
import numpy as np
import striate as st
import torch
shapes, threads, samples = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
st.set_num_threads(threads)
torch.set_num_threads(threads)
clock = time.process_time if threads == 1 else time.perf_counter
rng = np.random.default_rng(0)

def operand(rows, cols, transposed):
    # rows x cols as the product reads it; stored transposed when asked.
    if transposed:
        data = rng.standard_normal((cols, rows)).astype(np.float32)
        return st.tensor(data).t(), torch.from_numpy(data).t()
    data = rng.standard_normal((rows, cols)).astype(np.float32)
    return st.tensor(data), torch.from_numpy(data)

def timed(fn, flops):
    fn()
    t0, n = clock(), 0
    while True:
        fn()
        n += 1
        t = clock() - t0
        if t >= 0.05 or n >= 2000:
            return flops * n / t / 1e9

out = {"peak": st.backends.cpu.peak_gflops(threads=threads), "rows": []}
for text in shapes:
    parts = text.split("x")
    M, K, N = (int(p.rstrip("t")) for p in parts)
    a_st, a_torch = operand(M, K, parts[0].endswith("t"))
    b_st, b_torch = operand(K, N, parts[2].endswith("t"))
    diff = np.max(np.abs(st.matmul(a_st, b_st).numpy() - torch.mm(a_torch, b_torch).numpy()))
    scale = np.max(np.abs(torch.mm(a_torch, b_torch).numpy()))
    assert diff <= 1e-4 * scale, (text, diff, scale)
    flops = 2.0 * M * N * K
    ours, theirs = [], []
    for i in range(samples):
        pair = [(ours, lambda: st.matmul(a_st, b_st)), (theirs, lambda: torch.mm(a_torch, b_torch))]
        for target, fn in pair if i % 2 == 0 else pair[::-1]:
            time.sleep(0.03)  # idle OpenMP workers of the other library stop spinning
            target.append(timed(fn, flops))
    out["rows"].append({"shape": text, "ours": ours, "torch": theirs})
print(json.dumps(out))
"""


def run_child(build, python_dir, shapes, threads, samples):
    env = dict(
        os.environ, STRIATE_DEV_BUILD=build, PYTHONPATH=python_dir, OMP_NUM_THREADS=str(threads)
    )
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(shapes), str(threads), str(samples)],
        env=env,
        capture_output=True,
        text=True,
        cwd="/tmp",
        timeout=3600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{build}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--build",
        action="append",
        required=True,
        help="a build folder with the extension (repeat for each build to compare)",
    )
    parser.add_argument(
        "--shapes",
        default="square,conv,linear",
        help="groups (" + ", ".join(SHAPES) + ") or MxKxN shapes, comma-separated",
    )
    parser.add_argument("--threads", default="1", help="thread counts, comma-separated")
    parser.add_argument("--samples", type=int, default=9, help="timed samples per round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    shapes = []
    for item in args.shapes.split(","):
        shapes += SHAPES.get(item, [item])
    builds = [os.path.abspath(b) for b in args.build]
    pythons = [os.path.join(os.path.dirname(os.path.dirname(b)), "python") for b in builds]
    results, peaks = {}, {}
    for threads in [int(t) for t in args.threads.split(",")]:
        for _ in range(args.rounds):
            for build, python_dir in zip(builds, pythons):
                out = run_child(build, python_dir, shapes, threads, args.samples)
                peaks.setdefault(threads, []).append(out["peak"])
                for row in out["rows"]:
                    entry = results.setdefault(
                        (threads, row["shape"], build), {"ours": [], "torch": []}
                    )
                    entry["ours"] += row["ours"]
                    entry["torch"] += row["torch"]
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"load average at the end: {' '.join(load)}")
    print("clock: process CPU time at 1 thread, wall time above")
    print(
        "| threads | M x K x N | build | striate GFLOP/s | torch GFLOP/s | % of peak | st/torch |"
    )
    print("|---:|---|---|---:|---:|---:|---:|")
    for (threads, shape, build), entry in results.items():
        ours, theirs = statistics.median(entry["ours"]), statistics.median(entry["torch"])
        peak = max(peaks[threads])
        print(
            f"| {threads} | {shape} | {build} | {ours:.1f} | {theirs:.1f} | "
            f"{100 * ours / peak:.0f}% | {ours / theirs:.2f}x |"
        )
    for threads, values in peaks.items():
        print(f"peak at {threads} thread(s): {max(values):.1f} GFLOP/s (best of the probes)")


if __name__ == "__main__":
    main()
