"""striate.utils.make_grid / save_image, torchvision.utils' behaviour: grid geometry (nrow,
padding, pad_value, incomplete last row), grey images to three channels, normalize with the
batch's or a given range and scale_each, a single image unchanged, the 8-bit rounding of
save_image and its formats; bad arguments."""

import io

import numpy as np
import pytest
import striate as st
from helpers import to_np
from PIL import Image
from striate.utils import make_grid, save_image

rng = np.random.default_rng(0)


def expected_grid(images, nrow, padding, pad_value):
    b, c, h, w = images.shape
    cols = min(nrow, b)
    rows = -(-b // cols)
    grid = np.full((c, rows * (h + padding) + padding, cols * (w + padding) + padding), pad_value)
    for k in range(b):
        y, x = divmod(k, cols)
        top, left = y * (h + padding) + padding, x * (w + padding) + padding
        grid[:, top : top + h, left : left + w] = images[k]
    return grid


@pytest.mark.parametrize("b,nrow,padding", [(5, 2, 2), (8, 8, 0), (7, 3, 1), (3, 8, 4)])
def test_grid_geometry(b, nrow, padding):
    images = rng.random((b, 3, 4, 6)).astype(np.float32)
    grid = make_grid(st.tensor(images), nrow=nrow, padding=padding, pad_value=0.25)
    np.testing.assert_allclose(to_np(grid), expected_grid(images, nrow, padding, 0.25), rtol=1e-6)
    assert grid.dtype == st.float32


def test_grey_images_become_three_channels_and_lists_are_stacked():
    grey = rng.random((4, 1, 3, 3)).astype(np.float32)
    grid = make_grid([st.tensor(g) for g in grey], nrow=2)
    expected = expected_grid(np.repeat(grey, 3, axis=1), 2, 2, 0.0)
    np.testing.assert_allclose(to_np(grid), expected, rtol=1e-6)
    single = make_grid(st.tensor(grey[0, 0]))  # one (H, W) image: (3, H, W), no padding
    assert tuple(single.shape) == (3, 3, 3)


def test_normalize_ranges_and_scale_each():
    images = np.stack([np.full((3, 2, 2), 2.0), np.full((3, 2, 2), 6.0)]).astype(np.float32)
    images[0, 0, 0, 0] = 0.0
    grid = to_np(make_grid(st.tensor(images), normalize=True, padding=0))
    np.testing.assert_allclose(grid[:, :, :2], (images[0] - 0) / 6, rtol=1e-6)
    np.testing.assert_allclose(grid[:, :, 2:], np.ones((3, 2, 2)), rtol=1e-6)
    each = to_np(make_grid(st.tensor(images), normalize=True, scale_each=True, padding=0))
    np.testing.assert_allclose(each[:, :, :2], images[0] / 2, rtol=1e-6)
    np.testing.assert_allclose(each[:, :, 2:], np.zeros((3, 2, 2)), atol=1e-6)  # flat image
    ranged = to_np(make_grid(st.tensor(images), normalize=True, value_range=(2.0, 4.0), padding=0))
    np.testing.assert_allclose(ranged[:, :, 2:], np.ones((3, 2, 2)))  # clamped to the range
    assert ranged[0, 0, 0] == 0.0


def test_save_image_rounds_to_8_bits_and_writes_formats(tmp_path):
    images = rng.random((6, 3, 5, 5)).astype(np.float32)
    path = tmp_path / "grid.png"
    save_image(st.tensor(images), path, nrow=3)
    saved = np.asarray(Image.open(path))
    grid = expected_grid(images, 3, 2, 0.0)
    expected = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(saved, expected)
    buffer = io.BytesIO()
    save_image(st.tensor(images[0]), buffer, format="PNG")
    assert np.asarray(Image.open(io.BytesIO(buffer.getvalue()))).shape == (5, 5, 3)
    save_image(st.tensor(images), tmp_path / "grid.jpg")
    assert Image.open(tmp_path / "grid.jpg").format == "JPEG"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_bad_arguments():
    with pytest.raises(ValueError, match="make_grid: nrow should be a positive int, got 0"):
        make_grid(st.ones(2, 3, 4, 4), nrow=0)
    with pytest.raises(ValueError, match="make_grid: padding should be a non-negative int"):
        make_grid(st.ones(2, 3, 4, 4), padding=-1)
    with pytest.raises(ValueError, match="expected images of 2, 3 or 4 dimensions"):
        make_grid(st.ones(1, 2, 3, 4, 4))
    with pytest.raises(ValueError, match="the images must have one shape"):
        make_grid([st.ones(3, 4, 4), st.ones(3, 5, 4)])
    with pytest.raises(TypeError, match="make_grid: expected a tensor or a list"):
        make_grid("image")
    with pytest.raises(ValueError, match="save_image: cannot tell the image format"):
        save_image(st.ones(3, 4, 4), "/tmp/no_extension")
