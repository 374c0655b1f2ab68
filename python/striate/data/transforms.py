"""striate.data.transforms: image augmentation with torchvision's names and arguments.

Every transform is a C++ class (bound), so a dataset runs it in DataLoader worker threads
without the GIL. Images are striate Tensors (C, H, W) or batches (N, C, H, W), uint8 or
float32/float64; a batch shares one draw of the random parameters. Random draws come from the
augmentation generator: ``striate.manual_seed`` fixes direct calls, and the DataLoader seeds it
per example.

    import striate.data.transforms as T
    train_transform = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(),
                                 T.ToTensor(), T.Normalize((0.49, 0.48, 0.45), (0.25, 0.24, 0.26))])

Called from Python, each transform also takes a PIL image or an HWC NumPy array and returns a
CHW tensor (torchvision hands PIL back for PIL in). Differences from torchvision:
FiveCrop/TenCrop return one stacked tensor ((5|10, C, h, w), or (N, 5|10, C, h, w) for a batch)
instead of a tuple, ready for test-time averaging; ColorJitter's
grayscale is 0.299 R + 0.587 G + 0.114 B; rotation and affine with bilinear interpolation give
outside taps the fill value. Mixup and CutMix are batch-level: ``images, targets =
T.Mixup(alpha=0.2, num_classes=10)(images, labels)``.
"""

import enum

import numpy as np

from .._C import Tensor
from .. import _C

__all__ = [
    "InterpolationMode", "Transform", "Compose", "ToTensor", "Normalize", "RandomHorizontalFlip",
    "RandomVerticalFlip", "RandomCrop", "CenterCrop", "Resize", "RandomResizedCrop",
    "RandomRotation", "RandomAffine", "ColorJitter", "PCALighting", "RandomErasing", "Cutout",
    "FiveCrop", "TenCrop", "Mixup", "CutMix", "Pad", "Grayscale", "RandomGrayscale", "GaussianBlur",
    "RandomApply", "RandomChoice", "RandomOrder", "Lambda", "adjust_brightness",
    "adjust_contrast",
    "adjust_saturation", "adjust_hue",
]

_data = _C._data


class InterpolationMode(str, enum.Enum):
    """The interpolation modes the geometric transforms accept (strings work too).

    Example:
        >>> import striate.data.transforms as T
        >>> T.Resize(4, interpolation=T.InterpolationMode.NEAREST)(st.ones(1, 2, 2)).shape
        striate.Size([1, 4, 4])
    """

    NEAREST = "nearest"
    BILINEAR = "bilinear"


Transform = _data.Transform
Normalize = _data.Normalize
RandomHorizontalFlip = _data.RandomHorizontalFlip
RandomVerticalFlip = _data.RandomVerticalFlip
RandomCrop = _data.RandomCrop
CenterCrop = _data.CenterCrop
Resize = _data.Resize
RandomResizedCrop = _data.RandomResizedCrop
RandomRotation = _data.RandomRotation
RandomAffine = _data.RandomAffine
ColorJitter = _data.ColorJitter
PCALighting = _data.PCALighting
RandomErasing = _data.RandomErasing
Cutout = _data.Cutout
FiveCrop = _data.FiveCrop
TenCrop = _data.TenCrop
Mixup = _data.Mixup
CutMix = _data.CutMix
adjust_brightness = _data.adjust_brightness
adjust_contrast = _data.adjust_contrast
adjust_saturation = _data.adjust_saturation
adjust_hue = _data.adjust_hue

for _cls in (Transform, Mixup, CutMix):
    _cls.__module__ = __name__


def _to_chw_tensor(pic, name="ToTensor"):
    """A PIL image or an HWC (or HW) NumPy array as a CHW striate Tensor of the same dtype."""
    from .. import from_numpy

    if isinstance(pic, Tensor):
        return pic
    if isinstance(pic, np.ndarray):
        array = pic
    elif hasattr(pic, "getbands") and hasattr(pic, "size"):  # a PIL image, without importing PIL
        array = np.asarray(pic)
    else:
        raise TypeError(f"{name}: expected a striate.Tensor, a PIL image or a NumPy array, "
                        f"got {type(pic).__name__}")
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3:
        raise ValueError(f"{name}: expected an HWC or HW array, got an array of shape "
                         f"{array.shape}")
    if array.dtype == np.bool_:
        array = array.astype(np.uint8)
    if array.dtype not in (np.uint8, np.float32, np.float64):
        raise TypeError(f"{name}: expected uint8, float32 or float64 pixels, got {array.dtype}")
    return from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def _accepting_pictures(cpp_class):
    """The C++ image transform `cpp_class`, called from Python, also takes a PIL image or an HWC
    NumPy array (converted to a CHW tensor of the same dtype first; the result is a tensor). Inside
    a C++ Compose or a dataset the C++ call runs as it is."""

    def __call__(self, image):
        return cpp_class.__call__(self, _to_chw_tensor(image, cpp_class.__name__))

    return type(cpp_class.__name__, (cpp_class,), {
        "__call__": __call__, "__module__": __name__, "__doc__": cpp_class.__doc__,
        "__qualname__": cpp_class.__name__})


Normalize = _accepting_pictures(Normalize)
RandomHorizontalFlip = _accepting_pictures(RandomHorizontalFlip)
RandomVerticalFlip = _accepting_pictures(RandomVerticalFlip)
RandomCrop = _accepting_pictures(RandomCrop)
CenterCrop = _accepting_pictures(CenterCrop)
Resize = _accepting_pictures(Resize)
RandomResizedCrop = _accepting_pictures(RandomResizedCrop)
RandomRotation = _accepting_pictures(RandomRotation)
RandomAffine = _accepting_pictures(RandomAffine)
ColorJitter = _accepting_pictures(ColorJitter)
PCALighting = _accepting_pictures(PCALighting)
RandomErasing = _accepting_pictures(RandomErasing)
Cutout = _accepting_pictures(Cutout)
FiveCrop = _accepting_pictures(FiveCrop)
TenCrop = _accepting_pictures(TenCrop)
Pad = _accepting_pictures(_data.Pad)
Grayscale = _accepting_pictures(_data.Grayscale)
GaussianBlur = _accepting_pictures(_data.GaussianBlur)
RandomGrayscale = _accepting_pictures(_data.RandomGrayscale)


class ToTensor(_data.ToTensor):
    """uint8 pixels → float32 in [0, 1]; floating images pass through. Accepts a striate Tensor
    (C, H, W) / (N, C, H, W), a PIL image, or an HWC NumPy array (converted to CHW).

    Example:
        >>> import striate.data.transforms as T
        >>> T.ToTensor()(st.full((1, 1, 2), 255, dtype=st.uint8))
        tensor([[[1., 1.]]])
    """

    def __call__(self, pic):
        return super().__call__(_to_chw_tensor(pic))


ToTensor.__module__ = __name__


class _CppCompose(_data.Compose):
    """The C++ Compose (datasets run it without the GIL). Called from Python it also takes a PIL
    image or an HWC NumPy array, converted to a CHW tensor first as ToTensor does."""

    def __call__(self, image):
        if not isinstance(image, Tensor) and image is not None:
            image = _to_chw_tensor(image, "Compose")
        return super().__call__(image)


class _PythonCompose:
    """Compose with at least one plain Python callable: applies them in order, in Python."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, image):
        for transform in self.transforms:
            image = transform(image)
        return image

    def __repr__(self):
        lines = [f"    {transform!r}" for transform in self.transforms]
        return "Compose(\n" + "\n".join(lines) + ("\n" if lines else "") + ")"


def _members(name, transforms):
    """The transforms as a list, checked callable, and whether all are C++ transforms."""
    if isinstance(transforms, (str, bytes)) or not hasattr(transforms, "__iter__"):
        raise TypeError(f"{name}: expected a sequence of transforms, got "
                        f"{type(transforms).__name__}")
    transforms = list(transforms)
    for index, transform in enumerate(transforms):
        if not callable(transform):
            raise TypeError(f"{name}: transform {index} is not callable "
                            f"(got {type(transform).__name__})")
    return transforms, all(isinstance(transform, _data.Transform) for transform in transforms)


class _ComposeType(type):
    def __instancecheck__(cls, instance):
        return isinstance(instance, (_data.Compose, _PythonCompose))

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, (_data.Compose, _PythonCompose))


class Compose(metaclass=_ComposeType):
    """Composes transforms, applied in order. When every member is a striate transform the result
    is the C++ Compose (a Transform a dataset runs without the GIL); with any plain Python
    callable among them it runs in Python.

    Args:
        transforms (sequence): Transforms or callables, applied in order.

    Raises:
        TypeError: A member is not callable.

    Example:
        >>> import striate.data.transforms as T
        >>> pipeline = T.Compose([T.CenterCrop(4), T.Normalize((0.5,), (0.5,))])
        >>> pipeline(st.ones(1, 8, 8)).shape
        striate.Size([1, 4, 4])
    """

    def __new__(cls, transforms):
        transforms, native = _members("Compose", transforms)
        return _CppCompose(transforms) if native else _PythonCompose(transforms)


class _PythonRandomApply:
    """RandomApply with a plain Python callable among the transforms: runs in Python, drawing
    from the augmentation generator like the C++ one."""

    def __init__(self, transforms, p):
        self.transforms = transforms
        self.p = p

    def __call__(self, image):
        if _data._augmentation_uniform() >= self.p:
            return image
        for transform in self.transforms:
            image = transform(image)
        return image

    def __repr__(self):
        lines = [f"    p={self.p}"] + [f"    {transform!r}" for transform in self.transforms]
        return "RandomApply(\n" + "\n".join(lines) + "\n)"


_CppRandomApply = _accepting_pictures(_data.RandomApply)


def RandomApply(transforms, p=0.5):
    """Applies the transforms in order with probability p (one draw per call), else returns the
    image unchanged. C++ when every member is a striate transform (datasets run it without the
    GIL), Python otherwise.

    Args:
        transforms (sequence): The transforms.
        p (float): The probability of applying them. Default: 0.5.

    Raises:
        ValueError: ``p`` outside [0, 1].

    Example:
        >>> import striate.data.transforms as T
        >>> T.RandomApply([T.RandomHorizontalFlip(p=1.0)], p=1.0)(st.tensor([[[1., 2.]]]))
        tensor([[[2., 1.]]])
    """
    transforms, native = _members("RandomApply", transforms)
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"RandomApply: expected a probability p in [0, 1], got {p!r}")
    if native:
        return _CppRandomApply(transforms, float(p))
    return _PythonRandomApply(transforms, float(p))


_CppRandomChoice = _accepting_pictures(_data.RandomChoice)
_CppRandomOrder = _accepting_pictures(_data.RandomOrder)


class _PythonRandomChoice:
    def __init__(self, transforms, p):
        self.transforms = transforms
        weights = np.ones(len(transforms)) if p is None else np.asarray(p, dtype=np.float64)
        self._cumulative = np.cumsum(weights) / weights.sum()
        self.p = p

    def __call__(self, image):
        u = _data._augmentation_uniform()
        pick = min(int(np.searchsorted(self._cumulative, u, side="right")),
                   len(self.transforms) - 1)
        return self.transforms[pick](image)

    def __repr__(self):
        return "RandomChoice(\n" + "".join(f"    {t!r}\n" for t in self.transforms) + ")"


class _PythonRandomOrder:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, image):
        with_generator = [_data._augmentation_uniform() for _ in self.transforms]
        for index in np.argsort(with_generator, kind="stable"):
            image = self.transforms[index](image)
        return image

    def __repr__(self):
        return "RandomOrder(\n" + "".join(f"    {t!r}\n" for t in self.transforms) + ")"


def RandomChoice(transforms, p=None):
    """Applies one of the transforms, picked with probabilities proportional to p (uniform by
    default). C++ when every member is a striate transform, Python otherwise.

    Args:
        transforms (sequence): The candidates.
        p (sequence of floats, optional): Their weights. Default: None (uniform).

    Raises:
        ValueError: No transform, or weights of another length.

    Example:
        >>> import striate.data.transforms as T
        >>> T.RandomChoice([T.CenterCrop(2), T.CenterCrop(2)])(st.ones(1, 4, 4)).shape
        striate.Size([1, 2, 2])
    """
    transforms, native = _members("RandomChoice", transforms)
    if not transforms:
        raise ValueError("RandomChoice: expected at least one transform, got none")
    if p is not None:
        weights = np.asarray(p, dtype=np.float64)
        if weights.shape != (len(transforms),):
            raise ValueError(f"RandomChoice: expected {len(transforms)} probabilities (one per "
                             f"transform), got {np.size(weights)}")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError("RandomChoice: expected non-negative probabilities, not all zero")
    if native:
        return _CppRandomChoice(transforms, p)
    return _PythonRandomChoice(transforms, p)


def RandomOrder(transforms):
    """Applies all the transforms in a random order. C++ when every member is a striate
    transform, Python otherwise.

    Args:
        transforms (sequence): The transforms.

    Example:
        >>> import striate.data.transforms as T
        >>> flips = T.RandomOrder([T.RandomHorizontalFlip(1.0), T.RandomVerticalFlip(1.0)])
        >>> flips(st.tensor([[[1., 2.], [3., 4.]]]))
        tensor([[[4., 3.],
                 [2., 1.]]])
    """
    transforms, native = _members("RandomOrder", transforms)
    return _CppRandomOrder(transforms) if native else _PythonRandomOrder(transforms)


class Lambda:
    """A user function as a transform (Python: it runs under the GIL; prefer the C++ transforms
    in datasets that use worker threads).

    Args:
        lambd (callable): ``image -> image``.

    Raises:
        TypeError: ``lambd`` is not callable.

    Example:
        >>> import striate.data.transforms as T
        >>> T.Lambda(lambda x: x * 2)(st.ones(1))
        tensor([2.])
    """

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Lambda: expected a callable, got {type(lambd).__name__}")
        self.lambd = lambd

    def __call__(self, image):
        return self.lambd(image)

    def __repr__(self):
        return "Lambda()"
