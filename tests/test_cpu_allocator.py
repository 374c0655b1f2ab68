"""The caching CPU allocator (core/cpu_allocator.h) through striate.backends.cpu: a training loop
in steady state asks the OS for no memory, blocks are 64-byte aligned, the cache is trimmed on
request, at its limit and when the OS refuses an allocation, and the counters are consistent."""

import threading

import numpy as np
import pytest

import striate as st
from striate import nn
from striate.backends import cpu


def small_cnn():
    st.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(16, 10),
    )


def test_training_steady_state_makes_no_os_allocation():
    model = small_cnn()
    optimizer = st.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = st.tensor(rng.standard_normal((16, 1, 12, 12)).astype(np.float32))
    y = st.tensor(rng.integers(0, 10, 16))
    counts = {}
    for step in range(21):
        if step in (10, 20):
            counts[step] = cpu.memory_stats()
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()
    first, last = counts[10], counts[20]
    steps_requests = last["requests"] - first["requests"]
    assert steps_requests > 10 * 20, "the training step's tensors must come from the allocator"
    assert last["os_allocations"] == first["os_allocations"], (first, last)
    assert last["cache_hits"] - first["cache_hits"] == steps_requests


def test_blocks_are_64_byte_aligned():
    for n in (1, 3, 15, 16, 17, 1000, 4097, 100_000):
        t = st.empty(n)
        assert t.data_ptr() % 64 == 0, n


def test_counters_and_empty_cache():
    st.empty(12345)  # freed at once: a block of its class now sits in the cache
    stats = cpu.memory_stats()
    assert set(stats) == {
        "allocated_bytes", "cached_bytes", "peak_allocated_bytes", "requests", "cache_hits",
        "os_allocations", "os_frees", "cache_limit",
    }
    assert stats["cached_bytes"] > 0
    assert stats["requests"] == stats["cache_hits"] + stats["os_allocations"]
    kept = st.ones(1000)
    allocated = cpu.memory_allocated()
    assert allocated >= 4000
    freed = cpu.empty_cache()
    assert freed == stats["cached_bytes"] or freed > 0
    after = cpu.memory_stats()
    assert after["cached_bytes"] == 0
    assert after["os_frees"] > stats["os_frees"]
    assert after["allocated_bytes"] == allocated  # live tensors untouched
    assert kept.sum().item() == 1000


def test_peak_memory_stats():
    cpu.reset_peak_memory_stats()
    base = cpu.max_memory_allocated()
    assert base == cpu.memory_allocated()
    big = st.zeros(1 << 20)
    assert cpu.max_memory_allocated() >= base + 4 * (1 << 20)
    del big
    assert cpu.max_memory_allocated() >= base + 4 * (1 << 20)
    cpu.reset_peak_memory_stats()
    assert cpu.max_memory_allocated() == cpu.memory_allocated()


def test_reuse_of_a_freed_block():
    cpu.empty_cache()
    a = st.empty(5000)
    address = a.data_ptr()
    del a
    before = cpu.memory_stats()
    b = st.empty(4990)  # same size class (5000 and 4990 bytes x 4 round alike)
    after = cpu.memory_stats()
    assert b.data_ptr() == address
    assert after["cache_hits"] == before["cache_hits"] + 1
    assert after["os_allocations"] == before["os_allocations"]


def test_cache_limit_trims_and_bounds_the_cache():
    previous = cpu.memory_stats()["cache_limit"]
    try:
        blocks = [st.empty(1 << 16) for _ in range(8)]
        del blocks
        assert cpu.memory_stats()["cached_bytes"] >= 8 * 4 * (1 << 16)
        cpu.set_cache_limit(4 * (1 << 16))
        assert cpu.memory_stats()["cached_bytes"] <= 4 * (1 << 16)
        cpu.set_cache_limit(0)
        assert cpu.memory_stats()["cached_bytes"] == 0
        st.empty(1000)
        assert cpu.memory_stats()["cached_bytes"] == 0  # freed straight back to the OS
    finally:
        cpu.set_cache_limit(previous)
    assert cpu.memory_stats()["cache_limit"] == previous


def test_set_cache_limit_bad_inputs():
    with pytest.raises(TypeError, match="set_cache_limit: expected nbytes to be an int, got float"):
        cpu.set_cache_limit(1.5)
    with pytest.raises(ValueError, match=r"set_cache_limit: expected nbytes >= 0, got -1"):
        cpu.set_cache_limit(-1)


def test_out_of_memory_trims_the_cache_and_raises_memory_error():
    st.empty(77777)
    assert cpu.memory_stats()["cached_bytes"] > 0
    with pytest.raises(MemoryError, match="out of memory"):
        st.empty(1 << 46)  # 256 TiB of float32
    assert cpu.memory_stats()["cached_bytes"] == 0
    assert st.ones(4).sum().item() == 4  # still usable


def test_threads_share_the_allocator_safely():
    errors = []
    baseline = cpu.memory_allocated()

    def work(seed):
        try:
            rng = np.random.default_rng(seed)
            for _ in range(200):
                n = int(rng.integers(1, 20000))
                t = st.full((n,), float(seed))
                u = t * 2.0
                if u.sum().item() != 2.0 * seed * n:
                    errors.append((seed, n))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert cpu.memory_allocated() == baseline


def test_backward_frees_saved_activations_while_the_loss_lives():
    model = small_cnn()
    optimizer = st.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(1)
    x = st.tensor(rng.standard_normal((32, 1, 12, 12)).astype(np.float32))
    y = st.tensor(rng.integers(0, 10, 32))
    nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()  # gradients and momentum buffers exist from here on
    base = cpu.memory_allocated()
    loss = nn.functional.cross_entropy(model(x), y)
    activations = cpu.memory_allocated() - base
    assert activations > 32 * 8 * 12 * 12 * 4  # at least one conv output is held for backward
    loss.backward()
    # `loss` (and its graph) is still referenced, but every saved tensor has been released.
    assert cpu.memory_allocated() - base < 0.05 * activations
    assert loss.item() > 0


def test_cache_at_its_limit_evicts_the_least_recently_used_sizes():
    # A cache full of another workload's sizes: the new sizes replace them after one round instead
    # of going back to the OS (and faulting again) on every release.
    previous = cpu.memory_stats()["cache_limit"]
    try:
        cpu.empty_cache()
        cpu.set_cache_limit(6 * (1 << 18))
        old = [st.empty(1 << 16) for _ in range(6)]  # 6 blocks of 256 KiB: the cache is full
        del old
        assert cpu.memory_stats()["cached_bytes"] == 6 * (1 << 18)
        before = cpu.memory_stats()
        for _ in range(5):
            new = [st.empty(3 << 15) for _ in range(3)]  # 384 KiB each: another size class
            del new
        after = cpu.memory_stats()
        assert after["os_allocations"] - before["os_allocations"] == 3  # the first round only
        assert after["cached_bytes"] <= 6 * (1 << 18)
        # A block larger than the whole limit still goes straight back to the OS.
        frees = cpu.memory_stats()["os_frees"]
        st.empty(1 << 20)
        assert cpu.memory_stats()["os_frees"] == frees + 1
    finally:
        cpu.set_cache_limit(previous)
