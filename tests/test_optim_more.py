"""Adadelta, Adamax, NAdam, RAdam, Rprop and ASGD: parity with torch.optim over 20 steps (float32
and float64, several parameter groups, every option that changes the math), state dicts (round
trip, torch's layout), LR schedules, bad arguments, torch's signatures; and an optimizer written
in Python (a subclass of optim.Optimizer defining __init__ and step) behaving as torch's does."""

import inspect

import numpy as np
import pytest
import striate as st
import torch
from striate import nn, optim

NAMES = ("Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD")
TOLERANCE = {np.float32: 2e-5, np.float64: 1e-11}


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def make_params(seed, dtype=np.float32, shapes=((4, 3), (3,), (2, 2, 3), (5,))):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
    ours = [nn.Parameter(st.tensor(a)) for a in arrays]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    targets = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
    return ours, theirs, targets


def loss_of(lib, params, targets):
    # Not quadratic, so the gradient changes from step to step (and flips sign, for Rprop).
    total = 0
    for p, target in zip(params, targets):
        t = lib.tensor(target)
        total = total + ((p - t) * (p - t) * (p * p + 1)).sum()
    return total


def train(opt, params, targets, lib, steps, scheduler=None):
    for _ in range(steps):
        opt.zero_grad()
        loss_of(lib, params, targets).backward()
        opt.step()
        if scheduler is not None:
            scheduler.step()


def grouped(params, groups):
    if groups is None:
        return params
    return [dict(g, params=[params[i] for i in g["params"]]) for g in groups]


def run_pair(name, kwargs, steps=20, seed=1, dtype=np.float32, groups=None):
    ours, theirs, targets = make_params(seed, dtype)
    our_opt = getattr(optim, name)(grouped(ours, groups), **kwargs)
    their_opt = getattr(torch.optim, name)(grouped(theirs, groups), **kwargs)
    train(our_opt, ours, targets, st, steps)
    train(their_opt, theirs, targets, torch, steps)
    return ours, theirs, our_opt, their_opt


def assert_same_params(ours, theirs, tol):
    for p, q in zip(ours, theirs):
        assert to_np(p).dtype == q.detach().numpy().dtype
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=tol, atol=tol)


def assert_same_state(our_opt, their_opt, tol):
    state, their_state = our_opt.state_dict()["state"], their_opt.state_dict()["state"]
    assert sorted(state) == sorted(their_state)
    for index in state:
        assert set(state[index]) == set(their_state[index]), index
        for key, value in state[index].items():
            theirs = their_state[index][key]
            assert str(to_np(value).dtype) == str(theirs.numpy().dtype), (index, key)
            np.testing.assert_allclose(to_np(value), theirs.numpy(), rtol=tol, atol=tol,
                                       err_msg=f"{index}/{key}")


CONFIGS = [
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5)),
    ("Adadelta", dict(lr=0.5, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.5, weight_decay=0.1, maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    ("Adamax", dict(lr=0.01, betas=(0.3, 0.9))),
    ("Adamax", dict(lr=0.01, weight_decay=0.1)),
    ("Adamax", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.99), momentum_decay=0.05)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.9))),
    ("RAdam", dict(lr=0.01, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, betas=(0.9, 0.95), weight_decay=0.1, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5))),
    ("Rprop", dict(lr=0.05, step_sizes=(1e-3, 0.08))),
    ("Rprop", dict(lr=0.02, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.02, lambd=0.01, alpha=0.5)),
    ("ASGD", dict(lr=0.02, t0=5)),
    ("ASGD", dict(lr=0.002, t0=3, lambd=0.05, weight_decay=0.1, maximize=True)),
]
CONFIG_IDS = [f"{n}-{c}" for n, c in CONFIGS]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=CONFIG_IDS)
def test_matches_torch_over_20_steps(name, kwargs, dtype):
    ours, theirs, our_opt, their_opt = run_pair(name, kwargs, dtype=dtype)
    assert_same_params(ours, theirs, TOLERANCE[dtype])
    assert_same_state(our_opt, their_opt, TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=CONFIG_IDS)
def test_matches_torch_with_param_groups(name, kwargs, dtype):
    # Three groups: one with its own lr (and weight decay, where the optimizer has it), one with
    # the defaults, one whose parameter gets no gradient (no state, left alone).
    lr = kwargs.get("lr", inspect.signature(getattr(torch.optim, name)).parameters["lr"].default)
    own = dict(lr=lr * 0.5)
    if "weight_decay" in inspect.signature(getattr(torch.optim, name)).parameters:
        own["weight_decay"] = 0.05
    groups = [dict(own, params=[0]), dict(params=[1, 2])]
    ours, theirs, targets = make_params(2, dtype)
    extra_ours, extra_theirs = nn.Parameter(st.ones(3)), torch.nn.Parameter(torch.ones(3))
    our_opt = getattr(optim, name)(grouped(ours, groups) + [dict(params=[extra_ours])], **kwargs)
    their_opt = getattr(torch.optim, name)(grouped(theirs, groups) + [dict(params=[extra_theirs])],
                                           **kwargs)
    train(our_opt, ours[:3], targets[:3], st, 20)
    train(their_opt, theirs[:3], targets[:3], torch, 20)
    assert_same_params(ours, theirs, TOLERANCE[dtype])
    assert_same_state(our_opt, their_opt, TOLERANCE[dtype])
    assert extra_ours not in our_opt.state
    np.testing.assert_array_equal(to_np(extra_ours), [1, 1, 1])
    for our_group, their_group in zip(our_opt.param_groups, their_opt.param_groups):
        assert set(our_group) == set(their_group)
        for key in their_group:
            if key != "params":
                assert our_group[key] == their_group[key], key


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", [c for c in CONFIGS if c[1]],
                         ids=[i for i, c in zip(CONFIG_IDS, CONFIGS) if c[1]])
def test_state_dict_round_trip_continues_bit_identically(name, kwargs, dtype):
    ours, _, targets = make_params(3, dtype)
    opt = getattr(optim, name)(ours, **kwargs)
    train(opt, ours, targets, st, 10)
    saved = opt.state_dict()
    copies = [nn.Parameter(st.tensor(to_np(p))) for p in ours]
    fresh = getattr(optim, name)(copies, lr=0.5)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    train(opt, ours, targets, st, 10)
    train(fresh, copies, targets, st, 10)
    for p, q in zip(ours, copies):
        np.testing.assert_array_equal(to_np(p), to_np(q))
    # and both agree with torch's 20 uninterrupted steps
    _, theirs, _, _ = run_pair(name, kwargs, seed=3, dtype=dtype)
    assert_same_params(ours, theirs, TOLERANCE[dtype])


@pytest.mark.parametrize("name,kwargs", [
    ("Adadelta", dict(weight_decay=0.1)), ("Adamax", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, decoupled_weight_decay=True, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01)), ("Rprop", dict(lr=0.05)), ("ASGD", dict(lr=0.02, t0=4))],
    ids=lambda v: v if isinstance(v, str) else "")
def test_loads_torchs_state_dict_mid_run(name, kwargs):
    # torch runs 10 steps; ours loads its state dict (tensors converted) onto copies of its
    # parameters, and both run 10 more.
    _, theirs, targets = make_params(4, np.float64)
    their_opt = getattr(torch.optim, name)(theirs, **kwargs)
    train(their_opt, theirs, targets, torch, 10)
    ours = [nn.Parameter(st.tensor(p.detach().numpy().copy())) for p in theirs]
    our_opt = getattr(optim, name)(ours)
    saved = their_opt.state_dict()
    our_opt.load_state_dict({
        "state": {k: {n: st.tensor(v.numpy()) for n, v in s.items()}
                  for k, s in saved["state"].items()},
        "param_groups": saved["param_groups"]})
    assert our_opt.param_groups[0]["lr"] == their_opt.param_groups[0]["lr"]
    train(their_opt, theirs, targets, torch, 10)
    train(our_opt, ours, targets, st, 10)
    assert_same_params(ours, theirs, 1e-11)
    assert_same_state(our_opt, their_opt, 1e-11)


def test_load_state_dict_errors_name_the_optimizer_and_tensor():
    ours, _, targets = make_params(5)
    for name, key in (("Adadelta", "acc_delta"), ("Adamax", "exp_inf"), ("NAdam", "exp_avg"),
                      ("RAdam", "exp_avg_sq"), ("Rprop", "step_size"), ("ASGD", "ax")):
        opt = getattr(optim, name)(ours)
        train(opt, ours, targets, st, 1)
        saved = opt.state_dict()
        wrong = {k: dict(v) for k, v in saved["state"].items()}
        wrong[0][key] = st.zeros(7)
        with pytest.raises(ValueError, match=f"{name}: load_state_dict: expected '{key}' of shape"):
            opt.load_state_dict({"state": wrong, "param_groups": saved["param_groups"]})
        del wrong[0][key]
        with pytest.raises(ValueError, match=f"{name}: load_state_dict: .* no '{key}' tensor"):
            opt.load_state_dict({"state": wrong, "param_groups": saved["param_groups"]})
    opt = optim.NAdam(ours)
    train(opt, ours, targets, st, 1)
    saved = opt.state_dict()
    saved["state"][0]["mu_product"] = st.ones(2)
    with pytest.raises(ValueError, match="NAdam: load_state_dict: expected a scalar 'mu_product'"):
        opt.load_state_dict(saved)


SCHEDULES = [
    ("StepLR", dict(step_size=4, gamma=0.5)),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("OneCycleLR", dict(max_lr=0.05, total_steps=20)),
]


@pytest.mark.parametrize("schedule,schedule_kwargs", SCHEDULES, ids=[s for s, _ in SCHEDULES])
@pytest.mark.parametrize("name", NAMES)
def test_lr_schedules_drive_them_like_torch(name, schedule, schedule_kwargs):
    kwargs = dict(lr=0.02)
    if schedule == "OneCycleLR" and name in ("Adamax", "NAdam", "RAdam"):
        kwargs["betas"] = (0.9, 0.99)  # OneCycleLR cycles beta1 of these
    elif schedule == "OneCycleLR":
        schedule_kwargs = dict(schedule_kwargs, cycle_momentum=False)
    ours, theirs, targets = make_params(6, np.float64)
    our_opt = getattr(optim, name)(ours, **kwargs)
    their_opt = getattr(torch.optim, name)(theirs, **kwargs)
    ours_sched = getattr(optim.lr_scheduler, schedule)(our_opt, **schedule_kwargs)
    their_sched = getattr(torch.optim.lr_scheduler, schedule)(their_opt, **schedule_kwargs)
    train(our_opt, ours, targets, st, 20, ours_sched)
    train(their_opt, theirs, targets, torch, 20, their_sched)
    assert our_opt.param_groups[0]["lr"] == pytest.approx(their_opt.param_groups[0]["lr"])
    assert_same_params(ours, theirs, 1e-11)


@pytest.mark.parametrize("name", NAMES)
def test_signature_and_defaults_match_torch(name):
    ours = inspect.signature(getattr(optim, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    assert list(ours) == list(theirs)
    for key, param in theirs.items():
        assert ours[key].kind == param.kind, key
        assert ours[key].default == param.default, key
    p = nn.Parameter(st.ones(1))
    our_defaults = getattr(optim, name)([p]).defaults
    their_defaults = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))]).defaults
    assert our_defaults == their_defaults


@pytest.mark.parametrize("name", NAMES)
def test_trains_a_module_like_torch(name):
    torch.manual_seed(1)
    reference = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    model.load_state_dict({k: st.tensor(v.numpy()) for k, v in reference.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((16, 4)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 3, 16)
    our_opt = getattr(optim, name)(model.parameters(), lr=0.01)
    their_opt = getattr(torch.optim, name)(reference.parameters(), lr=0.01)
    for _ in range(20):
        for opt, net, lib, functional in ((our_opt, model, st, nn.functional),
                                          (their_opt, reference, torch, torch.nn.functional)):
            opt.zero_grad()
            functional.cross_entropy(net(lib.tensor(x)), lib.tensor(y)).backward()
            opt.step()
    for (key, ours), (_, theirs) in zip(model.state_dict().items(),
                                        reference.state_dict().items()):
        np.testing.assert_allclose(to_np(ours), theirs.numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=key)


BAD = [
    ("Adadelta", dict(lr=-0.1), "Adadelta: invalid learning rate: expected lr >= 0"),
    ("Adadelta", dict(rho=1.5), "Adadelta: invalid rho value: expected 0 <= rho <= 1"),
    ("Adadelta", dict(rho=-0.1), "Adadelta: invalid rho value"),
    ("Adadelta", dict(eps=-1.0), "Adadelta: invalid epsilon value"),
    ("Adadelta", dict(weight_decay=-1), "Adadelta: invalid weight_decay value"),
    ("Adamax", dict(lr=-0.1), "Adamax: invalid learning rate"),
    ("Adamax", dict(betas=(1.0, 0.9)), "Adamax: invalid beta parameter at index 0"),
    ("Adamax", dict(betas=(0.9, -0.1)), "Adamax: invalid beta parameter at index 1"),
    ("Adamax", dict(eps=-1.0), "Adamax: invalid epsilon value"),
    ("Adamax", dict(weight_decay=-1), "Adamax: invalid weight_decay value"),
    ("NAdam", dict(lr=-0.1), "NAdam: invalid learning rate"),
    ("NAdam", dict(betas=(-0.1, 0.9)), "NAdam: invalid beta parameter at index 0"),
    ("NAdam", dict(betas=(0.9, 1.0)), "NAdam: invalid beta parameter at index 1"),
    ("NAdam", dict(momentum_decay=-1), "NAdam: invalid momentum_decay value"),
    ("NAdam", dict(weight_decay=-1), "NAdam: invalid weight_decay value"),
    ("RAdam", dict(lr=-0.1), "RAdam: invalid learning rate"),
    ("RAdam", dict(betas=(0.9, 1.5)), "RAdam: invalid beta parameter at index 1"),
    ("RAdam", dict(eps=-1.0), "RAdam: invalid epsilon value"),
    ("RAdam", dict(weight_decay=-1), "RAdam: invalid weight_decay value"),
    ("Rprop", dict(lr=-0.1), "Rprop: invalid learning rate"),
    ("Rprop", dict(etas=(1.0, 1.2)), r"Rprop: invalid etas values: expected 0 < etas\[0\] < 1 "),
    ("Rprop", dict(etas=(0.0, 1.2)), "Rprop: invalid etas values"),
    ("Rprop", dict(etas=(0.5, 1.0)), r"Rprop: invalid etas values: .*got \(0.5, 1\)"),
    ("Rprop", dict(etas=(0.5,)), "etas: expected a pair of numbers"),
    ("Rprop", dict(step_sizes=(1.0, 0.1)), "Rprop: invalid step_sizes values"),
    ("Rprop", dict(step_sizes=(-1.0, 1.0)), "Rprop: invalid step_sizes values"),
    ("ASGD", dict(lr=-0.1), "ASGD: invalid learning rate"),
    ("ASGD", dict(lambd=-1), "ASGD: invalid lambd value"),
    ("ASGD", dict(alpha=-1), "ASGD: invalid alpha value"),
    ("ASGD", dict(t0=float("nan")), "ASGD: invalid t0 value"),
    ("ASGD", dict(weight_decay=-1), "ASGD: invalid weight_decay value"),
]


@pytest.mark.parametrize("name,kwargs,message", BAD, ids=[f"{n}-{k}" for n, k, _ in BAD])
def test_bad_arguments_raise_naming_optimizer_and_argument(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(optim, name)([nn.Parameter(st.ones(2))], **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_bad_values_set_later_and_torch_flags(name):
    p = nn.Parameter(st.ones(2))
    opt = getattr(optim, name)([p])
    opt.param_groups[0]["lr"] = -1.0
    (p * 1).sum().backward()
    with pytest.raises(ValueError, match=f"{name}: invalid learning rate"):
        opt.step()
    with pytest.raises(TypeError, match="optimizer option lr: expected a number"):
        opt.param_groups[0]["lr"] = "fast"
    with pytest.raises(NotImplementedError, match=f"{name}: differentiable=True"):
        getattr(optim, name)([p], differentiable=True)
    with pytest.raises(TypeError, match=f"{name}: foreach must be None or a bool"):
        getattr(optim, name)([p], foreach="yes")
    # foreach and capturable change nothing here (see the docstrings)
    ours, _, targets = make_params(7)
    plain = getattr(optim, name)(ours)
    copies = [nn.Parameter(st.tensor(to_np(q))) for q in ours]
    flagged = getattr(optim, name)(copies, foreach=True, capturable=True)
    assert flagged.param_groups[0]["foreach"] is True
    train(plain, ours, targets, st, 5)
    train(flagged, copies, targets, st, 5)
    for a, b in zip(ours, copies):
        np.testing.assert_array_equal(to_np(a), to_np(b))


def test_rprop_ignores_later_lr_changes_as_torch():
    def lr_change(opt, params, targets, lib):
        train(opt, params, targets, lib, 5)
        opt.param_groups[0]["lr"] = 1.0
        train(opt, params, targets, lib, 5)

    ours, theirs, targets = make_params(8, np.float64)
    our_opt, their_opt = optim.Rprop(ours), torch.optim.Rprop(theirs)
    lr_change(our_opt, ours, targets, st)
    lr_change(their_opt, theirs, targets, torch)
    assert_same_params(ours, theirs, 1e-11)


# ---- an optimizer written in Python ------------------------------------------------------------


def sign_momentum_class(lib):
    """The same Python source, written against torch.optim.Optimizer or striate's."""

    class SignMomentum(lib.optim.Optimizer):
        def __init__(self, params, lr=0.1, momentum=0.9, betas=(0.5, 0.9), tags=None):
            super().__init__(params, dict(lr=lr, momentum=momentum, betas=betas,
                                          tags=tags if tags is not None else ["a"]))

        def step(self, closure=None):
            loss = None
            if closure is not None:
                with lib.enable_grad():
                    loss = closure()
            with lib.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is None:
                            continue
                        state = self.state[p]
                        if len(state) == 0:
                            state["step"] = 0
                            state["buf"] = lib.zeros_like(p)
                        state["step"] += 1
                        buf = state["buf"]
                        buf.mul_(group["momentum"])
                        buf.add_(p.grad)
                        p.add_(buf.sign(), alpha=-group["lr"])
            return loss

    return SignMomentum


def test_python_optimizer_matches_torch_with_groups_and_schedule():
    ours, theirs, targets = make_params(9, np.float64)
    groups = [dict(params=[0, 1], lr=0.05), dict(params=[2])]
    our_opt = sign_momentum_class(st)(grouped(ours, groups), momentum=0.5)
    their_opt = sign_momentum_class(torch)(grouped(theirs, groups), momentum=0.5)
    our_sched = optim.lr_scheduler.StepLR(our_opt, step_size=3, gamma=0.5)
    their_sched = torch.optim.lr_scheduler.StepLR(their_opt, step_size=3, gamma=0.5)
    train(our_opt, ours[:3], targets[:3], st, 10, our_sched)
    train(their_opt, theirs[:3], targets[:3], torch, 10, their_sched)
    assert [g["lr"] for g in our_opt.param_groups] == [g["lr"] for g in their_opt.param_groups]
    assert [g["initial_lr"] for g in our_opt.param_groups] == [0.05, 0.1]
    assert_same_params(ours, theirs, 1e-12)
    # add_param_group, then the fourth parameter trains too
    our_opt.add_param_group(dict(params=[ours[3]], momentum=0.0))
    their_opt.add_param_group(dict(params=[theirs[3]], momentum=0.0))
    assert our_opt.param_groups[2]["lr"] == 0.1 and our_opt.param_groups[2]["tags"] == ["a"]
    train(our_opt, ours, targets, st, 5)
    train(their_opt, theirs, targets, torch, 5)
    assert_same_params(ours, theirs, 1e-12)
    # state_dict in torch's layout
    saved, their_saved = our_opt.state_dict(), their_opt.state_dict()
    assert sorted(saved["state"]) == sorted(their_saved["state"]) == [0, 1, 2, 3]
    assert saved["state"][3]["step"] == their_saved["state"][3]["step"] == 5
    assert [g["params"] for g in saved["param_groups"]] == [[0, 1], [2], [3]]
    for ours_group, theirs_group in zip(saved["param_groups"], their_saved["param_groups"]):
        assert ours_group == theirs_group


def test_python_optimizer_param_groups_state_and_zero_grad():
    p, q = nn.Parameter(st.tensor([1.0, -2.0])), nn.Parameter(st.tensor([3.0]))
    opt = sign_momentum_class(st)([p, q], lr=0.5, momentum=0.0)
    group = opt.param_groups[0]
    assert group["betas"] == (0.5, 0.9) and group["tags"] == ["a"]
    group["lr"] = 0.25  # live: the next step uses it
    group["tags"].append("b")  # a list stays in Python, changed in place
    assert opt.param_groups[0]["tags"] == ["a", "b"]
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_allclose(to_np(p), [0.75, -1.75])
    assert p in opt.state and q not in opt.state and opt.state[p]["step"] == 1
    assert opt.defaults == dict(lr=0.5, momentum=0.0, betas=(0.5, 0.9), tags=["a", "b"])
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(to_np(p.grad), [0, 0])
    opt.zero_grad()
    assert p.grad is None
    assert "Parameter Group 0" in repr(opt)
    with pytest.raises(TypeError, match="option 'betas' must be"):
        opt.add_param_group(dict(params=[nn.Parameter(st.ones(1))], betas=[0.1, 0.2]))
    with pytest.raises(ValueError, match="some parameters appear more than once"):
        opt.add_param_group(dict(params=[q]))
    with pytest.raises(NotImplementedError, match="defines its own step"):
        optim.Optimizer([p], {}).step()


def test_python_optimizer_state_dict_round_trip_continues_bit_identically():
    ours, _, targets = make_params(10, np.float64)
    cls = sign_momentum_class(st)
    opt = cls(ours, lr=0.05)
    train(opt, ours, targets, st, 6)
    opt.param_groups[0]["lr"] = 0.02
    opt.param_groups[0]["note"] = "kept"
    saved = opt.state_dict()
    copies = [nn.Parameter(st.tensor(to_np(p))) for p in ours]
    fresh = cls(copies, lr=0.9, momentum=0.1)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.02 and fresh.param_groups[0]["momentum"] == 0.9
    assert fresh.param_groups[0]["note"] == "kept"
    assert fresh.state[copies[0]]["buf"] is not saved["state"][0]["buf"]  # copied, as torch
    train(opt, ours, targets, st, 6)
    train(fresh, copies, targets, st, 6)
    for p, q in zip(ours, copies):
        np.testing.assert_array_equal(to_np(p), to_np(q))
    with pytest.raises(ValueError, match="different number of parameter groups"):
        fresh.load_state_dict({"state": {}, "param_groups": saved["param_groups"] * 2})
    bad = {"state": {}, "param_groups": [dict(saved["param_groups"][0], params=[0])]}
    with pytest.raises(ValueError, match="doesn't match the size"):
        fresh.load_state_dict(bad)


@pytest.mark.parametrize("schedule,kwargs", [
    ("OneCycleLR", dict(max_lr=0.1, total_steps=12)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3))])
def test_python_optimizer_takes_cycling_schedules(schedule, kwargs):
    # torch's cycles move beta1 when the defaults have "betas" (else "momentum"): so do ours.
    ours, theirs, targets = make_params(11, np.float64)
    our_opt = sign_momentum_class(st)(ours)
    their_opt = sign_momentum_class(torch)(theirs)
    our_sched = getattr(optim.lr_scheduler, schedule)(our_opt, **kwargs)
    their_sched = getattr(torch.optim.lr_scheduler, schedule)(their_opt, **kwargs)
    train(our_opt, ours, targets, st, 8, our_sched)
    train(their_opt, theirs, targets, torch, 8, their_sched)
    for ours_group, theirs_group in zip(our_opt.param_groups, their_opt.param_groups):
        assert ours_group["lr"] == pytest.approx(theirs_group["lr"])
        assert ours_group["betas"] == pytest.approx(theirs_group["betas"])
        assert ours_group["momentum"] == theirs_group["momentum"] == 0.9
    assert_same_params(ours, theirs, 1e-12)


def test_python_optimizer_with_a_required_lr():
    class PlainSGD(optim.Optimizer):
        def __init__(self, params, lr=optim.optimizer.required):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            with st.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        p.add_(p.grad, alpha=-group["lr"])

    p, q = nn.Parameter(st.tensor([1.0])), nn.Parameter(st.tensor([2.0]))
    with pytest.raises(ValueError, match="didn't specify a value of required .*lr"):
        PlainSGD([p])
    opt = PlainSGD([dict(params=[p], lr=0.5)])
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    (p * p).sum().backward()
    opt.step()
    sched.step()
    np.testing.assert_allclose(to_np(p), [0.0])
    assert opt.param_groups[0]["lr"] == 0.25
    with pytest.raises(ValueError, match="didn't specify a value of required .*lr"):
        opt.add_param_group(dict(params=[q]))
    opt.add_param_group(dict(params=[q], lr=0.1))
    assert opt.param_groups[1]["lr"] == 0.1
