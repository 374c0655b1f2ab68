"""optim.lr_scheduler (the C++ schedules through their Python subclasses): every schedule's
learning rates equal torch.optim.lr_scheduler's at each of 60+ steps (two parameter groups with
different lrs), InverseTimeLR against its formula, momentum cycling reaching the update rule,
chaining, resuming with last_epoch, step(epoch), Python subclasses defining get_lr, state dicts
(torch's entries, round trips), and bad arguments."""

import math
import warnings

import numpy as np
import pytest
import striate as st
import torch
from striate import nn, optim
from striate.optim import lr_scheduler

STEPS = 60


def make_optimizers(name="SGD", **kwargs):
    ours = [nn.Parameter(st.ones(2)), nn.Parameter(st.ones(3))]
    theirs = [torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(3))]

    def groups(params):
        return [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.03}]

    kwargs = dict(dict(lr=0.1, momentum=0.9) if name == "SGD" else dict(lr=0.1), **kwargs)
    return (getattr(optim, name)(groups(ours), **kwargs),
            getattr(torch.optim, name)(groups(theirs), **kwargs))


def lrs(opt):
    return [group["lr"] for group in opt.param_groups]


def run_side_by_side(build, steps=STEPS, optimizer="SGD", metrics=None, momentum_key=None):
    """build(lib_module, optimizer) -> scheduler; steps both and compares every lr."""
    our_opt, their_opt = make_optimizers(optimizer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = build(lr_scheduler, our_opt)
        theirs = build(torch.optim.lr_scheduler, their_opt)
    history = []
    assert lrs(our_opt) == pytest.approx(lrs(their_opt), rel=1e-12, abs=1e-15)
    for step in range(steps):
        our_opt.step()
        their_opt.step()
        if metrics is None:
            ours.step()
            theirs.step()
        else:
            ours.step(metrics[step])
            theirs.step(metrics[step])
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12, abs=1e-15), step
        assert lrs(our_opt) == pytest.approx(lrs(their_opt), rel=1e-12, abs=1e-15), step
        if momentum_key is not None:
            assert ([g[momentum_key] for g in our_opt.param_groups]
                    == [g[momentum_key] for g in their_opt.param_groups]), step
        history.append(ours.get_last_lr()[0])
    return ours, our_opt, history


SCHEDULES = {
    "StepLR": lambda m, o: m.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[5, 20, 20, 41], gamma=0.3),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.95),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=25),
    "CosineAnnealingLR-eta_min": lambda m, o: m.CosineAnnealingLR(o, T_max=17, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=10),
    "CosineAnnealingWarmRestarts-T_mult": lambda m, o: m.CosineAnnealingWarmRestarts(
        o, T_0=4, T_mult=2, eta_min=1e-3),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.1, total_iters=10),
    "LinearLR-decay": lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=30),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=STEPS),
    "OneCycleLR-linear": lambda m, o: m.OneCycleLR(o, max_lr=0.8, epochs=6, steps_per_epoch=10,
                                                   anneal_strategy="linear", pct_start=0.25),
    "OneCycleLR-three_phase": lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=STEPS + 5,
                                                        three_phase=True, div_factor=10.0),
    "SequentialLR": lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.01, total_iters=5), m.CosineAnnealingLR(o, T_max=50)],
        milestones=[5]),
    "SequentialLR-three": lambda m, o: m.SequentialLR(
        o, [m.ExponentialLR(o, gamma=0.9), m.StepLR(o, step_size=4),
            m.MultiStepLR(o, milestones=[3, 8])], milestones=[10, 30]),
    "LambdaLR": lambda m, o: m.LambdaLR(o, lambda epoch: 0.95 ** epoch),
    "LambdaLR-per-group": lambda m, o: m.LambdaLR(
        o, [lambda epoch: 1 / (1 + epoch), lambda epoch: min(1.0, (epoch + 1) / 10)]),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lambda epoch: 0.97),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=7),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=40, power=2.0),
    "CyclicLR": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5),
    "CyclicLR-triangular2": lambda m, o: m.CyclicLR(o, 0.01, [0.2, 0.1], step_size_up=4,
                                                    step_size_down=6, mode="triangular2"),
    "CyclicLR-exp_range": lambda m, o: m.CyclicLR(o, 0.02, 0.3, step_size_up=7, mode="exp_range",
                                                  gamma=0.97, cycle_momentum=False),
    "CyclicLR-scale_fn": lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=3,
                                                 scale_fn=lambda x: 1 / (1 + 0.1 * x),
                                                 scale_mode="iterations"),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.5, total_iters=4), m.ExponentialLR(o, gamma=0.95)]),
    "SequentialLR-constant-poly": lambda m, o: m.SequentialLR(
        o, [m.ConstantLR(o, factor=0.1, total_iters=5), m.PolynomialLR(o, total_iters=40)],
        milestones=[5]),
}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_matches_torch_at_every_step(name):
    _, _, history = run_side_by_side(SCHEDULES[name])
    assert len(set(history)) >= 2  # the lr did change


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_cyclic_lr_cycles_momentum_and_adam_beta1_like_torch(optimizer):
    key = "momentum" if optimizer == "SGD" else "betas"
    run_side_by_side(lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=4, base_momentum=0.7,
                                             max_momentum=0.95),
                     optimizer=optimizer, momentum_key=key)


def test_lambda_schedules_save_callable_objects_not_functions():
    class Warmup:
        def __init__(self, epochs):
            self.epochs = epochs

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.epochs)

    opt, _ = make_optimizers()
    sched = lr_scheduler.LambdaLR(opt, [lambda epoch: 1.0, Warmup(4)])
    for _ in range(3):
        sched.step()
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None, {"epochs": 4}] and "optimizer" not in state
    st.save(state, "/dev/null")  # nothing unpicklable (functions) in it
    opt2, _ = make_optimizers()
    warmup = Warmup(99)
    again = lr_scheduler.LambdaLR(opt2, [lambda epoch: 1.0, warmup])
    again.load_state_dict(state)
    assert warmup.epochs == 4 and again.last_epoch == 3
    again.step()
    sched.step()
    assert again.get_last_lr() == sched.get_last_lr()


def test_onecycle_cycles_momentum_and_adam_beta1_like_torch():
    build = SCHEDULES["OneCycleLR"]
    run_side_by_side(build, momentum_key="momentum")
    run_side_by_side(lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=STEPS),
                     optimizer="Adam", momentum_key="betas")


def test_onecycle_past_total_steps_raises():
    opt, _ = make_optimizers()
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match="tried to step 4 times"):
        sched.step()


@pytest.mark.parametrize("kwargs", [dict(), dict(mode="max", factor=0.5, patience=2),
                                    dict(patience=3, cooldown=2, threshold=0.1, min_lr=[0.02, 0.0]),
                                    dict(threshold_mode="abs", threshold=0.05, patience=1,
                                         min_lr=0.005),
                                    dict(patience=2, cooldown=1, min_lr=0.004)],
                         ids=str)
def test_reduce_on_plateau_matches_torch(kwargs):
    metrics = [1.0 / (1 + i) if i < 15 else 0.06 + 0.001 * math.sin(i) for i in range(STEPS)]
    if kwargs.get("mode") == "max":
        metrics = [-m for m in metrics]
    sched, _, history = run_side_by_side(
        lambda m, o: m.ReduceLROnPlateau(o, **kwargs), metrics=metrics)
    assert history[-1] < history[0]
    assert sched.num_bad_epochs >= 0 and sched.last_epoch == STEPS


def test_inverse_time_lr_follows_the_formula():
    opt, _ = make_optimizers()
    sched = lr_scheduler.InverseTimeLR(opt, decay_rate=0.5)
    assert lrs(opt) == [0.1, 0.03]
    for t in range(1, STEPS + 1):
        opt.step()
        sched.step()
        expected = [0.1 / (1 + 0.5 * t), 0.03 / (1 + 0.5 * t)]
        assert sched.get_last_lr() == pytest.approx(expected, rel=1e-15)
        assert lrs(opt) == pytest.approx(expected, rel=1e-15)
    with pytest.raises(ValueError, match="decay_rate >= 0"):
        lr_scheduler.InverseTimeLR(opt, decay_rate=-1)


def test_scheduled_lr_reaches_the_cpp_optimizer():
    p = nn.Parameter(st.zeros(1))
    opt = optim.SGD([p], lr=1.0)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    expected = 0.0
    for step in range(4):
        opt.zero_grad()
        (p * 1).sum().backward()  # gradient 1
        opt.step()
        expected -= 0.5 ** step
        sched.step()
        assert p.item() == pytest.approx(expected)


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR",
                                  "CosineAnnealingWarmRestarts-T_mult", "OneCycleLR",
                                  "SequentialLR", "LinearLR", "LambdaLR", "ConstantLR",
                                  "PolynomialLR", "CyclicLR-scale_fn", "ChainedScheduler"])
def test_state_dict_round_trip_continues_identically(name, tmp_path):
    build = SCHEDULES[name]
    opt, _ = make_optimizers()
    sched = build(lr_scheduler, opt)
    for _ in range(23):
        opt.step()
        sched.step()
    saved_sched, saved_opt = sched.state_dict(), opt.state_dict()
    steps = (saved_sched["_schedulers"][0] if name == "ChainedScheduler" else saved_sched)
    assert "optimizer" not in saved_sched and steps["last_epoch"] == 23
    st.save(saved_sched, tmp_path / "sched.pt")  # a checkpoint can hold it (no functions)
    saved_sched = st.load(tmp_path / "sched.pt")
    fresh_opt, _ = make_optimizers()
    fresh = build(lr_scheduler, fresh_opt)
    fresh_opt.load_state_dict(saved_opt)
    fresh.load_state_dict(saved_sched)
    for _ in range(20):
        for o, s in ((opt, sched), (fresh_opt, fresh)):
            o.step()
            s.step()
        assert fresh.get_last_lr() == sched.get_last_lr()
        assert lrs(fresh_opt) == lrs(opt)


def test_reduce_on_plateau_state_dict():
    opt, _ = make_optimizers()
    sched = lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=1)
    for metric in (1.0, 0.5, 0.4, 0.3):
        sched.step(metric)
    fresh_opt, _ = make_optimizers()
    fresh = lr_scheduler.ReduceLROnPlateau(fresh_opt)
    fresh.load_state_dict(sched.state_dict())
    fresh_opt.load_state_dict(opt.state_dict())
    assert fresh.mode == "max" and fresh.best == 1.0 and lrs(fresh_opt) == lrs(opt)
    for metric in (0.2, 0.1, 0.05):
        sched.step(metric)
        fresh.step(metric)
        assert fresh.get_last_lr() == sched.get_last_lr()


def test_initial_lr_is_recorded_and_last_epoch_resumes():
    opt, _ = make_optimizers()
    lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.03]
    fresh, _ = make_optimizers()
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.ExponentialLR(fresh, gamma=0.5, last_epoch=3)


def test_scheduler_bad_arguments():
    opt, _ = make_optimizers()
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=2)
    with pytest.raises(ValueError, match="positive integer step_size"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max > 0"):
        lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(ValueError, match="positive integer T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="integer T_mult >= 1"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0)
    with pytest.raises(ValueError, match="0 < start_factor <= 1"):
        lr_scheduler.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="0 <= end_factor <= 1"):
        lr_scheduler.LinearLR(opt, end_factor=1.5)
    with pytest.raises(ValueError, match="either total_steps OR"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="positive integer total_steps"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=0)
    with pytest.raises(ValueError, match="pct_start between 0 and 1"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=1.5)
    with pytest.raises(ValueError, match="anneal_strategy"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy="step")
    with pytest.raises(ValueError, match="expected 2 values for max_lr"):
        lr_scheduler.OneCycleLR(opt, max_lr=[0.1], total_steps=10)
    adagrad = optim.Adagrad([nn.Parameter(st.ones(1))])
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        lr_scheduler.OneCycleLR(adagrad, max_lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match="factor < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(ValueError, match="threshold_mode must be"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="pct")
    with pytest.raises(ValueError, match="expected 2 values for min_lr"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1])
    other, _ = make_optimizers()
    with pytest.raises(ValueError, match="same optimizer"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(other, 2)], milestones=[])
    with pytest.raises(ValueError, match="one milestone fewer"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(opt, 2)], milestones=[3])
    with pytest.raises(ValueError, match="not supported"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.ReduceLROnPlateau(opt)], milestones=[])
    with pytest.raises(ValueError, match="at least one scheduler"):
        lr_scheduler.SequentialLR(opt, [], milestones=[])


def test_new_schedules_bad_arguments():
    opt, _ = make_optimizers()
    with pytest.raises(ValueError, match="LambdaLR: expected 2 lr_lambdas, got 1"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(TypeError, match="MultiplicativeLR: lr_lambda 0 should be callable"):
        lr_scheduler.MultiplicativeLR(opt, 0.9)
    with pytest.raises(ValueError, match="ConstantLR: expected 0 <= factor <= 1, got 2"):
        lr_scheduler.ConstantLR(opt, factor=2)
    with pytest.raises(ValueError, match="ConstantLR: expected an integer total_iters >= 0"):
        lr_scheduler.ConstantLR(opt, total_iters=-1)
    with pytest.raises(ValueError, match="PolynomialLR: expected a positive integer total_iters"):
        lr_scheduler.PolynomialLR(opt, total_iters=0)
    with pytest.raises(ValueError, match="CyclicLR: mode must be"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="sine")
    with pytest.raises(ValueError, match="CyclicLR: expected step_size_up > 0"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=0)
    with pytest.raises(ValueError, match="CyclicLR: expected 2 values for max_lr"):
        lr_scheduler.CyclicLR(opt, 0.01, [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="CyclicLR: scale_mode must be"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1, scale_fn=lambda x: 1.0, scale_mode="epoch")
    adagrad = optim.Adagrad([nn.Parameter(st.ones(1))])
    with pytest.raises(ValueError, match="CyclicLR: optimizer must support momentum or beta1"):
        lr_scheduler.CyclicLR(adagrad, 0.01, 0.1)
    other, _ = make_optimizers()
    with pytest.raises(ValueError, match="ChainedScheduler: expected every scheduler to belong"):
        lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(opt, 2), lr_scheduler.StepLR(other, 2)])
    with pytest.raises(ValueError, match="ChainedScheduler: ReduceLROnPlateau is not supported"):
        lr_scheduler.ChainedScheduler([lr_scheduler.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match="ChainedScheduler: expected at least one scheduler"):
        lr_scheduler.ChainedScheduler([])


def test_a_python_lr_lambda_that_raises_surfaces_as_that_error():
    opt, _ = make_optimizers()
    with pytest.raises(ZeroDivisionError):
        lr_scheduler.LambdaLR(opt, lambda epoch: 1 / epoch)


# ---- the schedule reaches the update rule -----------------------------------------------------


def run_training_against_torch(optimizer, make_schedule):
    """Trains the same problem with striate and torch for STEPS steps, a schedule built by
    make_schedule(lr_scheduler_module, opt) stepping after each optimizer step. Equal parameters
    at the end show the scheduled lr and the cycled momentum / beta1 reached the update rule."""
    ours = [nn.Parameter(st.tensor([0.5, -1.5])), nn.Parameter(st.tensor([2.0, 0.3, -0.7]))]
    theirs = [torch.nn.Parameter(torch.tensor([0.5, -1.5])),
              torch.nn.Parameter(torch.tensor([2.0, 0.3, -0.7]))]
    extra = dict(momentum=0.9) if optimizer != "Adam" else {}
    our_opt = getattr(optim, optimizer)([{"params": [ours[0]]}, {"params": [ours[1]]}], lr=0.1,
                                        **extra)
    their_opt = getattr(torch.optim, optimizer)([{"params": [theirs[0]]}, {"params": [theirs[1]]}],
                                               lr=0.1, **extra)
    sched = make_schedule(lr_scheduler, our_opt)
    their_sched = make_schedule(torch.optim.lr_scheduler, their_opt)
    for step in range(STEPS):
        for params, opt, lib in ((ours, our_opt, st), (theirs, their_opt, torch)):
            opt.zero_grad()
            sum(((p * p * p).sum() for p in params), lib.tensor(0.0)).backward()
            opt.step()
        sched.step()
        their_sched.step()
        assert sched.get_last_lr() == pytest.approx(their_sched.get_last_lr(), rel=1e-12), step
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-5)
    return sched


@pytest.mark.parametrize("optimizer,kwargs", [
    ("SGD", dict(max_lr=[1.0, 0.5], total_steps=STEPS)),
    ("SGD", dict(max_lr=0.8, total_steps=STEPS, anneal_strategy="linear", pct_start=0.25)),
    ("Adam", dict(max_lr=0.1, total_steps=STEPS + 5, three_phase=True, div_factor=10.0)),
    ("RMSprop", dict(max_lr=0.05, total_steps=STEPS, base_momentum=0.5, max_momentum=0.9)),
], ids=["sgd", "sgd-linear", "adam-three-phase", "rmsprop"])
def test_onecycle_trains_like_torch_including_momentum(optimizer, kwargs):
    sched = run_training_against_torch(optimizer, lambda m, o: m.OneCycleLR(o, **kwargs))
    with pytest.raises(ValueError, match="tried to step"):
        for _ in range(10):
            sched.step()


@pytest.mark.parametrize("optimizer", ["SGD", "Adam", "RMSprop"])
def test_cyclic_lr_trains_like_torch_including_momentum(optimizer):
    kwargs = dict(base_lr=0.01, max_lr=[0.05, 0.02], step_size_up=6, step_size_down=9,
                  mode="triangular2", base_momentum=0.6, max_momentum=0.95)
    run_training_against_torch(optimizer, lambda m, o: m.CyclicLR(o, **kwargs))


# ---- torch's other forms: resuming, step(epoch), subclasses, state dict keys -------------------


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "CosineAnnealingLR", "LinearLR",
                                  "ExponentialLR", "CosineAnnealingWarmRestarts-T_mult",
                                  "OneCycleLR", "CyclicLR", "LambdaLR", "PolynomialLR"])
def test_resuming_with_last_epoch_matches_torch(name):
    # After 9 steps, a schedule built again with last_epoch=9 (as a resumed run does, on groups
    # holding initial_lr and the schedule's other keys) continues as torch's does.
    build = SCHEDULES[name]
    our_opt, their_opt = make_optimizers()
    for last_epoch in (-1, 9):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = _with_last_epoch(build, lr_scheduler, our_opt, last_epoch)
            theirs = _with_last_epoch(build, torch.optim.lr_scheduler, their_opt, last_epoch)
        for step in range(9 if last_epoch == -1 else 20):
            assert ours.last_epoch == theirs.last_epoch
            assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12), step
            assert lrs(our_opt) == pytest.approx(lrs(their_opt), rel=1e-12), step
            our_opt.step()
            their_opt.step()
            ours.step()
            theirs.step()
    fresh, _ = make_optimizers()
    with pytest.raises(KeyError, match="initial_lr"):
        _with_last_epoch(build, lr_scheduler, fresh, 3)


def _with_last_epoch(build, module, opt, last_epoch):
    """build(module, opt) with last_epoch passed to the schedule's constructor."""

    class Resuming:
        def __getattr__(self, name):
            cls = getattr(module, name)
            return lambda *args, **kwargs: cls(*args, last_epoch=last_epoch, **kwargs)

    return build(Resuming(), opt)


def test_warm_restarts_step_with_fractional_epochs_matches_torch():
    our_opt, their_opt = make_optimizers()
    ours = lr_scheduler.CosineAnnealingWarmRestarts(our_opt, T_0=3, T_mult=2, eta_min=0.001)
    theirs = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(their_opt, T_0=3, T_mult=2,
                                                                  eta_min=0.001)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in [0.5, 1.25, 2.9, 3.0, 4.5, 8.99, 9.0, 10.2, 30.7, 2.0]:
            ours.step(epoch)
            theirs.step(epoch)
            assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12), epoch
            assert (ours.T_cur, ours.T_i, ours.last_epoch) == pytest.approx(
                (theirs.T_cur, theirs.T_i, theirs.last_epoch)), epoch
    with pytest.raises(ValueError, match="expected epoch >= 0"):
        ours.step(-1)


def test_python_subclass_defines_get_lr_like_torch():
    # A user's schedule, written once for both libraries: the C++ base calls the Python get_lr.
    def make(module):
        class Warmup(module.LRScheduler):
            def __init__(self, optimizer, epochs, last_epoch=-1):
                self.epochs = epochs
                super().__init__(optimizer, last_epoch)

            def get_lr(self):
                scale = min(1.0, (self.last_epoch + 1) / self.epochs)
                return [base * scale for base in self.base_lrs]

        return Warmup

    our_opt, their_opt = make_optimizers()
    ours = make(lr_scheduler)(our_opt, 4)
    theirs = make(torch.optim.lr_scheduler)(their_opt, 4)
    assert isinstance(ours, lr_scheduler.LRScheduler)
    for step in range(8):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12), step
        assert lrs(our_opt) == pytest.approx(lrs(their_opt), rel=1e-12), step
        our_opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
    state = ours.state_dict()
    assert state["epochs"] == 4 and state["last_epoch"] == 8 and "optimizer" not in state
    # Inside a SequentialLR the C++ composite steps the Python schedule.
    our_opt, their_opt = make_optimizers()
    ours = lr_scheduler.SequentialLR(
        our_opt, [make(lr_scheduler)(our_opt, 3), lr_scheduler.ExponentialLR(our_opt, 0.9)], [5])
    theirs = torch.optim.lr_scheduler.SequentialLR(
        their_opt, [make(torch.optim.lr_scheduler)(their_opt, 3),
                    torch.optim.lr_scheduler.ExponentialLR(their_opt, 0.9)], [5])
    for step in range(10):
        our_opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
        assert lrs(our_opt) == pytest.approx(lrs(their_opt), rel=1e-12), step


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
                                  "CosineAnnealingWarmRestarts", "LinearLR", "ConstantLR",
                                  "PolynomialLR"])
def test_state_dict_holds_torchs_entries(name):
    our_opt, their_opt = make_optimizers()
    ours = SCHEDULES[name](lr_scheduler, our_opt)
    theirs = SCHEDULES[name](torch.optim.lr_scheduler, their_opt)
    for _ in range(7):
        our_opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
    our_state, their_state = ours.state_dict(), theirs.state_dict()
    skip = {"milestones", "verbose", "_get_lr_called_within_step", "_is_initial"}
    for key, value in their_state.items():
        if key in skip:
            continue
        assert key in our_state, key
        assert our_state[key] == pytest.approx(value, rel=1e-12), key
        assert getattr(ours, key) == pytest.approx(getattr(theirs, key), rel=1e-12), key


def test_reduce_on_plateau_state_holds_torchs_entries():
    our_opt, their_opt = make_optimizers()
    ours = lr_scheduler.ReduceLROnPlateau(our_opt, mode="max", patience=1, min_lr=[0.01, 0.0])
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(their_opt, mode="max", patience=1,
                                                       min_lr=[0.01, 0.0])
    for metric in (1.0, 0.5, 0.4, 0.3):
        ours.step(metric)
        theirs.step(metric)
    our_state = ours.state_dict()
    for key in ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "eps",
                "best", "num_bad_epochs", "cooldown_counter", "min_lrs", "default_min_lr",
                "last_epoch", "_last_lr"):
        assert our_state[key] == theirs.state_dict()[key], key
    assert ours.in_cooldown == theirs.in_cooldown
    assert ours.is_better(2.0, 1.0) and not ours.is_better(1.0, 1.0)


def test_plateau_min_lr_list_and_groups_added_later():
    opt, _ = make_optimizers()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.05, 0.0])
    opt.add_param_group({"params": [nn.Parameter(st.ones(1))]})
    sched.step(1.0)
    with pytest.raises(RuntimeError, match="now has 3 parameter groups but min_lr lists 2"):
        sched.step(2.0)
    opt, _ = make_optimizers()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=0.02)
    opt.add_param_group({"params": [nn.Parameter(st.ones(1))], "lr": 0.1})
    for metric in (1.0, 2.0, 3.0):
        sched.step(metric)
    assert lrs(opt) == pytest.approx([0.02, 0.02, 0.02])
    with pytest.raises(ValueError, match="needs the metric"):
        lr_scheduler.LRScheduler.step(sched)
