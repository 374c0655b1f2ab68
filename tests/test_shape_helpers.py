"""Shape helpers: pad (constant / reflect / replicate), interpolate and nn.Upsample (nearest,
bilinear with align_corners), pixel_shuffle / pixel_unshuffle, one_hot and unflatten. Float64
gradcheck, PyTorch parity and bad inputs."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
import torch
import torch.nn as tnn
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(7)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def run_both(st_fn, torch_fn, shape):
    x = rand(*shape)
    check_parity(st_fn, torch_fn, [x])
    gradcheck(st_fn, [x.astype(np.float64)])


# ---- pad -----------------------------------------------------------------------------------------

PAD_CONFIGS = [
    ((2, 3, 4, 5), (1, 2), "constant", 0.5),
    ((2, 3, 5), (1, 1, 2, 0, 0, 1), "constant", None),
    ((2, 3, 6, 7), (-1, 2, 1, -2), "constant", -1.0),
    ((2, 3, 7), (2, 3), "reflect", None),
    ((3, 6), (1, 4), "reflect", None),
    ((1, 2, 5, 6), (1, 2, 4, 3), "reflect", None),
    ((1, 2, 3, 4, 5), (1, 1, 2, 0, 2, 1), "reflect", None),
    ((2, 3, 4), (3, 1), "replicate", None),
    ((2, 5, 4), (2, 3, 1, 0), "replicate", None),
    ((1, 1, 3, 4, 2), (2, 1, 0, 3, 1, 1), "replicate", None),
]


@pytest.mark.parametrize("shape,pad,mode,value", PAD_CONFIGS)
def test_pad_parity_and_gradcheck(shape, pad, mode, value):
    run_both(
        lambda t: F.pad(t, pad, mode=mode, value=value),
        lambda t: TF.pad(t, pad, mode=mode, value=value),
        shape,
    )


def test_pad_integer_tensor_constant():
    x = np.arange(6, dtype=np.int64).reshape(2, 3)
    out = F.pad(st.tensor(x), (1, 1), value=9)
    np.testing.assert_array_equal(to_np(out), TF.pad(torch.tensor(x), (1, 1), value=9).numpy())


def test_pad_bad_inputs():
    x = st.tensor(rand(1, 2, 4, 4))
    with pytest.raises(ValueError, match="pad: expected an even number of padding amounts, got 3"):
        F.pad(x, (1, 1, 1))
    with pytest.raises(ValueError, match="pad: expected at most 8 padding amounts"):
        F.pad(x, (1,) * 10)
    with pytest.raises(ValueError, match="pad: reflect padding .* must be smaller than the size 4"):
        F.pad(x, (4, 0, 0, 0), mode="reflect")
    with pytest.raises(NotImplementedError, match="circular"):
        F.pad(x, (1, 1), mode="circular")
    with pytest.raises(ValueError, match="pad: expected mode 'constant', 'reflect' or 'replicate'"):
        F.pad(x, (1, 1), mode="mirror")
    with pytest.raises(NotImplementedError, match="expects a 3-d or 4-d input"):
        F.pad(st.tensor(rand(4, 4)), (1, 1, 1, 1), mode="replicate")
    with pytest.raises(ValueError, match="pad: expected a positive padded size"):
        F.pad(x, (-2, -2))
    with pytest.raises(ValueError, match="pad: expected non-negative padding for mode 'reflect'"):
        F.pad(x, (-1, 1, 0, 0), mode="reflect")
    with pytest.raises(ValueError, match="pad: expected no value for mode 'replicate'"):
        F.pad(x, (1, 1), mode="replicate", value=1.0)


# ---- interpolate / Upsample ----------------------------------------------------------------------

INTERPOLATE_CONFIGS = [
    ({"size": (5, 11), "mode": "nearest"}, (2, 3, 7, 6)),
    ({"scale_factor": 2, "mode": "nearest"}, (1, 2, 3, 4)),
    ({"scale_factor": 1.7, "mode": "nearest"}, (2, 2, 5, 3)),
    ({"scale_factor": (0.5, 3), "mode": "nearest"}, (1, 3, 9, 2)),
    ({"size": (9, 4), "mode": "bilinear", "align_corners": False}, (2, 3, 5, 7)),
    ({"size": (9, 4), "mode": "bilinear", "align_corners": True}, (2, 3, 5, 7)),
    ({"scale_factor": 1.5, "mode": "bilinear"}, (1, 2, 5, 4)),
    ({"scale_factor": (2.5, 0.6), "mode": "bilinear", "align_corners": True}, (1, 2, 3, 6)),
    ({"size": (1, 3), "mode": "bilinear", "align_corners": True}, (1, 1, 4, 3)),
]


@pytest.mark.parametrize("kwargs,shape", INTERPOLATE_CONFIGS)
def test_interpolate_parity_and_gradcheck(kwargs, shape):
    run_both(lambda t: F.interpolate(t, **kwargs), lambda t: TF.interpolate(t, **kwargs), shape)


def test_interpolate_recompute_scale_factor():
    kwargs = {"scale_factor": 1.3, "mode": "bilinear", "recompute_scale_factor": True}
    check_parity(
        lambda t: F.interpolate(t, **kwargs),
        lambda t: TF.interpolate(t, **kwargs),
        [rand(1, 2, 7, 5)],
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scale_factor": 2, "mode": "nearest"},
        {"size": (7, 3), "mode": "bilinear", "align_corners": True},
        {"scale_factor": (1.5, 2), "mode": "bilinear"},
    ],
)
def test_upsample_module_matches_torch(kwargs):
    check_parity(nn.Upsample(**kwargs), tnn.Upsample(**kwargs), [rand(2, 3, 4, 5)])


def test_interpolate_bad_inputs():
    x = st.tensor(rand(1, 2, 4, 4))
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="align_corners can only be set with mode 'bilinear'"):
        F.interpolate(x, size=3, align_corners=True)
    with pytest.raises(NotImplementedError, match="mode 'bicubic' is not supported"):
        F.interpolate(x, size=3, mode="bicubic")
    with pytest.raises(NotImplementedError, match="only 4-D input"):
        F.interpolate(st.tensor(rand(1, 2, 4)), size=3)
    with pytest.raises(ValueError, match="interpolate: expected scale_factor > 0"):
        F.interpolate(x, scale_factor=-1.0)
    with pytest.raises(ValueError, match="Upsample: expected exactly one of size and scale_factor"):
        nn.Upsample()
    with pytest.raises(NotImplementedError, match="Upsample: mode 'area'"):
        nn.Upsample(scale_factor=2, mode="area")


# ---- pixel shuffle -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape,r", [((2, 8, 3, 4), 2), ((1, 18, 2, 3), 3), ((2, 2, 4, 3, 3), 2), ((4, 1, 1), 2)]
)
def test_pixel_shuffle_parity_and_gradcheck(shape, r):
    if shape[-3] % (r * r):
        shape = (*shape[:-3], r * r, *shape[-2:])
    run_both(lambda t: F.pixel_shuffle(t, r), lambda t: TF.pixel_shuffle(t, r), shape)
    check_parity(nn.PixelShuffle(r), tnn.PixelShuffle(r), [rand(*shape)])


@pytest.mark.parametrize("shape,r", [((2, 2, 6, 4), 2), ((1, 3, 9, 6), 3), ((2, 1, 1, 4, 4), 2)])
def test_pixel_unshuffle_parity_and_gradcheck(shape, r):
    run_both(lambda t: F.pixel_unshuffle(t, r), lambda t: TF.pixel_unshuffle(t, r), shape)
    check_parity(nn.PixelUnshuffle(r), tnn.PixelUnshuffle(r), [rand(*shape)])


def test_pixel_shuffle_bad_inputs():
    with pytest.raises(
        ValueError, match="pixel_shuffle: expected channels divisible by upscale_factor"
    ):
        F.pixel_shuffle(st.tensor(rand(1, 6, 2, 2)), 2)
    with pytest.raises(ValueError, match=r"pixel_shuffle: expected input of shape \(\*, C, H, W\)"):
        F.pixel_shuffle(st.tensor(rand(4, 4)), 2)
    with pytest.raises(
        ValueError, match="pixel_unshuffle: expected H and W divisible by downscale_factor"
    ):
        F.pixel_unshuffle(st.tensor(rand(1, 1, 5, 4)), 2)
    with pytest.raises(ValueError, match="PixelShuffle: expected upscale_factor > 0"):
        nn.PixelShuffle(0)


# ---- one_hot -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels,num_classes",
    [
        (np.array([0, 3, 1, 3]), -1),
        (np.array([[2, 0], [1, 4]]), 6),
        (np.array(2), 3),
    ],
)
def test_one_hot_matches_torch(labels, num_classes):
    out = F.one_hot(st.tensor(labels.astype(np.int64)), num_classes)
    expected = TF.one_hot(torch.tensor(labels.astype(np.int64)), num_classes)
    assert out.dtype == st.int64
    np.testing.assert_array_equal(to_np(out), expected.numpy())


def test_one_hot_bad_inputs():
    with pytest.raises(ValueError, match="one_hot: expected non-negative class values, got -1"):
        F.one_hot(st.tensor(np.array([0, -1], dtype=np.int64)))
    with pytest.raises(
        ValueError, match="one_hot: expected class values smaller than num_classes 3, got 3"
    ):
        F.one_hot(st.tensor(np.array([0, 3], dtype=np.int64)), 3)
    with pytest.raises(TypeError, match="one_hot: expected an int64 tensor"):
        F.one_hot(st.tensor(np.array([0.0, 1.0], dtype=np.float32)))
    with pytest.raises(ValueError, match="one_hot: cannot infer num_classes from an empty tensor"):
        F.one_hot(st.tensor(np.zeros(0, dtype=np.int64)))


# ---- unflatten -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape,dim,sizes", [((2, 12, 3), 1, (3, 4)), ((2, 3, 10), -1, (-1, 5)), ((6,), 0, (2, 1, 3))]
)
def test_unflatten_method_function_and_module(shape, dim, sizes):
    run_both(lambda t: t.unflatten(dim, sizes), lambda t: t.unflatten(dim, sizes), shape)
    check_parity(
        lambda t: F.unflatten(t, dim, sizes), lambda t: t.unflatten(dim, sizes), [rand(*shape)]
    )
    check_parity(nn.Unflatten(dim, sizes), tnn.Unflatten(dim, sizes), [rand(*shape)])


def test_unflatten_bad_inputs():
    x = st.tensor(rand(2, 12))
    with pytest.raises(
        ValueError, match="unflatten: expected sizes multiplying up to the size 12 of dim 1"
    ):
        x.unflatten(1, (5, 2))
    with pytest.raises(ValueError, match="unflatten: expected at most one -1"):
        x.unflatten(1, (-1, -1))
    with pytest.raises(IndexError):
        x.unflatten(3, (3, 4))
    with pytest.raises(ValueError, match="Unflatten: expected a non-empty unflattened_size"):
        nn.Unflatten(1, ())


@pytest.mark.parametrize(
    "st_fn,torch_fn",
    [
        (
            lambda t: F.pad(t.transpose(2, 3), (1, 2, 2, 1), mode="reflect"),
            lambda t: TF.pad(t.transpose(2, 3), (1, 2, 2, 1), mode="reflect"),
        ),
        (
            lambda t: F.interpolate(t.transpose(2, 3), size=(7, 4), mode="bilinear"),
            lambda t: TF.interpolate(t.transpose(2, 3), size=(7, 4), mode="bilinear"),
        ),
        (
            lambda t: F.pixel_shuffle(t.transpose(2, 3), 2),
            lambda t: TF.pixel_shuffle(t.transpose(2, 3), 2),
        ),
        (
            lambda t: t.transpose(2, 3).unflatten(1, (2, 2)),
            lambda t: t.transpose(2, 3).unflatten(1, (2, 2)),
        ),
    ],
)
def test_non_contiguous_inputs(st_fn, torch_fn):
    run_both(st_fn, torch_fn, (2, 4, 5, 3))
