"""Tests of striate.data.transforms, continued: colour (ColorJitter, PCALighting), occlusion
(RandomErasing, Cutout) and batch-level Mixup/CutMix, checked pixel by pixel against NumPy and
colorsys references."""

import colorsys

import numpy as np
import pytest
import striate as st
import striate.data.transforms as T

from test_transforms import image, params_of, run

# ---------------------------------------------------------------------------------------------
# Colour

def gray_of(arr):
    gray = 0.299 * arr[..., 0, :, :] + 0.587 * arr[..., 1, :, :] + 0.114 * arr[..., 2, :, :]
    return np.floor(gray) if arr.dtype == np.uint8 else gray


def blend(arr, other, factor):
    bound = 255.0 if arr.dtype == np.uint8 else 1.0
    out = np.clip(factor * arr.astype(np.float64) + (1 - factor) * other, 0, bound)
    return out.astype(arr.dtype)  # truncates for uint8, as torchvision does


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_color_jitter_brightness_contrast_saturation(dtype):
    arr = image((3, 6, 7), dtype)
    tolerance = {"atol": 1} if dtype == np.uint8 else {"rtol": 1e-6, "atol": 1e-6}
    for factor in (0.5, 1.7):
        np.testing.assert_allclose(run(T.ColorJitter(brightness=(factor, factor)), arr),
                                   blend(arr, 0.0, factor), **tolerance)
        mean = gray_of(arr).mean()
        np.testing.assert_allclose(run(T.ColorJitter(contrast=(factor, factor)), arr),
                                   blend(arr, mean, factor), **tolerance)
        np.testing.assert_allclose(run(T.ColorJitter(saturation=(factor, factor)), arr),
                                   blend(arr, gray_of(arr)[None], factor), **tolerance)


def test_color_jitter_brightness_exact_on_float():
    arr = image((3, 5, 5), np.float32) * 0.8
    out = run(T.ColorJitter(brightness=(1.3, 1.3)), arr)
    expected = np.clip(arr.astype(np.float64) * 1.3, 0, 1).astype(np.float32)
    np.testing.assert_array_equal(out, expected)


def test_color_jitter_hue_matches_colorsys():
    arr = image((3, 4, 5), np.float64)
    shift = 0.2
    out = run(T.ColorJitter(hue=(shift, shift)), arr)
    expected = np.empty_like(arr)
    for y in range(4):
        for x in range(5):
            h, s, v = colorsys.rgb_to_hsv(*arr[:, y, x])
            expected[:, y, x] = colorsys.hsv_to_rgb((h + shift) % 1.0, s, v)
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-12)
    u8 = image((3, 4, 5))
    shifted = run(T.ColorJitter(hue=(-0.1, -0.1)), u8)
    assert shifted.dtype == np.uint8 and not np.array_equal(shifted, u8)


def test_color_jitter_on_one_channel_and_batches():
    gray = image((1, 5, 5), np.float32)
    out = run(T.ColorJitter(brightness=(0.5, 0.5)), gray)
    np.testing.assert_allclose(out, blend(gray, 0.0, 0.5), rtol=1e-6)
    out = run(T.ColorJitter(contrast=(0.5, 0.5)), gray)
    np.testing.assert_allclose(out, blend(gray, gray.astype(np.float64).mean(), 0.5), rtol=1e-6)
    with pytest.raises(ValueError, match="ColorJitter: saturation and hue need an RGB image"):
        T.ColorJitter(saturation=0.5)(st.from_numpy(gray))
    batch = image((2, 3, 4, 4), np.float32)
    out = run(T.ColorJitter(contrast=(0.5, 0.5)), batch)
    for n in range(2):  # each image blends with its own mean
        expected = blend(batch[n], gray_of(batch[n]).mean(), 0.5)
        np.testing.assert_allclose(out[n], expected, rtol=1e-6, atol=1e-6)


def test_color_jitter_params_and_random_order():
    orders = set()
    for seed in range(20):
        order, b, c, s, h = params_of(T.ColorJitter.get_params, seed, (0.5, 1.5), None,
                                      (0.0, 2.0), (-0.1, 0.1))
        assert sorted(order) == [0, 1, 2, 3] and c is None
        assert 0.5 <= b <= 1.5 and 0 <= s <= 2 and -0.1 <= h <= 0.1
        orders.add(tuple(order))
    assert len(orders) > 5
    with pytest.raises(ValueError, match="ColorJitter: hue values should be between -0.5 and 0.5"):
        T.ColorJitter(hue=0.7)
    with pytest.raises(ValueError, match="ColorJitter: if brightness is a single number, it must"):
        T.ColorJitter(brightness=-1)


def test_pca_lighting_adds_a_channel_offset():
    arr = image((3, 5, 6), np.float64)
    out = run(T.PCALighting(0.1), arr)
    offset = (out - arr)[:, 0, 0]
    np.testing.assert_allclose(out - arr, np.broadcast_to(offset[:, None, None], arr.shape),
                               atol=1e-12)
    eigval = np.array([0.2175, 0.0188, 0.0045])
    eigvec = np.array([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                       [-0.5836, -0.6948, 0.4203]])
    alpha = np.linalg.solve(eigvec, offset) / eigval  # the offset is eigvec · (alpha ⊙ eigval)
    assert np.all(np.abs(alpha) < 0.6)
    np.testing.assert_array_equal(run(T.PCALighting(0.0), arr), arr)
    # With identity eigenvectors and unit eigenvalues the offsets are alpha ~ N(0, alphastd).
    unit = T.PCALighting(0.5, eigval=[1, 1, 1], eigvec=np.eye(3).tolist())
    zeros = np.zeros((3, 1, 1))
    draws = np.array([run(unit, zeros, seed).ravel() for seed in range(300)])
    assert 0.4 < draws.std() < 0.6 and abs(draws.mean()) < 0.1
    with pytest.raises(ValueError, match="PCALighting: expected an RGB image"):
        T.PCALighting()(st.from_numpy(image((1, 4, 4), np.float32)))


# ---------------------------------------------------------------------------------------------
# Occlusion

def erased_box(before, after):
    """The bounding box of the changed pixels, asserting they form a filled rectangle."""
    changed = np.any(before != after, axis=tuple(range(before.ndim - 2)))
    rows, cols = np.nonzero(changed)
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    assert changed[top:bottom, left:right].all()
    return top, left, bottom - top, right - left


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_random_erasing_fills_one_box(dtype):
    arr = image((3, 20, 20), dtype)
    areas = set()
    for seed in range(6):
        out = run(T.RandomErasing(p=1.0, value=(0, 0.5, 1)), arr, seed)
        top, left, h, w = erased_box(arr, out)
        # uint8 pixels take the value rounded half up.
        expected = [0, 1, 1] if dtype == np.uint8 else np.array([0, 0.5, 1]).astype(dtype)
        for c in range(3):
            assert np.all(out[c, top:top + h, left:left + w] == expected[c])
        assert 0.02 * 400 * 0.5 <= h * w <= 0.33 * 400 * 1.5
        areas.add(h * w)
    assert len(areas) > 1
    np.testing.assert_array_equal(run(T.RandomErasing(p=0.0), arr), arr)


def test_random_erasing_inplace_writes_the_input():
    arr = image((3, 16, 16), np.float32)
    x = st.from_numpy(arr.copy())
    st.manual_seed(2)
    out = T.RandomErasing(p=1.0, value=0.25, inplace=True)(x)
    np.testing.assert_array_equal(x.numpy(), out.numpy())
    top, left, h, w = erased_box(arr, x.numpy())
    assert np.all(x.numpy()[:, top:top + h, left:left + w] == 0.25)


def test_random_erasing_random_values_and_errors():
    arr = image((3, 16, 16), np.float32)
    out = run(T.RandomErasing(p=1.0, value="random"), arr, 4)
    top, left, h, w = erased_box(arr, out)
    assert np.std(out[:, top:top + h, left:left + w]) > 0.3  # N(0, 1) noise
    with pytest.raises(ValueError, match="RandomErasing: expected p in"):
        T.RandomErasing(p=1.5)
    with pytest.raises(ValueError, match="RandomErasing: if value is a str, it should be 'random'"):
        T.RandomErasing(value="noise")


def test_cutout_zeroes_a_square_clipped_at_the_border():
    arr = image((3, 12, 12))
    sides = set()
    for seed in range(30):
        out = run(T.Cutout(4), arr, seed)
        top, left, h, w = erased_box(arr, out)
        assert np.all(out[:, top:top + h, left:left + w] == 0)
        assert h <= 4 and w <= 4
        if 0 < top and top + h < 12 and 0 < left and left + w < 12:
            assert (h, w) == (4, 4)
        sides.add((h, w))
    assert (4, 4) in sides and len(sides) > 1
    with pytest.raises(ValueError, match="Cutout: expected a positive size"):
        T.Cutout(0)


# ---------------------------------------------------------------------------------------------
# Batch-level mixing

def recover_mix(targets):
    """(lambda, partner) from soft targets of distinct labels 0..N-1."""
    N = targets.shape[0]
    lam = targets[np.arange(N), np.arange(N)].min()
    partner = np.arange(N)
    for n in range(N):
        others = [k for k in range(N) if k != n and targets[n, k] > 0]
        if others:
            partner[n] = others[0]
    return lam, partner


def test_mixup_mixes_images_and_targets():
    N = 6
    images = image((N, 2, 3, 3), np.float32)
    labels = st.from_numpy(np.arange(N, dtype=np.int64))
    st.manual_seed(1)
    mixed, targets = T.Mixup(alpha=1.0, num_classes=N)(st.from_numpy(images), labels)
    targets = targets.numpy()
    np.testing.assert_allclose(targets.sum(1), 1, rtol=1e-6)
    lam, partner = recover_mix(targets)
    assert sorted(partner) == list(range(N))
    lam = targets[0, 0] if partner[0] != 0 else lam
    np.testing.assert_allclose(mixed.numpy(), lam * images + (1 - lam) * images[partner],
                               rtol=1e-5, atol=1e-6)
    st.manual_seed(1)
    again, _ = T.Mixup(alpha=1.0, num_classes=N)(st.from_numpy(images), labels)
    np.testing.assert_array_equal(again.numpy(), mixed.numpy())


def test_cutmix_pastes_a_box_with_exact_area():
    N = 5
    images = image((N, 3, 16, 16), np.float32)
    labels = st.from_numpy(np.arange(N, dtype=np.int64))
    for seed in range(4):
        st.manual_seed(seed)
        mixed, targets = T.CutMix(alpha=1.0, num_classes=N)(st.from_numpy(images), labels)
        mixed, targets = mixed.numpy(), targets.numpy()
        lam, partner = recover_mix(targets)
        moved = [n for n in range(N) if partner[n] != n]
        if not moved or lam == 1:
            continue
        top, left, h, w = erased_box(images[moved[0]], mixed[moved[0]])
        np.testing.assert_allclose(1 - lam, h * w / 256, rtol=1e-6)
        for n in range(N):
            expected = images[n].copy()
            box = (slice(None), slice(top, top + h), slice(left, left + w))
            expected[box] = images[partner[n]][box]
            np.testing.assert_array_equal(mixed[n], expected)


def test_mixed_batch_trains_through_cross_entropy():
    rng = np.random.default_rng(0)
    images = st.from_numpy(rng.standard_normal((16, 1, 4, 4)).astype(np.float32))
    labels = st.from_numpy(rng.integers(0, 3, 16).astype(np.int64))
    model = st.nn.Linear(16, 3)
    optimizer = st.optim.SGD(model.parameters(), lr=0.5)
    st.manual_seed(0)
    mixed, targets = T.Mixup(alpha=0.4, num_classes=3)(images, labels)
    losses = []
    for _ in range(10):
        loss = st.nn.functional.cross_entropy(model(mixed.reshape((16, 16))), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_mix_errors():
    images = st.from_numpy(image((4, 3, 5, 5), np.float32))
    with pytest.raises(ValueError, match="Mixup: num_classes is required"):
        T.Mixup(alpha=1.0)
    with pytest.raises(ValueError, match="CutMix: expected a positive alpha"):
        T.CutMix(alpha=0.0, num_classes=3)
    with pytest.raises(IndexError, match="Mixup: label 7 is out of range"):
        T.Mixup(num_classes=3)(images, st.from_numpy(np.array([0, 1, 7, 2])))
    with pytest.raises(ValueError, match="CutMix: expected a batch of images"):
        T.CutMix(num_classes=3)(st.from_numpy(image((3, 5, 5), np.float32)),
                                st.from_numpy(np.zeros(3, np.int64)))
    with pytest.raises(TypeError, match="Mixup: expected floating-point images"):
        T.Mixup(num_classes=3)(st.from_numpy(image((4, 3, 5, 5))),
                               st.from_numpy(np.zeros(4, np.int64)))


def test_loader_workers_run_cpp_transforms_deterministically():
    from striate import data

    images = st.from_numpy(image((24, 3, 12, 12)))
    labels = st.from_numpy(np.arange(24, dtype=np.int64))
    augment = T.Compose([T.RandomCrop(10, padding=2), T.RandomHorizontalFlip(), T.ToTensor()])
    dataset = data.TensorDataset(images, labels, transform=augment)
    epochs = []
    for workers in (0, 2):
        loader = data.DataLoader(dataset, batch_size=8, shuffle=True, seed=3, num_workers=workers)
        epochs.append(np.concatenate([batch[0].numpy() for batch in loader]))
    assert epochs[0].shape == (24, 3, 10, 10) and epochs[0].dtype == np.float32
    np.testing.assert_array_equal(epochs[0], epochs[1])




@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("channels", [1, 3])
def test_grayscale_is_the_luma(dtype, channels):
    rng = np.random.default_rng(5)
    arr = (rng.integers(0, 256, (2, 3, 4, 5)).astype(np.uint8) if dtype == np.uint8
           else rng.random((2, 3, 4, 5)).astype(np.float32))
    luma = 0.299 * arr[:, 0].astype(np.float64) + 0.587 * arr[:, 1] + 0.114 * arr[:, 2]
    expected = np.floor(luma).astype(np.uint8) if dtype == np.uint8 else luma.astype(np.float32)
    out = T.Grayscale(channels)(st.from_numpy(arr)).numpy()
    assert out.shape == (2, channels, 4, 5) and out.dtype == arr.dtype
    for c in range(channels):
        np.testing.assert_allclose(out[:, c], expected, rtol=0, atol=0 if dtype == np.uint8 else 1e-6)
    single = T.Grayscale(3)(st.from_numpy(arr[0, :1].copy())).numpy()
    np.testing.assert_array_equal(single, np.repeat(arr[0, :1], 3, axis=0))


def test_grayscale_close_to_pil_and_random_grayscale():
    from PIL import Image

    hwc = np.random.default_rng(6).integers(0, 256, (6, 7, 3)).astype(np.uint8)
    ours = T.Grayscale()(Image.fromarray(hwc)).numpy()[0].astype(int)
    theirs = np.asarray(Image.fromarray(hwc).convert("L")).astype(int)
    assert np.abs(ours - theirs).max() <= 1  # PIL rounds, we truncate (torchvision's tensor rule)
    arr = st.from_numpy(np.ascontiguousarray(hwc.transpose(2, 0, 1)))
    grays = 0
    for seed in range(50):
        st.manual_seed(seed)
        out = T.RandomGrayscale(0.3)(arr).numpy()
        assert out.shape == (3, 6, 7)
        grays += bool(np.array_equal(out[0], out[1]) and np.array_equal(out[1], out[2]))
    assert 5 < grays < 28
    with pytest.raises(ValueError, match="Grayscale: expected num_output_channels 1 or 3, got 2"):
        T.Grayscale(2)
    with pytest.raises(ValueError, match="Grayscale: expected a 1- or 3-channel image, got 4"):
        T.Grayscale()(st.zeros(4, 3, 3))
    with pytest.raises(ValueError, match=r"RandomGrayscale: expected p in \[0, 1\], got 2"):
        T.RandomGrayscale(2.0)
