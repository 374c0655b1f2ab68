"""Image datasets with torchvision's names and arguments: MNIST, FashionMNIST (IDX files),
CIFAR10, CIFAR100 (python-pickle or binary batches) and ImageFolder (Pillow).

MNIST-family images are float32 (N, 1, 28, 28) in [0, 1]; CIFAR images are stored as uint8
(N, 3, 32, 32) (``ToTensor`` converts); ImageFolder decodes to uint8 (3, H, W) RGB tensors.
Labels are int64 tensors (ImageFolder: ints); ``target_transform`` receives them as they are.

``download=True`` is accepted as torchvision's scripts pass it, but striate never opens a network
connection: it looks for the files in ``root`` (and torchvision's layouts under it), then in the
system's copy when there is one (Debian's dataset-fashion-mnist for FashionMNIST), and otherwise
raises one FileNotFoundError that says which files to put where, and where to get them.
"""

import os
import pickle
import stat

import numpy as np

from .. import _C
from .._restricted_pickle import UnsafeGlobalError, latin1_bytes, restricted_load
from .dataset import Dataset, _ImageTensorDataset

_data = _C._data

__all__ = ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "ImageFolder", "IMG_EXTENSIONS",
           "pil_loader"]


class MNIST(_ImageTensorDataset):
    """MNIST from ``{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`` found in ``root``, in
    ``root/<ClassName>/raw`` (torchvision's layout) or ``root/<ClassName>``. Example i is
    (image float32 (1, 28, 28) in [0, 1], label int64 0-d).

    Args:
        root (str or PathLike): The folder holding the files.
        train (bool): The training split, else the test split. Default: True.
        transform (callable, optional): Applied to each image (a C++ Transform runs in C++).
            Default: None.
        target_transform (callable, optional): Applied to each label. Default: None.
        download (bool): Refused with a clear error: striate downloads nothing. Default: False.

    Raises:
        OSError: The files are missing, truncated or malformed (the message names them).

    Example:
        >>> test = st.data.MNIST("fashion-mnist", train=False)
        >>> image, label = test[0]
        >>> image.shape, image.dtype, label.dtype
        (striate.Size([1, 28, 28]), striate.float32, striate.int64)
    """

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]
    # Folders where system packages install the files, searched when download=True.
    _system_copies = ("/usr/share/datasets/mnist",)
    _source = "https://yann.lecun.com/exdb/mnist/ (or a mirror torchvision lists)"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        root = os.fspath(root)
        name = type(self).__name__
        try:
            images_path, labels_path = _data.find_mnist_files(root, bool(train), name)
        except OSError as error:
            if not download:
                raise OSError(f"{error} (download=True also looks in this machine's system "
                              "copy; striate never downloads)") from None
            images_path, labels_path = self._system_copy(bool(train), error)
        images = _data.load_mnist_images(images_path)
        labels = _data.load_mnist_labels(labels_path)
        super().__init__(images, labels, transform, target_transform)
        self.root = root
        self.train = bool(train)

    def _system_copy(self, train, error):
        name = type(self).__name__
        for folder in self._system_copies:
            if os.path.isdir(folder):
                try:
                    return _data.find_mnist_files(folder, train, name)
                except OSError:
                    continue
        looked = "".join(f", '{folder}'" for folder in self._system_copies)
        raise FileNotFoundError(
            f"{name}: download=True, but striate never opens a network connection, and the files "
            f"are not on this machine ({error}{looked}). Put the four files (.gz or not) from "
            f"{self._source} in '<root>/{name}/raw'") from None

    @property
    def class_to_idx(self):
        """Maps each class name to its label.

        Returns:
            dict: ``{name: index}``, in the order of ``classes``.
        """
        return {name: i for i, name in enumerate(self.classes)}

    def __repr__(self):
        split = "train" if self.train else "test"
        lines = [f"{type(self).__name__}(split={split}, examples={len(self)}, root={self.root!r}"]
        if self.transform is not None:
            lines.append(f"transform={self.transform!r}")
        return ", ".join(lines) + ")"


class FashionMNIST(MNIST):
    """Fashion-MNIST (same files and layout as MNIST). The default root is where the Debian
    package dataset-fashion-mnist installs it.

    Args:
        root (str or PathLike): The folder holding the files.
            Default: ``'/usr/share/datasets/fashion-mnist'``.
        train (bool): The training split, else the test split. Default: True.
        transform (callable, optional): Applied to each image (a C++ Transform runs in C++).
            Default: None.
        target_transform (callable, optional): Applied to each label. Default: None.
        download (bool): Refused with a clear error: striate downloads nothing. Default: False.

    Example:
        >>> test = st.data.FashionMNIST("fashion-mnist", train=False)
        >>> len(test), test.classes[0]
        (1000, 'T-shirt/top')
    """

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    _system_copies = ("/usr/share/datasets/fashion-mnist",)
    _source = ("https://github.com/zalandoresearch/fashion-mnist (or `apt-get install "
               "dataset-fashion-mnist`, which needs no root argument)")

    def __init__(self, root="/usr/share/datasets/fashion-mnist", train=True, transform=None,
                 target_transform=None, download=False):
        super().__init__(root, train, transform, target_transform, download)


_CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                    "ship", "truck"]
_CIFAR100_CLASSES = [
    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle",
    "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle",
    "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch",
    "crab", "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox",
    "girl", "hamster", "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion",
    "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain", "mouse", "mushroom",
    "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
    "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road",
    "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake",
    "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone",
    "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale",
    "willow_tree", "wolf", "woman", "worm"]


def _numpy_private(module, name):
    """numpy's array-rebuilding function `name` from numpy._core (numpy 2) or numpy.core (1.x)."""
    import importlib

    for package in ("numpy._core", "numpy.core"):
        try:
            return getattr(importlib.import_module(f"{package}.{module}"), name)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"numpy has no {module}.{name}")


# What a CIFAR python batch holds - dicts, lists, strings, bytes, ints and uint8 arrays - needs
# only numpy's array rebuilding (under both module names numpy has written: _reconstruct up to
# pickle protocol 4, _frombuffer for 5) and, for pickles written by Python 3 with protocol 2, the
# bytes constructor _codecs.encode (admitted for latin1 only; _unpickle adds it, naming the file).
# Nothing else is resolved.
_CIFAR_GLOBALS = {
    (f"{package}.{module}", name): _numpy_private(module, name)
    for package in ("numpy.core", "numpy._core")
    for module, name in (("multiarray", "_reconstruct"), ("numeric", "_frombuffer"))
}
_CIFAR_GLOBALS.update({
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
})


def _open_regular(path, who, mode="rb"):
    """Opens a data file for reading, refusing anything but a regular file without blocking: a
    FIFO opened the ordinary way waits for a writer for ever, and a device may never end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise OSError(f"{who}: '{os.fspath(path)}' is {kind} (a FIFO, device or socket is "
                          "refused: reading it could block)")
        os.set_blocking(fd, True)
        return os.fdopen(fd, mode)
    except BaseException:
        os.close(fd)
        raise


def _unpickle(path, who):
    """The dict of one CIFAR python batch, read with the restricted unpickler: a file naming any
    other code raises OSError naming the file, and the code never runs."""

    def refusal(module, name):
        return (f"{who}: '{path}' refers to {module}.{name}, which a CIFAR batch never holds; "
                "refusing to load it (it could run code)")

    # The official batches are Python 2 pickles; latin1 keeps their byte strings intact.
    with _open_regular(path, who) as f:
        try:
            allowed = {**_CIFAR_GLOBALS, ("_codecs", "encode"): latin1_bytes(f"{who}: '{path}'")}
            entry = restricted_load(f, allowed, refusal, encoding="latin1")
        except UnsafeGlobalError as error:
            raise OSError(str(error)) from None
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError,
                AttributeError, MemoryError) as error:
            raise OSError(f"{who}: '{path}' is not a readable CIFAR batch ({type(error).__name__}: "
                          f"{error})") from None
    if not isinstance(entry, dict):
        raise OSError(f"{who}: '{path}' is not a CIFAR batch (expected a dict, got "
                      f"{type(entry).__name__})")
    return {key.decode() if isinstance(key, bytes) else key: value for key, value in entry.items()}


def _first_folder_with(folders, names):
    for folder in folders:
        if all(os.path.isfile(os.path.join(folder, name)) for name in names):
            return folder
    return None


class CIFAR10(_ImageTensorDataset):
    """CIFAR-10 from the python-pickle batches (``cifar-10-batches-py/data_batch_1..5``,
    ``test_batch``, ``batches.meta``) or the binary ones (``cifar-10-batches-bin/*.bin``, read in
    C++), in ``root`` or in those folders under it. Example i is (image uint8 (3, 32, 32), label
    int64 0-d); ``.data`` is uint8 (N, 3, 32, 32), ``.targets`` int64 (N).

    Args:
        root (str or PathLike): The folder holding the batches.
        train (bool): The training split, else the test split. Default: True.
        transform (callable, optional): Applied to each image (a C++ Transform runs in C++).
            Default: None.
        target_transform (callable, optional): Applied to each label. Default: None.
        download (bool): Refused with a clear error: striate downloads nothing. Default: False.

    Raises:
        OSError: The files are missing, truncated or malformed (the message names them).

    Example:
        >>> import os
        >>> if os.path.isdir("cifar-10-batches-py"):  # not bundled: runs where it is
        ...     train = st.data.CIFAR10(".", train=True)
    """

    _pickle_folder = "cifar-10-batches-py"
    _binary_folder = "cifar-10-batches-bin"
    _train_files = [f"data_batch_{i}" for i in range(1, 6)]
    _test_files = ["test_batch"]
    _meta = ("batches.meta", "label_names", "batches.meta.txt")
    _label_key = "labels"
    _cifar100 = False
    _default_classes = _CIFAR10_CLASSES

    _source = "https://www.cs.toronto.edu/~kriz/cifar.html (the python or the binary version)"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        root = os.fspath(root)
        train = bool(train)
        names = self._train_files if train else self._test_files
        folder = _first_folder_with([os.path.join(root, self._pickle_folder), root], names)
        if folder is not None:
            images, labels = self._load_pickles([os.path.join(folder, name) for name in names])
            classes = self._pickled_classes(folder)
        else:
            paths = _data.find_cifar_binary_files(root, self._cifar100, train)
            if not paths:
                missing = (
                    f"{type(self).__name__}: cannot find {', '.join(names)} (python batches) in "
                    f"'{os.path.join(root, self._pickle_folder)}' or '{root}', nor the binary "
                    f"batches in '{os.path.join(root, self._binary_folder)}'")
                if download:
                    missing += (". download=True, but striate never opens a network connection: "
                                f"unpack the archive from {self._source} into '{root}'")
                raise FileNotFoundError(missing)
            images, labels = _data.load_cifar_binary(paths, self._cifar100)
            classes = self._text_classes(os.path.dirname(paths[0]))
        super().__init__(images, labels, transform, target_transform)
        self.root = root
        self.train = train
        self.classes = classes or list(self._default_classes)
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def _load_pickles(self, paths):
        from .. import from_numpy

        images, labels = [], []
        who = type(self).__name__
        for path in paths:
            entry = _unpickle(path, who)
            if "data" not in entry or self._label_key not in entry:
                raise OSError(f"{who}: '{path}' is not a CIFAR batch (expected "
                              f"the keys 'data' and '{self._label_key}')")
            data = entry["data"]
            if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.size % 3072:
                raise OSError(f"{who}: '{path}' should hold 'data' as a uint8 array of 3x32x32 "
                              f"images, got {type(data).__name__} "
                              f"{getattr(data, 'dtype', '')} of shape "
                              f"{getattr(data, 'shape', '?')}")
            count = data.size // 3072
            try:
                batch_labels = np.asarray(entry[self._label_key])
            except (ValueError, TypeError, OverflowError) as error:
                batch_labels = error
            if not isinstance(batch_labels, np.ndarray) or batch_labels.dtype.kind not in "iu" \
                    or batch_labels.shape != (count,):
                raise OSError(f"{who}: '{path}' should hold '{self._label_key}' as {count} "
                              "integers, one per image")
            images.append(data.reshape(-1, 3, 32, 32))
            labels.extend(batch_labels.tolist())
        images = np.ascontiguousarray(np.concatenate(images))
        return from_numpy(images).clone(), from_numpy(np.asarray(labels, dtype=np.int64)).clone()

    def _pickled_classes(self, folder):
        meta_file, key, _ = self._meta
        path = os.path.join(folder, meta_file)
        if not os.path.isfile(path):
            return None
        return [str(name) for name in _unpickle(path, type(self).__name__).get(key, [])] or None

    def _text_classes(self, folder):
        path = os.path.join(folder, self._meta[2])
        if not os.path.isfile(path):
            return None
        with _open_regular(path, type(self).__name__, "r") as f:
            return [line.strip() for line in f if line.strip()] or None

    def __repr__(self):
        split = "train" if self.train else "test"
        return f"{type(self).__name__}(split={split}, examples={len(self)}, root={self.root!r})"


class CIFAR100(CIFAR10):
    """CIFAR-100 with its fine labels (100 classes), from ``cifar-100-python/{train,test,meta}``
    or the binary ``cifar-100-binary/{train,test}.bin`` (a coarse and a fine label byte per
    record).

    Args:
        root (str or PathLike): The folder holding the files.
        train (bool): The training split, else the test split. Default: True.
        transform (callable, optional): Applied to each image. Default: None.
        target_transform (callable, optional): Applied to each label. Default: None.
        download (bool): Refused: striate downloads nothing. Default: False.

    Raises:
        OSError: The files are missing, truncated or malformed.

    Example:
        >>> import os
        >>> if os.path.isdir("cifar-100-python"):  # not bundled: runs where it is
        ...     test = st.data.CIFAR100(".", train=False)
    """

    _pickle_folder = "cifar-100-python"
    _binary_folder = "cifar-100-binary"
    _train_files = ["train"]
    _test_files = ["test"]
    _meta = ("meta", "fine_label_names", "fine_label_names.txt")
    _label_key = "fine_labels"
    _cifar100 = True
    _default_classes = _CIFAR100_CLASSES


IMG_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".gif", ".webp")


def pil_loader(path):
    """Decodes an image file with Pillow into a uint8 (3, H, W) RGB tensor. A file that is not an
    image, is truncated or declares more pixels than Pillow's decompression-bomb limit raises
    OSError naming it.

    Args:
        path (str or PathLike): The image file.

    Returns:
        Tensor: uint8 (3, H, W).

    Raises:
        OSError: The file is not a readable image.

    Example:
        >>> import os, tempfile
        >>> from PIL import Image
        >>> path = os.path.join(tempfile.mkdtemp(), "red.png")
        >>> Image.new("RGB", (4, 2), (255, 0, 0)).save(path)
        >>> st.data.pil_loader(path).shape
        striate.Size([3, 2, 4])
    """
    from PIL import Image

    from .. import from_numpy

    with _open_regular(path, "pil_loader") as f:
        try:
            image = Image.open(f)
            pixels = np.asarray(image.convert("RGB"), dtype=np.uint8)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise OSError(f"pil_loader: cannot decode '{os.fspath(path)}' as an image "
                          f"({type(error).__name__}: {error})") from error
    return from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1)))


def verify_image(path):
    """Raises OSError naming `path` unless it is a regular file holding an image Pillow accepts
    (its header and structure; the pixels are not decoded)."""
    from PIL import Image

    with _open_regular(path, "ImageFolder") as f:
        try:
            with Image.open(f) as image:
                image.verify()
        except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as error:
            raise OSError(f"ImageFolder: '{os.fspath(path)}' is not a readable image "
                          f"({type(error).__name__}: {error})") from error


class ImageFolder(Dataset):
    """Images laid out as ``root/<class>/.../<image>``: classes are the sorted subfolder names,
    ``samples`` the (path, class index) pairs in sorted order. ``loader`` decodes a path
    (default: Pillow to a uint8 (3, H, W) RGB tensor); example i is (transform(image),
    target_transform(class index)).

    ``verify`` (default: on with the default loader) checks every image when the folder is
    scanned - a regular file whose header and structure Pillow accepts (``Image.verify``, no
    decoding) - so a corrupt or truncated image, a FIFO or a device raises an OSError naming the
    file here rather than mid-epoch.

    Args:
        root (str or PathLike): The folder of class folders.
        transform (callable, optional): Applied to each image. Default: None.
        target_transform (callable, optional): Applied to each class index. Default: None.
        loader (callable, optional): ``path -> image``. Default: None (:func:`pil_loader`).
        verify (bool, optional): Check every image when scanning. Default: None (on with the
            default loader).

    Raises:
        OSError: ``root`` has no class folder with an image, or an image is corrupt.

    Example:
        >>> import os, tempfile
        >>> from PIL import Image
        >>> root = tempfile.mkdtemp()
        >>> for name in ("cat", "dog"):
        ...     os.makedirs(os.path.join(root, name))
        ...     Image.new("RGB", (4, 4)).save(os.path.join(root, name, "0.png"))
        >>> folder = st.data.ImageFolder(root)
        >>> folder.classes, len(folder), folder[1][1]
        (['cat', 'dog'], 2, 1)
    """

    def __init__(self, root, transform=None, target_transform=None, loader=None, verify=None):
        root = os.fspath(root)
        if not os.path.isdir(root):
            raise FileNotFoundError(f"ImageFolder: '{root}' is not a folder")
        for name, value in (("transform", transform), ("target_transform", target_transform),
                            ("loader", loader)):
            if value is not None and not callable(value):
                raise TypeError(f"ImageFolder: {name} should be callable or None, "
                                f"got {type(value).__name__}")
        self.root = root
        self.transform = transform
        self.target_transform = target_transform
        self.loader = loader or pil_loader
        self.extensions = IMG_EXTENSIONS
        self.classes = sorted(entry.name for entry in os.scandir(root) if entry.is_dir())
        if not self.classes:
            raise FileNotFoundError(f"ImageFolder: found no class folders in '{root}' (expected "
                                    "root/<class>/<image> files)")
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        self.samples = []
        for name in self.classes:
            found = self._images_under(os.path.join(root, name))
            if not found:
                raise FileNotFoundError(
                    f"ImageFolder: found no image file in '{os.path.join(root, name)}' "
                    f"(supported extensions: {', '.join(IMG_EXTENSIONS)})")
            self.samples.extend((path, self.class_to_idx[name]) for path in found)
        if verify if verify is not None else loader is None:
            for path, _ in self.samples:
                verify_image(path)
        self.targets = [target for _, target in self.samples]
        self.imgs = self.samples

    @staticmethod
    def _images_under(folder):
        found = []
        for parent, subfolders, files in os.walk(folder, followlinks=True):
            subfolders.sort()
            for file in sorted(files):
                if file.lower().endswith(IMG_EXTENSIONS):
                    found.append(os.path.join(parent, file))
        return found

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"ImageFolder: index {index} is out of range for {len(self)} images")
        path, target = self.samples[index]
        image = self.loader(path)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __repr__(self):
        return (f"ImageFolder(root={self.root!r}, classes={len(self.classes)}, "
                f"images={len(self)})")
