"""Automatic mixed precision: striate.autocast (torch's CPU op lists for CNNs: conv/linear/matmul
in the low dtype, losses in float32, the rest in their input's dtype) against torch.autocast on the
same small CNN, forward and backward; GradScaler against torch.amp.GradScaler over 20 steps with an
injected inf; the fused unscale op against torch's; and their bad inputs."""

import warnings

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import gradcheck

DEVICE_SWEEP = {
    "amp_non_finite_check_and_unscale_": (
        "st._C._amp.non_finite_check_and_unscale_([x()], P(1), P(1))"
    ),
}


def as_np(t):
    return t.detach().double().numpy()


# ---- autocast: the state ------------------------------------------------------------------------


def test_autocast_state_nesting_and_decorator():
    assert not st.is_autocast_enabled("cpu")
    assert st.get_autocast_dtype("cpu") == st.bfloat16
    assert st.get_autocast_dtype("cuda") == st.float16
    with st.autocast("cpu") as region:
        assert st.is_autocast_enabled("cpu") and not st.is_autocast_enabled("cuda")
        assert region.fast_dtype == st.bfloat16
        with st.autocast("cpu", enabled=False):
            assert not st.is_autocast_enabled("cpu")
        with st.autocast("cpu", dtype=st.float16):
            assert st.get_autocast_dtype("cpu") == st.float16
        assert st.is_autocast_enabled("cpu") and st.get_autocast_dtype("cpu") == st.bfloat16
    assert not st.is_autocast_enabled("cpu")

    @st.autocast("cpu")
    def forward(x, w):
        return F.linear(x, w)

    assert forward(st.ones(2, 3), st.ones(4, 3)).dtype == st.bfloat16
    assert st.amp.autocast is st.autocast
    assert not st.is_autocast_enabled("cpu")
    with pytest.raises(ZeroDivisionError):  # an exception leaves the state as it was
        with st.autocast("cpu"):
            1 / 0
    assert not st.is_autocast_enabled("cpu")


def test_autocast_bad_arguments():
    with pytest.raises(
        ValueError, match="autocast: expected device_type 'cpu' or 'cuda', got 'tpu'"
    ):
        st.autocast("tpu")
    with pytest.raises(TypeError, match="autocast: expected device_type to be a str"):
        st.autocast(0)
    with pytest.raises(
        ValueError, match="autocast: expected dtype float16 or bfloat16, got striate.float32"
    ):
        st.autocast("cpu", dtype=st.float32)
    with pytest.raises(TypeError, match="autocast: expected dtype to be a striate dtype, got 'x'"):
        st.autocast("cpu", dtype="x")
    with pytest.raises(TypeError, match="autocast: expected enabled to be a bool, got int"):
        st.autocast("cpu", enabled=1)


@pytest.mark.skipif(st.cuda.is_available(), reason="checks the no-GPU path")
def test_cuda_autocast_without_a_gpu_warns_and_disables():
    with pytest.warns(UserWarning, match="CUDA is not available. Disabling"):
        region = st.autocast("cuda")
    with region:
        assert not st.is_autocast_enabled("cuda")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        scaler = st.cuda.amp.GradScaler()
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0
    loss = st.ones(1)
    assert scaler.scale(loss) is loss


# ---- autocast: what each op does ----------------------------------------------------------------


def test_cpu_op_lists():
    x, w = st.randn(2, 3), st.randn(4, 3)
    img, k = st.randn(1, 2, 5, 5), st.randn(3, 2, 3, 3)
    with st.autocast("cpu"):
        assert F.linear(x, w).dtype == st.bfloat16
        assert st.matmul(x, w.t()).dtype == st.bfloat16
        y = F.conv2d(img, k, padding=1)
        assert y.dtype == st.bfloat16
        assert F.relu(y).dtype == st.bfloat16  # runs in its input's dtype
        assert F.max_pool2d(y, 2).dtype == st.bfloat16
        assert F.softmax(y, 1).dtype == st.bfloat16  # float32 on CUDA only, as in torch
        logits = F.linear(x, w)
        assert F.cross_entropy(logits, st.tensor([0, 3])).dtype == st.float32  # losses in float32
        assert F.mse_loss(logits, st.zeros(2, 4)).dtype == st.float32
        assert (logits + st.ones(2, 4)).dtype == st.float32  # binary ops promote
        assert (logits * 2).dtype == st.bfloat16
        x64 = st.randn(2, 3, dtype=st.float64)
        assert F.linear(x64, w.double()).dtype == st.float64  # float64 is never cast
    assert F.linear(x, w).dtype == st.float32


def test_ops_match_torch_autocast_exactly_where_they_cast():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (3, 8)).astype(np.float32)
    w = rng.normal(0, 1, (5, 8)).astype(np.float32)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        expect = TF.linear(torch.from_numpy(x), torch.from_numpy(w))
    with st.autocast("cpu"):
        got = F.linear(st.tensor(x), st.tensor(w))
    assert expect.dtype == torch.bfloat16 and got.dtype == st.bfloat16
    np.testing.assert_allclose(as_np(got), as_np(expect), rtol=1e-2, atol=1e-2)


def test_float64_gradients_are_exact_under_autocast():
    # autocast leaves float64 alone: the finite-difference check holds inside the region.
    rng = np.random.default_rng(1)
    with st.autocast("cpu"):
        gradcheck(
            lambda x, w, b: F.conv2d(x, w, b, padding=1),
            [
                rng.normal(0, 1, (1, 2, 4, 4)),
                rng.normal(0, 1, (2, 2, 3, 3)),
                rng.normal(0, 1, (2,)),
            ],
        )
        gradcheck(
            lambda x, w: F.cross_entropy(F.linear(x, w), st.tensor([1, 0])),
            [rng.normal(0, 1, (2, 3)), rng.normal(0, 1, (3, 3))],
        )


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.fc = torch.nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = TF.max_pool2d(TF.relu(self.bn1(self.conv1(x))), 2)
        x = TF.relu(self.conv2(x))
        return self.fc(torch.flatten(x, 1))


def striate_net():
    return st.nn.Sequential(
        st.nn.Conv2d(3, 8, 3, padding=1),
        st.nn.BatchNorm2d(8),
        st.nn.ReLU(),
        st.nn.MaxPool2d(2),
        st.nn.Conv2d(8, 8, 3, padding=1),
        st.nn.ReLU(),
        st.nn.Flatten(),
        st.nn.Linear(8 * 4 * 4, 10),
    )


TORCH_TO_OURS = {"conv1": "0", "bn1": "1", "conv2": "4", "fc": "7"}


def ours_name(torch_name):
    head, tail = torch_name.split(".", 1)
    return f"{TORCH_TO_OURS[head]}.{tail}"


def test_small_cnn_forward_backward_matches_torch_autocast():
    torch.manual_seed(0)
    tnet = TorchNet()
    snet = striate_net()
    snet.load_state_dict({ours_name(k): st.tensor(v.numpy()) for k, v in tnet.state_dict().items()})
    rng = np.random.default_rng(2)
    x = rng.normal(0, 1, (4, 3, 8, 8)).astype(np.float32)
    y = np.array([1, 7, 3, 0])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        tout = tnet(torch.from_numpy(x))
        tloss = TF.cross_entropy(tout, torch.from_numpy(y))
    with st.autocast("cpu", dtype=st.bfloat16):
        sout = snet(st.tensor(x))
        sloss = F.cross_entropy(sout, st.tensor(y))
    assert sout.dtype == st.bfloat16 and tout.dtype == torch.bfloat16
    assert sloss.dtype == st.float32 and tloss.dtype == torch.float32
    np.testing.assert_allclose(as_np(sout), as_np(tout), rtol=5e-2, atol=5e-2)
    np.testing.assert_allclose(sloss.item(), tloss.item(), rtol=2e-2)
    tloss.backward()
    sloss.backward()
    params = dict(snet.named_parameters())
    for name, tp in tnet.named_parameters():
        p = params[ours_name(name)]
        assert p.dtype == st.float32 and p.grad.dtype == st.float32, name  # float32 master grads
        scale = max(np.abs(as_np(tp.grad)).max(), 1e-3)
        np.testing.assert_allclose(
            as_np(p.grad), as_np(tp.grad), rtol=0.1, atol=0.03 * scale, err_msg=name
        )
    np.testing.assert_allclose(
        as_np(snet[1].running_mean), as_np(tnet.bn1.running_mean), rtol=2e-2, atol=2e-2
    )


def test_cast_cache_shares_one_cast_per_parameter():
    layer = st.nn.Linear(3, 3)
    x = st.randn(2, 3)
    with st.autocast("cpu"):
        a, b = layer(x), layer(x)
        assert a.tolist() == b.tolist()
        (a.float().sum() + b.float().sum()).backward()
    assert layer.weight.grad.dtype == st.float32
    with st.autocast("cpu", cache_enabled=False):
        assert layer(x).dtype == st.bfloat16


# ---- the fused unscale op -----------------------------------------------------------------------


def test_non_finite_check_and_unscale_matches_torch():
    rng = np.random.default_rng(3)
    grads = [
        rng.normal(0, 100, (3, 4)).astype(np.float32),
        rng.normal(0, 1, (5,)).astype(np.float32),
    ]
    for poison in (None, np.inf, -np.inf, np.nan):
        g = [a.copy() for a in grads]
        if poison is not None:
            g[1][2] = poison
        ours = [st.tensor(a) for a in g]
        theirs = [torch.from_numpy(a.copy()) for a in g]
        found_s, found_t = st.zeros(1), torch.zeros(1)
        inv_s, inv_t = st.full((1,), 1 / 1024.0), torch.full((1,), 1 / 1024.0)
        st._C._amp.non_finite_check_and_unscale_(ours, found_s, inv_s)
        torch._amp_foreach_non_finite_check_and_unscale_(theirs, found_t, inv_t)
        assert found_s.item() == found_t.item() == (0.0 if poison is None else 1.0)
        for o, t in zip(ours, theirs):
            np.testing.assert_array_equal(o.numpy(), t.numpy())
    g64 = st.tensor([1.0, 2.0], dtype=st.float64)
    st._C._amp.non_finite_check_and_unscale_([g64, None], st.zeros(1), st.full((1,), 0.5))
    assert g64.tolist() == [0.5, 1.0]


def test_non_finite_check_and_unscale_bad_inputs():
    unscale = st._C._amp.non_finite_check_and_unscale_
    g = [st.ones(2)]
    with pytest.raises(
        TypeError,
        match="amp_non_finite_check_and_unscale_: expected found_inf of dtype float32, got float64",
    ):
        unscale(g, st.zeros(1, dtype=st.float64), st.ones(1))
    with pytest.raises(ValueError, match="expected inv_scale with one element, got shape"):
        unscale(g, st.zeros(1), st.ones(2))
    with pytest.raises(
        TypeError, match="expected float32 or float64 gradients .* got gradient 0 of dtype float16"
    ):
        unscale([st.ones(2, dtype=st.float16)], st.zeros(1), st.ones(1))
    with pytest.raises(ValueError, match="expected contiguous gradients"):
        unscale([st.ones(3, 4).t()], st.zeros(1), st.ones(1))


# ---- GradScaler ---------------------------------------------------------------------------------


def test_grad_scaler_matches_torch_over_20_steps_with_an_injected_inf():
    torch.manual_seed(1)
    tmodel = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    smodel = st.nn.Sequential(st.nn.Linear(6, 8), st.nn.ReLU(), st.nn.Linear(8, 3))
    smodel.load_state_dict({k: st.tensor(v.numpy()) for k, v in tmodel.state_dict().items()})
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.05, momentum=0.9)
    sopt = st.optim.SGD(smodel.parameters(), lr=0.05, momentum=0.9)
    kwargs = dict(init_scale=2.0**10, growth_factor=2.0, backoff_factor=0.25, growth_interval=3)
    tscaler = torch.amp.GradScaler("cpu", **kwargs)
    sscaler = st.amp.GradScaler("cpu", **kwargs)
    rng = np.random.default_rng(4)
    skipped = []
    for step in range(20):
        x = rng.normal(0, 1, (5, 6)).astype(np.float32)
        y = rng.integers(0, 3, 5)
        topt.zero_grad()
        sopt.zero_grad()
        tloss = TF.cross_entropy(tmodel(torch.from_numpy(x)), torch.from_numpy(y))
        sloss = F.cross_entropy(smodel(st.tensor(x)), st.tensor(y))
        tscaler.scale(tloss).backward()
        sscaler.scale(sloss).backward()
        if step in (4, 11):  # an overflow: both skip the step and back off
            tmodel[0].weight.grad[0, 0] = float("inf")
            smodel[0].weight.grad[0, 0] = float("inf")
        if step == 7:  # unscale_ first (gradient clipping's pattern), then step
            tscaler.unscale_(topt)
            sscaler.unscale_(sopt)
            np.testing.assert_allclose(
                as_np(smodel[2].weight.grad), as_np(tmodel[2].weight.grad), rtol=1e-5, atol=1e-6
            )
        before = as_np(smodel[0].bias)
        tscaler.step(topt)
        sscaler.step(sopt)
        if np.array_equal(before, as_np(smodel[0].bias)):
            skipped.append(step)
        tscaler.update()
        sscaler.update()
        assert sscaler.get_scale() == tscaler.get_scale(), step
        assert sscaler.state_dict() == tscaler.state_dict(), step
        for sp, tp in zip(smodel.parameters(), tmodel.parameters()):
            np.testing.assert_allclose(as_np(sp), as_np(tp), rtol=1e-5, atol=1e-6)
    assert skipped == [4, 11]


def test_grad_scaler_state_dict_and_setters():
    scaler = st.amp.GradScaler("cpu", init_scale=8.0, growth_interval=5)
    assert scaler.get_scale() == 8.0 and scaler.is_enabled()
    state = scaler.state_dict()
    assert state == torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=5).state_dict()
    other = st.amp.GradScaler("cpu")
    other.load_state_dict(state)
    assert other.state_dict() == state
    scaler.scale(st.ones(1))
    scaler.update(new_scale=4.0)
    assert scaler.get_scale() == 4.0
    scaler.update(new_scale=st.full((1,), 2.0))
    assert scaler.get_scale() == 2.0
    scaler.set_growth_factor(3.0)
    scaler.set_backoff_factor(0.1)
    scaler.set_growth_interval(7)
    assert (
        scaler.get_growth_factor(),
        scaler.get_backoff_factor(),
        scaler.get_growth_interval(),
    ) == (3.0, 0.1, 7)
    outs = scaler.scale([st.ones(2), (st.ones(1),)])
    assert outs[0].tolist() == [2.0, 2.0] and outs[1][0].tolist() == [2.0]
    disabled = st.amp.GradScaler("cpu", enabled=False)
    assert disabled.state_dict() == {} and disabled.get_scale() == 1.0
    with pytest.raises(RuntimeError, match="The source state dict is empty"):
        other.load_state_dict({})


def test_grad_scaler_bad_use():
    with pytest.raises(ValueError, match="GradScaler: expected device 'cpu' or 'cuda', got 'tpu'"):
        st.amp.GradScaler("tpu")
    with pytest.raises(ValueError, match="The growth factor must be > 1.0"):
        st.amp.GradScaler("cpu", growth_factor=0.5)
    with pytest.raises(ValueError, match="The backoff factor must be < 1.0"):
        st.amp.GradScaler("cpu", backoff_factor=1.5)
    with pytest.raises(TypeError, match="growth_interval must be a Python int"):
        st.amp.GradScaler("cpu", growth_interval=2.5)
    scaler = st.amp.GradScaler("cpu")
    layer = st.nn.Linear(2, 1)
    opt = st.optim.SGD(layer.parameters(), lr=0.1)
    with pytest.raises(RuntimeError, match="Attempted step but _scale is None"):
        scaler.step(opt)
    scaler.scale(layer(st.ones(1, 2)).sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(opt, closure=lambda: None)
    with pytest.raises(ValueError, match="outputs must be a Tensor"):
        scaler.scale("loss")
    half = st.nn.Linear(2, 1).half()
    hopt = st.optim.SGD(half.parameters(), lr=0.1)
    s2 = st.amp.GradScaler("cpu")
    s2.scale(half(st.ones(1, 2, dtype=st.float16)).float().sum()).backward()
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
        s2.unscale_(hopt)


def test_cuda_amp_aliases():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert isinstance(st.cuda.amp.GradScaler(), st.amp.GradScaler)
        assert isinstance(st.cuda.amp.autocast(), st.autocast)


# ---- Trainer(amp=) ------------------------------------------------------------------------------


def blobs(n=192):
    rng = np.random.default_rng(5)
    centers = rng.normal(0, 3, (3, 8)).astype(np.float32)
    labels = rng.integers(0, 3, n)
    points = centers[labels] + rng.normal(0, 1, (n, 8)).astype(np.float32)
    return st.tensor(points), st.tensor(labels)


@pytest.mark.parametrize("amp", [True, st.float16])
def test_trainer_amp_learns(amp):
    x, y = blobs()
    loader = st.data.DataLoader(st.data.TensorDataset(x, y), batch_size=32, shuffle=True, seed=0)
    st.manual_seed(0)
    model = st.nn.Sequential(st.nn.Linear(8, 16), st.nn.ReLU(), st.nn.Linear(16, 3))
    opt = st.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    trainer = st.train.Trainer(
        model, opt, st.nn.CrossEntropyLoss(), progress="none", amp=amp, grad_clip_norm=5.0
    )
    assert trainer.amp_dtype == (st.bfloat16 if amp is True else st.float16)
    assert trainer.scaler.is_enabled() == (amp is st.float16)
    history = trainer.fit(loader, loader, epochs=3)
    assert all(p.dtype == st.float32 for p in model.parameters())
    assert history[-1]["val_accuracy"] > 0.9


def test_trainer_amp_bad_dtype():
    model = st.nn.Linear(2, 2)
    with pytest.raises(ValueError, match="autocast: expected dtype float16 or bfloat16"):
        st.train.Trainer(
            model, st.optim.SGD(model.parameters(), lr=0.1), st.nn.MSELoss(), amp=st.float64
        )


# ---- CUDA (a GPU run: tools/gpu_session.sh lists this file) ---------------------------------

needs_gpu = pytest.mark.skipif(not st.cuda.is_available(), reason="no CUDA device on this machine")


@needs_gpu
@pytest.mark.parametrize("dtype", [st.float16, st.bfloat16])
def test_cuda_16_bit_ops_equal_the_cpu(dtype):
    rng = np.random.default_rng(6)
    x = st.tensor(rng.normal(0, 1, (2, 3, 8, 8)).astype(np.float32)).to(dtype)
    w = st.tensor(rng.normal(0, 0.3, (4, 3, 3, 3)).astype(np.float32)).to(dtype)
    for device in ("cpu", "cuda"):
        xd, wd = x.to(device).requires_grad_(), w.to(device).requires_grad_()
        y = F.relu(F.conv2d(xd, wd, padding=1)).mean((2, 3))
        loss = F.cross_entropy(y, st.tensor([1, 3]).to(device))
        loss.backward()
        if device == "cpu":
            expect = (as_np(y), as_np(xd.grad), as_np(wd.grad))
        else:
            assert y.dtype == dtype and xd.grad.dtype == dtype
            got = (as_np(y.cpu()), as_np(xd.grad.cpu()), as_np(wd.grad.cpu()))
            for ours, want in zip(got, expect):
                np.testing.assert_allclose(ours, want, rtol=2e-2, atol=2e-2)


@needs_gpu
def test_cuda_autocast_and_fused_unscale():
    x, w = st.randn(2, 3).cuda(), st.randn(4, 3).cuda()
    with st.autocast("cuda"):
        y = F.linear(x, w)
        assert y.dtype == st.float16
        assert F.softmax(y, 1).dtype == st.float32  # float32 on CUDA, as torch
    g = st.tensor([1.0, float("inf"), 4.0]).cuda()
    found = st.zeros(1).cuda()
    st._C._amp.non_finite_check_and_unscale_([g], found, st.full((1,), 0.5).cuda())
    assert found.item() == 1.0 and g.cpu().tolist()[::2] == [0.5, 2.0]
