"""float16 and bfloat16 tensors: conversions bit-exact with PyTorch (rounding to nearest even,
subnormals, overflow, NaN), NumPy and safetensors interop, printing, promotion, Module.half(), and
the ops of a CNN computed through float32 (ops/reduced_precision.h) against PyTorch's own 16-bit
results, forward and every gradient."""

import numpy as np
import pytest
import safetensors.numpy as safetensors_numpy
import safetensors.torch as safetensors_torch
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF

LOW = [st.float16, st.bfloat16]
TORCH = {
    st.float16: torch.float16,
    st.bfloat16: torch.bfloat16,
    st.float32: torch.float32,
    st.float64: torch.float64,
    st.int64: torch.int64,
    st.uint8: torch.uint8,
    st.bool: torch.bool,
}
# One rounding of the 16-bit result apart (torch accumulates some kernels in another order).
TOL = {st.float16: dict(rtol=4e-3, atol=4e-3), st.bfloat16: dict(rtol=3e-2, atol=3e-2)}


def as_np(t):
    """Values of a striate or torch tensor as float64 NumPy (16-bit widened exactly)."""
    if isinstance(t, torch.Tensor):
        return t.detach().double().numpy()
    return t.detach().double().numpy()


def special_floats():
    rng = np.random.default_rng(0)
    bits = np.concatenate(
        [
            rng.integers(0, 2**32, size=20000, dtype=np.uint64).astype(np.uint32),
            np.arange(0x33000000 - 50, 0x33000000 + 50, dtype=np.uint32),  # half subnormal edge
            np.arange(0x387FFF00, 0x38800100, dtype=np.uint32),  # half normal/subnormal boundary
            np.arange(0x477FE000 - 20, 0x477FF000 + 20, dtype=np.uint32),  # 65504 .. overflow
            np.array([0x7F800000, 0x7FC00000, 0x7F800001, 0, 0x00000001, 0x3F808000], np.uint32),
        ]
    )
    return np.concatenate([bits, bits | 0x80000000]).view(np.float32)


# ---- the dtypes ---------------------------------------------------------------------------------


def test_dtype_objects():
    assert st.half is st.float16
    for d, name in [(st.float16, "float16"), (st.bfloat16, "bfloat16")]:
        assert d.itemsize == 2 and d.is_floating_point
        assert repr(d) == f"striate.{name}"
        assert st.zeros(3, dtype=d).dtype == d
        assert st.ones(2, dtype=name).dtype == d
    assert st.zeros(2).half().dtype == st.float16
    assert st.zeros(2).bfloat16().dtype == st.bfloat16
    assert st.zeros(2).to(st.bfloat16).is_floating_point()
    assert st.zeros(2).half().type() == "striate.HalfTensor"
    assert st.zeros(2).type("torch.BFloat16Tensor").dtype == st.bfloat16


@pytest.mark.parametrize("dtype", LOW)
def test_float32_conversion_is_bit_exact_with_torch(dtype):
    values = special_floats()
    ours = as_np(st.from_numpy(values.copy()).to(dtype))
    theirs = as_np(torch.from_numpy(values.copy()).to(TORCH[dtype]))
    nan = np.isnan(theirs)
    assert np.array_equal(np.isnan(ours), nan)
    assert np.array_equal(ours[~nan], theirs[~nan])
    assert np.array_equal(np.signbit(ours[~nan]), np.signbit(theirs[~nan]))  # -0 stays -0


@pytest.mark.parametrize("dtype", LOW)
def test_every_16_bit_pattern_widens_as_torch(dtype):
    bits = np.arange(65536, dtype=np.int32).astype(np.int16)
    theirs = torch.from_numpy(bits).view(TORCH[dtype])
    ours = st.tensor(theirs.float().numpy()).to(dtype)  # every value round-trips exactly
    back = as_np(ours)
    expect = as_np(theirs)
    nan = np.isnan(expect)
    assert np.array_equal(np.isnan(back), nan)
    assert np.array_equal(back[~nan], expect[~nan])


@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize("other", [st.float64, st.int64, st.uint8, st.bool])
def test_conversions_with_every_dtype(dtype, other):
    rng = np.random.default_rng(1)
    if other == st.float64:
        src = np.concatenate([rng.normal(0, 1e3, 500), [1e300, -1e-300, np.inf, np.nan]])
    elif other == st.int64:
        src = np.concatenate([rng.integers(-70000, 70000, 500), [2**62, -(2**40)]])
    elif other == st.uint8:
        src = np.arange(256, dtype=np.uint8)
    else:
        src = np.array([True, False, True])
    t = torch.from_numpy(src.copy())
    ours = st.from_numpy(src.copy()).to(dtype)
    np.testing.assert_array_equal(as_np(ours), as_np(t.to(TORCH[dtype])))
    # and back: 16-bit -> other (finite values that fit, so the cast is defined)
    finite = torch.tensor([0.0, 1.0, 2.5, 100.0, 255.0, -0.0]).to(TORCH[dtype])
    if other in (st.uint8, st.bool, st.int64, st.float64):
        ours_back = st.tensor(finite.float().numpy()).to(dtype).to(other)
        np.testing.assert_array_equal(ours_back.numpy(), finite.to(TORCH[other]).numpy())


def test_scalar_fill_rounds_through_float():
    x = st.full((2,), 0.1, dtype=st.float16)
    assert x.tolist() == torch.full((2,), 0.1, dtype=torch.float16).tolist()
    y = st.zeros(3, dtype=st.bfloat16).fill_(1 / 3)
    assert y.tolist() == torch.zeros(3, dtype=torch.bfloat16).fill_(1 / 3).tolist()


# ---- NumPy, printing, files ----------------------------------------------------------------------


def test_numpy_float16_zero_copy_both_ways():
    arr = np.array([1.5, -2.0, 65504.0], dtype=np.float16)
    t = st.from_numpy(arr)
    assert t.dtype == st.float16
    arr[0] = 3.0
    assert t.tolist() == [3.0, -2.0, 65504.0]  # shares memory
    back = t.numpy()
    assert back.dtype == np.float16 and np.shares_memory(back, arr)
    assert np.asarray(t).dtype == np.float16


def test_bfloat16_has_no_numpy_type():
    t = st.tensor([1.0, 2.0]).bfloat16()
    with pytest.raises(TypeError, match="numpy: got unsupported ScalarType bfloat16"):
        t.numpy()
    with pytest.raises(BufferError) as info:  # pybind11 chains our TypeError as the cause
        memoryview(t)
    assert "bfloat16 has no buffer format" in str(info.value.__cause__)
    assert t.tolist() == [1.0, 2.0] and t[1].item() == 2.0  # through float32, exactly
    assert "dtype=striate.bfloat16" in repr(t)


def test_repr_and_str():
    h = st.tensor([1.0, 0.5]).half()
    assert repr(h) == "tensor([1.0000, 0.5000], dtype=striate.float16)"
    assert repr(torch.tensor([1.0, 0.5]).half()).replace("torch.", "striate.") == repr(h)
    assert repr(st.tensor([2.0]).bfloat16()) == "tensor([2.], dtype=striate.bfloat16)"


def test_dlpack_round_trip_with_torch():
    for dtype in LOW:
        t = torch.tensor([1.0, -2.5, 3.25]).to(TORCH[dtype])
        ours = st.from_dlpack(t)
        assert ours.dtype == dtype and ours.tolist() == t.tolist()
        assert torch.from_dlpack(ours).tolist() == t.tolist()


def test_safetensors_f16_bf16_round_trip(tmp_path):
    path = tmp_path / "w.safetensors"
    tensors = {"h": st.tensor([1.0, 0.1, -3.0]).half(), "b": st.tensor([[0.1, 7.0]]).bfloat16()}
    st.io.save_file(tensors, path)
    theirs = safetensors_torch.load_file(str(path))
    assert theirs["h"].dtype == torch.float16 and theirs["b"].dtype == torch.bfloat16
    assert theirs["h"].tolist() == tensors["h"].tolist()
    assert theirs["b"].tolist() == tensors["b"].tolist()
    back = st.io.load_file(path)
    assert back["h"].dtype == st.float16 and back["b"].dtype == st.bfloat16
    assert back["b"].tolist() == tensors["b"].tolist()
    # files written by others: NumPy float16, torch bfloat16
    safetensors_numpy.save_file({"n": np.array([0.5, 2.0], np.float16)}, str(path))
    assert st.io.load_file(path)["n"].tolist() == [0.5, 2.0]
    safetensors_torch.save_file({"t": torch.tensor([1.5]).bfloat16()}, str(path))
    assert st.io.load_file(path)["t"].dtype == st.bfloat16


# ---- promotion -----------------------------------------------------------------------------------

ALL = [st.bool, st.uint8, st.int64, st.float16, st.bfloat16, st.float32, st.float64]


@pytest.mark.parametrize("a", ALL)
@pytest.mark.parametrize("b", ALL)
def test_promote_types_as_torch(a, b):
    assert TORCH[st.promote_types(a, b)] == torch.promote_types(TORCH[a], TORCH[b])


@pytest.mark.parametrize("a", ALL)
@pytest.mark.parametrize("b", ALL)
def test_result_type_and_add_as_torch(a, b):
    for sa, sb in [((2,), (2,)), ((2,), ()), ((), (2,))]:
        x, y = st.ones(sa, dtype=a), st.ones(sb, dtype=b)
        tx, ty = torch.ones(sa, dtype=TORCH[a]), torch.ones(sb, dtype=TORCH[b])
        assert TORCH[st.result_type(x, y)] == torch.result_type(tx, ty), (sa, sb)
        if a != st.bool or b != st.bool:
            assert TORCH[(x + y).dtype] == (tx + ty).dtype
    for number in (True, 2, 2.5):
        assert TORCH[st.result_type(st.ones(2, dtype=a), number)] == torch.result_type(
            torch.ones(2, dtype=TORCH[a]), number
        )


# ---- compute through float32, against PyTorch's 16-bit results -----------------------------------


def pair(shape, dtype, seed, scale=1.0, positive=False):
    """The same 16-bit values as a striate and a torch leaf that require grad."""
    values = np.random.default_rng(seed).normal(0, scale, shape).astype(np.float32)
    if positive:
        values = np.abs(values) + 0.5
    t = torch.from_numpy(values).to(TORCH[dtype]).requires_grad_()
    s = st.tensor(t.detach().float().numpy()).to(dtype).requires_grad_()
    return s, t


def check(ours, theirs, dtype, what):
    assert ours.dtype == dtype, f"{what}: dtype {ours.dtype}"
    np.testing.assert_allclose(as_np(ours), as_np(theirs), **TOL[dtype], err_msg=what)


def run_both(fn_st, fn_torch, inputs, dtype, name):
    """Forward and the gradient of every input, with one upstream gradient for both."""
    out_s = fn_st(*[s for s, _ in inputs])
    out_t = fn_torch(*[t for _, t in inputs])
    check(out_s, out_t, dtype, f"{name} forward")
    dout = np.random.default_rng(99).normal(0, 1, tuple(out_t.shape)).astype(np.float32)
    dout_t = torch.from_numpy(dout).to(out_t.dtype)
    (out_t * dout_t).sum().backward()
    (out_s * st.tensor(dout_t.float().numpy()).to(out_s.dtype)).sum().backward()
    for i, (s, t) in enumerate(inputs):
        assert s.grad.dtype == dtype, f"{name}: grad {i} dtype {s.grad.dtype}"
        check(s.grad, t.grad, dtype, f"{name} grad {i}")


ELEMENTWISE = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "scalar": (lambda a, b: a * 0.3 + b - 1, lambda a, b: a * 0.3 + b - 1),
    "maximum": (st.maximum, torch.maximum),
}


@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_binary_ops(dtype, name):
    fs, ft = ELEMENTWISE[name]
    a = pair((3, 4), dtype, 1)
    b = pair((4,), dtype, 2, positive=(name == "div"))
    run_both(fs, ft, [a, b], dtype, name)


UNARY = {
    "relu": (F.relu, TF.relu),
    "sigmoid": (st.sigmoid, torch.sigmoid),
    "tanh": (st.tanh, torch.tanh),
    "exp": (st.exp, torch.exp),
    "neg": (lambda x: -x, lambda x: -x),
    "gelu": (F.gelu, TF.gelu),
    "silu": (F.silu, TF.silu),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1)),
    "clamp": (lambda x: x.clamp(-0.5, 0.5), lambda x: x.clamp(-0.5, 0.5)),
    "softmax": (lambda x: F.softmax(x, dim=1), lambda x: TF.softmax(x, dim=1)),
    "log_softmax": (lambda x: F.log_softmax(x, dim=1), lambda x: TF.log_softmax(x, dim=1)),
    "sum": (lambda x: x.sum(), lambda x: x.sum()),
    "mean_dim": (lambda x: x.mean(1), lambda x: x.mean(1)),
    "max_dim": (lambda x: x.max(1)[0], lambda x: x.max(1)[0]),
}


@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops(dtype, name):
    fs, ft = UNARY[name]
    run_both(fs, ft, [pair((4, 6), dtype, 3)], dtype, name)


@pytest.mark.parametrize("dtype", LOW)
def test_matmul_and_linear(dtype):
    run_both(st.matmul, torch.matmul, [pair((5, 8), dtype, 4), pair((8, 3), dtype, 5)], dtype, "mm")
    run_both(
        F.linear,
        TF.linear,
        [pair((2, 5, 8), dtype, 6), pair((4, 8), dtype, 7), pair((4,), dtype, 8)],
        dtype,
        "linear",
    )


@pytest.mark.parametrize("dtype", LOW)
def test_conv_and_pooling(dtype):
    x, w, b = (
        pair((2, 3, 8, 8), dtype, 9),
        pair((4, 3, 3, 3), dtype, 10, 0.3),
        pair((4,), dtype, 11),
    )
    run_both(
        lambda x, w, b: F.conv2d(x, w, b, padding=1),
        lambda x, w, b: TF.conv2d(x, w, b, padding=1),
        [x, w, b],
        dtype,
        "conv2d",
    )
    run_both(
        lambda x: F.max_pool2d(x, 2),
        lambda x: TF.max_pool2d(x, 2),
        [pair((2, 3, 6, 6), dtype, 12)],
        dtype,
        "max_pool2d",
    )
    run_both(
        lambda x: F.avg_pool2d(x, 3, 2, 1),
        lambda x: TF.avg_pool2d(x, 3, 2, 1),
        [pair((2, 3, 7, 7), dtype, 13)],
        dtype,
        "avg_pool2d",
    )
    run_both(
        lambda x: F.adaptive_avg_pool2d(x, 1),
        lambda x: TF.adaptive_avg_pool2d(x, 1),
        [pair((2, 3, 5, 5), dtype, 14)],
        dtype,
        "adaptive_avg_pool2d",
    )


@pytest.mark.parametrize("dtype", LOW)
def test_batch_norm_training_updates_16_bit_running_stats(dtype):
    x, w, b = pair((4, 3, 5, 5), dtype, 15, 2.0), pair((3,), dtype, 16), pair((3,), dtype, 17)
    rm_s, rv_s = st.zeros(3, dtype=dtype), st.ones(3, dtype=dtype)
    rm_t, rv_t = torch.zeros(3, dtype=TORCH[dtype]), torch.ones(3, dtype=TORCH[dtype])
    run_both(
        lambda x, w, b: F.batch_norm(x, rm_s, rv_s, w, b, training=True),
        lambda x, w, b: TF.batch_norm(x, rm_t, rv_t, w, b, training=True),
        [x, w, b],
        dtype,
        "batch_norm",
    )
    check(rm_s, rm_t, dtype, "running_mean")
    check(rv_s, rv_t, dtype, "running_var")
    assert rm_s.dtype == dtype


@pytest.mark.parametrize("dtype", LOW)
def test_cross_entropy(dtype):
    target = np.array([0, 3, 1, 2, 4])
    run_both(
        lambda x: F.cross_entropy(x, st.tensor(target)),
        lambda x: TF.cross_entropy(x, torch.from_numpy(target)),
        [pair((5, 5), dtype, 18)],
        dtype,
        "cross_entropy",
    )


@pytest.mark.parametrize("dtype", LOW)
def test_module_half_trains_like_torch(dtype):
    torch.manual_seed(0)
    tnet = torch.nn.Sequential(
        torch.nn.Conv2d(2, 4, 3, padding=1),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(inplace=True),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 4 * 4, 3),
    )
    snet = st.nn.Sequential(
        st.nn.Conv2d(2, 4, 3, padding=1),
        st.nn.BatchNorm2d(4),
        st.nn.ReLU(inplace=True),
        st.nn.MaxPool2d(2),
        st.nn.Flatten(),
        st.nn.Linear(4 * 4 * 4, 3),
    )
    snet.load_state_dict({k: st.tensor(v.numpy()) for k, v in tnet.state_dict().items()})
    assert snet.to(dtype) is snet if dtype == st.float16 else snet.bfloat16() is snet
    tnet.to(TORCH[dtype])
    assert all(p.dtype == dtype for p in snet.parameters())
    assert snet[1].running_mean.dtype == dtype
    x = np.random.default_rng(19).normal(0, 1, (2, 2, 8, 8)).astype(np.float32)
    xt = torch.from_numpy(x).to(TORCH[dtype])
    out_s = snet(st.tensor(xt.float().numpy()).to(dtype))
    out_t = tnet(xt)
    check(out_s, out_t, dtype, "forward")
    out_s.float().sum().backward()
    out_t.float().sum().backward()
    for (name, p), tp in zip(snet.named_parameters(), tnet.parameters()):
        assert p.grad.dtype == dtype
        np.testing.assert_allclose(
            as_np(p.grad), as_np(tp.grad), rtol=5e-2, atol=5e-2, err_msg=name
        )
    check(snet[1].running_var, tnet[1].running_var, dtype, "running_var")


# ---- bad inputs --------------------------------------------------------------------------------


def test_mixed_16_bit_and_float32_weights_are_refused_like_torch():
    x = st.ones(1, 2, 4, 4, dtype=st.float16)
    with pytest.raises(
        TypeError,
        match=r"conv2d: expected weight of dtype float16 \(the input's\), "
        "got float32",
    ):
        F.conv2d(x, st.ones(1, 2, 3, 3))
    with pytest.raises(TypeError, match="linear: expected weight of dtype bfloat16"):
        F.linear(st.ones(2, 3, dtype=st.bfloat16), st.ones(2, 3))
    with pytest.raises(TypeError, match="unsupported dtype 'float8'"):
        st.ones(2, dtype="float8")
