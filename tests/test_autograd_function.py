"""striate.autograd.Function: differentiable operations written in Python, as
torch.autograd.Function - gradients equal torch's for the same Function, float64 gradcheck,
several outputs, non-tensor arguments, needs_input_grad, non-differentiable outputs, and the
errors a wrong backward gets."""

import numpy as np
import pytest
import striate as st
from helpers import gradcheck

torch = pytest.importorskip("torch")


def make_functions(lib):
    class ScaledCube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x * x * x * scale

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x * x * ctx.scale, None

    class MulAndDiff(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b, a - b

        @staticmethod
        def backward(ctx, g_prod, g_diff):
            a, b = ctx.saved_tensors
            return g_prod * b + g_diff, g_prod * a - g_diff

    return ScaledCube, MulAndDiff


def test_gradients_equal_torchs_for_the_same_function():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    results = {}
    for lib in (st, torch):
        cube, muldiff = make_functions(lib)
        x = lib.tensor(a, requires_grad=True)
        y = lib.tensor(b, requires_grad=True)
        prod, diff = muldiff.apply(x, y)
        out = (cube.apply(prod, 0.5) * 2 + diff * diff).sum()
        out.backward()
        results[lib.__name__] = (out.item(), x.grad.numpy(), y.grad.numpy())
    ours, theirs = results["striate"], results["torch"]
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)


def test_gradcheck_and_graph_names():
    cube, muldiff = make_functions(st)
    gradcheck(lambda x: cube.apply(x, 1.5), [np.random.default_rng(1).standard_normal((2, 3))])
    gradcheck(
        lambda a, b: muldiff.apply(a, b)[0] * 3 + muldiff.apply(a, b)[1],
        [np.random.default_rng(2).standard_normal(4), np.random.default_rng(3).standard_normal(4)],
    )
    y = cube.apply(st.ones(2, requires_grad=True), 2.0)
    assert y.requires_grad and y.grad_fn.name() == "ScaledCubeBackward"
    assert cube.apply(st.ones(2), 2.0).grad_fn is None  # nothing requires grad: no node
    with st.no_grad():
        assert cube.apply(st.ones(2, requires_grad=True), 2.0).grad_fn is None


def test_needs_input_grad_non_differentiable_outputs_and_unmaterialized_grads():
    seen = {}

    class Split(st.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            seen["needs"] = ctx.needs_input_grad
            index = x.argmax()
            ctx.mark_non_differentiable(index)
            ctx.set_materialize_grads(False)
            return x * 2, index

        @staticmethod
        def backward(ctx, grad, grad_index):
            seen["grad_index"] = grad_index
            return grad * 2, None

    x = st.tensor([1.0, 3.0, 2.0], requires_grad=True)
    out, index = Split.apply(x, st.ones(3))
    assert seen["needs"] == (True, False) and not index.requires_grad
    out.sum().backward()
    assert seen["grad_index"] is None and x.grad.tolist() == [2.0, 2.0, 2.0]


def test_a_returned_input_keeps_its_own_history():
    class Identity(st.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 10

    x = st.ones(3, requires_grad=True)
    y = Identity.apply(x)
    assert y is not x and x.is_leaf and y.grad_fn.name() == "IdentityBackward"
    y.sum().backward()
    assert x.grad.tolist() == [10.0, 10.0, 10.0]


def test_wrong_backwards_are_reported():
    class TooFew(st.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, grad):
            return (grad,)

    class WrongShape(st.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, grad):
            return grad.sum()

    class NotATensor(st.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return [1.0]

    a = st.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="TooFew.backward: returned 1 gradients, forward took 2"):
        TooFew.apply(a, st.ones(2)).sum().backward()
    with pytest.raises(
        ValueError,
        match=r"WrongShape.backward: gradient 0 has shape \[\], its "
        r"input \[2\]",
    ):
        WrongShape.apply(a).sum().backward()
    with pytest.raises(
        TypeError, match="NotATensor.forward: expected a Tensor or a tuple of Tensors, got list"
    ):
        NotATensor.apply(a)
    cube, _ = make_functions(st)
    y = cube.apply(a, 1.0).sum()
    y.backward()
    with pytest.raises(RuntimeError):
        y.backward()  # the saved state was released after the first backward
