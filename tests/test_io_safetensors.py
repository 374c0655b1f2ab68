"""striate.io: the safetensors container. Round trips of every dtype and layout, interoperability
with the `safetensors` package both ways, a LeNet-5 state dict, every kind of malformed file (each a
clear OSError, checked in a subprocess under a memory limit so that a crash or a huge allocation
fails the test instead of the run), and a SIGKILL during a save."""

import json
import os
import random
import signal
import struct
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
import safetensors.numpy as safetensors_numpy
import safetensors.torch as safetensors_torch
import torch

import striate as st
from striate import nn

DTYPES = {
    "float32": (st.float32, np.float32),
    "float64": (st.float64, np.float64),
    "int64": (st.int64, np.int64),
    "uint8": (st.uint8, np.uint8),
    "bool": (st.bool, np.bool_),
}


def sample(dtype_name, shape, seed=0):
    rng = np.random.default_rng(seed)
    _, np_dtype = DTYPES[dtype_name]
    if dtype_name == "bool":
        return np.asarray(rng.random(shape) > 0.5)
    if dtype_name in ("int64", "uint8"):
        high = 255 if dtype_name == "uint8" else 2**40
        return rng.integers(0, high, size=shape).astype(np_dtype)
    return rng.standard_normal(shape).astype(np_dtype)


def as_numpy(t):
    return t.numpy() if t.is_contiguous() else t.contiguous().numpy()


def header_of(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        return length, json.loads(f.read(length))


def raw_file(header, data=b"", length=None):
    """The bytes of a safetensors file with `header` (a dict, or raw bytes taken as they are)."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + data


# ---- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype_name", list(DTYPES))
@pytest.mark.parametrize("shape", [(3, 4), (), (0,), (2, 0, 3), (1, 2, 1, 3, 1, 2, 1, 2)])
def test_round_trip_every_dtype_and_shape(tmp_path, dtype_name, shape):
    array = sample(dtype_name, shape)
    path = tmp_path / "t.safetensors"
    st.io.save_file({"x": st.from_numpy(array)}, path)
    loaded = st.io.load_file(path)
    assert list(loaded) == ["x"]
    assert loaded["x"].dtype == DTYPES[dtype_name][0]
    assert tuple(loaded["x"].shape) == shape
    np.testing.assert_array_equal(loaded["x"].numpy(), array)
    theirs = safetensors_numpy.load_file(str(path))
    assert theirs["x"].dtype == array.dtype and theirs["x"].shape == shape
    np.testing.assert_array_equal(theirs["x"], array)


def test_non_contiguous_inputs_are_written_in_logical_order(tmp_path):
    base = st.arange(24).reshape(4, 6).to(st.float32)
    tensors = {
        "transposed": base.t(),
        "strided": base[:, ::2],
        "expanded": st.tensor([1.0, 2.0, 3.0]).reshape(3, 1).expand(3, 4),
        "offset": base[2],
        "permuted": st.randn(2, 3, 4).permute(2, 0, 1),
    }
    path = tmp_path / "t.safetensors"
    st.io.save_file(tensors, path)
    loaded = st.io.load_file(path)
    theirs = safetensors_numpy.load_file(str(path))
    for name, tensor in tensors.items():
        np.testing.assert_array_equal(loaded[name].numpy(), as_numpy(tensor))
        np.testing.assert_array_equal(theirs[name], as_numpy(tensor))
        assert loaded[name].is_contiguous()


def test_names_keep_their_order_and_the_data_is_aligned(tmp_path):
    names = ["z.bias", "a.mask", "m.weight", "b.count", "c.flags", "d.double"]
    tensors = {
        "z.bias": st.randn(3),
        "a.mask": st.from_numpy(sample("uint8", (5,))),
        "m.weight": st.randn(2, 3),
        "b.count": st.tensor([7]),
        "c.flags": st.from_numpy(sample("bool", (3,))),
        "d.double": st.randn(2).to(st.float64),
    }
    path = tmp_path / "t.safetensors"
    st.io.save_file(tensors, path)
    assert list(st.io.load_file(path)) == names
    length, header = header_of(path)
    assert (8 + length) % 8 == 0
    assert [k for k in header if k != "__metadata__"] == names
    sizes = {"F32": 4, "F64": 8, "I64": 8, "U8": 1, "BOOL": 1}
    for entry in header.values():
        assert entry["data_offsets"][0] % sizes[entry["dtype"]] == 0


def test_metadata_round_trip(tmp_path):
    path = tmp_path / "t.safetensors"
    metadata = {"format": "pt", "note": 'quotes " and \\ and \n newline', "ünïcode": "日本 😀"}
    st.io.save_file({"w": st.ones(2)}, path, metadata=metadata)
    assert st.io.load_metadata(path) == metadata
    with safetensors_numpy.safe_open(str(path), "np") as f:
        assert f.metadata() == metadata
    st.io.save_file({"w": st.ones(2)}, path)
    assert st.io.load_metadata(path) == {}


def test_unusual_names_round_trip(tmp_path):
    names = ["", "a.b.c", 'quo"te', "back\\slash", "new\nline", "tab\t", "ünï😀", "\x01ctl"]
    tensors = {name: st.full((1,), float(i)) for i, name in enumerate(names)}
    path = tmp_path / "t.safetensors"
    st.io.save_file(tensors, path)
    loaded = st.io.load_file(path)
    assert list(loaded) == names
    theirs = safetensors_numpy.load_file(str(path))
    assert sorted(theirs) == sorted(names)
    for i, name in enumerate(names):
        assert loaded[name].item() == float(i) == theirs[name][0]


def test_no_tensors_at_all(tmp_path):
    path = tmp_path / "t.safetensors"
    st.io.save_file({}, path, metadata={"k": "v"})
    assert st.io.load_file(path) == {}
    assert st.io.load_metadata(path) == {"k": "v"}
    assert safetensors_numpy.load_file(str(path)) == {}


def test_requires_grad_tensors_save_their_values(tmp_path):
    w = st.randn(3, requires_grad=True)
    y = w * 2
    path = tmp_path / "t.safetensors"
    st.io.save_file({"w": w, "y": y}, path)
    loaded = st.io.load_file(path)
    np.testing.assert_array_equal(loaded["y"].numpy(), as_numpy(y.detach()))
    assert not loaded["w"].requires_grad


def test_save_argument_errors(tmp_path):
    path = tmp_path / "t.safetensors"
    with pytest.raises(ValueError, match='save_file: the name "__metadata__" is reserved'):
        st.io.save_file({"__metadata__": st.ones(1)}, path)
    with pytest.raises(TypeError, match="save_file: 'w' must be a striate Tensor, got ndarray"):
        st.io.save_file({"w": np.ones(2)}, path)
    with pytest.raises(TypeError, match="save_file: tensor names must be str"):
        st.io.save_file({1: st.ones(1)}, path)
    with pytest.raises(TypeError, match="save_file: metadata must map str to str"):
        st.io.save_file({"w": st.ones(1)}, path, metadata={"epoch": 3})
    with pytest.raises(TypeError, match="save_file: expected a dict"):
        st.io.save_file([st.ones(1)], path)
    assert not path.exists()


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "t.safetensors"
    st.io.save_file({"w": st.ones(2)}, path)
    with pytest.raises(OSError, match="save_file: .*missing.*No such file"):
        st.io.save_file({"w": st.ones(2)}, tmp_path / "missing" / "t.safetensors")
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(OSError, match="save_file: '.*folder': cannot replace it"):
        st.io.save_file({"w": st.zeros(2)}, folder)
    assert sorted(os.listdir(tmp_path)) == ["folder", "t.safetensors"]
    np.testing.assert_array_equal(st.io.load_file(path)["w"].numpy(), np.ones(2, np.float32))


# ---- the safetensors package's files ----------------------------------------------------------


def test_files_from_safetensors_numpy_load_here(tmp_path):
    arrays = {name: sample(name, (3, 2), seed=i) for i, name in enumerate(DTYPES)}
    arrays["scalar"] = np.array(3.5, np.float32)
    arrays["empty"] = np.zeros((0, 4), np.float64)
    path = tmp_path / "np.safetensors"
    safetensors_numpy.save_file(arrays, str(path), metadata={"source": "numpy"})
    loaded = st.io.load_file(path)
    assert sorted(loaded) == sorted(arrays)
    for name, array in arrays.items():
        assert loaded[name].numpy().dtype == array.dtype
        np.testing.assert_array_equal(loaded[name].numpy(), array)
    assert st.io.load_metadata(path) == {"source": "numpy"}


def test_files_from_safetensors_torch_load_here(tmp_path):
    gen = torch.Generator().manual_seed(0)
    tensors = {
        "conv.weight": torch.randn(6, 1, 5, 5, generator=gen),
        "bn.num_batches_tracked": torch.tensor(7),
        "mask": torch.rand(4, generator=gen) > 0.5,
        "double": torch.randn(3, dtype=torch.float64, generator=gen),
        "bytes": torch.arange(10, dtype=torch.uint8),
    }
    path = tmp_path / "pt.safetensors"
    safetensors_torch.save_file(tensors, str(path), metadata={"format": "pt"})
    loaded = st.io.load_file(path)
    for name, tensor in tensors.items():
        np.testing.assert_array_equal(loaded[name].numpy(), tensor.numpy())
    # ...and ours load in torch.
    ours = tmp_path / "ours.safetensors"
    st.io.save_file(loaded, ours, metadata={"format": "pt"})
    back = safetensors_torch.load_file(str(ours))
    for name, tensor in tensors.items():
        assert back[name].dtype == tensor.dtype
        assert torch.equal(back[name], tensor)


def test_dtypes_striate_lacks_are_named(tmp_path):
    path = tmp_path / "int32.safetensors"
    safetensors_numpy.save_file(
        {"i": np.ones(3, np.int32), "w": np.ones(2, np.float32)}, str(path), metadata={"k": "v"}
    )
    with pytest.raises(
        OSError,
        match=r"load_file: '.*int32.safetensors': tensor 'i' has dtype I32, "
        r"which striate does not hold",
    ):
        st.io.load_file(path)
    assert st.io.load_metadata(path) == {"k": "v"}  # the header itself is fine
    safetensors_numpy.save_file({"i": np.ones(3, np.int32)}, str(path))
    with pytest.raises(OSError, match="has dtype I32"):
        st.io.load_file(path)


def test_header_escapes_and_padding_from_other_writers(tmp_path):
    # \u escapes with a surrogate pair, an escaped slash, whitespace around tokens, newline padding.
    header = (
        b'\n { "caf\\u00e9\\ud83d\\ude00\\/x" : { "shape" : [ 2 ] , "dtype" : "U8" ,'
        b' "data_offsets" : [ 0 , 2 ] } }\n\t  '
    )
    path = tmp_path / "t.safetensors"
    path.write_bytes(raw_file(header, b"\x07\x09"))
    loaded = st.io.load_file(path)
    assert list(loaded) == ["café😀/x"]
    assert loaded["café😀/x"].numpy().tolist() == [7, 9]


# ---- state dicts ------------------------------------------------------------------------------


def test_lenet5_state_dict_round_trip_reproduces_outputs(tmp_path):
    st.manual_seed(0)
    model = st.models.lenet5()
    model.eval()
    x = st.randn(4, 1, 28, 28)
    expected = model(x).detach().numpy()
    path = tmp_path / "lenet5.safetensors"
    st.save_state_dict(model, path, metadata={"model": "lenet5"})

    st.manual_seed(1)
    other = st.models.lenet5()
    other.eval()
    assert not np.array_equal(other(x).detach().numpy(), expected)
    state = st.load_state_dict(path)
    assert list(state) == list(model.state_dict())
    result = other.load_state_dict(state)
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    np.testing.assert_array_equal(other(x).detach().numpy(), expected)
    assert st.io.load_metadata(path) == {"model": "lenet5"}

    # A state dict saves exactly as its module does, and the safetensors package sees its names.
    st.save_state_dict(model, tmp_path / "module.safetensors")
    st.save_state_dict(model.state_dict(), tmp_path / "dict.safetensors")
    assert (tmp_path / "module.safetensors").read_bytes() == (
        tmp_path / "dict.safetensors"
    ).read_bytes()
    assert sorted(safetensors_numpy.load_file(str(path))) == sorted(model.state_dict())


def test_state_dict_with_buffers_round_trips(tmp_path):
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    model.train()
    model(st.randn(2, 3, 8, 8))  # moves the running statistics and num_batches_tracked
    path = tmp_path / "m.safetensors"
    st.save_state_dict(model, path)
    fresh = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    fresh.load_state_dict(st.load_state_dict(path))
    for (name, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_load_state_dict_into_the_wrong_model_names_the_keys(tmp_path):
    path = tmp_path / "m.safetensors"
    st.save_state_dict(nn.Linear(3, 2), path)
    with pytest.raises(ValueError, match="size mismatch for weight"):
        nn.Linear(4, 2).load_state_dict(st.load_state_dict(path))
    with pytest.raises(TypeError, match="save_state_dict: expected a Module or a state dict"):
        st.save_state_dict(42, path)


# ---- malformed files --------------------------------------------------------------------------

# Each file is loaded in a subprocess whose address space is capped at what it uses after import
# plus 1 GiB: a crash fails the test with its signal, and an attempt to allocate what a forged
# header claims fails as MemoryError instead of OSError.
LOADER = textwrap.dedent("""
    import json, resource, sys
    import striate as st
    def vm_bytes():
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    limit = vm_bytes() + (1 << 30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    results = []
    for path in json.loads(sys.argv[1]):
        try:
            st.io.load_file(path)
            results.append(["ok", ""])
        except BaseException as e:
            results.append([type(e).__name__, str(e)])
    print(json.dumps(results))
""")


def load_in_subprocess(paths):
    proc = subprocess.run(
        [sys.executable, "-c", LOADER, json.dumps([str(p) for p in paths])],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, f"loader died (rc {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


F32x2 = struct.pack("<2f", 1.0, 2.0)

BAD_FILES = {
    "empty file": (b"", "the file is 0 bytes long"),
    "seven bytes": (b"\x02\x00\x00\x00\x00\x00\x00", "8-byte header length"),
    "header longer than the file": (
        raw_file(b"{}", length=1000),
        "header length 1000 is larger than the rest",
    ),
    "header length 2^63": (raw_file(b"{}", length=2**63), "over the format's limit"),
    "header length 2^64-1": (raw_file(b"{}", length=2**64 - 1), "over the format's limit"),
    "invalid JSON": (raw_file(b'{"w": {"dtype": "F32",'), "invalid JSON header"),
    "trailing comma": (raw_file(b'{"__metadata__": {"k": "v",}}'), "invalid JSON header"),
    "single quotes": (raw_file(b"{'w': 1}"), "invalid JSON header"),
    "garbage after the object": (raw_file(b"{} x"), "expected the end of the text"),
    "lone surrogate": (raw_file(b'{"\\udc00": 1}'), "invalid JSON header"),
    "raw control character": (raw_file(b'{"a\x01": 1}'), "invalid JSON header"),
    "invalid UTF-8": (raw_file(b'{"\xff": {}}'), "not valid UTF-8"),
    "overlong UTF-8": (raw_file(b'{"\xc0\xaf": {}}'), "not valid UTF-8"),
    "not an object": (raw_file(b"[1, 2]"), "must be a JSON object, found an array"),
    "unknown dtype": (
        raw_file({"w": entry("F128", [2], 0, 8)}, F32x2),
        "tensor 'w': unknown dtype 'F128'",
    ),
    "overlapping offsets": (
        raw_file({"a": entry("F32", [2], 0, 8), "b": entry("F32", [1], 4, 8)}, F32x2),
        "tensor 'a' and tensor 'b' overlap",
    ),
    "out-of-range offsets": (
        raw_file({"w": entry("F32", [4], 0, 16)}, F32x2),
        "run past the end of the data",
    ),
    "a gap in the data": (
        raw_file({"a": entry("F32", [1], 0, 4), "b": entry("U8", [2], 6, 8)}, F32x2),
        "bytes [4, 6) of the data belong to no tensor",
    ),
    "data after the last tensor": (
        raw_file({"a": entry("F32", [1], 0, 4)}, F32x2),
        "bytes [4, 8) of the data belong to no tensor",
    ),
    "offsets end before they begin": (
        raw_file({"w": entry("U8", [0], 8, 0)}, F32x2),
        "end before they begin",
    ),
    "shape not matching the bytes": (
        raw_file({"w": entry("F32", [3], 0, 8)}, F32x2),
        "needs 12 bytes, data_offsets [0, 8] hold 8",
    ),
    "negative shape": (
        raw_file({"w": entry("F32", [-2], 0, 8)}, F32x2),
        "must be a non-negative integer, found -2",
    ),
    "fractional shape": (
        raw_file({"w": entry("F32", [2.0], 0, 8)}, F32x2),
        "non-negative integer, found 2.0",
    ),
    "shape past 64 bits": (
        raw_file({"w": entry("F32", [2**64], 0, 8)}, F32x2),
        "does not fit in 64 bits",
    ),
    "shape past 63 bits": (
        raw_file({"w": entry("F32", [2**63], 0, 8)}, F32x2),
        "does not fit in 63 bits",
    ),
    "overflowing shape": (
        raw_file({"w": entry("F32", [2**62, 2**62], 0, 8)}, F32x2),
        "needs more bytes than 64 bits can count",
    ),
    "overflowing element size": (
        raw_file({"w": entry("F64", [2**61], 0, 8)}, F32x2),
        "needs more bytes than 64 bits can count",
    ),
    "duplicate names": (
        raw_file(
            b'{"w": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]}, '
            b'"w": {"dtype": "U8", "shape": [4], "data_offsets": [4, 8]}}',
            F32x2,
        ),
        'duplicate key "w"',
    ),
    "a string shape": (
        raw_file({"w": {"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}}, F32x2),
        '"shape" must be an array, found a string',
    ),
    "three offsets": (
        raw_file({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8, 8]}}, F32x2),
        "must hold 2 numbers",
    ),
    "missing shape": (
        raw_file({"w": {"dtype": "F32", "data_offsets": [0, 8]}}, F32x2),
        'missing "shape"',
    ),
    "unknown field": (
        raw_file({"w": {**entry("F32", [2], 0, 8), "x": 1}}, F32x2),
        'unexpected field "x"',
    ),
    "metadata not strings": (
        raw_file({"__metadata__": {"epoch": 3}}),
        "must be a string, found a number",
    ),
    "metadata not an object": (raw_file({"__metadata__": ["a"]}), "must be an object of strings"),
    "a tensor that is a number": (raw_file({"w": 3}), "tensor 'w': expected an object"),
    "nine dimensions": (
        raw_file({"w": entry("U8", [1] * 9, 0, 1)}, b"\x01"),
        "striate tensors have at most 8",
    ),
    "sixty-five dimensions": (
        raw_file({"w": entry("U8", [1] * 65, 0, 1)}, b"\x01"),
        "more than 64 dimensions",
    ),
    "a BOOL byte of 2": (
        raw_file({"w": entry("BOOL", [2], 0, 2)}, b"\x01\x02"),
        "holds the byte 2 at element 1",
    ),
    "deeply nested metadata": (
        raw_file(b'{"__metadata__": {"k": ' + b"[" * 100000 + b"]" * 100000 + b"}}"),
        "must be a string, found an array",
    ),
}


def test_every_malformed_file_raises_a_clear_oserror(tmp_path):
    paths = []
    for i, (name, (content, _)) in enumerate(BAD_FILES.items()):
        path = tmp_path / f"bad{i}.safetensors"
        path.write_bytes(content)
        paths.append(path)
    results = load_in_subprocess(paths)
    for (name, (_, fragment)), path, (kind, message) in zip(BAD_FILES.items(), paths, results):
        assert kind == "OSError", f"{name}: {kind}: {message}"
        assert message.startswith(f"load_file: '{path}': "), f"{name}: {message}"
        assert fragment in message, f"{name}: {message!r} lacks {fragment!r}"


def test_every_truncation_of_a_small_file_raises_oserror(tmp_path):
    whole = tmp_path / "whole.safetensors"
    st.io.save_file(
        {
            "a": st.randn(2, 3),
            "n": st.tensor([1, 2, 3]),
            "m": st.tensor([True, False]),
            "s": st.tensor(2.5),
            "e": st.zeros(0),
        },
        whole,
        metadata={"k": "v"},
    )
    content = whole.read_bytes()
    paths = []
    for cut in range(len(content)):
        path = tmp_path / f"cut{cut}.safetensors"
        path.write_bytes(content[:cut])
        paths.append(path)
    results = load_in_subprocess(paths + [whole])
    assert results[-1] == ["ok", ""]
    for cut, (kind, message) in enumerate(results[:-1]):
        assert kind == "OSError", f"cut at {cut}: {kind}: {message}"
        assert f"cut{cut}.safetensors" in message


def test_random_corruptions_load_or_raise_oserror(tmp_path):
    """Seeded random byte flips, insertions and deletions anywhere in a small file: each either
    still loads (a flip inside the data) or raises OSError; none crashes or allocates wildly."""
    whole = tmp_path / "whole.safetensors"
    st.io.save_file(
        {"a": st.randn(2, 3), "n": st.tensor([1, 2]), "m": st.tensor([True])},
        whole,
        metadata={"k": "v"},
    )
    content = whole.read_bytes()
    rng = random.Random(1234)
    paths = []
    for i in range(300):
        data = bytearray(content)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data))
            kind = rng.random()
            if kind < 0.6:
                data[at] = rng.randrange(256)
            elif kind < 0.8:
                data.insert(at, rng.randrange(256))
            else:
                del data[at]
        path = tmp_path / f"mutated{i}.safetensors"
        path.write_bytes(bytes(data))
        paths.append(path)
    for path, (kind, message) in zip(paths, load_in_subprocess(paths)):
        assert kind in ("ok", "OSError"), f"{path.name}: {kind}: {message}"


def test_a_directory_a_missing_file_and_a_fifo_are_refused(tmp_path):
    with pytest.raises(
        OSError, match=r"load_file: '.*': expected a regular file, found a directory"
    ):
        st.io.load_file(tmp_path)
    with pytest.raises(OSError, match=r"load_file: '.*nothing.safetensors': No such file"):
        st.io.load_file(tmp_path / "nothing.safetensors")
    with pytest.raises(
        OSError, match=r"load_metadata: '.*': expected a regular file, found a directory"
    ):
        st.io.load_metadata(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    outcome = {}

    def load():
        try:
            st.io.load_file(fifo)
        except OSError as e:
            outcome["error"] = str(e)

    # A reader that opened the FIFO would block forever: a writer end opened here unblocks it, so
    # the test ends either way and then tells which happened.
    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=30)
    if thread.is_alive():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        thread.join()
    assert "expected a regular file, found a FIFO" in outcome.get("error", "blocked on the FIFO")


# ---- atomicity --------------------------------------------------------------------------------

SAVER = textwrap.dedent("""
    import sys
    import striate as st
    path = sys.argv[1]
    step = 0
    while True:
        step += 1
        st.io.save_file({"a": st.full((512, 1024), float(step)), "b": st.full((7,), float(step))},
                        path, metadata={"step": str(step)})
        print(step, flush=True)
""")


def test_sigkill_during_saves_leaves_a_loadable_file(tmp_path):
    path = tmp_path / "state.safetensors"
    st.io.save_file({"a": st.zeros(512, 1024), "b": st.zeros(7)}, path, metadata={"step": "0"})
    rng = random.Random(0)
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path)],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        proc.stdout.readline()  # one save done: the next ones are under way
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        loaded = st.io.load_file(path)
        step = float(st.io.load_metadata(path)["step"])
        assert np.all(loaded["a"].numpy() == step) and np.all(loaded["b"].numpy() == step)
