"""relu / relu_ / sigmoid / tanh / softmax / log_softmax: parity with PyTorch (forward and
gradients), float64 gradchecks, stability for large logits, in-place semantics and bad inputs."""

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(0)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def away_from_zero(*shape):
    """Values with |x| >= 0.05, so finite differences never straddle relu's kink."""
    a = rand(*shape)
    return (np.sign(a) * (np.abs(a) + 0.05)).astype(np.float32)


SHAPES = [(7,), (3, 5), (2, 3, 4, 5)]
ELEMENTWISE = [("relu", F.relu, TF.relu), ("sigmoid", F.sigmoid, torch.sigmoid),
               ("tanh", F.tanh, torch.tanh)]


@pytest.mark.parametrize("name,st_fn,torch_fn", ELEMENTWISE)
@pytest.mark.parametrize("shape", SHAPES)
def test_elementwise_parity(name, st_fn, torch_fn, shape):
    check_parity(st_fn, torch_fn, [away_from_zero(*shape)])


@pytest.mark.parametrize("name,st_fn,torch_fn", ELEMENTWISE)
def test_elementwise_parity_on_transposed_input(name, st_fn, torch_fn):
    check_parity(lambda x: st_fn(x.transpose(0, 2)), lambda x: torch_fn(x.transpose(0, 2)),
                 [away_from_zero(3, 4, 5)])


@pytest.mark.parametrize("name,st_fn,torch_fn", ELEMENTWISE)
@pytest.mark.parametrize("shape", SHAPES)
def test_elementwise_gradcheck(name, st_fn, torch_fn, shape):
    gradcheck(st_fn, [away_from_zero(*shape)])


def test_activations_at_extremes_match_torch():
    a = np.array([-1e4, -100.0, -20.0, 0.0, 20.0, 100.0, 1e4, np.nan], dtype=np.float32)
    for st_fn, torch_fn in [(F.relu, TF.relu), (F.sigmoid, torch.sigmoid), (F.tanh, torch.tanh)]:
        np.testing.assert_allclose(to_np(st_fn(st.tensor(a))), torch_fn(torch.tensor(a)).numpy(),
                                   rtol=1e-6)


# ---- relu_ ---------------------------------------------------------------------------------

def test_relu_inplace_overwrites_and_returns_its_input():
    a = rand(4, 5)
    x = st.tensor(a)
    y = F.relu(x, inplace=True)
    assert y is x
    np.testing.assert_array_equal(to_np(x), np.maximum(a, 0))


def test_relu_inplace_gradient_matches_torch():
    a = away_from_zero(3, 6)

    def st_fn(x):
        y = x * 2
        return F.relu(y, inplace=True) * 3

    def torch_fn(x):
        y = x * 2
        return TF.relu(y, inplace=True) * 3

    check_parity(st_fn, torch_fn, [a])
    gradcheck(st_fn, [a])


def test_relu_inplace_through_a_transposed_view_writes_the_base():
    a = rand(3, 4)
    x = st.tensor(a)
    F.relu_(x.t())
    np.testing.assert_array_equal(to_np(x), np.maximum(a, 0))


def test_relu_inplace_on_leaf_requiring_grad_raises():
    x = st.tensor(rand(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an "
                       "in-place"):
        F.relu(x, inplace=True)
    with st.no_grad():
        F.relu_(x)  # allowed without grad recording, as in PyTorch
    assert (to_np(x) >= 0).all()


def test_relu_inplace_after_a_saving_op_is_detected_at_backward():
    x = st.tensor(rand(3, 4), requires_grad=True)
    y = F.sigmoid(x)  # saves its result
    F.relu_(y)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# ---- softmax / log_softmax ---------------------------------------------------------------------

# (shape, dim, transpose): inner > 1 when dim is not last; transpose feeds a non-contiguous view.
SOFTMAX_CONFIGS = [((4, 7), 1, False), ((4, 7), 0, False), ((2, 5, 3, 3), 1, False),
                   ((2, 3, 4, 5), -1, False), ((3, 4, 5), -2, True), ((2, 3, 300), 1, False),
                   ((6,), 0, False)]


def _softmax_fn(module, name, dim, transpose):
    fn = getattr(module, name)
    return lambda x: fn(x.transpose(0, -1) if transpose else x, dim=dim)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim,transpose", SOFTMAX_CONFIGS)
def test_softmax_parity(name, shape, dim, transpose):
    check_parity(_softmax_fn(F, name, dim, transpose), _softmax_fn(TF, name, dim, transpose),
                 [rand(*shape)])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim,transpose", SOFTMAX_CONFIGS[:5])
def test_softmax_gradcheck(name, shape, dim, transpose):
    gradcheck(_softmax_fn(F, name, dim, transpose), [rand(*shape)])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_is_stable_for_huge_logits(name):
    a = np.array([[1e4, -1e4, 0.0, 1e4 - 1.0], [-1e4, -1e4 + 2.0, -1e4 + 1.0, -1e4]],
                 dtype=np.float32)
    for dim in (0, 1):
        s, t = check_parity(lambda x: getattr(F, name)(x, dim=dim),
                            lambda x: getattr(TF, name)(x, dim=dim), [a], fwd_atol=1e-6)
        assert np.isfinite(to_np(s)).all()


def test_softmax_rows_sum_to_one():
    p = F.softmax(st.tensor(rand(5, 9) * 30), dim=1)
    np.testing.assert_allclose(to_np(p.sum(1)), np.ones(5), rtol=1e-6)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_dtype_argument_casts_first(name):
    a = rand(3, 4)
    s = getattr(F, name)(st.tensor(a), dim=1, dtype=st.float64)
    t = getattr(TF, name)(torch.tensor(a), dim=1, dtype=torch.float64)
    assert s.dtype == st.float64
    np.testing.assert_allclose(to_np(s), t.numpy(), rtol=1e-12)
    check_parity(lambda x: getattr(F, name)(x, dim=0, dtype=st.float64),
                 lambda x: getattr(TF, name)(x, dim=0, dtype=torch.float64), [a])
    ints = getattr(F, name)(st.tensor(np.arange(4)), dim=0, dtype=st.float32)
    expected = getattr(TF, name)(torch.arange(4), dim=0, dtype=torch.float32)
    np.testing.assert_allclose(to_np(ints), expected.numpy(), rtol=1e-6)


def test_softmax_of_zero_dim_tensor_is_one():
    assert float(F.softmax(st.tensor(np.array(3.0, dtype=np.float32)), dim=0)) == 1.0


# ---- bad inputs ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_elementwise_rejects_integer_input(name):
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point input .* got int64"):
        getattr(F, name)(st.tensor(np.arange(3)))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_requires_dim(name):
    with pytest.raises(TypeError, match=f"{name}: dim must be given explicitly"):
        getattr(F, name)(st.tensor(rand(2, 3)))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_dim_out_of_range(name):
    with pytest.raises(IndexError, match=f"{name}: dim 2 is out of range for a tensor of 2 "
                       "dimension"):
        getattr(F, name)(st.tensor(rand(2, 3)), dim=2)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_rejects_integer_input_and_dtype(name):
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point input .* got int64"):
        getattr(F, name)(st.tensor(np.arange(3)), dim=0)
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point dtype, got int64"):
        getattr(F, name)(st.tensor(rand(3)), dim=0, dtype=st.int64)


def test_relu_inplace_on_a_tracked_view_is_refused():
    x = st.tensor(rand(3, 4), requires_grad=True)
    with pytest.raises(NotImplementedError, match="relu_: in-place operations on views of tensors "
                       "that require grad"):
        F.relu_((x * 1).t())


def test_tensor_methods_match_the_functional_forms():
    a = rand(3, 5)
    s, t = st.tensor(a), torch.tensor(a)
    for name in ("relu", "sigmoid", "tanh"):
        np.testing.assert_allclose(to_np(getattr(s, name)()), getattr(t, name)().numpy(), rtol=1e-6)
    np.testing.assert_allclose(to_np(s.softmax(1)), t.softmax(1).numpy(), rtol=1e-6)
    np.testing.assert_allclose(to_np(s.log_softmax(dim=0)), t.log_softmax(dim=0).numpy(), rtol=1e-6)
    assert s.relu_() is s
    np.testing.assert_array_equal(to_np(s), np.maximum(a, 0))
