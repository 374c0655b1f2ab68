"""cat / stack, index_select, integer-tensor and boolean-mask indexing, gather, masked_fill and
the indexed writes of __setitem__: parity with PyTorch (forward and gradients), gradchecks, the
concatenation merge's gradient split, and bad inputs."""

import numpy as np
import pytest
import striate as st
import torch
from helpers import check_parity, gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "cat": "st.cat([x(), x()])",
    "stack": "st.stack([x(), x()])",
    "index_select": "st.index_select(x(), 0, P(1, dtype='int64'))",
    "take": "st._C._take(x(), P(1, dtype='int64'))",
    "gather": "st.gather(x(), 1, P(2, 1, 4, 4, dtype='int64'))",
    "masked_select": "st.masked_select(x(), P(2, 3, 4, 4, dtype='bool'))",
    "masked_fill_": "x().masked_fill_(P(2, 3, 4, 4, dtype='bool'), 0.0)",
    "masked_scatter_": "st._C._masked_scatter_(x(), P(2, 3, 4, 4, dtype='bool'), x())",
    "index_put_": "st._C._index_put_(x(), P(1, dtype='int64'), P(1, 3, 4, 4))",
}

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(0)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


# ---- cat / stack ---------------------------------------------------------------------------

# (shapes, dim, transpose): transpose concatenates transposed (non-contiguous) views.
CAT_CONFIGS = [
    ([(2, 3), (4, 3)], 0, False),
    ([(2, 3, 5), (2, 1, 5), (2, 4, 5)], 1, False),
    ([(3, 2, 4), (3, 2, 1)], -1, False),
    ([(5, 3), (5, 2), (5, 1)], 0, True),
]


def _cat_fn(module, dim, transpose):
    return lambda *xs: module.cat([x.t() if transpose else x for x in xs], dim=dim)


@pytest.mark.parametrize("shapes,dim,transpose", CAT_CONFIGS)
def test_cat_parity(shapes, dim, transpose):
    check_parity(_cat_fn(st, dim, transpose), _cat_fn(torch, dim, transpose),
                 [rand(*s) for s in shapes])


@pytest.mark.parametrize("shapes,dim,transpose", CAT_CONFIGS)
def test_cat_gradcheck(shapes, dim, transpose):
    gradcheck(_cat_fn(st, dim, transpose), [rand(*s) for s in shapes])


def test_cat_splits_the_gradient_by_ranges():
    a = st.tensor(rand(2, 3), requires_grad=True)
    b = st.tensor(rand(2, 4), requires_grad=True)
    c = st.tensor(rand(2, 1))  # needs no gradient
    out = st.cat([a, b, c], dim=1)
    assert tuple(out.shape) == (2, 8)
    upstream = rand(2, 8)
    out.backward(st.tensor(upstream))
    np.testing.assert_array_equal(to_np(a.grad), upstream[:, 0:3])
    np.testing.assert_array_equal(to_np(b.grad), upstream[:, 3:7])
    assert c.grad is None


def test_cat_of_the_same_tensor_sums_both_ranges():
    x = st.tensor(rand(3), requires_grad=True)
    st.cat([x, x * 2], dim=0).sum().backward()
    np.testing.assert_allclose(to_np(x.grad), np.full(3, 3.0))


def test_cat_integer_and_empty_pieces():
    a = np.arange(6).reshape(2, 3)
    b = np.zeros((2, 0), dtype=np.int64)
    out = st.cat([st.tensor(a), st.tensor(b), st.tensor(a)], dim=1)
    np.testing.assert_array_equal(to_np(out), np.concatenate([a, b, a], axis=1))
    assert out.dtype == st.int64


@pytest.mark.parametrize("dim", [0, 1, -1, 2])
def test_stack_parity_and_gradcheck(dim):
    arrays = [rand(3, 4) for _ in range(3)]
    fn = lambda module: lambda *xs: module.stack(list(xs), dim=dim)  # noqa: E731
    check_parity(fn(st), fn(torch), arrays)
    gradcheck(fn(st), arrays)


def test_cat_empty_list_raises():
    with pytest.raises(ValueError, match="cat: expected a non-empty list of tensors"):
        st.cat([])
    with pytest.raises(ValueError, match="stack: expected a non-empty list of tensors"):
        st.stack([])


def test_cat_dtype_mismatch_raises_type_error():
    with pytest.raises(TypeError, match="cat: expected all tensors to have dtype float32 like "
                       "tensor 0, got float64 "
                                        "for tensor 1"):
        st.cat([st.tensor(rand(2)), st.tensor(rand(2, dtype=np.float64))])


def test_cat_shape_mismatch_names_the_tensor_and_shapes():
    with pytest.raises(ValueError, match=r"cat: sizes of tensors must match except in dimension 1: "
                       r"tensor 0 has "
                                         r"shape \[2, 3\] but tensor 2 has shape \[3, 3\]"):
        st.cat([st.tensor(rand(2, 3)), st.tensor(rand(2, 5)), st.tensor(rand(3, 3))], dim=1)
    with pytest.raises(ValueError, match=r"tensor 1 has shape \[2, 3, 1\]"):
        st.cat([st.tensor(rand(2, 3)), st.tensor(rand(2, 3, 1))])


def test_cat_bad_dim_and_zero_dim_tensors():
    with pytest.raises(IndexError, match=r"cat: dim 2 is out of range for a tensor of 2 dimension"):
        st.cat([st.tensor(rand(2, 3))], dim=2)
    with pytest.raises(ValueError, match="cat: zero-dimensional tensor"):
        st.cat([st.tensor(np.array(1.0, dtype=np.float32))])


def test_stack_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r"stack: expected each tensor to be equal size, but "
                       r"tensor 0 has shape "
                                         r"\[2, 3\] and tensor 1 has shape \[3, 2\]"):
        st.stack([st.tensor(rand(2, 3)), st.tensor(rand(3, 2))])


# ---- index_select / integer-tensor indexing ------------------------------------------------------

INDEX_SELECT_CONFIGS = [((5, 3), 0, [4, 0, 0, 2]), ((2, 6, 3), 1, [5, 1, 1, 3, 0]),
                        ((3, 4, 7), -1, [6, 2]), ((4, 5), 1, [[0, 4], [4, 4]])]


@pytest.mark.parametrize("shape,dim,index", INDEX_SELECT_CONFIGS)
def test_index_select_parity_and_gradcheck(shape, dim, index):
    index = np.array(index, dtype=np.int64)
    arrays = [rand(*shape), index]
    if index.ndim == 1:  # torch's index_select takes a 1-D index only
        fn = lambda x, i: x.index_select(dim, i)  # noqa: E731
        check_parity(fn, fn, arrays)
    gradcheck(lambda x, i: x.index_select(dim, i), arrays)


def test_index_select_with_a_2d_index_replaces_the_dim():
    x, index = rand(4, 5), np.array([[0, 4], [4, 4]], dtype=np.int64)
    out = st.tensor(x).index_select(1, st.tensor(index))
    assert tuple(out.shape) == (4, 2, 2)
    np.testing.assert_array_equal(to_np(out), x[:, index])


@pytest.mark.parametrize("index", [[2, -1, 0], [[0, 1], [-2, 2]], [-3]])
def test_integer_tensor_getitem_parity(index):
    index = np.array(index, dtype=np.int64)
    check_parity(lambda x, i: x[i] * 2, lambda x, i: x[i] * 2, [rand(3, 4), index])
    check_parity(lambda x, i: x.t()[i], lambda x, i: x.t()[i], [rand(3, 4), index])
    gradcheck(lambda x, i: x[i], [rand(3, 4), index])


def test_index_out_of_range_names_the_index_and_the_size():
    x = st.tensor(rand(3, 4))
    with pytest.raises(IndexError, match="index_select: index 5 is out of bounds for dimension 0 "
                       "with size 3"):
        x.index_select(0, st.tensor(np.array([0, 5])))
    with pytest.raises(IndexError, match="index_select: index -1 is out of bounds for dimension 1 "
                       "with size 4"):
        x.index_select(1, st.tensor(np.array([-1])))
    with pytest.raises(IndexError, match="take: index -4 is out of bounds for dimension 0 with "
                       "size 3"):
        st._C._take(x, st.tensor(np.array([-4])))


def test_index_must_be_int64():
    with pytest.raises(TypeError, match="index_select: expected 'index' to be an int64 tensor, got "
                       "float32"):
        st.tensor(rand(3)).index_select(0, st.tensor(rand(2)))


# ---- gather ------------------------------------------------------------------------------------

GATHER_CONFIGS = [((4, 5), 1, (4, 3)), ((4, 5), 0, (2, 5)), ((3, 4, 5), 2, (3, 2, 6)),
                  ((3, 4, 5), -2, (2, 7, 3))]


@pytest.mark.parametrize("shape,dim,index_shape", GATHER_CONFIGS)
def test_gather_parity_and_gradcheck(shape, dim, index_shape):
    index = rng.integers(0, shape[dim], size=index_shape).astype(np.int64)
    arrays = [rand(*shape), index]
    check_parity(lambda x, i: x.gather(dim, i), lambda x, i: x.gather(dim, i), arrays)
    gradcheck(lambda x, i: x.gather(dim, i), arrays)


def test_gather_on_a_transposed_view():
    x = rand(5, 4)
    index = rng.integers(0, 5, size=(3, 4)).astype(np.int64)
    fn = lambda x, i: x.t().gather(1, i.t())  # noqa: E731
    check_parity(fn, fn, [x, index])


def test_gather_bad_inputs():
    x = st.tensor(rand(3, 4))
    with pytest.raises(ValueError, match=r"gather: expected 'index' to have as many dimensions as "
                       r"the input \(2\)"):
        x.gather(1, st.tensor(np.array([0, 1])))
    with pytest.raises(ValueError, match=r"gather: expected index.size\(0\) = 4 to be at most "
                       r"input.size\(0\) = 3"):
        x.gather(1, st.tensor(np.zeros((4, 1), dtype=np.int64)))
    with pytest.raises(IndexError, match="gather: index 4 is out of bounds for dimension 1 with "
                       "size 4"):
        x.gather(1, st.tensor(np.array([[4]])))
    with pytest.raises(TypeError, match="gather: expected 'index' to be an int64 tensor, got "
                       "float32"):
        x.gather(1, st.tensor(rand(3, 4)))


# ---- boolean masks ------------------------------------------------------------------------------

def _mask(*shape):
    m = rng.random(shape) < 0.5
    m.flat[0] = True
    return m


@pytest.mark.parametrize("shape,mask_shape",
                         [((3, 4), (3, 4)), ((3, 4), (3,)), ((2, 3, 4), (2, 3)), ((5,), (5,))])
def test_mask_getitem_parity_and_gradcheck(shape, mask_shape):
    arrays = [rand(*shape), _mask(*mask_shape)]
    check_parity(lambda x, m: x[m], lambda x, m: x[m], arrays, requires_grad=[True, False])
    gradcheck(lambda x, m: x[m], arrays, requires_grad=[True, False])
    check_parity(lambda x, m: x.masked_select(m), lambda x, m: x[m], arrays,
                 requires_grad=[True, False])


def test_masked_select_bad_mask():
    x = st.tensor(rand(3, 4))
    with pytest.raises(IndexError, match=r"masked_select: the shape of the mask \[4\] does not "
                       r"match the leading "
                                         r"shape of the indexed tensor \[3, 4\]"):
        x.masked_select(st.tensor(np.ones(4, dtype=bool)))
    with pytest.raises(TypeError, match="masked_select: expected 'mask' to be a bool tensor, got "
                       "float32"):
        x.masked_select(st.tensor(rand(3, 4)))


@pytest.mark.parametrize("shape,mask_shape",
                         [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 3, 4), (3, 1))])
def test_masked_fill_parity_and_gradcheck(shape, mask_shape):
    arrays = [rand(*shape), _mask(*mask_shape)]
    check_parity(lambda x, m: x.masked_fill(m, -2.5), lambda x, m: x.masked_fill(m, -2.5), arrays,
                 requires_grad=[True, False])
    gradcheck(lambda x, m: x.masked_fill(m, 0.5), arrays, requires_grad=[True, False])


def test_masked_fill_inplace_on_a_non_leaf_matches_torch():
    arrays = [rand(3, 4), _mask(3, 4)]

    def fn(x, m):
        y = x * 3
        y.masked_fill_(m, 1.0)
        return y * y

    check_parity(fn, fn, arrays, requires_grad=[True, False])


def test_masked_fill_value_may_be_a_zero_dim_tensor_and_ints_work():
    x = st.tensor(np.arange(6).reshape(2, 3))
    m = st.tensor(np.array([True, False, True]))
    filled = x.masked_fill(m, st.tensor(np.array(7)))
    np.testing.assert_array_equal(to_np(filled), [[7, 1, 7], [7, 4, 7]])


def test_inplace_mask_writes_on_a_leaf_requiring_grad_raise():
    x = st.tensor(rand(3), requires_grad=True)
    m = st.tensor(np.array([True, False, True]))
    with pytest.raises(RuntimeError, match="masked_fill_: a leaf Variable that requires grad"):
        x.masked_fill_(m, 0.0)
    with pytest.raises(RuntimeError, match="index_put_: a leaf Variable that requires grad"):
        st._C._index_put_(x, st.tensor(np.array([0])), st.tensor(rand(1)))


def test_masked_fill_bad_mask():
    with pytest.raises(ValueError, match=r"masked_fill: shapes \[3, 4\] and \[3\] cannot be "
                       r"broadcast"):
        st.tensor(rand(3, 4)).masked_fill(st.tensor(np.ones(3, dtype=bool)), 0.0)
    with pytest.raises(ValueError, match=r"masked_fill: mask of shape \[2, 1, 4\] must broadcast "
                       r"to the tensor's "
                                         r"shape \[3, 4\]"):
        st.tensor(rand(3, 4)).masked_fill(st.tensor(np.ones((2, 1, 4), dtype=bool)), 0.0)


# ---- __setitem__ writes --------------------------------------------------------------------

def _setitem_fn(index_fn, value_fn):
    """y = x * 1 (a non-leaf), y[index] = value, returns y * y so both inputs get gradients."""
    def fn(x, index, value):
        y = x * 1
        y[index_fn(index)] = value_fn(value)
        return y * y
    return fn


@pytest.mark.parametrize("mask_shape,value_kind", [((4, 3), "one"), ((4,), "row"), ((4,), "all")])
def test_mask_setitem_from_a_tensor_matches_torch(mask_shape, value_kind):
    mask = _mask(*mask_shape)
    value_shape = {"one": (1,), "row": (3,), "all": (int(mask.sum()), 3)}[value_kind]
    arrays = [rand(4, 3), mask, rand(*value_shape)]
    fn = _setitem_fn(lambda m: m, lambda v: v)
    check_parity(fn, fn, arrays, requires_grad=[True, False, True])
    gradcheck(fn, arrays, requires_grad=[True, False, True])


def test_mask_setitem_with_a_scalar_matches_torch():
    arrays = [rand(4, 3), _mask(4)]

    def fn(x, m):
        y = x * 1
        y[m] = 0.25
        return y * y

    check_parity(fn, fn, arrays, requires_grad=[True, False])


@pytest.mark.parametrize("index,value_shape",
                         [([3, 0], (2, 3)), ([1, -1], (3,)), ([[2], [0]], (2, 1, 1))])
def test_index_setitem_matches_torch(index, value_shape):
    arrays = [rand(4, 3), np.array(index, dtype=np.int64), rand(*value_shape)]
    fn = _setitem_fn(lambda i: i, lambda v: v)
    check_parity(fn, fn, arrays, requires_grad=[True, False, True])
    gradcheck(fn, arrays, requires_grad=[True, False, True])


def test_setitem_through_a_transposed_view_writes_the_base():
    a = rand(3, 4)
    x = st.tensor(a.copy())
    view = x.t()
    view[st.tensor(np.array([True, False, True, False]))] = 9.0
    view[st.tensor(np.array([3]))] = st.tensor(np.full((1, 3), -1.0, dtype=np.float32))
    expected = a.copy()
    expected[:, [0, 2]] = 9.0
    expected[:, 3] = -1.0
    np.testing.assert_array_equal(to_np(x), expected)


def test_setitem_source_shape_mismatch_raises():
    x = st.tensor(rand(4, 3))
    with pytest.raises(ValueError, match=r"index_put_: shape mismatch: value tensor of shape \[2\] "
                       r"cannot be "
                                         r"broadcast to indexing result of shape \[2, 3\]"):
        x[st.tensor(np.array([0, 1]))] = st.tensor(rand(2))
    with pytest.raises(ValueError, match=r"masked_scatter_: shape mismatch: value tensor of shape "
                       r"\[4, 3\]"):
        x[st.tensor(np.array([True, False, False, True]))] = st.tensor(rand(4, 3))
    with pytest.raises(IndexError, match="index_put_: index 4 is out of bounds for dimension 0 "
                       "with size 4"):
        x[st.tensor(np.array([4]))] = st.tensor(rand(3))


def test_tracked_writes_into_views_are_refused_not_silently_wrong():
    x = st.tensor(rand(3, 4), requires_grad=True)
    view = (x * 1).t()
    with pytest.raises(NotImplementedError, match="masked_fill_: in-place writes into views of "
                       "tensors that require "
                                                  "grad are not supported yet"):
        view[st.tensor(np.array([True, False, True, False]))] = 0.0
    with pytest.raises(NotImplementedError, match="index_put_: in-place writes into views"):
        view[st.tensor(np.array([1]))] = st.tensor(rand(3))
