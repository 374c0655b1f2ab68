"""LeNet-5 training throughput (images/s), striate vs PyTorch in the same run, on the CPU.

    python bench/bench_lenet.py --threads 1 --batch 64 --steps 50
Prints one line per library and the ratio striate/PyTorch (higher is better for striate).
"""

import argparse
import time

import numpy as np


def build(lib, nn):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def run(lib_name, batch, steps, threads):
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y_np = rng.integers(0, 10, batch).astype(np.int64)
    if lib_name == "striate":
        import striate as lib
        from striate import nn, optim
        import striate.nn.functional as F
    else:
        import torch as lib
        from torch import nn, optim
        import torch.nn.functional as F
    lib.set_num_threads(threads)
    model = build(lib, nn)
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = lib.tensor(x_np), lib.tensor(y_np)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = time.perf_counter() - start
    return batch * steps / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    ours = run("striate", args.batch, args.steps, args.threads)
    ref = run("torch", args.batch, args.steps, args.threads)
    print(f"LeNet-5 train, batch {args.batch}, {args.threads} thread(s)")
    print(f"  striate: {ours:10.0f} img/s")
    print(f"  pytorch: {ref:10.0f} img/s")
    print(f"  ratio striate/pytorch: {ours / ref:.2f}")


if __name__ == "__main__":
    main()
