"""How much work a square SGEMM costs on 2 threads against 1, when wall time cannot be trusted
(a loaded machine): process CPU time per call of striate.matmul at 1 and 2 threads, interleaved,
and the wall times beside it. A work ratio (1-thread CPU / 2-thread CPU) near 1 means the split
duplicates little and the threads seldom wait; the wall-time speed-up needs two free cores.

    STRIATE_DEV_BUILD=build/cpu PYTHONPATH=python python3 bench/gemm_thread_work.py
"""

import statistics
import time

import numpy as np
import striate as st


def main():
    rng = np.random.default_rng(0)
    for n in [1024, 2048]:
        a = st.tensor(rng.standard_normal((n, n)).astype(np.float32))
        b = st.tensor(rng.standard_normal((n, n)).astype(np.float32))
        samples = {1: [], 2: []}
        for i in range(6):
            for threads in [1, 2] if i % 2 == 0 else [2, 1]:
                st.set_num_threads(threads)
                st.matmul(a, b)
                time.sleep(0.03)
                reps = 3 if n == 1024 else 1
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(reps):
                    st.matmul(a, b)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                samples[threads].append((cpu / reps, wall / reps))
        cpu1, cpu2 = (statistics.median(s[0] for s in samples[t]) for t in (1, 2))
        wall1, wall2 = (statistics.median(s[1] for s in samples[t]) for t in (1, 2))
        print(
            f"n={n}: CPU ms/call 1 thread {cpu1 * 1e3:.1f}, 2 threads {cpu2 * 1e3:.1f} "
            f"(work ratio {cpu1 / cpu2:.2f}); wall 1 thread {wall1 * 1e3:.1f}, "
            f"2 threads {wall2 * 1e3:.1f} (speed-up {wall1 / wall2:.2f}x)"
        )


if __name__ == "__main__":
    main()
