"""conv2d: float64 gradcheck, PyTorch parity (forward, input, weight and bias gradients) on random
shapes and the edge cases (groups, depthwise, 'same' with even kernels, stride > kernel, padding
>= kernel, 1x1 input, unbatched input), and every bad input with its exception type and message."""

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch.nn.functional as TF
from helpers import check_parity, gradcheck

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
    check_parity(st_fn, torch_fn, arrays, fwd_atol=1e-5, grad_atol=1e-4 if terms > 1000 else 1e-5)


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
