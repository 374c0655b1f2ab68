"""DataLoader workers: the same batches bit for bit for num_workers 0, 1 and 3 (C++ and Python
paths, with a random transform), early exit and deletion stop the workers, worker exceptions reach
the loop with their type and message, the prefetch bound, exact resume through state_dict, the
pin_memory warning, bad arguments, and a printed (not asserted) speed-up for a slow transform."""

import os
import threading
import time
import warnings

import numpy as np
import pytest
import striate as st
from striate import data
from striate.data import loader as loader_module


def noisy_images(n=23, size=6, std=0.3):
    images = st.arange(n * 3 * size * size).reshape(n, 3, size, size).to(st.float32) / 100.0
    return data.TensorDataset(images, st.arange(n), transform=data.GaussianNoise(std))


class PythonNoisy(data.Dataset):
    """A Python dataset whose examples go through a C++ random transform."""

    def __init__(self, n=23, fail_at=None):
        self.inner = noisy_images(n)
        self.noise = data.GaussianNoise(0.3)
        self.fail_at = fail_at
        self.calls = 0

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, index):
        self.calls += 1
        if index == self.fail_at:
            raise KeyError(f"example {index} is broken")
        return self.noise(self.inner.tensors[0][index]), int(index)


def epoch_arrays(loader):
    return [(x.numpy().copy(), y.numpy().copy()) for x, y in loader]


def assert_same_epochs(a, b):
    assert len(a) == len(b)
    for (xa, ya), (xb, yb) in zip(a, b):
        np.testing.assert_array_equal(ya, yb)
        np.testing.assert_array_equal(xa, xb)


def thread_count():
    return len(os.listdir("/proc/self/task"))


@pytest.mark.parametrize("make", [noisy_images, PythonNoisy], ids=["cpp", "python"])
def test_same_batches_for_any_number_of_workers(make):
    dataset = make()
    runs = {}
    for workers in (0, 1, 3):
        loader = data.DataLoader(dataset, batch_size=4, shuffle=True, seed=5, num_workers=workers)
        assert (loader._loader is not None) == (make is noisy_images)
        runs[workers] = [epoch_arrays(loader), epoch_arrays(loader)]
    for workers in (1, 3):
        for epoch in range(2):
            assert_same_epochs(runs[0][epoch], runs[workers][epoch])
    first, second = runs[0]
    assert not np.array_equal(first[0][0], second[0][0])  # a new order and new noise each epoch
    labels = np.concatenate([y for _, y in first])
    assert sorted(labels.tolist()) == list(range(23))


def test_cpp_and_python_paths_give_the_same_augmented_batches():
    dataset = noisy_images()
    cpp = data.DataLoader(dataset, batch_size=5, shuffle=True, seed=2, num_workers=2)
    python = data.DataLoader(dataset, batch_size=5, shuffle=True, seed=2, num_workers=2,
                             collate_fn=data.default_collate)
    assert cpp._loader is not None and python._loader is None
    assert_same_epochs(epoch_arrays(cpp), epoch_arrays(python))


@pytest.mark.parametrize("make", [noisy_images, PythonNoisy], ids=["cpp", "python"])
def test_breaking_out_or_deleting_stops_the_workers(make):
    dataset = make(200)
    list(data.DataLoader(dataset, batch_size=2, num_workers=3))  # warm up thread pools
    before = thread_count()
    for _ in range(3):
        loader = data.DataLoader(dataset, batch_size=2, num_workers=3, prefetch_factor=4)
        for i, _batch in enumerate(loader):
            if i == 2:
                break
    iterator = iter(data.DataLoader(dataset, batch_size=2, num_workers=3))
    next(iterator)
    del iterator
    loader = data.DataLoader(dataset, batch_size=2, num_workers=3)
    iterator = iter(loader)
    first = next(iterator)
    del loader  # the iterator keeps what it needs
    rest = list(iterator)
    assert len(rest) == 99 and tuple(first[0].shape) == (2, 3, 6, 6)
    del iterator, rest
    deadline = time.time() + 5
    while thread_count() > before and time.time() < deadline:
        time.sleep(0.01)
    assert thread_count() <= before


def test_worker_exception_reaches_the_loop_cpp():
    # GaussianNoise refuses uint8 images: raised on a C++ worker thread, rethrown in the loop
    images = st.zeros(10, 1, 2, 2).to(st.uint8)
    dataset = data.TensorDataset(images, st.arange(10), transform=data.GaussianNoise(0.1))
    for workers in (0, 2):
        loader = data.DataLoader(dataset, batch_size=3, num_workers=workers)
        with pytest.raises(TypeError, match="GaussianNoise: expected a floating-point image, "
                                            "got uint8"):
            list(loader)
        iterator = iter(loader)
        with pytest.raises(TypeError):
            next(iterator)
        with pytest.raises(StopIteration):  # the epoch ends at its first error
            next(iterator)


def test_worker_exception_reaches_the_loop_python():
    loader = data.DataLoader(PythonNoisy(fail_at=7), batch_size=3, num_workers=2)
    seen = []
    with pytest.raises(KeyError, match="example 7 is broken"):
        for _, labels in loader:
            seen.append(labels.numpy().tolist())
    assert seen == [[0, 1, 2], [3, 4, 5]]


def test_python_workers_stay_within_the_prefetch_bound():
    dataset = PythonNoisy(60)
    iterator = iter(data.DataLoader(dataset, batch_size=1, num_workers=2, prefetch_factor=2))
    next(iterator)
    time.sleep(0.3)
    assert dataset.calls <= 1 + 2 * 2
    iterator.close()


@pytest.mark.parametrize("make", [noisy_images, PythonNoisy], ids=["cpp", "python"])
def test_state_dict_resumes_the_same_epochs(make):
    dataset = make()
    run = data.DataLoader(dataset, batch_size=6, shuffle=True, seed=9, num_workers=1)
    epoch_arrays(run)
    state = run.state_dict()
    expected = [epoch_arrays(run), epoch_arrays(run)]
    resumed = data.DataLoader(dataset, batch_size=6, shuffle=True, seed=123, num_workers=2)
    resumed.load_state_dict(state)
    for epoch in expected:
        assert_same_epochs(epoch, epoch_arrays(resumed))
    with pytest.raises(ValueError, match="expected a dict from state_dict"):
        resumed.load_state_dict({"wrong": 1})
    with pytest.raises(ValueError, match="not one produced by get_state"):
        resumed.load_state_dict({"generator_state": "garbage"})


@pytest.mark.skipif(st.cuda.is_available(), reason="checks the no-GPU warning; test_cuda.py pins on a GPU")
def test_pin_memory_warns_once(monkeypatch):
    monkeypatch.setattr(loader_module, "_warned_pin_memory", False)
    with pytest.warns(UserWarning, match="pin_memory=True but .*: batches stay in ordinary memory"):
        loader = data.DataLoader(noisy_images(), batch_size=4, pin_memory=True)
    assert len(list(loader)) == 6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.DataLoader(noisy_images(), batch_size=4, pin_memory=True)  # once per process


def test_bad_worker_arguments():
    dataset = noisy_images()
    with pytest.raises(ValueError, match="num_workers should be a non-negative integer, got -1"):
        data.DataLoader(dataset, num_workers=-1)
    with pytest.raises(TypeError, match="num_workers should be an int, got float"):
        data.DataLoader(dataset, num_workers=1.5)
    with pytest.raises(ValueError, match="prefetch_factor should be a positive integer, got 0"):
        data.DataLoader(dataset, num_workers=2, prefetch_factor=0)
    with pytest.raises(ValueError, match="expected num_workers >= 0, got -2"):
        data._data.DataLoader(dataset, 1, False, False, None, -2, 2)
    with pytest.raises(ValueError, match="expected a positive batch_size, got 0"):
        data._data.DataLoader(dataset, 0, False, False, None, 0, 2)
    with pytest.raises(TypeError, match="collate_fn should be callable"):
        data.DataLoader(dataset, collate_fn=3)


def test_speed_up_with_workers_for_a_slow_transform():
    images = st.rand(256, 3, 32, 32)
    dataset = data.TensorDataset(images, st.arange(256), transform=data.GaussianNoise(0.1))
    timings = {}
    for workers in (0, 2):
        loader = data.DataLoader(dataset, batch_size=32, num_workers=workers)
        start = time.perf_counter()
        batches = sum(1 for _ in loader)
        timings[workers] = time.perf_counter() - start
        assert batches == 8
    print(f"\nGaussianNoise on 256 images 3x32x32: {timings[0] * 1e3:.1f} ms with 0 workers, "
          f"{timings[2] * 1e3:.1f} ms with 2 ({timings[0] / timings[2]:.2f}x, "
          f"{os.cpu_count()} cores, {threading.active_count()} Python threads)")
