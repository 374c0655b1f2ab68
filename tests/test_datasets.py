"""striate.data datasets: Fashion-MNIST from the installed files (counts, labels, first image
checked against the raw bytes), MNIST/CIFAR-10/CIFAR-100/ImageFolder from tiny fake files written
here in the real layouts, transforms on datasets, Subset, ConcatDataset and random_split."""

import gzip
import os
import pickle

import numpy as np
import pytest
import striate as st
from striate import data

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def write_idx(path, array, compress):
    code = 0x08
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(d).to_bytes(4, "big")
                                                         for d in array.shape)
    with (gzip.open if compress else open)(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def fake_mnist(folder, n=7, seed=0, compress=True, split="train"):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    os.makedirs(folder, exist_ok=True)
    suffix = ".gz" if compress else ""
    write_idx(os.path.join(folder, f"{split}-images-idx3-ubyte{suffix}"), images, compress)
    write_idx(os.path.join(folder, f"{split}-labels-idx1-ubyte{suffix}"), labels, compress)
    return images, labels


# ---- MNIST family -------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.isdir(FASHION_MNIST),
                    reason="dataset-fashion-mnist is not installed")
def test_fashion_mnist_real_files():
    train, test = data.FashionMNIST(train=True), data.FashionMNIST(FASHION_MNIST, train=False)
    assert len(train) == 60000 and len(test) == 10000
    for dataset in (train, test):
        labels = dataset.targets.numpy()
        assert labels.min() == 0 and labels.max() == 9
    with gzip.open(os.path.join(FASHION_MNIST, "train-images-idx3-ubyte.gz"), "rb") as f:
        raw = np.frombuffer(f.read(16 + 784)[16:], dtype=np.uint8)
    first = train[0][0].numpy()
    assert first.shape == (1, 28, 28) and first.dtype == np.float32
    np.testing.assert_array_equal(np.round(first.reshape(-1) * 255).astype(np.int64), raw)
    assert int(raw.astype(np.int64).sum()) == int(np.round(first * 255).sum())
    assert train.classes[train[0][1].item()] == "Ankle boot"


@pytest.mark.parametrize("compress", [True, False], ids=["gz", "raw"])
@pytest.mark.parametrize("layout", ["root", "torchvision"])
def test_mnist_reads_fake_files(tmp_path, compress, layout):
    folder = tmp_path if layout == "root" else tmp_path / "MNIST" / "raw"
    images, labels = fake_mnist(folder, compress=compress)
    test_images, test_labels = fake_mnist(folder, n=3, seed=1, compress=compress, split="t10k")
    train = data.MNIST(tmp_path)
    test = data.MNIST(tmp_path, train=False)
    assert len(train) == 7 and len(test) == 3
    assert train.data.dtype == st.float32 and tuple(train.data.shape) == (7, 1, 28, 28)
    np.testing.assert_allclose(train.data.numpy()[:, 0], images / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(train.targets.numpy(), labels)
    np.testing.assert_array_equal(test.targets.numpy(), test_labels)
    assert isinstance(train, data.Dataset) and train.class_to_idx["3 - three"] == 3


def test_fashion_mnist_looks_under_its_class_name(tmp_path):
    _, labels = fake_mnist(tmp_path / "FashionMNIST" / "raw")
    np.testing.assert_array_equal(data.FashionMNIST(tmp_path).targets.numpy(), labels)
    with pytest.raises(OSError, match="MNIST: cannot find train-images-idx3-ubyte.gz"):
        data.MNIST(tmp_path)  # MNIST looks under MNIST/raw, not FashionMNIST/raw


def test_mnist_missing_root_names_path_and_files(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(OSError, match=r"MNIST: cannot find t10k-images-idx3-ubyte.gz and "
                                      r"t10k-labels-idx1-ubyte.gz .* in '.*nowhere'"):
        data.MNIST(missing, train=False)


FASHION_SYSTEM_COPY = "/usr/share/datasets/fashion-mnist"


@pytest.mark.skipif(not os.path.isdir(FASHION_SYSTEM_COPY),
                    reason="needs the Debian package dataset-fashion-mnist (.ci/run installs it)")
def test_download_true_finds_the_system_copy_without_any_network(tmp_path, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a dataset opened a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    # torchvision's tutorial line: an empty ./data and download=True
    found = data.FashionMNIST(root=tmp_path / "data", train=False, download=True)
    system = data.FashionMNIST(train=False)
    assert len(found) == len(system) == 10000
    np.testing.assert_array_equal(found.targets.numpy(), system.targets.numpy())
    with pytest.raises(OSError, match=r"FashionMNIST: cannot find t10k.*download=True also looks"):
        data.FashionMNIST(root=tmp_path / "data", train=False)


def test_download_true_without_the_files_says_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setattr(data.MNIST, "_system_copies", (str(tmp_path / "no-system-copy"),))
    with pytest.raises(FileNotFoundError, match=r"MNIST: download=True, but striate never opens "
                       r"a network connection.*'<root>/MNIST/raw'"):
        data.MNIST(tmp_path / "data", download=True)
    with pytest.raises(FileNotFoundError, match=r"CIFAR10: cannot find .*download=True, but "
                       r"striate never opens a network connection: unpack the archive from "
                       r"https://www.cs.toronto.edu/~kriz/cifar.html"):
        data.CIFAR10(tmp_path / "data", download=True)
    with pytest.raises(FileNotFoundError, match=r"CIFAR100: cannot find train \(python"):
        data.CIFAR100(tmp_path / "data", download=False)


def test_mnist_transforms(tmp_path):
    fake_mnist(tmp_path)
    plain = data.MNIST(tmp_path)
    noisy = data.MNIST(tmp_path, transform=data.GaussianNoise(0.5))
    assert data.dataset._batches_in_cpp(noisy)
    with data.augmentation_seed(3):
        a = noisy[2][0].numpy()
    with data.augmentation_seed(3):
        b = noisy[2][0].numpy()
    np.testing.assert_array_equal(a, b)
    assert 0.3 < np.std(a - plain[2][0].numpy()) < 0.7
    # a batch = each example transformed (under its seed), then stacked
    batch = noisy._get_batch([4, 1], [11, 12])[0].numpy()
    for row, (index, seed) in enumerate([(4, 11), (1, 12)]):
        with data.augmentation_seed(seed):
            np.testing.assert_array_equal(batch[row], noisy[index][0].numpy())
    # Python callables run in __getitem__ and send the loader down the Python path
    python = data.MNIST(tmp_path, transform=lambda x: x * 2, target_transform=lambda y: y + 100)
    assert not data.dataset._batches_in_cpp(python)
    image, label = python[0]
    np.testing.assert_array_equal(image.numpy(), plain[0][0].numpy() * 2)
    assert label.item() == plain[0][1].item() + 100
    images, labels = next(iter(data.DataLoader(python, batch_size=7)))
    np.testing.assert_array_equal(labels.numpy(), plain.targets.numpy() + 100)
    with pytest.raises(TypeError, match="transform should be callable or None, got int"):
        data.MNIST(tmp_path, transform=3)


# ---- CIFAR --------------------------------------------------------------------------------------


def fake_cifar(n, seed, coarse=False):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
    fine = rng.integers(0, 100 if coarse else 10, n)
    return images, fine, rng.integers(0, 20, n)


def write_pickle(path, entry):
    with open(path, "wb") as f:
        pickle.dump(entry, f)


def write_cifar10(root, fmt):
    batches = [fake_cifar(3, seed) for seed in range(6)]  # 5 train batches + test
    if fmt == "python":
        folder = root / "cifar-10-batches-py"
        folder.mkdir()
        names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
        for name, (images, labels, _) in zip(names, batches):
            write_pickle(folder / name, {"batch_label": name, "labels": labels.tolist(),
                                         "data": images.reshape(len(images), -1),
                                         "filenames": [f"{i}.png" for i in range(len(images))]})
        write_pickle(folder / "batches.meta", {"label_names": [f"class{i}" for i in range(10)],
                                               "num_vis": 3072})
    else:
        folder = root / "cifar-10-batches-bin"
        folder.mkdir()
        names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
        for name, (images, labels, _) in zip(names, batches):
            records = np.concatenate([labels[:, None].astype(np.uint8),
                                      images.reshape(len(images), -1)], axis=1)
            (folder / name).write_bytes(records.tobytes())
    return batches


@pytest.mark.parametrize("fmt", ["python", "binary"])
def test_cifar10_round_trips_pixels_and_labels(tmp_path, fmt):
    batches = write_cifar10(tmp_path, fmt)
    train, test = data.CIFAR10(tmp_path), data.CIFAR10(tmp_path, train=False)
    assert len(train) == 15 and len(test) == 3
    assert train.data.dtype == st.uint8 and tuple(train.data.shape) == (15, 3, 32, 32)
    np.testing.assert_array_equal(train.data.numpy(), np.concatenate([b[0] for b in batches[:5]]))
    expected_labels = np.concatenate([b[1] for b in batches[:5]])
    np.testing.assert_array_equal(train.targets.numpy(), expected_labels)
    np.testing.assert_array_equal(test.data.numpy(), batches[5][0])
    image, label = test[1]
    np.testing.assert_array_equal(image.numpy(), batches[5][0][1])
    assert label.item() == batches[5][1][1]
    expected_classes = [f"class{i}" for i in range(10)] if fmt == "python" else None
    assert train.classes == (expected_classes or ["airplane", "automobile", "bird", "cat", "deer",
                                                  "dog", "frog", "horse", "ship", "truck"])
    images, labels = next(iter(data.DataLoader(train, batch_size=4)))
    np.testing.assert_array_equal(images.numpy(), train.data.numpy()[:4])


@pytest.mark.parametrize("fmt", ["python", "binary"])
def test_cifar100_uses_fine_labels(tmp_path, fmt):
    images, fine, coarse = fake_cifar(5, 7, coarse=True)
    if fmt == "python":
        folder = tmp_path / "cifar-100-python"
        folder.mkdir()
        for name in ("train", "test"):
            write_pickle(folder / name, {"fine_labels": fine.tolist(),
                                         "coarse_labels": coarse.tolist(),
                                         "data": images.reshape(5, -1)})
    else:
        folder = tmp_path / "cifar-100-binary"
        folder.mkdir()
        records = np.concatenate([coarse[:, None], fine[:, None], images.reshape(5, -1)], axis=1)
        for name in ("train.bin", "test.bin"):
            (folder / name).write_bytes(records.astype(np.uint8).tobytes())
    train = data.CIFAR100(tmp_path)
    np.testing.assert_array_equal(train.targets.numpy(), fine)
    np.testing.assert_array_equal(train.data.numpy(), images)
    assert len(train.classes) == 100 and train.classes[0] == "apple"


def test_cifar_missing_and_corrupt_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"CIFAR10: cannot find data_batch_1, .*"
                                                r"cifar-10-batches-py"):
        data.CIFAR10(tmp_path)
    folder = tmp_path / "cifar-100-binary"
    folder.mkdir()
    (folder / "test.bin").write_bytes(b"\x00" * 3000)
    with pytest.raises(OSError, match="has 3000 bytes, not a whole number of 3074-byte CIFAR-100"):
        data.CIFAR100(tmp_path, train=False)
    with pytest.raises(OSError, match="cannot open '/nonexistent.bin'"):
        data._data.load_cifar_binary(["/nonexistent.bin"], False)


# ---- ImageFolder ---------------------------------------------------------------------------------


def write_image_folder(root):
    from PIL import Image

    rng = np.random.default_rng(0)
    pixels = {}
    for cls, names in (("dog", ["b.png", "a.bmp"]), ("cat", ["x.png", "sub/y.ppm"])):
        for name in names:
            path = root / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            array = rng.integers(0, 256, (5, 4, 3), dtype=np.uint8)
            Image.fromarray(array).save(path)
            pixels[str(path)] = array
    (root / "dog" / "notes.txt").write_text("not an image")
    return pixels


def test_image_folder(tmp_path):
    pixels = write_image_folder(tmp_path)
    dataset = data.ImageFolder(tmp_path)
    assert dataset.classes == ["cat", "dog"] and dataset.class_to_idx == {"cat": 0, "dog": 1}
    names = [os.path.relpath(path, tmp_path) for path, _ in dataset.samples]
    assert names == ["cat/x.png", "cat/sub/y.ppm", "dog/a.bmp", "dog/b.png"]
    assert dataset.targets == [0, 0, 1, 1] and len(dataset) == 4
    for index, (path, target) in enumerate(dataset.samples):
        image, label = dataset[index]
        assert image.dtype == st.uint8 and tuple(image.shape) == (3, 5, 4)
        np.testing.assert_array_equal(image.numpy(), pixels[path].transpose(2, 0, 1))
        assert label == target
    images, labels = next(iter(data.DataLoader(dataset, batch_size=4, num_workers=2)))
    assert tuple(images.shape) == (4, 3, 5, 4) and labels.numpy().tolist() == [0, 0, 1, 1]
    def mirror(image):
        return st.from_numpy(np.ascontiguousarray(image.numpy()[:, :, ::-1]))

    flipped = data.ImageFolder(tmp_path, transform=mirror, target_transform=lambda y: -y)
    image, label = flipped[3]
    expected = pixels[dataset.samples[3][0]].transpose(2, 0, 1)[:, :, ::-1]
    np.testing.assert_array_equal(image.numpy(), expected)
    assert label == -1
    custom = data.ImageFolder(tmp_path, loader=lambda path: os.path.basename(path))
    assert custom[0] == ("x.png", 0)


def test_image_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="ImageFolder: '.*missing' is not a folder"):
        data.ImageFolder(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="found no class folders in"):
        data.ImageFolder(tmp_path)
    (tmp_path / "empty_class").mkdir()
    (tmp_path / "empty_class" / "readme.txt").write_text("x")
    with pytest.raises(FileNotFoundError, match=r"found no image file in '.*empty_class' "
                                                r"\(supported extensions: .png"):
        data.ImageFolder(tmp_path)
    with pytest.raises(IndexError, match="index 9 is out of range"):
        write_image_folder(tmp_path / "ok")
        data.ImageFolder(tmp_path / "ok")[9]


# ---- Subset, ConcatDataset, random_split ---------------------------------------------------------


class Numbers(data.Dataset):
    def __init__(self, n, start=0):
        self.n, self.start = n, start

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        if not 0 <= index < self.n:
            raise IndexError(index)
        return self.start + index


def tensors(n, start=0):
    return data.TensorDataset(st.arange(start, start + n).reshape(n, 1).to(st.float32),
                              st.arange(start, start + n))


def values(dataset):
    return [int(np.asarray(dataset[i][1] if isinstance(dataset[i], tuple) else dataset[i]).item())
            for i in range(len(dataset))]


def test_subset_cpp_and_python():
    cpp = data.Subset(tensors(10), [7, 2, 2, -1])
    assert type(cpp) is data._data.Subset and isinstance(cpp, data.Subset)
    assert values(cpp) == [7, 2, 2, 9] and cpp.indices == [7, 2, 2, 9]
    assert cpp[-1][1].item() == 9
    images, labels = next(iter(data.DataLoader(cpp, batch_size=4)))
    assert labels.numpy().tolist() == [7, 2, 2, 9] and images.numpy()[:, 0].tolist() == [7, 2, 2, 9]
    python = data.Subset(Numbers(10), [7, 2])
    assert type(python) is data.Subset and python.dataset.n == 10 and values(python) == [7, 2]
    with pytest.raises(IndexError, match="Subset: index 10 is out of range for a dataset of 10"):
        data.Subset(tensors(10), [10])
    with pytest.raises(IndexError, match="Subset: index -11 is out of range"):
        data.Subset(Numbers(10), [-11])
    with pytest.raises(IndexError, match="Subset: index 2 is out of range for 2 examples"):
        python[2]
    with pytest.raises(IndexError, match="Subset: index 4 is out of range for 4 examples"):
        cpp[4]


def test_concat_dataset_cpp_and_python():
    cpp = data.ConcatDataset([tensors(3), tensors(4, start=10)])
    assert type(cpp) is data._data.ConcatDataset and isinstance(cpp, data.ConcatDataset)
    assert len(cpp) == 7 and cpp.cumulative_sizes == [3, 7]
    assert values(cpp) == [0, 1, 2, 10, 11, 12, 13] and cpp[-1][1].item() == 13
    loader = data.DataLoader(cpp, batch_size=3)
    assert [b.numpy().tolist() for _, b in loader] == [[0, 1, 2], [10, 11, 12], [13]]
    spanning = data.DataLoader(cpp, batch_size=5)  # a batch across both datasets
    assert [b.numpy().tolist() for _, b in spanning] == [[0, 1, 2, 10, 11], [12, 13]]
    python = data.ConcatDataset([Numbers(2), Numbers(3, start=100)])
    assert type(python) is data.ConcatDataset and values(python) == [0, 1, 100, 101, 102]
    assert values(Numbers(1) + Numbers(1, start=5)) == [0, 5]
    with pytest.raises(IndexError, match="ConcatDataset: index 7 is out of range for 7"):
        cpp[7]
    with pytest.raises(IndexError, match="ConcatDataset: index -6 is out of range for 5"):
        python[-6]
    with pytest.raises(ValueError, match="at least one dataset"):
        data.ConcatDataset([])


def test_random_split():
    parts = data.random_split(tensors(10), [3, 7], seed=4)
    assert [len(p) for p in parts] == [3, 7] and all(type(p) is data._data.Subset for p in parts)
    assert sorted(values(parts[0]) + values(parts[1])) == list(range(10))
    again = data.random_split(tensors(10), [3, 7], generator=4)
    assert [values(p) for p in again] == [values(p) for p in parts]
    other = data.random_split(tensors(10), [3, 7], seed=5)
    assert [values(p) for p in other] != [values(p) for p in parts]
    python = data.random_split(Numbers(10), [3, 7], seed=4)  # the same split for any dataset
    assert [values(p) for p in python] == [values(p) for p in parts]
    assert type(python[0]) is data.Subset
    fractions = data.random_split(Numbers(10), [0.25, 0.25, 0.5], seed=0)
    assert [len(p) for p in fractions] == [3, 2, 5]  # floors 2, 2, 5; the remainder to the first
    halves = data.random_split(Numbers(11), [0.5, 0.5], seed=0)
    assert [len(p) for p in halves] == [6, 5]
    assert sorted(values(halves[0]) + values(halves[1])) == list(range(11))
    st.manual_seed(3)
    a = [values(p) for p in data.random_split(Numbers(20), [10, 10])]
    st.manual_seed(3)
    assert a == [values(p) for p in data.random_split(Numbers(20), [10, 10])]


def test_random_split_bad_lengths():
    with pytest.raises(ValueError, match=r"lengths sum to 9, which is not the length of the "
                                         r"dataset \(10\)"):
        data.random_split(Numbers(10), [4, 5], seed=0)
    with pytest.raises(ValueError, match="lengths must be non-negative, got -1"):
        data.random_split(Numbers(2), [3, -1], seed=0)
    with pytest.raises(ValueError, match="fractions must sum to 1, got a sum of 0.9"):
        data.random_split(Numbers(10), [0.5, 0.4], seed=0)
    with pytest.raises(TypeError, match="lengths should be ints or fractions, got str"):
        data.random_split(Numbers(10), ["5", 5], seed=0)
    with pytest.raises(ValueError, match="seed should be a non-negative int"):
        data.random_split(Numbers(10), [5, 5], seed=-2)
