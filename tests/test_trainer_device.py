"""Trainer(device=...) and `striate train --device`: the model moves once, every batch follows it,
metrics come back to the host, and checkpoints record the device generators (the CUDA Philox
state is kept without a GPU too, so its round trip is tested here; the GPU runs skip without
one)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import striate as st
from striate import data, nn, optim
from striate.train import Trainer
from striate.train.trainer import _to_device

has_gpu = st.cuda.is_available()
needs_gpu = pytest.mark.skipif(not has_gpu, reason="no CUDA device on this machine")
no_gpu = pytest.mark.skipif(has_gpu, reason="this checks the behaviour without a GPU")


def _problem(seed=0, n=96, features=6, classes=3):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, size=(classes, features)).astype(np.float32)
    labels = rng.integers(0, classes, size=n)
    points = centers[labels] + rng.normal(0, 1, size=(n, features)).astype(np.float32)
    return st.tensor(points), st.tensor(labels.astype(np.int64))


def _run(device, epochs=2, seed=0):
    x, y = _problem()
    loader = data.DataLoader(data.TensorDataset(x, y), batch_size=16, shuffle=True, seed=3)
    st.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Dropout(0.2), nn.Linear(12, 3))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)  # built before the move
    trainer = Trainer(model, optimizer, nn.CrossEntropyLoss(), progress="none", device=device)
    trainer.fit(loader, loader, epochs=epochs)
    return trainer


def test_device_cpu_trains_exactly_as_without_a_device():
    plain = _run(None)
    for device in ("cpu", st.device("cpu")):
        placed = _run(device)
        assert placed.device == st.device("cpu")
        assert [e["train_loss"] for e in placed.history] == \
            [e["train_loss"] for e in plain.history]
        assert [e["val_accuracy"] for e in placed.history] == \
            [e["val_accuracy"] for e in plain.history]


def test_to_device_moves_nested_batches_and_keeps_other_values():
    x = st.ones(2, 3)
    moved = _to_device({"a": (x, [x, 7]), "b": "label"}, st.device("cpu"))
    assert isinstance(moved["a"], tuple) and isinstance(moved["a"][1], list)
    assert moved["a"][1][1] == 7 and moved["b"] == "label"
    assert moved["a"][0].device == st.device("cpu")
    assert _to_device(x, None) is x


def test_bad_device_names_the_argument():
    with pytest.raises((ValueError, RuntimeError), match="(?i)device"):
        _run("tpu")


@no_gpu
def test_cuda_device_without_a_gpu_raises_before_training():
    with pytest.raises((RuntimeError, ValueError), match="(?i)cuda"):
        _run("cuda")


def test_cuda_rng_state_round_trips_in_torch_layout():
    # The layout is torch's: 16 bytes, the seed then the counter offset, little-endian.
    st.cuda.manual_seed(1234)
    state = st.cuda.get_rng_state(0)
    assert state.dtype == st.uint8 and tuple(state.shape) == (16,)
    seed, offset = state.numpy().view("<u8")
    assert (int(seed), int(offset)) == (1234, 0)
    moved = np.array([99, 4096], dtype="<u8").view(np.uint8)
    st.cuda.set_rng_state(st.tensor(moved), 0)
    np.testing.assert_array_equal(st.cuda.get_rng_state(0).numpy(), moved)
    st.cuda.set_rng_state(state, 0)
    np.testing.assert_array_equal(st.cuda.get_rng_state(0).numpy(), state.numpy())
    with pytest.raises(ValueError, match="set_rng_state: expected a uint8 tensor of 16 bytes"):
        st.cuda.set_rng_state(st.zeros(4), 0)
    st.manual_seed(0)


def test_cpu_checkpoint_records_no_cuda_state(tmp_path):
    trainer = _run("cpu", epochs=1)
    assert trainer.state_dict()["rng"]["cuda"] is None
    trainer.save_checkpoint(tmp_path / "c.pt")
    resumed = _run("cpu", epochs=0)
    resumed.load_checkpoint(tmp_path / "c.pt")
    assert resumed.epoch == 1


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "striate", *args], capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


@pytest.mark.parametrize("device, message", [("tpu", "--device"), ("cuda:x", "--device")])
def test_cli_refuses_a_bad_device_in_one_line(tmp_path, device, message):
    proc = _cli("train", "--epochs", "0", "--out", str(tmp_path / "run"), "--device", device)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


@no_gpu
def test_cli_cuda_without_a_gpu_says_why(tmp_path):
    proc = _cli("train", "--epochs", "0", "--out", str(tmp_path / "run"), "--device", "cuda")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "CUDA is not available here" in proc.stderr and "Traceback" not in proc.stderr


@needs_gpu
def test_cuda_training_matches_the_cpu():
    cpu = _run("cpu")
    gpu = _run("cuda")
    assert all(p.device.type == "cuda" for p in gpu.model.parameters())
    # Dropout draws differ between the devices' generators: compare without it.
    for a, b in zip(cpu.history, gpu.history):
        assert abs(a["train_loss"] - b["train_loss"]) < 0.5  # both learn the same problem
    assert gpu.history[-1]["val_accuracy"] > 0.8


@needs_gpu
def test_cuda_checkpoint_resumes_exactly(tmp_path):
    full = _run("cuda", epochs=3)
    first = _run("cuda", epochs=1)
    first.save_checkpoint(tmp_path / "c.pt")
    assert first.state_dict()["rng"]["cuda"]
    second = _run("cuda", epochs=0, seed=5)
    x, y = _problem()
    loader = data.DataLoader(data.TensorDataset(x, y), batch_size=16, shuffle=True, seed=3)
    second.load_checkpoint(tmp_path / "c.pt", train_loader=loader)
    second.fit(loader, loader, epochs=3)
    assert [e["train_loss"] for e in second.history] == [e["train_loss"] for e in full.history]
