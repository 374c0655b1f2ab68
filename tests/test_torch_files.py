"""PyTorch's own files (torch.save, .pt/.pth) load through striate.load without PyTorch's code:
both of torch's layouts (zip archive, legacy stream), every storage dtype, views, parameters and
plain containers; files that name code, or whose sizes do not fit their bytes, are refused."""

import collections
import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import striate as st

torch = pytest.importorskip("torch")


def assert_same(s, t):
    expected = (
        t.detach().float().numpy()
        if t.dtype in (torch.float16, torch.bfloat16)
        else (t.detach().numpy())
    )
    got = s.detach().numpy()
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected.astype(got.dtype))


def sample_state():
    g = torch.Generator().manual_seed(0)
    base = torch.randn(4, 4, generator=g)
    return collections.OrderedDict(
        weight=torch.randn(3, 5, generator=g),
        double=torch.randn(2, 2, generator=g, dtype=torch.float64),
        half=torch.randn(6, generator=g).half(),
        bf16=torch.randn(6, generator=g).bfloat16(),
        long=torch.arange(-3, 5),
        int32=torch.arange(7, dtype=torch.int32) - 3,
        int16=torch.arange(5, dtype=torch.int16) * -2,
        int8=torch.tensor([-128, 0, 127], dtype=torch.int8),
        uint8=torch.tensor([0, 200, 255], dtype=torch.uint8),
        mask=torch.tensor([True, False, True]),
        transposed=base.t(),
        column=base[:, 1:3],
        row=base[2],
        scalar=torch.tensor(2.5),
        empty=torch.zeros(0, 3),
    )


@pytest.mark.parametrize("zip_layout", [True, False], ids=["zip", "legacy"])
def test_state_dict_of_every_dtype_and_view_loads(tmp_path, zip_layout):
    state = sample_state()
    path = tmp_path / "state.pt"
    torch.save(state, path, _use_new_zipfile_serialization=zip_layout)
    loaded = st.load(path)
    assert isinstance(loaded, collections.OrderedDict) and list(loaded) == list(state)
    for key, t in state.items():
        assert_same(loaded[key], t)
    assert loaded["half"].dtype == st.float32 and loaded["int32"].dtype == st.int64
    assert loaded["uint8"].dtype == st.uint8 and loaded["mask"].dtype == st.bool
    # views of one storage come back as independent tensors
    loaded["row"].numpy()[...] = 0
    assert loaded["column"].numpy()[2, 0] != 0 or state["column"][2, 0] == 0


@pytest.mark.parametrize("zip_layout", [True, False], ids=["zip", "legacy"])
def test_checkpoint_with_plain_values_and_parameters(tmp_path, zip_layout):
    layer = torch.nn.Linear(3, 2)
    checkpoint = {
        "epoch": 7,
        "name": "run",
        "losses": [1.5, 0.25],
        "pair": (1, "a"),
        "size": torch.Size([2, 3]),
        "dtype": torch.float32,
        "device": torch.device("cpu"),
        "blob": b"\x00\xffraw",
        "tags": {"a", "b"},
        "param": torch.nn.Parameter(torch.ones(2)),
        "frozen": torch.nn.Parameter(torch.ones(2), requires_grad=False),
        "model": layer.state_dict(),
        "grad": torch.ones(2, requires_grad=True),
    }
    path = tmp_path / "checkpoint.pth"
    torch.save(checkpoint, path, _use_new_zipfile_serialization=zip_layout)
    got = st.load(path, weights_only=True)
    assert got["epoch"] == 7 and got["name"] == "run" and got["losses"] == [1.5, 0.25]
    assert got["pair"] == (1, "a") and got["blob"] == b"\x00\xffraw" and got["tags"] == {"a", "b"}
    assert isinstance(got["size"], st.Size) and tuple(got["size"]) == (2, 3)
    assert got["dtype"] == st.float32 and str(got["device"]) == "cpu"
    assert isinstance(got["param"], st.nn.Parameter) and got["param"].requires_grad
    assert isinstance(got["frozen"], st.nn.Parameter) and not got["frozen"].requires_grad
    assert got["grad"].requires_grad
    model = st.nn.Linear(3, 2)
    model.load_state_dict(got["model"])
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(
        model(st.tensor(x)).detach().numpy(),
        layer(torch.tensor(x)).detach().numpy(),
        rtol=1e-5,
        atol=1e-6,
    )


def test_file_objects_and_bytes_streams(tmp_path):
    buffer = io.BytesIO()
    torch.save({"w": torch.arange(4.0)}, buffer)
    buffer.seek(0)
    assert_same(st.load(buffer)["w"], torch.arange(4.0))


def test_a_zoo_model_loads_pytorch_weights_saved_by_torch(tmp_path):
    """The torchvision flow: torch.save(state_dict) -> striate.load -> from_torchvision."""
    from striate.models import from_torchvision, resnet18

    source = resnet18(num_classes=10)
    source.eval()
    state = collections.OrderedDict(
        (k, torch.from_numpy(v.detach().numpy().copy())) for k, v in source.state_dict().items()
    )
    path = tmp_path / "resnet18.pth"
    torch.save(state, path)
    model = from_torchvision("resnet18", st.load(path))
    x = st.tensor(np.random.default_rng(1).standard_normal((2, 3, 32, 32)).astype(np.float32))
    with st.no_grad():
        np.testing.assert_allclose(model(x).numpy(), source(x).numpy(), rtol=1e-5, atol=1e-6)


def test_a_pickled_module_is_refused_without_running_anything(tmp_path):
    path = tmp_path / "model.pt"
    torch.save(torch.nn.Linear(2, 2), path)
    with pytest.raises(
        pickle.UnpicklingError,
        match=r"torch\.nn\.modules\.linear\.Linear.*"
        r"weights-only",
    ):
        st.load(path)


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch BOOM_MARKER",))


def _zip_with_pickle(path, payload, extra=None):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", payload)
        archive.writestr("archive/byteorder", "little")
        for name, data in (extra or {}).items():
            archive.writestr(f"archive/{name}", data)


def test_a_file_naming_code_never_runs_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pt"
    _zip_with_pickle(path, pickle.dumps({"x": _Boom()}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="posix.system|os.system"):
        st.load(path, weights_only=False)
    assert not (tmp_path / "BOOM_MARKER").exists()


class _FakeStorage:
    def __init__(self, key, numel, location="cpu"):
        self.key, self.numel, self.location = key, numel, location


class _FakeTensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())


class _Writer(pickle.Pickler):
    """Writes torch's pickle by hand, so a test controls every size and stride."""

    def persistent_id(self, obj):
        if isinstance(obj, _FakeStorage):
            return ("storage", torch.FloatStorage, obj.key, obj.location, obj.numel)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, _FakeTensor):
            return (torch._utils._rebuild_tensor_v2, obj.args)
        return NotImplemented


def _handmade(path, tensor, data, byteorder="little"):
    buffer = io.BytesIO()
    _Writer(buffer, protocol=2).dump({"t": tensor})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        archive.writestr("archive/byteorder", byteorder)
        archive.writestr("archive/data/0", data)


def test_handmade_file_reads_as_torch_would(tmp_path):
    path = tmp_path / "ok.pt"
    values = np.arange(12, dtype="<f4")
    _handmade(path, _FakeTensor(_FakeStorage("0", 12), 1, (2, 3), (4, 1)), values.tobytes())
    np.testing.assert_array_equal(st.load(path)["t"].numpy(), [[1, 2, 3], [5, 6, 7]])
    big = tmp_path / "big.pt"
    _handmade(
        big,
        _FakeTensor(_FakeStorage("0", 12), 0, (12,), (1,)),
        values.astype(">f4").tobytes(),
        byteorder="big",
    )
    np.testing.assert_array_equal(st.load(big)["t"].numpy(), values)


@pytest.mark.parametrize(
    "storage_numel, data_elements, offset, size, stride, match",
    [
        (12, 11, 0, (12,), (1,), r"should hold 48 bytes .* holds 44"),
        (12, 12, 0, (4, 4), (4, 1), r"reaches element 15 of storage '0', which holds 12"),
        (12, 12, 11, (2,), (1,), r"reaches element 12"),
        (12, 12, 0, (2, -1), (1, 1), r"negative size or stride"),
        (12, 12, -1, (2,), (1,), r"storage offset -1"),
        (12, 12, 0, (2, 3), (1,), r"has size \(2, 3\) but stride \(1,\)"),
        (-5, 12, 0, (2,), (1,), r"invalid element count -5"),
        (2**62, 12, 0, (2,), (1,), r"should hold \d+ bytes"),
    ],
)
def test_sizes_that_do_not_fit_the_file_are_refused(
    tmp_path, storage_numel, data_elements, offset, size, stride, match
):
    path = tmp_path / "bad.pt"
    _handmade(
        path,
        _FakeTensor(_FakeStorage("0", storage_numel), offset, size, stride),
        np.zeros(data_elements, dtype="<f4").tobytes(),
    )
    with pytest.raises(ValueError, match=f"striate.load: .*bad.pt: .*{match}"):
        st.load(path)


def test_a_tensor_saved_on_a_gpu_needs_map_location_without_one(tmp_path):
    path = tmp_path / "gpu.pt"
    _handmade(
        path,
        _FakeTensor(_FakeStorage("0", 3, "cuda:0"), 0, (3,), (1,)),
        np.ones(3, dtype="<f4").tobytes(),
    )
    if not st.cuda.is_available():
        with pytest.raises(RuntimeError, match="map_location"):
            st.load(path)
    np.testing.assert_array_equal(st.load(path, map_location="cpu")["t"].numpy(), [1, 1, 1])


def test_damaged_archives_are_refused(tmp_path):
    missing = tmp_path / "missing.pt"
    buffer = io.BytesIO()
    _Writer(buffer, protocol=2).dump({"t": _FakeTensor(_FakeStorage("7", 3), 0, (3,), (1,))})
    _zip_with_pickle(missing, buffer.getvalue())
    with pytest.raises(ValueError, match=r"storage '7' is named but its data/7 entry is missing"):
        st.load(missing)
    torn = tmp_path / "torn.pt"
    torch.save({"w": torch.ones(3)}, torn)
    torn.write_bytes(torn.read_bytes()[:200])
    with pytest.raises((ValueError, OSError), match="torn.pt"):
        st.load(torn)
    legacy = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(300)}, legacy, _use_new_zipfile_serialization=False)
    legacy.write_bytes(legacy.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"legacy.pt: storage '.*' is truncated"):
        st.load(legacy)


@pytest.mark.parametrize("zip_layout", [True, False], ids=["zip", "legacy"])
def test_corrupted_bytes_raise_typed_errors_only(tmp_path, zip_layout):
    """Any flipped byte gives a loaded object or OSError / ValueError / UnpicklingError: never
    another exception, a crash or a hang."""
    path = tmp_path / "state.pt"
    torch.save(sample_state(), path, _use_new_zipfile_serialization=zip_layout)
    original = path.read_bytes()
    rng = np.random.default_rng(7)
    outcomes = collections.Counter()
    for trial in range(150):
        data = bytearray(original)
        for position in rng.integers(0, len(data), size=1 + trial % 3):
            data[position] = int(rng.integers(0, 256))
        damaged = tmp_path / f"damaged{trial}.pt"
        damaged.write_bytes(bytes(data))
        try:
            st.load(damaged)
            outcomes["loaded"] += 1
        except (OSError, ValueError, pickle.UnpicklingError) as error:
            assert "striate.load" in str(error) or isinstance(error, pickle.UnpicklingError)
            outcomes[type(error).__name__] += 1
    assert sum(outcomes.values()) == 150 and len(outcomes) >= 2, outcomes


def test_a_huge_memo_index_is_refused_before_unpickling(tmp_path):
    """One damaged LONG_BINPUT would make the C unpickler size its memo to 2**28 entries."""
    path = tmp_path / "memo.pt"
    _zip_with_pickle(path, b"\x80\x02]r\xf0\xff\xff\x0f.")
    with pytest.raises(ValueError, match=r"memo.pt: .*memo index 268435440 at opcode 2"):
        st.load(path)


@pytest.mark.parametrize("encoding", ["latin1", "latpn1", "utf-16"])
def test_codecs_encode_is_admitted_for_latin1_only(tmp_path, encoding):
    """Pickle protocol 2 stores bytes as _codecs.encode(text, "latin1"); any other codec is
    refused as code (an unknown one raised LookupError before)."""
    text = "ab\xff".encode()
    payload = (b"\x80\x02c_codecs\nencode\nX" + len(text).to_bytes(4, "little") + text + b"X"
               + len(encoding).to_bytes(4, "little") + encoding.encode() + b"\x86R.")
    path = tmp_path / "bytes.pt"
    _zip_with_pickle(path, payload)
    if encoding == "latin1":
        assert st.load(path) == b"ab\xff"
        return
    with pytest.raises(pickle.UnpicklingError, match=r"striate.load: _codecs.encode is admitted"):
        st.load(path)
