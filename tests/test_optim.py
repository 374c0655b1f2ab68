"""optim.SGD: parity with torch.optim.SGD over 20 steps for every combination of momentum,
dampening, Nesterov and weight decay, parameter groups, learning-rate changes through
param_groups, state, zero_grad, and bad arguments."""

import copy

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
    dict(lr=0.01, momentum=0.9, weight_decay=0.05, maximize=True),
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


# ---- Adam, AdamW, Adagrad, RMSprop, SGD's velocity form -----------------------------------------


def run_pair(our_class, their_class, kwargs, steps=20, seed=1, groups=None, on_step=None,
             our_extra=None):
    """Runs our optimizer and torch's side by side on the same parameters and loss."""
    ours, theirs, targets = make_params(seed)
    if groups is not None:
        def regroup(params):
            return [dict(g, params=[params[i] for i in g["params"]]) for g in groups]

        our_params, their_params = regroup(ours), regroup(theirs)
    else:
        our_params, their_params = ours, theirs
    our_opt = our_class(our_params, **kwargs, **(our_extra or {}))
    their_opt = their_class(their_params, **kwargs)
    for step in range(steps):
        if on_step is not None:
            on_step(step, our_opt, their_opt)
        for opt, params, lib in ((our_opt, ours, st), (their_opt, theirs, torch)):
            opt.zero_grad()
            loss_of(lib, params, targets).backward()
            opt.step()
    return ours, theirs, our_opt, their_opt


def assert_same_params(ours, theirs, tol=1e-5):
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=tol, atol=tol)


def assert_same_state(our_opt, their_opt, tol=1e-5):
    state, their_state = our_opt.state_dict()["state"], their_opt.state_dict()["state"]
    assert sorted(state) == sorted(their_state)
    for index in state:
        assert set(state[index]) == set(their_state[index]), index
        for name, value in state[index].items():
            np.testing.assert_allclose(to_np(value), their_state[index][name].numpy(), rtol=1e-4,
                                       atol=tol, err_msg=f"{index}/{name}")


OPTIMIZER_CONFIGS = [
    ("Adam", dict()),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.02, amsgrad=True, weight_decay=0.05, betas=(0.5, 0.9))),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adagrad", dict(lr=0.05, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.005, alpha=0.9)),
    ("RMSprop", dict(lr=0.005, momentum=0.9)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.002, centered=True, momentum=0.5, weight_decay=0.1, eps=1e-5)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.5, weight_decay=0.1, maximize=True)),
]


@pytest.mark.parametrize("name,kwargs", OPTIMIZER_CONFIGS,
                         ids=[f"{n}-{c}" for n, c in OPTIMIZER_CONFIGS])
def test_optimizers_match_torch_over_20_steps(name, kwargs):
    ours, theirs, our_opt, their_opt = run_pair(getattr(optim, name), getattr(torch.optim, name),
                                                kwargs)
    assert_same_params(ours, theirs)
    assert_same_state(our_opt, their_opt)


def test_adam_with_decoupled_weight_decay_is_adamw():
    kwargs = dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)
    ours, theirs, _, _ = run_pair(optim.Adam, torch.optim.Adam, kwargs)
    assert_same_params(ours, theirs)
    ours, theirs, _, _ = run_pair(optim.Adam, torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1),
                                  our_extra=dict(decoupled_weight_decay=True))
    assert_same_params(ours, theirs)


def test_adam_without_bias_correction_follows_the_notes():
    # The notes' form: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; x -= lr m / (sqrt(v) + eps).
    ours, _, targets = make_params(2)
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = optim.Adam(ours, lr=lr, betas=(beta1, beta2), eps=eps, bias_correction=False)
    reference = [to_np(p).astype(np.float64) for p in ours]
    moments = [np.zeros_like(r) for r in reference]
    squares = [np.zeros_like(r) for r in reference]
    for _ in range(20):
        opt.zero_grad()
        loss_of(st, ours, targets).backward()
        opt.step()
        for i, (x, target) in enumerate(zip(reference, targets)):
            grad = 2 * (x - target) * (x * x + 1) + (x - target) ** 2 * 2 * x
            moments[i] = beta1 * moments[i] + (1 - beta1) * grad
            squares[i] = beta2 * squares[i] + (1 - beta2) * grad * grad
            reference[i] = x - lr * moments[i] / (np.sqrt(squares[i]) + eps)
    for p, r in zip(ours, reference):
        np.testing.assert_allclose(to_np(p), r, rtol=1e-4, atol=1e-5)
    # and it is not torch's bias-corrected trajectory
    _, theirs, _, _ = run_pair(optim.Adam, torch.optim.Adam, dict(lr=0.01), seed=2)
    assert not np.allclose(to_np(ours[0]), theirs[0].detach().numpy(), atol=1e-4)


@pytest.mark.parametrize("kwargs", [dict(lr=0.01, momentum=0.9),
                                    dict(lr=0.01, momentum=0.9, nesterov=True),
                                    dict(lr=0.02, momentum=0.5, dampening=0.3, weight_decay=0.01),
                                    dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.05)],
                         ids=str)
def test_sgd_velocity_form_gives_torch_trajectory_for_constant_lr(kwargs):
    ours, theirs, our_opt, their_opt = run_pair(optim.SGD, torch.optim.SGD, kwargs,
                                                our_extra=dict(momentum_form="velocity"))
    assert_same_params(ours, theirs)
    state, their_state = our_opt.state_dict()["state"], their_opt.state_dict()["state"]
    for index in state:
        assert set(state[index]) == {"velocity"}
        np.testing.assert_allclose(to_np(state[index]["velocity"]),
                                   -kwargs["lr"] * their_state[index]["momentum_buffer"].numpy(),
                                   rtol=1e-4, atol=1e-6)


def test_sgd_velocity_form_applies_a_new_lr_to_new_gradients_only():
    p = nn.Parameter(st.tensor([1.0]))
    opt = optim.SGD([p], lr=0.1, momentum=0.5, momentum_form="velocity")
    x, v = 1.0, 0.0
    for step, lr in enumerate([0.1, 0.1, 0.01, 0.01, 0.5]):
        opt.param_groups[0]["lr"] = lr
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
        v = -lr * 2 * x if step == 0 else 0.5 * v - lr * 2 * x
        x += v
        np.testing.assert_allclose(to_np(p), [x], rtol=1e-6)
    with pytest.raises(ValueError, match="invalid momentum_form: expected 'torch' or 'velocity'"):
        optim.SGD([p], lr=0.1, momentum=0.9, momentum_form="heavy")


def test_new_optimizers_param_groups_with_their_own_options():
    groups = [{"params": [0, 2], "lr": 0.05, "weight_decay": 0.1}, {"params": [1]}]
    for name, kwargs in [("Adam", dict(lr=0.01)), ("AdamW", dict(lr=0.01)),
                         ("Adagrad", dict(lr=0.1)), ("RMSprop", dict(lr=0.01, momentum=0.5))]:
        ours, theirs, our_opt, _ = run_pair(getattr(optim, name), getattr(torch.optim, name),
                                            kwargs, groups=groups)
        assert_same_params(ours, theirs)
        assert [g["lr"] for g in our_opt.param_groups] == [0.05, 0.01 if name != "Adagrad" else 0.1]


def test_lr_and_betas_changes_through_param_groups_take_effect():
    def schedule(step, our_opt, their_opt):
        for opt in (our_opt, their_opt):
            opt.param_groups[0]["lr"] = 0.02 * (1 - step / 25)
            opt.param_groups[0]["betas"] = (0.9 if step < 10 else 0.8, 0.999)

    ours, theirs, _, _ = run_pair(optim.Adam, torch.optim.Adam, dict(lr=0.02), on_step=schedule)
    assert_same_params(ours, theirs)


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_state_dict_round_trip_continues_identically(name, kwargs):
    # 10 steps, save, then: (a) the same optimizer goes on 10 steps; (b) a fresh optimizer on a
    # copy of the parameters loads the state dict and goes on 10 steps. Both must agree exactly,
    # and agree with torch's 20 steps.
    ours, _, targets = make_params(3)
    opt = getattr(optim, name)(ours, **kwargs)

    def train(opt, params, steps):
        for _ in range(steps):
            opt.zero_grad()
            loss_of(st, params, targets).backward()
            opt.step()

    train(opt, ours, 10)
    saved = opt.state_dict()
    copies = [nn.Parameter(st.tensor(to_np(p))) for p in ours]
    fresh = getattr(optim, name)(copies, lr=0.5)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == kwargs["lr"]
    train(opt, ours, 10)
    train(fresh, copies, 10)
    for p, q in zip(ours, copies):
        np.testing.assert_array_equal(to_np(p), to_np(q))
    _, theirs, _, _ = run_pair(getattr(optim, name), getattr(torch.optim, name), kwargs, seed=3)
    assert_same_params(ours, theirs)


def test_state_dict_layout_and_load_errors():
    ours, theirs, our_opt, their_opt = run_pair(optim.Adam, torch.optim.Adam, dict(lr=0.01),
                                                steps=2)
    saved, their_saved = our_opt.state_dict(), their_opt.state_dict()
    assert set(saved) == {"state", "param_groups"}
    assert saved["param_groups"][0]["params"] == their_saved["param_groups"][0]["params"]
    for key in ("lr", "betas", "eps", "weight_decay", "amsgrad"):
        assert saved["param_groups"][0][key] == their_saved["param_groups"][0][key]
    assert float(saved["state"][0]["step"].item()) == 2.0
    # torch's state dict loads into ours
    fresh = optim.Adam([nn.Parameter(st.tensor(to_np(p))) for p in ours], lr=0.01)
    fresh.load_state_dict({"state": {k: {n: st.tensor(v.numpy()) for n, v in s.items()}
                                     for k, s in their_saved["state"].items()},
                           "param_groups": their_saved["param_groups"]})
    np.testing.assert_allclose(to_np(fresh.state_dict()["state"][1]["exp_avg"]),
                               their_saved["state"][1]["exp_avg"].numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        fresh.load_state_dict({"state": {}, "param_groups": saved["param_groups"] * 2})
    bad = {"state": {}, "param_groups": [dict(saved["param_groups"][0], params=[0, 1])]}
    with pytest.raises(ValueError, match="doesn't match the size"):
        fresh.load_state_dict(bad)
    wrong_shape = {"state": {0: {"step": st.tensor(1.0), "exp_avg": st.zeros(7),
                                 "exp_avg_sq": st.zeros(7)}},
                   "param_groups": saved["param_groups"]}
    with pytest.raises(ValueError, match="exp_avg"):
        fresh.load_state_dict(wrong_shape)
    missing = {"state": {0: {"step": st.tensor(1.0)}}, "param_groups": saved["param_groups"]}
    with pytest.raises(ValueError, match="no 'exp_avg' tensor"):
        fresh.load_state_dict(missing)


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_load_state_dict_replaces_the_whole_state(name):
    # torch: the loaded dict replaces the state; a parameter the dict holds no state for starts
    # fresh. Loading the state dict of an optimizer that never stepped therefore clears every
    # buffer, and the next steps equal a fresh optimizer's (in both libraries).
    kwargs = dict(lr=0.01, momentum=0.9) if name == "SGD" else dict(lr=0.01)
    ours, theirs, our_opt, their_opt = run_pair(getattr(optim, name), getattr(torch.optim, name),
                                                kwargs, steps=3)
    assert our_opt.state_dict()["state"] and their_opt.state_dict()["state"]
    our_opt.load_state_dict(getattr(optim, name)(ours, **kwargs).state_dict())
    their_opt.load_state_dict(getattr(torch.optim, name)(theirs, **kwargs).state_dict())
    assert our_opt.state_dict()["state"] == {} == their_opt.state_dict()["state"]
    # One parameter's state kept, the other's dropped: the same in both.
    _, _, our_two, their_two = run_pair(getattr(optim, name), getattr(torch.optim, name),
                                        kwargs, steps=2)
    saved, their_saved = our_two.state_dict(), their_two.state_dict()
    del saved["state"][1], their_saved["state"][1]
    our_two.load_state_dict(saved)
    their_two.load_state_dict(their_saved)
    assert set(our_two.state_dict()["state"]) == set(their_two.state_dict()["state"]) == {0, 2}


def test_zero_grad_and_state_for_new_optimizers():
    for name in ("Adam", "AdamW", "Adagrad", "RMSprop"):
        a, b = nn.Parameter(st.ones(2)), nn.Parameter(st.ones(2))
        opt = getattr(optim, name)([a, b])
        (a * 3).sum().backward()
        opt.zero_grad(set_to_none=False)
        np.testing.assert_array_equal(to_np(a.grad), [0, 0])
        opt.zero_grad()
        assert a.grad is None
        (a * 3).sum().backward()
        opt.step()
        assert b not in opt.state and a in opt.state
        np.testing.assert_array_equal(to_np(b), [1, 1])


def test_defaults_match_torch():
    p = nn.Parameter(st.ones(1))
    for name in ("Adam", "AdamW", "Adagrad", "RMSprop"):
        ours = getattr(optim, name)([p]).defaults
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))]).defaults
        for key, value in ours.items():
            if key in theirs:
                assert value == theirs[key], (name, key)
    assert optim.AdamW([p]).defaults["weight_decay"] == 0.01


def test_new_optimizers_bad_arguments():
    p = nn.Parameter(st.ones(2))
    for name in ("Adam", "AdamW", "Adagrad", "RMSprop"):
        with pytest.raises(ValueError, match=f"{name}: invalid learning rate: expected lr >= 0"):
            getattr(optim, name)([p], lr=-0.1)
        with pytest.raises(ValueError, match="invalid epsilon value"):
            getattr(optim, name)([p], eps=-1e-8)
        with pytest.raises(ValueError, match="invalid weight_decay value"):
            getattr(optim, name)([p], weight_decay=-1)
    for betas, index in (((1.0, 0.999), 0), ((-0.1, 0.999), 0), ((0.9, 1.0), 1), ((0.9, -1), 1)):
        with pytest.raises(ValueError, match=f"invalid beta parameter at index {index}"):
            optim.Adam([p], betas=betas)
    with pytest.raises(ValueError, match="betas: expected a pair"):
        optim.Adam([p], betas=(0.9,))
    with pytest.raises(ValueError, match="invalid lr_decay value"):
        optim.Adagrad([p], lr_decay=-1)
    with pytest.raises(ValueError, match="invalid initial_accumulator_value value"):
        optim.Adagrad([p], initial_accumulator_value=-1)
    with pytest.raises(ValueError, match="invalid momentum value"):
        optim.RMSprop([p], momentum=-0.1)
    with pytest.raises(ValueError, match="invalid alpha value"):
        optim.RMSprop([p], alpha=-0.1)
    opt = optim.Adam([p])
    opt.param_groups[0]["betas"] = (0.9, 1.5)
    (p * 1).sum().backward()
    with pytest.raises(ValueError, match="invalid beta parameter at index 1"):
        opt.step()


def test_adam_trains_a_module_like_torch():
    torch.manual_seed(1)
    reference = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    model.load_state_dict({k: st.tensor(v.numpy()) for k, v in reference.state_dict().items()})
    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 4)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    our_opt = optim.AdamW(model.parameters(), lr=0.01, amsgrad=True)
    their_opt = torch.optim.AdamW(reference.parameters(), lr=0.01, amsgrad=True)
    for _ in range(20):
        our_opt.zero_grad()
        nn.functional.cross_entropy(model(st.tensor(x)), st.tensor(y)).backward()
        our_opt.step()
        their_opt.zero_grad()
        torch.nn.functional.cross_entropy(reference(torch.tensor(x)), torch.tensor(y)).backward()
        their_opt.step()
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=name)


def test_maximize_ascends_and_rejects_non_bools():
    for name in ("SGD", "Adam", "AdamW", "Adagrad", "RMSprop"):
        p = nn.Parameter(st.tensor([1.0, -2.0]))
        opt = getattr(optim, name)([p], lr=0.1, maximize=True)
        for _ in range(5):
            opt.zero_grad()
            (-(p * p).sum()).backward()  # maximum at 0
            opt.step()
        assert np.abs(to_np(p)).max() < 2.0 - 1e-3, name
        with pytest.raises(TypeError, match="maximize: expected a bool"):
            getattr(optim, name)([p], lr=0.1, maximize="yes")


# ---- param_groups are live views of the C++ groups -----------------------------------------------


def test_param_groups_are_live_views_of_the_cpp_options():
    p = nn.Parameter(st.tensor([1.0, -2.0]))
    opt = optim.Adam([p], lr=0.01)
    group = opt.param_groups[0]
    assert isinstance(group, optim.ParamGroup)
    group["lr"] = 0.5
    group["betas"] = [0.8, 0.9]  # any sequence of two numbers; read back as torch's tuple
    assert opt._impl._get_option(0, "lr") == 0.5
    assert group["betas"] == (0.8, 0.9)
    # a value C++ writes is what Python reads
    opt._impl._set_option(0, "eps", 1e-3)
    assert group["eps"] == 1e-3
    assert list(group)[:3] == ["params", "lr", "betas"]
    assert group["params"][0] is p


def test_param_group_extra_keys_copies_and_errors():
    p = nn.Parameter(st.tensor([1.0]))
    opt = optim.SGD([{"params": [p], "name": "head"}], lr=0.1, momentum=0.9)
    group = opt.param_groups[0]
    assert group["name"] == "head"
    group["initial_lr"] = 0.1
    assert opt.state_dict()["param_groups"][0]["initial_lr"] == 0.1
    del group["initial_lr"]
    assert "initial_lr" not in group
    snapshot = copy.deepcopy(opt.param_groups)
    assert type(snapshot[0]) is dict and snapshot[0]["momentum"] == 0.9
    plain = dict(group)
    group["momentum"] = 0.5
    assert plain["momentum"] == 0.9 and group["momentum"] == 0.5
    with pytest.raises(TypeError, match="momentum: expected a number, got a string"):
        group["momentum"] = "fast"
    with pytest.raises(TypeError, match="nesterov: expected a bool"):
        group["nesterov"] = 1.5
    with pytest.raises(TypeError, match="expected None, a bool, a number"):
        group["lr"] = {"a": 1}
    with pytest.raises(KeyError, match="cannot be removed"):
        del group["lr"]
    with pytest.raises(TypeError, match="'params' cannot be replaced"):
        group["params"] = [p]
    with pytest.raises(KeyError):
        group["missing"]
    assert group["momentum"] == 0.5  # the failed writes changed nothing


def test_param_group_values_take_numpy_scalars_and_huge_ints():
    p = nn.Parameter(st.tensor([1.0]))
    opt = optim.SGD([p], lr=0.1)
    opt.param_groups[0]["lr"] = np.float64(0.25)
    opt.param_groups[0]["momentum"] = np.float32(0.5)
    assert opt.param_groups[0]["lr"] == 0.25 and opt.param_groups[0]["momentum"] == 0.5
    opt.param_groups[0]["weight_decay"] = 10**400  # beyond any float: inf
    assert opt.param_groups[0]["weight_decay"] == float("inf")
    opt.param_groups[0]["lr"] = -(10**400)  # -inf, rejected when the group is next used
    (p * 1).sum().backward()
    with pytest.raises(ValueError, match="invalid learning rate"):
        opt.step()


def test_added_group_is_a_view_and_failed_load_changes_nothing():
    a, b = nn.Parameter(st.tensor([1.0, 2.0])), nn.Parameter(st.tensor([3.0]))
    opt = optim.Adam([a], lr=0.01)
    opt.add_param_group({"params": [b], "lr": 0.2, "tag": 1})
    assert isinstance(opt.param_groups[1], optim.ParamGroup) and opt.param_groups[1]["tag"] == 1
    for _ in range(2):
        opt.zero_grad()
        ((a * a).sum() + (b * b).sum()).backward()
        opt.step()
    saved = opt.state_dict()
    before = {k: {n: to_np(t) for n, t in s.items()} for k, s in saved["state"].items()}
    bad = {"state": {0: dict(saved["state"][0]), 1: {"step": st.tensor(1.0),
                                                     "exp_avg": st.zeros(5),
                                                     "exp_avg_sq": st.zeros(5)}},
           "param_groups": [dict(g, lr=0.9) for g in saved["param_groups"]]}
    with pytest.raises(ValueError, match="exp_avg"):
        opt.load_state_dict(bad)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.2]
    after = opt.state_dict()["state"]
    for k, entry in before.items():
        for n, value in entry.items():
            np.testing.assert_array_equal(to_np(after[k][n]), value)


def test_python_optimizer_subclass_defines_its_step():
    class SignSGD(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            with st.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            p -= group["lr"] * p.grad.sign()

    p = nn.Parameter(st.tensor([1.0, -2.0]))
    opt = SignSGD([p], lr=0.5)
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_allclose(to_np(p), [0.5, -1.5])
    opt.zero_grad()
    assert p.grad is None
    with pytest.raises(NotImplementedError, match="defines its own step"):
        optim.Optimizer([p], {}).step()
