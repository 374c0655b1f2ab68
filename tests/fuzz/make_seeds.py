"""Writes the seed corpora of the libFuzzer targets and atheris harnesses: small valid files of
each format, under tests/data/fuzz/<target>/seeds (committed; rerun after a format change):
    STRIATE_DEV_BUILD=build/dev PYTHONPATH=python python3 tests/fuzz/make_seeds.py
(the model and checkpoint seeds are written by striate itself, the torch seeds by PyTorch when it
is installed)."""

import gzip
import json
import struct
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent / "data" / "fuzz"


def idx(array, code):
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def idx_seeds():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (2, 4, 4), dtype=np.uint8)
    yield "images-u8", idx(images, 0x08)
    yield "images-u8.gz", gzip.compress(idx(images, 0x08), mtime=0)
    yield "labels-u8", idx(np.arange(5, dtype=np.uint8), 0x08)
    yield "i8", idx(np.array([-1, 2, -3], dtype=np.int8), 0x09)
    yield "i16", idx(np.array([[-300, 2], [7, 9]], dtype=np.int16), 0x0B)
    yield "i32", idx(np.array([-70000, 1], dtype=np.int32), 0x0C)
    yield "f32", idx(np.array([1.5, -2.0], dtype=np.float32), 0x0D)
    yield "f64", idx(np.array([[0.25]], dtype=np.float64), 0x0E)
    yield "empty", idx(np.zeros((0, 3), dtype=np.uint8), 0x08)


def cifar_seeds():
    # The target's first byte: bit 0 = CIFAR-100 (two label bytes), bit 1 = also read half the input
    # as a second file.
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, 3072, dtype=np.uint8).tobytes()
    yield "cifar10-1", bytes([0]) + bytes([3]) + pixels
    yield "cifar10-2", bytes([2]) + (bytes([3]) + pixels) * 2
    yield "cifar100-1", bytes([1]) + bytes([1, 42]) + pixels
    yield "cifar100-2", bytes([3]) + (bytes([1, 42]) + pixels) * 2


def safetensors(tensors, metadata=None):
    header, data = {}, b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def safetensors_seeds():
    # Only dtypes striate holds (F32, F64, I64, U8, BOOL): every seed must load.
    weight = np.arange(6, dtype=np.float32).reshape(2, 3)
    yield "f32", safetensors({"weight": ("F32", weight.shape, weight.tobytes())})
    yield "mixed", safetensors({
        "conv.weight": ("F32", (1, 1, 2, 2), np.ones(4, np.float32).tobytes()),
        "bn.num_batches_tracked": ("I64", (), np.array(7, np.int64).tobytes()),
        "mask": ("BOOL", (3,), bytes([0, 1, 1])),
        "bytes": ("U8", (2,), bytes([5, 250])),
        "double": ("F64", (1,), np.array([3.5]).tobytes()),
        "empty": ("F32", (0, 4), b""),
    }, {"format": "pt", "striate": "0.1.0"})
    yield "metadata-only", safetensors({}, {"epoch": "3"})


def tiny_model(st):
    """The model of tests/fuzz/fuzz_model.cpp's checkpoint mode: Conv2d(1, 2, 3), ReLU, Flatten,
    Linear(8, 3), trained one step so that the optimizer holds state."""
    st.manual_seed(0)
    model = st.nn.Sequential(st.nn.Conv2d(1, 2, 3), st.nn.ReLU(), st.nn.Flatten(),
                             st.nn.Linear(8, 3))
    return model


def saved(st, obj):
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "file")
        st.save(obj, path)
        with open(path, "rb") as f:
            return f.read()


def model_seeds():
    # fuzz_model's first byte: even = load_model, odd = load_checkpoint (bit 1: Adam, else SGD).
    import striate as st

    model = tiny_model(st)
    yield "model", bytes([0]) + saved(st, model)
    yield "model-mlp", bytes([0]) + saved(st, st.nn.Sequential(
        st.nn.Flatten(), st.nn.Linear(4, 2), st.nn.Tanh(), st.nn.BatchNorm1d(2)))
    x = st.randn(2, 1, 4, 4)
    for bit, optimizer in ((1, st.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)),
                           (3, st.optim.Adam(model.parameters(), lr=1e-3))):
        model(x).sum().backward()
        optimizer.step()
        state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 2,
                 "step": 7}
        yield f"checkpoint-{optimizer.__class__.__name__.lower()}", bytes([bit]) + saved(st, state)


def atheris_files_seeds():
    # atheris_fuzz.py files: the first byte picks the reader (0 IDX, 1 CIFAR python batch, 2 one
    # image, 3 an ImageFolder holding the image).
    import io
    import pickle

    from PIL import Image

    for name, content in idx_seeds():
        if name in ("images-u8", "images-u8.gz", "f32", "empty"):
            yield f"idx-{name}", bytes([0]) + content
    rng = np.random.default_rng(2)
    batch = {b"data": rng.integers(0, 256, (2, 3072), dtype=np.uint8), b"labels": [3, 7],
             b"batch_label": b"fuzz seed"}
    yield "cifar-python", bytes([1]) + pickle.dumps(batch, protocol=2)
    for fmt in ("PNG", "JPEG", "BMP"):
        buffer = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)).save(buffer, fmt)
        yield f"image-{fmt.lower()}", bytes([2]) + buffer.getvalue()
        yield f"folder-{fmt.lower()}", bytes([3]) + buffer.getvalue()


def torch_seeds():
    """torch.save files (zip and legacy layouts) for the atheris models harness."""
    try:
        import torch
    except ImportError:
        return
    import io

    state = {"weight": torch.arange(6, dtype=torch.float32).reshape(2, 3),
             "count": torch.tensor(3), "half": torch.ones(2, dtype=torch.float16),
             "meta": {"epoch": 1, "names": ["a", "b"]}}
    for name, zipped in (("zip", True), ("legacy", False)):
        buffer = io.BytesIO()
        torch.save(state, buffer, _use_new_zipfile_serialization=zipped)
        yield name, bytes([0]) + buffer.getvalue()  # the first byte: atheris_fuzz.py's mode


def main():
    for target, seeds in (("idx", idx_seeds), ("cifar", cifar_seeds),
                          ("safetensors", safetensors_seeds), ("model", model_seeds),
                          ("torch_pt", torch_seeds), ("atheris_files", atheris_files_seeds)):
        folder = ROOT / target / "seeds"
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in seeds():
            (folder / name).write_bytes(content)


if __name__ == "__main__":
    main()
