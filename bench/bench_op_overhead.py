"""Per-op framework overhead, striate vs PyTorch in the same run: microseconds per call of tiny
ops, where the dispatch (device check, op registry, kernel object) and the Python binding
dominate the arithmetic.

    python bench/bench_op_overhead.py --calls 20000
Prints one line per op: microseconds per call for each library and the ratio PyTorch/striate
(higher is better for striate; 1.0 = as fast as PyTorch).
"""

import argparse
import time


def per_call_us(fn, calls):
    fn()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()

    import striate as st
    import torch

    torch.set_num_threads(1)
    xs, xt = st.ones(8), torch.ones(8)
    ims, imt = st.ones(1, 3, 8, 8), torch.ones(1, 3, 8, 8)
    ws, wt = st.ones(4, 3, 3, 3), torch.ones(4, 3, 3, 3)
    cases = [
        ("add (8,)", lambda: xs + xs, lambda: xt + xt),
        ("relu (8,)", lambda: st.nn.functional.relu(xs), lambda: torch.relu(xt)),
        ("sum (8,)", lambda: xs.sum(), lambda: xt.sum()),
        ("conv2d (1,3,8,8)x(4,3,3,3)", lambda: st.nn.functional.conv2d(ims, ws),
         lambda: torch.nn.functional.conv2d(imt, wt)),
    ]
    for name, st_fn, torch_fn in cases:
        ours, theirs = per_call_us(st_fn, args.calls), per_call_us(torch_fn, args.calls)
        print(f"{name:28s} striate {ours:7.2f} us  torch {theirs:7.2f} us  "
              f"torch/striate {theirs / ours:5.2f}")


if __name__ == "__main__":
    main()
