"""striate.save / striate.load: round trips of checkpoints (safetensors body + JSON tree), old
pickle files refused, atomic replacement and clear errors for missing, foreign or damaged files.
Model files and the rest of the format: tests/test_io_model.py."""

import collections
import copy
import pickle

import numpy as np
import pytest

import striate as st
from striate import nn


def test_round_trip_of_nested_state(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    state = {
        "model": model.state_dict(),
        "epoch": 3,
        "lr": [0.1, 0.01],
        "name": "résnet",
        "rng": st.get_rng_state(),
        "tensors": (st.arange(5), st.tensor([True, False]), st.tensor(np.uint8([1, 255])),
                    st.randn(2, 3, dtype=st.float64), st.tensor(7), st.tensor(2.5)),
    }
    path = tmp_path / "a.pt"
    st.save(state, path)
    loaded = st.load(path)
    assert isinstance(loaded["model"], collections.OrderedDict)
    assert list(loaded["model"]) == list(state["model"])
    for name, value in state["model"].items():
        assert loaded["model"][name].shape == value.shape, name  # 0-d stays 0-d
        np.testing.assert_array_equal(loaded["model"][name].numpy(), value.numpy())
    # A saved state dict loads strictly into a fresh model (BatchNorm's 0-d num_batches_tracked).
    nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU()).load_state_dict(loaded["model"])
    for original, restored in zip(state["tensors"], loaded["tensors"]):
        assert restored.dtype == original.dtype and restored.shape == original.shape
        np.testing.assert_array_equal(restored.numpy(), original.numpy())
    assert loaded["epoch"] == 3 and loaded["lr"] == [0.1, 0.01] and loaded["name"] == "résnet"
    assert loaded["rng"] == state["rng"]


def test_requires_grad_and_non_contiguous_tensors():
    parameter = nn.Linear(3, 2).weight
    view = st.arange(12, dtype=st.float32).reshape(3, 4).t()
    restored = pickle.loads(pickle.dumps([parameter, view]))
    assert restored[0].requires_grad
    np.testing.assert_array_equal(restored[1].numpy(), view.numpy())
    clone = copy.deepcopy(view)
    np.testing.assert_array_equal(clone.numpy(), view.numpy())


def test_old_pickle_files_are_refused_without_unpickling(tmp_path):
    path = tmp_path / "evil.pt"

    class Payload:
        def __reduce__(self):
            return (print, ("owned",))

    with open(path, "wb") as f:
        f.write(b"STRIATE1")
        pickle.dump(Payload(), f)
    with pytest.raises(ValueError, match="old pickle-based format.*striate convert"):
        st.load(path)
    with pytest.raises(ValueError, match="old pickle-based format"):
        st.load(path, weights_only=False)  # no flag brings the unpickler back


def test_atomic_replacement_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "ckpt.pt"
    st.save({"epoch": 1}, path)
    with pytest.raises(TypeError, match="cannot save bad of type object"):
        st.save({"epoch": 2, "bad": object()}, path)
    assert st.load(path) == {"epoch": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]


def test_errors_for_missing_foreign_and_truncated_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        st.load(tmp_path / "missing.pt")
    foreign = tmp_path / "foreign.pt"
    foreign.write_bytes(b"PK\x03\x04 not ours")
    with pytest.raises(OSError, match="is not a file written by striate.save"):
        st.load(foreign)
    good = tmp_path / "good.pt"
    st.save({"w": st.randn(100)}, good)
    truncated = tmp_path / "truncated.pt"
    data = good.read_bytes()
    for size in range(len(data)):
        truncated.write_bytes(data[:size])
        with pytest.raises(OSError, match=f"{truncated}.*truncated or damaged"):
            st.load(truncated)


def test_file_objects_round_trip(tmp_path):
    import io

    buffer = io.BytesIO()
    st.save({"w": st.arange(3), "n": 2}, buffer)
    buffer.seek(0)
    loaded = st.load(buffer)
    assert loaded["n"] == 2 and loaded["w"].tolist() == [0, 1, 2]


def test_load_refuses_fifos_and_directories_without_blocking(tmp_path):
    import os
    import subprocess
    import sys

    fifo = tmp_path / "pipe.pt"
    os.mkfifo(fifo)
    # In a child with a timeout: a regression blocks on open() instead of failing this process.
    child = subprocess.run([sys.executable, "-c", "import sys, striate as st\n"
                            "try:\n    st.load(sys.argv[1])\n"
                            "except OSError as e:\n    print(e)\n", str(fifo)],
                           capture_output=True, text=True, timeout=120)
    assert "is not a regular file" in child.stdout, child.stdout + child.stderr
    with pytest.raises(OSError, match="is not a regular file"):
        st.load(tmp_path)


def test_saved_files_get_the_usual_permissions(tmp_path):
    # The temporary file behind the atomic write is private (mkstemp); the checkpoint must not be.
    import os
    import stat

    old = os.umask(0o022)
    try:
        st.save({"a": st.arange(3)}, tmp_path / "new.pt")
        assert stat.S_IMODE(os.stat(tmp_path / "new.pt").st_mode) == 0o644
        os.chmod(tmp_path / "new.pt", 0o640)
        st.save({"a": st.arange(4)}, tmp_path / "new.pt")  # replacing keeps the file's mode
        assert stat.S_IMODE(os.stat(tmp_path / "new.pt").st_mode) == 0o640
        os.umask(0o077)
        st.save({"a": st.arange(3)}, tmp_path / "private.pt")
        assert stat.S_IMODE(os.stat(tmp_path / "private.pt").st_mode) == 0o600
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_map_location_forms_and_bad_devices(tmp_path):
    path = tmp_path / "m.pt"
    st.save({"w": st.arange(4, dtype=st.float32), "n": st.tensor(3)}, path)
    for location in (None, "cpu", st.device("cpu"), {"cpu": "cpu"}, {"cuda": "cuda:0"}):
        loaded = st.load(path, map_location=location)
        assert str(loaded["w"].device) == "cpu" and loaded["n"].shape == ()
    seen = []

    def placer(tensor, saved):
        seen.append(saved)
        return tensor * 2 if tensor.is_floating_point() else None

    loaded = st.load(path, map_location=placer)
    assert seen == ["cpu", "cpu"]
    np.testing.assert_array_equal(loaded["w"].numpy(), [0, 2, 4, 6])
    assert loaded["n"].item() == 3  # None: the default placement
    with pytest.raises(TypeError, match="map_location should be a device, a string, a dict"):
        st.load(path, map_location=3)
    if not st.cuda.is_available():
        with pytest.raises(RuntimeError, match="saved on cpu and cannot be placed on cuda:0.*"
                                               "map_location='cpu'"):
            st.load(path, map_location="cuda:0")
