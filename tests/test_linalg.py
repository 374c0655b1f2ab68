"""matmul (NumPy semantics) and linear: float64 gradcheck, PyTorch parity (forward and every
gradient), operator forms, and every bad input with its exception type and message."""

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "linear": "F.linear(P(2, 3), P(4, 3))",
    "matmul": "st.matmul(P(2, 3), P(3, 4))",
}

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(1234)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


# (shape of a, shape of b): 1-D promotion on either side, broadcast batch dims, odd sizes.
MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((7,), (7,)),
    ((7,), (7, 3)),
    ((4, 7), (7,)),
    ((2, 3, 4), (4, 5)),
    ((4, 5), (2, 5, 3)),
    ((2, 1, 3, 4), (5, 4, 6)),
    ((6,), (2, 6, 3)),
    ((2, 4, 6), (6,)),
    ((13, 37), (37, 70)),
    ((1, 1), (1, 1)),
]


@pytest.mark.parametrize("a_shape,b_shape", MATMUL_SHAPES)
def test_matmul_parity(a_shape, b_shape):
    check_parity(st.matmul, torch.matmul, [rand(*a_shape), rand(*b_shape)])


@pytest.mark.parametrize(
    "a_shape,b_shape",
    [((3, 4), (4, 5)), ((5,), (2, 5, 3)), ((2, 1, 3, 4), (3, 4, 2)), ((2, 3, 4), (4,))],
)
def test_matmul_gradcheck(a_shape, b_shape):
    gradcheck(st.matmul, [rand(*a_shape), rand(*b_shape)])


def test_matmul_large_blocked_product_matches_numpy_in_float64():
    # Bigger than one cache block in every dimension, so packing edges and the K loop all run.
    a, b = rand(301, 530, dtype=np.float64), rand(530, 257, dtype=np.float64)
    out = to_np(st.matmul(st.tensor(a), st.tensor(b)))
    np.testing.assert_allclose(out, a @ b, rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("transpose_a,transpose_b", [(True, False), (False, True), (True, True)])
def test_matmul_of_transposed_views(transpose_a, transpose_b):
    a, b = rand(6, 9), rand(9, 5)
    a_in = np.ascontiguousarray(a.T) if transpose_a else a
    b_in = np.ascontiguousarray(b.T) if transpose_b else b
    check_parity(
        lambda x, y: st.matmul(x.t() if transpose_a else x, y.t() if transpose_b else y),
        lambda x, y: torch.matmul(x.t() if transpose_a else x, y.t() if transpose_b else y),
        [a_in, b_in],
    )


def test_matmul_of_a_strided_batch_slice():
    a, b = rand(4, 5, 8), rand(4, 8, 3)
    check_parity(
        lambda x, y: st.matmul(x[::2, :, 1:7], y[::2, 1:7]),
        lambda x, y: torch.matmul(x[::2, :, 1:7], y[::2, 1:7]),
        [a, b],
    )


def test_matmul_operator_method_and_rmatmul():
    a, b = rand(3, 4), rand(4, 2)
    sa, sb = st.tensor(a), st.tensor(b)
    np.testing.assert_allclose(to_np(sa @ sb), a @ b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_np(sa.matmul(sb)), a @ b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_np(sb.__rmatmul__(sa)), a @ b, rtol=1e-5, atol=1e-6)


def test_matmul_vector_dot_is_zero_dimensional():
    out = st.matmul(st.tensor(rand(5)), st.tensor(rand(5)))
    assert tuple(out.shape) == ()


def test_matmul_with_empty_inner_dimension_gives_zeros():
    out = st.matmul(
        st.tensor(np.zeros((3, 0), np.float32)), st.tensor(np.zeros((0, 4), np.float32))
    )
    assert tuple(out.shape) == (3, 4)
    assert np.all(to_np(out) == 0)


def test_matmul_float64_parity():
    check_parity(
        st.matmul, torch.matmul, [rand(3, 6, 5, dtype=np.float64), rand(5, 4, dtype=np.float64)]
    )


LINEAR_CASES = [
    ((5, 7), (3, 7), True),
    ((2, 3, 7), (4, 7), True),
    ((7,), (3, 7), True),
    ((6, 5), (2, 5), False),
    ((1, 1), (1, 1), True),
]


@pytest.mark.parametrize("x_shape,w_shape,with_bias", LINEAR_CASES)
def test_linear_parity(x_shape, w_shape, with_bias):
    arrays = [rand(*x_shape), rand(*w_shape)] + ([rand(w_shape[0])] if with_bias else [])
    check_parity(lambda *t: F.linear(*t), lambda *t: TF.linear(*t), arrays)


@pytest.mark.parametrize("x_shape,w_shape,with_bias", LINEAR_CASES[:4])
def test_linear_gradcheck(x_shape, w_shape, with_bias):
    arrays = [rand(*x_shape), rand(*w_shape)] + ([rand(w_shape[0])] if with_bias else [])
    gradcheck(lambda *t: F.linear(*t), arrays)


def test_linear_with_transposed_weight_view():
    x, w_t, b = rand(4, 6), rand(6, 3), rand(3)
    check_parity(
        lambda x, w, b: F.linear(x, w.t(), b), lambda x, w, b: TF.linear(x, w.t(), b), [x, w_t, b]
    )


def test_linear_only_bias_requires_grad():
    check_parity(
        lambda *t: F.linear(*t),
        lambda *t: TF.linear(*t),
        [rand(3, 4), rand(2, 4), rand(2)],
        requires_grad=[False, False, True],
    )


# ---- bad input ------------------------------------------------------------------------------


def test_matmul_rejects_integer_operands():
    a = st.tensor(np.ones((2, 2), np.int64))
    with pytest.raises(TypeError, match="matmul: expected floating-point operands"):
        st.matmul(a, a)


def test_matmul_rejects_dtype_mismatch():
    with pytest.raises(TypeError, match="matmul: expected second operand of dtype float32"):
        st.matmul(st.tensor(rand(2, 3)), st.tensor(rand(3, 2, dtype=np.float64)))


def test_matmul_rejects_zero_dimensional_operand():
    with pytest.raises(
        ValueError, match=r"matmul: expected operands with at least 1 dimension, got shapes \[\]"
    ):
        st.matmul(st.tensor(np.float32(2.0)), st.tensor(rand(3)))


def test_matmul_rejects_inner_dimension_mismatch_naming_both_shapes():
    with pytest.raises(
        ValueError, match=r"matmul: shapes \[2, 3\] and \[4, 5\] cannot be multiplied"
    ):
        st.matmul(st.tensor(rand(2, 3)), st.tensor(rand(4, 5)))


def test_matmul_rejects_vector_length_mismatch():
    with pytest.raises(ValueError, match=r"matmul: shapes \[3\] and \[4\] cannot be multiplied"):
        st.matmul(st.tensor(rand(3)), st.tensor(rand(4)))


def test_matmul_rejects_batch_dims_that_do_not_broadcast():
    with pytest.raises(
        ValueError, match=r"matmul: batch dimensions of shapes \[2, 3, 4\] and \[3, 4, 5\] do not"
    ):
        st.matmul(st.tensor(rand(2, 3, 4)), st.tensor(rand(3, 4, 5)))


def test_matmul_operator_with_non_tensor_raises_type_error():
    with pytest.raises(TypeError):
        st.tensor(rand(2, 2)) @ "x"


def test_linear_rejects_in_features_mismatch():
    with pytest.raises(
        ValueError, match=r"linear: expected input with last dimension in_features = 4"
    ):
        F.linear(st.tensor(rand(2, 3)), st.tensor(rand(5, 4)))


def test_linear_rejects_one_dimensional_weight():
    with pytest.raises(
        ValueError, match=r"linear: expected weight of shape \(out_features, in_features\)"
    ):
        F.linear(st.tensor(rand(2, 3)), st.tensor(rand(3)))


def test_linear_rejects_bias_of_wrong_shape():
    with pytest.raises(ValueError, match=r"linear: expected bias of shape \(5\), got \[4\]"):
        F.linear(st.tensor(rand(2, 3)), st.tensor(rand(5, 3)), st.tensor(rand(4)))


def test_linear_rejects_weight_dtype_mismatch():
    with pytest.raises(TypeError, match="linear: expected weight of dtype float32"):
        F.linear(st.tensor(rand(2, 3)), st.tensor(rand(5, 3, dtype=np.float64)))


def test_linear_rejects_bias_dtype_mismatch():
    with pytest.raises(TypeError, match="linear: expected bias of dtype float32"):
        F.linear(st.tensor(rand(2, 3)), st.tensor(rand(5, 3)), st.tensor(rand(5, dtype=np.float64)))


def test_linear_rejects_integer_input():
    with pytest.raises(TypeError, match="linear: expected a floating-point input"):
        F.linear(st.tensor(np.ones((2, 3), np.int64)), st.tensor(rand(5, 3)))


def test_linear_rejects_zero_dimensional_input():
    with pytest.raises(ValueError, match=r"linear: expected input of shape \(\*, in_features\)"):
        F.linear(st.tensor(np.float32(1.0)), st.tensor(rand(1, 1)))
