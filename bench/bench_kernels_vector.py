"""The non-convolution kernels of a training step, striate vs PyTorch in the same process:
relu, batch norm (training forward + backward), max pooling, softmax + cross-entropy, the
residual add, and the SGD-momentum and Adam steps over all of ResNet-20's parameters, at
ResNet-20 shapes (batch 128 unless --batch says otherwise).

    python bench/bench_kernels_vector.py --threads 1
    python bench/bench_kernels_vector.py --threads 2 --repeats 30

Each case is timed interleaved (striate, torch, striate, torch, ...) and the median is reported
in milliseconds, with the ratio torch / striate (above 1.0: striate is faster). On a machine
shared with other jobs, --clock cpu times the process's CPU time instead of the wall clock: with
one thread it leaves out the time the process waits for a core (with two it also counts the
threads' spinning, so use the wall clock there, and --stat min: the fastest run is the one the
other jobs disturbed least).
"""

import argparse
import statistics
import time

import numpy as np


def _libs():
    import striate
    import striate.nn.functional as SF
    import torch
    import torch.nn.functional as TF

    return (striate, SF), (torch, TF)


def case_relu(lib, F, rng, batch):
    x_np = rng.standard_normal((batch, 16, 32, 32)).astype(np.float32)
    g_np = rng.standard_normal(x_np.shape).astype(np.float32)
    x = lib.tensor(x_np, requires_grad=True)
    g = lib.tensor(g_np)

    def forward():
        F.relu(x)

    def forward_backward():
        x.grad = None
        F.relu(x).backward(g)

    return forward, forward_backward


def _batch_norm_case(channels, size):
    def case(lib, F, rng, batch):
        x_np = rng.standard_normal((batch, channels, size, size)).astype(np.float32) * 2 + 0.5
        g_np = rng.standard_normal(x_np.shape).astype(np.float32)
        x = lib.tensor(x_np, requires_grad=True)
        w = lib.tensor(rng.standard_normal(channels).astype(np.float32), requires_grad=True)
        b = lib.tensor(rng.standard_normal(channels).astype(np.float32), requires_grad=True)
        running_mean = lib.zeros(channels)
        running_var = lib.ones(channels)
        g = lib.tensor(g_np)

        def forward():
            F.batch_norm(x, running_mean, running_var, w, b, training=True)

        def forward_backward():
            x.grad = w.grad = b.grad = None
            F.batch_norm(x, running_mean, running_var, w, b, training=True).backward(g)

        return forward, forward_backward

    return case


def _batch_norm_relu_case(channels, size):
    def case(lib, F, rng, batch):
        x_np = rng.standard_normal((batch, channels, size, size)).astype(np.float32)
        g_np = rng.standard_normal(x_np.shape).astype(np.float32)
        x = lib.tensor(x_np, requires_grad=True)
        w = lib.tensor(rng.standard_normal(channels).astype(np.float32), requires_grad=True)
        b = lib.tensor(rng.standard_normal(channels).astype(np.float32), requires_grad=True)
        running_mean, running_var = lib.zeros(channels), lib.ones(channels)
        g = lib.tensor(g_np)

        def forward():
            F.relu(F.batch_norm(x, running_mean, running_var, w, b, training=True))

        def forward_backward():
            x.grad = w.grad = b.grad = None
            F.relu(F.batch_norm(x, running_mean, running_var, w, b, training=True)).backward(g)

        return forward, forward_backward

    return case


def _batch_norm_add_relu_case(channels, size):
    """relu(batch_norm(x) + r): striate's fused op (what BasicBlock runs) against torch's three."""

    def case(lib, F, rng, batch):
        x_np = rng.standard_normal((batch, channels, size, size)).astype(np.float32)
        r_np = rng.standard_normal(x_np.shape).astype(np.float32)
        g_np = rng.standard_normal(x_np.shape).astype(np.float32)
        x = lib.tensor(x_np, requires_grad=True)
        r = lib.tensor(r_np, requires_grad=True)
        w = lib.tensor(rng.standard_normal(channels).astype(np.float32), requires_grad=True)
        b = lib.tensor(rng.standard_normal(channels).astype(np.float32), requires_grad=True)
        running_mean, running_var = lib.zeros(channels), lib.ones(channels)
        g = lib.tensor(g_np)
        if lib.__name__ == "striate":
            fused = lib._C._functional._batch_norm_add_relu

            def run():
                return fused(x, r, running_mean, running_var, w, b, True)
        else:

            def run():
                return F.relu(F.batch_norm(x, running_mean, running_var, w, b, training=True) + r)

        def forward_backward():
            x.grad = r.grad = w.grad = b.grad = None
            run().backward(g)

        return run, forward_backward

    return case


def _max_pool_inference_case(channels, size):
    """Max pooling 2x2 stride 2 of an input without autograd (no indices kept)."""

    def case(lib, F, rng, batch):
        x = lib.tensor(rng.standard_normal((batch, channels, size, size)).astype(np.float32))

        def forward():
            F.max_pool2d(x, 2, 2)

        return forward, None

    return case


def _max_pool_case(kernel, stride, padding):
    def case(lib, F, rng, batch):
        x_np = rng.standard_normal((batch, 16, 32, 32)).astype(np.float32)
        x = lib.tensor(x_np, requires_grad=True)
        out = (32 + 2 * padding - kernel) // stride + 1
        g = lib.tensor(rng.standard_normal((batch, 16, out, out)).astype(np.float32))

        def forward():
            F.max_pool2d(x, kernel, stride, padding)

        def forward_backward():
            x.grad = None
            F.max_pool2d(x, kernel, stride, padding).backward(g)

        return forward, forward_backward

    return case


def case_global_avg_pool(lib, F, rng, batch):
    x = lib.tensor(rng.standard_normal((batch, 64, 8, 8)).astype(np.float32), requires_grad=True)
    g = lib.tensor(rng.standard_normal((batch, 64, 1, 1)).astype(np.float32))

    def forward():
        F.adaptive_avg_pool2d(x, 1)

    def forward_backward():
        x.grad = None
        F.adaptive_avg_pool2d(x, 1).backward(g)

    return forward, forward_backward


def _cross_entropy_case(classes):
    def case(lib, F, rng, batch):
        logits_np = rng.standard_normal((batch, classes)).astype(np.float32) * 3
        logits = lib.tensor(logits_np, requires_grad=True)
        target = lib.tensor(rng.integers(0, classes, batch).astype(np.int64))

        def forward():
            F.cross_entropy(logits, target)

        def forward_backward():
            logits.grad = None
            F.cross_entropy(logits, target).backward()

        return forward, forward_backward

    return case


def case_residual_add(lib, F, rng, batch):
    a = lib.tensor(rng.standard_normal((batch, 16, 32, 32)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal((batch, 16, 32, 32)).astype(np.float32), requires_grad=True)
    g = lib.tensor(rng.standard_normal((batch, 16, 32, 32)).astype(np.float32))

    def forward():
        lib.add(a, b)

    def forward_backward():
        a.grad = b.grad = None
        lib.add(a, b).backward(g)

    return forward, forward_backward


def _resnet20_shapes():
    import striate

    return [tuple(p.shape) for p in striate.models.resnet20(num_classes=10).parameters()]


def _optimizer_case(kind):
    def case(lib, F, rng, batch):
        params = []
        for shape in _resnet20_shapes():
            p = lib.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
            p.grad = lib.tensor(rng.standard_normal(shape).astype(np.float32) * 0.01)
            params.append(p)
        if kind == "sgd":
            opt = lib.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4)
        else:
            opt = lib.optim.Adam(params, lr=1e-3, weight_decay=1e-4)

        def step():
            opt.step()

        return step, None

    return case


CASES = [
    ("relu 128x16x32x32", case_relu),
    ("batch_norm train 128x16x32x32", _batch_norm_case(16, 32)),
    ("batch_norm train 128x32x16x16", _batch_norm_case(32, 16)),
    ("batch_norm train 128x64x8x8", _batch_norm_case(64, 8)),
    ("batch_norm+relu 128x16x32x32", _batch_norm_relu_case(16, 32)),
    ("batch_norm+add+relu 128x16x32x32", _batch_norm_add_relu_case(16, 32)),
    ("batch_norm+add+relu 128x64x8x8", _batch_norm_add_relu_case(64, 8)),
    ("max_pool 2x2 s2 128x16x32x32", _max_pool_case(2, 2, 0)),
    ("max_pool 2x2 s2 infer 128x6x28x28", _max_pool_inference_case(6, 28)),
    ("max_pool 2x2 s2 infer 128x16x10x10", _max_pool_inference_case(16, 10)),
    ("max_pool 3x3 s2 p1 128x16x32x32", _max_pool_case(3, 2, 1)),
    ("global avg_pool 128x64x8x8", case_global_avg_pool),
    ("cross_entropy 128x10", _cross_entropy_case(10)),
    ("cross_entropy 128x1000", _cross_entropy_case(1000)),
    ("residual add 128x16x32x32", case_residual_add),
    ("SGD momentum+wd step, ResNet-20", _optimizer_case("sgd")),
    ("Adam step, ResNet-20", _optimizer_case("adam")),
]


def time_interleaved(functions, repeats, clock=time.perf_counter, stat=statistics.median):
    """Seconds of each function (median or `stat` of its runs), run in alternation after one
    warm-up call each."""
    for fn in functions:
        fn()
    samples = [[] for _ in functions]
    for _ in range(repeats):
        for fn, bucket in zip(functions, samples):
            start = clock()
            fn()
            bucket.append(clock() - start)
    return [stat(bucket) for bucket in samples]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--only", default="", help="run only the cases whose name has this text")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--stat", choices=["median", "min"], default="median")
    args = parser.parse_args()
    (striate, SF), (torch, TF) = _libs()
    import striate.optim  # noqa: F401  (lib.optim below)

    striate.set_num_threads(args.threads)
    torch.set_num_threads(args.threads)
    print(
        f"non-conv kernels, batch {args.batch}, {args.threads} thread(s), striate CPU path "
        f"{striate._C._get_cpu_isa()}; {args.stat} ms ({args.clock} clock) of {args.repeats} "
        "interleaved runs"
    )
    print(f"{'case':34s} {'pass':8s} {'striate':>9s} {'torch':>9s} {'torch/striate':>14s}")
    for name, case in CASES:
        if args.only and args.only not in name:
            continue
        ours = case(striate, SF, np.random.default_rng(0), args.batch)
        ref = case(torch, TF, np.random.default_rng(0), args.batch)
        single = "fwd" if "infer" in name else "step"
        passes = [("fwd", 0), ("fwd+bwd", 1)] if ours[1] is not None else [(single, 0)]
        with torch.no_grad() if ours[1] is None else _null():
            for label, index in passes:
                clock = time.perf_counter if args.clock == "wall" else time.process_time
                stat = statistics.median if args.stat == "median" else min
                t_ours, t_ref = time_interleaved(
                    [ours[index], ref[index]], args.repeats, clock, stat
                )
                print(
                    f"{name:34s} {label:8s} {t_ours * 1e3:9.3f} {t_ref * 1e3:9.3f} "
                    f"{t_ref / t_ours:14.2f}"
                )


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main()
