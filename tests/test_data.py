"""striate.data: the IDX reader on files written here with NumPy (raw and gzip, every element type,
ranks 1-4) and on broken files; TensorDataset; the DataLoader's batching, shuffling, determinism and
drop_last on the C++ path and the Python path; Fashion-MNIST when installed."""

import gzip
import os

import numpy as np
import pytest
import striate as st
from striate import data

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"

IDX_TYPES = {  # IDX type code -> (big-endian NumPy dtype, the striate dtype read_idx returns)
    0x08: (">u1", st.uint8),
    0x09: (">i1", st.int64),
    0x0B: (">i2", st.int64),
    0x0C: (">i4", st.int64),
    0x0D: (">f4", st.float32),
    0x0E: (">f8", st.float64),
}


def write_idx(path, array, code, compress=False, magic=None):
    header = bytes([0, 0, code, array.ndim]) if magic is None else magic
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    payload = header + array.astype(IDX_TYPES[code][0]).tobytes()
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(payload)
    return path


def sample(code, shape, seed=0):
    rng = np.random.default_rng(seed)
    kind = np.dtype(IDX_TYPES[code][0])
    if kind.kind == "f":
        return rng.standard_normal(shape).astype(kind.newbyteorder("="))
    info = np.iinfo(kind)
    return rng.integers(info.min, info.max, shape, endpoint=True).astype(kind.newbyteorder("="))


# ---- read_idx -------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize("code", sorted(IDX_TYPES), ids=[f"0x{c:02X}" for c in sorted(IDX_TYPES)])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4), (2, 1, 3, 2)],
                         ids=["1d", "2d", "3d", "4d"])
def test_read_idx_round_trips_numpy_files(tmp_path, compress, code, shape):
    array = sample(code, shape, seed=code)
    path = write_idx(tmp_path / ("x.idx.gz" if compress else "x.idx"), array, code, compress)
    result = data.read_idx(path)
    assert result.dtype == IDX_TYPES[code][1]
    assert tuple(result.shape) == shape
    np.testing.assert_array_equal(result.numpy(), array)


def test_read_idx_detects_gzip_from_content_not_name(tmp_path):
    array = sample(0x08, (4, 4))
    path = write_idx(tmp_path / "images.idx", array, 0x08, compress=True)
    np.testing.assert_array_equal(data.read_idx(str(path)).numpy(), array)


def test_read_idx_missing_file():
    with pytest.raises(OSError, match="cannot open '/nonexistent/train.idx': No such file"):
        data.read_idx("/nonexistent/train.idx")


def test_read_idx_directory(tmp_path):
    with pytest.raises(OSError, match="is a directory"):
        data.read_idx(tmp_path)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_read_idx_truncated_data(tmp_path, compress):
    full = tmp_path / "full.idx"
    write_idx(full, sample(0x0C, (10, 3)), 0x0C)
    payload = full.read_bytes()[:-5]
    cut = tmp_path / "cut.idx"
    with (gzip.open if compress else open)(cut, "wb") as f:
        f.write(payload)
    with pytest.raises(OSError, match="cut.idx' is truncated: it ends inside the data"):
        data.read_idx(cut)


def test_read_idx_gzip_stream_cut_off(tmp_path):
    whole = tmp_path / "whole.idx.gz"
    write_idx(whole, sample(0x0D, (50, 50)), 0x0D, compress=True)
    cut = tmp_path / "cut.idx.gz"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    with pytest.raises(OSError, match="truncated"):
        data.read_idx(cut)


def test_read_idx_truncated_header(tmp_path):
    path = tmp_path / "short.idx"
    path.write_bytes(bytes([0, 0, 8, 3]) + (5).to_bytes(4, "big"))
    with pytest.raises(OSError, match="truncated: it ends inside the header"):
        data.read_idx(path)
    empty = tmp_path / "empty.idx"
    empty.write_bytes(b"")
    with pytest.raises(OSError, match="truncated"):
        data.read_idx(empty)


def test_read_idx_bad_magic_type_and_rank(tmp_path):
    array = sample(0x08, (2, 2))
    bad_magic = write_idx(tmp_path / "magic.idx", array, 0x08, magic=bytes([1, 2, 8, 2]))
    with pytest.raises(OSError, match="magic.idx' is not an IDX file"):
        data.read_idx(bad_magic)
    bad_type = write_idx(tmp_path / "type.idx", array, 0x08, magic=bytes([0, 0, 0x0A, 2]))
    with pytest.raises(OSError, match="unknown element type code 0xa"):
        data.read_idx(bad_type)
    zero_rank = tmp_path / "rank.idx"
    zero_rank.write_bytes(bytes([0, 0, 8, 0]))
    with pytest.raises(OSError, match="declares 0 dimensions"):
        data.read_idx(zero_rank)


def test_read_idx_huge_declared_shape_fails_without_allocating(tmp_path):
    path = tmp_path / "huge.idx"
    dims = (2**20).to_bytes(4, "big") + (2**19).to_bytes(4, "big")
    path.write_bytes(bytes([0, 0, 8, 2]) + dims + b"\x00" * 100)
    with pytest.raises(OSError, match="truncated"):
        data.read_idx(path)


# ---- TensorDataset ------------------------------------------------------------------------


def test_tensor_dataset_indexing():
    x = st.arange(12).reshape(6, 2)
    y = st.arange(6) * 10
    dataset = data.TensorDataset(x, y)
    assert len(dataset) == 6
    xi, yi = dataset[4]
    np.testing.assert_array_equal(xi.numpy(), [8, 9])
    assert yi.item() == 40
    assert dataset[-1][1].item() == 50
    assert dataset.tensors[0] is x
    with pytest.raises(IndexError, match="index 6 is out of range for 6 examples"):
        dataset[6]
    # iteration stops at the IndexError
    assert [int(b.item()) for _, b in dataset] == [0, 10, 20, 30, 40, 50]


def test_tensor_dataset_bad_arguments():
    with pytest.raises(ValueError, match="size mismatch between tensors: tensor 0 has 3 "
                                         "examples, tensor 1 has 4"):
        data.TensorDataset(st.zeros(3, 2), st.zeros(4))
    with pytest.raises(TypeError, match="argument 1 is not a Tensor"):
        data.TensorDataset(st.zeros(3), [1, 2, 3])
    with pytest.raises(ValueError, match="at least one tensor"):
        data.TensorDataset()
    with pytest.raises(ValueError, match="at least one dimension"):
        data.TensorDataset(st.tensor(3.0))


# ---- DataLoader ------------------------------------------------------------------------------


class ListDataset(data.Dataset):
    """A pure-Python dataset: (float array, int label) pairs."""

    def __init__(self, n):
        self.items = [(np.full(3, i, np.float32), i) for i in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]


def tensor_dataset(n):
    images = st.arange(n).reshape(n, 1).to(st.float32) * st.ones(1, 3)
    return data.TensorDataset(images, st.arange(n))


def labels_of(loader):
    return [[int(v) for v in labels.numpy()] for _, labels in loader]


@pytest.mark.parametrize("make", [tensor_dataset, ListDataset], ids=["cpp", "python"])
def test_batches_in_order(make):
    loader = data.DataLoader(make(10), batch_size=4)
    assert len(loader) == 3
    batches = list(loader)
    assert [tuple(images.shape) for images, _ in batches] == [(4, 3), (4, 3), (2, 3)]
    assert labels_of(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    images, labels = batches[1]
    assert images.dtype == st.float32 and labels.dtype == st.int64
    expected = np.repeat(np.arange(4, 8, dtype=np.float32)[:, None], 3, 1)
    np.testing.assert_array_equal(images.numpy(), expected)


@pytest.mark.parametrize("make", [tensor_dataset, ListDataset], ids=["cpp", "python"])
def test_drop_last(make):
    loader = data.DataLoader(make(10), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert labels_of(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(data.DataLoader(make(3), batch_size=4, drop_last=True)) == 0
    assert list(data.DataLoader(make(3), batch_size=4, drop_last=True)) == []


@pytest.mark.parametrize("make", [tensor_dataset, ListDataset], ids=["cpp", "python"])
def test_shuffle_is_a_permutation_repeatable_with_a_seed(make):
    dataset = make(50)
    first = data.DataLoader(dataset, batch_size=8, shuffle=True, seed=7)
    epoch1, epoch2 = labels_of(first), labels_of(first)
    for epoch in (epoch1, epoch2):
        assert sorted(sum(epoch, [])) == list(range(50))
        assert [len(b) for b in epoch] == [8] * 6 + [2]
    assert epoch1 != epoch2  # each epoch draws a new order
    assert sum(epoch1, []) != list(range(50))
    again = data.DataLoader(dataset, batch_size=8, shuffle=True, seed=7)
    assert labels_of(again) == epoch1 and labels_of(again) == epoch2
    assert labels_of(data.DataLoader(dataset, batch_size=8, shuffle=True, seed=8)) != epoch1


def test_cpp_and_python_paths_visit_the_same_order():
    cpp = data.DataLoader(tensor_dataset(30), batch_size=7, shuffle=True, seed=3)
    python = data.DataLoader(ListDataset(30), batch_size=7, shuffle=True, seed=3)
    assert cpp._loader is not None and python._loader is None
    assert labels_of(cpp) == labels_of(python)


def test_shuffle_without_seed_follows_manual_seed():
    dataset = tensor_dataset(40)
    st.manual_seed(11)
    a = labels_of(data.DataLoader(dataset, batch_size=40, shuffle=True))
    st.manual_seed(11)
    b = labels_of(data.DataLoader(dataset, batch_size=40, shuffle=True))
    assert a == b and a[0] != list(range(40))


def test_collate_of_tensors_numbers_and_dicts():
    class Mixed(data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return {"x": st.full((2,), float(i)), "weight": 0.5 * i, "label": i}

    batch = next(iter(data.DataLoader(Mixed(), batch_size=3)))
    np.testing.assert_array_equal(batch["x"].numpy(), [[0, 0], [1, 1], [2, 2]])
    assert batch["weight"].dtype == st.float32 and batch["label"].dtype == st.int64
    np.testing.assert_array_equal(batch["label"].numpy(), [0, 1, 2])
    custom = data.DataLoader(Mixed(), batch_size=2,
                             collate_fn=lambda items: [item["label"] for item in items])
    assert list(custom) == [[0, 1], [2, 3]]


def test_collate_keeps_structure_strings_and_bools():
    import collections

    Pair = collections.namedtuple("Pair", "image label")
    examples = [{"pair": Pair(np.full((2,), i, np.float32), i), "name": f"img{i}.png",
                 "flags": [i % 2 == 0, True], "ok": bool(i)} for i in range(3)]
    batch = data.default_collate(examples)
    assert isinstance(batch["pair"], Pair) and batch["pair"].label.dtype == st.int64
    np.testing.assert_array_equal(batch["pair"].image.numpy(), [[0, 0], [1, 1], [2, 2]])
    assert batch["name"] == ["img0.png", "img1.png", "img2.png"]
    assert isinstance(batch["flags"], list) and batch["flags"][0].dtype == st.bool
    np.testing.assert_array_equal(batch["flags"][0].numpy(), [True, False, True])
    assert batch["ok"].dtype == st.bool
    assert isinstance(data.default_collate([(1, 2.0), (3, 4.0)]), tuple)
    with pytest.raises(ValueError, match=r"same number of fields, got \[1, 2\]"):
        data.default_collate([(1, 2), (3,)])
    with pytest.raises(TypeError, match="don't know how to batch examples of type object"):
        data.default_collate([object(), object()])


def test_subclass_overriding_getitem_uses_the_python_path():
    class Doubled(data.TensorDataset):
        def __getitem__(self, index):
            x, y = super().__getitem__(index)
            return x, y * 2

    loader = data.DataLoader(Doubled(st.zeros(4, 1), st.arange(4)), batch_size=2)
    assert loader._loader is None
    assert labels_of(loader) == [[0, 2], [4, 6]]


def test_data_loader_bad_arguments():
    dataset = tensor_dataset(4)
    with pytest.raises(ValueError, match="batch_size should be a positive integer, got 0"):
        data.DataLoader(dataset, batch_size=0)
    with pytest.raises(TypeError, match="batch_size should be an int"):
        data.DataLoader(dataset, batch_size=2.0)
    with pytest.raises(ValueError, match="seed should be a non-negative int"):
        data.DataLoader(dataset, seed=-1)
    with pytest.raises(TypeError, match="must define __len__ and __getitem__"):
        data.DataLoader(object())


# ---- Fashion-MNIST ------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.isdir(FASHION_MNIST),
                    reason="dataset-fashion-mnist is not installed")
def test_fashion_mnist():
    train = data.FashionMNIST(FASHION_MNIST, train=True)
    test = data.FashionMNIST(FASHION_MNIST, train=False)
    assert len(train) == 60000 and len(test) == 10000
    assert tuple(train.data.shape) == (60000, 1, 28, 28) and train.data.dtype == st.float32
    assert tuple(test.targets.shape) == (10000,) and test.targets.dtype == st.int64
    images = train.data.numpy()
    assert images.min() == 0.0 and images.max() == 1.0
    assert abs(images.mean() - 0.2860) < 1e-3
    np.testing.assert_array_equal(np.bincount(train.targets.numpy()), [6000] * 10)
    image, label = train[0]
    assert tuple(image.shape) == (1, 28, 28)
    assert label.item() == 9  # the first training image is an ankle boot
    assert train.classes[9] == "Ankle boot"
    images, labels = next(iter(data.DataLoader(test, batch_size=128)))
    assert tuple(images.shape) == (128, 1, 28, 28) and tuple(labels.shape) == (128,)
    raw = data.read_idx(os.path.join(FASHION_MNIST, "t10k-images-idx3-ubyte.gz"))
    assert raw.dtype == st.uint8 and tuple(raw.shape) == (10000, 28, 28)


def test_fashion_mnist_missing_folder(tmp_path):
    with pytest.raises(OSError, match="train-images-idx3-ubyte.gz"):
        data.FashionMNIST(tmp_path)
