"""Tests of striate.data.transforms: exact pixels on small hand-made images against NumPy/PyTorch
references (torchvision is not installed), determinism under manual_seed, uint8 and float inputs,
and the errors bad arguments raise. Colour, occlusion and mixing: test_transforms_color.py."""

import time

import numpy as np
import pytest
import striate as st
import striate.data.transforms as T
import torch
import torch.nn.functional as torch_F


def image(shape, dtype=np.uint8, seed=0, low=1):
    """A random image with no zero pixels (so erased or cut-out regions are visible)."""
    rng = np.random.default_rng(seed)
    if dtype == np.uint8:
        return rng.integers(low, 256, size=shape).astype(np.uint8)
    return rng.uniform(0.05, 1.0, size=shape).astype(dtype)


def run(transform, array, seed=0):
    st.manual_seed(seed)
    return transform(st.from_numpy(np.ascontiguousarray(array))).numpy()


def params_of(get_params, seed, *args):
    st.manual_seed(seed)
    return get_params(*args)


# ---------------------------------------------------------------------------------------------
# ToTensor, Normalize, Compose

def test_to_tensor_scales_uint8_and_passes_float():
    arr = image((3, 4, 5))
    out = T.ToTensor()(st.from_numpy(arr))
    assert out.dtype == st.float32
    np.testing.assert_array_equal(out.numpy(), arr.astype(np.float32) / np.float32(255))
    floats = image((3, 4, 5), np.float64)
    np.testing.assert_array_equal(T.ToTensor()(st.from_numpy(floats)).numpy(), floats)


def test_to_tensor_accepts_hwc_numpy_and_pil():
    from PIL import Image

    hwc = image((4, 5, 3))
    expected = hwc.transpose(2, 0, 1).astype(np.float32) / 255
    np.testing.assert_allclose(T.ToTensor()(hwc).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(T.ToTensor()(Image.fromarray(hwc)).numpy(), expected, rtol=1e-6)
    gray = image((4, 5))
    assert tuple(T.ToTensor()(Image.fromarray(gray)).shape) == (1, 4, 5)
    with pytest.raises(TypeError, match="ToTensor"):
        T.ToTensor()("not an image")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normalize_matches_formula(dtype):
    arr = image((2, 3, 4, 5), dtype)
    mean, std = (0.5, 0.4, 0.3), (0.2, 0.25, 0.5)
    out = T.Normalize(mean, std)(st.from_numpy(arr)).numpy()
    expected = (arr - np.array(mean)[:, None, None]) / np.array(std)[:, None, None]
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)
    assert out.dtype == dtype


def test_normalize_inplace_and_strided_input():
    arr = image((3, 4, 5), np.float32)
    x = st.from_numpy(arr.copy())
    out = T.Normalize([0.5], [0.5], inplace=True)(x)
    np.testing.assert_allclose(x.numpy(), (arr - 0.5) / 0.5, rtol=1e-6)
    np.testing.assert_allclose(out.numpy(), (arr - 0.5) / 0.5, rtol=1e-6)
    transposed = st.from_numpy(image((3, 5, 4), np.float32)).permute(0, 2, 1)
    expected = (transposed.numpy() - 0.1) / 2
    np.testing.assert_allclose(T.Normalize(0.1, 2)(transposed).numpy(), expected, rtol=1e-6)


def test_normalize_errors():
    x = st.from_numpy(image((3, 4, 4), np.float32))
    with pytest.raises(ValueError, match="Normalize: expected mean as 1 value or one per channel"):
        T.Normalize((0.5, 0.5), (0.5, 0.5))(x)
    with pytest.raises(ValueError, match="Normalize: std evaluated to zero"):
        T.Normalize((0.5, 0.5, 0.5), (0.5, 0.0, 0.5))
    with pytest.raises(TypeError, match="Normalize: expected a floating-point image"):
        T.Normalize(0.5, 0.5)(st.from_numpy(image((3, 4, 4))))


def test_compose_cpp_and_python():
    arr = image((3, 6, 6))
    composed = T.Compose([T.RandomHorizontalFlip(1.0), T.ToTensor()])
    assert isinstance(composed, st._C._data.Transform)
    assert isinstance(composed, T.Compose)
    np.testing.assert_allclose(composed(st.from_numpy(arr)).numpy(), arr[:, :, ::-1] / 255.0,
                               rtol=1e-6)
    with_python = T.Compose([T.RandomVerticalFlip(1.0), lambda x: x * 2])
    assert isinstance(with_python, T.Compose)
    assert not isinstance(with_python, st._C._data.Transform)
    floats = image((3, 6, 6), np.float32)
    np.testing.assert_allclose(with_python(st.from_numpy(floats)).numpy(), floats[:, ::-1] * 2,
                               rtol=1e-6)
    assert repr(composed) == "Compose(\n    RandomHorizontalFlip(p=1.0)\n    ToTensor()\n)"
    assert repr(with_python).startswith("Compose(\n    RandomVerticalFlip(p=1.0)\n")
    from PIL import Image

    pipeline = T.Compose([T.ToTensor(), T.Normalize(0.5, 0.5)])
    hwc = image((4, 5, 3))
    np.testing.assert_allclose(pipeline(Image.fromarray(hwc)).numpy(),
                               (hwc.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5, rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match="Compose: expected a striate.Tensor, a PIL image"):
        pipeline(3)
    with pytest.raises(TypeError, match="Compose: transform 1 is not callable"):
        T.Compose([T.ToTensor(), 3])


# ---------------------------------------------------------------------------------------------
# Flips and crops

@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_flips_reverse_columns_and_rows(dtype):
    arr = image((2, 3, 5, 7), dtype)
    np.testing.assert_array_equal(run(T.RandomHorizontalFlip(1.0), arr), arr[..., ::-1])
    np.testing.assert_array_equal(run(T.RandomVerticalFlip(1.0), arr), arr[..., ::-1, :])
    np.testing.assert_array_equal(run(T.RandomHorizontalFlip(0.0), arr), arr)
    outcomes = {run(T.RandomHorizontalFlip(0.5), arr, seed).tobytes() for seed in range(20)}
    assert outcomes == {arr.tobytes(), np.ascontiguousarray(arr[..., ::-1]).tobytes()}


def test_flip_of_a_transposed_view():
    arr = image((3, 6, 4))
    view = st.from_numpy(arr).permute(0, 2, 1)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(1.0)(view).numpy(),
                                  arr.transpose(0, 2, 1)[..., ::-1])


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_random_crop_with_padding_is_a_slice_of_the_padded_image(mode, dtype):
    arr = image((3, 9, 11), dtype)
    fill = 7 if mode == "constant" else 0
    transform = T.RandomCrop((8, 10), padding=4, fill=fill, padding_mode=mode)
    kwargs = {"constant_values": 7} if mode == "constant" else {}
    padded = np.pad(arr, ((0, 0), (4, 4), (4, 4)), mode=mode, **kwargs)
    crops = set()
    for seed in range(6):
        top, left, h, w = params_of(T.RandomCrop.get_params, seed, st.from_numpy(padded), (8, 10))
        expected = padded[:, top:top + h, left:left + w]
        np.testing.assert_array_equal(run(transform, arr, seed), expected)
        crops.add((top, left))
    assert len(crops) > 1


def test_random_crop_four_sided_padding_and_pad_if_needed():
    arr = image((2, 5, 6))
    transform = T.RandomCrop(6, padding=(1, 2, 3, 0), padding_mode="edge")
    padded = np.pad(arr, ((0, 0), (2, 0), (1, 3)), mode="edge")
    top, left, h, w = params_of(T.RandomCrop.get_params, 3, st.from_numpy(padded), (6, 6))
    np.testing.assert_array_equal(run(transform, arr, 3), padded[:, top:top + h, left:left + w])
    # pad_if_needed pads each too-small side by the deficit on both sides, as torchvision does.
    needed = T.RandomCrop((9, 8), pad_if_needed=True, fill=(1, 2))
    padded = np.stack([np.pad(arr[c], ((4, 4), (2, 2)), constant_values=c + 1) for c in range(2)])
    top, left, h, w = params_of(T.RandomCrop.get_params, 5, st.from_numpy(padded), (9, 8))
    np.testing.assert_array_equal(run(needed, arr, 5), padded[:, top:top + h, left:left + w])


def test_random_crop_batch_shares_the_crop():
    arr = image((4, 3, 10, 10))
    out = run(T.RandomCrop(6), arr, 2)
    top, left, _, _ = params_of(T.RandomCrop.get_params, 2, st.from_numpy(arr), 6)
    np.testing.assert_array_equal(out, arr[..., top:top + 6, left:left + 6])


def test_random_crop_errors():
    x = st.from_numpy(image((3, 8, 8)))
    with pytest.raises(ValueError, match="RandomCrop: required crop size"):
        T.RandomCrop(10)(x)
    with pytest.raises(ValueError, match="RandomCrop: expected padding_mode"):
        T.RandomCrop(4, padding=1, padding_mode="wrap")
    with pytest.raises(ValueError, match="RandomCrop: expected a positive size"):
        T.RandomCrop(0)
    with pytest.raises(ValueError, match="RandomCrop: expected padding as 1, 2 or 4 values"):
        T.RandomCrop(4, padding=(1, 2, 3))
    with pytest.raises(ValueError, match="RandomCrop: expected fill as 1 value or one per channel"):
        T.RandomCrop(4, padding=1, fill=(1, 2))(x)


@pytest.mark.parametrize("size", [(4, 4), (3, 5), (5, 2), (10, 12), (9, 3)])
def test_center_crop_matches_torchvision_rule(size):
    arr = image((2, 7, 8))
    h, w = size
    out = run(T.CenterCrop(size), arr)
    pad_top, pad_left = max(h - 7, 0) // 2, max(w - 8, 0) // 2
    pad_rows = (pad_top, max(h - 7, 0) - pad_top)
    pad_cols = (pad_left, max(w - 8, 0) - pad_left)
    padded = np.pad(arr, ((0, 0), pad_rows, pad_cols))
    top = int(round((padded.shape[1] - h) / 2.0))
    left = int(round((padded.shape[2] - w) / 2.0))
    np.testing.assert_array_equal(out, padded[:, top:top + h, left:left + w])


def test_five_and_ten_crop_stack_the_corners_and_centre():
    arr = image((3, 7, 9))
    h, w = 4, 5

    def crops(a):
        H, W = a.shape[-2:]
        top, left = int(round((H - h) / 2)), int(round((W - w) / 2))
        return [a[..., :h, :w], a[..., :h, W - w:], a[..., H - h:, :w], a[..., H - h:, W - w:],
                a[..., top:top + h, left:left + w]]

    np.testing.assert_array_equal(run(T.FiveCrop((h, w)), arr), np.stack(crops(arr)))
    ten = run(T.TenCrop((h, w)), arr)
    np.testing.assert_array_equal(ten, np.stack(crops(arr) + crops(arr[..., ::-1])))
    ten_vertical = run(T.TenCrop((h, w), vertical_flip=True), arr)
    np.testing.assert_array_equal(ten_vertical, np.stack(crops(arr) + crops(arr[..., ::-1, :])))
    batch = image((2, 3, 7, 9), np.float32)
    out = run(T.FiveCrop((h, w)), batch)
    assert out.shape == (2, 5, 3, h, w)
    np.testing.assert_array_equal(out[1], np.stack(crops(batch[1])))
    with pytest.raises(ValueError, match="FiveCrop: requested crop size"):
        T.FiveCrop(8)(st.from_numpy(arr))


# ---------------------------------------------------------------------------------------------
# Resampling

@pytest.mark.parametrize("in_size,size", [((7, 9), (4, 5)), ((5, 6), (11, 13)), ((8, 8), (8, 3)),
                                          ((9, 7), (3, 14))])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_resize_matches_torch_interpolate(in_size, size, mode):
    arr = image((2, 3) + in_size, np.float32)
    out = run(T.Resize(size, interpolation=mode), arr)
    kwargs = {"align_corners": False} if mode == "bilinear" else {}
    expected = torch_F.interpolate(torch.from_numpy(arr), size=size, mode=mode, **kwargs).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("in_size,size", [((16, 20), (5, 7)), ((9, 30), (4, 10)), ((6, 6), (9, 4))])
def test_resize_antialias_matches_torch(in_size, size):
    arr = image((1, 3) + in_size, np.float32)
    out = run(T.Resize(size, antialias=True), arr)
    expected = torch_F.interpolate(torch.from_numpy(arr), size=size, mode="bilinear",
                                   align_corners=False, antialias=True).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_resize_uint8_rounds_the_float_result():
    arr = image((3, 10, 13))
    out = run(T.Resize((6, 7)), arr)
    expected = torch_F.interpolate(torch.from_numpy(arr[None].astype(np.float64)), size=(6, 7),
                                   mode="bilinear", align_corners=False)[0].numpy()
    assert out.dtype == np.uint8
    assert np.abs(out.astype(np.float64) - expected).max() <= 0.5 + 1e-9


def test_resize_int_keeps_the_aspect_ratio():
    x = st.from_numpy(image((3, 20, 30)))
    assert tuple(T.Resize(10)(x).shape) == (3, 10, 15)
    assert tuple(T.Resize(10)(st.from_numpy(image((3, 30, 20)))).shape) == (3, 15, 10)
    assert tuple(T.Resize(10, max_size=12)(x).shape) == (3, 8, 12)
    with pytest.raises(ValueError, match="Resize: expected interpolation"):
        T.Resize(4, interpolation="bicubic")
    with pytest.raises(ValueError, match="Resize: expected size as one int or a"):
        T.Resize((1, 2, 3))
    assert T.Resize(8, interpolation=T.InterpolationMode.NEAREST)(x).shape[-1] == 12


def test_random_resized_crop_resizes_the_sampled_box():
    arr = image((3, 20, 24), np.float32)
    transform = T.RandomResizedCrop((7, 9), scale=(0.2, 0.9), ratio=(0.5, 2.0))
    boxes = set()
    for seed in range(5):
        top, left, h, w = params_of(T.RandomResizedCrop.get_params, seed, st.from_numpy(arr),
                                    (0.2, 0.9), (0.5, 2.0))
        assert 0.2 * 480 * 0.8 <= h * w <= 0.9 * 480 * 1.2
        crop = torch.from_numpy(arr[None, :, top:top + h, left:left + w].copy())
        expected = torch_F.interpolate(crop, size=(7, 9), mode="bilinear",
                                       align_corners=False)[0].numpy()
        np.testing.assert_allclose(run(transform, arr, seed), expected, rtol=1e-5, atol=1e-6)
        boxes.add((top, left, h, w))
    assert len(boxes) > 1


def test_random_resized_crop_falls_back_to_the_centre():
    # An aspect ratio the image cannot hold forces the central-crop fallback.
    arr = image((1, 10, 40))
    top, left, h, w = params_of(T.RandomResizedCrop.get_params, 0, st.from_numpy(arr), (0.9, 1.0),
                                (1.0, 1.0))
    assert (top, left, h, w) == (0, 15, 10, 10)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", [(6, 8), (5, 7)])
def test_rotation_by_90_with_expand_is_rot90(dtype, size):
    # (Like torchvision and PIL, expand keeps the centre fixed, so H and W of different parity
    # would gain a half-pixel border; same-parity sizes rotate exactly.)
    arr = image((2,) + size, dtype)
    np.testing.assert_array_equal(run(T.RandomRotation((90, 90), expand=True), arr),
                                  np.rot90(arr, 1, axes=(1, 2)))
    np.testing.assert_array_equal(run(T.RandomRotation((-90, -90), expand=True), arr),
                                  np.rot90(arr, -1, axes=(1, 2)))
    np.testing.assert_array_equal(run(T.RandomRotation((180, 180)), arr), arr[:, ::-1, ::-1])
    np.testing.assert_allclose(run(T.RandomRotation(0, interpolation="bilinear"), arr), arr)


def test_rotation_fill_and_expand_size():
    arr = np.full((3, 9, 9), 100, np.uint8)
    out = run(T.RandomRotation((45, 45), fill=(255, 0, 7)), arr)
    np.testing.assert_array_equal(out[:, 0, 0], [255, 0, 7])
    np.testing.assert_array_equal(out[:, 4, 4], [100, 100, 100])
    assert run(T.RandomRotation((45, 45), expand=True), arr).shape == (3, 13, 13)
    # Bilinear: a constant image stays constant where all taps fall inside.
    smooth = run(T.RandomRotation((30, 30), interpolation="bilinear", fill=100), arr)
    np.testing.assert_array_equal(smooth, arr)


def test_rotation_about_a_given_center():
    # center is in pixels from the top-left corner, so (0.5, 0.5) is the first pixel's centre.
    arr = image((1, 4, 5))
    out = run(T.RandomRotation((180, 180), center=(0.5, 0.5), fill=0), arr)
    assert out[0, 0, 0] == arr[0, 0, 0]
    assert np.count_nonzero(out) == 1


def test_rotation_angles_are_uniform_in_degrees():
    angles = [params_of(T.RandomRotation.get_params, seed, (-10.0, 30.0)) for seed in range(50)]
    assert min(angles) >= -10 and max(angles) <= 30 and np.std(angles) > 5


def test_affine_translation_shifts_pixels():
    arr = image((3, 10, 12))
    transform = T.RandomAffine(0, translate=(0.3, 0.3))
    shifts = set()
    for seed in range(5):
        _, (tx, ty), _, _ = params_of(T.RandomAffine.get_params, seed, (0.0, 0.0), (0.3, 0.3),
                                      None, None, (12, 10))
        expected = np.zeros_like(arr)
        src = arr[:, max(-ty, 0):10 - max(ty, 0), max(-tx, 0):12 - max(tx, 0)]
        top, left = max(ty, 0), max(tx, 0)
        expected[:, top:top + src.shape[1], left:left + src.shape[2]] = src
        np.testing.assert_array_equal(run(transform, arr, seed), expected)
        shifts.add((tx, ty))
    assert len(shifts) > 1


def test_affine_rotation_is_clockwise_and_scale_zooms():
    arr = image((1, 6, 6))
    np.testing.assert_array_equal(run(T.RandomAffine((90, 90)), arr),
                                  np.rot90(arr, -1, axes=(1, 2)))
    # Scale 2 about the centre: output pixel (y, x) reads input ((y - 2.5) / 2 + 2.5, ...).
    zoomed = run(T.RandomAffine(0, scale=(2.0, 2.0)), arr)
    coords = np.rint((np.arange(6) - 2.5) / 2 + 2.5).astype(int)
    np.testing.assert_array_equal(zoomed, arr[:, coords][:, :, coords])


def test_affine_shear_matches_torchvision_matrix():
    # x-shear by s: output (x, y) reads input (x + tan(s)·y, y) about the centre (nearest).
    arr = image((1, 7, 9), np.float32)
    out = run(T.RandomAffine(0, shear=(20, 20)), arr)
    yc, xc = np.meshgrid(np.arange(7) - 3.0, np.arange(9) - 4.0, indexing="ij")
    src_x = np.rint(xc + np.tan(np.radians(20)) * yc + 4).astype(int)
    src_y = (yc + 3).astype(int)
    inside = (src_x >= 0) & (src_x < 9)
    expected = np.where(inside, arr[0, src_y, np.clip(src_x, 0, 8)], 0)
    np.testing.assert_array_equal(out[0], expected)


# ---------------------------------------------------------------------------------------------
# Every random transform: determinism, reprs, bad inputs, speed

RANDOM_TRANSFORMS = [
    T.RandomHorizontalFlip(), T.RandomVerticalFlip(), T.RandomCrop(6, padding=2),
    T.RandomResizedCrop(5),
    T.RandomRotation(30), T.RandomAffine(20, translate=(0.2, 0.2), scale=(0.8, 1.2), shear=10),
    T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.PCALighting(), T.RandomErasing(p=1.0), T.Cutout(3),
]


@pytest.mark.parametrize("transform", RANDOM_TRANSFORMS, ids=lambda t: type(t).__name__)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_same_seed_same_output_different_seeds_differ(transform, dtype):
    arr = image((3, 8, 8), dtype)
    first, again = run(transform, arr, 11), run(transform, arr, 11)
    np.testing.assert_array_equal(first, again)
    assert len({run(transform, arr, seed).tobytes() for seed in range(8)}) > 1


def test_reprs():
    assert repr(T.RandomCrop(32, padding=4)) == (
        "RandomCrop(size=(32, 32), padding=4, pad_if_needed=False, fill=0.0, "
        "padding_mode=constant)")
    assert repr(T.Normalize((0.5,), (0.25,))) == "Normalize(mean=[0.5], std=[0.25], inplace=False)"
    assert repr(T.ColorJitter(brightness=0.4)) == (
        "ColorJitter(brightness=(0.6, 1.4), contrast=None, saturation=None, hue=None)")
    assert repr(T.Resize(8)) == (
        "Resize(size=8, interpolation=bilinear, max_size=None, antialias=False)")
    assert repr(T.Mixup(0.2, 10)) == "Mixup(alpha=0.2, num_classes=10)"
    assert repr(T.TenCrop(4)) == "TenCrop(size=(4, 4), vertical_flip=False)"
    for transform in RANDOM_TRANSFORMS:
        assert repr(transform).startswith(type(transform).__name__ + "(")


ALL_TRANSFORMS = RANDOM_TRANSFORMS + [T.ToTensor(), T.CenterCrop(4), T.Resize(4), T.FiveCrop(3),
                                      T.TenCrop(3), T.Normalize(0.5, 0.5), T.Pad(2),
                                      T.Grayscale(3), T.RandomGrayscale(0.5), T.GaussianBlur(3)]


@pytest.mark.parametrize("transform", ALL_TRANSFORMS, ids=lambda t: type(t).__name__)
def test_bad_images_raise_with_the_transform_name(transform):
    name = type(transform).__name__
    with pytest.raises(ValueError, match=f"{name}: expected an image of shape"):
        transform(st.from_numpy(np.zeros((8, 8), np.float32)))
    with pytest.raises(TypeError, match=name):
        transform("image")
    with pytest.raises(TypeError, match=f"{name}: expected a striate.Tensor, a PIL image"):
        transform(None)
    with pytest.raises(ValueError, match=f"{name}: expected an HWC or HW array"):
        transform(np.zeros((2, 3, 8, 8), np.float32))
    with pytest.raises(TypeError, match=name):
        transform(st.from_numpy(np.zeros((3, 8, 8), np.int64)))


@pytest.mark.parametrize("make", [T.RandomHorizontalFlip, T.RandomVerticalFlip,
                                  lambda p: T.RandomErasing(p=p)],
                         ids=["hflip", "vflip", "erasing"])
def test_probability_outside_unit_interval(make):
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"expected p in \[0, 1\]"):
            make(p)


def test_bad_sizes_and_arguments():
    with pytest.raises(TypeError, match="CenterCrop: expected size as an int or a sequence"):
        T.CenterCrop("big")
    with pytest.raises(ValueError, match="RandomResizedCrop: expected scale as \\(min, max\\)"):
        T.RandomResizedCrop(4, scale=(0.9, 0.1))
    with pytest.raises(ValueError, match="RandomRotation: if degrees is a single number, it must"):
        T.RandomRotation(-5)
    with pytest.raises(ValueError, match="RandomAffine: expected translate values between 0 and 1"):
        T.RandomAffine(0, translate=(1.5, 0))
    with pytest.raises(ValueError, match="RandomAffine: expected interpolation"):
        T.RandomAffine(0, interpolation="cubic")
    with pytest.raises(ValueError, match="TenCrop: expected a positive size"):
        T.TenCrop((3, -1))


@pytest.mark.parametrize("transform", [
    T.Resize((50, 70)), T.RandomRotation(30, interpolation="bilinear"), T.RandomCrop(60, padding=3),
    T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.RandomHorizontalFlip(1.0), T.TenCrop(40)],
    ids=lambda t: type(t).__name__)
def test_threaded_kernels_match_one_thread(transform):
    # Images large enough for the kernels to split planes over threads.
    arr = image((8, 3, 64, 64), np.float32)
    threads = st.get_num_threads()
    try:
        st.set_num_threads(1)
        single = run(transform, arr, 5)
        st.set_num_threads(2)
        threaded = run(transform, arr, 5)
    finally:
        st.set_num_threads(threads)
    np.testing.assert_array_equal(single, threaded)
    if isinstance(transform, T.Resize):
        expected = torch_F.interpolate(torch.from_numpy(arr), size=(50, 70), mode="bilinear",
                                       align_corners=False).numpy()
        np.testing.assert_allclose(threaded, expected, rtol=1e-5, atol=1e-6)


def test_crop_and_flip_take_microseconds():
    transform = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip()])
    x = st.from_numpy(image((3, 32, 32)))
    transform(x)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(200):
            transform(x)
        best = min(best, (time.perf_counter() - start) / 200)
    assert best < 1e-3, f"RandomCrop+flip took {best * 1e6:.0f} µs per image"


@pytest.mark.parametrize("transform", ALL_TRANSFORMS, ids=lambda t: type(t).__name__)
def test_pil_images_and_hwc_arrays_give_the_tensor_result(transform):
    # Called from Python, each transform takes a PIL image or an HWC array as torchvision's do,
    # converting it to the CHW tensor first: the same draw gives the same pixels.
    from PIL import Image

    hwc = np.random.default_rng(4).integers(0, 256, size=(10, 12, 3), dtype=np.uint8)
    chw = st.from_numpy(np.ascontiguousarray(hwc.transpose(2, 0, 1)))
    if isinstance(transform, T.Normalize):
        chw, hwc = T.ToTensor()(chw), hwc.astype(np.float32) / 255

    def seeded(picture):
        st.manual_seed(3)
        return transform(picture).numpy()

    expected = seeded(chw)
    np.testing.assert_array_equal(seeded(hwc), expected)
    if hwc.dtype == np.uint8:
        np.testing.assert_array_equal(seeded(Image.fromarray(hwc)), expected)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("padding", [2, (1, 3), (0, 1, 2, 3)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_pad_matches_numpy_pad(mode, padding, dtype):
    arr = image((3, 5, 6), dtype)
    left, top, right, bottom = {1: lambda p: (p[0],) * 4, 2: lambda p: (p[0], p[1], p[0], p[1]),
                                4: lambda p: p}[len(np.atleast_1d(padding))](np.atleast_1d(padding))
    widths = ((0, 0), (top, bottom), (left, right))
    kwargs = dict(constant_values=7) if mode == "constant" else {}
    expected = np.pad(arr, widths, mode=mode, **kwargs)
    out = T.Pad(padding, fill=7, padding_mode=mode)(st.from_numpy(arr)).numpy()
    np.testing.assert_array_equal(out, expected)
    batch = np.stack([arr, arr[:, ::-1].copy()])
    np.testing.assert_array_equal(T.Pad(padding, fill=7, padding_mode=mode)(
        st.from_numpy(batch)).numpy()[1], np.pad(batch[1], widths, mode=mode, **kwargs))


def test_pad_per_channel_fill_and_bad_arguments():
    out = T.Pad(1, fill=(1, 2, 3))(st.from_numpy(image((3, 2, 2), np.uint8))).numpy()
    assert out[:, 0, 0].tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="Pad: expected padding as 1, 2 or 4 values, got 3"):
        T.Pad((1, 2, 3))
    with pytest.raises(ValueError, match="Pad: expected non-negative padding, got -1"):
        T.Pad(-1)
    with pytest.raises(ValueError, match="Pad: expected padding_mode"):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(ValueError, match="Pad: reflect padding must be smaller than the image"):
        T.Pad(5, padding_mode="reflect")(st.from_numpy(image((1, 3, 3), np.uint8)))
    with pytest.raises(ValueError, match="Pad: expected fill as 1 value or one per channel"):
        T.Pad(1, fill=(1, 2))(st.from_numpy(image((3, 2, 2), np.uint8)))


def test_random_apply_all_or_nothing_with_the_seed():
    arr = image((3, 8, 8), np.uint8)
    inner = [T.RandomCrop(6, padding=1), T.RandomHorizontalFlip(1.0)]
    assert isinstance(T.RandomApply(inner), st._C._data.Transform)  # stays C++ (runs in workers)
    applied = 0
    for seed in range(60):
        out = run(T.RandomApply(inner, p=0.5), arr, seed)
        if out.shape == arr.shape and np.array_equal(out, arr):
            continue
        applied += 1
        st.manual_seed(seed)
        st._C._data._augmentation_uniform()  # the draw RandomApply made
        np.testing.assert_array_equal(out, T.Compose(inner)(st.from_numpy(arr)).numpy())
    assert 15 < applied < 45
    np.testing.assert_array_equal(run(T.RandomApply(inner, p=0.0), arr, 1), arr)
    # with a Python callable it runs in Python, with the same draws
    doubled = T.RandomApply([lambda x: x * 2], p=0.5)
    assert not isinstance(doubled, st._C._data.Transform)
    results = [run(doubled, arr.astype(np.float32), seed) for seed in range(40)]
    changed = sum(not np.array_equal(r, arr) for r in results)
    assert 8 < changed < 32
    with pytest.raises(ValueError, match=r"RandomApply: expected a probability p in \[0, 1\]"):
        T.RandomApply(inner, p=1.5)
    with pytest.raises(TypeError, match="RandomApply: transform 1 is not callable"):
        T.RandomApply([T.ToTensor(), 3])


def marker(value):
    """A C++ transform that makes the output identify it: pads by `value` pixels."""
    return T.Pad(value)


@pytest.mark.parametrize("native", [True, False], ids=["cpp", "python"])
def test_random_choice_follows_its_probabilities(native):
    arr = st.from_numpy(image((1, 4, 4), np.uint8))
    members = [marker(1), marker(2), marker(3)]
    if not native:
        members[2] = T.Lambda(lambda x: T.Pad(3)(x))
    choice = T.RandomChoice(members, p=[1, 2, 5])
    assert isinstance(choice, st._C._data.Transform) == native
    counts = np.zeros(4, int)
    for seed in range(400):
        st.manual_seed(seed)
        counts[(choice(arr).shape[1] - 4) // 2] += 1
    expected = 400 * np.array([1, 2, 5]) / 8
    assert np.all(np.abs(counts[1:] - expected) < 4 * np.sqrt(expected)), counts
    st.manual_seed(3)
    first = choice(arr).shape
    st.manual_seed(3)
    assert choice(arr).shape == first


@pytest.mark.parametrize("native", [True, False], ids=["cpp", "python"])
def test_random_order_applies_all_in_both_orders(native):
    arr = st.from_numpy(image((1, 5, 6), np.uint8))
    crop = T.RandomCrop(5) if native else T.Lambda(lambda x: T.CenterCrop(5)(x))
    order = T.RandomOrder([T.Pad(1), crop])
    assert isinstance(order, st._C._data.Transform) == native
    shapes = set()
    for seed in range(40):
        st.manual_seed(seed)
        shapes.add(tuple(order(arr).shape))
    assert shapes == {(1, 5, 5), (1, 7, 7)}  # pad then crop, or crop then pad


def test_choice_order_lambda_bad_arguments():
    with pytest.raises(ValueError, match="RandomChoice: expected at least one transform"):
        T.RandomChoice([])
    with pytest.raises(ValueError, match="RandomChoice: expected 2 probabilities"):
        T.RandomChoice([T.Pad(1), T.Pad(2)], p=[1.0])
    with pytest.raises(ValueError, match="RandomChoice: expected non-negative probabilities"):
        T.RandomChoice([T.Pad(1), T.Pad(2)], p=[1.0, -1.0])
    with pytest.raises(TypeError, match="RandomOrder: transform 0 is not callable"):
        T.RandomOrder([5])
    with pytest.raises(TypeError, match="Lambda: expected a callable"):
        T.Lambda(3)


def test_composites_are_reproducible_whatever_the_workers():
    from striate import data

    images = st.from_numpy(np.random.default_rng(2).integers(0, 255, (16, 3, 8, 8)).astype(np.uint8))
    transform = T.Compose([
        T.RandomApply([T.ColorJitter(0.4, 0.4)], p=0.5),
        T.RandomChoice([T.RandomCrop(6, padding=1), T.CenterCrop(6)]),
        T.RandomOrder([T.RandomHorizontalFlip(), T.RandomGrayscale(0.5)]), T.ToTensor()])
    assert isinstance(transform, st._C._data.Transform)
    dataset = data.TensorDataset(images, st.arange(16), transform=transform)
    runs = []
    for workers in (0, 3):
        loader = data.DataLoader(dataset, batch_size=5, shuffle=True, seed=4, num_workers=workers)
        runs.append([batch[0].numpy() for batch in loader])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def torch_gaussian_blur(arr, kernel_w, kernel_h, sigma):
    """torchvision's gaussian_blur, written with torch: reflect padding, separable kernel."""
    def kernel1d(size):
        x = torch.linspace(-(size - 1) / 2, (size - 1) / 2, size, dtype=torch.float64)
        pdf = torch.exp(-0.5 * (x / sigma) ** 2)
        return pdf / pdf.sum()

    shape = arr.shape
    planes = torch.tensor(arr.astype(np.float64)).reshape(-1, 1, shape[-2], shape[-1])
    planes = torch.nn.functional.pad(planes, (kernel_w // 2,) * 2 + (kernel_h // 2,) * 2,
                                     mode="reflect")
    weight = (kernel1d(kernel_h)[:, None] * kernel1d(kernel_w)[None, :])[None, None]
    return torch.nn.functional.conv2d(planes, weight).reshape(shape).numpy()


@pytest.mark.parametrize("kernel_size", [3, (5, 3), (1, 7)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_gaussian_blur_matches_torch(kernel_size, dtype):
    arr = image((2, 3, 9, 11), dtype)
    blur = T.GaussianBlur(kernel_size, sigma=(0.3, 1.7))
    st.manual_seed(8)
    sigma = T.GaussianBlur.get_params(0.3, 1.7)
    assert 0.3 <= sigma <= 1.7
    st.manual_seed(8)
    out = blur(st.from_numpy(arr)).numpy()
    kw, kh = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    expected = torch_gaussian_blur(arr, kw, kh, sigma)
    if dtype == np.uint8:
        assert np.abs(out.astype(int) - np.round(expected)).max() <= 1  # .5 ties may round apart
        assert np.mean(out == np.round(expected)) > 0.99
    else:
        np.testing.assert_allclose(out, expected, rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="kernel size should be an odd and positive number, got 4"):
        T.GaussianBlur(4)
    with pytest.raises(ValueError, match="GaussianBlur: expected 0 < sigma min <= sigma max"):
        T.GaussianBlur(3, sigma=(2.0, 1.0))
    with pytest.raises(ValueError, match="needs reflect padding smaller than the image"):
        T.GaussianBlur(9)(st.from_numpy(image((1, 3, 3), dtype)))
