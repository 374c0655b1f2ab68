"""Autograd: fan-out summation, concat splitting, retain_graph, no_grad, hooks, leaf accumulation,
autograd.grad, in-place checks."""

import numpy as np
import pytest
import striate as st
import torch
from helpers import check_parity, gradcheck


def test_fan_out_gradients_are_summed():
    # y = x*x + x*3 + exp(x): x feeds three consumers (the residual fan-out case)
    a = np.random.default_rng(0).standard_normal((3, 4))
    check_parity(
        lambda x: x * x + x * 3 + x.exp(), lambda x: x * x + x * 3 + x.exp(), [a.astype(np.float32)]
    )
    gradcheck(lambda x: x * x + x * 3 + x.exp(), [a])


def test_residual_block_like_graph():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 5)), rng.standard_normal((5, 5))

    def block(lib):
        def f(x, w):
            h = lib.where(x @ w > 0, x @ w, x @ w * 0.1)
            return h + x  # identity shortcut

        return f

    check_parity(block(st), block(torch), [x.astype(np.float32), w.astype(np.float32)])


def test_cat_splits_gradient_by_ranges():
    a = st.ones(2, 3, requires_grad=True)
    b = st.ones(2, 2, requires_grad=True)
    y = st.cat([a, b], dim=1)
    weights = st.tensor(np.arange(10, dtype=np.float32).reshape(2, 5))
    (y * weights).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), weights.numpy()[:, :3])
    np.testing.assert_array_equal(b.grad.numpy(), weights.numpy()[:, 3:])


def test_leaf_gradients_accumulate():
    x = st.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 + 2, 3 + 4])
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2, 2])


def test_second_backward_raises_and_retain_graph_allows():
    x = st.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4, 8])
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_no_grad_records_nothing():
    x = st.ones(3, requires_grad=True)
    with st.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert st.is_grad_enabled()

    @st.no_grad()
    def f(t):
        return t * 2

    assert f(x).grad_fn is None
    with st.enable_grad():
        assert (x * 2).requires_grad


def test_hooks():
    x = st.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    h = x.register_hook(lambda g: seen.append(g.tolist()))
    y = x * 3
    y.register_hook(lambda g: g * 10)  # replaces the gradient flowing into y
    y.sum().backward()
    assert seen == [[30.0, 30.0]]
    np.testing.assert_allclose(x.grad.numpy(), [30, 30])
    h.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert len(seen) == 1
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        st.ones(2).register_hook(lambda g: g)


def test_retain_grad_and_non_leaf():
    x = st.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [4, 8])
    assert x.is_leaf and not y.is_leaf


def test_autograd_grad_does_not_touch_leaves():
    x = st.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = st.tensor([2.0, 2.0, 2.0], requires_grad=True)
    y = (x * w * x).sum()
    (gx,) = st.autograd.grad(y, x)
    np.testing.assert_allclose(gx.numpy(), [4, 8, 12])
    assert x.grad is None and w.grad is None
    z = st.ones(1, requires_grad=True)
    with pytest.raises(RuntimeError, match="not have been used"):
        st.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = st.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None


def test_backward_needs_scalar_or_gradient():
    x = st.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(st.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2, 4, 6])
    with pytest.raises(ValueError, match="gradient has shape"):
        (x * 2).backward(st.ones(2))
    with pytest.raises(RuntimeError, match="does not require grad"):
        st.ones(2).sum().backward()


def test_inplace_checks():
    leaf = st.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf.add_(1)
    with st.no_grad():
        leaf.add_(1)
    np.testing.assert_allclose(leaf.detach().numpy(), [2, 2])
    a = st.ones(2, requires_grad=True)
    b = a.exp()
    c = b * b
    b.add_(1)  # b was saved by MulBackward
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()
    x = st.tensor([1.0, -2.0], requires_grad=True)
    y = x * 1
    y.mul_(3)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])


def test_requires_grad_rules():
    with pytest.raises(TypeError, match="floating-point"):
        st.arange(3).requires_grad_()
    x = st.ones(2, requires_grad=True)
    y = x * 2
    assert y.requires_grad and y.grad_fn is not None
    d = y.detach()
    assert not d.requires_grad and d._same_storage(y)
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
        y.requires_grad_(False)
