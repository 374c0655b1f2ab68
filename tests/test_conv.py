"""Convolutions: conv2d (groups, depthwise, 'same' with even kernels, stride > kernel, padding
>= kernel, 1x1 and unbatched input), 'full' and per-side padding, conv1d, conv3d (incl. groups
and depthwise), conv_transpose2d, locally_connected2d, the Conv1d / Conv3d / ConvTranspose2d /
LocallyConnected2d modules and LeNet-5's sparse connection table. float64 gradcheck, PyTorch
parity (forward, input, weight and bias gradients; against F.pad / unfold + einsum references
where PyTorch has no such option), module state and every bad input with its exception type and
message."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "conv1d": "F.conv1d(P(2, 3, 8), P(4, 3, 3))",
    "conv2d": "F.conv2d(x(), P(4, 3, 3, 3))",
    "conv3d": "F.conv3d(P(1, 3, 4, 4, 4), P(2, 3, 3, 3, 3))",
    "conv_transpose2d": "F.conv_transpose2d(x(), P(3, 2, 3, 3))",
    "locally_connected2d": "F.locally_connected2d(x(), P(2, 2, 4, 3, 3, 3))",
}

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(4321)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


# (input shape, weight shape, with bias, conv2d keyword arguments)
CONFIGS = {
    "plain": ((2, 3, 7, 9), (4, 3, 3, 3), True, {}),
    "stride_padding_rect_kernel": (
        (1, 4, 11, 8),
        (6, 2, 3, 2),
        True,
        {"stride": (2, 1), "padding": (1, 2), "groups": 2},
    ),
    "dilation_no_bias": (
        (3, 2, 10, 10),
        (5, 2, 3, 3),
        False,
        {"stride": 2, "padding": 1, "dilation": 2},
    ),
    "depthwise": ((2, 4, 6, 7), (4, 1, 3, 3), True, {"padding": 1, "groups": 4}),
    "depthwise_multiplier": ((2, 3, 5, 5), (6, 1, 3, 3), True, {"groups": 3, "stride": 2}),
    "same_even_kernel": ((2, 3, 8, 7), (2, 3, 4, 2), True, {"padding": "same"}),
    "same_dilated": ((1, 2, 9, 6), (3, 2, 2, 3), True, {"padding": "same", "dilation": (3, 2)}),
    "valid": ((2, 2, 6, 5), (3, 2, 3, 2), True, {"padding": "valid"}),
    "one_by_one_input": ((2, 3, 1, 1), (4, 3, 1, 1), True, {}),
    "one_by_one_input_padded": ((2, 3, 1, 1), (4, 3, 3, 3), True, {"padding": 1}),
    "stride_larger_than_kernel": ((1, 2, 9, 9), (3, 2, 2, 2), True, {"stride": 3}),
    "padding_at_least_kernel": ((1, 2, 4, 5), (3, 2, 2, 2), True, {"padding": 3}),
    "pointwise": ((2, 8, 5, 5), (6, 8, 1, 1), True, {}),
    "pointwise_strided": ((2, 8, 5, 5), (6, 8, 1, 1), False, {"stride": 2}),
    "unbatched": ((3, 6, 7), (5, 3, 3, 3), True, {"padding": 1}),
    "resnet_block": ((4, 16, 16, 16), (32, 16, 3, 3), True, {"padding": 1}),
    "lenet_first": ((3, 1, 28, 28), (6, 1, 5, 5), True, {"padding": 2}),
}


def conv_fns(kwargs):
    def st_fn(x, w, b=None):
        return F.conv2d(x, w, b, **kwargs)

    def torch_fn(x, w, b=None):
        return TF.conv2d(x, w, b, **kwargs)

    return st_fn, torch_fn


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("name", list(CONFIGS))
def test_conv2d_parity(name):
    x_shape, w_shape, with_bias, kwargs = CONFIGS[name]
    arrays = [rand(*x_shape), rand(*w_shape)] + ([rand(w_shape[0])] if with_bias else [])
    st_fn, torch_fn = conv_fns(kwargs)
    # The weight gradient sums N * P * Q products; past ~1000 terms float32 rounding alone (in
    # PyTorch as much as here) reaches 1e-4 against a float64 reference.
    terms = (
        x_shape[0] * x_shape[-1] * x_shape[-2] if len(x_shape) == 4 else x_shape[-1] * x_shape[-2]
    )
    fwd_atol, grad_atol = 1e-5, 1e-4 if terms > 1000 else 1e-5
    if "winograd" in st.backends.cpu.conv_algorithm(x_shape, w_shape, **kwargs).values():
        # Winograd's rounding is bounded relative to the output's magnitude (~1e-6 of the largest
        # output here, ~1e-5 of a typical one), not per element: outputs here reach ~50.
        fwd_atol, grad_atol = 2e-4, 1e-3
    check_parity(st_fn, torch_fn, arrays, fwd_atol=fwd_atol, grad_atol=grad_atol)


GRADCHECK_CONFIGS = {
    "plain": ((2, 2, 5, 6), (3, 2, 3, 3), True, {"stride": (2, 1), "padding": 1}),
    "groups_dilation": (
        (1, 4, 7, 6),
        (4, 2, 2, 3),
        True,
        {"groups": 2, "dilation": 2, "padding": (2, 1)},
    ),
    "depthwise_same": ((1, 3, 5, 4), (3, 1, 4, 2), False, {"groups": 3, "padding": "same"}),
    "unbatched_stride_over_kernel": ((2, 7, 7), (2, 2, 2, 2), True, {"stride": 3, "padding": 1}),
}


@pytest.mark.parametrize("name", list(GRADCHECK_CONFIGS))
def test_conv2d_gradcheck(name):
    x_shape, w_shape, with_bias, kwargs = GRADCHECK_CONFIGS[name]
    arrays = [rand(*x_shape), rand(*w_shape)] + ([rand(w_shape[0])] if with_bias else [])
    st_fn, _ = conv_fns(kwargs)
    gradcheck(st_fn, arrays)


def test_conv2d_float64_parity():
    arrays = [
        rand(2, 3, 6, 6, dtype=np.float64),
        rand(4, 3, 3, 3, dtype=np.float64),
        rand(4, dtype=np.float64),
    ]
    st_fn, torch_fn = conv_fns({"padding": 1, "stride": 2})
    check_parity(st_fn, torch_fn, arrays)


def test_conv2d_non_contiguous_input():
    x, w = rand(2, 5, 6, 3), rand(4, 3, 3, 3)
    check_parity(
        lambda x, w: F.conv2d(x.permute(0, 3, 1, 2), w, padding=1),
        lambda x, w: TF.conv2d(x.permute(0, 3, 1, 2), w, padding=1),
        [x, w],
    )


def test_conv2d_gradient_of_one_input_only():
    x_shape, w_shape, _, kwargs = CONFIGS["plain"]
    st_fn, torch_fn = conv_fns(kwargs)
    arrays = [rand(*x_shape), rand(*w_shape), rand(w_shape[0])]
    for mask in ([True, False, False], [False, True, False], [False, False, True]):
        check_parity(st_fn, torch_fn, arrays, requires_grad=mask)


def test_conv2d_empty_batch():
    out = F.conv2d(st.tensor(np.zeros((0, 3, 5, 5), np.float32)), st.tensor(rand(2, 3, 3, 3)))
    assert tuple(out.shape) == (0, 2, 3, 3)


# ---- bad input ------------------------------------------------------------------------------


def bad_conv(
    x_shape=(1, 3, 8, 8),
    w_shape=(4, 3, 3, 3),
    bias_shape=None,
    x_dtype=np.float32,
    w_dtype=np.float32,
    b_dtype=np.float32,
    **kwargs,
):
    x = st.tensor(np.zeros(x_shape, x_dtype))
    w = st.tensor(np.zeros(w_shape, w_dtype))
    b = st.tensor(np.zeros(bias_shape, b_dtype)) if bias_shape is not None else None
    return F.conv2d(x, w, b, **kwargs)


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        (
            {"x_shape": (3, 8)},
            ValueError,
            r"conv2d: expected input of shape \(N, C, H, W\) or \(C, H, W\), got \[3, 8\]",
        ),
        (
            {"x_shape": (1, 1, 3, 8, 8)},
            ValueError,
            r"conv2d: expected input of shape \(N, C, H, W\)",
        ),
        (
            {"w_shape": (4, 3, 3)},
            ValueError,
            r"conv2d: expected weight of shape \(K, C / groups, R, S\), got \[4, 3, 3\]",
        ),
        (
            {"w_shape": (4, 2, 3, 3)},
            ValueError,
            (
                r"conv2d: expected input with C = weight.size\(1\) \* groups = 2 "
                r"channels, got 3"
            ),
        ),
        (
            {"x_shape": (1, 4, 8, 8), "w_shape": (3, 2, 3, 3), "groups": 2},
            ValueError,
            r"conv2d: expected out channels \(weight.size\(0\) = 3\) divisible by groups = 2",
        ),
        (
            {"w_shape": (4, 3, 9, 3)},
            ValueError,
            r"conv2d: kernel size \(after dilation\) \(9, 3\) is larger than the padded input \(8",
        ),
        (
            {"dilation": 4},
            ValueError,
            r"conv2d: kernel size \(after dilation\) \(9, 9\) is larger than the padded input",
        ),
        ({"stride": 0}, ValueError, r"conv2d: expected stride > 0, got \(0, 0\)"),
        ({"stride": (1, -2)}, ValueError, r"conv2d: expected stride > 0, got \(1, -2\)"),
        ({"dilation": (0, 1)}, ValueError, r"conv2d: expected dilation > 0, got \(0, 1\)"),
        ({"padding": -1}, ValueError, r"conv2d: expected padding >= 0"),
        ({"groups": 0}, ValueError, r"conv2d: expected groups > 0, got 0"),
        (
            {"padding": "same", "stride": 2},
            ValueError,
            r"conv2d: padding='same' requires stride 1, got stride \(2, 2\)",
        ),
        (
            {"padding": "circular"},
            ValueError,
            r"conv2d: expected padding 'same', 'valid', 'full' or integers, got 'circular'",
        ),
        (
            {"w_shape": (0, 3, 3, 3)},
            ValueError,
            r"conv2d: expected weight with positive sizes, got \[0, 3, 3, 3\]",
        ),
        ({"bias_shape": (3,)}, ValueError, r"conv2d: expected bias of shape \(4\), got \[3\]"),
        (
            {"bias_shape": (4, 1)},
            ValueError,
            r"conv2d: expected bias of shape \(4\), got \[4, 1\]",
        ),
        (
            {"w_dtype": np.float64},
            TypeError,
            r"conv2d: expected weight of dtype float32 \(the input's\), got float64",
        ),
        (
            {"bias_shape": (4,), "b_dtype": np.float64},
            TypeError,
            r"conv2d: expected bias of dtype float32",
        ),
        (
            {"x_dtype": np.int64, "w_dtype": np.int64},
            TypeError,
            r"conv2d: expected a floating-point input",
        ),
        ({"stride": 1.5}, TypeError, r"conv2d: expected stride to be an int, got float"),
        (
            {"padding": (1, 2, 3)},
            ValueError,
            r"conv2d: expected padding to be an int, a tuple of 2 ints, 4 ints per side "
            r"\(F.pad's order\) or one of \('same', 'valid', 'full'\), got \(1, 2, 3\)",
        ),
        (
            {"padding": None},
            TypeError,
            r"conv2d: expected padding to be an int, a tuple of 2 ints, .* got None",
        ),
        ({"groups": "2"}, TypeError, r"conv2d: expected groups to be an int, got str"),
    ],
)
def test_conv2d_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        bad_conv(**kwargs)


# ---- shared by the sections below ---------------------------------------------------------------


def arrays_for(x_shape, w_shape, bias_size, dtype=np.float32):
    arrays = [rand(*x_shape, dtype=dtype), rand(*w_shape, dtype=dtype)]
    if bias_size is not None:
        arrays.append(rand(*np.atleast_1d(bias_size), dtype=dtype))
    return arrays


# ---- conv2d: 'full' and per-side padding ------------------------------------------------------

# (input, weight, bias, striate kwargs, the F.pad sides (left, right, top, bottom) torch needs)
CONV2D_PADDING = {
    "full": ((2, 3, 6, 5), (4, 3, 3, 2), 4, {"padding": "full"}, (1, 1, 2, 2)),
    "full_dilated_strided": (
        (1, 2, 7, 6),
        (3, 2, 2, 3),
        3,
        {"padding": "full", "dilation": (2, 1), "stride": 2},
        (2, 2, 2, 2),
    ),
    "full_grouped": (
        (2, 4, 5, 5),
        (6, 2, 3, 3),
        None,
        {"padding": "full", "groups": 2},
        (2, 2, 2, 2),
    ),
    "per_side": ((2, 3, 7, 6), (2, 3, 3, 3), 2, {"padding": (0, 2, 1, 3)}, (0, 2, 1, 3)),
    "per_side_strided_dilated": (
        (1, 2, 9, 8),
        (3, 2, 2, 2),
        3,
        {"padding": [3, 0, 0, 1], "stride": (2, 3), "dilation": 2},
        (3, 0, 0, 1),
    ),
}


def conv2d_padding_fns(kwargs, sides):
    torch_kwargs = {k: v for k, v in kwargs.items() if k != "padding"}

    def st_fn(x, w, b=None):
        return F.conv2d(x, w, b, **kwargs)

    def torch_fn(x, w, b=None):
        return TF.conv2d(TF.pad(x, sides), w, b, **torch_kwargs)

    return st_fn, torch_fn


@pytest.mark.parametrize("name", list(CONV2D_PADDING))
def test_conv2d_full_and_per_side_padding_parity(name):
    x_shape, w_shape, bias, kwargs, sides = CONV2D_PADDING[name]
    arrays = arrays_for(x_shape, w_shape, bias)
    check_parity(*conv2d_padding_fns(kwargs, sides), arrays, fwd_atol=1e-5)


@pytest.mark.parametrize("name", ["full", "full_dilated_strided", "per_side_strided_dilated"])
def test_conv2d_full_and_per_side_padding_gradcheck(name):
    x_shape, w_shape, bias, kwargs, _ = CONV2D_PADDING[name]
    st_fn, _ = conv2d_padding_fns(kwargs, None)
    gradcheck(st_fn, arrays_for(x_shape, w_shape, bias, np.float64))


def test_conv2d_full_output_size():
    x = st.tensor(rand(1, 1, 5, 7))
    w = st.tensor(rand(1, 1, 3, 4))
    assert tuple(F.conv2d(x, w, padding="full").shape) == (1, 1, 7, 10)
    assert tuple(F.conv2d(x, w, padding="full", dilation=2).shape) == (1, 1, 9, 13)


def test_conv2d_module_full_and_per_side_padding():
    layer = nn.Conv2d(2, 3, 3, padding=(1, 0, 2, 0))
    assert layer.padding == (1, 0, 2, 0)
    assert "padding=(1, 0, 2, 0)" in repr(layer)
    x = rand(1, 2, 5, 6)
    expected = TF.conv2d(
        TF.pad(torch.tensor(x), (1, 0, 2, 0)),
        torch.tensor(to_np(layer.weight)),
        torch.tensor(to_np(layer.bias)),
    )
    np.testing.assert_allclose(to_np(layer(st.tensor(x))), expected.numpy(), rtol=1e-5, atol=1e-6)
    full = nn.Conv2d(2, 3, 3, padding="full")
    assert full.padding == "full"
    assert tuple(full(st.tensor(x)).shape) == (1, 3, 7, 8)


# ---- conv1d ------------------------------------------------------------------------------------

CONV1D = {
    "plain": ((2, 3, 9), (4, 3, 3), 4, {}),
    "stride_padding_dilation": (
        (3, 2, 13),
        (5, 2, 3),
        5,
        {"stride": 2, "padding": 2, "dilation": 2},
    ),
    "groups": ((2, 6, 8), (6, 2, 3), 6, {"groups": 3, "padding": (1,)}),
    "depthwise": ((2, 4, 7), (8, 1, 3), None, {"groups": 4, "stride": 3}),
    "same_even": ((1, 3, 10), (2, 3, 4), 2, {"padding": "same"}),
    "valid": ((2, 2, 6), (3, 2, 5), 3, {"padding": "valid"}),
    "unbatched": ((3, 11), (2, 3, 3), 2, {"padding": 1}),
}


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("name", list(CONV1D))
def test_conv1d_parity(name):
    x_shape, w_shape, bias, kwargs = CONV1D[name]
    check_parity(
        lambda x, w, b=None: F.conv1d(x, w, b, **kwargs),
        lambda x, w, b=None: TF.conv1d(x, w, b, **kwargs),
        arrays_for(x_shape, w_shape, bias),
    )


@pytest.mark.parametrize("name", ["stride_padding_dilation", "groups", "depthwise", "unbatched"])
def test_conv1d_gradcheck(name):
    x_shape, w_shape, bias, kwargs = CONV1D[name]
    gradcheck(
        lambda x, w, b=None: F.conv1d(x, w, b, **kwargs),
        arrays_for(x_shape, w_shape, bias, np.float64),
    )


@pytest.mark.parametrize("padding,sides", [("full", (2, 2)), ((3, 1), (3, 1))])
def test_conv1d_full_and_per_side_padding(padding, sides):
    arrays = arrays_for((2, 3, 7), (2, 3, 3), 2)
    check_parity(
        lambda x, w, b: F.conv1d(x, w, b, padding=padding, stride=2),
        lambda x, w, b: TF.conv1d(TF.pad(x, sides), w, b, stride=2),
        arrays,
    )
    gradcheck(
        lambda x, w, b: F.conv1d(x, w, b, padding=padding, stride=2),
        [a.astype(np.float64) for a in arrays],
    )


def test_conv1d_non_contiguous_input():
    x = rand(2, 9, 3)
    w = rand(4, 3, 2)
    out = F.conv1d(st.tensor(x).transpose(1, 2), st.tensor(w), padding=1)
    expected = TF.conv1d(torch.tensor(x).transpose(1, 2), torch.tensor(w), padding=1)
    np.testing.assert_allclose(to_np(out), expected.numpy(), rtol=1e-5, atol=1e-6)


# ---- conv3d ------------------------------------------------------------------------------------

CONV3D = {
    "plain": ((2, 2, 4, 5, 4), (3, 2, 2, 3, 2), 3, {}),
    "stride_padding": (
        (1, 3, 5, 6, 7),
        (4, 3, 3, 3, 3),
        4,
        {"stride": (2, 1, 2), "padding": (1, 2, 0)},
    ),
    "dilation": ((2, 2, 7, 6, 6), (2, 2, 2, 2, 3), None, {"dilation": (2, 3, 1), "padding": 1}),
    "groups": ((2, 4, 4, 4, 5), (6, 2, 2, 2, 2), 6, {"groups": 2, "stride": 2, "padding": 1}),
    "depthwise": ((1, 3, 5, 4, 4), (3, 1, 3, 3, 3), 3, {"groups": 3, "padding": 1}),
    "same": ((1, 2, 5, 4, 6), (3, 2, 2, 3, 4), 3, {"padding": "same"}),
    "pointwise": ((2, 4, 3, 3, 3), (5, 4, 1, 1, 1), 5, {}),
    "unbatched": ((2, 4, 5, 3), (3, 2, 3, 3, 2), 3, {"padding": 1}),
}


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("name", list(CONV3D))
def test_conv3d_parity(name):
    x_shape, w_shape, bias, kwargs = CONV3D[name]
    check_parity(
        lambda x, w, b=None: F.conv3d(x, w, b, **kwargs),
        lambda x, w, b=None: TF.conv3d(x, w, b, **kwargs),
        arrays_for(x_shape, w_shape, bias),
        fwd_atol=1e-5,
    )


@pytest.mark.parametrize("name", ["stride_padding", "dilation", "groups", "depthwise"])
def test_conv3d_gradcheck(name):
    x_shape, w_shape, bias, kwargs = CONV3D[name]
    # Smaller volumes than for parity: finite differences cost two passes per element.
    x_shape = x_shape[:2] + tuple(min(s, 5) for s in x_shape[2:])
    gradcheck(
        lambda x, w, b=None: F.conv3d(x, w, b, **kwargs),
        arrays_for(x_shape, w_shape, bias, np.float64),
    )


@pytest.mark.parametrize(
    "padding,sides",
    [("full", (1, 1, 2, 2, 1, 1)), ((1, 0, 0, 2, 2, 1), (1, 0, 0, 2, 2, 1))],
)
def test_conv3d_full_and_per_side_padding(padding, sides):
    arrays = arrays_for((1, 2, 4, 3, 4), (2, 2, 2, 3, 2), 2)
    check_parity(
        lambda x, w, b: F.conv3d(x, w, b, padding=padding),
        lambda x, w, b: TF.conv3d(TF.pad(x, sides), w, b),
        arrays,
    )
    gradcheck(
        lambda x, w, b: F.conv3d(x, w, b, padding=padding), [a.astype(np.float64) for a in arrays]
    )


# ---- conv_transpose2d ---------------------------------------------------------------------------

CONV_TRANSPOSE2D = {
    "plain": ((2, 3, 4, 5), (3, 2, 3, 3), 2, {}),
    "stride_padding": ((1, 4, 5, 4), (4, 3, 3, 2), 3, {"stride": 2, "padding": 1}),
    "output_padding": (
        (2, 2, 3, 4),
        (2, 3, 3, 3),
        3,
        {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2)},
    ),
    "dilation": ((1, 2, 4, 4), (2, 2, 2, 3), None, {"dilation": (2, 1), "stride": 2}),
    "groups": ((2, 4, 3, 3), (4, 3, 2, 2), 6, {"groups": 2, "stride": 2, "padding": 1}),
    "depthwise": ((1, 3, 4, 5), (3, 1, 3, 3), 3, {"groups": 3, "padding": 1}),
    "output_padding_below_dilation": (
        (1, 2, 3, 3),
        (2, 2, 2, 2),
        2,
        {"dilation": 3, "output_padding": 1},
    ),
    "unbatched": ((3, 4, 3), (3, 2, 2, 2), 2, {"stride": 2}),
}


@pytest.mark.parametrize("name", list(CONV_TRANSPOSE2D))
def test_conv_transpose2d_parity(name):
    x_shape, w_shape, bias, kwargs = CONV_TRANSPOSE2D[name]
    check_parity(
        lambda x, w, b=None: F.conv_transpose2d(x, w, b, **kwargs),
        lambda x, w, b=None: TF.conv_transpose2d(x, w, b, **kwargs),
        arrays_for(x_shape, w_shape, bias),
        fwd_atol=1e-5,
    )


@pytest.mark.parametrize("name", ["stride_padding", "output_padding", "dilation", "groups"])
def test_conv_transpose2d_gradcheck(name):
    x_shape, w_shape, bias, kwargs = CONV_TRANSPOSE2D[name]
    gradcheck(
        lambda x, w, b=None: F.conv_transpose2d(x, w, b, **kwargs),
        arrays_for(x_shape, w_shape, bias, np.float64),
    )


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    # <conv2d(x, w), y> == <x, conv_transpose2d(y, w)> for matching geometry.
    x, w = rand(2, 3, 8, 6, dtype=np.float64), rand(4, 3, 3, 2, dtype=np.float64)
    y = rand(2, 4, 4, 4, dtype=np.float64)
    forward = to_np(F.conv2d(st.tensor(x), st.tensor(w), stride=2, padding=1))
    back = to_np(
        F.conv_transpose2d(st.tensor(y), st.tensor(w), stride=2, padding=1, output_padding=(1, 0))
    )
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(forward * y), np.sum(x * back), rtol=1e-10)


# ---- locally_connected2d ------------------------------------------------------------------------


def lc_reference(x, w, b=None, stride=1, padding=0):
    """Built from torch ops: unfold the patches, one (K, C R S) matrix per position."""
    P, Q, K, C, R, S = w.shape
    batched = x.dim() == 4
    xb = x if batched else x.unsqueeze(0)
    cols = TF.unfold(xb, (R, S), stride=stride, padding=padding)  # (N, C R S, P Q)
    out = torch.einsum("ncl,lkc->nkl", cols, w.reshape(P * Q, K, C * R * S))
    if b is not None:
        out = out + b.reshape(K, P * Q)
    out = out.reshape(xb.shape[0], K, P, Q)
    return out if batched else out.squeeze(0)


LOCALLY_CONNECTED = {
    "plain": ((2, 3, 5, 6), (4, 4, 4, 3, 2, 3), (4, 4, 4), {}),
    "stride_padding": ((1, 2, 7, 6), (4, 3, 3, 2, 3, 3), (3, 4, 3), {"stride": 2, "padding": 1}),
    "rect_stride": ((3, 2, 6, 7), (4, 2, 3, 2, 2, 3), None, {"stride": (2, 3), "padding": (1, 0)}),
    "unbatched": ((2, 4, 4), (3, 3, 2, 2, 2, 2), (2, 3, 3), {}),
}


@pytest.mark.parametrize("name", list(LOCALLY_CONNECTED))
def test_locally_connected2d_matches_unfold_einsum_reference(name):
    x_shape, w_shape, b_shape, kwargs = LOCALLY_CONNECTED[name]
    arrays = [rand(*x_shape), rand(*w_shape)] + ([rand(*b_shape)] if b_shape else [])
    check_parity(
        lambda x, w, b=None: F.locally_connected2d(x, w, b, **kwargs),
        lambda x, w, b=None: lc_reference(x, w, b, **kwargs),
        arrays,
    )


@pytest.mark.parametrize("name", list(LOCALLY_CONNECTED))
def test_locally_connected2d_gradcheck(name):
    x_shape, w_shape, b_shape, kwargs = LOCALLY_CONNECTED[name]
    arrays = [rand(*x_shape), rand(*w_shape)] + ([rand(*b_shape)] if b_shape else [])
    gradcheck(lambda x, w, b=None: F.locally_connected2d(x, w, b, **kwargs), arrays)


def test_locally_connected2d_with_shared_weights_is_a_convolution():
    x, w = rand(2, 3, 6, 5), rand(4, 3, 3, 2)
    shared = np.broadcast_to(w, (4, 4) + w.shape).copy()  # every position gets the same filters
    out = F.locally_connected2d(st.tensor(x), st.tensor(shared))
    expected = to_np(F.conv2d(st.tensor(x), st.tensor(w)))
    np.testing.assert_allclose(to_np(out), expected, rtol=1e-5, atol=1e-6)


# ---- modules -------------------------------------------------------------------------------------


def copy_parameters(st_layer, torch_layer):
    state = torch_layer.state_dict()
    st_layer.load_state_dict({k: st.tensor(v.detach().numpy()) for k, v in state.items()})


@pytest.mark.parametrize(
    "make,x_shape",
    [
        (lambda lib: lib.nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2), (2, 4, 11)),
        (lambda lib: lib.nn.Conv1d(3, 3, 4, padding="same", groups=3, bias=False), (1, 3, 9)),
        (
            lambda lib: lib.nn.Conv3d(2, 4, (2, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1)),
            (2, 2, 4, 6, 5),
        ),
        (
            lambda lib: lib.nn.Conv3d(4, 4, 3, padding=1, groups=4, dilation=(1, 2, 1)),
            (1, 4, 4, 5, 4),
        ),
        (
            lambda lib: lib.nn.ConvTranspose2d(
                4, 6, 3, stride=2, padding=1, output_padding=1, groups=2
            ),
            (2, 4, 4, 3),
        ),
        (lambda lib: lib.nn.ConvTranspose2d(3, 2, (2, 3), dilation=2, bias=False), (1, 3, 3, 4)),
    ],
)
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
def test_modules_match_torch(make, x_shape):
    torch_layer, st_layer = make(torch), make(st)
    assert repr(st_layer) == repr(torch_layer)
    names = [n for n, _ in st_layer.named_parameters()]
    assert names == [n for n, _ in torch_layer.named_parameters()]
    for (_, sp), (_, tp) in zip(st_layer.named_parameters(), torch_layer.named_parameters()):
        assert tuple(sp.shape) == tuple(tp.shape)
    for name in (
        "in_channels",
        "out_channels",
        "kernel_size",
        "stride",
        "padding",
        "dilation",
        "groups",
    ):
        assert getattr(st_layer, name) == getattr(torch_layer, name), name
    copy_parameters(st_layer, torch_layer)
    x = rand(*x_shape)
    xs, xt = st.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ys, yt = st_layer(xs), torch_layer(xt)
    np.testing.assert_allclose(to_np(ys), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    ys.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(to_np(xs.grad), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        to_np(st_layer.weight.grad), torch_layer.weight.grad.numpy(), rtol=1e-4, atol=1e-4
    )


@pytest.mark.parametrize(
    "layer,fan_in",
    [
        (lambda: nn.Conv1d(4, 8, 5, groups=2), 2 * 5),
        (lambda: nn.Conv3d(3, 6, (2, 3, 4)), 3 * 24),
        (lambda: nn.ConvTranspose2d(6, 4, 3, groups=2), 2 * 9),
        (lambda: nn.LocallyConnected2d(3, 4, (6, 6), 3), 3 * 9),
    ],
)
def test_default_init_bounds(layer, fan_in):
    st.manual_seed(0)
    m = layer()
    bound = 1 / np.sqrt(fan_in)
    for p in (m.weight, m.bias):
        values = to_np(p)
        assert values.min() >= -bound and values.max() <= bound
        assert values.max() - values.min() > bound  # spread over the range, not a constant
        assert p.requires_grad


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Conv1d(2, 3, 3),
        lambda: nn.Conv3d(2, 3, 2),
        lambda: nn.ConvTranspose2d(2, 3, 2),
        lambda: nn.LocallyConnected2d(2, 3, (5, 4), 2, stride=2),
    ],
)
def test_state_dict_round_trip(make):
    source, target = make(), make()
    target.load_state_dict(source.state_dict())
    for (name, a), (_, b) in zip(source.state_dict().items(), target.state_dict().items()):
        np.testing.assert_array_equal(to_np(a), to_np(b), err_msg=name)
    assert list(source.state_dict()) == ["weight", "bias"]


def test_locally_connected2d_module():
    m = nn.LocallyConnected2d(3, 4, (7, 6), (3, 2), stride=2, padding=1)
    assert m.output_size == (4, 4)
    assert tuple(m.weight.shape) == (4, 4, 4, 3, 3, 2)
    assert tuple(m.bias.shape) == (4, 4, 4)
    assert repr(m) == (
        "LocallyConnected2d(3, 4, in_size=(7, 6), kernel_size=(3, 2), "
        "stride=(2, 2), padding=(1, 1))"
    )
    x = rand(2, 3, 7, 6)
    expected = lc_reference(
        torch.tensor(x),
        torch.tensor(to_np(m.weight)),
        torch.tensor(to_np(m.bias)),
        stride=2,
        padding=1,
    )
    out = m(st.tensor(x))
    np.testing.assert_allclose(to_np(out), expected.numpy(), rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert tuple(m.weight.grad.shape) == tuple(m.weight.shape)
    with pytest.raises(
        ValueError, match=r"LocallyConnected2d: expected input of spatial size \(7, 6\)"
    ):
        m(st.tensor(rand(2, 3, 6, 6)))


def test_modules_train_eval_do_not_change_the_output():
    cases = ((nn.Conv1d(2, 2, 3), rand(1, 2, 6)), (nn.ConvTranspose2d(2, 2, 2), rand(1, 2, 3, 3)))
    for m, x in cases:
        train_out = to_np(m(st.tensor(x)))
        m.eval()
        np.testing.assert_array_equal(to_np(m(st.tensor(x))), train_out)


# ---- LeNet-5 connection table -------------------------------------------------------------------


def test_lenet5_c3_table():
    table = to_np(nn.lenet5_c3_table())
    assert table.shape == (16, 6) and table.dtype == np.bool_
    assert table.sum() == 60  # 6 * 3 + 9 * 4 + 1 * 6 connections, as in the paper
    assert list(np.flatnonzero(table[0])) == [0, 1, 2]
    assert list(np.flatnonzero(table[6])) == [0, 1, 2, 3]
    assert list(np.flatnonzero(table[14])) == [0, 2, 3, 5]
    assert table[15].all()


def test_connection_table_masks_weights_and_their_gradients():
    table = nn.lenet5_c3_table()
    mask = to_np(table)[:, :, None, None]
    c3 = nn.Conv2d(6, 16, 5, connection_table=table)
    assert "connection_table=True" in repr(c3)
    assert np.all(to_np(c3.weight)[~np.broadcast_to(mask, (16, 6, 5, 5))] == 0)
    # Even with dense weights (e.g. loaded from elsewhere) only the table's connections act.
    dense = rand(16, 6, 5, 5)
    c3.load_state_dict({"weight": st.tensor(dense), "bias": c3.bias.detach()})
    x = rand(2, 6, 14, 14)
    xs = st.tensor(x, requires_grad=True)
    out = c3(xs)
    expected = TF.conv2d(torch.tensor(x), torch.tensor(dense * mask), torch.tensor(to_np(c3.bias)))
    np.testing.assert_allclose(to_np(out), expected.numpy(), rtol=1e-5, atol=1e-5)
    dout = rand(*out.shape)
    (out * st.tensor(dout)).sum().backward()
    grad = to_np(c3.weight.grad)
    assert np.all(grad[~np.broadcast_to(mask, grad.shape)] == 0.0)
    assert np.all(np.abs(grad[np.broadcast_to(mask, grad.shape)]).sum() > 0)
    assert list(c3.state_dict()) == ["weight", "bias"]  # the mask is derived, not saved


def test_connection_table_gradcheck():
    table = st.tensor(np.array([[1, 0, 1], [0, 1, 1]], dtype=bool))
    st.manual_seed(3)
    layer = nn.Conv2d(3, 2, 2, padding=1, connection_table=table)
    layer.weight = nn.Parameter(st.tensor(rand(2, 3, 2, 2, dtype=np.float64)))
    layer.bias = nn.Parameter(st.tensor(rand(2, dtype=np.float64)))
    gradcheck(lambda xs: layer(xs), [rand(1, 3, 4, 3, dtype=np.float64)])
    assert np.all(to_np(layer.weight.grad)[~to_np(table)] == 0)


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        (
            {"groups": 2, "in_channels": 4},
            ValueError,
            r"Conv2d: connection_table requires groups=1, got groups=2",
        ),
        (
            {"table_shape": (6, 16)},
            ValueError,
            r"Conv2d: expected connection_table of shape \(out_channels, in_channels\) = "
            r"\(16, 6\), got \[6, 16\]",
        ),
    ],
)
def test_connection_table_bad_input(kwargs, error, message):
    in_channels = kwargs.get("in_channels", 6)
    table = st.tensor(np.ones(kwargs.get("table_shape", (16, in_channels)), dtype=bool))
    with pytest.raises(error, match=message):
        nn.Conv2d(in_channels, 16, 5, groups=kwargs.get("groups", 1), connection_table=table)


# ---- bad input ----------------------------------------------------------------------------------


def call(op, x_shape, w_shape, bias_shape=None, x_dtype=np.float32, w_dtype=np.float32, **kwargs):
    x = st.tensor(np.zeros(x_shape, x_dtype))
    w = st.tensor(np.zeros(w_shape, w_dtype))
    b = st.tensor(np.zeros(bias_shape, np.float32)) if bias_shape is not None else None
    return getattr(F, op)(x, w, b, **kwargs)


@pytest.mark.parametrize(
    "op,x_shape,w_shape,kwargs,error,message",
    [
        (
            "conv2d",
            (1, 3, 8, 8),
            (4, 3, 3, 3),
            {"padding": "circular"},
            ValueError,
            r"conv2d: expected padding 'same', 'valid', 'full' or integers, got 'circular'",
        ),
        (
            "conv2d",
            (1, 3, 8, 8),
            (4, 3, 3, 3),
            {"padding": (1, 2, 3)},
            ValueError,
            r"conv2d: expected padding to be an int, a tuple of 2 ints, 4 ints per side",
        ),
        (
            "conv2d",
            (1, 3, 8, 8),
            (4, 3, 3, 3),
            {"padding": (1, 0, -1, 0)},
            ValueError,
            r"conv2d: expected padding >= 0, got \(top, bottom, left, right\) = \(-1, 0, 1, 0\)",
        ),
        (
            "conv2d",
            (1, 3, 8, 8),
            (4, 3, 3, 3),
            {"padding": "full", "stride": 0},
            ValueError,
            r"conv2d: expected stride > 0",
        ),
        (
            "conv1d",
            (1, 3, 8, 8),
            (4, 3, 3),
            {},
            ValueError,
            r"conv1d: expected input of shape \(N, C, L\) or \(C, L\), got \[1, 3, 8, 8\]",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3, 3),
            {},
            ValueError,
            r"conv1d: expected weight of shape \(K, C / groups, S\), got \[4, 3, 3, 3\]",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 2, 3),
            {},
            ValueError,
            r"conv1d: expected input with C = weight.size\(1\) \* groups = 2 channels, got 3",
        ),
        (
            "conv1d",
            (1, 4, 8),
            (3, 2, 3),
            {"groups": 2},
            ValueError,
            r"conv1d: expected out channels \(weight.size\(0\) = 3\) divisible by groups = 2",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"stride": 0},
            ValueError,
            r"conv1d: expected stride > 0, got \(0\)",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"dilation": -1},
            ValueError,
            r"conv1d: expected dilation > 0",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"padding": -2},
            ValueError,
            r"conv1d: expected padding >= 0, got \(-2, -2\)",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"groups": 0},
            ValueError,
            r"conv1d: expected groups > 0, got 0",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"padding": "same", "stride": 2},
            ValueError,
            r"conv1d: padding='same' requires stride 1",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"padding": "zeros"},
            ValueError,
            r"conv1d: expected padding 'same', 'valid', 'full' or integers, got 'zeros'",
        ),
        (
            "conv1d",
            (1, 3, 4),
            (4, 3, 6),
            {},
            ValueError,
            r"conv1d: kernel size \(after dilation\) 6 is larger than the padded input 4",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"stride": (1, 2)},
            ValueError,
            r"conv1d: expected stride to be an int or a tuple of 1 ints, got \(1, 2\)",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"bias_shape": (3,)},
            ValueError,
            r"conv1d: expected bias of shape \(4\)",
        ),
        (
            "conv1d",
            (1, 3, 8),
            (4, 3, 3),
            {"x_dtype": np.int64, "w_dtype": np.int64},
            TypeError,
            r"conv1d: expected a floating-point input",
        ),
        (
            "conv3d",
            (3, 8, 8),
            (4, 3, 3, 3, 3),
            {},
            ValueError,
            r"conv3d: expected input of shape \(N, C, D, H, W\) or \(C, D, H, W\), got \[3, 8, 8\]",
        ),
        (
            "conv3d",
            (1, 3, 4, 4, 4),
            (4, 3, 3, 3),
            {},
            ValueError,
            r"conv3d: expected weight of shape \(K, C / groups, U, R, S\), got \[4, 3, 3, 3\]",
        ),
        (
            "conv3d",
            (1, 3, 4, 4, 4),
            (4, 1, 3, 3, 3),
            {"groups": 2},
            ValueError,
            r"conv3d: expected input with C = weight.size\(1\) \* groups = 2 channels, got 3",
        ),
        (
            "conv3d",
            (1, 4, 4, 4, 4),
            (3, 2, 3, 3, 3),
            {"groups": 2},
            ValueError,
            r"conv3d: expected out channels \(weight.size\(0\) = 3\) divisible by groups = 2",
        ),
        (
            "conv3d",
            (1, 3, 4, 4, 4),
            (4, 3, 3, 3, 3),
            {"stride": (1, 0, 1)},
            ValueError,
            r"conv3d: expected stride > 0, got \(1, 0, 1\)",
        ),
        (
            "conv3d",
            (1, 3, 4, 4, 4),
            (4, 3, 3, 3, 3),
            {"padding": (1, 2)},
            ValueError,
            r"conv3d: expected padding to be an int, a tuple of 3 ints, 6 ints per side",
        ),
        (
            "conv3d",
            (1, 3, 4, 4, 4),
            (4, 3, 3, 3, 3),
            {"padding": (0, 0, 0, 0, 0, -1)},
            ValueError,
            r"conv3d: expected padding >= 0, got \(0, -1, 0, 0, 0, 0\)",
        ),
        (
            "conv3d",
            (1, 3, 4, 4, 4),
            (4, 3, 3, 5, 3),
            {},
            ValueError,
            r"conv3d: kernel size \(after dilation\) 5 is larger than the padded input 4 "
            r"in spatial dimension 1",
        ),
        (
            "conv3d",
            (1, 3, 4, 4, 4),
            (4, 3, 3, 3, 3),
            {"padding": "same", "stride": 2},
            ValueError,
            r"conv3d: padding='same' requires stride 1, got stride \(2, 2, 2\)",
        ),
        (
            "conv3d",
            (1, 3, 4, 4, 4),
            (4, 3, 3, 3, 3),
            {"w_dtype": np.float64},
            TypeError,
            r"conv3d: expected weight of dtype float32 \(the input's\), got float64",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4, 4),
            (4, 2, 3, 3),
            {},
            ValueError,
            r"conv_transpose2d: expected input with C_in = weight.size\(0\) = 4 channels, got 3",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4),
            (3, 2, 3, 3),
            {"x_shape_override": (3, 4)},
            ValueError,
            r"conv_transpose2d: expected input of shape \(N, C_in, H, W\) or \(C_in, H, W\), "
            r"got \[3, 4\]",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4, 4),
            (3, 2, 3),
            {},
            ValueError,
            r"conv_transpose2d: expected weight of shape \(C_in, C_out / groups, R, S\), "
            r"got \[3, 2, 3\]",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4, 4),
            (3, 2, 3, 3),
            {"groups": 2},
            ValueError,
            r"conv_transpose2d: expected in channels \(weight.size\(0\) = 3\) "
            r"divisible by groups = 2",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4, 4),
            (3, 2, 3, 3),
            {"stride": 2, "output_padding": 2},
            ValueError,
            r"conv_transpose2d: expected 0 <= output_padding < stride or < dilation, "
            r"got output_padding \(2, 2\)",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4, 4),
            (3, 2, 3, 3),
            {"stride": 0},
            ValueError,
            r"conv_transpose2d: expected stride > 0, got \(0, 0\)",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4, 4),
            (3, 2, 3, 3),
            {"padding": -1},
            ValueError,
            r"conv_transpose2d: expected padding >= 0, got \(-1, -1\)",
        ),
        (
            "conv_transpose2d",
            (1, 3, 2, 2),
            (3, 2, 2, 2),
            {"padding": 2},
            ValueError,
            r"conv_transpose2d: the output would be empty \(size -1 in spatial dimension 0\)",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4, 4),
            (3, 2, 3, 3),
            {"bias_shape": (3,)},
            ValueError,
            r"conv_transpose2d: expected bias of shape \(2\), got \[3\]",
        ),
        (
            "conv_transpose2d",
            (1, 3, 4, 4),
            (3, 2, 3, 3),
            {"padding": "same"},
            NotImplementedError,
            r"conv_transpose2d: string padding 'same' is not supported",
        ),
        (
            "locally_connected2d",
            (1, 3, 5, 5),
            (3, 3, 2, 3, 3, 3),
            {"stride": 2},
            ValueError,
            r"locally_connected2d: expected weight of shape \(P, Q, ...\) = \(2, 2, ...\)",
        ),
        (
            "locally_connected2d",
            (1, 3, 5, 5),
            (3, 3, 2, 4, 3, 3),
            {},
            ValueError,
            r"locally_connected2d: expected input with C = weight.size\(3\) = 4 channels, got 3",
        ),
        (
            "locally_connected2d",
            (1, 3, 5, 5),
            (3, 3, 2, 3, 3),
            {},
            ValueError,
            r"locally_connected2d: expected weight of shape \(P, Q, K, C, R, S\), "
            r"got \[3, 3, 2, 3, 3\]",
        ),
        (
            "locally_connected2d",
            (5, 5),
            (3, 3, 2, 3, 3, 3),
            {},
            ValueError,
            r"locally_connected2d: expected input of shape \(N, C, H, W\) or \(C, H, W\), "
            r"got \[5, 5\]",
        ),
        (
            "locally_connected2d",
            (1, 3, 5, 5),
            (3, 3, 2, 3, 3, 3),
            {"stride": 0},
            ValueError,
            r"locally_connected2d: expected stride > 0, got \(0, 0\)",
        ),
        (
            "locally_connected2d",
            (1, 3, 5, 5),
            (3, 3, 2, 3, 3, 3),
            {"padding": -1},
            ValueError,
            r"locally_connected2d: expected padding >= 0, got \(-1, -1\)",
        ),
        (
            "locally_connected2d",
            (1, 3, 2, 2),
            (1, 1, 2, 3, 3, 3),
            {},
            ValueError,
            r"locally_connected2d: kernel size \(3, 3\) is larger than the padded input \(2, 2\)",
        ),
        (
            "locally_connected2d",
            (1, 3, 5, 5),
            (3, 3, 2, 3, 3, 3),
            {"bias_shape": (2,)},
            ValueError,
            r"locally_connected2d: expected bias of shape \(2, 3, 3\), got \[2\]",
        ),
    ],
)
def test_bad_input(op, x_shape, w_shape, kwargs, error, message):
    x_shape = kwargs.pop("x_shape_override", x_shape)
    with pytest.raises(error, match=message):
        call(op, x_shape, w_shape, **kwargs)


@pytest.mark.parametrize(
    "make,error,message",
    [
        (
            lambda: nn.Conv1d(3, 4, 3, groups=2),
            ValueError,
            r"Conv1d: in_channels \(3\) must be divisible by groups \(2\)",
        ),
        (lambda: nn.Conv1d(4, 4, 0), ValueError, r"Conv1d: expected a positive kernel_size, got 0"),
        (
            lambda: nn.Conv1d(4, 4, 3, stride=2, padding="same"),
            ValueError,
            r"Conv1d: padding='same' is not supported for strided convolutions",
        ),
        (
            lambda: nn.Conv1d(4, 4, 3, padding_mode="reflect"),
            NotImplementedError,
            r"Conv1d: padding_mode='reflect' is not supported yet",
        ),
        (
            lambda: nn.Conv1d(4, 4, (3, 3)),
            TypeError,
            r"Conv1d: expected kernel_size to be an int or a tuple of 1 ints",
        ),
        (
            lambda: nn.Conv3d(4, 6, 3, groups=4),
            ValueError,
            r"Conv3d: out_channels \(6\) must be divisible by groups \(4\)",
        ),
        (
            lambda: nn.Conv3d(4, 4, (3, 3)),
            TypeError,
            r"Conv3d: expected kernel_size to be an int or a tuple of 3 ints",
        ),
        (
            lambda: nn.Conv3d(4, 4, 3, stride=(1, 0, 1)),
            ValueError,
            r"Conv3d: expected a positive stride, got \(1, 0, 1\)",
        ),
        (
            lambda: nn.Conv3d(4, 4, 3, padding=-1),
            ValueError,
            r"Conv3d: expected a non-negative padding",
        ),
        (
            lambda: nn.Conv3d(0, 4, 3),
            ValueError,
            r"Conv3d: expected positive in_channels and out_channels",
        ),
        (
            lambda: nn.ConvTranspose2d(4, 4, 3, stride=2, output_padding=2),
            ValueError,
            r"ConvTranspose2d: expected 0 <= output_padding < stride or < dilation",
        ),
        (
            lambda: nn.ConvTranspose2d(3, 4, 3, groups=2),
            ValueError,
            r"ConvTranspose2d: in_channels \(3\) must be divisible by groups \(2\)",
        ),
        (
            lambda: nn.ConvTranspose2d(4, 4, 3, padding_mode="circular"),
            NotImplementedError,
            r"ConvTranspose2d: padding_mode='circular' is not supported yet",
        ),
        (
            lambda: nn.LocallyConnected2d(3, 4, (2, 2), 3),
            ValueError,
            r"LocallyConnected2d: kernel size \(3, 3\) is larger than the padded input \(2, 2\)",
        ),
        (
            lambda: nn.LocallyConnected2d(3, 4, (0, 5), 3),
            ValueError,
            r"LocallyConnected2d: expected a positive in_size",
        ),
        (
            lambda: nn.LocallyConnected2d(3, 4, 5, 3, stride=0),
            ValueError,
            r"LocallyConnected2d: expected stride > 0",
        ),
    ],
)
def test_module_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_per_side_padding_round_trips_through_module_attributes_and_repr():
    c3 = nn.Conv3d(2, 4, 3, padding=(1, 0, 0, 0, 2, 2))
    assert c3.padding == (1, 0, 0, 0, 2, 2)
    assert "padding=(1, 0, 0, 0, 2, 2)" in repr(c3)
    x = rand(1, 2, 4, 4, 4)
    expected = TF.conv3d(
        TF.pad(torch.tensor(x), (1, 0, 0, 0, 2, 2)),
        torch.tensor(to_np(c3.weight)),
        torch.tensor(to_np(c3.bias)),
    )
    np.testing.assert_allclose(to_np(c3(st.tensor(x))), expected.numpy(), rtol=1e-5, atol=1e-5)
    c1 = nn.Conv1d(2, 4, 3, padding=(2, 1))
    assert c1.padding == (2, 1) and "padding=(2, 1)" in repr(c1)
    assert nn.Conv1d(2, 4, 3, padding="full").padding == "full"


def test_connection_table_accepts_numpy_and_integer_tables():
    table = np.array([[1, 0], [1, 1], [0, 1]])
    layer = nn.Conv2d(2, 3, 1, bias=False, connection_table=table)
    weight = to_np(layer.weight)[:, :, 0, 0]
    assert np.all(weight[table == 0] == 0) and np.all(weight[table == 1] != 0)


def test_wrong_length_argument_error_is_both_type_and_value_error():
    from striate import _C

    assert issubclass(_C.ArgumentError, TypeError) and issubclass(_C.ArgumentError, ValueError)
    with pytest.raises(_C.ArgumentError, match="stride"):
        F.conv2d(st.zeros(1, 1, 4, 4), st.zeros(1, 1, 3, 3), stride=(1, 1, 1))
