"""Activations: relu / relu_ / sigmoid / tanh / softmax / log_softmax and the parameterized ones
(relu6, leaky_relu, prelu, elu, selu, gelu, silu, softplus, hardtanh, abs_tanh, softmin), their
in-place variants and Module classes: PyTorch parity (forward and gradients), float64
gradchecks, stability for large logits, extreme inputs, in-place semantics and history, and bad
inputs."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "relu": "F.relu(x())",
    "relu_": "F.relu_(x())",
    "sigmoid": "F.sigmoid(x())",
    "tanh": "F.tanh(x())",
    "hardtanh": "F.hardtanh(x())",
    "hardtanh_": "F.hardtanh_(x())",
    "relu6": "F.relu6(x())",
    "relu6_": "st._C._functional.relu6_(x())",
    "leaky_relu": "F.leaky_relu(x())",
    "leaky_relu_": "F.leaky_relu_(x())",
    "elu": "F.elu(x())",
    "elu_": "F.elu_(x())",
    "selu": "F.selu(x())",
    "selu_": "st._C._functional.selu_(x())",
    "silu": "F.silu(x())",
    "silu_": "st._C._functional.silu_(x())",
    "hardswish": "F.hardswish(x())",
    "hardswish_": "F.hardswish(x(), inplace=True)",
    "gelu": "F.gelu(x())",
    "softplus": "F.softplus(x())",
    "abs_tanh": "F.abs_tanh(x())",
    "prelu": "F.prelu(x(), P(3))",
    "softmax": "F.softmax(x(), 1)",
    "log_softmax": "F.log_softmax(x(), 1)",
    "softmin": "F.softmin(x(), 1)",
}

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
        # atol: sigmoid(-100) = 3.7e-44 is a subnormal, which striate keeps and torch flushes to 0.
        np.testing.assert_allclose(to_np(st_fn(st.tensor(a))), torch_fn(torch.tensor(a)).numpy(),
                                   rtol=1e-6, atol=1e-40)


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


def test_hardswish_at_its_kinks_follows_torch():
    # torch's gradient takes the outer pieces at the kinks: 0 at -3 and 1 at 3.
    a = np.array([-4.0, -3.0, -1.5, 0.0, 1.5, 3.0, 4.0], dtype=np.float64)
    check_parity(F.hardswish, TF.hardswish, [a], fwd_rtol=1e-12, grad_rtol=1e-12)
    x = st.tensor(a, requires_grad=True)
    F.hardswish(x).sum().backward()
    np.testing.assert_allclose(to_np(x.grad), [0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0], rtol=1e-12)


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


# ---- parameterized activations ------------------------------------------------------------------


def away_from(shape, kinks=(0.0,), scale=2.0, dtype=np.float32):
    """Random values at least 0.05 from every kink, so finite differences never straddle one."""
    a = rng.standard_normal(shape) * scale
    for k in kinks:
        near = np.abs(a - k) < 0.05
        a[near] = k + 0.1 * np.where(a[near] >= k, 1, -1)
    return a.astype(dtype)


# (id, striate fn, torch fn, kinks, scale)
ACTIVATIONS = [
    ("relu6", F.relu6, TF.relu6, (0.0, 6.0), 4.0),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1), (0.0,), 2.0),
    ("leaky_relu_neg", lambda x: F.leaky_relu(x, -0.3), lambda x: TF.leaky_relu(x, -0.3), (0.0,),
     2.0),
    ("elu", F.elu, TF.elu, (0.0,), 2.0),
    ("elu_alpha", lambda x: F.elu(x, alpha=0.5), lambda x: TF.elu(x, alpha=0.5), (0.0,), 2.0),
    ("selu", F.selu, TF.selu, (0.0,), 2.0),
    ("gelu", F.gelu, TF.gelu, (), 2.0),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"),
     lambda x: TF.gelu(x, approximate="tanh"), (), 2.0),
    ("silu", F.silu, TF.silu, (), 3.0),
    ("hardswish", F.hardswish, TF.hardswish, (-3.0, 3.0), 5.0),
    ("softplus", F.softplus, TF.softplus, (), 3.0),
    ("softplus_beta", lambda x: F.softplus(x, beta=2.0, threshold=1.5),
     lambda x: TF.softplus(x, beta=2.0, threshold=1.5), (0.75,), 1.5),
    ("hardtanh", F.hardtanh, TF.hardtanh, (-1.0, 1.0), 2.0),
    ("hardtanh_range", lambda x: F.hardtanh(x, -0.5, 0.8), lambda x: TF.hardtanh(x, -0.5, 0.8),
     (-0.5, 0.8), 1.0),
    ("abs_tanh", F.abs_tanh, lambda x: torch.abs(torch.tanh(x)), (0.0,), 2.0),
    ("softmin", lambda x: F.softmin(x, dim=-1), lambda x: TF.softmin(x, dim=-1), (), 2.0),
]
IDS = [a[0] for a in ACTIVATIONS]


@pytest.mark.parametrize("name,st_fn,torch_fn,kinks,scale", ACTIVATIONS, ids=IDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_parity(name, st_fn, torch_fn, kinks, scale, shape):
    check_parity(st_fn, torch_fn, [away_from(shape, kinks, scale)])


@pytest.mark.parametrize("name,st_fn,torch_fn,kinks,scale", ACTIVATIONS, ids=IDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_gradcheck(name, st_fn, torch_fn, kinks, scale, shape):
    gradcheck(st_fn, [away_from(shape, kinks, scale, dtype=np.float64)])


@pytest.mark.parametrize("name,st_fn,torch_fn,kinks,scale", ACTIVATIONS, ids=IDS)
def test_parity_on_transposed_input(name, st_fn, torch_fn, kinks, scale):
    check_parity(lambda x: st_fn(x.transpose(0, 2)), lambda x: torch_fn(x.transpose(0, 2)),
                 [away_from((3, 4, 5), kinks, scale)])


@pytest.mark.parametrize("name,st_fn,torch_fn,kinks,scale", ACTIVATIONS, ids=IDS)
def test_extreme_inputs_match_torch_without_nan(name, st_fn, torch_fn, kinks, scale):
    a = np.array([[-1e4, -100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0, 1e4]], dtype=np.float32)
    x = st.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    y, expected = st_fn(x), torch_fn(t)
    np.testing.assert_allclose(to_np(y), expected.detach().numpy(), rtol=1e-6, atol=1e-7)
    y.sum().backward()
    expected.sum().backward()
    assert np.all(np.isfinite(to_np(x.grad)))
    np.testing.assert_allclose(to_np(x.grad), t.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,st_fn,torch_fn,kinks,scale", ACTIVATIONS[:-1], ids=IDS[:-1])
def test_nan_propagates(name, st_fn, torch_fn, kinks, scale):
    assert np.isnan(to_np(st_fn(st.tensor(np.array([np.nan], dtype=np.float32))))[0])


# ---- prelu ------------------------------------------------------------------------------------

PRELU_CONFIGS = [((2, 3, 4, 5), 3), ((2, 3, 4, 5), 1), ((5, 7), 7), ((6,), 1)]


@pytest.mark.parametrize("shape,slopes", PRELU_CONFIGS)
def test_prelu_parity_and_gradcheck(shape, slopes):
    x = away_from(shape)
    w = (rng.uniform(0.05, 0.5, slopes) * rng.choice([-1, 1], slopes)).astype(np.float32)
    check_parity(F.prelu, TF.prelu, [x, w])
    gradcheck(F.prelu, [x.astype(np.float64), w.astype(np.float64)])


def test_prelu_bad_inputs():
    x = st.tensor(away_from((2, 3, 4)))
    with pytest.raises(ValueError, match=r"prelu: expected 'weight' to hold 1 slope or one per "
                       r"channel \(3, dim 1 of input of shape \[2, 3, 4\]\), got 2"):
        F.prelu(x, st.ones(2))
    with pytest.raises(TypeError, match="prelu: expected 'weight' of the input's dtype float32, "
                       "got float64"):
        F.prelu(x, st.tensor(np.ones(3)))
    with pytest.raises(ValueError, match="prelu: expected a 0-d or 1-d 'weight'"):
        F.prelu(x, st.ones(3, 1))


# ---- in place -----------------------------------------------------------------------------------

INPLACE = [
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.2, inplace=True), lambda x: TF.leaky_relu(x, 0.2)),
    ("leaky_relu_neg", lambda x: F.leaky_relu_(x, -0.5), lambda x: TF.leaky_relu(x, -0.5)),
    ("elu", lambda x: F.elu(x, 0.7, inplace=True), lambda x: TF.elu(x, 0.7)),
    ("elu_neg", lambda x: F.elu_(x, -0.4), lambda x: TF.elu(x, -0.4)),
    ("hardtanh", lambda x: F.hardtanh(x, -0.5, 0.5, inplace=True),
     lambda x: TF.hardtanh(x, -0.5, 0.5)),
    ("hardtanh_", lambda x: F.hardtanh_(x), TF.hardtanh),
    ("relu6", lambda x: F.relu6(x, inplace=True), TF.relu6),
    ("selu", lambda x: F.selu(x, inplace=True), TF.selu),
    ("silu", lambda x: F.silu(x, inplace=True), TF.silu),
    ("hardswish", lambda x: F.hardswish(x, inplace=True), TF.hardswish),
]


@pytest.mark.parametrize("name,inplace_fn,torch_fn", INPLACE, ids=[i[0] for i in INPLACE])
def test_inplace_overwrites_and_keeps_gradients(name, inplace_fn, torch_fn):
    a = away_from((3, 5), kinks=(0.0, -0.5, 0.5, -1.0, 1.0, 6.0), scale=3.0)
    x = st.tensor(a, requires_grad=True)
    h = x * 2.0
    out = inplace_fn(h)
    assert out is h
    t = torch.tensor(a, requires_grad=True)
    expected = torch_fn(t * 2.0)
    np.testing.assert_allclose(to_np(h), expected.detach().numpy(), rtol=1e-6, atol=1e-7)
    dout = rng.standard_normal((3, 5)).astype(np.float32)
    (h * st.tensor(dout)).sum().backward()
    (expected * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(to_np(x.grad), t.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,inplace_fn,torch_fn", INPLACE, ids=[i[0] for i in INPLACE])
def test_inplace_without_grad_and_on_a_strided_view(name, inplace_fn, torch_fn):
    a = away_from((4, 6), kinks=(0.0, -0.5, 0.5, -1.0, 1.0, 6.0), scale=3.0)
    x = st.tensor(a)
    view = x.t()
    inplace_fn(view)
    np.testing.assert_allclose(to_np(x), torch_fn(torch.tensor(a)).numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fn,name", [(F.leaky_relu_, "leaky_relu_"), (F.elu_, "elu_"),
                                     (F.hardtanh_, "hardtanh_")])
def test_inplace_on_a_leaf_requiring_grad_raises(fn, name):
    x = st.tensor(away_from((3,)), requires_grad=True)
    with pytest.raises(RuntimeError, match=f"{name}: a leaf Variable that requires grad"):
        fn(x)


def test_inplace_on_a_tracked_view_is_refused():
    x = st.tensor(away_from((3, 4)), requires_grad=True)
    with pytest.raises(NotImplementedError, match="elu_: in-place operations on views"):
        F.elu_((x * 1).t())


def test_inplace_result_saved_by_another_op_is_detected():
    x = st.tensor(away_from((4,)), requires_grad=True)
    h = x * 1.0
    y = F.sigmoid(h)  # saves its result, not h; h itself is saved by the mul below
    z = h * h
    F.leaky_relu_(h, 0.1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        (z.sum() + y.sum()).backward()


# ---- bad inputs -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["relu6", "leaky_relu", "elu", "selu", "gelu", "silu",
                                  "hardswish", "softplus", "hardtanh", "abs_tanh"])
def test_integer_input_raises_type_error(name):
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point input .* got int64"):
        getattr(F, name)(st.tensor(np.arange(3)))


def test_bad_arguments():
    x = st.tensor(away_from((3,)))
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        F.gelu(x, approximate="erf")
    with pytest.raises(ValueError, match="hardtanh: expected max_val >= min_val, got min_val=1 "
                       "and max_val=-1"):
        F.hardtanh(x, 1.0, -1.0)
    with pytest.raises(ValueError, match="softplus: expected a nonzero beta, got 0"):
        F.softplus(x, beta=0.0)
    with pytest.raises(TypeError, match="softmin: dim must be given explicitly"):
        F.softmin(x)
    with pytest.raises(IndexError, match="softmax: dim 3 is out of range|softmin: dim 3"):
        F.softmin(x, dim=3)


def test_softmin_dtype_argument():
    a = away_from((2, 5))
    s = F.softmin(st.tensor(a), dim=1, dtype=st.float64)
    assert s.dtype == st.float64
    expected = TF.softmin(torch.tensor(a), 1, dtype=torch.float64)
    np.testing.assert_allclose(to_np(s), expected.numpy(), rtol=1e-12)


# ---- modules ----------------------------------------------------------------------------------

MODULES = [
    (nn.ReLU6(), torch.nn.ReLU6()),
    (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
    (nn.ELU(alpha=0.5), torch.nn.ELU(alpha=0.5)),
    (nn.SELU(), torch.nn.SELU()),
    (nn.GELU(), torch.nn.GELU()),
    (nn.GELU(approximate="tanh"), torch.nn.GELU(approximate="tanh")),
    (nn.SiLU(), torch.nn.SiLU()),
    (nn.Hardswish(), torch.nn.Hardswish()),
    (nn.Softplus(beta=2.0, threshold=10.0), torch.nn.Softplus(beta=2.0, threshold=10.0)),
    (nn.Hardtanh(-2.0, 2.0), torch.nn.Hardtanh(-2.0, 2.0)),
    (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
    (nn.LogSoftmax(dim=1), torch.nn.LogSoftmax(dim=1)),
    (nn.Softmin(dim=1), torch.nn.Softmin(dim=1)),
    (nn.PReLU(), torch.nn.PReLU()),
    (nn.PReLU(4, init=0.1), torch.nn.PReLU(4, init=0.1)),
]


@pytest.mark.parametrize("layer,torch_layer", MODULES, ids=[type(m[0]).__name__ for m in MODULES])
def test_module_matches_torch(layer, torch_layer):
    a = away_from((3, 4, 5), kinks=(0.0, -2.0, 2.0, 6.0), scale=3.0)
    check_parity(layer, torch_layer, [a])
    assert type(layer).__module__ == "striate.nn"
    assert repr(layer).startswith(type(layer).__name__ + "(")


def test_inplace_modules_overwrite_their_input():
    for layer, fn in [(nn.ReLU6(inplace=True), TF.relu6), (nn.LeakyReLU(0.1, inplace=True),
                                                           lambda t: TF.leaky_relu(t, 0.1)),
                      (nn.ELU(inplace=True), TF.elu), (nn.SELU(inplace=True), TF.selu),
                      (nn.SiLU(inplace=True), TF.silu), (nn.Hardtanh(inplace=True), TF.hardtanh),
                      (nn.Hardswish(inplace=True), TF.hardswish),
                      (nn.ReLU(inplace=True), TF.relu)]:
        a = away_from((3, 4), scale=3.0)
        x = st.tensor(a)
        assert layer(x) is x
        np.testing.assert_allclose(to_np(x), fn(torch.tensor(a)).numpy(), rtol=1e-6, atol=1e-7)
        assert layer.inplace is True
        assert "inplace=True" in repr(layer)


def test_abs_tanh_module():
    a = away_from((2, 3))
    np.testing.assert_allclose(to_np(nn.AbsTanh()(st.tensor(a))), np.abs(np.tanh(a)), rtol=1e-6)
    assert repr(nn.AbsTanh()) == "AbsTanh()"


def test_prelu_module_parameters_learn_and_state_dict_round_trip():
    layer = nn.PReLU(3)
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_array_equal(to_np(layer.weight), np.full(3, 0.25, dtype=np.float32))
    a = away_from((2, 3, 4))
    layer(st.tensor(a)).sum().backward()
    expected = np.minimum(a, 0).sum(axis=(0, 2))
    np.testing.assert_allclose(to_np(layer.weight.grad), expected, rtol=1e-5)
    other = nn.PReLU(3, init=0.9)
    other.load_state_dict(layer.state_dict())
    np.testing.assert_array_equal(to_np(other.weight), np.full(3, 0.25, dtype=np.float32))
    assert repr(layer) == "PReLU(num_parameters=3)"


def test_module_bad_arguments():
    with pytest.raises(TypeError, match="Softmax: dim must be given explicitly"):
        nn.Softmax()(st.tensor(away_from((2, 3))))
    with pytest.raises(ValueError, match="GELU: approximate must be 'none' or 'tanh'"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match="Hardtanh: expected max_val >= min_val"):
        nn.Hardtanh(1.0, 0.0)
    with pytest.raises(ValueError, match="PReLU: expected num_parameters >= 1, got 0"):
        nn.PReLU(0)
    with pytest.raises(ValueError, match=r"prelu: expected 'weight' to hold 1 slope or one per "
                       r"channel \(5"):
        nn.PReLU(3)(st.tensor(away_from((2, 5))))


def test_modules_compose_in_sequential():
    model = nn.Sequential(nn.Linear(4, 6), nn.GELU(), nn.Linear(6, 3), nn.LogSoftmax(dim=1))
    out = model(st.tensor(away_from((5, 4))))
    assert tuple(out.shape) == (5, 3)
    np.testing.assert_allclose(np.exp(to_np(out)).sum(axis=1), np.ones(5), rtol=1e-5)
