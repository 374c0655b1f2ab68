"""Inference (eval mode + striate.inference_mode) timed in process CPU time at 1 thread, for
comparing builds with each other and with ONNX Runtime on a shared machine where wall time swings
with other people's load. Each (net, batch) runs in a fresh process per build; builds alternate,
so a slow stretch hits all. ONNX Runtime (the PyTorch twin exported with torch.onnx.export, same
weights) runs in the first build's process, interleaved call by call with striate.

    python3 bench/infer_cpu_time.py --build /work/main/build/dev --build build/dev \\
        --nets vgg11:1,lenet5:256 --calls 20 --rounds 2 --ort --profile

Prints per build the median CPU ms per forward and, with --ort, striate / ORT in speed (ORT ms /
striate ms, above 1 striate is ahead) measured in the same process. --profile prints the
striate.profiler table (self time) of a few forwards of each net.
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
name, batch, calls, use_ort, profile = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                        sys.argv[4] == "1", sys.argv[5] == "1")
st.set_num_threads(1)
st.manual_seed(0)
net = NETS[name]
model = net.build()
model.eval()
images, _ = make_batch(net, batch)
x = st.tensor(images)
def ours():
    with st.inference_mode():
        return model(x)
session = None
if use_ort:
    from striate.benchmark.inference import export_onnx, ort_session
    twin = net.build_twin(model)
    session = ort_session(export_onnx(twin, images)[0], 1)
    feed = {session.get_inputs()[0].name: images}
    def theirs():
        return session.run(None, feed)[0]
    diff = np.max(np.abs(ours().numpy() - theirs())) / np.max(np.abs(theirs()))
    assert diff < 1e-3, diff
def cpu_ms(fn):
    t0 = time.process_time()
    n = 0
    while True:
        fn()
        n += 1
        t = time.process_time() - t0
        if t >= 0.02 or n >= 1000:
            return 1000 * t / n
for _ in range(3):
    ours()
    if session:
        theirs()
out = {"ours": [], "ort": []}
for i in range(calls):
    pair = [("ours", ours)] + ([("ort", theirs)] if session else [])
    for key, fn in (pair if i % 2 == 0 else pair[::-1]):
        out[key].append(cpu_ms(fn))
if profile:
    with st.profiler.profile() as prof:
        for _ in range(3):
            ours()
    out["table"] = prof.table(sort_by="self_time", row_limit=12)
print(json.dumps(out))
"""


def run_child(build, python_dir, net, batch, calls, ort, profile):
    env = dict(os.environ, STRIATE_DEV_BUILD=build, PYTHONPATH=python_dir, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", CHILD, net, str(batch), str(calls),
                           "1" if ort else "0", "1" if profile else "0"],
                          env=env, capture_output=True, text=True, cwd="/tmp", timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"{build} {net}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="append", required=True,
                        help="a dev build folder (repeat for each build to compare)")
    parser.add_argument("--nets", default="vgg11:1,lenet5:256,lenet5:1,densenet40:256",
                        help="NET:BATCH,...")
    parser.add_argument("--calls", type=int, default=10, help="timed samples per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--ort", action="store_true", help="also time ONNX Runtime")
    parser.add_argument("--profile", action="store_true", help="print striate's profile")
    args = parser.parse_args()
    builds = [os.path.abspath(b) for b in args.build]
    pythons = [os.path.join(os.path.dirname(os.path.dirname(b)), "python") for b in builds]
    results = {}
    for item in args.nets.split(","):
        net, batch = item.split(":")
        for round_index in range(args.rounds):
            for index, (build, python_dir) in enumerate(zip(builds, pythons)):
                first = index == 0
                out = run_child(build, python_dir, net, int(batch), args.calls,
                                args.ort and first, args.profile and round_index == 0)
                entry = results.setdefault((net, batch, build), {"ours": [], "ort": []})
                entry["ours"] += out["ours"]
                entry["ort"] += out["ort"]
                if "table" in out:
                    print(f"## {net} b{batch} {build}\n{out['table']}")
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"load average at the end: {' '.join(load)}")
    print("| net | batch | build | CPU ms/forward (median) | ORT CPU ms | st/ORT |")
    print("|---|---:|---|---:|---:|---:|")
    for (net, batch, build), entry in results.items():
        ms = statistics.median(entry["ours"])
        ort = statistics.median(entry["ort"]) if entry["ort"] else None
        ort_text = f"{ort:.3f} | {ort / ms:.2f}x" if ort else " | "
        print(f"| {net} | {batch} | {build} | {ms:.3f} | {ort_text} |")


if __name__ == "__main__":
    main()
