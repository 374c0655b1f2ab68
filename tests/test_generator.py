"""striate.Generator and generator= everywhere PyTorch takes one: creation functions, samplers,
random_split and the DataLoader (with worker_init_fn, get_worker_info, timeout,
persistent_workers and prefetch_factor as torch.utils.data has them); bad arguments."""

import threading
import time

import numpy as np
import pytest
import striate as st
from helpers import to_np
from striate import data


def test_a_generator_reproduces_its_draws_and_leaves_the_default_alone():
    st.manual_seed(7)
    expected_default = to_np(st.rand(5))
    st.manual_seed(7)
    g = st.Generator().manual_seed(123)
    first = [
        to_np(st.rand(3, generator=g)),
        to_np(st.randn(2, 2, generator=g)),
        to_np(st.randint(0, 10, (4,), generator=g)),
        to_np(st.randperm(6, generator=g)),
    ]
    np.testing.assert_array_equal(to_np(st.rand(5)), expected_default)  # untouched by g
    g.manual_seed(123)
    second = [
        to_np(st.rand(3, generator=g)),
        to_np(st.randn(2, 2, generator=g)),
        to_np(st.randint(0, 10, (4,), generator=g)),
        to_np(st.randperm(6, generator=g)),
    ]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert sorted(first[3].tolist()) == list(range(6)) and g.initial_seed() == 123


def test_generator_state_round_trip_seed_and_negative_seeds():
    g = st.Generator().manual_seed(1)
    st.rand(4, generator=g)
    state = g.get_state()
    assert state.dtype == st.uint8 and state.dim() == 1
    after = to_np(st.rand(4, generator=g))
    g.set_state(state)
    np.testing.assert_array_equal(to_np(st.rand(4, generator=g)), after)
    assert g.manual_seed(-1).initial_seed() == 2**64 - 1  # torch's wrap of negative seeds
    seed = g.seed()
    assert g.initial_seed() == seed
    st.default_generator.manual_seed(5)
    a = to_np(st.rand(3))
    st.manual_seed(5)
    np.testing.assert_array_equal(to_np(st.rand(3)), a)


def test_generator_bad_arguments():
    with pytest.raises(ValueError, match="Generator: only CPU generators exist"):
        st.Generator("cuda")
    with pytest.raises(TypeError, match="Generator.manual_seed: expected an int seed, got float"):
        st.Generator().manual_seed(1.5)
    with pytest.raises(ValueError, match=r"seed must be in \[-2\*\*63, 2\*\*64\)"):
        st.Generator().manual_seed(2**64)
    with pytest.raises(TypeError, match="rand: generator: expected a striate.Generator, got int"):
        st.rand(2, generator=3)
    with pytest.raises(TypeError, match="Generator.set_state: expected a uint8 tensor or bytes"):
        st.Generator().set_state("x")


def test_samplers_and_random_split_follow_their_generator():
    items = list(range(20))
    for make in (
        lambda g: data.RandomSampler(items, generator=g),
        lambda g: data.RandomSampler(items, replacement=True, generator=g),
        lambda g: data.SubsetRandomSampler(items[5:], generator=g),
        lambda g: data.WeightedRandomSampler(np.arange(1.0, 21.0), 10, generator=g),
        lambda g: data.WeightedRandomSampler(np.arange(1.0, 21.0), 10, False, g),
    ):
        runs = [list(make(st.Generator().manual_seed(3))) for _ in range(2)]
        assert runs[0] == runs[1]
        other = list(make(st.Generator().manual_seed(4)))
        assert other != runs[0]
    splits = [
        [
            list(s.indices)
            for s in data.random_split(items, [15, 5], generator=st.Generator().manual_seed(9))
        ]
        for _ in range(2)
    ]
    assert splits[0] == splits[1] and sorted(splits[0][0] + splits[0][1]) == items
    with pytest.raises(TypeError, match="RandomSampler: generator should be a striate.Generator"):
        data.RandomSampler(items, generator=0)


def _dataset(n=12):
    return data.TensorDataset(st.arange(n * 2).reshape(n, 2).to(st.float32), st.arange(n))


class Slow(data.Dataset):
    def __init__(self, delay):
        self.delay = delay

    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(self.delay)
        return st.ones(2), i


def test_dataloader_generator_fixes_the_order():
    orders = []
    for _ in range(2):
        loader = data.DataLoader(
            _dataset(), batch_size=4, shuffle=True, generator=st.Generator().manual_seed(11)
        )
        orders.append([to_np(labels).tolist() for _, labels in loader])
    assert orders[0] == orders[1] and sorted(sum(orders[0], [])) == list(range(12))
    with pytest.raises(ValueError, match="give either seed or generator"):
        data.DataLoader(_dataset(), seed=1, generator=st.Generator())
    with pytest.raises(TypeError, match="DataLoader: generator should be a striate.Generator"):
        data.DataLoader(_dataset(), generator=1)


@pytest.mark.parametrize("persistent", [False, True])
def test_worker_init_fn_and_get_worker_info_in_each_worker(persistent):
    seen, lock = [], threading.Lock()

    def init(worker_id):
        info = data.get_worker_info()
        with lock:
            seen.append((worker_id, info.id, info.num_workers, threading.current_thread().name))

    dataset = _dataset()
    loader = data.DataLoader(
        dataset, batch_size=3, num_workers=2, worker_init_fn=init, persistent_workers=persistent
    )
    plain = [to_np(x).tolist() for x, _ in data.DataLoader(dataset, batch_size=3)]
    for _ in range(2):  # two epochs
        assert [to_np(x).tolist() for x, _ in loader] == plain
    assert data.get_worker_info() is None  # the main thread
    assert all(
        wid == info_id and n == 2 and name.startswith("striate-data")
        for wid, info_id, n, name in seen
    )
    ids = [wid for wid, *_ in seen]
    # Persistent workers start once; otherwise each epoch starts its own pool (a pool may start
    # fewer than num_workers threads when its first ones are idle in time, so count worker 0).
    assert set(ids) <= {0, 1}
    assert ids.count(0) == (1 if persistent else 2)
    assert all(ids.count(i) <= ids.count(0) for i in set(ids))


def test_timeout_raises_instead_of_waiting_forever():
    loader = data.DataLoader(Slow(0.5), batch_size=1, num_workers=1, timeout=0.05)
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.05 seconds"):
        list(loader)
    assert len(list(data.DataLoader(Slow(0.0), batch_size=2, num_workers=1, timeout=30))) == 2


def test_dataloader_torch_arguments_are_checked_as_torch_does():
    ds = _dataset()
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified"):
        data.DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        data.DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError, match="timeout option should be non-negative"):
        data.DataLoader(ds, timeout=-1)
    with pytest.raises(TypeError, match="worker_init_fn should be callable"):
        data.DataLoader(ds, num_workers=1, worker_init_fn=3)
    with pytest.raises(ValueError, match="multiprocessing_context must be None"):
        data.DataLoader(ds, multiprocessing_context="spawn")
    with pytest.raises(ValueError, match="in_order must be True"):
        data.DataLoader(ds, in_order=False)
    # torch's positional order up to generator.
    loader = data.DataLoader(
        ds,
        4,
        False,
        None,
        None,
        0,
        None,
        False,
        False,
        0,
        None,
        None,
        st.Generator().manual_seed(0),
    )
    assert len(loader) == 3
