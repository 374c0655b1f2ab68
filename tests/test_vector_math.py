"""The SIMD kernels of kernels/cpu/vector_math.h under every ISA path this CPU runs (generic SSE2,
AVX2, AVX-512, switched at run time with striate._C._set_cpu_isa):

- the transcendentals through the ops that use them (exp, log, sigmoid, tanh, expm1 as elu) over
  a million random bit patterns and the edge values, in ulps against numpy one precision up
  (float64 for float32, long double for float64); tests/cpp/test_vector_math.cpp checks every
  function (log1p and erf too) directly against libm;
- parity with PyTorch (forward and gradients) and float64 gradchecks for the activations,
  softmax, batch norm over long rows, pooling rows (strides 1, 2, 3, padding, dilation,
  ceil_mode, ties and NaN) and cross-entropy, at sizes that cover whole vectors and tails;
- the fused SGD / Adam updates, bit for bit against the op-by-op update (which a non-contiguous
  parameter takes);
- the same bits with one and two threads.
"""

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np
from striate import nn, optim

rng = np.random.default_rng(11)


@pytest.fixture
def two_threads():
    previous = st.get_num_threads()
    yield
    st.set_num_threads(previous)


# ---- transcendentals in ulps --------------------------------------------------------------------

WIDE = {np.float32: np.float64, np.float64: np.longdouble}
DIGITS = {np.float32: 24, np.float64: 53}
MIN_EXPONENT = {np.float32: -125, np.float64: -1021}  # frexp's exponent of the smallest normal


@np.errstate(all="ignore")
def edge_values(dtype):
    info = np.finfo(dtype)
    centres = [
        0.0,
        info.smallest_subnormal,
        info.tiny,
        info.max,
        info.eps,
        0.5,
        0.75,
        1.0,
        2.0,
        0.34657359,
        0.625,
        3.95,
        5.95,
        9.1,
        19.1,
        25.0,
        30.0,
        40.0,
        54.0,
        88.72283935546875,
        89.0,
        103.97,
        104.0,
        709.782712893384,
        710.0,
        745.1332191019411,
        746.0,
        1e-5,
        1e-30,
    ]
    values = [np.inf, -np.inf, np.nan]
    for centre in centres:
        for sign in (1.0, -1.0):
            v = dtype(sign * centre)
            if not np.isfinite(v):
                continue
            up = down = v
            values.append(v)
            for _ in range(6):
                up = np.nextafter(up, dtype(np.inf))
                down = np.nextafter(down, dtype(-np.inf))
                values += [up, down]
    return np.array(values, dtype=dtype)


def samples(dtype, count=1 << 20):
    """Random bit patterns (every magnitude, subnormals, infinities and NaNs included), uniform
    values where the functions do not saturate, and the edge values."""
    bits = np.uint32 if dtype == np.float32 else np.uint64
    random_bits = rng.integers(0, np.iinfo(bits).max, count, dtype=bits, endpoint=True).view(dtype)
    uniform = [rng.uniform(-r, r, count // 16).astype(dtype) for r in (1e-3, 1.0, 4.0, 20.0, 100.0)]
    return np.concatenate([edge_values(dtype), random_bits, *uniform])


@np.errstate(all="ignore")
def ulp_errors(got, want, dtype):
    """|got - want| in units of dtype's last place at want; inf where they differ in kind."""
    got_wide = got.astype(WIDE[dtype])
    errors = np.zeros(got.shape, dtype=np.float64)
    nan_got, nan_want = np.isnan(got_wide), np.isnan(want)
    errors[nan_got != nan_want] = np.inf
    rounded = want.astype(dtype)
    both = ~(nan_got | nan_want)
    infinite = both & (np.isinf(got_wide) | np.isinf(rounded))
    near_max = np.abs(want) < WIDE[dtype](np.finfo(dtype).max) * WIDE[dtype](1 + 1e-6)
    errors[infinite & (got_wide != rounded) & ~(np.isinf(got_wide) & near_max)] = np.inf
    finite = both & ~infinite
    _, exponent = np.frexp(np.abs(want[finite]))
    ulp = np.ldexp(WIDE[dtype](1), np.maximum(exponent, MIN_EXPONENT[dtype]) - DIGITS[dtype])
    errors[finite] = (np.abs(got_wide[finite] - want[finite]) / ulp).astype(np.float64)
    return errors


def sigmoid_reference(x):
    e = np.exp(-np.abs(x))
    return np.where(x < 0, e, 1) / (1 + e)


# (name, striate function, reference on the wide type, bound in ulp)
FUNCTIONS = [
    ("exp", st.exp, np.exp, 2.0),
    ("log", st.log, np.log, 2.0),
    ("tanh", F.tanh, np.tanh, 2.0),
    ("sigmoid", F.sigmoid, sigmoid_reference, 2.5),
    (
        "expm1 (elu below 0)",
        lambda t: F.elu(t, alpha=1.0),
        lambda x: np.where(x > 0, x, np.expm1(x)),
        2.0,
    ),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,st_fn,reference,bound", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_transcendental_within_ulps_of_the_wide_reference(
    isa, dtype, name, st_fn, reference, bound
):
    x = samples(dtype)
    with np.errstate(all="ignore"):
        want = reference(x.astype(WIDE[dtype]))
    got = to_np(st_fn(st.tensor(x)))
    errors = ulp_errors(got, want, dtype)
    worst = int(np.argmax(errors))
    assert errors[worst] <= bound, f"{name}({x[worst]!r}) = {got[worst]!r}, want {want[worst]!r}"


def test_transcendental_of_a_strided_view(isa):
    # The buffered strided path gives each element the value the contiguous path gives it.
    x = rng.standard_normal((64, 48)).astype(np.float32) * 5
    t = st.tensor(x)
    for fn in (st.exp, F.tanh, F.sigmoid):
        np.testing.assert_array_equal(
            to_np(fn(t.t())), to_np(fn(st.tensor(np.ascontiguousarray(x.T))))
        )


# ---- activations, softmax -----------------------------------------------------------------------

ACTIVATIONS = [
    ("relu", F.relu, TF.relu),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1)),
    ("hardtanh", lambda x: F.hardtanh(x, -0.5, 0.7), lambda x: TF.hardtanh(x, -0.5, 0.7)),
    ("elu", lambda x: F.elu(x, 0.8), lambda x: TF.elu(x, 0.8)),
    ("selu", F.selu, TF.selu),
    ("gelu", F.gelu, TF.gelu),
    (
        "gelu_tanh",
        lambda x: F.gelu(x, approximate="tanh"),
        lambda x: TF.gelu(x, approximate="tanh"),
    ),
    ("silu", F.silu, TF.silu),
    ("softplus", lambda x: F.softplus(x, 2.0, 5.0), lambda x: TF.softplus(x, 2.0, 5.0)),
    ("hardswish", F.hardswish, TF.hardswish),
    ("sigmoid", F.sigmoid, torch.sigmoid),
    ("tanh", F.tanh, torch.tanh),
    ("softmax rows", lambda x: F.softmax(x, dim=-1), lambda x: TF.softmax(x, dim=-1)),
    ("log_softmax rows", lambda x: F.log_softmax(x, dim=-1), lambda x: TF.log_softmax(x, dim=-1)),
    ("softmax columns", lambda x: F.softmax(x, dim=1), lambda x: TF.softmax(x, dim=1)),
    ("log_softmax columns", lambda x: F.log_softmax(x, dim=1), lambda x: TF.log_softmax(x, dim=1)),
]


@pytest.mark.parametrize("name,st_fn,torch_fn", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@pytest.mark.parametrize("shape", [(3, 37, 5), (2, 19, 67)])
def test_activation_parity(isa, name, st_fn, torch_fn, shape):
    x = (rng.standard_normal(shape) * 4).astype(np.float32)
    check_parity(st_fn, torch_fn, [x])


@pytest.mark.parametrize("name,st_fn,torch_fn", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_gradcheck(isa, name, st_fn, torch_fn):
    x = rng.standard_normal((2, 5, 3)) * 2
    x[np.abs(x) < 0.05] += 0.2  # away from the kinks of relu, hardtanh, hardswish
    x[np.abs(np.abs(x) - 0.5) < 0.05] += 0.2
    x[np.abs(np.abs(x) - 3) < 0.05] += 0.2
    gradcheck(st_fn, [x])


def test_softmax_of_huge_and_infinite_logits(isa):
    x = np.array(
        [[1e30, -1e30, 0.0, 5.0], [-np.inf, 0.0, 1.0, -np.inf], [3.0, 3.0, 3.0, 3.0]], np.float32
    )
    for st_fn, torch_fn in [(F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)]:
        np.testing.assert_allclose(
            to_np(st_fn(st.tensor(x), dim=1)),
            torch_fn(torch.tensor(x), dim=1).numpy(),
            rtol=1e-6,
            atol=1e-7,
        )


# ---- batch norm over rows long enough for the vector sweeps -------------------------------------


@pytest.mark.parametrize("shape", [(4, 3, 8, 8), (3, 5, 7, 9), (2, 16, 33)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_parity_long_rows(isa, shape, training):
    C = shape[1]
    x = (rng.standard_normal(shape) * 3 + 2).astype(np.float32)
    w = rng.standard_normal(C).astype(np.float32)
    b = rng.standard_normal(C).astype(np.float32)
    mean = rng.standard_normal(C).astype(np.float32)
    var = rng.uniform(0.5, 2, C).astype(np.float32)

    def run(lib, F_):
        return lambda x_, w_, b_: F_.batch_norm(
            x_, lib.tensor(mean), lib.tensor(var), w_, b_, training=training
        )

    check_parity(run(st, F), run(torch, TF), [x, w, b], fwd_rtol=1e-4, fwd_atol=1e-5)


def test_batch_norm_running_stats_and_large_mean(isa):
    # A mean far larger than the spread: the row-wise two-pass statistics stay exact enough.
    x = (rng.standard_normal((8, 4, 6, 6)) + 1000).astype(np.float32)
    rm_s, rv_s = st.zeros(4), st.ones(4)
    rm_t, rv_t = torch.zeros(4), torch.ones(4)
    y_s = F.batch_norm(st.tensor(x), rm_s, rv_s, training=True, momentum=0.3)
    y_t = TF.batch_norm(torch.tensor(x), rm_t, rv_t, training=True, momentum=0.3)
    np.testing.assert_allclose(to_np(y_s), y_t.numpy(), rtol=1e-3, atol=2e-3)
    np.testing.assert_allclose(to_np(rm_s), rm_t.numpy(), rtol=1e-6)
    np.testing.assert_allclose(to_np(rv_s), rv_t.numpy(), rtol=1e-4)


def test_batch_norm_gradcheck_long_rows(isa):
    x = rng.standard_normal((2, 3, 6, 6))
    w = rng.standard_normal(3)
    b = rng.standard_normal(3)
    gradcheck(lambda x_, w_, b_: F.batch_norm(x_, None, None, w_, b_, training=True), [x, w, b])


# ---- pooling rows -------------------------------------------------------------------------------

POOLS = [
    dict(kernel_size=2, stride=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=1, padding=1),
    dict(kernel_size=2, stride=3),
    dict(kernel_size=3, stride=2, padding=1, dilation=2),
    dict(kernel_size=3, stride=2, ceil_mode=True),
]


@pytest.mark.parametrize("kwargs", POOLS, ids=[str(k) for k in POOLS])
@pytest.mark.parametrize("width", [7, 40, 69])
def test_max_pool_rows_parity(isa, kwargs, width):
    x = rng.standard_normal((2, 3, 9, width)).astype(np.float32)
    x[0, 0, 1, :] = 0.5  # ties: the first maximum wins
    x[1, 2, 2, 5] = np.nan
    x[1, 1, 3, :4] = -np.inf
    s_out, s_idx = F.max_pool2d(st.tensor(x), return_indices=True, **kwargs)
    t_out, t_idx = TF.max_pool2d(torch.tensor(x), return_indices=True, **kwargs)
    np.testing.assert_array_equal(to_np(s_out), t_out.numpy())
    np.testing.assert_array_equal(to_np(s_idx), t_idx.numpy())
    finite = np.nan_to_num(x, nan=0.0)
    check_parity(
        lambda t: F.max_pool2d(t, **kwargs), lambda t: TF.max_pool2d(t, **kwargs), [finite]
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(kernel_size=2, stride=2),
        dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=3, stride=1, padding=1, count_include_pad=False),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    ],
)
@pytest.mark.parametrize("width", [7, 40])
def test_avg_pool_rows_parity(isa, kwargs, width):
    x = rng.standard_normal((2, 3, 9, width)).astype(np.float32)
    check_parity(lambda t: F.avg_pool2d(t, **kwargs), lambda t: TF.avg_pool2d(t, **kwargs), [x])


def test_global_average_pool_parity(isa):
    x = rng.standard_normal((4, 6, 8, 9)).astype(np.float32)
    check_parity(lambda t: F.adaptive_avg_pool2d(t, 1), lambda t: TF.adaptive_avg_pool2d(t, 1), [x])
    gradcheck(lambda t: F.adaptive_avg_pool2d(t, 1), [rng.standard_normal((2, 3, 5, 4))])


# ---- cross-entropy ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 1000), (4, 7), (3, 6, 5, 4)])
def test_cross_entropy_parity(isa, shape):
    x = (rng.standard_normal(shape) * 5).astype(np.float32)
    target = rng.integers(0, shape[1], (shape[0],) + shape[2:]).astype(np.int64)
    check_parity(F.cross_entropy, TF.cross_entropy, [x, target])


@pytest.mark.parametrize("shape", [(3, 37), (2, 5, 3, 4)])
def test_cross_entropy_gradcheck(isa, shape):
    x = rng.standard_normal(shape) * 3
    target = rng.integers(0, shape[1], (shape[0],) + shape[2:]).astype(np.int64)
    gradcheck(F.cross_entropy, [x, target])


# ---- reductions ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(
    "shape,dim", [((40001,), 0), ((7, 37), 1), ((5, 37, 3), 1), ((3, 300, 19), 1), ((9, 300), 0)]
)
def test_sums_and_variance_against_float64(isa, dtype, shape, dim):
    x = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
    t = st.tensor(x)
    wide = x.astype(np.float64)
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(to_np(t.sum(dim)), wide.sum(dim), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(to_np(t.mean(dim)), wide.mean(dim), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(to_np(t.var(dim)), wide.var(dim, ddof=1), rtol=rtol, atol=rtol)


# ---- fused optimizer updates --------------------------------------------------------------------

SHAPES = [(37, 5), (17,), (3, 4), (1,), (40, 33)]


def run_pair(make_optimizer, dtype, steps=6):
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
    targets = [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
    fused = [nn.Parameter(st.tensor(a)) for a in arrays]
    plain = []
    for a in arrays:
        if a.ndim == 2:
            plain.append(nn.Parameter(st.tensor(np.ascontiguousarray(a.T)).t()))
        else:
            wide = st.tensor(np.repeat(a, 2))
            plain.append(nn.Parameter(wide[::2].detach()))
    assert all(p.is_contiguous() for p in fused)
    assert not any(p.is_contiguous() for p in plain if p.numel() > 1)
    opt_fused, opt_plain = make_optimizer(fused), make_optimizer(plain)
    for _ in range(steps):
        for opt, params in ((opt_fused, fused), (opt_plain, plain)):
            opt.zero_grad()
            total = 0
            for p, target in zip(params, targets):
                d = p - st.tensor(target)
                total = total + (d * d * (p * p + 1)).sum()
            total.backward()
            opt.step()
    return fused, plain


SGD_OPTIONS = [
    dict(lr=0.01),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.02, momentum=0.9, nesterov=True, weight_decay=0.01),
    dict(lr=0.01, momentum=0.5, dampening=0.3, weight_decay=0.1, maximize=True),
]
ADAM_OPTIONS = [
    (optim.Adam, dict(lr=0.01)),
    (optim.Adam, dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    (optim.AdamW, dict(lr=0.02, weight_decay=0.05)),
    (optim.AdamW, dict(lr=0.01, betas=(0.8, 0.9), amsgrad=True, maximize=True)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("options", SGD_OPTIONS, ids=[str(o) for o in SGD_OPTIONS])
def test_fused_sgd_matches_the_op_by_op_update_bit_for_bit(isa, dtype, options):
    fused, plain = run_pair(lambda params: optim.SGD(params, **options), dtype)
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(to_np(a), to_np(b))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(
    "cls,options", ADAM_OPTIONS, ids=[f"{c.__name__}{o}" for c, o in ADAM_OPTIONS]
)
def test_fused_adam_matches_the_op_by_op_update_bit_for_bit(isa, dtype, cls, options):
    fused, plain = run_pair(lambda params: cls(params, **options), dtype)
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(to_np(a), to_np(b))


def test_fused_sgd_state_dict_round_trip():
    params = [nn.Parameter(st.tensor(rng.standard_normal((5, 3)).astype(np.float32)))]
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    params[0].grad = st.tensor(np.ones((5, 3), np.float32))
    opt.step()
    state = opt.state_dict()
    np.testing.assert_array_equal(
        to_np(state["state"][0]["momentum_buffer"]), np.ones((5, 3), np.float32)
    )
    restored = optim.SGD(params, lr=0.1, momentum=0.9)
    restored.load_state_dict(state)
    restored.step()
    opt.step()


# ---- same bits with one and two threads ---------------------------------------------------------


def test_results_do_not_depend_on_the_thread_count(two_threads):
    x = rng.standard_normal((16, 8, 24, 24)).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    logits = rng.standard_normal((512, 100)).astype(np.float32)
    labels = rng.integers(0, 100, 512).astype(np.int64)

    def run():
        out = {}
        t = st.tensor(x, requires_grad=True)
        w = st.tensor(np.linspace(0.5, 1.5, 8).astype(np.float32), requires_grad=True)
        y = F.relu(F.batch_norm(t, None, None, w, None, training=True))
        y = F.max_pool2d(y, 3, 2, 1)
        y = F.gelu(y) + F.sigmoid(y)
        y.backward(st.tensor(g[:, :, :12, :12]))
        out["y"], out["dx"], out["dw"] = to_np(y), to_np(t.grad), to_np(w.grad)
        z = st.tensor(logits, requires_grad=True)
        loss = F.cross_entropy(z, st.tensor(labels))
        loss.backward()
        out["loss"], out["dz"] = to_np(loss), to_np(z.grad)
        p = nn.Parameter(st.tensor(x))
        p.grad = st.tensor(g)
        opt = optim.Adam([p], lr=0.01)
        opt.step()
        opt.step()
        out["adam"] = to_np(p)
        big = st.tensor(g)
        out["sum"], out["sum0"], out["var"] = to_np(big.sum()), to_np(big.sum(0)), to_np(big.var(1))
        return out

    st.set_num_threads(1)
    one = run()
    st.set_num_threads(2)
    two = run()
    for key in one:
        np.testing.assert_array_equal(one[key], two[key], err_msg=key)
