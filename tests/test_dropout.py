"""dropout, dropout2d, alpha_dropout, stochastic_depth and the layers Dropout (inverted and
classic), Dropout2d, AlphaDropout, DropPath and DropConnect: mask statistics (fraction dropped
close to p over large tensors, exact scaling), gradients through kept units only, determinism
under manual_seed, identity in eval(), float64 gradcheck with a fixed mask, and bad
probabilities."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
from helpers import gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "dropout": "F.dropout(x(), 0.5)",
    "dropout_": "F.dropout(x(), 0.5, inplace=True)",
    "dropout2d": "F.dropout2d(x(), 0.5)",
    "alpha_dropout": "F.alpha_dropout(x(), 0.5, True)",
    "stochastic_depth": "F.stochastic_depth(x(), 0.5, 'row', True)",
}

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(11)
ALPHA = 1.7580993408473766  # SELU's scale * alpha


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def seeded(fn, seed=5):
    # The same mask on every call, so finite differences see a fixed linear map.
    def run(*args):
        st.manual_seed(seed)
        return fn(*args)

    return run


# ---- dropout ------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics_and_exact_scaling(p):
    st.manual_seed(0)
    x = st.ones(400, 500)
    y = to_np(F.dropout(x, p))
    dropped = np.mean(y == 0)
    assert abs(dropped - p) < 0.01, dropped
    np.testing.assert_array_equal(np.unique(y[y != 0]), [np.float32(1 / (1 - p))])


def test_dropout_gradient_flows_through_kept_units_only():
    st.manual_seed(1)
    x = st.tensor(rand(50, 40), requires_grad=True)
    y = F.dropout(x, 0.3)
    y.sum().backward()
    kept = to_np(y) != 0
    np.testing.assert_allclose(to_np(x.grad)[kept], np.float32(1 / 0.7), rtol=1e-6)
    assert np.all(to_np(x.grad)[~kept] == 0)


@pytest.mark.parametrize(
    "fn,shape",
    [
        (lambda x: F.dropout(x, 0.3), (7, 5)),
        (lambda x: F.dropout(x, 0.6), (3, 4, 5)),
        (lambda x: F.dropout2d(x, 0.5), (3, 4, 3, 3)),
        (lambda x: F.alpha_dropout(x, 0.2, training=True), (5, 7)),
        (lambda x: F.stochastic_depth(x, 0.5, "row"), (6, 2, 3)),
    ],
    ids=["dropout", "dropout_odd_3d", "dropout2d", "alpha_dropout", "stochastic_depth"],
)
def test_gradcheck_with_fixed_mask(fn, shape):
    gradcheck(seeded(fn), [rand(*shape)])


def test_dropout_deterministic_under_manual_seed():
    x = st.tensor(rand(30, 30))
    st.manual_seed(42)
    a = to_np(F.dropout(x, 0.5))
    b = to_np(F.dropout(x, 0.5))
    st.manual_seed(42)
    c = to_np(F.dropout(x, 0.5))
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)


def test_dropout_eval_and_edge_probabilities():
    x = st.tensor(rand(10, 10))
    np.testing.assert_array_equal(to_np(F.dropout(x, 0.5, training=False)), to_np(x))
    np.testing.assert_array_equal(to_np(F.dropout(x, 0.0)), to_np(x))
    np.testing.assert_array_equal(to_np(F.dropout(x, 1.0)), np.zeros((10, 10), np.float32))
    layer = nn.Dropout(0.5)
    layer.eval()
    np.testing.assert_array_equal(to_np(layer(x)), to_np(x))
    layer.train()
    assert np.mean(to_np(layer(st.ones(100, 100))) == 0) > 0.4


def test_dropout_inplace():
    st.manual_seed(3)
    x = st.ones(20, 20)
    out = F.dropout(x, 0.5, inplace=True)
    np.testing.assert_array_equal(to_np(x), to_np(out))
    assert np.any(to_np(x) == 0) and np.any(to_np(x) == 2)
    y = st.ones(20, 20)
    nn.Dropout(0.5, inplace=True)(y)
    assert np.any(to_np(y) == 0)


def test_classic_dropout():
    layer = nn.Dropout(0.25, inverted=False)
    st.manual_seed(0)
    y = to_np(layer(st.ones(300, 300)))
    np.testing.assert_array_equal(np.unique(y), [0, 1])
    assert abs(np.mean(y == 0) - 0.25) < 0.01
    layer.eval()
    x = rand(4, 5)
    np.testing.assert_allclose(to_np(layer(st.tensor(x))), x * 0.75, rtol=1e-6)
    assert "inverted=False" in repr(layer)


# ---- dropout2d ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(16, 64, 3, 5), (32, 40, 7)])
def test_dropout2d_drops_whole_channels(shape):
    st.manual_seed(0)
    y = to_np(F.dropout2d(st.ones(*shape), 0.4))
    per_channel = y.reshape(shape[0], shape[1], -1)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))
    np.testing.assert_array_equal(np.unique(per_channel), np.float32([0, 1 / 0.6]))
    assert abs(np.mean(per_channel[:, :, 0] == 0) - 0.4) < 0.05
    layer = nn.Dropout2d(0.4)
    layer.eval()
    x = st.tensor(rand(*shape))
    np.testing.assert_array_equal(to_np(layer(x)), to_np(x))


# ---- alpha_dropout -------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout_formula_and_moments(p):
    st.manual_seed(0)
    x = rand(400, 500)
    y = to_np(F.alpha_dropout(st.tensor(x), p, training=True))
    a = 1 / np.sqrt((ALPHA**2 * p + 1) * (1 - p))
    kept_value = a * x + ALPHA * a * p
    dropped_value = np.float32(-ALPHA * a + ALPHA * a * p)
    kept = np.isclose(y, kept_value, rtol=1e-5, atol=1e-6)
    dropped = np.isclose(y, dropped_value, rtol=1e-5, atol=1e-6)
    assert np.all(kept | dropped)
    assert abs(np.mean(~kept) - p) < 0.01
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02  # SELU's fixed point is preserved
    layer = nn.AlphaDropout(p)
    layer.eval()
    np.testing.assert_array_equal(to_np(layer(st.tensor(x))), x)
    np.testing.assert_array_equal(
        to_np(F.alpha_dropout(st.tensor(x), p)), x
    )  # training=False default


# ---- stochastic depth / DropPath ----------------------------------------------------------


def test_stochastic_depth_row_and_batch():
    st.manual_seed(0)
    y = to_np(F.stochastic_depth(st.ones(2000, 3, 2), 0.3, "row"))
    per_sample = y.reshape(2000, -1)
    assert np.all(per_sample.min(axis=1) == per_sample.max(axis=1))
    np.testing.assert_array_equal(np.unique(per_sample), np.float32([0, 1 / 0.7]))
    assert abs(np.mean(per_sample[:, 0] == 0) - 0.3) < 0.03
    outcomes = {
        float(to_np(F.stochastic_depth(st.ones(4, 3), 0.5, "batch")).max()) for _ in range(40)
    }
    assert outcomes == {0.0, 2.0}
    batch = to_np(F.stochastic_depth(st.ones(4, 3), 0.5, "batch"))
    assert batch.min() == batch.max()
    x = st.tensor(rand(5, 3))
    np.testing.assert_array_equal(
        to_np(F.stochastic_depth(x, 0.5, "row", training=False)), to_np(x)
    )


def test_drop_path_layer():
    layer = nn.DropPath(0.25)
    st.manual_seed(2)
    x = st.tensor(rand(1000, 4), requires_grad=True)
    y = layer(x)
    y.sum().backward()
    kept_rows = np.all(to_np(y) != 0, axis=1)
    assert abs(np.mean(~kept_rows) - 0.25) < 0.04
    np.testing.assert_allclose(to_np(x.grad)[kept_rows], np.float32(1 / 0.75), rtol=1e-6)
    assert np.all(to_np(x.grad)[~kept_rows] == 0)
    layer.eval()
    np.testing.assert_array_equal(to_np(layer(x)), to_np(x))


# ---- DropConnect ----------------------------------------------------------------------------


def test_drop_connect():
    linear = nn.Linear(30, 40)
    layer = nn.DropConnect(linear, 0.4)
    assert list(layer.state_dict().keys()) == ["linear.weight", "linear.bias"]
    weight, bias = to_np(linear.weight), to_np(linear.bias)
    st.manual_seed(0)
    eye = st.eye(30)
    out = layer(eye)
    effective = (to_np(out) - bias).T  # row i of out is W_eff[:, i] + b
    scaled = weight / 0.6
    kept = np.isclose(effective, scaled, rtol=1e-5, atol=1e-6)
    dropped = np.abs(effective) < 1e-6
    assert np.all(kept | dropped)
    assert abs(np.mean(dropped) - 0.4) < 0.05
    out.sum().backward()
    grad = to_np(linear.weight.grad)
    assert np.all(grad[dropped & ~kept] == 0)
    np.testing.assert_allclose(grad[kept & ~dropped], np.float32(1 / 0.6), rtol=1e-6)
    layer.eval()
    x = st.tensor(rand(5, 30))
    np.testing.assert_array_equal(to_np(layer(x)), to_np(linear(x)))


# ---- bad probabilities -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Dropout(1.5),
        lambda: nn.Dropout(-0.1),
        lambda: nn.Dropout2d(2.0),
        lambda: nn.AlphaDropout(-1.0),
        lambda: nn.DropPath(1.01),
        lambda: nn.DropConnect(nn.Linear(2, 2), 3.0),
        lambda: F.dropout(st.ones(3), 1.2),
        lambda: F.dropout2d(st.ones(2, 3, 4), -0.5),
        lambda: F.alpha_dropout(st.ones(3), 7.0, training=True),
        lambda: F.stochastic_depth(st.ones(3, 2), 1.5, "row"),
    ],
    ids=[
        "Dropout",
        "Dropout_negative",
        "Dropout2d",
        "AlphaDropout",
        "DropPath",
        "DropConnect",
        "dropout",
        "dropout2d",
        "alpha_dropout",
        "stochastic_depth",
    ],
)
def test_probability_outside_unit_interval(make):
    with pytest.raises(ValueError, match="p to be between 0 and 1, got p="):
        make()


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="mode 'row' or 'batch', got 'col'"):
        F.stochastic_depth(st.ones(3, 2), 0.5, "col")
    with pytest.raises(ValueError, match="mode 'row' or 'batch'"):
        nn.DropPath(0.5, mode="rows")
    with pytest.raises(TypeError, match="floating-point"):
        F.dropout(st.tensor(np.ones(4, np.int64)), 0.5)
    with pytest.raises(ValueError, match="shape \\(N, C, \\*\\)"):
        F.dropout2d(st.ones(5), 0.5)
    with pytest.raises(TypeError):
        nn.DropConnect(nn.ReLU(), 0.5)
