"""nn.init: the statistics of the fast random fills (uniform_, normal_, trunc_normal_), their
determinism under manual_seed and across thread counts, orthogonal_, eye_, dirac_ (a conv2d
identity), sparse_, and bad inputs."""

import math

import numpy as np
import pytest
import striate as st
import torch
from striate import nn
from striate.nn import functional as F
from striate.nn import init


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


@pytest.mark.parametrize("dtype", [st.float32, st.float64])
def test_uniform_statistics(dtype):
    st.manual_seed(0)
    values = to_np(init.uniform_(st.empty(1000, 1000, dtype=dtype), -2.0, 3.0))
    assert values.min() >= -2.0 and values.max() <= 3.0
    assert abs(values.mean() - 0.5) < 0.01
    assert abs(values.std() - 5.0 / math.sqrt(12.0)) < 0.01
    # Every tenth of the range holds a tenth of the samples.
    counts, _ = np.histogram(values, bins=10, range=(-2.0, 3.0))
    assert np.all(np.abs(counts / values.size - 0.1) < 0.003)


@pytest.mark.parametrize("dtype", [st.float32, st.float64])
def test_normal_statistics(dtype):
    st.manual_seed(1)
    values = to_np(init.normal_(st.empty(1_000_001, dtype=dtype), 1.5, 0.5))
    assert abs(values.mean() - 1.5) < 0.003
    assert abs(values.std() - 0.5) < 0.003
    z = (values - 1.5) / 0.5
    assert abs((np.abs(z) < 1).mean() - 0.6827) < 0.003
    assert abs((np.abs(z) < 2).mean() - 0.9545) < 0.002
    assert abs(np.mean(z ** 3)) < 0.01 and abs(np.mean(z ** 4) - 3.0) < 0.03
    # The tails (the ziggurat's wedges and its tail beyond 3.65) have the right mass.
    assert abs((np.abs(z) > 3).mean() - 0.0026998) < 0.0003
    assert abs((np.abs(z) > 3.7).mean() - 0.00021563) < 0.00008
    # Neighbouring values are uncorrelated (Box-Muller pairs included).
    assert abs(np.corrcoef(z[:-1], z[1:])[0, 1]) < 0.005


def test_random_fills_are_deterministic_under_manual_seed_and_thread_count():
    def draw():
        st.manual_seed(123)
        a = to_np(init.normal_(st.empty(300, 1001)))
        b = to_np(init.uniform_(st.empty(77, 131)))
        c = to_np(init.trunc_normal_(st.empty(5000), 0, 1, -1, 1))
        return a, b, c

    threads = st.get_num_threads()
    try:
        st.set_num_threads(1)
        one = draw()
        st.set_num_threads(2)
        two = draw()
    finally:
        st.set_num_threads(threads)
    for x, y in zip(one, two):
        np.testing.assert_array_equal(x, y)
    st.manual_seed(124)
    assert not np.array_equal(to_np(init.normal_(st.empty(300, 1001))), one[0])


def test_consecutive_draws_differ_and_non_contiguous_tensors_are_filled():
    st.manual_seed(0)
    first = to_np(init.normal_(st.empty(64, 64)))
    second = to_np(init.normal_(st.empty(64, 64)))
    assert not np.array_equal(first, second)
    base = st.zeros(8, 6)
    view = base.t()
    init.uniform_(view, 1.0, 2.0)
    values = to_np(base)
    assert values.min() >= 1.0 and values.max() <= 2.0


def test_trunc_normal_bounds_and_moments():
    st.manual_seed(2)
    values = to_np(init.trunc_normal_(st.empty(1_000_000, dtype=st.float64), 0.5, 2.0, -1.0, 1.5))
    assert values.min() >= -1.0 and values.max() <= 1.5
    # The truncated normal's mean and std from scipy's formulas, by hand.
    alpha, beta = (-1.0 - 0.5) / 2.0, (1.5 - 0.5) / 2.0
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    mass = cdf(beta) - cdf(alpha)
    mean = 0.5 + 2.0 * (pdf(alpha) - pdf(beta)) / mass
    shift = (pdf(alpha) - pdf(beta)) / mass
    var = 4.0 * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / mass - shift ** 2)
    assert abs(values.mean() - mean) < 0.003
    assert abs(values.std() - math.sqrt(var)) < 0.003
    # A window far in the tail needs no rejection and stays inside.
    tail = to_np(init.trunc_normal_(st.empty(10000), 0.0, 1.0, 6.0, 7.0))
    assert tail.min() >= 6.0 and tail.max() <= 7.0 and tail.mean() < 6.3


@pytest.mark.parametrize("shape,gain",
                         [((6, 10), 1.0), ((10, 6), 2.0), ((8, 3, 3, 3), 0.5), ((7, 7), 1.0)])
def test_orthogonal(shape, gain):
    st.manual_seed(3)
    w = to_np(init.orthogonal_(st.empty(*shape, dtype=st.float64), gain)).reshape(shape[0], -1)
    rows, cols = w.shape
    if rows <= cols:
        np.testing.assert_allclose(w @ w.T, gain ** 2 * np.eye(rows), atol=1e-10)
    else:
        np.testing.assert_allclose(w.T @ w, gain ** 2 * np.eye(cols), atol=1e-10)


def test_eye():
    w = init.eye_(st.empty(3, 5))
    np.testing.assert_array_equal(to_np(w), np.eye(3, 5))


@pytest.mark.parametrize("groups", [1, 2])
def test_dirac_makes_conv2d_an_identity(groups):
    w = init.dirac_(st.empty(6, 6 // groups, 3, 3), groups)
    x = st.randn(2, 6, 7, 5)
    y = F.conv2d(x, w, padding=1, groups=groups)
    np.testing.assert_allclose(to_np(y), to_np(x), atol=1e-6)
    expected = torch.nn.init.dirac_(torch.empty(6, 6 // groups, 3, 3), groups)
    np.testing.assert_array_equal(to_np(w), expected.numpy())


def test_dirac_with_more_outputs_than_inputs_matches_torch():
    w = init.dirac_(st.empty(5, 3, 3, 2))
    expected = torch.nn.init.dirac_(torch.empty(5, 3, 3, 2))
    np.testing.assert_array_equal(to_np(w), expected.numpy())
    w1 = init.dirac_(st.empty(4, 4, 3))
    np.testing.assert_array_equal(to_np(w1), torch.nn.init.dirac_(torch.empty(4, 4, 3)).numpy())


def test_sparse():
    st.manual_seed(4)
    w = to_np(init.sparse_(st.empty(10, 400), 0.3, std=0.5))
    zeros_per_column = (w == 0).sum(axis=0)
    assert np.all(zeros_per_column == 3)
    nonzero = w[w != 0]
    assert abs(nonzero.std() - 0.5) < 0.03


def test_model_init_uses_the_fast_fills():
    st.manual_seed(5)
    layer = nn.Linear(500, 400)
    bound = 1 / math.sqrt(500)
    w = to_np(layer.weight)
    assert np.abs(w).max() <= bound and abs(w.std() - bound / math.sqrt(3)) < 0.002


def test_bad_inputs():
    with pytest.raises(ValueError, match="orthogonal_: only tensors with 2 or more dimensions"):
        init.orthogonal_(st.empty(5))
    with pytest.raises(ValueError, match="dirac_: only tensors with 3, 4 or 5 dimensions"):
        init.dirac_(st.empty(3, 3))
    with pytest.raises(ValueError, match="dirac_: expected groups >= 1 dividing dim 0"):
        init.dirac_(st.empty(6, 3, 3, 3), 4)
    with pytest.raises(ValueError, match="sparse_: only 2-dimensional tensors"):
        init.sparse_(st.empty(3, 3, 3), 0.1)
    with pytest.raises(ValueError, match="sparse_: expected 0 <= sparsity <= 1"):
        init.sparse_(st.empty(3, 3), 1.5)
    with pytest.raises(ValueError, match="eye_: only 2-dimensional tensors"):
        init.eye_(st.empty(3, 3, 3))
    with pytest.raises(ValueError, match="trunc_normal_: expected a < b"):
        init.trunc_normal_(st.empty(3), 0, 1, 2, 1)
    with pytest.raises(ValueError, match="normal_: expected std >= 0"):
        init.normal_(st.empty(3), 0, -1)
    with pytest.raises(ValueError, match="uniform_: expected low <= high"):
        init.uniform_(st.empty(3), 1, 0)
    with pytest.raises(TypeError, match="normal_: expected a floating-point tensor"):
        init.normal_(st.zeros(3, dtype=st.int64))
