"""Reductions: sum, mean, var, std, max/min (all and along a dim), argmax/argmin — parity with
PyTorch (forward and gradients), float64 gradchecks, ties, integer dtypes and bad inputs."""

import numpy as np
import pytest
import striate as st
import torch
from helpers import check_parity, gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "sum": "st.sum(x())",
    "mean": "st.mean(x())",
    "var": "st.var(x())",
    "std": "st.std(x())",
    "max": "st.max(x())",
    "min": "st.min(x())",
    "argmax": "st.argmax(x())",
    "argmin": "st.argmin(x())",
}

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(0)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


# (shape, dim, keepdim, transpose): transpose=True reduces a transposed (non-contiguous) view.
CONFIGS = [
    ((3, 5, 7), 1, False, False),
    ((3, 5, 7), (0, 2), True, False),
    ((2, 3, 4, 5), (-1, -3), False, False),
    ((2, 3, 4, 5), (0, 2, 3), True, False),
    ((4, 1, 3), (1,), True, False),
    ((5, 4, 3), (0,), False, True),
    ((5, 4, 3), (-1, 1), True, True),
    ((7,), None, False, False),
]


def _view(x, transpose):
    return x.transpose(0, 2) if transpose else x


def _reduce(name, dim, keepdim, transpose, **extra):
    def fn(x):
        kwargs = dict(extra) if dim is None else dict(dim=dim, keepdim=keepdim, **extra)
        return getattr(_view(x, transpose), name)(**kwargs)
    return fn


@pytest.mark.parametrize("name", ["sum", "mean"])
@pytest.mark.parametrize("shape,dim,keepdim,transpose", CONFIGS)
def test_sum_mean_parity(name, shape, dim, keepdim, transpose):
    fn = _reduce(name, dim, keepdim, transpose)
    check_parity(fn, fn, [rand(*shape)])


@pytest.mark.parametrize("name", ["sum", "mean"])
@pytest.mark.parametrize("shape,dim,keepdim,transpose", CONFIGS[:6])
def test_sum_mean_gradcheck(name, shape, dim, keepdim, transpose):
    gradcheck(_reduce(name, dim, keepdim, transpose), [rand(*shape)])


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")
@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("shape,dim,keepdim,transpose", CONFIGS)
def test_var_std_parity(name, correction, shape, dim, keepdim, transpose):
    fn = _reduce(name, dim, keepdim, transpose, correction=correction)
    check_parity(fn, fn, [rand(*shape)], fwd_rtol=1e-5, grad_rtol=1e-4)


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("shape,dim,keepdim,transpose", CONFIGS[:6])
def test_var_std_gradcheck(name, shape, dim, keepdim, transpose):
    gradcheck(_reduce(name, dim, keepdim, transpose), [rand(*shape)])


def test_var_unbiased_spellings_match_torch():
    a = rand(4, 6)
    s, t = st.tensor(a), torch.tensor(a)
    np.testing.assert_allclose(to_np(s.var(1, False)), t.var(1, False).numpy(), rtol=1e-5)
    np.testing.assert_allclose(to_np(s.var(False)), t.var(False).numpy(), rtol=1e-5)
    np.testing.assert_allclose(to_np(st.std(s, dim=0, unbiased=True, keepdim=True)),
                               torch.std(t, dim=0, unbiased=True, keepdim=True).numpy(), rtol=1e-5)


def test_large_sums_are_chunked_accurately_and_thread_independent():
    a = rand(3, 70001).astype(np.float64)
    s = st.tensor(a)
    np.testing.assert_allclose(to_np(s.sum(1)), a.sum(1), rtol=1e-12)
    np.testing.assert_allclose(float(s.sum()), a.sum(), rtol=1e-12)
    np.testing.assert_allclose(float(s.var()), a.var(ddof=1), rtol=1e-10)
    f = st.tensor(a.astype(np.float32))
    threads = st.get_num_threads()
    try:
        st.set_num_threads(1)
        one = to_np(f.sum()).item(), to_np(f.sum(0)).copy()
        st.set_num_threads(2)
        two = to_np(f.sum()).item(), to_np(f.sum(0)).copy()
    finally:
        st.set_num_threads(threads)
    assert one[0] == two[0]
    np.testing.assert_array_equal(one[1], two[1])


def test_wide_column_reduction_matches_torch():
    # inner > one column block, reduced dim in the middle
    check_parity(lambda x: x.sum(1), lambda x: x.sum(1), [rand(2, 9, 600)])
    check_parity(lambda x: x.std(1), lambda x: x.std(1), [rand(2, 9, 600)])


@pytest.mark.parametrize("dtype,np_dtype",
                         [(st.int64, np.int64), (st.uint8, np.uint8), (st.bool, np.bool_)])
def test_integer_and_bool_sums_give_int64(dtype, np_dtype):
    a = (rng.integers(0, 3, size=(4, 5))).astype(np_dtype)
    s = st.tensor(a)
    assert s.sum().dtype == st.int64
    assert s.sum(1).dtype == st.int64
    np.testing.assert_array_equal(to_np(s.sum(0)), torch.tensor(a).sum(0).numpy())
    assert int(s.sum()) == int(torch.tensor(a).sum())


def test_sum_dtype_argument_casts_first():
    a = rand(3, 4)
    out = st.tensor(a).sum(dtype=st.float64)
    assert out.dtype == st.float64
    np.testing.assert_allclose(float(out), a.astype(np.float64).sum(), rtol=1e-12)
    check_parity(lambda x: st.sum(x, dim=1, dtype=st.float64),
                 lambda x: torch.sum(x, dim=1, dtype=torch.float64), [a])


def _empty(*shape):
    return st.tensor(np.zeros(shape, dtype=np.float32))


def test_empty_reductions_follow_torch():
    assert float(_empty(0).sum()) == 0.0
    assert np.isnan(float(_empty(0).mean()))
    assert tuple(_empty(2, 0).sum(1).shape) == (2,)
    np.testing.assert_array_equal(to_np(_empty(2, 0).sum(1)), [0.0, 0.0])
    assert tuple(_empty(0, 3).max(1).values.shape) == (0,)


def test_zero_dim_reductions():
    s = st.tensor(np.array(2.5, dtype=np.float32), requires_grad=True)
    y = s.sum(0) * 3
    y.backward()
    assert float(y) == 7.5 and float(s.grad) == 3.0
    assert float(s.max()) == 2.5
    values, indices = s.max(0)
    assert int(indices) == 0 and float(values) == 2.5


# ---- max / min ---------------------------------------------------------------------------

DIM_CONFIGS = [((4, 7), 1, False, False), ((3, 5, 4), 0, True, False),
               ((3, 5, 4), -1, False, False), ((2, 3, 4, 5), 2, True, False),
               ((5, 4, 3), 1, False, True)]


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("shape,dim,keepdim,transpose", DIM_CONFIGS)
def test_max_min_dim_parity(name, shape, dim, keepdim, transpose):
    a = rand(*shape)
    fn = lambda x: getattr(_view(x, transpose), name)(dim, keepdim)  # noqa: E731
    check_parity(fn, fn, [a])
    sv, si = fn(st.tensor(a))
    tv, ti = fn(torch.tensor(a))
    np.testing.assert_array_equal(to_np(si), ti.numpy())
    assert si.dtype == st.int64
    arg = lambda x: getattr(_view(x, transpose), "arg" + name)(dim, keepdim)  # noqa: E731
    np.testing.assert_array_equal(to_np(arg(st.tensor(a))), arg(torch.tensor(a)).numpy())


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("shape,dim,keepdim,transpose", DIM_CONFIGS[:3])
def test_max_min_dim_gradcheck(name, shape, dim, keepdim, transpose):
    gradcheck(lambda x: getattr(_view(x, transpose), name)(dim, keepdim)[0], [rand(*shape)])


def test_max_dim_result_is_named_tuple():
    out = st.tensor(rand(3, 4)).max(dim=1)
    values, indices = out
    assert out.values is values and out.indices is indices


@pytest.mark.parametrize("name", ["max", "min"])
def test_ties_pick_first_index_and_route_gradient_like_torch(name):
    a = np.array([[1, 3, 3, -1], [2, 2, 1, 2], [-4, 0, -4, 0]], dtype=np.float32)
    for dim in (0, 1):
        s = st.tensor(a, requires_grad=True)
        t = torch.tensor(a, requires_grad=True)
        sv, si = getattr(s, name)(dim)
        tv, ti = getattr(t, name)(dim)
        np.testing.assert_array_equal(to_np(si), ti.numpy())
        np.testing.assert_array_equal(to_np(getattr(s, "arg" + name)(dim)),
                                      getattr(t, "arg" + name)(dim).numpy())
        sv.sum().backward()
        tv.sum().backward()
        np.testing.assert_array_equal(to_np(s.grad), t.grad.numpy())


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_all_splits_gradient_among_ties_like_torch(name):
    a = np.array([[1, 3, 3], [3, 0, -5], [-5, 2, -5]], dtype=np.float32)
    check_parity(lambda x: getattr(x, name)() * 2, lambda x: getattr(x, name)() * 2, [a])
    arg = lambda x: int(getattr(x, "arg" + name)())  # noqa: E731
    assert arg(st.tensor(a)) == arg(torch.tensor(a))


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)])
def test_max_all_parity_and_gradcheck(shape):
    a = rand(*shape)
    check_parity(lambda x: x.max(), lambda x: x.max(), [a])
    check_parity(lambda x: x.transpose(0, -1).min(), lambda x: x.transpose(0, -1).min(), [a])
    gradcheck(lambda x: x.max(), [a])


def test_argmax_without_dim_indexes_the_flattened_tensor():
    a = rand(3, 5, 2)
    for fn in (lambda x: x.argmax(), lambda x: x.transpose(0, 1).argmin(),
               lambda x: x.argmax(keepdim=True)):
        s, t = fn(st.tensor(a)), fn(torch.tensor(a))
        assert tuple(s.shape) == tuple(t.shape)
        np.testing.assert_array_equal(to_np(s), t.numpy())


def test_max_propagates_nan_like_torch():
    a = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, np.nan]], dtype=np.float32)
    sv, si = st.tensor(a).max(1)
    tv, ti = torch.tensor(a).max(1)
    np.testing.assert_array_equal(to_np(si), ti.numpy())
    assert np.isnan(to_np(sv)).all()
    assert np.isnan(float(st.tensor(a).min()))


def test_max_of_integer_tensor_and_binary_form():
    a = rng.integers(-5, 5, size=(4, 6))
    sv, si = st.tensor(a).max(1)
    tv, ti = torch.tensor(a).max(1)
    np.testing.assert_array_equal(to_np(sv), tv.numpy())
    np.testing.assert_array_equal(to_np(si), ti.numpy())
    b = rand(3, 4)
    c = rand(3, 4)
    np.testing.assert_array_equal(to_np(st.max(st.tensor(b), st.tensor(c))), np.maximum(b, c))


# ---- bad inputs --------------------------------------------------------------------------------

def test_mean_of_integers_raises_type_error():
    with pytest.raises(TypeError, match="mean: expected a floating-point input.*int64"):
        st.tensor(np.arange(4)).mean()


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_of_integers_raise_type_error(name):
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point input.*int64"):
        getattr(st.tensor(np.arange(4)), name)()


def test_dim_out_of_range_raises_index_error():
    with pytest.raises(IndexError, match=r"sum: dim 3 is out of range .* 3 dimension"):
        st.tensor(rand(2, 3, 4)).sum(3)
    with pytest.raises(IndexError, match=r"max: dim -3 is out of range"):
        st.tensor(rand(2, 3)).max(-3)


def test_repeated_dim_raises_value_error():
    with pytest.raises(ValueError, match="sum: dim 1 appears multiple times"):
        st.tensor(rand(2, 3, 4)).sum((1, -2))


def test_bad_dim_type_raises_type_error():
    with pytest.raises(TypeError, match="sum: expected dim .* to be an int, got str"):
        st.tensor(rand(2, 3)).sum("1")
    with pytest.raises(TypeError, match="max: expected dim to be an int, got tuple"):
        st.tensor(rand(2, 3)).max((0, 1))


def test_max_of_empty_tensor_raises():
    with pytest.raises(ValueError, match=r"max: expected a non-empty tensor .* got shape \[0\]"):
        _empty(0).max()
    with pytest.raises(IndexError, match=r"min: expected reduction dim 1 to have non-zero "
                       r"size.*\[2, 0\]"):
        _empty(2, 0).min(1)
    with pytest.raises(ValueError, match="argmax: expected a non-empty tensor"):
        _empty(0).argmax()


def test_negative_correction_raises():
    with pytest.raises(ValueError, match="var: expected a non-negative correction, got -1"):
        st.tensor(rand(3)).var(correction=-1)
    with pytest.raises(ValueError, match="std: pass either unbiased or correction"):
        st.tensor(rand(3)).std(0, True, correction=1)
