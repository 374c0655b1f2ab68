"""Optimizers on float16 / bfloat16 parameters, as PyTorch: the state (momentum buffers, moments)
lives in the parameter's dtype, the step count stays float32. SGD, Adam and AdamW update through
their fused kernels, which compute each element in float32 and round once per stored value, as
torch's fused=True kernels do: Adam and AdamW are compared with torch(fused=True) on the CPU over
20 steps; SGD with torch's default for-loop (torch 2.13's fused CPU SGD gives other 16-bit values
than its own for-loop). The other optimizers update op by op (each op computes in float32 and
rounds, ops/reduced_precision.h), as torch's default for-loop does; they are compared with it.
Both sides get the same sequence of 16-bit gradients. Also: a parameter group mixing dtypes, state
dicts, the bad inputs torch refuses, and (with a GPU: tools/gpu_session.sh lists this file) the
CUDA kernels against the CPU."""

import numpy as np
import pytest
import striate as st
import torch

LOW = [st.float16, st.bfloat16]
TORCH = {st.float16: torch.float16, st.bfloat16: torch.bfloat16, st.float32: torch.float32}
STEPS = 20
needs_gpu = pytest.mark.skipif(not st.cuda.is_available(), reason="no CUDA device on this machine")

# (optimizer, options, torch's fused kernel exists for it on the CPU)
CONFIGS = [
    ("SGD", dict(lr=0.05), False),
    ("SGD", dict(lr=0.05, momentum=0.9, weight_decay=1e-2), False),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=False), False),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3), False),
    ("Adam", dict(lr=1e-2), True),
    ("Adam", dict(lr=1e-2, weight_decay=1e-2, amsgrad=True), True),
    ("Adam", dict(lr=1e-2, betas=(0.8, 0.95), maximize=True), True),
    ("AdamW", dict(lr=1e-2, weight_decay=0.1), True),
    ("AdamW", dict(lr=1e-2, weight_decay=0.1, amsgrad=True), True),
    ("RMSprop", dict(lr=1e-2), False),
    ("RMSprop", dict(lr=1e-2, momentum=0.5, centered=True, weight_decay=1e-2), False),
    ("Adagrad", dict(lr=0.1), False),
    ("Adagrad", dict(lr=0.1, lr_decay=1e-2, weight_decay=1e-2), False),
    ("Adadelta", dict(lr=1.0), False),
    ("Adamax", dict(lr=1e-2), False),
    ("NAdam", dict(lr=1e-2), False),
    ("RAdam", dict(lr=1e-2), False),
    ("ASGD", dict(lr=1e-2), False),
    ("Rprop", dict(lr=1e-2), False),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw, _ in CONFIGS]


def fused_in_striate(name):
    return name in ("SGD", "Adam", "AdamW")


def subset(keep):
    """The CONFIGS whose optimizer keep() accepts, and their ids."""
    chosen = [(c, i) for c, i in zip(CONFIGS, IDS) if keep(c[0])]
    return [c for c, _ in chosen], [i for _, i in chosen]


FUSED = subset(fused_in_striate)
OP_BY_OP = subset(lambda name: not fused_in_striate(name))


def values(t):
    return t.detach().cpu().double().numpy()


def sequence(shapes, seed=0):
    """STEPS lists of float32 gradients (one per parameter), and the starting values."""
    rng = np.random.default_rng(seed)
    start = [rng.normal(0, 1, s).astype(np.float32) for s in shapes]
    grads = [[rng.normal(0, 1, s).astype(np.float32) for s in shapes] for _ in range(STEPS)]
    return start, grads


def run_striate(name, options, start, grads, dtypes, device="cpu"):
    params = [st.nn.Parameter(st.tensor(v).to(d).to(device)) for v, d in zip(start, dtypes)]
    opt = getattr(st.optim, name)(params, **options)
    for step in grads:
        for p, g, d in zip(params, step, dtypes):
            p.grad = st.tensor(g).to(d).to(device)
        opt.step()
    return params, opt


def run_torch(name, options, start, grads, dtypes, fused):
    params = [torch.nn.Parameter(torch.tensor(v).to(TORCH[d])) for v, d in zip(start, dtypes)]
    opt = getattr(torch.optim, name)(params, **options, **(dict(fused=True) if fused else {}))
    for step in grads:
        for p, g, d in zip(params, step, dtypes):
            p.grad = torch.tensor(g).to(TORCH[d])
        opt.step()
    return params, opt


def ulps(ours, theirs, dtype, floor=2.0**-14):
    """Distance in units of the 16-bit dtype's spacing at each value (float64 arrays), values
    below `floor` counted at the floor's spacing."""
    mantissa = {st.float16: 10, st.bfloat16: 7, st.float32: 23}[dtype]
    scale = np.exp2(np.floor(np.log2(np.maximum(np.abs(theirs), floor))) - mantissa)
    return np.abs(ours - theirs) / scale


@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize("name,options,fused", CONFIGS, ids=IDS)
def test_20_steps_match_torch(name, options, fused, dtype):
    shapes = [(37,), (5, 7), (300,)]
    start, grads = sequence(shapes)
    dtypes = [dtype] * len(shapes)
    ours, ours_opt = run_striate(name, options, start, grads, dtypes)
    theirs, theirs_opt = run_torch(name, options, start, grads, dtypes, fused)
    for p, q in zip(ours, theirs):
        assert p.dtype == dtype
        a, b = values(p), values(q)
        # float16's eps=1e-8 rounds to 0: an element whose second moment underflows steps to inf
        # (NAdam here) in both libraries, at the same places.
        finite = np.isfinite(b)
        np.testing.assert_array_equal(a[~finite], b[~finite])
        a, b = a[finite], b[finite]
        distance = ulps(a, b, dtype)
        if fused:
            # Both compute each update in float32 and round once: the float32 results may differ
            # in their last bit (operation order), which moves a 16-bit rounding now and then.
            assert np.mean(distance == 0) >= 0.9, f"only {np.mean(distance == 0):.2%} equal"
            assert distance.max() <= 4
        else:
            # Op by op, torch and striate split some updates into different ops (each rounds, and
            # torch fuses some multiply-adds): last-bit differences that 20 steps carry along;
            # counted at the spacing of values of magnitude 0.5 (the parameters are ~N(0, 1)).
            distance = ulps(a, b, dtype, floor=0.5)
            close = np.mean(distance <= 2)
            assert close >= 0.75 and distance.max() <= 12, (close, distance.max())
        # State in the parameter's dtype, the step count (where kept) in float32, as torch.
        ours_state = ours_opt.state[p] if p in ours_opt.state else {}
        theirs_state = theirs_opt.state[q]
        for key, value in theirs_state.items():
            if not isinstance(value, torch.Tensor):
                continue
            assert key in ours_state, key
            want = {torch.float16: st.float16, torch.bfloat16: st.bfloat16}.get(
                value.dtype, st.float32
            )
            assert ours_state[key].dtype == want, (key, ours_state[key].dtype, value.dtype)


MIXED = [("SGD", dict(lr=0.05, momentum=0.9), False), ("Adam", dict(lr=1e-2), True)]


@pytest.mark.parametrize("name,options,fused", MIXED)
def test_a_group_mixing_dtypes_updates_each_in_its_own(name, options, fused):
    shapes = [(9,), (4, 4), (17,), (3,)]
    dtypes = [st.float32, st.bfloat16, st.float16, st.bfloat16]
    start, grads = sequence(shapes, seed=3)
    ours, _ = run_striate(name, options, start, grads, dtypes)
    theirs, _ = run_torch(name, options, start, grads, dtypes, fused=fused)
    for p, q, d in zip(ours, theirs, dtypes):
        assert p.dtype == d
        if d == st.float32:  # the float32 kernel repeats torch's for-loop expressions
            np.testing.assert_allclose(values(p), values(q), rtol=1e-5, atol=1e-6)
        else:
            assert ulps(values(p), values(q), d, floor=0.5).max() <= 12


@pytest.mark.parametrize("dtype", LOW)
def test_the_fused_16_bit_update_is_the_float32_update_rounded_once(dtype):
    # One step from 16-bit values: the float32 update of the same (widened) values, rounded.
    start, grads = sequence([(1000,)], seed=5)
    start = [st.tensor(start[0]).to(dtype).float().numpy()]
    grads = [[st.tensor(grads[0][0]).to(dtype).float().numpy()]]
    for name, options in [("SGD", dict(lr=0.1, weight_decay=0.01)), ("Adam", dict(lr=0.01))]:
        low, _ = run_striate(name, options, start, grads, [dtype])
        wide, _ = run_striate(name, options, start, grads, [st.float32])
        np.testing.assert_array_equal(values(low[0]), values(wide[0].to(dtype)))


@pytest.mark.parametrize("dtype", LOW)
def test_state_dict_round_trip_continues_the_same_trajectory(dtype):
    start, grads = sequence([(50,)], seed=7)
    straight, _ = run_striate("Adam", dict(lr=1e-2, amsgrad=True), start, grads, [dtype])
    first, opt = run_striate("Adam", dict(lr=1e-2, amsgrad=True), start, grads[:10], [dtype])
    saved = opt.state_dict()
    assert saved["state"][0]["exp_avg"].dtype == dtype
    resumed = getattr(st.optim, "Adam")(first, lr=1e-2, amsgrad=True)
    resumed.load_state_dict(saved)
    for step in grads[10:]:
        first[0].grad = st.tensor(step[0]).to(dtype)
        resumed.step()
    np.testing.assert_array_equal(values(first[0]), values(straight[0]))


def test_a_float32_state_loads_into_a_16_bit_parameter_in_its_dtype():
    # torch casts floating state to the parameter's dtype on load; so does striate.
    p32 = st.nn.Parameter(st.ones(6))
    opt = st.optim.SGD([p32], lr=0.1, momentum=0.9)
    p32.grad = st.full((6,), 0.5)
    opt.step()
    p16 = st.nn.Parameter(st.ones(6, dtype=st.bfloat16))
    other = st.optim.SGD([p16], lr=0.1, momentum=0.9)
    other.load_state_dict(opt.state_dict())
    assert other.state[p16]["momentum_buffer"].dtype == st.bfloat16
    p16.grad = st.full((6,), 0.5, dtype=st.bfloat16)
    other.step()
    assert p16.dtype == st.bfloat16


# ---- bad inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", LOW)
def test_a_gradient_of_another_dtype_is_refused_as_torch_refuses_it(dtype):
    # torch: "attempting to assign a gradient with dtype 'float' to a tensor with grad_dtype
    # 'BFloat16'"; its Adam family (lerp) and its fused kernels refuse the mixed pair as well.
    p = st.nn.Parameter(st.ones(4, dtype=dtype))
    name = str(dtype).split(".")[-1]
    message = f"assigned gradient has dtype float32 but the tensor has dtype {name}"
    with pytest.raises(TypeError, match=message):
        p.grad = st.ones(4)
    q = torch.nn.Parameter(torch.ones(4, dtype=TORCH[dtype]))
    with pytest.raises(RuntimeError, match="grad_dtype"):
        q.grad = torch.ones(4)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_integer_parameters_are_refused(name):
    p = st.zeros(3, dtype=st.int64)
    message = "can only optimize floating-point tensors, parameter 0 has dtype int64"
    with pytest.raises(TypeError, match=message):
        opt = getattr(st.optim, name)([p], lr=0.1)
        p.grad = st.zeros(3, dtype=st.int64)
        opt.step()


# ---- CUDA (tools/gpu_session.sh lists this file) ------------------------------------------------


@needs_gpu
@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize("name,options,fused", FUSED[0], ids=FUSED[1])
def test_cuda_fused_16_bit_updates_equal_the_cpu_bit_for_bit(name, options, fused, dtype):
    shapes = [(37,), (5, 7), (70000,)]  # the last spans several blocks of the grid-stride loop
    start, grads = sequence(shapes, seed=11)
    dtypes = [dtype] * len(shapes)
    cpu, cpu_opt = run_striate(name, options, start, grads, dtypes)
    gpu, gpu_opt = run_striate(name, options, start, grads, dtypes, device="cuda")
    for p, q in zip(cpu, gpu):
        assert q.device.type == "cuda" and q.dtype == dtype
        np.testing.assert_array_equal(values(q), values(p))
        for key, value in cpu_opt.state[p].items():
            if hasattr(value, "dtype") and value.dtype == dtype:
                np.testing.assert_array_equal(values(gpu_opt.state[q][key]), values(value))


@needs_gpu
@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize("name,options,fused", OP_BY_OP[0], ids=OP_BY_OP[1])
def test_cuda_op_by_op_16_bit_updates_match_the_cpu(name, options, fused, dtype):
    start, grads = sequence([(37,), (300,)], seed=13)
    cpu, _ = run_striate(name, options, start, grads, [dtype, dtype])
    gpu, _ = run_striate(name, options, start, grads, [dtype, dtype], device="cuda")
    for p, q in zip(cpu, gpu):
        assert q.dtype == dtype
        assert ulps(values(q), values(p), dtype).max() <= 2
