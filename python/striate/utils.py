"""striate.utils: torchvision.utils' make_grid and save_image, for the "show some images" step
of every tutorial.

    images, _ = next(iter(loader))
    striate.utils.save_image(images[:32], "batch.png", nrow=8, normalize=True)
"""

import math
import os

import numpy as np

__all__ = ["make_grid", "save_image"]


def _as_batch(tensor):
    """A float64 (B, C, H, W) array from a tensor, an array or a list of (C, H, W) images."""
    from ._C import Tensor

    if isinstance(tensor, (list, tuple)):
        if not tensor:
            raise ValueError("make_grid: expected a non-empty list of images")
        arrays = [_numpy(t, "make_grid") for t in tensor]
        shapes = {a.shape for a in arrays}
        if len(shapes) != 1:
            raise ValueError(f"make_grid: the images must have one shape, got {sorted(shapes)}")
        array = np.stack(arrays)
    elif isinstance(tensor, (Tensor, np.ndarray)):
        array = _numpy(tensor, "make_grid")
    else:
        raise TypeError(
            f"make_grid: expected a tensor or a list of tensors, got {type(tensor).__name__}"
        )
    if array.ndim == 2:  # one (H, W) image
        array = array[None]
    if array.ndim == 3:  # one (C, H, W) image
        array = array[None]
    if array.ndim != 4:
        raise ValueError(
            f"make_grid: expected images of 2, 3 or 4 dimensions, got shape {list(array.shape)}"
        )
    if array.shape[1] == 1:  # grey: three equal channels, as torchvision does
        array = np.concatenate([array] * 3, axis=1)
    return array


def _numpy(tensor, op):
    array = tensor.detach().cpu().numpy() if hasattr(tensor, "detach") else np.asarray(tensor)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{op}: expected numeric images, got dtype {array.dtype}")
    return array.astype(np.float64)


def _normalize(images, value_range):
    low, high = value_range if value_range is not None else (images.min(), images.max())
    images = np.clip(images, low, high)
    return (images - low) / max(high - low, 1e-5)


def make_grid(
    tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0
):
    """Tiles a batch of images (B, C, H, W), or a list of (C, H, W) images, into one image:
    `nrow` per row, `padding` pixels of `pad_value` around each. normalize=True maps
    `value_range` (default: the batch's min and max; with scale_each, each image's own) to [0, 1].
    One image comes back as it is (after normalization). Returns a (C, H', W') float32 tensor.

    Args:
        tensor (Tensor or list of Tensor): (B, C, H, W), or a list of (C, H, W) images.
        nrow (int): Images per row. Default: 8.
        padding (int): Pixels between and around the images. Default: 2.
        normalize (bool): Map ``value_range`` to [0, 1]. Default: False.
        value_range ((float, float), optional): The range mapped by normalize. Default: None.
        scale_each (bool): Normalize each image by its own range. Default: False.
        pad_value (float): The padding's value. Default: 0.0.

    Returns:
        Tensor: (C, H', W') float32.

    Example:
        >>> st.utils.make_grid(st.rand(6, 3, 8, 8), nrow=3).shape
        striate.Size([3, 22, 32])
    """
    from ._creation import tensor as make_tensor

    if isinstance(nrow, bool) or not isinstance(nrow, int) or nrow < 1:
        raise ValueError(f"make_grid: nrow should be a positive int, got {nrow!r}")
    if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
        raise ValueError(f"make_grid: padding should be a non-negative int, got {padding!r}")
    if value_range is not None and (not isinstance(value_range, tuple) or len(value_range) != 2):
        raise TypeError(f"make_grid: value_range should be a (min, max) tuple, got {value_range!r}")
    images = _as_batch(tensor)
    if normalize:
        if scale_each:
            images = np.stack([_normalize(image, value_range) for image in images])
        else:
            images = _normalize(images, value_range)
    batch, channels, height, width = images.shape
    if batch == 1:
        return make_tensor(images[0].astype(np.float32))
    columns = min(nrow, batch)
    rows = int(math.ceil(batch / columns))
    cell_h, cell_w = height + padding, width + padding
    grid = np.full(
        (channels, cell_h * rows + padding, cell_w * columns + padding), pad_value, dtype=np.float64
    )
    for k in range(batch):
        y, x = divmod(k, columns)
        top, left = y * cell_h + padding, x * cell_w + padding
        grid[:, top : top + height, left : left + width] = images[k]
    return make_tensor(grid.astype(np.float32))


def save_image(tensor, fp, format=None, **grid_kwargs):
    """make_grid(tensor, **grid_kwargs) written as an 8-bit image file (PNG, JPEG, ... from the
    file name or `format`), values in [0, 1] mapped to 0..255 with rounding, as torchvision
    does. The file is written atomically.

    Args:
        tensor (Tensor or list of Tensor): An image or a batch (see :func:`make_grid`).
        fp (str, PathLike or binary file): Where to write.
        format (str, optional): The image format when ``fp`` has no extension. Default: None.
        **grid_kwargs: Passed to :func:`make_grid`.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "grid.png")
        >>> st.utils.save_image(st.rand(4, 3, 8, 8), path, nrow=2)
        >>> os.path.getsize(path) > 0
        True
    """
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a default dependency
        raise ImportError("save_image needs Pillow: pip install Pillow") from None
    from .serialization import atomic_write

    grid = make_grid(tensor, **grid_kwargs).numpy()
    pixels = np.clip(grid * 255.0 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    image = Image.fromarray(pixels if pixels.shape[2] != 1 else pixels[:, :, 0])
    if hasattr(fp, "write"):
        image.save(fp, format=format)
        return
    path = os.fspath(fp)
    if format is None:
        extension = os.path.splitext(path)[1].lower().lstrip(".")
        format = Image.registered_extensions().get(f".{extension}")
        if format is None:
            raise ValueError(
                f"save_image: cannot tell the image format from {path!r}; pass "
                "format='PNG' or a name ending in .png/.jpg"
            )
    atomic_write(path, lambda f: image.save(f, format=format))
