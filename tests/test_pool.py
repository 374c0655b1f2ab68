"""max_pool2d and avg_pool2d: float64 gradcheck, PyTorch parity (forward, indices, gradient) with
stride, padding, dilation, ceil_mode, count_include_pad and divisor_override, ties in max pooling,
and every bad input with its exception type and message."""

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(99)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


# (input shape, keyword arguments), shared by both poolings where the option exists.
MAX_CONFIGS = {
    "default_2x2": ((2, 3, 8, 8), {"kernel_size": 2}),
    "odd_sizes_stride_padding": ((2, 2, 9, 7), {"kernel_size": 3, "stride": 2, "padding": 1}),
    "rect_kernel_dilation": (
        (1, 3, 11, 10),
        {"kernel_size": (3, 2), "stride": (2, 1), "dilation": (2, 3)},
    ),
    "ceil_mode": ((2, 2, 7, 9), {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    "ceil_mode_padding": (
        (1, 2, 6, 5),
        {"kernel_size": 2, "stride": 2, "padding": 1, "ceil_mode": True},
    ),
    "stride_larger_than_kernel": ((1, 2, 10, 10), {"kernel_size": 2, "stride": 3}),
    "one_by_one_input": ((2, 3, 1, 1), {"kernel_size": 1}),
    "unbatched": ((3, 7, 6), {"kernel_size": (2, 3), "stride": 1, "padding": (1, 1)}),
}

AVG_CONFIGS = {
    "default_2x2": ((2, 3, 8, 8), {"kernel_size": 2}),
    "padding_counted": ((2, 2, 9, 7), {"kernel_size": 3, "stride": 2, "padding": 1}),
    "padding_not_counted": (
        (2, 2, 9, 7),
        {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
    ),
    "ceil_mode": ((2, 2, 7, 9), {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    "ceil_mode_padding_counted": (
        (1, 2, 6, 5),
        {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    ),
    "ceil_mode_padding_not_counted": (
        (1, 2, 6, 5),
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    "divisor_override": (
        (1, 3, 6, 6),
        {"kernel_size": (3, 2), "padding": (1, 0), "divisor_override": 5},
    ),
    "stride_larger_than_kernel": ((1, 2, 10, 10), {"kernel_size": 2, "stride": 3}),
    "one_by_one_input": ((2, 3, 1, 1), {"kernel_size": 1}),
    "unbatched": ((3, 7, 6), {"kernel_size": (2, 3), "stride": 1, "padding": (1, 1)}),
}


@pytest.mark.parametrize("name", list(MAX_CONFIGS))
def test_max_pool2d_parity(name):
    shape, kwargs = MAX_CONFIGS[name]
    check_parity(
        lambda x: F.max_pool2d(x, **kwargs), lambda x: TF.max_pool2d(x, **kwargs), [rand(*shape)]
    )


@pytest.mark.parametrize("name", list(MAX_CONFIGS))
def test_max_pool2d_indices_match_torch(name):
    shape, kwargs = MAX_CONFIGS[name]
    x = rand(*shape)
    values, indices = F.max_pool2d(st.tensor(x), return_indices=True, **kwargs)
    t_values, t_indices = TF.max_pool2d(torch.tensor(x), return_indices=True, **kwargs)
    assert indices.dtype == st.int64
    np.testing.assert_array_equal(to_np(indices), t_indices.numpy())
    np.testing.assert_array_equal(to_np(values), t_values.numpy())


@pytest.mark.parametrize(
    "name", ["odd_sizes_stride_padding", "rect_kernel_dilation", "ceil_mode", "unbatched"]
)
def test_max_pool2d_gradcheck(name):
    shape, kwargs = MAX_CONFIGS[name]
    gradcheck(lambda x: F.max_pool2d(x, **kwargs), [rand(*shape)])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_size": 2},
        {"kernel_size": 3, "stride": 1, "padding": 1},
        {"kernel_size": 2, "stride": 2, "ceil_mode": True},
    ],
)
def test_max_pool2d_ties_route_the_gradient_to_the_first_element(kwargs):
    # Constant input: every element of a window ties; PyTorch picks the first in scan order.
    x = np.full((1, 2, 5, 5), 0.5, np.float32)
    _, indices = F.max_pool2d(st.tensor(x), return_indices=True, **kwargs)
    _, t_indices = TF.max_pool2d(torch.tensor(x), return_indices=True, **kwargs)
    np.testing.assert_array_equal(to_np(indices), t_indices.numpy())
    check_parity(lambda x: F.max_pool2d(x, **kwargs), lambda x: TF.max_pool2d(x, **kwargs), [x])


def test_max_pool2d_propagates_nan():
    x = rand(1, 1, 4, 4)
    x[0, 0, 1, 0] = np.nan
    out = to_np(F.max_pool2d(st.tensor(x), 2))
    assert np.isnan(out[0, 0, 0, 0]) and not np.isnan(out[0, 0, 1, 1])


@pytest.mark.parametrize("name", list(AVG_CONFIGS))
def test_avg_pool2d_parity(name):
    shape, kwargs = AVG_CONFIGS[name]
    check_parity(
        lambda x: F.avg_pool2d(x, **kwargs), lambda x: TF.avg_pool2d(x, **kwargs), [rand(*shape)]
    )


@pytest.mark.parametrize(
    "name", ["padding_not_counted", "ceil_mode_padding_counted", "divisor_override", "unbatched"]
)
def test_avg_pool2d_gradcheck(name):
    shape, kwargs = AVG_CONFIGS[name]
    gradcheck(lambda x: F.avg_pool2d(x, **kwargs), [rand(*shape)])


def test_pooling_float64_parity():
    x = rand(2, 3, 7, 7, dtype=np.float64)
    check_parity(lambda x: F.max_pool2d(x, 3, 2, 1), lambda x: TF.max_pool2d(x, 3, 2, 1), [x])
    check_parity(lambda x: F.avg_pool2d(x, 3, 2, 1), lambda x: TF.avg_pool2d(x, 3, 2, 1), [x])


def test_pooling_non_contiguous_input():
    x = rand(2, 6, 5, 3)
    check_parity(
        lambda x: F.max_pool2d(x.permute(0, 3, 1, 2), 2),
        lambda x: TF.max_pool2d(x.permute(0, 3, 1, 2), 2),
        [x],
    )
    check_parity(
        lambda x: F.avg_pool2d(x.permute(0, 3, 1, 2), 2),
        lambda x: TF.avg_pool2d(x.permute(0, 3, 1, 2), 2),
        [x],
    )


def test_stride_none_and_empty_default_to_kernel_size():
    x = st.tensor(rand(1, 1, 6, 6))
    assert tuple(F.max_pool2d(x, 3, stride=None).shape) == (1, 1, 2, 2)
    assert tuple(F.avg_pool2d(x, 3, stride=()).shape) == (1, 1, 2, 2)


# ---- bad input ------------------------------------------------------------------------------

POOLS = {"max_pool2d": F.max_pool2d, "avg_pool2d": F.avg_pool2d}


@pytest.mark.parametrize("op", list(POOLS))
@pytest.mark.parametrize(
    "shape,kwargs,error,message",
    [
        (
            (4, 4),
            {"kernel_size": 2},
            ValueError,
            r"expected input of shape \(N, C, H, W\) or \(C, H, W\), got \[4, 4\]",
        ),
        (
            (1, 1, 1, 4, 4),
            {"kernel_size": 2},
            ValueError,
            r"expected input of shape \(N, C, H, W\)",
        ),
        (
            (1, 0, 4, 4),
            {"kernel_size": 2},
            ValueError,
            r"expected input with non-zero C, H and W, got \[1, 0, 4, 4\]",
        ),
        ((1, 1, 4, 4), {"kernel_size": 0}, ValueError, r"expected kernel_size > 0, got \(0, 0\)"),
        (
            (1, 1, 4, 4),
            {"kernel_size": 2, "stride": (1, 0)},
            ValueError,
            r"expected stride > 0, got \(1, 0\)",
        ),
        (
            (1, 1, 4, 4),
            {"kernel_size": 3, "padding": -1},
            ValueError,
            r"expected padding >= 0, got \(-1, -1\)",
        ),
        (
            (1, 1, 4, 4),
            {"kernel_size": 3, "padding": 2},
            ValueError,
            r"expected padding at most half of kernel_size, got padding \(2, 2\) for kernel_size",
        ),
        (
            (1, 1, 4, 4),
            {"kernel_size": 5},
            ValueError,
            r"output size \(0, 0\) is too small for input \[1, 1, 4, 4\]",
        ),
        (
            (1, 1, 4, 4),
            {"kernel_size": (2, 2, 2)},
            ValueError,
            r"expected kernel_size to be an int or a pair of ints",
        ),
        (
            (1, 1, 4, 4),
            {"kernel_size": "2"},
            TypeError,
            r"expected kernel_size to be an int or a pair of ints, got '2'",
        ),
        (
            (1, 1, 4, 4),
            {"kernel_size": 2.0},
            TypeError,
            r"expected kernel_size to be an int, got float",
        ),
    ],
)
def test_pooling_bad_input(op, shape, kwargs, error, message):
    with pytest.raises(error, match=f"{op}: {message}"):
        POOLS[op](st.tensor(np.zeros(shape, np.float32)), **kwargs)


@pytest.mark.parametrize("op", list(POOLS))
def test_pooling_rejects_integer_input(op):
    with pytest.raises(TypeError, match=f"{op}: expected a floating-point input"):
        POOLS[op](st.tensor(np.zeros((1, 1, 4, 4), np.int64)), 2)


def test_max_pool2d_rejects_zero_dilation():
    with pytest.raises(ValueError, match=r"max_pool2d: expected dilation > 0, got \(0, 1\)"):
        F.max_pool2d(st.tensor(rand(1, 1, 4, 4)), 2, dilation=(0, 1))


def test_max_pool2d_rejects_dilated_kernel_larger_than_input():
    with pytest.raises(ValueError, match=r"max_pool2d: output size \(0, 0\) is too small"):
        F.max_pool2d(st.tensor(rand(1, 1, 4, 4)), 2, dilation=4)


def test_avg_pool2d_rejects_zero_divisor_override():
    with pytest.raises(ValueError, match="avg_pool2d: expected a non-zero divisor_override, got 0"):
        F.avg_pool2d(st.tensor(rand(1, 1, 4, 4)), 2, divisor_override=0)


def test_avg_pool2d_rejects_non_integer_divisor_override():
    with pytest.raises(
        TypeError, match="avg_pool2d: expected divisor_override to be an int, got float"
    ):
        F.avg_pool2d(st.tensor(rand(1, 1, 4, 4)), 2, divisor_override=2.5)
