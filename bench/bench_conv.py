"""conv2d forward + backward time, striate vs PyTorch in the same run, on LeNet-5 and ResNet-20
shapes.

    python bench/bench_conv.py --threads 1 --batch 64
Prints one line per shape: milliseconds per forward+backward for each library and the ratio
PyTorch/striate (higher is better for striate; 1.0 = as fast as PyTorch).
"""

import argparse
import time

import numpy as np

# (name, input channels, height = width, out channels, kernel, stride, padding)
SHAPES = [
    ("lenet conv1 1->6 5x5 p2 28x28", 1, 28, 6, 5, 1, 2),
    ("lenet conv2 6->16 5x5 14x14", 6, 14, 16, 5, 1, 0),
    ("resnet20 stem 3->16 3x3 32x32", 3, 32, 16, 3, 1, 1),
    ("resnet20 stage1 16->16 3x3 32x32", 16, 32, 16, 3, 1, 1),
    ("resnet20 down 16->32 3x3 s2", 16, 32, 32, 3, 2, 1),
    ("resnet20 stage2 32->32 3x3 16x16", 32, 16, 32, 3, 1, 1),
    ("resnet20 stage3 64->64 3x3 8x8", 64, 8, 64, 3, 1, 1),
    ("resnet20 shortcut 32->64 1x1 s2", 32, 16, 64, 1, 2, 0),
]


def time_library(lib_name, shape, batch, repeats):
    _, C, size, K, kernel, stride, padding = shape
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch, C, size, size)).astype(np.float32)
    w_np = rng.standard_normal((K, C, kernel, kernel)).astype(np.float32)
    b_np = rng.standard_normal(K).astype(np.float32)
    if lib_name == "striate":
        import striate as lib
        import striate.nn.functional as F
    else:
        import torch as lib
        import torch.nn.functional as F
    x = lib.tensor(x_np, requires_grad=True)
    w = lib.tensor(w_np, requires_grad=True)
    b = lib.tensor(b_np, requires_grad=True)

    def step():
        x.grad = w.grad = b.grad = None
        F.conv2d(x, w, b, stride=stride, padding=padding).sum().backward()

    for _ in range(3):
        step()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    import striate
    import torch

    striate.set_num_threads(args.threads)
    torch.set_num_threads(args.threads)
    print(
        f"conv2d forward+backward, batch {args.batch}, {args.threads} thread(s), CPU path "
        f"{striate._C._get_cpu_isa()}; ms (best of {args.repeats})"
    )
    print(f"{'shape':36s} {'striate':>9s} {'torch':>9s} {'torch/striate':>14s}")
    for shape in SHAPES:
        ours = time_library("striate", shape, args.batch, args.repeats)
        ref = time_library("torch", shape, args.batch, args.repeats)
        print(f"{shape[0]:36s} {ours:9.2f} {ref:9.2f} {ref / ours:14.2f}")


if __name__ == "__main__":
    main()
