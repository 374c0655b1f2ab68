"""parallel_for's thread pool (cpp/src/core/parallel.cpp): training steps give the same results at
1, 2 and 3 threads (odd batches and channel counts that do not divide by the thread count), the
same bits on a repeat at one thread count, PyTorch's within tolerance; the pool works under every
OMP_WAIT_POLICY, in a child forked after it ran, and from several Python threads at once; the
thread setting is one value for the process."""

import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
import torch

import striate as st
from striate import nn


@pytest.fixture
def restore_threads():
    previous = st.get_num_threads()
    yield
    st.set_num_threads(previous)


def _net(channels):
    st.manual_seed(3)
    return nn.Sequential(
        nn.Conv2d(3, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(channels, 2 * channels + 1, 5, padding=2), nn.BatchNorm2d(2 * channels + 1),
        nn.ReLU(), nn.Flatten(), nn.Linear((2 * channels + 1) * 6 * 6, 7))


def _train(threads, batch, channels, steps=3):
    """Weights and losses after ``steps`` SGD-with-momentum steps at ``threads`` threads."""
    st.set_num_threads(threads)
    model = _net(channels)
    gen = np.random.default_rng(batch)
    x = st.tensor(gen.standard_normal((batch, 3, 12, 12)).astype(np.float32))
    y = st.tensor(gen.integers(0, 7, batch))
    optimizer = st.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("batch,channels", [(7, 5), (2, 3), (33, 9)])
def test_training_agrees_across_thread_counts(restore_threads, batch, channels):
    losses1, weights1 = _train(1, batch, channels)
    for threads in (2, 3):
        losses, weights = _train(threads, batch, channels)
        np.testing.assert_allclose(losses, losses1, rtol=1e-5)
        for w, w1 in zip(weights, weights1):
            np.testing.assert_allclose(w, w1, rtol=1e-4, atol=1e-5)
        again_losses, again = _train(threads, batch, channels)  # deterministic at a thread count
        assert again_losses == losses
        assert all(np.array_equal(a, w) for a, w in zip(again, weights))


def test_training_matches_torch_at_two_threads(restore_threads):
    st.set_num_threads(2)
    model = _net(5)
    twin = torch.nn.Sequential(
        torch.nn.Conv2d(3, 5, 3, padding=1), torch.nn.BatchNorm2d(5), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(5, 11, 5, padding=2), torch.nn.BatchNorm2d(11), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(11 * 6 * 6, 7))
    twin.load_state_dict({k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()})
    gen = np.random.default_rng(0)
    images = gen.standard_normal((9, 3, 12, 12)).astype(np.float32)
    labels = gen.integers(0, 7, 9)
    ours = st.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    theirs = torch.optim.SGD(twin.parameters(), lr=0.05, momentum=0.9)
    for _ in range(3):
        ours.zero_grad()
        nn.functional.cross_entropy(model(st.tensor(images)), st.tensor(labels)).backward()
        ours.step()
        theirs.zero_grad()
        loss = torch.nn.functional.cross_entropy(twin(torch.tensor(images)), torch.tensor(labels))
        loss.backward()
        theirs.step()
    for (name, p), q in zip(model.named_parameters(), twin.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-3, atol=1e-4,
                                   err_msg=name)


def test_python_threads_share_the_pool(restore_threads):
    """Forwards from four Python threads at once (the GIL released in the kernels) equal the serial
    ones: a thread that finds the pool busy runs its loops itself."""
    st.set_num_threads(2)
    model = _net(6).eval()
    gen = np.random.default_rng(1)
    inputs = [st.tensor(gen.standard_normal((5 + i, 3, 12, 12)).astype(np.float32))
              for i in range(4)]
    with st.no_grad():
        expected = [model(x).numpy() for x in inputs]
    results = [[None] * 20 for _ in inputs]

    def run(i):
        with st.no_grad():
            for r in range(20):
                results[i][r] = model(inputs[i]).numpy()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(len(inputs))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for i, runs in enumerate(results):
        for out in runs:
            np.testing.assert_allclose(out, expected[i], rtol=1e-5, atol=1e-6)


def test_thread_setting_is_process_wide(restore_threads):
    st.set_num_threads(3)
    seen = []
    worker = threading.Thread(target=lambda: seen.append(st.get_num_threads()))
    worker.start()
    worker.join()
    assert seen == [3]


def test_thread_setting_is_checked(restore_threads):
    with pytest.raises(ValueError,
                       match="set_num_threads: expected a positive number of threads, got 0"):
        st.set_num_threads(0)
    with pytest.raises(ValueError,
                       match="set_num_threads: expected at most 4096 threads, got 5000"):
        st.set_num_threads(5000)


CHILD = textwrap.dedent("""
    import os, sys
    import numpy as np
    import striate as st
    st.set_num_threads(2)
    st.manual_seed(0)
    conv = st.nn.Conv2d(3, 7, 3)
    x = st.randn(9, 3, 20, 20)
    with st.no_grad():
        first = conv(x).numpy()
    if sys.argv[1] == "fork":
        pid = os.fork()
        if pid == 0:
            import signal
            signal.alarm(30)  # a hang fails the test instead of blocking it
            with st.no_grad():
                ok = np.array_equal(conv(x).numpy(), first)
            os._exit(0 if ok else 3)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    for _ in range(50):
        with st.no_grad():
            assert np.array_equal(conv(x).numpy(), first)
    print("ok")
""")


@pytest.mark.parametrize("case,environ", [
    ("fork", {}),
    ("plain", {"OMP_WAIT_POLICY": "PASSIVE"}),
    ("plain", {"OMP_WAIT_POLICY": "active"}),
    ("plain", {"OMP_NUM_THREADS": "1"}),
])
def test_pool_in_fresh_processes(case, environ):
    env = dict(os.environ, **environ)
    done = subprocess.run([sys.executable, "-c", CHILD, case], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
