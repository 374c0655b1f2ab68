"""The fused residual tail (striate's batch_norm_add_relu) against the same build's three ops,
relu(batch_norm(x) + r), forward and forward + backward, in process CPU time at 1 thread (robust
to a shared machine's load): median of 9 calls after one warm-up call.

    python3 bench/bench_fusion_ab.py
"""

import time

import numpy as np
import striate as st
import striate.nn.functional as F


def median_ms(fn, repeats=9):
    fn()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return sorted(times)[repeats // 2] * 1e3


def main():
    st.set_num_threads(1)
    rng = np.random.default_rng(0)
    print("| shape | fused fwd | 3 ops fwd | fused fwd+bwd | 3 ops fwd+bwd |")
    print("|---|---:|---:|---:|---:|")
    for shape in [(128, 16, 32, 32), (128, 32, 16, 16), (128, 64, 8, 8)]:
        C = shape[1]

        def leaf(*size):
            return st.tensor(rng.standard_normal(size).astype(np.float32), requires_grad=True)

        x, r, w, b = leaf(*shape), leaf(*shape), leaf(C), leaf(C)
        g = st.tensor(rng.standard_normal(shape).astype(np.float32))
        running_mean, running_var = st.zeros(C), st.ones(C)

        def fused():
            return st._C._functional._batch_norm_add_relu(
                x, r, running_mean, running_var, w, b, True)

        def apart():
            return F.relu(F.batch_norm(x, running_mean, running_var, w, b, training=True) + r)

        def with_backward(fn):
            def run():
                x.grad = r.grad = w.grad = b.grad = None
                fn().backward(g)

            return run

        cells = [median_ms(fn) for fn in (fused, apart, with_backward(fused),
                                         with_backward(apart))]
        print(f"| {' x '.join(map(str, shape))} | " + " | ".join(f"{c:.2f} ms" for c in cells)
              + " |")


if __name__ == "__main__":
    main()
