"""Elementwise ops: arithmetic with broadcasting and type promotion, maximum/minimum, pow, the
unary functions, clamp, where, comparisons, logical ops, sign, copy_/fill_ and dtype casts: float64
gradchecks, PyTorch parity (forward and every gradient; bool results compared exactly, NaN and
signed zeros included) and bad inputs."""

import numpy as np
import pytest
import striate as st
import torch
from helpers import check_parity, gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "add": "st.add(x(), x())",
    "sub": "st.sub(x(), x())",
    "mul": "st.mul(x(), x())",
    "div": "st.div(x(), x())",
    "pow": "st.pow(x(), x())",
    "maximum": "st.maximum(x(), x())",
    "minimum": "st.minimum(x(), x())",
    "neg": "st.neg(x())",
    "abs": "st.abs(x())",
    "exp": "st.exp(x())",
    "log": "st.log(x())",
    "sqrt": "st.sqrt(x())",
    "sign": "st.sign(x())",
    "clamp": "st.clamp(x(), 0.0, 1.0)",
    "eq": "x() == x()",
    "ne": "x() != x()",
    "lt": "x() < x()",
    "le": "x() <= x()",
    "gt": "x() > x()",
    "ge": "x() >= x()",
    "logical_and": "st.logical_and(x(), x())",
    "logical_or": "st.logical_or(x(), x())",
    "logical_not": "st.logical_not(x())",
    "where": "st.where(P(2, 3, 4, 4, dtype='bool'), x(), x())",
    "copy_": "x().copy_(x())",
    "fill_": "x().fill_(1.0)",
    "to_dtype": "x().to(st.float64)",
}

PER_DEVICE = True  # every test runs once per available device (conftest.py)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_elementwise_gradcheck(seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 2.0, (3, 1, 5))
    b = rng.uniform(0.5, 2.0, (4, 5))
    gradcheck(lambda x, y: x + y * 2 - x / y, [a, b])
    gradcheck(lambda x, y: x * y + x**2.5 + y.sqrt() + x.log() + (-x).exp(), [a, b])
    gradcheck(lambda x, y: st.maximum(x, y) + st.minimum(x, y) * 3 + x.abs(), [a, b])
    gradcheck(lambda x, y: st.pow(x, y), [a, b])
    gradcheck(lambda x, y: st.where(x > 1, x, y) + x.clamp(0.8, 1.5), [a, b])
    gradcheck(lambda x: x.permute(2, 0, 1).reshape(5, 3)[1:, ::2].t().expand(3, 2, 4).sum(0), [a])
    gradcheck(lambda x: x[1, :, 2:].unsqueeze(0) * x.select(2, 0).flatten()[0], [a])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_elementwise_parity_with_torch(seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 2.0, (2, 3, 1, 4)).astype(np.float32)
    b = rng.uniform(0.5, 2.0, (5, 1)).astype(np.float32)

    def f(lib):
        def fn(x, y):
            return (
                x * y
                - x / y
                + x**2
                - lib.maximum(x, y)
                + lib.sqrt(x) * lib.log(y)
                + lib.exp(-x)
                + (x - 1).abs()
                + lib.where(x > y, x, y)
                + x.clamp(0.7, 1.8)
            )

        return fn

    check_parity(f(st), f(torch), [a, b])
    check_parity(lambda x: x.double().float() * 2, lambda x: x.double().float() * 2, [a])
    check_parity(
        lambda x: x.transpose(1, 3).flatten(2)[:, 1:, ::3] * 3,
        lambda x: x.transpose(1, 3).flatten(2)[:, 1:, ::3] * 3,
        [a],
    )


def test_elementwise_bad_inputs():
    x = st.ones(2, 3)
    with pytest.raises(
        TypeError, match="where: expected a bool condition tensor, got dtype float32"
    ):
        st.where(x, x, x)
    with pytest.raises(ValueError, match=r"where: shapes \[2, 3\] and \[4\] cannot be broadcast"):
        st.where(x > 0, x, st.ones(4))
    with pytest.raises(TypeError, match="sub: subtraction of bool tensors"):
        st.tensor([True]) - st.tensor([False])
    with pytest.raises(ValueError, match="clamp: at least one of 'min' or 'max'"):
        x.clamp()
    with pytest.raises(TypeError, match="only supported for bool tensors"):
        ~x
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(ValueError, match=r"mul: shapes \[2, 3\] and \[2\] cannot be broadcast"):
        x * st.ones(2)
    with pytest.raises(
        ValueError, match=r"copy_: shapes \[2, 3\] and \[3, 3\] cannot be broadcast"
    ):
        x.copy_(st.ones(3, 3))
    with pytest.raises(ValueError, match="copy_: source of shape"):
        st.ones(3).copy_(st.ones(2, 3))


COMPARISONS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def _with_ties_and_nan(rng, shape):
    # Few distinct values so that ties occur, plus NaN and signed zeros.
    a = rng.choice(np.array([-1.0, -0.0, 0.0, 0.5, 1.0, np.nan], np.float32), shape)
    return a.astype(np.float32)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", sorted(COMPARISONS))
def test_comparisons_match_torch(name, seed):
    rng = np.random.default_rng(seed)
    a, b = _with_ties_and_nan(rng, (2, 3, 1, 4)), _with_ties_and_nan(rng, (3, 5, 1))
    op = COMPARISONS[name]
    got, want = op(st.tensor(a), st.tensor(b)), op(torch.tensor(a), torch.tensor(b))
    assert got.dtype == st.bool and tuple(got.shape) == tuple(want.shape)
    np.testing.assert_array_equal(to_np(got), want.numpy())
    # A Python scalar on the right broadcasts like a 0-d tensor.
    np.testing.assert_array_equal(to_np(op(st.tensor(a), 0.5)), op(torch.tensor(a), 0.5).numpy())
    # Comparisons are not differentiable: the result never requires grad.
    x = st.tensor(a, requires_grad=True)
    assert not op(x, x).requires_grad


@pytest.mark.parametrize("seed", [0, 1])
def test_logical_ops_match_torch(seed):
    rng = np.random.default_rng(seed)
    a, b = _with_ties_and_nan(rng, (4, 1, 5)), _with_ties_and_nan(rng, (3, 5))
    for fn in ("logical_and", "logical_or"):
        got = getattr(st, fn)(st.tensor(a), st.tensor(b))
        want = getattr(torch, fn)(torch.tensor(a), torch.tensor(b))
        assert got.dtype == st.bool
        np.testing.assert_array_equal(to_np(got), want.numpy(), err_msg=fn)
    # NaN and -0.0 follow C truthiness, as in torch: NaN is true, -0.0 is false.
    np.testing.assert_array_equal(
        to_np(st.logical_not(st.tensor(a))), torch.logical_not(torch.tensor(a)).numpy()
    )
    p, q = a > 0, b > 0
    np.testing.assert_array_equal(
        to_np(st.logical_and(st.tensor(p), st.tensor(q))), np.logical_and(p, q)
    )
    np.testing.assert_array_equal(to_np(~st.tensor(p)), ~p)


def test_sign_and_neg_match_torch_with_gradients():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 4, 5)).astype(np.float32)
    a[0, 0, :3] = [0.0, -0.0, np.inf]
    check_parity(lambda x: st.sign(x) * 2 + st.neg(x), lambda x: torch.sign(x) * 2 - x, [a])
    special = np.array([np.nan, -np.inf, -0.0], np.float32)
    np.testing.assert_array_equal(
        to_np(st.sign(st.tensor(special))), torch.sign(torch.tensor(special)).numpy()
    )
    gradcheck(lambda x: st.sign(x) * x + st.neg(x) * x, [rng.uniform(0.5, 2.0, (2, 3))])


def test_comparison_and_logical_bad_inputs():
    x = st.ones(2, 3)
    with pytest.raises(ValueError, match=r"lt: shapes \[2, 3\] and \[4\] cannot be broadcast"):
        x < st.ones(4)
    with pytest.raises(ValueError, match=r"logical_and: shapes \[2, 3\] and \[2\] cannot be"):
        st.logical_and(x, st.ones(2))
    with pytest.raises(ValueError, match=r"logical_or: shapes \[2, 3\] and \[5\] cannot be"):
        st.logical_or(x, st.ones(5))
