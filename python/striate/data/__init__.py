"""striate.data: datasets and the DataLoader. Tensor-backed datasets (TensorDataset,
FashionMNIST) batch in C++ with the GIL released; any Python object with __len__ and
__getitem__ works too, its examples collated by stacking.

    train = data.FashionMNIST(train=True)
    for images, labels in data.DataLoader(train, batch_size=128, shuffle=True, seed=0):
        ...
"""

import numbers
import os

import numpy as np

from .. import _C
from .._C import Tensor

__all__ = ["Dataset", "TensorDataset", "DataLoader", "FashionMNIST", "read_idx", "default_collate"]

_data = _C._data
TensorDataset = _data.TensorDataset
TensorDataset.__module__ = "striate.data"


def read_idx(path):
    """Reads an IDX file (MNIST's format; raw or gzip) into a Tensor: uint8 for unsigned bytes,
    int64 for signed integer types, float32/float64 for float/double. Raises OSError naming the
    path for a missing, truncated or malformed file."""
    return _data.read_idx(os.fspath(path))


class Dataset:
    """Base class for map-style datasets: implement __len__ and __getitem__(index)."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")


def default_collate(examples):
    """Stacks a list of examples field by field: tensors and NumPy arrays along a new dim 0,
    numbers into a 1-D tensor (int64 or float32); tuples/lists give a tuple of fields."""
    from .. import stack, tensor

    first = examples[0]
    if isinstance(first, Tensor):
        return stack(list(examples))
    if isinstance(first, np.ndarray):
        return tensor(np.stack(examples))
    if isinstance(first, bool) or isinstance(first, numbers.Integral):
        return tensor(np.asarray(examples, dtype=np.int64))
    if isinstance(first, numbers.Real):
        return tensor(np.asarray(examples, dtype=np.float32))
    if isinstance(first, (tuple, list)):
        if any(len(example) != len(first) for example in examples):
            raise ValueError("default_collate: every example in a batch must have the same "
                             "number of fields")
        return tuple(default_collate([example[i] for example in examples])
                     for i in range(len(first)))
    if isinstance(first, dict):
        return {key: default_collate([example[key] for example in examples]) for key in first}
    raise TypeError("default_collate: don't know how to batch examples of type "
                    f"{type(first).__name__}")


def _batches_in_cpp(dataset):
    # The C++ loader gathers with Dataset::get_batch, which would bypass a Python __getitem__.
    return (isinstance(dataset, _data.Dataset)
            and type(dataset).__getitem__ is _data.Dataset.__getitem__)


class DataLoader:
    """Iterates over a dataset in batches (tuples of tensors).

    batch_size: examples per batch; shuffle: a new random order each epoch, drawn from the
    loader's own generator seeded with ``seed`` (or, when None, from the default generator, so
    ``striate.manual_seed`` fixes it); drop_last: skip the last incomplete batch.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None,
                 collate_fn=None):
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
            raise TypeError("DataLoader: batch_size should be an int, "
                            f"got {type(batch_size).__name__}")
        if batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size should be a positive integer, "
                             f"got {batch_size}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                                 or seed < 0):
            raise ValueError(f"DataLoader: seed should be a non-negative int or None, got {seed!r}")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError("DataLoader: the dataset must define __len__ and __getitem__, "
                            f"got {type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn or default_collate
        seed = None if seed is None else int(seed)
        if collate_fn is None and _batches_in_cpp(dataset):
            self._loader = _data.DataLoader(dataset, self.batch_size, self.shuffle,
                                            self.drop_last, seed)
            self._sampler = None
        else:
            self._loader = None
            self._sampler = _data.BatchSampler(len(dataset), self.batch_size, self.shuffle,
                                               self.drop_last, seed)

    def __len__(self):
        return len(self._loader) if self._loader is not None else len(self._sampler)

    def __iter__(self):
        if self._loader is not None:
            return iter(self._loader)
        return self._python_batches(self._sampler.next_epoch())

    def _python_batches(self, order):
        for batch in range(len(self._sampler)):
            indices = order[batch * self.batch_size:(batch + 1) * self.batch_size]
            yield self.collate_fn([self.dataset[index] for index in indices])


_FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                          "Sneaker", "Bag", "Ankle boot"]


class FashionMNIST(TensorDataset):
    """Fashion-MNIST from the IDX .gz files under root (the Debian package dataset-fashion-mnist
    installs them in /usr/share/datasets/fashion-mnist): images float32 (N, 1, 28, 28) in [0, 1],
    labels int64 (N). Example i is (image, label)."""

    classes = _FASHION_MNIST_CLASSES

    def __init__(self, root="/usr/share/datasets/fashion-mnist", train=True):
        root = os.fspath(root)
        split = "train" if train else "t10k"
        images = _data.load_mnist_images(os.path.join(root, f"{split}-images-idx3-ubyte.gz"))
        labels = _data.load_mnist_labels(os.path.join(root, f"{split}-labels-idx1-ubyte.gz"))
        super().__init__(images, labels)
        self.root = root
        self.train = bool(train)

    @property
    def data(self):
        return self.tensors[0]

    @property
    def targets(self):
        return self.tensors[1]

    def __repr__(self):
        split = "train" if self.train else "test"
        return f"FashionMNIST(split={split}, examples={len(self)}, root={self.root!r})"
