"""torchvision's (v1) picture-level transforms, in Python: conversions between PIL images and
tensors (PILToTensor, ToPILImage, ConvertImageDtype) and the random photometric ones of the
auto-augment family (RandomInvert, RandomPosterize, RandomSolarize, RandomAutocontrast,
RandomEqualize, RandomAdjustSharpness). A PIL image goes through Pillow's ImageOps /
ImageEnhance (as torchvision does, so results are the same); a CHW tensor through striate's ops
where torchvision has a tensor form (invert, solarize, autocontrast on floats in [0, 1] or uint8,
posterize on uint8). Each random one applies with probability p, drawn from striate's generator.

    transforms.Compose([transforms.RandomAutocontrast(), transforms.ToTensor()])
"""

import numpy as np

from .. import _C

__all__ = ["PILToTensor", "ToPILImage", "ConvertImageDtype", "RandomInvert", "RandomPosterize",
           "RandomSolarize", "RandomAutocontrast", "RandomEqualize", "RandomAdjustSharpness"]


def _st():
    import striate

    return striate


def _is_picture(image):
    return hasattr(image, "getbands") and hasattr(image, "size")


def _bound(image, name):
    if image.dtype == _C.dtype.uint8:
        return 255
    if image.is_floating_point():
        return 1.0
    raise TypeError(f"{name}: expected a uint8 or floating-point image tensor, got {image.dtype}")


def _check(image, name):
    if _is_picture(image):
        return image
    if not isinstance(image, _C.Tensor):
        raise TypeError(f"{name}: expected a PIL image or a striate.Tensor, got "
                        f"{type(image).__name__}")
    if image.dim() < 2:
        raise ValueError(f"{name}: expected an image tensor (..., H, W), got shape "
                         f"{list(image.shape)}")
    return image


def _probability(p, name):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: expected p in [0, 1], got {p}")
    return p


class PILToTensor:
    """A PIL image as a CHW tensor of its own pixel type (uint8; no scaling).

    Example:
        >>> from PIL import Image
        >>> import striate.data.transforms as T
        >>> picture = Image.new("RGB", (4, 2), color=(255, 0, 10))
        >>> x = T.PILToTensor()(picture)
        >>> x.shape, x.dtype
        (striate.Size([3, 2, 4]), striate.uint8)
        >>> x[:, 0, 0]
        tensor([255,   0,  10], dtype=striate.uint8)
    """

    def __call__(self, pic):
        if not _is_picture(pic):
            raise TypeError(f"PILToTensor: expected a PIL image, got {type(pic).__name__}")
        array = np.asarray(pic)
        if array.ndim == 2:
            array = array[:, :, None]
        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        return _st().from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))

    def __repr__(self):
        return "PILToTensor()"


class ToPILImage:
    """A CHW tensor (floats in [0, 1] are scaled by 255 and truncated to uint8, as torchvision
    does) or an HWC NumPy array as a PIL image; mode as PIL's (None: from the channels).

    Example:
        >>> import striate.data.transforms as T
        >>> picture = T.ToPILImage()(st.ones(3, 2, 4))
        >>> picture.size, picture.mode
        ((4, 2), 'RGB')
        >>> picture.getpixel((0, 0))
        (255, 255, 255)
        >>> T.ToPILImage()(st.zeros(1, 2, 2)).mode
        'L'
    """

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        from PIL import Image

        if isinstance(pic, _C.Tensor):
            if pic.dim() == 2:
                pic = pic.unsqueeze(0)
            if pic.dim() != 3:
                raise ValueError(f"ToPILImage: expected a (C, H, W) or (H, W) tensor, got shape "
                                 f"{list(pic.shape)}")
            if pic.is_floating_point() and self.mode != "F":
                pic = (pic * 255).to(_C.dtype.uint8)
            array = pic.detach().cpu().numpy().transpose(1, 2, 0)
        elif isinstance(pic, np.ndarray):
            array = pic if pic.ndim == 3 else pic[:, :, None]
        else:
            raise TypeError(f"ToPILImage: expected a striate.Tensor or a NumPy array, got "
                            f"{type(pic).__name__}")
        channels = array.shape[2]
        if channels not in (1, 2, 3, 4):
            raise ValueError(f"ToPILImage: expected 1 to 4 channels, got {channels}")
        if channels == 1:
            array = array[:, :, 0]
        return Image.fromarray(np.ascontiguousarray(array), mode=self.mode)

    def __repr__(self):
        return f"ToPILImage(mode={self.mode})" if self.mode else "ToPILImage()"


class ConvertImageDtype:
    """An image tensor converted to dtype with its value range: uint8 [0, 255] <-> float [0, 1]
    (float to uint8 multiplies by 255.999, torchvision's rounding); float to float casts.

    Example:
        >>> import striate.data.transforms as T
        >>> image = st.tensor([[[0, 128, 255]]], dtype=st.uint8)
        >>> T.ConvertImageDtype(st.float32)(image)
        tensor([[[0.0000, 0.5020, 1.0000]]])
        >>> T.ConvertImageDtype(st.uint8)(st.tensor([[[0.0, 0.5, 1.0]]]))
        tensor([[[  0, 127, 255]]], dtype=striate.uint8)
    """

    def __init__(self, dtype):
        self.dtype = dtype

    def __call__(self, image):
        image = _check(image, "ConvertImageDtype")
        if _is_picture(image):
            raise TypeError("ConvertImageDtype: expected a tensor, got a PIL image "
                            "(PILToTensor() first)")
        if image.dtype == self.dtype:
            return image
        source_float, target_float = image.is_floating_point(), self.dtype in (
            _C.dtype.float32, _C.dtype.float64)
        if source_float and target_float:
            return image.to(self.dtype)
        if source_float and self.dtype == _C.dtype.uint8:
            return (image * (255 + 1.0 - 1e-3)).to(_C.dtype.uint8)
        if image.dtype == _C.dtype.uint8 and target_float:
            return image.to(self.dtype) / 255
        raise TypeError(f"ConvertImageDtype: converting {image.dtype} to {self.dtype} is not "
                        "supported (uint8 and floating-point images only)")

    def __repr__(self):
        return f"ConvertImageDtype(dtype={self.dtype})"


class _RandomPicture:
    """Applies _apply(image) with probability p."""

    name = ""

    def __init__(self, p=0.5):
        self.p = _probability(p, self.name)

    def __call__(self, image):
        image = _check(image, self.name)
        if self.p < 1.0 and _st().rand(1).item() >= self.p:
            return image
        return self._apply(image)

    def _tensor_only(self, what):
        raise NotImplementedError(f"{self.name}: {what}; pass a PIL image (torchvision's tensor "
                                  "form is not implemented)")

    def _repr_arguments(self):
        return f"p={self.p}"

    def __repr__(self):
        return f"{self.name}({self._repr_arguments()})"


class RandomInvert(_RandomPicture):
    """Inverts the colours (bound - x) with probability p.

    Example:
        >>> import striate.data.transforms as T
        >>> image = st.tensor([[[0, 100, 255]]], dtype=st.uint8)
        >>> T.RandomInvert(p=1.0)(image)
        tensor([[[255, 155,   0]]], dtype=striate.uint8)
        >>> T.RandomInvert(p=1.0)(st.tensor([[[0.25]]]))
        tensor([[[0.7500]]])
    """

    name = "RandomInvert"

    def _apply(self, image):
        if _is_picture(image):
            from PIL import ImageOps

            return ImageOps.invert(image)
        return _bound(image, self.name) - image


class RandomPosterize(_RandomPicture):
    """Keeps the top `bits` bits of each channel with probability p (PIL images, uint8
    tensors).

    Example:
        >>> import striate.data.transforms as T
        >>> image = st.tensor([[[7, 100, 255]]], dtype=st.uint8)
        >>> T.RandomPosterize(bits=2, p=1.0)(image)
        tensor([[[  0,  64, 192]]], dtype=striate.uint8)
    """

    name = "RandomPosterize"

    def __init__(self, bits, p=0.5):
        super().__init__(p)
        if not isinstance(bits, int) or not 0 <= bits <= 8:
            raise ValueError(f"RandomPosterize: expected bits as an int in [0, 8], got {bits!r}")
        self.bits = bits

    def _apply(self, image):
        if _is_picture(image):
            from PIL import ImageOps

            return ImageOps.posterize(image, self.bits)
        if image.dtype != _C.dtype.uint8:
            raise TypeError(f"RandomPosterize: expected a uint8 tensor, got {image.dtype}")
        step = 2 ** (8 - self.bits)
        return ((image.to(_C.dtype.float32) / step).floor() * step).to(_C.dtype.uint8)

    def _repr_arguments(self):
        return f"bits={self.bits},p={self.p}"


class RandomSolarize(_RandomPicture):
    """Inverts the values at or above threshold with probability p.

    Example:
        >>> import striate.data.transforms as T
        >>> image = st.tensor([[[10, 100, 200]]], dtype=st.uint8)
        >>> T.RandomSolarize(threshold=128, p=1.0)(image)
        tensor([[[ 10, 100,  55]]], dtype=striate.uint8)
    """

    name = "RandomSolarize"

    def __init__(self, threshold, p=0.5):
        super().__init__(p)
        self.threshold = threshold

    def _apply(self, image):
        if _is_picture(image):
            from PIL import ImageOps

            return ImageOps.solarize(image, self.threshold)
        bound = _bound(image, self.name)
        if self.threshold > bound:
            raise ValueError(f"RandomSolarize: threshold {self.threshold} is above the image's "
                             f"maximum {bound}")
        return _st().where(image >= self.threshold, bound - image, image)

    def _repr_arguments(self):
        return f"threshold={self.threshold},p={self.p}"


class RandomAutocontrast(_RandomPicture):
    """Stretches each channel's range to the full one with probability p.

    Example:
        >>> import striate.data.transforms as T
        >>> image = st.tensor([[[0.25, 0.5, 0.75]]])
        >>> T.RandomAutocontrast(p=1.0)(image)
        tensor([[[0.0000, 0.5000, 1.0000]]])
    """

    name = "RandomAutocontrast"

    def _apply(self, image):
        if _is_picture(image):
            from PIL import ImageOps

            return ImageOps.autocontrast(image)
        bound = _bound(image, self.name)
        work = image if image.is_floating_point() else image.to(_C.dtype.float32)
        low = work.min(-1, keepdim=True)[0].min(-2, keepdim=True)[0]
        high = work.max(-1, keepdim=True)[0].max(-2, keepdim=True)[0]
        flat = high == low
        scale = bound / _st().where(flat, _st().ones_like(high), high - low)
        low = _st().where(flat, _st().zeros_like(low), low)
        out = ((work - low) * scale).clamp(0, bound)
        return out if image.is_floating_point() else out.to(image.dtype)


class RandomEqualize(_RandomPicture):
    """Equalizes the histogram with probability p (PIL images).

    Example:
        >>> from PIL import Image
        >>> import striate.data.transforms as T
        >>> picture = Image.new("L", (4, 4), color=100)
        >>> T.RandomEqualize(p=1.0)(picture).size
        (4, 4)
        >>> T.RandomEqualize(p=0.0)(st.zeros(1, 4, 4)).shape
        striate.Size([1, 4, 4])
    """

    name = "RandomEqualize"

    def _apply(self, image):
        if not _is_picture(image):
            self._tensor_only("histogram equalization of a tensor")
        from PIL import ImageOps

        return ImageOps.equalize(image)


class RandomAdjustSharpness(_RandomPicture):
    """Sharpens (factor > 1) or blurs (< 1) with probability p (PIL images).

    Example:
        >>> from PIL import Image
        >>> import striate.data.transforms as T
        >>> picture = Image.new("RGB", (8, 8), color=(30, 60, 90))
        >>> sharper = T.RandomAdjustSharpness(sharpness_factor=2.0, p=1.0)(picture)
        >>> sharper.size, sharper.getpixel((4, 4))
        ((8, 8), (30, 60, 90))
    """

    name = "RandomAdjustSharpness"

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p)
        if sharpness_factor < 0:
            raise ValueError(f"RandomAdjustSharpness: expected sharpness_factor >= 0, got "
                             f"{sharpness_factor}")
        self.sharpness_factor = float(sharpness_factor)

    def _apply(self, image):
        if not _is_picture(image):
            self._tensor_only("sharpening a tensor")
        from PIL import ImageEnhance

        return ImageEnhance.Sharpness(image).enhance(self.sharpness_factor)

    def _repr_arguments(self):
        return f"sharpness_factor={self.sharpness_factor},p={self.p}"
