"""The CUDA pointwise kernels (elementwise, activations, pooling, fused optimizers, random draws)
against the CPU's results. The parity of each op family runs per device in its own test file
(PER_DEVICE); this file adds what those do not reach: every strided layout and dtype cast of
copy, broadcast binary ops for every dtype, the optimizers' fused updates, and the random draws
(Philox on the device). The tests marked cuda skip without a GPU; the rest run everywhere."""

import numpy as np
import pytest
import striate as st
from striate import backends, nn, optim

needs_gpu = pytest.mark.skipif(not st.cuda.is_available(), reason="no CUDA device")
DTYPES = ["float32", "float64", "int64", "uint8", "bool"]


def cuda(array):
    return st.tensor(array).to("cuda")


def host(t):
    return t.to("cpu").numpy()


def sample(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype in ("int64", "uint8"):
        return rng.integers(0, 9, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


# ---- without a GPU ------------------------------------------------------------------------------


@pytest.mark.skipif(not st.cuda_built, reason="built without the CUDA backend")
def test_pointwise_families_are_registered_on_cuda():
    supported = set(backends.supported_ops("cuda"))
    for op in [
        "add",
        "mul",
        "div",
        "pow",
        "maximum",
        "neg",
        "exp",
        "clamp",
        "where",
        "relu",
        "sigmoid",
        "tanh",
        "gelu",
        "softmax",
        "log_softmax",
        "max_pool2d",
        "avg_pool2d",
        "max_pool3d",
        "avg_pool3d",
        "adaptive_avg_pool2d",
        "adaptive_max_pool2d",
        "max_unpool2d",
        "dropout",
        "dropout2d",
        "alpha_dropout",
    ]:
        if op in backends.registered_ops():
            assert op in supported, op


def test_cuda_manual_seed_is_accepted_without_a_gpu():
    st.cuda.manual_seed(3)
    st.cuda.manual_seed_all(2**64 + 5)  # taken modulo 2**64, as a 64-bit seed
    st.manual_seed(0)


def test_cpu_random_draws_follow_the_generator_in_order():
    # The CPU side of the random_draw kernel draws element after element: one draw of 6 values is
    # the concatenation of draws of 2 and 4 from the same state.
    st.manual_seed(11)
    whole = st.rand(6).numpy()
    st.manual_seed(11)
    parts = np.concatenate([st.rand(2).numpy(), st.rand(4).numpy()])
    np.testing.assert_array_equal(whole, parts)
    st.manual_seed(11)
    mask = nn.functional.dropout(st.ones(1000, dtype=st.float64), p=0.25).numpy()
    assert set(np.unique(mask)) <= {0.0, 1.0 / 0.75}


# ---- elementwise on the GPU ---------------------------------------------------------------------


@needs_gpu
@pytest.mark.cuda
@pytest.mark.parametrize("source", DTYPES)
@pytest.mark.parametrize("target", DTYPES)
def test_copy_casts_every_dtype_pair_like_the_cpu(source, target):
    a = sample((3, 4), source)
    a = np.abs(a) if source in ("float32", "float64") and target == "uint8" else a
    expected = st.tensor(a).to(getattr(st, target)).numpy()
    np.testing.assert_array_equal(host(cuda(a).to(getattr(st, target))), expected)


@needs_gpu
@pytest.mark.cuda
@pytest.mark.parametrize("view", ["transpose", "slice", "step", "expand", "permute3", "scalar"])
def test_contiguous_of_strided_views_matches_the_cpu(view):
    a = sample((4, 6, 5), "float32")
    make = {
        "transpose": lambda t: t.transpose(0, 2),
        "slice": lambda t: t[1:3, 2:, :4],
        "step": lambda t: t[::2, ::3, 1::2],
        "expand": lambda t: t[:, :1, :].expand(4, 6, 5),
        "permute3": lambda t: t.permute(1, 2, 0),
        "scalar": lambda t: t[1, 2, 3],
    }[view]
    expected = make(st.tensor(a)).contiguous().numpy()
    np.testing.assert_array_equal(host(make(cuda(a)).contiguous()), expected)


@needs_gpu
@pytest.mark.cuda
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8"])
def test_broadcast_binary_ops_match_the_cpu(op, dtype):
    a, b = sample((3, 1, 5), dtype, 1), sample((4, 1), dtype, 2)
    if op in ("pow", "div") and dtype in ("float32", "float64"):
        a = np.abs(a) + 0.5
    fn = getattr(st, op)
    expected = fn(st.tensor(a), st.tensor(b)).numpy()
    got = host(fn(cuda(a), cuda(b)))
    if dtype.startswith("float"):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    else:
        np.testing.assert_array_equal(got, expected)


@needs_gpu
@pytest.mark.cuda
def test_type_promotion_alpha_compare_where_clamp_fill_match_the_cpu():
    a, b = sample((5, 3), "float32", 3), sample((3,), "int64", 4)
    for fn in [
        lambda x, y: st.add(x, y, alpha=2.5),
        lambda x, y: st.sub(x, y, alpha=0.5),
        lambda x, y: x > y,
        lambda x, y: x == y,
        lambda x, y: st.where(x > 0, x, y.to(st.float32)),
        lambda x, y: st.clamp(x, min=-0.5, max=0.25),
        lambda x, y: st.clamp(x, min=-0.5),
        lambda x, y: x.t() * 2,
    ]:
        np.testing.assert_allclose(
            host(fn(cuda(a), cuda(b))), fn(st.tensor(a), st.tensor(b)).numpy(), rtol=1e-6
        )
    t = cuda(np.zeros((4, 6), np.float32))
    t[:, ::2].fill_(3.0)
    expected = np.zeros((4, 6), np.float32)
    expected[:, ::2] = 3.0
    np.testing.assert_array_equal(host(t), expected)


# ---- activations and pooling on the GPU ---------------------------------------------------------


@needs_gpu
@pytest.mark.cuda
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "name",
    [
        "relu",
        "sigmoid",
        "tanh",
        "gelu",
        "silu",
        "elu",
        "selu",
        "softplus",
        "hardtanh",
        "leaky_relu",
        "hardswish",
        "softmax",
        "log_softmax",
    ],
)
def test_activation_forward_and_backward_match_the_cpu(name, dtype):
    fn = getattr(nn.functional, name)
    call = (lambda x: fn(x, dim=1)) if "softmax" in name else fn
    a, g = sample((4, 7, 3), dtype, 5), sample((4, 7, 3), dtype, 6)
    results = []
    for to in (st.tensor, cuda):
        x = to(a)
        x.requires_grad_(True)
        y = call(x)
        (y * to(g)).sum().backward()
        results.append((host(y.detach()), host(x.grad)))
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=tol, atol=tol)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=10 * tol, atol=10 * tol)


@needs_gpu
@pytest.mark.cuda
@pytest.mark.parametrize(
    "case",
    [
        ("max_pool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
        ("max_pool2d", (2, 3, 9, 8), dict(kernel_size=2, dilation=2)),
        ("avg_pool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
        ("avg_pool2d", (2, 3, 9, 8), dict(kernel_size=3, padding=1, count_include_pad=False)),
        ("avg_pool2d", (2, 3, 9, 8), dict(kernel_size=2, divisor_override=3)),
        ("max_pool3d", (1, 2, 5, 6, 7), dict(kernel_size=2, stride=(1, 2, 2), padding=1)),
        ("avg_pool3d", (1, 2, 5, 6, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
        ("adaptive_avg_pool2d", (2, 3, 9, 7), dict(output_size=(4, 3))),
        ("adaptive_max_pool2d", (2, 3, 9, 7), dict(output_size=(4, 3))),
    ],
)
def test_pooling_forward_and_backward_match_the_cpu(case):
    name, shape, kwargs = case
    fn = getattr(nn.functional, name)
    a = sample(shape, "float64", 7)
    results = []
    for to in (st.tensor, cuda):
        x = to(a)
        x.requires_grad_(True)
        y = fn(x, **kwargs)
        (y * y).sum().backward()
        results.append((host(y.detach()), host(x.grad)))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-12, atol=1e-12)


@needs_gpu
@pytest.mark.cuda
def test_max_unpool2d_matches_the_cpu():
    a = sample((2, 3, 8, 8), "float32", 8)
    out = []
    for to in (st.tensor, cuda):
        y, indices = nn.functional.max_pool2d(to(a), 2, return_indices=True)
        out.append(host(nn.functional.max_unpool2d(y, indices, 2)))
    np.testing.assert_array_equal(out[1], out[0])


# ---- optimizers on the GPU ----------------------------------------------------------------------


def _optimize(device, make, dtype, steps=4):
    rng = np.random.default_rng(9)
    p0 = rng.standard_normal((33, 7)).astype(dtype)
    grads = [rng.standard_normal((33, 7)).astype(dtype) for _ in range(steps)]
    to = st.tensor if device == "cpu" else cuda
    param = nn.Parameter(to(p0))
    opt = make([param])
    for g in grads:
        opt.zero_grad()
        (param * to(g)).sum().backward()
        opt.step()
    return host(param.detach())


@needs_gpu
@pytest.mark.cuda
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1),
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-2),
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, maximize=True),
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.5, dampening=0.3),
        lambda ps: optim.Adam(ps, lr=0.01),
        lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.1, amsgrad=True),
        lambda ps: optim.AdamW(ps, lr=0.01, weight_decay=0.1),
        lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.9),
        lambda ps: optim.Adagrad(ps, lr=0.1),
    ],
)
def test_optimizer_steps_match_the_cpu(make, dtype):
    # The fused updates round each operation as the CPU does: equal up to the last bit or two.
    cpu, gpu = _optimize("cpu", make, dtype), _optimize("cuda", make, dtype)
    tol = 1e-6 if dtype == "float32" else 1e-14
    np.testing.assert_allclose(gpu, cpu, rtol=tol, atol=tol)


# ---- random draws on the GPU --------------------------------------------------------------------


@needs_gpu
@pytest.mark.cuda
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_device_draws_are_reproducible_and_well_distributed(dtype):
    t = cuda(np.zeros(200000, dtype))
    st.cuda.manual_seed_all(123)
    first = host(st._C._uniform_(t, 0.0, 1.0)).copy()
    second = host(st._C._uniform_(t, 0.0, 1.0)).copy()
    st.cuda.manual_seed_all(123)
    again = host(st._C._uniform_(t, 0.0, 1.0))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)
    assert first.min() >= 0.0 and first.max() < 1.0
    assert abs(first.mean() - 0.5) < 0.01
    normal = host(st._C._normal_(t, 2.0, 3.0))
    assert abs(normal.mean() - 2.0) < 0.05 and abs(normal.std() - 3.0) < 0.05


@needs_gpu
@pytest.mark.cuda
def test_device_dropout_masks_are_reproducible_and_scaled():
    x = cuda(np.ones((64, 1000), np.float32))
    st.manual_seed(5)
    a = host(nn.functional.dropout(x, p=0.3))
    st.manual_seed(5)
    b = host(nn.functional.dropout(x, p=0.3))
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) <= {0.0, np.float32(1.0 / 0.7)}
    assert abs((a == 0).mean() - 0.3) < 0.01
    channels = host(nn.functional.dropout2d(cuda(np.ones((8, 16, 3, 3), np.float32)), p=0.5))
    assert (channels.reshape(8, 16, 9).std(axis=2) == 0).all()  # whole channels kept or dropped


# ---- batch transforms on the GPU ----------------------------------------------------------------


@needs_gpu
@pytest.mark.cuda
@pytest.mark.parametrize("name", ["Mixup", "CutMix", "Normalize"])
def test_batch_transforms_on_device_tensors_match_the_cpu(name):
    from striate.data import transforms as T

    images = sample((6, 3, 5, 5), "float32", 10)
    labels = np.arange(6, dtype=np.int64)
    outputs = []
    for to in (st.tensor, cuda):
        st.manual_seed(1)
        if name == "Normalize":
            result = (T.Normalize([0.5, 0.4, 0.3], [0.2, 0.3, 0.4])(to(images)),)
        else:
            result = getattr(T, name)(alpha=1.0, num_classes=6)(to(images), to(labels))
        assert all(str(r.device).startswith("cuda" if to is cuda else "cpu") for r in result)
        outputs.append([host(r) for r in result])
    for got, expected in zip(outputs[1], outputs[0]):
        np.testing.assert_array_equal(got, expected)
