"""Dataset classes: the Dataset protocol, TensorDataset, Subset, ConcatDataset, random_split.

C++ datasets (TensorDataset and the datasets built on it) batch in C++; Subset, ConcatDataset and
random_split over them give C++ views, so batching stays in C++. Over any other dataset they give
the Python views below.
"""

import abc
import bisect
import numbers

from .. import _C

_data = _C._data

__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split"]

TensorDataset = _data.TensorDataset
TensorDataset.__module__ = "striate.data"


class Dataset(metaclass=abc.ABCMeta):
    """Base class for map-style datasets: implement __len__ and __getitem__(index).
    The C++ datasets count as Datasets too (``isinstance(TensorDataset(x), Dataset)``).

    Example:
        >>> class Squares(st.data.Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return st.tensor(float(i * i))
        >>> next(iter(st.data.DataLoader(Squares(), batch_size=4)))
        tensor([0., 1., 4., 9.])
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def __add__(self, other):
        return ConcatDataset([self, other])


Dataset.register(_data.Dataset)


class _ImageTensorDataset(TensorDataset):
    """A TensorDataset of (image, label) with torchvision's transform/target_transform: a C++
    Transform goes into the C++ dataset (applied when batching in C++, also on worker threads);
    any other callable is applied here in __getitem__, and the loader then takes the Python path."""

    def __init__(self, images, labels, transform=None, target_transform=None):
        for name, value in (("transform", transform), ("target_transform", target_transform)):
            if value is not None and not callable(value):
                raise TypeError(f"{type(self).__name__}: {name} should be callable or None, "
                                f"got {type(value).__name__}")
        cpp_transform = transform if isinstance(transform, _data.Transform) else None
        super().__init__(images, labels, transform=cpp_transform)
        self.transform = transform
        self.target_transform = target_transform
        self._python_transforms = ((transform is not None and cpp_transform is None)
                                   or target_transform is not None)

    def __getitem__(self, index):
        image, label = _data.Dataset.__getitem__(self, index)  # applies a C++ transform
        if self.transform is not None and not isinstance(self.transform, _data.Transform):
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    @property
    def data(self):
        """The images, a uint8 tensor (N, C, H, W) (or (N, H, W) for MNIST)."""
        return self.tensors[0]

    @property
    def targets(self):
        """The labels, an int64 tensor (N,)."""
        return self.tensors[1]


def _batches_in_cpp(dataset):
    """True when the C++ loader may batch `dataset` with Dataset::get_batch, which would bypass a
    __getitem__ written in Python."""
    if not isinstance(dataset, _data.Dataset):
        return False
    getitem = type(dataset).__getitem__
    if getitem is _data.Dataset.__getitem__:
        return True
    return getitem is _ImageTensorDataset.__getitem__ and not dataset._python_transforms


def _index_list(owner, indices, size):
    indices = [int(i) for i in indices]
    for index in indices:
        if not -size <= index < size:
            raise IndexError(f"{owner}: index {index} is out of range for a dataset of "
                             f"{size} examples")
    return [i + size if i < 0 else i for i in indices]


class Subset(Dataset):
    """The examples ``indices`` of ``dataset``, in that order. Over a C++ dataset this returns the
    C++ Subset (``.dataset``, ``.indices``), which the loader batches in C++.

    Args:
        dataset (Dataset): The whole dataset.
        indices (sequence of ints): The examples to keep.

    Example:
        >>> ds = st.data.TensorDataset(st.arange(10))
        >>> sub = st.data.Subset(ds, [2, 5])
        >>> len(sub), sub[1]
        (2, (tensor(5),))
    """

    def __new__(cls, dataset, indices):
        if cls is Subset and _batches_in_cpp(dataset):
            return _data.Subset(dataset, _index_list("Subset", indices, len(dataset)))
        return super().__new__(cls)

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = _index_list("Subset", indices, len(dataset))

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"Subset: index {index} is out of range for {len(self)} examples")
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


Subset.register(_data.Subset)


class ConcatDataset(Dataset):
    """The datasets one after another. When all of them batch in C++, this returns the C++
    ConcatDataset (``.datasets``, ``.cumulative_sizes``).

    Args:
        datasets (iterable of Dataset): The datasets.

    Example:
        >>> a = st.data.TensorDataset(st.arange(3))
        >>> b = st.data.TensorDataset(st.arange(3, 5))
        >>> both = st.data.ConcatDataset([a, b])
        >>> len(both), both[3]
        (5, (tensor(3),))
    """

    def __new__(cls, datasets):
        datasets = list(datasets)
        if cls is ConcatDataset and datasets and all(_batches_in_cpp(d) for d in datasets):
            return _data.ConcatDataset(datasets)
        return super().__new__(cls)

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: expected at least one dataset")
        self.cumulative_sizes = []
        total = 0
        for dataset in self.datasets:
            total += len(dataset)
            self.cumulative_sizes.append(total)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"ConcatDataset: index {index} is out of range for {len(self)} "
                             "examples")
        if index < 0:
            index += len(self)
        dataset = bisect.bisect_right(self.cumulative_sizes, index)
        offset = self.cumulative_sizes[dataset - 1] if dataset > 0 else 0
        return self.datasets[dataset][index - offset]


ConcatDataset.register(_data.ConcatDataset)


def random_split(dataset, lengths, generator=None, seed=None):
    """Splits ``dataset`` into non-overlapping random Subsets of the given ``lengths`` (ints
    summing to len(dataset), or fractions summing to 1: floor of each, the remainder handed out
    one by one from the first part). The permutation comes from ``seed``, or from ``generator``
    (a striate.Generator, as in PyTorch, or an int seed), or else from the default generator, so
    ``striate.manual_seed`` fixes it. The same seed gives the same split, in C++ too.

    Args:
        dataset (Dataset): The dataset.
        lengths (sequence of ints or floats): The parts' sizes, or fractions summing to 1.
        generator (Generator or int, optional): The random source. Default: None.
        seed (int, optional): A seed for the permutation (keyword). Default: None.

    Returns:
        list of Subset: One per length.

    Raises:
        ValueError: The lengths do not sum to ``len(dataset)`` (or the fractions to 1).

    Example:
        >>> train, val = st.data.random_split(st.data.TensorDataset(st.arange(10)), [0.8, 0.2],
        ...                                   seed=0)
        >>> len(train), len(val)
        (8, 2)
    """
    from .._generator import Generator

    if generator is not None and seed is not None:
        raise ValueError("random_split: pass generator or seed, not both")
    if isinstance(generator, Generator) or (seed is None and generator is None):
        from .. import randint

        seed = int(randint(0, 2**62, (1,), generator=generator).item())
    elif seed is None:
        seed = generator
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"random_split: seed should be a non-negative int, got {seed!r}")
    lengths = list(lengths)
    for length in lengths:
        if isinstance(length, bool) or not isinstance(length, numbers.Real):
            raise TypeError("random_split: lengths should be ints or fractions, got "
                            f"{type(length).__name__}")
    if any(not isinstance(length, numbers.Integral) for length in lengths):
        lengths = _data.split_lengths(len(dataset), [float(f) for f in lengths])
    parts = _data.random_split_indices(len(dataset), [int(n) for n in lengths], int(seed))
    return [Subset(dataset, indices) for indices in parts]
