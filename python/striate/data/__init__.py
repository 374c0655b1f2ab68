"""striate.data: datasets and the DataLoader. Tensor-backed datasets (TensorDataset, MNIST,
FashionMNIST, CIFAR10/100, and Subset/ConcatDataset/random_split over them) batch in C++ with the
GIL released, on C++ worker threads when num_workers > 0; any Python object with __len__ and
__getitem__ works too, its examples collated by stacking.

    train = data.FashionMNIST(train=True, transform=data.GaussianNoise(0.1))
    for images, labels in data.DataLoader(train, batch_size=128, shuffle=True, seed=0,
                                          num_workers=2):
        ...
"""

import os

from .. import _C
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .loader import DataLoader, default_collate, get_worker_info
from .sampler import (BatchSampler, DistributedSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)
from .vision import CIFAR10, CIFAR100, IMG_EXTENSIONS, MNIST, FashionMNIST, ImageFolder, pil_loader
from . import transforms  # so that striate.data.transforms works without its own import
from . import transforms_pil as _transforms_pil

# torchvision's picture-level transforms (Python, transforms_pil.py) join the C++ ones there.
for _name in _transforms_pil.__all__:
    setattr(transforms, _name, getattr(_transforms_pil, _name))
transforms.__all__ = transforms.__all__ + _transforms_pil.__all__
del _name

_data = _C._data

__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split", "DataLoader",
           "get_worker_info",
           "default_collate", "MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "ImageFolder",
           "IMG_EXTENSIONS", "pil_loader", "read_idx", "GaussianNoise", "augmentation_seed",
           "example_seed", "transforms", "Sampler", "SequentialSampler", "RandomSampler",
           "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler", "DistributedSampler"]

#: A C++ transform adding N(0, std^2) noise to float images (augmentation, and a handy way to
#: check that a pipeline's randomness is seeded).
GaussianNoise = _data.GaussianNoise
GaussianNoise.__module__ = "striate.data"
#: ``with augmentation_seed(seed):`` makes random transforms on this thread draw from a generator
#: seeded with ``seed`` (the loader wraps every example in one).
augmentation_seed = _data.augmentation_seed
#: The seed of example ``position`` of an epoch whose seed is ``epoch_seed`` (splitmix64).
example_seed = _data.example_seed


def read_idx(path):
    """Reads an IDX file (MNIST's format; raw or gzip) into a Tensor: uint8 for unsigned bytes,
    int64 for signed integer types, float32/float64 for float/double. Raises OSError naming the
    path for a missing, truncated or malformed file.

    Args:
        path (str or PathLike): An IDX file.

    Returns:
        Tensor: Of the file's dtype and shape.

    Raises:
        OSError: A missing, truncated or malformed file.

    Example:
        >>> labels = st.data.read_idx("fashion-mnist/t10k-labels-idx1-ubyte.gz")
        >>> labels.shape, labels.dtype
        (striate.Size([1000]), striate.uint8)
    """
    return _data.read_idx(os.fspath(path))
