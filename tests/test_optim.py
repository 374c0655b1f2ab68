"""optim.SGD: parity with torch.optim.SGD over 20 steps for every combination of momentum,
dampening, Nesterov and weight decay, parameter groups, learning-rate changes through
param_groups, state, zero_grad, and bad arguments."""

import numpy as np
import pytest
import striate as st
import torch
from striate import nn, optim


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def make_params(seed, shapes=((4, 3), (3,), (2, 2, 3))):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    ours = [nn.Parameter(st.tensor(a)) for a in arrays]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    targets = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    return ours, theirs, targets


def loss_of(lib, params, targets):
    # A non-quadratic loss, so the gradient changes from step to step in a non-trivial way.
    total = 0
    for p, target in zip(params, targets):
        t = lib.tensor(target)
        total = total + ((p - t) * (p - t) * (p * p + 1)).sum()
    return total


def run_both(kwargs, steps=20, seed=0, groups=None, on_step=None):
    ours, theirs, targets = make_params(seed)
    if groups is None:
        our_opt = optim.SGD(ours, **kwargs)
        their_opt = torch.optim.SGD(theirs, **kwargs)
    else:
        def regroup(params):
            return [dict(g, params=[params[i] for i in g["params"]]) for g in groups]

        our_opt = optim.SGD(regroup(ours), **kwargs)
        their_opt = torch.optim.SGD(regroup(theirs), **kwargs)
    for step in range(steps):
        if on_step is not None:
            on_step(step, our_opt, their_opt)
        for opt, params, lib in ((our_opt, ours, st), (their_opt, theirs, torch)):
            opt.zero_grad()
            loss_of(lib, params, targets).backward()
            opt.step()
    return ours, theirs, our_opt, their_opt


SGD_CONFIGS = [
    dict(lr=0.01),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, momentum=0.9, nesterov=True),
    dict(lr=0.01, momentum=0.9, dampening=0.1),
    dict(lr=0.02, momentum=0.5, dampening=0.5, weight_decay=0.01),
    dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.05),
    dict(lr=0.005, weight_decay=0.1),
    dict(lr=0.0),
]


@pytest.mark.parametrize("kwargs", SGD_CONFIGS, ids=[str(c) for c in SGD_CONFIGS])
def test_sgd_matches_torch_over_20_steps(kwargs):
    ours, theirs, our_opt, their_opt = run_both(kwargs)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=1e-5, atol=1e-5)
    if kwargs.get("momentum", 0):
        state = our_opt.state_dict()["state"]
        their_state = their_opt.state_dict()["state"]
        assert sorted(state) == sorted(their_state) == [0, 1, 2]
        for index in state:
            np.testing.assert_allclose(to_np(state[index]["momentum_buffer"]),
                                       their_state[index]["momentum_buffer"].numpy(),
                                       rtol=1e-4, atol=1e-5)
    else:
        assert our_opt.state_dict()["state"] == {}


def test_param_groups_with_their_own_options():
    groups = [{"params": [0, 2], "lr": 0.05, "momentum": 0.5}, {"params": [1], "nesterov": True}]
    ours, theirs, our_opt, _ = run_both(dict(lr=0.01, momentum=0.9), groups=groups)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=1e-5, atol=1e-5)
    assert [g["lr"] for g in our_opt.param_groups] == [0.05, 0.01]
    assert [g["momentum"] for g in our_opt.param_groups] == [0.5, 0.9]


def test_lr_changes_through_param_groups_take_effect():
    def decay(step, our_opt, their_opt):
        for opt in (our_opt, their_opt):
            opt.param_groups[0]["lr"] = 0.02 * (1 - step / 20)
            opt.param_groups[0]["momentum"] = 0.9 if step < 10 else 0.5

    ours, theirs, _, _ = run_both(dict(lr=0.02, momentum=0.9), on_step=decay)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=1e-5, atol=1e-5)
    frozen, _, opt, _ = run_both(dict(lr=0.1), steps=1)
    before = [to_np(p) for p in frozen]
    opt.param_groups[0]["lr"] = 0.0
    loss_of(st, frozen, [np.zeros(tuple(p.shape), np.float32) for p in frozen]).backward()
    opt.step()
    for p, b in zip(frozen, before):
        np.testing.assert_array_equal(to_np(p), b)


def test_trains_a_module_like_torch():
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    model.load_state_dict({k: st.tensor(v.numpy()) for k, v in reference.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    options = dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3)
    our_opt = optim.SGD(model.parameters(), **options)
    their_opt = torch.optim.SGD(reference.parameters(), **options)
    for _ in range(20):
        our_opt.zero_grad()
        nn.functional.cross_entropy(model(st.tensor(x)), st.tensor(y)).backward()
        our_opt.step()
        their_opt.zero_grad()
        torch.nn.functional.cross_entropy(reference(torch.tensor(x)), torch.tensor(y)).backward()
        their_opt.step()
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=name)


def test_parameters_without_gradient_are_left_alone():
    a, b = nn.Parameter(st.ones(2)), nn.Parameter(st.ones(2))
    opt = optim.SGD([a, b], lr=0.5, momentum=0.9, weight_decay=0.1)
    (a * 3).sum().backward()
    opt.step()
    np.testing.assert_allclose(to_np(a), 1 - 0.5 * (3 + 0.1), rtol=1e-6)
    np.testing.assert_array_equal(to_np(b), [1, 1])
    assert b not in opt.state and set(opt.state[a]) == {"momentum_buffer"}


def test_zero_grad_and_closure():
    p = nn.Parameter(st.ones(3))
    opt = optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(to_np(p.grad), [0, 0, 0])
    opt.zero_grad()
    assert p.grad is None

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == pytest.approx(3.0)
    np.testing.assert_allclose(to_np(p), [0.8, 0.8, 0.8], rtol=1e-6)


def test_step_updates_in_place_and_bumps_the_version():
    p = nn.Parameter(st.ones(2))
    y = p * p  # saves p for backward
    opt = optim.SGD([p], lr=0.1)
    (p * 1).sum().backward()
    same = p
    opt.step()
    assert p is same
    with pytest.raises(RuntimeError, match="modified"):
        y.sum().backward()


def test_add_param_group_and_repr():
    a, b = nn.Parameter(st.ones(1)), nn.Parameter(st.ones(1))
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert len(opt.param_groups) == 2 and opt.param_groups[1]["momentum"] == 0.9
    (a + b).sum().backward()
    opt.step()
    np.testing.assert_allclose(to_np(a), [0.9], rtol=1e-6)
    np.testing.assert_allclose(to_np(b), [0.99], rtol=1e-6)
    with pytest.raises(ValueError, match="more than once"):
        opt.add_param_group({"params": [a]})
    assert "Parameter Group 1" in repr(opt) and "lr: 0.01" in repr(opt)


def test_sgd_bad_arguments():
    p = nn.Parameter(st.ones(2))
    with pytest.raises(ValueError, match="invalid learning rate: expected lr >= 0, got -0.1"):
        optim.SGD([p], lr=-0.1)
    with pytest.raises(ValueError, match="invalid momentum value: expected momentum >= 0, got -0"):
        optim.SGD([p], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="invalid weight_decay value"):
        optim.SGD([p], lr=0.1, weight_decay=-1)
    nesterov_message = "nesterov momentum requires a momentum and zero dampening"
    with pytest.raises(ValueError, match=nesterov_message):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=nesterov_message):
        optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="lr"):
        optim.SGD([p])
    with pytest.raises(TypeError, match="got a Tensor"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([p, 3.0], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        optim.SGD([p, p], lr=0.1)
    with pytest.raises(TypeError, match="floating-point"):
        optim.SGD([st.zeros(2, dtype=st.int64)], lr=0.1)
    opt = optim.SGD([p], lr=0.1)
    opt.param_groups[0]["lr"] = -1.0
    (p * 1).sum().backward()
    with pytest.raises(ValueError, match="invalid learning rate"):
        opt.step()
