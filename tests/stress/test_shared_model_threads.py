"""Eight threads share one model: each runs forwards on its own inputs, concurrently (the GIL is
released inside the kernels), and every output must equal, bit for bit, the output of the same
input run serially. A data race on shared state (parameters, cached packed weights, the scratch
allocator, the op registry) would show as a differing output or a crash; run under ASan by
tests/fuzz/run_sanitized as well."""

import threading

import numpy as np
import striate as st

THREADS = 8
ROUNDS = 6


def test_eight_threads_sharing_one_model_match_a_serial_run():
    st.manual_seed(0)
    model = st.models.lenet5()
    model.eval()
    inputs = [[st.randn(3, 1, 28, 28) for _ in range(ROUNDS)] for _ in range(THREADS)]
    with st.no_grad():
        expected = [[model(x).numpy().copy() for x in row] for row in inputs]

    results = [[None] * ROUNDS for _ in range(THREADS)]
    errors = []
    start = threading.Barrier(THREADS)

    def work(t):
        try:
            start.wait()
            with st.no_grad():
                for r, x in enumerate(inputs[t]):
                    results[t][r] = model(x).numpy().copy()
        except BaseException as error:  # reported below with the thread's number
            errors.append((t, repr(error)))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for t in range(THREADS):
        for r in range(ROUNDS):
            assert np.array_equal(results[t][r], expected[t][r]), f"thread {t}, round {r}"


def training(seed):
    """A LeNet-5 built now (manual_seed is global: models are built serially), trained on call."""
    st.manual_seed(seed)
    model = st.models.lenet5()
    gen = np.random.default_rng(seed)
    x = st.tensor(gen.standard_normal((4, 1, 28, 28)).astype(np.float32))
    y = st.tensor(gen.integers(0, 10, 4))

    def run():
        optimizer = st.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        losses = []
        for _ in range(5):
            loss = st.nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses

    return run


def test_eight_threads_training_their_own_models_match_a_serial_run():
    """Autograd and the optimizer from eight threads at once (one model each): the same losses as
    the serial run of the same eight trainings."""
    serial = [training(seed)() for seed in range(THREADS)]
    prepared = [training(seed) for seed in range(THREADS)]
    results = [None] * THREADS
    errors = []

    def work(t):
        try:
            results[t] = prepared[t]()
        except BaseException as error:  # reported below with the thread's number
            errors.append((t, repr(error)))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert results == serial
