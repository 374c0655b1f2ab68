"""torch's binary arithmetic with Python numbers on either side: st.sub(x, 1.0), st.add(2, x,
alpha=3), st.pow(2, x), alpha= with numbers, div's rounding_mode, the aliases (rsub, subtract,
multiply, divide, true_divide) and the Tensor.sub / Tensor.div methods. Parity with torch on the
forward and every gradient, float64 gradcheck, bad arguments."""

import numpy as np
import pytest
import striate as st
from helpers import check_parity, gradcheck

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 3)).astype(np.float32)
B = (RNG.uniform(0.5, 2.0, (2, 3)) * RNG.choice([-1, 1], (2, 3))).astype(np.float32)
POS = RNG.uniform(0.5, 2.0, (2, 3)).astype(np.float32)

# (name, arguments: "x"/"y" are the tensors, other values are passed as they are, kwargs)
CASES = [
    (name, args, kwargs)
    for name in ("add", "sub", "subtract")
    for args in (("x", "y"), ("x", 1.5), ("x", 2), (2.5, "x"))
    for kwargs in ({}, {"alpha": 2}, {"alpha": -0.5})
] + [
    (name, args, {})
    for name in ("mul", "multiply", "div", "divide", "true_divide")
    for args in (("x", "y"), ("x", 1.5), ("x", 3), (2.5, "y"))
] + [
    ("pow", ("p", "y"), {}), ("pow", ("p", 1.5), {}), ("pow", ("x", 2), {}),
    ("pow", (2.5, "x"), {}),
    ("rsub", ("x", 2.0), {}), ("rsub", ("x", "y"), {"alpha": 3}), ("rsub", ("x", 2), {"alpha": 2}),
    ("div", ("x", "y"), {"rounding_mode": "floor"}),
    ("div", ("x", "y"), {"rounding_mode": "trunc"}),
    ("div", ("x", 0.7), {"rounding_mode": "floor"}),
    ("div", (2.5, "y"), {"rounding_mode": "trunc"}),
    ("div", ("x", "y"), {"rounding_mode": None}),
]


def _call(lib, name, args, kwargs):
    def fn(*tensors):
        table = dict(zip([a for a in args if isinstance(a, str)], tensors))
        return getattr(lib, name)(*[table.get(a, a) if isinstance(a, str) else a for a in args],
                                  **kwargs)

    arrays = {"x": A, "y": B, "p": POS}
    return fn, [arrays[a] for a in args if isinstance(a, str)]


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=lambda v: repr(v))
def test_parity_with_torch(name, args, kwargs):
    st_fn, arrays = _call(st, name, args, kwargs)
    torch_fn, _ = _call(torch, name, args, kwargs)
    st_out, torch_out = check_parity(st_fn, torch_fn, arrays)
    assert str(st_out.dtype).split(".")[-1] == str(torch_out.dtype).split(".")[-1]


@pytest.mark.parametrize("name,args,kwargs",
                         [c for c in CASES if "rounding_mode" not in c[2]][::3],
                         ids=lambda v: repr(v))
def test_gradcheck_float64(name, args, kwargs):
    fn, arrays = _call(st, name, args, kwargs)
    gradcheck(fn, arrays)


@pytest.mark.parametrize("mode", ["floor", "trunc"])
@pytest.mark.parametrize("other", [2, -3, "tensor"])
def test_integer_division_keeps_integers(mode, other):
    values = [7, -7, 5, -5, 0]
    divisor_values = [2, 2, -3, -3, 4]

    def lib_args(lib):
        x = lib.tensor(values)
        return x, lib.tensor(divisor_values) if other == "tensor" else other

    got = st.div(*lib_args(st), rounding_mode=mode)
    want = torch.div(*lib_args(torch), rounding_mode=mode)
    assert got.dtype == st.int64
    assert got.tolist() == want.tolist()
    assert st.div(st.tensor(values), 2).dtype == st.float32  # true division promotes


def test_tensor_methods():
    x = np.array([5.0, 6.0, -7.0], dtype=np.float32)
    tx = torch.tensor(x)
    for got, want in [
        (st.tensor(x).sub(1.0, alpha=2), tx.sub(1.0, alpha=2)),
        (st.tensor(x).sub(2), tx.sub(2)),
        (st.tensor(x).sub(st.tensor(x), alpha=0.5), tx.sub(tx, alpha=0.5)),
        (st.tensor(x).div(2, rounding_mode="floor"), tx.div(2, rounding_mode="floor")),
        (st.tensor(x).div(2, rounding_mode="trunc"), tx.div(2, rounding_mode="trunc")),
        (st.tensor(x).div(st.tensor(x)), tx.div(tx)),
        (st.tensor(x).add(1.0, alpha=3), tx.add(1.0, alpha=3)),
    ]:
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    # the method keeps autograd
    w = st.tensor(x, requires_grad=True)
    w.sub(1.0, alpha=2).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), np.ones(3))


def test_eq_with_a_number_and_numbers_on_both_sides():
    assert st.eq(st.tensor([1.0, 2.0]), 2.0).tolist() == [False, True]
    assert st.add(2, 3).item() == torch.add(torch.tensor(2), 3).item()
    assert st.mul(2.0, 3.0).item() == 6.0


@pytest.mark.parametrize("call,error,message", [
    (lambda: st.sub(st.ones(2), "a"), TypeError, "sub\\(\\): expected argument 'other'"),
    (lambda: st.add(None, st.ones(2)), TypeError, "add\\(\\): expected argument 'input'"),
    (lambda: st.mul(st.ones(2), [1, 2]), TypeError, "mul\\(\\): expected argument 'other'"),
    (lambda: st.pow(st.ones(2), "2"), TypeError, "pow\\(\\): expected argument 'exponent'"),
    (lambda: st.rsub(2.0, st.ones(2)), TypeError, "rsub\\(\\): expected argument 'input'"),
    (lambda: st.eq(1, st.ones(2)), TypeError, "eq\\(\\): expected argument 'input'"),
    (lambda: st.div(st.ones(2), 2, rounding_mode="round"), ValueError, "rounding_mode"),
    (lambda: st.ones(2).div(2, rounding_mode="up"), ValueError, "rounding_mode"),
    (lambda: st.ones(2).sub("x"), TypeError, "sub\\(\\): expected argument 'other'"),
    (lambda: st.sub(st.ones(2), st.ones(3)), ValueError, "cannot be broadcast"),
])
def test_bad_inputs(call, error, message):
    with pytest.raises(error, match=message):
        call()
